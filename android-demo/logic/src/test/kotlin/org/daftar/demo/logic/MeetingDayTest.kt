package org.daftar.demo.logic

import java.math.BigDecimal
import java.nio.file.Path
import java.time.LocalDate
import org.daftar.Method
import org.daftar.Presence
import org.daftar.RatePeriod
import org.daftar.SavingsFund
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

class MeetingDayTest {
    @TempDir lateinit var dir: Path

    private val day1 = LocalDate.of(2025, 4, 7)
    private val day2 = LocalDate.of(2025, 5, 7)

    @Test
    fun `a meeting day runs through the logic layer - roll, savings, loan, close with a shortage, repayment pre-filled`() {
        openSession(dir).use { session ->
            val group = monthlyShg(session)
            val day = MeetingDay(session, group)
            val (sita, gita) = session.members(group).ok().map { it.memberNo }

            val before = day.state(day1).ok()
            assertTrue(before is MeetingState.NoneOpen && before.last == null && before.suggestedDate == day1, "$before")
            // Saving before any meeting is open is refused by the screen, not the book.
            assertEquals(ProblemKind.NO_OPEN_MEETING, day.depositSavings(sita, "50", SavingsFund.COMPULSORY).problemOrNull()?.kind)

            // The date typed in Devanagari digits.
            val meeting = day.open("२०२५-०४-०७").ok()
            assertEquals(day1, meeting.heldOn)
            assertTrue(day.state(day1).ok() is MeetingState.Open)
            assertEquals(listOf(Presence.UNMARKED, Presence.UNMARKED), day.roll().ok().map { it.presence })

            day.markAttendance(sita, true).ok()
            day.markAttendance(gita, false).ok()
            assertEquals(listOf(Presence.PRESENT, Presence.ABSENT), day.roll().ok().map { it.presence })

            // The compulsory savings due is shown and pre-filled; saving it clears the due.
            val sheet = day.sheet(sita).ok()
            assertEquals(Presence.PRESENT, sheet.presence)
            assertAmount("50", sheet.savingsDue)
            assertEquals("50.00", sheet.savingsPrefill)
            assertAmount("50", day.depositSavings(sita, sheet.savingsPrefill, SavingsFund.COMPULSORY).ok())
            assertAmount("0", day.sheet(sita).ok().savingsDue)
            assertEquals("", day.sheet(sita).ok().savingsPrefill)
            assertAmount("1000", day.depositSavings(sita, "१,०००", SavingsFund.VOLUNTARY).ok())

            // The absent member owes this meeting's savings and a fine.
            val gitaSheet = day.sheet(gita).ok()
            assertAmount("50", gitaSheet.savingsDue)
            assertAmount("10", gitaSheet.finesDue)
            assertEquals("10.00", gitaSheet.finesPrefill)
            day.collectFine(gita, gitaSheet.finesPrefill).ok()
            assertAmount("0", day.sheet(gita).ok().finesDue)

            // A new loan: 600 at 24% a year, three monthly instalments on the reducing balance.
            val form = LoanForm("६००", "24", RatePeriod.YEAR, "३", Method.REDUCING)
            val loan = day.newLoan(sita, form).ok()
            assertAmount("600", loan.principal)
            assertEquals(emptyList<Int>(), day.unfinishedLoans(sita).ok())
            val line = day.sheet(sita).ok().loans.single()
            assertEquals(loan.loanNo, line.loanNo)
            assertAmount("600", line.outstanding)
            assertAmount("0", line.dueNow)
            assertEquals("", line.prefill)

            // Cash: 50 + 1000 + 10 - 600 = 460. Counted 450: a shortage of 10 that needs a reason.
            assertAmount("460", day.cashInBook().ok())
            val count = day.count("450").ok()
            assertAmount("-10", count.discrepancy)
            assertFalse(count.balanced)
            val refused = day.close("450", "  ").problemOrNull()
            assertEquals(ProblemKind.REASON_NEEDED, refused?.kind)
            assertEquals("-10.00", refused?.detail)
            assertTrue(day.state(day1).ok() is MeetingState.Open, "a refused close leaves the meeting open")
            val closed = day.close("450", "a note torn").ok()
            assertAmount("-10", closed.discrepancy)
            val after = day.state(day1).ok() as MeetingState.NoneOpen
            assertEquals(meeting.meetingNo, after.last?.meetingNo)
            assertAmount("-10", after.last?.discrepancy)
            assertEquals("a note torn", after.last?.discrepancyReason)
            assertAmount("450", day.cashInBook().ok())
            // The clock says today; the next meeting cannot precede the last one.
            assertEquals(day1.plusDays(1), (day.state(day1.minusDays(3)).ok() as MeetingState.NoneOpen).suggestedDate)

            // A month later the first instalment, 200 principal + 12 interest, is shown and pre-filled.
            day.open(day2.toString()).ok()
            val due = day.sheet(sita).ok().loans.single()
            assertAmount("212", due.dueNow)
            assertEquals("212.00", due.prefill)
            assertAmount("212", day.repay(loan.loanNo, due.prefill).ok())
            val paid = day.sheet(sita).ok().loans.single()
            assertAmount("400", paid.outstanding)
            assertAmount("0", paid.dueNow)
            val cash = day.cashInBook().ok()
            assertAmount("662", cash)
            val balanced = day.close(group.field(cash), "").ok()
            assertTrue(balanced.balanced)
        }
    }

    @Test
    fun `bad loan forms are refused before the book is touched`() {
        openSession(dir).use { session ->
            val group = monthlyShg(session)
            val day = MeetingDay(session, group)
            val sita = session.members(group).ok().first().memberNo
            day.open(day1.toString()).ok()
            fun problem(form: LoanForm) = day.newLoan(sita, form).problemOrNull()?.kind
            assertEquals(ProblemKind.EMPTY, problem(LoanForm("", "2", RatePeriod.MONTH, "10", Method.FLAT)))
            assertEquals(ProblemKind.TOO_MANY_DECIMALS, problem(LoanForm("500.125", "2", RatePeriod.MONTH, "10", Method.FLAT)))
            assertEquals(ProblemKind.NOT_POSITIVE, problem(LoanForm("500", "-2", RatePeriod.MONTH, "10", Method.FLAT)))
            assertEquals(ProblemKind.NOT_A_WHOLE_NUMBER, problem(LoanForm("500", "2", RatePeriod.MONTH, "2.5", Method.FLAT)))
            assertEquals(ProblemKind.INVALID_INPUT, problem(LoanForm("5,00", "2", RatePeriod.MONTH, "10", Method.FLAT)))
            assertTrue(session.book.loans(group.id).isEmpty(), "no loan was applied for")
            // A loan the cash box cannot pay is refused by the core, and named so.
            assertEquals(ProblemKind.INSUFFICIENT_FUNDS, problem(LoanForm("500", "2", RatePeriod.MONTH, "10", Method.FLAT)))
            // Sanctioning is all or nothing: no application or approval is left half-made.
            assertTrue(session.book.loans(group.id).isEmpty(), "a refused sanction leaves no loan")
            assertEquals(0, day.unfinishedLoans(sita).ok().size)
        }
    }

    @Test
    fun `pressing save again after a save sends the same command once per content`() {
        openSession(dir).use { session ->
            val group = monthlyShg(session)
            val sita = session.members(group).ok().first().memberNo
            val pending = PendingCommands({ keeper })
            val first = pending.metaFor("savings", "50")
            assertEquals(first, pending.metaFor("savings", "50"), "same content, same op_id")
            assertTrue(first.opId != pending.metaFor("savings", "60").opId, "changed content, new op_id")
            val retry = pending.metaFor("savings", "60")
            val day = MeetingDay(session, group)
            day.open(day1.toString()).ok()
            val entry = org.daftar.SavingsEntry(day1, sita, org.daftar.Via.CASH, BigDecimal("60"), SavingsFund.VOLUNTARY)
            assertFalse(session.book.depositSavings(retry, group.id, entry).replayed)
            // As if the first answer was lost: the same op_id records nothing twice.
            assertTrue(pending.send("savings", "60") { session.book.depositSavings(it, group.id, entry) }.ok().replayed)
            assertAmount("60", day.cashInBook().ok())
            // After success the slot is free: the next deposit is a new command.
            assertTrue(pending.metaFor("savings", "60").opId != retry.opId)
            // Another person pressing Save with the same content sends her own command.
            var who = keeper
            val shared = PendingCommands({ who })
            val hers = shared.metaFor("savings", "70")
            who = Keeper("cc-meena", keeper.device)
            val his = shared.metaFor("savings", "70")
            assertTrue(hers.opId != his.opId && his.actor == "cc-meena", "$hers $his")
        }
    }

    @Test
    fun `an op_id pending when the app died is sent again after the restart and recorded once`() {
        val entry: org.daftar.SavingsEntry
        val groupId: java.util.UUID
        val before: java.util.UUID
        openSession(dir).use { session ->
            val group = monthlyShg(session)
            groupId = group.id
            val day = MeetingDay(session, group)
            day.open(day1.toString()).ok()
            val sita = session.members(group).ok().first().memberNo
            entry = org.daftar.SavingsEntry(day1, sita, org.daftar.Via.CASH, BigDecimal("75"), SavingsFund.VOLUNTARY)
            // The book commits, then the process dies before the answer reaches the screen.
            val meta = session.pending.metaFor("savings-$sita", entry)
            before = meta.opId
            assertFalse(session.book.depositSavings(meta, group.id, entry).replayed)
        }
        // The file beside the book holds the slot, its op_id, a digest, and who on which
        // phone; no amounts or members' names.
        val kept = BookSession.pendingFile(dir.resolve("group.daftar").toFile()).readText()
        val fields = kept.trim().split('\t')
        assertEquals(listOf("savings-1", before.toString()), fields.take(2), kept)
        assertTrue(fields.size == 5 && fields[2].matches(Regex("[0-9a-f]{64}")), kept)
        assertEquals(listOf(keeper.actor, keeper.device), fields.drop(3), kept)
        openSession(dir).use { session ->
            // The book keeper presses Save again: the same op_id, answered as the first time.
            val again = session.pending.send("savings-${entry.memberNo}", entry) { session.book.depositSavings(it, groupId, entry) }.ok()
            assertTrue(again.replayed)
            assertAmount("-75", session.book.accounts(groupId).single { it.code == "2110-0001" }.balance)
            // Done: the next deposit of the same amount is a new command.
            assertTrue(session.pending.metaFor("savings-${entry.memberNo}", entry).opId != before)
        }
    }

    @Test
    fun `each meeting screen is one call into the core, and a Save is its command, its op_id and one sheet read`() {
        openSession(dir).use { real ->
            val group = monthlyShg(real)
            val counting = CountingBook(real.book)
            val session = BookSession.over(counting.book, keeper)
            val day = MeetingDay(session, group)
            val sita = real.members(group).ok().first().memberNo
            day.open(day1.toString()).ok()
            day.sheet(sita).ok() // the member screen shown: the meeting is known from here on

            fun calls(action: () -> Unit): List<String> {
                val (c0, ops0, n0) = Triple(counting.calls, session.pending.opIdsMade, counting.names.size)
                action()
                val names = counting.names.drop(n0)
                assertEquals(counting.calls - c0, names.size)
                return names + List(session.pending.opIdsMade - ops0) { "newOpId" }
            }
            assertEquals(listOf("meetingSheet"), calls { day.state(day1).ok() })
            assertEquals(listOf("memberSheet"), calls { day.sheet(sita).ok() })
            assertEquals(listOf("markAttendance", "memberSheet", "newOpId"), calls { day.markAttendance(sita, true).ok(); day.sheet(sita).ok() })
            assertEquals(
                listOf("depositSavings", "memberSheet", "newOpId"),
                calls { day.depositSavings(sita, "50", SavingsFund.COMPULSORY).ok(); day.sheet(sita).ok() },
            )
            // Pressing Save again after a success is a new entry, with its own op_id: still three calls.
            assertEquals(3, calls { day.depositSavings(sita, "5", SavingsFund.VOLUNTARY).ok(); day.sheet(sita).ok() }.size)
        }
    }

    @Test
    fun `the core's refusals arrive as problems with its detail, not exceptions`() {
        openSession(dir).use { session ->
            val group = monthlyShg(session)
            val day = MeetingDay(session, group)
            day.open(day1.toString()).ok()
            assertEquals(ProblemKind.NOT_FOUND, day.sheet(99).problemOrNull()?.kind)
            val withdrawn = day.repay(42, "100").problemOrNull()
            assertEquals(ProblemKind.NOT_FOUND, withdrawn?.kind)
            assertTrue(withdrawn?.detail?.contains("42") == true, "$withdrawn")
            assertEquals(ProblemKind.NOT_A_DATE, day.open("tomorrow").problemOrNull()?.kind)
        }
    }

    @Test
    fun `sync's refusals become problems, not the writer apart from the rest`() {
        val late = Problem.of(org.daftar.DaftarException.Refused("not_writer", "custody is with phone-b"))
        assertEquals(ProblemKind.NOT_WRITER, late.kind)
        assertTrue(late.detail.contains("phone-b"))
        val fork = Problem.of(org.daftar.DaftarException.Refused("fork", "fork at seq 3"))
        assertEquals(ProblemKind.SYNC_REFUSED, fork.kind)
    }
}
