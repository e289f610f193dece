package org.daftar.demo.logic

import java.io.File
import java.nio.file.Path
import java.time.LocalDate
import java.util.concurrent.atomic.AtomicInteger
import org.daftar.Method
import org.daftar.RatePeriod
import org.daftar.SavingsFund
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

class ReportsAndChecksTest {
    @TempDir lateinit var dir: Path

    private val day1 = LocalDate.of(2025, 4, 7)
    private val day2 = LocalDate.of(2025, 5, 7)
    private val late = LocalDate.of(2025, 7, 1)

    /** Two meetings: savings, a loan of 600, a shortage of 10, then the first instalment of 212. */
    private fun twoMeetings(session: BookSession): Pair<Group, Int> {
        val group = monthlyShg(session)
        val day = MeetingDay(session, group)
        val sita = session.members(group).ok().first().memberNo
        day.open(day1.toString()).ok()
        day.depositSavings(sita, "50", SavingsFund.COMPULSORY).ok()
        day.depositSavings(sita, "1000", SavingsFund.VOLUNTARY).ok()
        day.newLoan(sita, LoanForm("600", "24", RatePeriod.YEAR, "3", Method.REDUCING)).ok()
        day.close("440", "counted twice").ok()
        day.open(day2.toString()).ok()
        day.repay(1, "212").ok()
        return group to sita
    }

    private fun ReportTable.labelled(label: RowLabel) = rows.single { it.label == label }.cells

    @Test
    fun `the cash book lists each cash entry with its running balance between opening and closing`() {
        openSession(dir).use { session ->
            val (group, _) = twoMeetings(session)
            val cash = Reports(session, group).table(ReportKind.CASH_BOOK, day2).ok()
            assertEquals(Column.RECEIPT, cash.columns[2])
            assertEquals(day2, cash.to)
            assertEquals(group.org.openedOn, cash.from, "three months back is before the group opened")
            assertEquals("0.00", cash.labelled(RowLabel.OPENING)[4])
            // 50 + 1000 - 600 - 10 (shortage) + 212 = 652
            assertEquals("652.00", cash.labelled(RowLabel.CLOSING)[4])
            assertEquals(listOf("1,262.00", "610.00"), cash.labelled(RowLabel.TOTAL).subList(2, 4))
            val body = cash.rows.filter { it.label == null }
            assertEquals(5, body.size, body.toString())
            assertEquals(listOf("", "600.00", "450.00"), body[2].cells.subList(2, 5))
        }
    }

    @Test
    fun `the trial balance balances and the portfolio shows the loan at risk once 30 days late`() {
        openSession(dir).use { session ->
            val (group, _) = twoMeetings(session)
            val reports = Reports(session, group)
            val tb = reports.table(ReportKind.TRIAL_BALANCE, day2).ok()
            val total = tb.labelled(RowLabel.TOTAL)
            assertEquals(total[1], total[2])
            assertTrue(tb.rows.any { it.cells[0].startsWith("1100") && it.cells[1] == "652.00" }, tb.rows.toString())

            val onTime = reports.table(ReportKind.PORTFOLIO, day2).ok()
            assertEquals(listOf("1", "1. सीता देवी", "400.00", "", ""), onTime.rows.first().cells)
            assertEquals("0.00%", onTime.labelled(RowLabel.PAR30)[3])
            // The June instalment (200 + 8) is unpaid by 1 July, after three days' grace: 24 days late.
            // By mid-July it is more than 30 days late and the whole loan is at risk.
            val atRisk = reports.table(ReportKind.PORTFOLIO, late.plusDays(15)).ok()
            assertEquals("400.00", atRisk.labelled(RowLabel.PAR30)[2])
            assertEquals("100.00%", atRisk.labelled(RowLabel.PAR30)[3])
            assertEquals(ReportKind.entries, reports.kinds())
        }
    }

    @Test
    fun `a member's passbook shows deposits as additions and the loan as it is paid down`() {
        openSession(dir).use { session ->
            val (group, sita) = twoMeetings(session)
            val passbook = Reports(session, group).passbook(sita, day2).ok()
            assertEquals("सीता देवी", passbook.name)
            val body = passbook.table.rows.filter { it.label == null }
            assertEquals(4, body.size, body.toString())
            assertEquals(listOf("50.00", "", "50.00", "0.00", "0.00"), body[0].cells.subList(2, 7))
            assertEquals(listOf("", "600.00", "50.00", "1,000.00", "600.00"), body[2].cells.subList(2, 7))
            assertEquals(listOf("212.00", ""), body[3].cells.subList(2, 4))
            // Paid in: 50 + 1,000 + 212; received: the loan of 600.
            assertEquals(listOf("1,262.00", "600.00"), passbook.table.labelled(RowLabel.TOTAL).subList(2, 4))
            assertEquals(listOf("50.00", "1,000.00", "400.00"), passbook.table.labelled(RowLabel.CLOSING).subList(4, 7))
            assertEquals(ProblemKind.NOT_FOUND, Reports(session, group).passbook(77, day2).problemOrNull()?.kind)

            // Shared as a message: her latest entries and balances, in the group's words.
            val message = Reports(session, group).passbookMessage(sita, day2, lines = 2).ok()
            val lines = message.lines().filter { it.isNotEmpty() }
            assertEquals(3 + 2 + 3, lines.size, message)
            assertTrue(lines[1].contains("सीता देवी"), message)
            assertTrue(lines.any { it.contains("₹212.00") }, message)
            assertEquals("loan bal: ₹400.00", lines.last(), message)
            assertEquals(ProblemKind.INVALID_INPUT, Reports(session, group).passbookMessage(sita, day2, lines = 21).problemOrNull()?.kind)
        }
    }

    @Test
    fun `verify reports an intact book with a checkpoint and progress, and export writes a file to share`() {
        openSession(dir).use { session ->
            val (group, _) = twoMeetings(session)
            val checks = BookChecks(session, group)
            val percents = mutableListOf<Int>()
            val check = checks.verify(ProgressRelay { percents += it }).ok()
            assertTrue(check.intact, check.toString())
            assertEquals("ok", check.integrity)
            assertTrue(check.checkpoint.startsWith("daftar1 ${group.id} "), check.checkpoint)
            assertEquals(null, session.book.verifyAgainst(check.checkpoint).problem)
            assertEquals(null, check.chains.single().problem)
            assertTrue(percents.isNotEmpty() && percents.last() == 100, percents.toString())
            assertEquals(percents.sorted(), percents, "progress only goes forward")

            val exports = dir.resolve("cache/exports").toFile()
            val file = checks.export(ExportFormat.HLEDGER, exports, day2, null).ok()
            assertEquals(exports, file.file.parentFile)
            assertTrue(file.file.name.endsWith("-2025-05-07.journal"), file.file.name)
            // Two deposits, the payout, the shortage, the repayment: only money entries are exported.
            assertEquals(5L, file.entries)
            assertTrue(file.file.readText().contains("1100"), "the journal names the cash account")
            val csv = checks.export(ExportFormat.CSV, exports, day2, null).ok()
            assertEquals(file.entries, csv.entries)
            assertEquals("text/csv", csv.format.mimeType)
        }
    }

    @Test
    fun `cancelling from the screen stops verification with a cancelled problem`() {
        openSession(dir).use { session ->
            val (group, _) = twoMeetings(session)
            val relay = ProgressRelay { }
            relay.cancel()
            assertEquals(ProblemKind.CANCELLED, BookChecks(session, group).verify(relay).problemOrNull()?.kind)
        }
    }

    @Test
    fun `first launch builds the demo book under its real name only when complete, with progress`() {
        val file = dir.resolve("groups.daftar").toFile()
        assertEquals(StartChoice.BUILD_DEMO, BookSession.startChoice(file))
        val calls = AtomicInteger()
        val groups = BookSession.buildDemoBook(file, 1, ProgressRelay { calls.incrementAndGet() }).ok()
        assertEquals(3, groups)
        assertTrue(calls.get() > 1)
        assertEquals(StartChoice.OPEN, BookSession.startChoice(file))
        assertFalse(File(file.path + ".part").exists())
        // Never over an existing book.
        assertEquals(ProblemKind.CONFLICT, BookSession.buildDemoBook(file, 1, null).problemOrNull()?.kind)

        BookSession.open(file, keeper).ok().use { session ->
            val all = session.groups().ok()
            val fund = all.single { it.org.currency.code == "IRR" }
            assertEquals("۲٬۰۰۰٬۰۰۰", fund.show(java.math.BigDecimal("2000000")))
            assertEquals(0, fund.scale)
            val shg = all.first { it.org.currency.code == "INR" }
            // A meeting after the demo's year: each member's dues come pre-filled.
            val day = MeetingDay(session, shg)
            val date = (day.state(LocalDate.of(2025, 6, 1)).ok() as MeetingState.NoneOpen).suggestedDate
            day.open(date.toString()).ok()
            val withLoan = day.roll().ok().map { day.sheet(it.memberNo).ok() }.firstOrNull { s -> s.loans.any { it.dueNow.signum() > 0 } }
            assertTrue(withLoan != null, "the demo's year leaves loans with instalments due")
            val due = withLoan!!.loans.first { it.dueNow.signum() > 0 }
            assertEquals(shg.field(due.dueNow), due.prefill)
            day.repay(due.loanNo, due.prefill).ok()
            assertEquals(0, day.sheet(withLoan.memberNo).ok().loans.first { it.loanNo == due.loanNo }.dueNow.signum())
            assertTrue(BookChecks(session, shg).verify(null).ok().intact)
        }
    }

    @Test
    fun `a file that is not a book is refused with a clear problem`() {
        val file = dir.resolve("notes.daftar").toFile()
        file.writeText("not a book at all, just some text that is long enough to look like a file")
        assertEquals(ProblemKind.NOT_A_BOOK, BookSession.open(file, keeper).problemOrNull()?.kind)
    }
}
