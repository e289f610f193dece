package org.daftar.demo.logic

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
data class ReportRow(val cells: List<String>, val label: RowLabel? = null, val entry: Long? = null)

/** A report ready to lay out: headings, rows of formatted text, and the period or date it covers. */
data class ReportTable(
    val columns: List<Column>,
    val rows: List<ReportRow>,
    val from: LocalDate?,
    val to: LocalDate,
)

/** A member's passbook: whose it is, and its table. */
data class MemberPassbook(val memberNo: Int, val name: String, val table: ReportTable)

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

    internal fun cashBook(c: CashBook): ReportTable {
        val w = TableWriter(group)
        var balance = c.opening
        val t = w.text("")
        val rows = mutableListOf(PendingRow(listOf(t, t, t, t, w.amount(c.opening)), RowLabel.OPENING))
        for (day in c.days) for (line in day.lines) {
            balance += line.receipt - line.payment
            rows += PendingRow(
                listOf(w.date(day.date), w.text(line.narration), w.blankIfZero(line.receipt), w.blankIfZero(line.payment), w.amount(balance)),
                entry = line.seq,
            )
        }
        rows += PendingRow(listOf(t, t, w.amount(c.receipts), w.amount(c.payments), t), RowLabel.TOTAL)
        rows += PendingRow(listOf(t, t, t, t, w.amount(c.closing)), RowLabel.CLOSING)
        return ReportTable(
            listOf(Column.DATE, Column.NARRATION, Column.RECEIPT, Column.PAYMENT, Column.BALANCE), w.rows(rows), c.period.from, c.period.to,
        )
    }

    internal fun portfolio(p: Portfolio): ReportTable {
        val w = TableWriter(group)
        val t = w.text("")
        val rows = p.loans.map { l ->
            PendingRow(
                listOf(
                    w.count(l.loanNo.toLong()), w.numbered(l.memberNo.toLong(), l.memberName),
                    w.amount(l.outstanding), w.blankIfZero(l.arrears), if (l.daysPastDue > 0) w.count(l.daysPastDue) else t,
                ),
            )
        } + listOf(
            PendingRow(listOf(t, t, w.amount(p.outstanding), w.amount(p.arrears), t), RowLabel.TOTAL),
            PendingRow(listOf(t, t, w.amount(p.par30Outstanding), w.percent(p.par30), t), RowLabel.PAR30),
        )
        return ReportTable(
            listOf(Column.LOAN, Column.MEMBER, Column.OUTSTANDING, Column.ARREARS, Column.DAYS_LATE), w.rows(rows), null, p.asOf,
        )
    }

    /** A member's passbook from joining to today: what she paid in and received, savings as she sees them, and the loan still owed. */
    fun passbook(memberNo: Int, today: LocalDate): Outcome<MemberPassbook> =
        attempt { book.members(org).firstOrNull { it.memberNo == memberNo } }.then { member ->
            if (member == null) {
                refused(ProblemKind.NOT_FOUND, memberNo.toString())
            } else {
                attempt { book.passbook(org, memberNo, member.joinedOn, lastDay(today)) }.map { p ->
                    val w = TableWriter(group)
                    val t = w.text("")
                    val pending = listOf(
                        PendingRow(listOf(t, t, t, t, w.amount(p.openingCompulsory), w.amount(p.openingVoluntary), w.amount(p.openingLoan)), RowLabel.OPENING),
                    ) + p.lines.map { l ->
                        PendingRow(listOf(
                            w.date(l.date), w.text(l.narration), w.blankIfZero(l.paid), w.blankIfZero(l.received),
                            w.amount(l.compulsoryBalance), w.amount(l.voluntaryBalance), w.amount(l.loanBalance),
                        ), entry = l.seq)
                    } + PendingRow(listOf(t, t, w.amount(p.totalPaid), w.amount(p.totalReceived), t, t, t), RowLabel.TOTAL) +
                        PendingRow(listOf(t, t, t, t, w.amount(p.closingCompulsory), w.amount(p.closingVoluntary), w.amount(p.closingLoan)), RowLabel.CLOSING)
                    val rows = w.rows(pending)
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
    fun passbookMessage(memberNo: Int, today: LocalDate, lines: Int = 10): Outcome<String> =
        attempt { book.members(org).firstOrNull { it.memberNo == memberNo } }.then { member ->
            if (member == null) {
                refused(ProblemKind.NOT_FOUND, memberNo.toString())
            } else {
                attempt { book.passbookMessage(org, memberNo, member.joinedOn, lastDay(today), lines) }
            }
        }

    internal fun trialBalance(tb: TrialBalance, today: LocalDate): ReportTable {
        val w = TableWriter(group)
        val rows = tb.rows.map { r ->
            val name = r.memberName?.let { "${r.name}: $it" } ?: r.name
            PendingRow(listOf(w.text("${r.code} $name"), w.blankIfZero(r.debit), w.blankIfZero(r.credit)))
        } + PendingRow(listOf(w.text(""), w.amount(tb.totalDebit), w.amount(tb.totalCredit)), RowLabel.TOTAL)
        return ReportTable(listOf(Column.ACCOUNT, Column.DEBIT, Column.CREDIT), w.rows(rows), null, today)
    }
}
