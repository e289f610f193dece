package org.daftar.demo.logic

import java.nio.file.Path
import java.time.Instant
import java.time.LocalDate
import org.daftar.SavingsFund
import org.daftar.commandMeta
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

class CorrectionsTest {
    @TempDir lateinit var dir: Path

    private val day = LocalDate.of(2025, 4, 7)
    private val now = Instant.parse("2026-12-01T10:00:00Z")

    private fun setUp(session: BookSession): Pair<Group, Corrections> {
        val group = monthlyShg(session)
        val meeting = MeetingDay(session, group)
        meeting.open(day.toString()).ok()
        val sita = session.members(group).ok().first().memberNo
        meeting.depositSavings(sita, "50", SavingsFund.COMPULSORY).ok()
        meeting.depositSavings(sita, "500", SavingsFund.VOLUNTARY).ok()
        val lock = PhoneLock("test-phone", null, { now })
        return group to Corrections(session, group, lock)
    }

    @Test
    fun `a mistaken entry is reversed with a reason, by the person using the book, once`() {
        openSession(dir).use { session ->
            val (group, corrections) = setUp(session)
            val wrong = corrections.reversible(day).ok().first()
            assertTrue(wrong.entry.narration.contains("Savings deposit"), "${wrong.entry}")
            assertEquals(ProblemKind.NO_REASON, corrections.reverse(wrong.seq, "  ", day).problemOrNull()?.kind)
            val done = corrections.reverse(wrong.seq, "typed 500 for 50", day).ok()
            assertTrue(done is Reversal.Recorded, "$done")
            assertTrue(corrections.reversible(day).ok().none { it.seq == wrong.seq })
            val journal = session.book.journal(group.id, day, day)
            val reversal = journal.single { it.reverses == wrong.seq }
            assertEquals(keeper.actor, reversal.actor)
            // Pressing again: the entry is reversed already, and nothing more is written.
            assertEquals(ProblemKind.CONFLICT, corrections.reverse(wrong.seq, "typed 500 for 50", day).problemOrNull()?.kind)
            assertEquals(journal.size, session.book.journal(group.id, day, day).size)
        }
    }

    @Test
    fun `where policy asks, a reversal waits for an approver's PIN typed on the phone`() {
        openSession(dir).use { session ->
            val (group, corrections) = setUp(session)
            val strict = session.book.policy(group.id).copy(reversalNeedsApproval = true)
            session.book.setPolicy(commandMeta("cc-meena", "test-phone", "2468"), group.id, day, strict)
            val wrong = corrections.reversible(day).ok().first()
            val asked = corrections.reverse(wrong.seq, "typed 500 for 50", day).ok()
            assertTrue(asked is Reversal.WaitsForApproval, "$asked")
            val request = (asked as Reversal.WaitsForApproval).requestSeq
            val waiting = corrections.waiting().ok().single()
            assertEquals(wrong.seq, waiting.entry?.seq)
            assertEquals(keeper.actor, waiting.maker)
            // Waiting, it is not offered for reversal again.
            assertTrue(corrections.reversible(day).ok().none { it.seq == wrong.seq })

            val before = session.book.journal(group.id, day, day).size
            // The book keeper, or the approver with a wrong PIN, cannot approve it.
            assertEquals(ProblemKind.WRONG_PIN, corrections.approve(request, keeper.actor, "2468", day).problemOrNull()?.kind)
            assertEquals(ProblemKind.WRONG_PIN, corrections.approve(request, "cc-meena", "1111", day).problemOrNull()?.kind)
            assertEquals(ProblemKind.NO_REASON, corrections.reject(request, "cc-meena", "2468", "", day).problemOrNull()?.kind)
            assertEquals(before, session.book.journal(group.id, day, day).size)
            assertEquals(1, corrections.waiting().ok().size)

            corrections.approve(request, "cc-meena", "2468", day).ok()
            assertTrue(corrections.waiting().ok().isEmpty())
            val reversal = session.book.journal(group.id, day, day).single { it.reverses == wrong.seq }
            assertEquals("cc-meena", reversal.actor)

            // A second one, rejected: the entry stands.
            val other = corrections.reversible(day).ok().first()
            val second = corrections.reverse(other.seq, "not sure", day).ok() as Reversal.WaitsForApproval
            corrections.reject(second.requestSeq, "cc-meena", "२४६८", "it was right", day).ok()
            assertTrue(corrections.waiting().ok().isEmpty())
            assertTrue(session.book.journal(group.id, day, day).none { it.reverses == other.seq })
            assertTrue(session.book.verify(null).intact)
        }
    }
}
