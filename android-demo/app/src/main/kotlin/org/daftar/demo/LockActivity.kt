package org.daftar.demo

import android.app.Activity
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.TextView
import org.daftar.demo.logic.Keeper
import org.daftar.demo.logic.Outcome

/**
 * The book's lock: on opening the app and after a few idle minutes, the person
 * using the phone gives her name and PIN, and becomes the actor of every entry.
 * On a book where nobody has a PIN yet, the first person chooses hers; later
 * people are added by an approver typing her own PIN. Back leaves the app:
 * there is no way round the lock.
 */
class LockActivity : Activity() {
    /** Adding a person (or setting up the first one) rather than unlocking. */
    private var adding = false

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_lock)
        keepClearOfSystemBars()
        adding = savedInstanceState?.getBoolean(ADDING) ?: false
        findViewById<Button>(R.id.unlock).setOnClickListener { go() }
        findViewById<Button>(R.id.new_person).setOnClickListener {
            adding = !adding
            show()
        }
        show()
    }

    override fun onSaveInstanceState(outState: Bundle) {
        super.onSaveInstanceState(outState)
        outState.putBoolean(ADDING, adding)
    }

    @Deprecated("Activity's own back handling; no AndroidX here")
    override fun onBackPressed() {
        moveTaskToBack(true)
    }

    /** What the lock shows: whether this is the book's first person, and who may unlock it. */
    private data class Who(val first: Boolean, val people: List<String>)

    private fun show() {
        val lock = app.lock
        withBook({
            app.session().then { session -> lock.isFirstUse(session).then { first -> lock.people(session).map { Who(first, it) } } }
        }) { who -> showFor(who.first, who.people) }
    }

    private fun showFor(first: Boolean, people: List<String>) {
        val newPin = first || adding
        findViewById<TextView>(R.id.lock_explain).setText(
            when {
                first -> R.string.lock_first_explain
                adding -> R.string.lock_add_explain
                else -> R.string.lock_explain
            },
        )
        val person = findViewById<EditText>(R.id.person)
        findViewById<LinearLayout>(R.id.people).addAll(
            if (newPin) emptyList() else people.map { name -> bigButton(name) { person.setText(name) } },
        )
        findViewById<View>(R.id.pin_again).visibility = if (newPin) View.VISIBLE else View.GONE
        val approver = if (adding && !first) View.VISIBLE else View.GONE
        findViewById<View>(R.id.approver).visibility = approver
        findViewById<View>(R.id.approver_pin).visibility = approver
        findViewById<Button>(R.id.unlock).setText(if (newPin) R.string.lock_set_pin else R.string.lock_unlock)
        findViewById<View>(R.id.new_person).visibility = if (first) View.GONE else View.VISIBLE
        findViewById<Button>(R.id.new_person).setText(if (adding) R.string.lock_back_to_unlock else R.string.lock_new_person)
    }

    private fun text(id: Int): String = findViewById<EditText>(id).text.toString()

    private fun go() {
        val lock = app.lock
        val person = text(R.id.person)
        val pin = text(R.id.pin)
        val again = text(R.id.pin_again)
        val approver = text(R.id.approver)
        val approverPin = text(R.id.approver_pin)
        val adding = adding
        // PINs never stay on the screen, right or wrong.
        listOf(R.id.pin, R.id.pin_again, R.id.approver_pin).forEach { findViewById<EditText>(it).text.clear() }
        findViewById<Button>(R.id.unlock).isEnabled = false
        withBook({
            app.session().then { session ->
                lock.isFirstUse(session).then { first ->
                    val outcome: Outcome<Keeper> = when {
                        first -> lock.setUpFirst(session, person, pin, again)
                        adding -> lock.addPerson(session, person, pin, again, approver, approverPin)
                        else -> lock.unlock(session, person, pin)
                    }
                    outcome.map { session to it }
                }
            }.also { app.mainThread.post { if (!isDestroyed) findViewById<Button>(R.id.unlock).isEnabled = true } }
        }) { (session, keeper) ->
            session.keeper = keeper
            setResult(RESULT_OK)
            finish()
        }
    }

    private companion object {
        const val ADDING = "adding"
    }
}
