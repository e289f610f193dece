package org.daftar.demo.logic

import java.time.LocalDate
import org.daftar.CorrectionStatus
import org.daftar.JournalEntry
import org.daftar.commandMeta

/** An entry the book keeper may reverse: recorded, not a reversal, not yet reversed. */
data class Reversible(val entry: JournalEntry) {
    val seq: Long get() = entry.seq
}

/** A reversal asked for and waiting for an approver, with the entry it would reverse. */
data class Waiting(val requestSeq: Long, val entry: JournalEntry?, val reason: String, val maker: String)

/** What a reversal did: recorded now, or waiting for an approver (the group's policy asks for one). */
sealed interface Reversal {
    data class Recorded(val seq: Long) : Reversal
    data class WaitsForApproval(val requestSeq: Long) : Reversal
}

/**
 * Correcting a mistaken entry: never editing it, but reversing it with a
 * reason, from the entry itself. Where the group's policy asks, the reversal
 * waits until an approver, typing her own PIN on this phone, approves or
 * rejects it. Her PIN is checked and counted by [lock] first, so wrong PINs
 * here wait as they do on the lock screen.
 */
class Corrections(private val session: BookSession, val group: Group, private val lock: PhoneLock) {
    private val book get() = session.book
    private val org get() = group.id

    /**
     * Entries that can still be reversed, newest first: those of the [days]
     * days up to the book's latest entry (a group that has not met for months
     * still sees its last ones), any since, and the entry [also] however old.
     */
    fun reversible(today: LocalDate, days: Long = 92, also: Long? = null): Outcome<List<Reversible>> = attempt {
        val last = book.lastBusinessDate(org)
        val end = if (last.isAfter(today)) last else today
        val waiting = book.corrections(org).filter { it.status == CorrectionStatus.PENDING }.map { it.originalSeq }.toSet()
        val recent = book.journal(org, last.minusDays(days), end)
        // An older entry opened from a passbook or cash book: looked for in the whole journal.
        val older = if (also == null || recent.any { it.seq == also }) {
            emptyList()
        } else {
            book.journal(org, group.org.openedOn, end).filter { it.seq == also }
        }
        (recent + older)
            .filter { it.reverses == null && it.reversedBy == null && it.seq !in waiting }
            .sortedByDescending { it.seq }
            .map(::Reversible)
    }

    /** Reverses [seq] as the person using the book, for [reason]; the same press twice records it once. */
    fun reverse(seq: Long, reason: String, date: LocalDate): Outcome<Reversal> {
        val why = reason.trim()
        if (why.isEmpty()) return refused(ProblemKind.NO_REASON)
        val slot = "reverse:$org:$seq"
        return session.pending.send(slot, listOf(seq, why, date)) { meta ->
            book.reverseEntry(meta, org, seq, date, why)
        }.then { done ->
            attempt {
                val asked = book.corrections(org).any { it.requestSeq == done.seq && it.status == CorrectionStatus.PENDING }
                if (asked) Reversal.WaitsForApproval(done.seq) else Reversal.Recorded(done.seq)
            }
        }
    }

    /** Reversals waiting for an approver, oldest first. */
    fun waiting(): Outcome<List<Waiting>> = attempt {
        val pending = book.corrections(org).filter { it.status == CorrectionStatus.PENDING }
        if (pending.isEmpty()) return@attempt emptyList()
        val from = book.organisations().first { it.id == org }.openedOn
        val entries = book.journal(org, from, book.lastBusinessDate(org)).associateBy { it.seq }
        pending.sortedBy { it.requestSeq }.map { Waiting(it.requestSeq, entries[it.originalSeq], it.reason, it.maker) }
    }

    /** The approver, with her PIN typed here, approves: the reversal is recorded now. */
    fun approve(requestSeq: Long, approver: String, pin: String, date: LocalDate): Outcome<Long> =
        lock.confirm(session, approver, pin).then {
            attempt { book.approveCorrection(commandMeta(PhoneLock.nameOf(approver), lock.device, pin), org, requestSeq, date).seq }
        }

    /** The approver, with her PIN typed here, rejects it for [reason]: the entry stands. */
    fun reject(requestSeq: Long, approver: String, pin: String, reason: String, date: LocalDate): Outcome<Long> {
        val why = reason.trim()
        if (why.isEmpty()) return refused(ProblemKind.NO_REASON)
        return lock.confirm(session, approver, pin).then {
            attempt { book.rejectCorrection(commandMeta(PhoneLock.nameOf(approver), lock.device, pin), org, requestSeq, date, why).seq }
        }
    }
}
