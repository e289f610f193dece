package org.daftar

import java.math.BigDecimal
import java.nio.file.Path
import java.time.LocalDate
import java.util.UUID
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/**
 * Every report through the real library, on a small book whose figures are
 * worked out by hand (the same book as the core's tests/books.rs):
 * two members save 500 each on 7 April; member 1 borrows 600 flat at 2% a month
 * for 3 months; 40 is paid for stationery on 15 April, 300 goes to the bank on
 * the 16th, the bank pays 5 interest on the 30th, and the first instalment
 * (200 + 12 interest) is repaid on 7 May.
 */
class ReportsTest {
    @TempDir lateinit var dir: Path

    private fun meta() = commandMeta("asha", "test-phone")
    private fun dec(s: String) = BigDecimal(s)
    private fun d(s: String) = LocalDate.parse(s)
    private fun assertAmount(expected: String, actual: BigDecimal) =
        assertEquals(0, dec(expected).compareTo(actual), "expected $expected, got ${actual.toPlainString()}")

    private fun handBook(book: DaftarBook): UUID {
        val org = UUID.fromString(newOpId().toString())
        book.createOrganisation(meta(), NewOrganisation(
            id = org, kind = OrgKind.SHG, name = "आशा स्वयं सहायता समूह", currency = Currency("INR", 2),
            calendar = Calendar.GREGORIAN, fiscalYearStart = FiscalYearStart(4, 1), locale = Locale.HI_IN,
            rounding = RoundingRule(RoundingMode.HALF_UP, RoundingUnit.MINOR), openedOn = d("2025-04-01")))
        for (name in listOf("सीता", "गीता")) {
            book.addMember(meta(), org, NewMember(null, name, MemberRole.MEMBER, null, d("2025-04-01")))
        }
        val m = book.openMeeting(meta(), org, d("2025-04-07")).number!!
        book.markAttendance(meta(), org, m, 1, true)
        book.markAttendance(meta(), org, m, 2, true)
        for (no in listOf(1, 2)) {
            book.depositSavings(meta(), org, SavingsEntry(d("2025-04-07"), no, Via.CASH, dec("500"), SavingsFund.COMPULSORY))
        }
        val loan = book.applyForLoan(meta(), org, 1, d("2025-04-07"),
            LoanRequest(dec("600"), dec("2"), RatePeriod.MONTH, 3, Frequency.MONTHLY, Method.FLAT)).number!!
        book.approveLoan(meta(), org, loan, m)
        book.disburseLoan(meta(), org, loan, d("2025-04-07"), Via.CASH)
        book.closeMeeting(meta(), org, m, dec("400"), null)
        val m2 = book.openMeeting(meta(), org, d("2025-04-14")).number!!
        book.markAttendance(meta(), org, m2, 1, true)
        book.markAttendance(meta(), org, m2, 2, false)
        book.closeMeeting(meta(), org, m2, dec("400"), null)
        book.recordPayment(meta(), org, Voucher(d("2025-04-15"), Via.CASH, "5200", dec("40"), "stationery"))
        book.transfer(meta(), org, CashTransfer(d("2025-04-16"), Via.CASH, Via.BANK, dec("300"), ""))
        book.recordReceipt(meta(), org, Voucher(d("2025-04-30"), Via.BANK, "4400", dec("5"), "bank interest"))
        book.repayLoan(meta(), org, loan, Repayment(d("2025-05-07"), Via.CASH, dec("212")))
        return org
    }

    @Test
    fun `passbook, cash book, bank book and loan ledger show the hand-worked figures`() {
        DaftarBook.open(dir.resolve("b.daftar").toString()).use { book ->
            val org = handBook(book)
            val p = book.passbook(org, 1, d("2025-04-01"), d("2025-05-31"))
            assertEquals(3, p.lines.size)
            assertAmount("500", p.lines[0].compulsoryBalance)
            assertAmount("600", p.lines[1].loanBalance)
            assertAmount("-200", p.lines[2].loan)
            // The repayment of 212 as she paid it: 200 principal and 12 interest.
            assertEquals(PassbookEntry.REPAYMENT, p.lines[2].entry)
            assertAmount("212", p.lines[2].paid)
            assertAmount("200", p.lines[2].principal)
            assertAmount("12", p.lines[2].interest)
            assertEquals(PassbookEntry.LOAN_PAID_OUT, p.lines[1].entry)
            assertAmount("600", p.lines[1].received)
            assertAmount("712", p.totalPaid)
            assertAmount("600", p.totalReceived)
            assertAmount("400", p.closingLoan)

            val cash = book.cashBook(org, false, d("2025-04-01"), d("2025-04-30"))
            assertAmount("1000", cash.receipts)
            assertAmount("940", cash.payments)
            assertAmount("60", cash.closing)
            assertEquals(listOf(d("2025-04-07"), d("2025-04-15"), d("2025-04-16")), cash.days.map { it.date })
            assertAmount("400", cash.days[1].opening)
            val bank = book.cashBook(org, true, d("2025-04-01"), d("2025-04-30"))
            assertAmount("305", bank.closing)

            val ledger = book.loanLedger(org, 1)
            assertAmount("200", ledger.lines[1].principal)
            assertAmount("12", ledger.lines[1].interest)
            assertAmount("400", ledger.outstanding)
        }
    }

    @Test
    fun `portfolio buckets arrears and PAR30 on any date`() {
        DaftarBook.open(dir.resolve("b.daftar").toString()).use { book ->
            val org = handBook(book)
            val may = book.portfolio(org, d("2025-05-31"))
            assertAmount("400", may.outstanding)
            assertAmount("0", may.arrears)
            // 31 July: the 7 June instalment is 54 days late.
            val july = book.portfolio(org, d("2025-07-31"))
            assertEquals(54L, july.loans.single().daysPastDue)
            assertEquals("31-60 days", july.loans.single().bucket)
            assertAmount("424", july.arrears)
            assertAmount("1", july.par30)
            assertEquals(july.loans.size, july.buckets.sumOf { it.loans })
        }
    }

    @Test
    fun `financial statements agree with each other and with the trial balance`() {
        DaftarBook.open(dir.resolve("b.daftar").toString()).use { book ->
            val org = handBook(book)
            val fy = book.fiscalYear(org, d("2025-06-01"))
            assertEquals(Period(d("2025-04-01"), d("2026-03-31")), fy)
            val rp = book.receiptsAndPayments(org, d("2025-04-01"), d("2025-04-30"))
            assertEquals(listOf("2100" to dec("1000.00"), "4400" to dec("5.00")),
                rp.receipts.map { it.code to it.amount.setScale(2) })
            assertAmount("60", rp.closingCash)
            assertAmount("305", rp.closingBank)

            val ie = book.incomeAndExpenditure(org, fy.from, fy.to)
            // Income: 12 interest + 5 bank interest; expenditure: 40 stationery.
            assertAmount("17", ie.totalIncome)
            assertAmount("40", ie.totalExpenditure)
            assertAmount("-23", ie.surplus)
            val bs = book.balanceSheet(org, d("2025-05-31"))
            assertEquals(0, bs.totalAssets.compareTo(bs.totalLiabilitiesAndEquity))
            assertAmount("-23", bs.accumulatedSurplus)

            val tbApril = book.trialBalanceAsOf(org, d("2025-04-30"))
            assertEquals(0, tbApril.totalDebit.compareTo(tbApril.totalCredit))
            assertAmount("600", tbApril.rows.single { it.code == "1300-0001" }.debit)
            assertAmount("400", book.trialBalance(org).rows.single { it.code == "1300-0001" }.debit)
            assertEquals(d("2025-05-07"), book.lastBusinessDate(org))
        }
    }

    @Test
    fun `the monthly report and the Panchasutra grading say how they were computed`() {
        DaftarBook.open(dir.resolve("b.daftar").toString()).use { book ->
            val org = handBook(book)
            val april = book.monthlyReport(org, 2025, 4)
            assertEquals(listOf(d("2025-04-07"), d("2025-04-14")), april.meetings)
            assertAmount("0.75", april.attendance)
            assertEquals(1, april.loansDisbursed)
            assertAmount("600", april.amountDisbursed)
            assertThrows<DaftarException.InvalidInput> { book.monthlyReport(org, 2025, 13) }

            val g = book.grade(org, d("2025-04-01"), d("2025-05-31"))
            assertEquals(5, g.norms.size)
            assertEquals(0, g.total.compareTo(g.norms.sumOf { it.score }))
            assertTrue(g.norms.all { it.basis.isNotBlank() })
            assertTrue(g.grade in setOf("A", "B", "C"))
        }
    }

    @Test
    fun `reports on every demo organisation hold their identities`() {
        val path = dir.resolve("demo.daftar").toString()
        buildDemo(path, 1L, null)
        DaftarBook.open(path).use { book ->
            for (o in book.organisations()) {
                val last = book.lastBusinessDate(o.id)
                val fy = book.fiscalYear(o.id, last)
                val cash = book.cashBook(o.id, false, fy.from, fy.to)
                assertEquals(0, (cash.opening + cash.receipts - cash.payments).compareTo(cash.closing))
                val rp = book.receiptsAndPayments(o.id, fy.from, fy.to)
                assertEquals(0, (rp.openingCash + rp.openingBank + rp.totalReceipts - rp.totalPayments)
                    .compareTo(rp.closingCash + rp.closingBank))
                val pf = book.portfolio(o.id, last)
                assertEquals(0, pf.outstanding.compareTo(pf.loans.sumOf { it.outstanding }))
                val bs = book.balanceSheet(o.id, last)
                assertEquals(0, bs.totalAssets.compareTo(bs.totalLiabilitiesAndEquity))
                val member = book.members(o.id).first()
                val pb = book.passbook(o.id, member.memberNo, fy.from, fy.to)
                val lastLine = pb.lines.lastOrNull()
                if (lastLine != null) assertEquals(0, lastLine.compulsoryBalance.compareTo(pb.closingCompulsory))
            }
        }
    }

    @Test
    fun `amounts and dates in each locale, and local digits read back`() {
        assertEquals("12,34,567.00", formatAmount(dec("1234567.00"), Locale.EN_IN))
        assertEquals("१२,३४,५६७.००", formatAmount(dec("1234567.00"), Locale.HI_IN))
        assertEquals("۱٬۲۳۴٬۵۶۷", formatAmount(dec("1234567"), Locale.FA_IR))
        assertEquals(0, dec("1234567.5").compareTo(parseAmount("amount", "۱٬۲۳۴٬۵۶۷٫۵")))
        assertEquals(0, dec("1234567.5").compareTo(parseAmount("amount", "१२,३४,५६७.५")))
        val e = assertThrows<DaftarException.InvalidInput> { parseAmount("repayment", "12,5") }
        assertEquals("repayment", e.field)
        assertEquals("۱۴۰۵/۰۹/۰۴", formatDate(d("2026-11-25"), Locale.FA_IR))
        assertEquals(d("2026-11-25"), parseDate("date", "۱۴۰۵/۰۹/۰۴", Calendar.PERSIAN))
        assertThrows<DaftarException.InvalidInput> { parseDate("date", "1404/12/30", Calendar.PERSIAN) }
        // A table's figures in one call each for amounts and dates, in order, as one by one.
        val amounts = listOf(dec("1234567.00"), dec("0.50"), dec("-12"))
        for (locale in Locale.entries) {
            assertEquals(amounts.map { formatAmount(it, locale) }, formatAmounts(amounts, locale))
            val dates = listOf(d("2026-11-25"), d("2025-03-21"))
            assertEquals(dates.map { formatDate(it, locale) }, formatDates(dates, locale))
        }
        assertEquals(emptyList<String>(), formatAmounts(emptyList(), Locale.FA_IR))
    }

    @Test
    fun `an Iranian fund's fiscal year is a Solar Hijri year`() {
        DaftarBook.open(dir.resolve("f.daftar").toString()).use { book ->
            val org = UUID.fromString(newOpId().toString())
            book.createOrganisation(meta(), NewOrganisation(
                id = org, kind = OrgKind.FUND, name = "صندوق امید", currency = Currency("IRR", 0),
                calendar = Calendar.PERSIAN, fiscalYearStart = FiscalYearStart(1, 1), locale = Locale.FA_IR,
                rounding = RoundingRule(RoundingMode.HALF_UP, RoundingUnit.MINOR), openedOn = d("2025-04-01")))
            // 1404 AP runs from 1 Farvardin (21 March 2025) to 29 Esfand (20 March 2026).
            assertEquals(Period(d("2025-03-21"), d("2026-03-20")), book.fiscalYear(org, d("2025-11-25")))
        }
    }
}
