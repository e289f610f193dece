package org.daftar.demo.logic

import java.math.BigDecimal
import java.time.LocalDate
import org.daftar.CashBook
import org.daftar.Portfolio
import org.daftar.TrialBalance

/** The group reports the app offers, in the order of its buttons. */
enum class ReportKind { CASH_BOOK, TRIAL_BALANCE, PORTFOLIO }

/** Column headings, localised by the app. */
enum class Column {
    DATE, NARRATION, RECEIPT, PAYMENT, BALANCE, ACCOUNT, DEBIT, CREDIT,
    LOAN, MEMBER, OUTSTANDING, ARREARS, DAYS_LATE, BUCKET, COMPULSORY, VOLUNTARY, LOAN_BALANCE,
    PAID, RECEIVED,
}

/** A row's first cell when it is a summary line rather than an entry; localised by the app. */
enum class RowLabel { OPENING, CLOSING, TOTAL, PAR30 }

/** A row of a report; [entry] is the book's entry it shows, so a tap can open it for correction. */
data class ReportRow(val cells: List<String>, val label: RowLabel? = null, val entry: ULong? = null)

/** A report ready to lay out: headings, rows of formatted text, and the period or date it covers. */
data class ReportTable(
    val columns: List<Column>,
    val rows: List<ReportRow>,
    val from: LocalDate?,
    val to: LocalDate,
)

/** A member's passbook: whose it is, and its table. */
data class MemberPassbook(val memberNo: UInt, val name: String, val table: ReportTable)

/** Lays out the core's books (passbook, cash book, portfolio, trial balance) as tables of text in the group's locale. */
class Reports(private val session: BookSession, val group: Group) {
    private val book get() = session.book
    private val org get() = group.id

    fun kinds(): List<ReportKind> = ReportKind.entries

    fun table(kind: ReportKind, today: LocalDate): Outcome<ReportTable> = attempt {
        when (kind) {
            ReportKind.TRIAL_BALANCE -> trialBalance(book.trialBalance(org), today)
            ReportKind.CASH_BOOK -> recentPeriod(today).let { (from, to) -> cashBook(book.cashBook(org, false, from, to)) }
            ReportKind.PORTFOLIO -> portfolio(book.portfolio(org, lastDay(today)))
        }
    }

    /** Reports end today, or on the book's last entry if the phone's clock is behind it. */
    private fun lastDay(today: LocalDate): LocalDate {
        val last = book.lastBusinessDate(org)
        return if (last.isAfter(today)) last else today
    }

    /**
     * The cash book's period: the three months before the book's last entry (a
     * demo book's year ended long before today) through today.
     */
    internal fun recentPeriod(today: LocalDate): Pair<LocalDate, LocalDate> {
        val from = book.lastBusinessDate(org).minusMonths(3)
        return maxOf(from, group.org.openedOn) to lastDay(today)
    }

    private fun amount(a: BigDecimal) = group.show(a)
    private fun blankIfZero(a: BigDecimal) = if (a.signum() == 0) "" else amount(a)

    internal fun cashBook(c: CashBook): ReportTable {
        var balance = c.opening
        val rows = mutableListOf(ReportRow(listOf("", "", "", "", amount(c.opening)), RowLabel.OPENING))
        for (day in c.days) for (line in day.lines) {
            balance += line.receipt - line.payment
            rows += ReportRow(
                listOf(group.date(day.date), line.narration, blankIfZero(line.receipt), blankIfZero(line.payment), amount(balance)),
                entry = line.seq,
            )
        }
        rows += ReportRow(listOf("", "", amount(c.receipts), amount(c.payments), ""), RowLabel.TOTAL)
        rows += ReportRow(listOf("", "", "", "", amount(c.closing)), RowLabel.CLOSING)
        return ReportTable(
            listOf(Column.DATE, Column.NARRATION, Column.RECEIPT, Column.PAYMENT, Column.BALANCE), rows, c.period.from, c.period.to,
        )
    }

    internal fun portfolio(p: Portfolio): ReportTable {
        val rows = p.loans.map { l ->
            ReportRow(
                listOf(
                    group.count(l.loanNo.toLong()), "${group.count(l.memberNo.toLong())}. ${l.memberName}",
                    amount(l.outstanding), blankIfZero(l.arrears), if (l.daysPastDue > 0) group.count(l.daysPastDue) else "",
                ),
            )
        } + listOf(
            ReportRow(listOf("", "", amount(p.outstanding), amount(p.arrears), ""), RowLabel.TOTAL),
            ReportRow(listOf("", "", amount(p.par30Outstanding), group.percent(p.par30), ""), RowLabel.PAR30),
        )
        return ReportTable(
            listOf(Column.LOAN, Column.MEMBER, Column.OUTSTANDING, Column.ARREARS, Column.DAYS_LATE), rows, null, p.asOf,
        )
    }

    /** A member's passbook from joining to today: what she paid in and received, savings as she sees them, and the loan still owed. */
    fun passbook(memberNo: UInt, today: LocalDate): Outcome<MemberPassbook> =
        attempt { book.members(org).firstOrNull { it.memberNo == memberNo } }.then { member ->
            if (member == null) {
                refused(ProblemKind.NOT_FOUND, memberNo.toString())
            } else {
                attempt { book.passbook(org, memberNo, member.joinedOn, lastDay(today)) }.map { p ->
                    val rows = listOf(
                        ReportRow(listOf("", "", "", "", amount(p.openingCompulsory), amount(p.openingVoluntary), amount(p.openingLoan)), RowLabel.OPENING),
                    ) + p.lines.map { l ->
                        ReportRow(listOf(
                            group.date(l.date), l.narration, blankIfZero(l.paid), blankIfZero(l.received),
                            amount(l.compulsoryBalance), amount(l.voluntaryBalance), amount(l.loanBalance),
                        ), entry = l.seq)
                    } + ReportRow(listOf("", "", amount(p.totalPaid), amount(p.totalReceived), "", "", ""), RowLabel.TOTAL) +
                        ReportRow(listOf("", "", "", "", amount(p.closingCompulsory), amount(p.closingVoluntary), amount(p.closingLoan)), RowLabel.CLOSING)
                    MemberPassbook(
                        memberNo, p.memberName,
                        ReportTable(
                            listOf(
                                Column.DATE, Column.NARRATION, Column.PAID, Column.RECEIVED,
                                Column.COMPULSORY, Column.VOLUNTARY, Column.LOAN_BALANCE,
                            ),
                            rows, p.period.from, p.period.to,
                        ),
                    )
                }
            }
        }

    /**
     * A member's passbook as a message in the group's language (the core's
     * words and digits): her latest [lines] entries and her balances.
     */
    fun passbookMessage(memberNo: UInt, today: LocalDate, lines: Int = 10): Outcome<String> =
        attempt { book.members(org).firstOrNull { it.memberNo == memberNo } }.then { member ->
            if (member == null) {
                refused(ProblemKind.NOT_FOUND, memberNo.toString())
            } else {
                attempt { book.passbookMessage(org, memberNo, member.joinedOn, lastDay(today), lines.toUInt()) }
            }
        }

    internal fun trialBalance(tb: TrialBalance, today: LocalDate): ReportTable {
        val rows = tb.rows.map { r ->
            val name = r.memberName?.let { "${r.name}: $it" } ?: r.name
            ReportRow(listOf("${r.code} $name", blankIfZero(r.debit), blankIfZero(r.credit)))
        } + ReportRow(listOf("", amount(tb.totalDebit), amount(tb.totalCredit)), RowLabel.TOTAL)
        return ReportTable(listOf(Column.ACCOUNT, Column.DEBIT, Column.CREDIT), rows, null, today)
    }
}
