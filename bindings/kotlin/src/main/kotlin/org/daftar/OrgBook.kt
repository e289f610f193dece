package org.daftar

import java.math.BigDecimal
import java.time.LocalDate
import java.util.UUID
import kotlinx.coroutines.withContext

/**
 * One organisation of a book, so a screen does not pass its id on every call.
 * Reads only, for now; writes go through [DaftarBook] with the organisation's id.
 */
class OrgBook internal constructor(val book: DaftarBook, val id: UUID) {
    fun organisation(): Organisation =
        book.organisations().firstOrNull { it.id == id } ?: throw DaftarException.NotFound("organisation $id")

    fun members(): List<Member> = book.members(id)
    fun people(): List<Person> = book.people(id)
    fun policy(): Policy = book.policy(id)
    fun meetings(): List<Meeting> = book.meetings(id)
    fun loans(): List<Loan> = book.loans(id)
    fun lastBusinessDate(): LocalDate = book.lastBusinessDate(id)

    /** The cash box's balance, whatever the chart calls its cash account. */
    fun cashInHand(): BigDecimal = book.cashInHand(id)
    fun trialBalance(): TrialBalance = book.trialBalance(id)

    fun passbook(memberNo: Int, from: LocalDate, to: LocalDate): Passbook =
        book.passbook(id, memberNo, from, to)

    /** Her passbook as a message in the group's language, for the share sheet. */
    fun passbookMessage(memberNo: Int, from: LocalDate, to: LocalDate, lines: Int = 10): String =
        book.passbookMessage(id, memberNo, from, to, lines)

    /** Any of these calls, suspended on the library's book thread. */
    suspend fun <T> call(block: OrgBook.() -> T): T = withContext(DaftarDispatchers.book) { block() }
}

/** The organisation [id] of this book, as a handle for its screens. */
fun DaftarBook.organisation(id: UUID): OrgBook = OrgBook(this, id)
