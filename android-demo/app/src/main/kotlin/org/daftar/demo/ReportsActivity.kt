package org.daftar.demo

import android.app.Activity
import android.os.Bundle
import android.widget.LinearLayout
import android.widget.TableLayout
import android.widget.TextView
import java.time.LocalDate
import org.daftar.demo.logic.Group
import org.daftar.demo.logic.ReportKind
import org.daftar.demo.logic.ReportTable
import org.daftar.demo.logic.Reports

/** The group's reports: one button per report, the chosen one as a table. */
class ReportsActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_report)
        keepClearOfSystemBars()
        withBook({ app.group(this).then { group -> app.session().map { Reports(it, group) } } }) { reports ->
            title = reports.group.name
            val choices = findViewById<LinearLayout>(R.id.report_choices)
            choices.addAll(
                reports.kinds().map { kind ->
                    bigButton(getString(nameOf(kind))) { showReport(reports, kind) }.apply {
                        layoutParams = LinearLayout.LayoutParams(0, LinearLayout.LayoutParams.WRAP_CONTENT, 1f)
                    }
                },
            )
            showReport(reports, reports.kinds().first())
        }
    }

    private fun showReport(reports: Reports, kind: ReportKind) {
        withBook({ reports.table(kind, LocalDate.now()) }) { table ->
            findViewById<TextView>(R.id.report_title).setText(nameOf(kind))
            findViewById<TextView>(R.id.report_note).text = periodText(reports.group, table)
            // A mistaken entry in the cash book is corrected from the entry itself, as in a passbook.
            val group = reports.group
            findViewById<TableLayout>(R.id.report_table).show(table) { seq ->
                start(CorrectionsActivity::class.java) {
                    putExtra(DaftarApp.EXTRA_GROUP, group.id.toString())
                    putExtra(CorrectionsActivity.EXTRA_ENTRY, seq.toLong())
                }
            }
        }
    }

    private fun nameOf(kind: ReportKind) = when (kind) {
        ReportKind.CASH_BOOK -> R.string.report_cash_book
        ReportKind.TRIAL_BALANCE -> R.string.report_trial_balance
        ReportKind.PORTFOLIO -> R.string.report_portfolio
    }
}

/** "1 April 2024 to 31 March 2025", or "As of …" for a report on one date. */
fun Activity.periodText(group: Group, table: ReportTable): String {
    val from = table.from
    return if (from == null) getString(R.string.report_as_of, group.date(table.to))
    else getString(R.string.report_period, group.date(from), group.date(table.to))
}
