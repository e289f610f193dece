package org.daftar.demo

import android.app.Activity
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.TextView
import java.time.LocalDate
import org.daftar.JournalEntry
import org.daftar.demo.logic.Corrections
import org.daftar.demo.logic.Group
import org.daftar.demo.logic.Reversal

/**
 * Correcting a mistaken entry: the book keeper chooses it and gives a reason,
 * and the book records its reversal (never an edit). Where the group's policy
 * asks, the reversal waits here until an approver, typing her own PIN on this
 * phone, approves or rejects it.
 */
class CorrectionsActivity : Activity() {
    private var chosen: Long? = null
    private lateinit var group: Group
    private lateinit var corrections: Corrections

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_corrections)
        keepClearOfSystemBars()
        // Chosen before a rotation, or the entry tapped in a passbook.
        val asked = savedInstanceState?.getLong(CHOSEN, -1) ?: intent.getLongExtra(EXTRA_ENTRY, -1)
        chosen = asked.takeIf { it >= 0 }
        findViewById<Button>(R.id.reverse).setOnClickListener { reverse() }
    }

    override fun onResume() {
        super.onResume()
        if (::corrections.isInitialized) {
            show()
        } else {
            val lock = app.lock
            withBook({ app.group(this).then { g -> app.session().map { g to Corrections(it, g, lock) } } }) { (g, c) ->
                group = g
                corrections = c
                title = g.name
                show()
            }
        }
    }

    override fun onSaveInstanceState(outState: Bundle) {
        super.onSaveInstanceState(outState)
        chosen?.let { outState.putLong(CHOSEN, it.toLong()) }
    }

    private fun line(e: JournalEntry): String =
        getString(R.string.corrections_entry, group.count(e.seq), group.date(e.date), e.narration, e.actor)

    /** What the screen lists: reversals waiting for an approver, and the entries that may be reversed. */
    private data class Lists(val waiting: List<org.daftar.demo.logic.Waiting>, val entries: List<org.daftar.demo.logic.Reversible>)

    /** Reads both lists off the main thread and shows them; then [after]. */
    private fun show(after: () -> Unit = {}) {
        val today = LocalDate.now()
        val also = chosen
        withBook({ corrections.waiting().then { w -> corrections.reversible(today, also = also).map { Lists(w, it) } } }) { lists ->
            showLists(lists)
            after()
        }
    }

    private fun showLists(lists: Lists) {
        val waiting = lists.waiting
        findViewById<View>(R.id.waiting_none).visibility = if (waiting.isEmpty()) View.VISIBLE else View.GONE
        findViewById<View>(R.id.waiting_fields).visibility = if (waiting.isEmpty()) View.GONE else View.VISIBLE
        findViewById<LinearLayout>(R.id.waiting).addAll(
            waiting.flatMap { w ->
                val what = w.entry?.let(::line) ?: group.count(w.requestSeq)
                listOf(
                    bodyText(getString(R.string.corrections_waiting_line, what, w.reason, w.maker)),
                    bigButton(getString(R.string.corrections_approve)) { decide(w.requestSeq, approve = true) },
                    bigButton(getString(R.string.corrections_reject)) { decide(w.requestSeq, approve = false) },
                )
            },
        )
        val entries = lists.entries
        if (entries.none { it.seq == chosen }) chosen = null
        findViewById<TextView>(R.id.chosen).text = entries.firstOrNull { it.seq == chosen }?.let { line(it.entry) } ?: ""
        findViewById<Button>(R.id.reverse).isEnabled = chosen != null
        findViewById<LinearLayout>(R.id.entries).addAll(
            entries.map { r -> bigButton(line(r.entry)) { chosen = r.seq; showLists(lists) } },
        )
    }

    private fun reverse() {
        val seq = chosen ?: return
        val reason = findViewById<EditText>(R.id.reason)
        val why = reason.text.toString()
        withBook({ corrections.reverse(seq, why, LocalDate.now()) }) { done ->
            reason.text.clear()
            chosen = null
            val said = when (done) {
                is Reversal.Recorded -> getString(R.string.corrections_recorded)
                is Reversal.WaitsForApproval -> getString(R.string.corrections_waits)
            }
            show { announce(said) }
        }
    }

    private fun decide(request: Long, approve: Boolean) {
        val approver = findViewById<EditText>(R.id.approver).text.toString()
        val pinField = findViewById<EditText>(R.id.approver_pin)
        val pin = pinField.text.toString()
        // Her PIN never stays on the screen, right or wrong.
        pinField.text.clear()
        val reason = findViewById<EditText>(R.id.decision_reason)
        val why = reason.text.toString()
        val today = LocalDate.now()
        withBook({
            if (approve) corrections.approve(request, approver, pin, today) else corrections.reject(request, approver, pin, why, today)
        }) {
            reason.text.clear()
            show { announce(getString(if (approve) R.string.corrections_approved else R.string.corrections_rejected)) }
        }
    }

    /** A confirmation in the status line, which TalkBack reads out (a live region). */
    private fun announce(text: String) {
        findViewById<TextView>(R.id.status).text = text
    }

    companion object {
        /** The entry to reverse, when the screen is opened from it. */
        const val EXTRA_ENTRY = "org.daftar.demo.ENTRY"
        private const val CHOSEN = "chosen"
    }
}
