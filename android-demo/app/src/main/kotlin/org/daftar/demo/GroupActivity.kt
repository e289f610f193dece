package org.daftar.demo

import android.app.Activity
import android.os.Bundle
import android.widget.Button
import android.widget.TextView
import org.daftar.demo.logic.Group

/** One group: its facts and the way to each screen. */
class GroupActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_group)
        keepClearOfSystemBars()
    }

    override fun onResume() {
        super.onResume()
        withBook({ app.group(this).then { g -> app.session().then { it.activeMembers(g) }.map { g to it.size } } }) { (group, count) ->
            title = group.name
            findViewById<TextView>(R.id.group_name).text = group.name
            findViewById<TextView>(R.id.group_facts).text =
                getString(R.string.group_facts, group.org.kind.name.lowercase(), group.org.currency.code, count)
            go(R.id.open_meeting, MeetingActivity::class.java, group)
            go(R.id.open_members, MembersActivity::class.java, group)
            go(R.id.open_reports, ReportsActivity::class.java, group)
            go(R.id.open_corrections, CorrectionsActivity::class.java, group)
            go(R.id.open_verify, VerifyActivity::class.java, group)
            go(R.id.open_sync, SyncActivity::class.java, group)
        }
    }

    private fun go(button: Int, target: Class<out Activity>, group: Group) {
        findViewById<Button>(button).setOnClickListener { start(target) { putExtra(DaftarApp.EXTRA_GROUP, group.id.toString()) } }
    }
}
