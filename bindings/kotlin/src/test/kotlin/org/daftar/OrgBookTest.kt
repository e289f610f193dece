package org.daftar

import java.nio.file.Path
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
}
