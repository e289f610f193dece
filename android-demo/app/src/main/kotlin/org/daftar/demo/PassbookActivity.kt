package org.daftar.demo

import android.app.Activity
import android.content.Intent
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.TableLayout
import android.widget.TextView
import java.time.LocalDate
import org.daftar.demo.logic.Reports

/** A member's passbook: savings and loan, entry by entry, as the member's own book shows them. */
class PassbookActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_report)
        keepClearOfSystemBars()
        val memberNo = intent.getIntExtra(DaftarApp.EXTRA_MEMBER, 0)
        withBook({
            app.group(this).then { group ->
                app.session().map { Reports(it, group) }.then { reports ->
                    reports.passbook(memberNo, LocalDate.now()).map { Triple(group, reports, it) }
                }
            }
        }) { (group, reports, passbook) ->
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
    }

    /** Her latest entries and balances as text, in the group's language, to SMS or WhatsApp. */
    private fun share(reports: Reports, memberNo: Int) {
        withBook({ reports.passbookMessage(memberNo, LocalDate.now()) }) { text -> shareText(text) }
    }

    private fun shareText(text: String) {
        val send = Intent(Intent.ACTION_SEND).apply {
            type = "text/plain"
            putExtra(Intent.EXTRA_TEXT, text)
        }
        startActivity(Intent.createChooser(send, getString(R.string.share_with)))
    }
}
