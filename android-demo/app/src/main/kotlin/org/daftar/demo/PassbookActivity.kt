package org.daftar.demo

import android.app.Activity
import android.content.Intent
import android.os.Bundle
import android.view.View
import android.widget.Button
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
        // A mistaken entry is corrected from the entry itself: a tap opens it for reversal.
        findViewById<TableLayout>(R.id.report_table).show(passbook.table) { seq ->
            start(CorrectionsActivity::class.java) {
                putExtra(DaftarApp.EXTRA_GROUP, group.id.toString())
                putExtra(CorrectionsActivity.EXTRA_ENTRY, seq.toLong())
            }
        }
        findViewById<Button>(R.id.share_passbook).apply {
            visibility = View.VISIBLE
            setOnClickListener { share(reports, memberNo) }
        }
    }

    /** Her latest entries and balances as text, in the group's language, to SMS or WhatsApp. */
    private fun share(reports: org.daftar.demo.logic.Reports, memberNo: UInt) {
        val text = shown(reports.passbookMessage(memberNo, LocalDate.now())) ?: return
        val send = Intent(Intent.ACTION_SEND).apply {
            type = "text/plain"
            putExtra(Intent.EXTRA_TEXT, text)
        }
        startActivity(Intent.createChooser(send, getString(R.string.share_with)))
    }
}
