package org.daftar.demo

import android.app.Activity
import android.os.Bundle
import android.widget.LinearLayout
import android.widget.TextView

/** The group's members; a tap opens the member's passbook. */
class MembersActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_list)
        keepClearOfSystemBars()
        findViewById<TextView>(R.id.list_title).setText(R.string.members_title)
        withBook({ app.group(this).then { g -> app.session().then { it.members(g) }.map { g to it } } }) { (group, members) ->
            title = group.name
            findViewById<LinearLayout>(R.id.list_items).addAll(
                members.map { m ->
                    val line = getString(R.string.member_line, group.count(m.memberNo.toLong()), m.name)
                    val text = if (m.exitedOn == null) line else getString(R.string.member_exited, line)
                    bigButton(text) {
                        start(PassbookActivity::class.java) {
                            putExtra(DaftarApp.EXTRA_GROUP, group.id.toString())
                            putExtra(DaftarApp.EXTRA_MEMBER, m.memberNo.toInt())
                        }
                    }
                },
            )
        }
    }
}
