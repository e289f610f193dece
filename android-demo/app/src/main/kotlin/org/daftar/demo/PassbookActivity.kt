package org.daftar.demo

import android.app.Activity
import android.os.Bundle
import android.widget.TableLayout
import android.widget.TextView
import java.time.LocalDate

/** A member's passbook: savings and loan, entry by entry, as the member's own book shows them. */
class PassbookActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_report)
        keepClearOfSystemBars()
        val group = shown(app.group(this)) ?: return
        val memberNo = intent.getIntExtra(DaftarApp.EXTRA_MEMBER, 0).toUInt()
        val reports = shown(app.session().map { org.daftar.demo.logic.Reports(it, group) }) ?: return
        val passbook = shown(reports.passbook(memberNo, LocalDate.now())) ?: return
        findViewById<TextView>(R.id.report_title).text = getString(R.string.member_line, group.count(memberNo.toLong()), passbook.name)
        findViewById<TextView>(R.id.report_note).text = periodText(group, passbook.table)
        findViewById<TableLayout>(R.id.report_table).show(passbook.table)
    }
}
