package org.daftar

import java.math.BigDecimal
import java.nio.file.Path
import java.time.LocalDate
import java.util.UUID
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

class OrgBookTest {
    @TempDir lateinit var dir: Path

    @Test
    fun `an organisation's handle reads what the book reads, with plain numbers, and refuses a negative one`() = runBlocking {
        val path = dir.resolve("demo.daftar").toString()
        buildDemo(path, 1L, null)
        DaftarBook.open(path).use { book ->
            val id = book.organisations().first { it.locale == Locale.FA_IR }.id
            val fund = book.organisation(id)
            val last = fund.lastBusinessDate()
            val opened = fund.organisation().openedOn
            assertEquals(book.passbook(id, 1, opened, last), fund.passbook(1, opened, last))
            assertEquals(0, book.cashInHand(id).compareTo(fund.call { cashInHand() }))
            assertTrue(fund.passbookMessage(1, opened, last, lines = 3).contains("ریال"))
            assertThrows<DaftarException.InvalidInput> { fund.passbook(-1, opened, last) }
            assertThrows<DaftarException.NotFound> { book.organisation(java.util.UUID.randomUUID()).organisation() }
            Unit
        }
    }

    @Test
    fun `a meeting recorded through the handle lands in that organisation only`() {
        DaftarBook.open(dir.resolve("book.daftar").toString()).use { book ->
            val asha = book.organisation(foundAshaShg(book))
            val other = book.organisation(foundAshaShg(book))
            val day = LocalDate.of(2025, 4, 14)
            val meeting = asha.openMeeting(commandMeta("asha", "phone-a"), day).number!!
            asha.markAttendance(commandMeta("asha", "phone-a"), meeting, 1, true)
            asha.depositSavings(commandMeta("asha", "phone-a"),
                SavingsEntry(day, 1, Via.CASH, BigDecimal("50"), SavingsFund.COMPULSORY))

            assertEquals(Presence.PRESENT, asha.memberSheet(1).presence)
            assertEquals(0, BigDecimal("150").compareTo(asha.cashInHand()))
            assertEquals(0, BigDecimal("100").compareTo(other.cashInHand()))
            assertEquals(listOf<Meeting>(), other.meetings())
            assertEquals(book.syncState(asha.id), asha.syncState())
        }
    }

    /** Every method of the book that takes an organisation is on the handle, without that argument. */
    @Test
    fun `the handle offers every call of the book that names an organisation`() {
        val uuid = UUID::class.java
        val handle = OrgBook::class.java.methods.map { it.name to it.parameterTypes.toList() }.toSet()
        val asked = DaftarBookInterface::class.java.methods.filter { uuid in it.parameterTypes }
        assertTrue(asked.size > 60, "the book's calls were found (${asked.size})")
        val missing = asked.filter { m -> (m.name to m.parameterTypes.filter { it != uuid }) !in handle }.map { it.name }
        assertEquals(listOf<String>(), missing)
    }
}
