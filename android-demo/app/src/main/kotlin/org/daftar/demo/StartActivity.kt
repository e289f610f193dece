package org.daftar.demo

import android.app.Activity
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.LinearLayout
import android.widget.ProgressBar
import android.widget.TextView
import org.daftar.demo.logic.BookSession
import org.daftar.encryptionAvailable
import org.daftar.demo.logic.Outcome
import org.daftar.demo.logic.StartChoice

/** Choose a group; on a phone with no book yet, build the demo book first. */
class StartActivity : Activity() {
    private var building: SlowJob<Int>? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_start)
        keepClearOfSystemBars()
        findViewById<Button>(R.id.build_demo).setOnClickListener { buildDemo() }
        findViewById<Button>(R.id.receive).setOnClickListener { start(ReceiveActivity::class.java) {} }
        // After a rotation: a demo build started before it is still running.
        building = attachSlow(DEMO_JOB, findViewById<ProgressBar>(R.id.progress), ::built)
        if (building != null) {
            findViewById<Button>(R.id.build_demo).isEnabled = false
            findViewById<TextView>(R.id.start_message).setText(R.string.start_building)
        }
    }

    override fun onResume() {
        super.onResume()
        if (building == null) show()
    }

    override fun onDestroy() {
        releaseSlow(DEMO_JOB)
        super.onDestroy()
    }

    private fun show() {
        val message = findViewById<TextView>(R.id.start_message)
        val build = findViewById<Button>(R.id.build_demo)
        val list = findViewById<LinearLayout>(R.id.groups)
        if (BookSession.startChoice(app.bookFile) == StartChoice.BUILD_DEMO) {
            message.setText(R.string.start_no_book)
            build.visibility = View.VISIBLE
            list.removeAllViews()
            return
        }
        build.visibility = View.GONE
        withBook({ app.session().then { it.groups() } }) { groups ->
            message.setText(if (groups.isEmpty()) R.string.start_no_groups else R.string.start_pick)
            list.addAll(
                groups.map { g ->
                    bigButton(g.name) { start(GroupActivity::class.java) { putExtra(DaftarApp.EXTRA_GROUP, g.id.toString()) } }
                },
            )
        }
    }

    private fun buildDemo() {
        val build = findViewById<Button>(R.id.build_demo)
        build.isEnabled = false
        findViewById<TextView>(R.id.start_message).setText(R.string.start_building)
        val file = app.bookFile
        val keys = app.keys
        building = runSlow(DEMO_JOB, findViewById<ProgressBar>(R.id.progress), { relay ->
            // A library that can encrypt makes an encrypted book, its key in the Keystore.
            when (val key = if (encryptionAvailable()) keys.create() else Outcome.Ok(null)) {
                is Outcome.Ok -> BookSession.buildDemoBook(file, 1, relay, key.value)
                is Outcome.Refused -> key
            }
        }, ::built)
    }

    private fun built(outcome: Outcome<Int>) {
        building = null
        findViewById<Button>(R.id.build_demo).isEnabled = true
        if (outcome is Outcome.Refused) shown(outcome) else show()
    }

    private companion object {
        const val DEMO_JOB = "demo"
    }
}
