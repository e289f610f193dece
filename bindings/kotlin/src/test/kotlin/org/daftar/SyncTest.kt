package org.daftar

import java.math.BigDecimal
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.time.LocalDate
import java.util.UUID
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** Two phones' books: custody, a hand-over, and a late write refused and kept aside. */
class SyncTest {
    @TempDir lateinit var dir: Path

    private val day = LocalDate.of(2025, 4, 7)
    private fun on(device: String) = commandMeta("asha", device)
    private fun openBook(name: String) = DaftarBook.open(dir.resolve(name).toString())
    private fun deposit(amount: String) =
        SavingsEntry(day, 1, Via.CASH, BigDecimal(amount), SavingsFund.COMPULSORY)

    private fun founded(book: DaftarBook): UUID = foundAshaShg(book)

    /** Every chunk of [from]'s organisation after [after], into [to]. */
    private fun send(from: DaftarBook, to: DaftarBook, org: UUID, after: Long = 0): Long =
        from.bundle(org, after).sumOf { to.ingest(it).applied }

    @Test
    fun `phone A hands over to phone B, B writes, and A's late write is refused and kept aside`() {
        val a = openBook("a.daftar")
        val org = founded(a)
        assertNull(a.custody(org))
        a.claimCustody(on("phone-a"), org, day)
        assertEquals("phone-a", a.custody(org)!!.device)

        val b = openBook("b.daftar")
        val bId = b.deviceIdentity("phone-b")
        assertEquals(64, bId.publicKey.length)
        assertEquals(4L, send(a, b, org))

        // A copy of A's book from before the hand-over, as an old backup would be.
        a.close()
        Files.copy(dir.resolve("a.daftar"), dir.resolve("stale.daftar"), StandardCopyOption.REPLACE_EXISTING)
        val a2 = openBook("a.daftar")

        a2.handOver(on("phone-a"), org, day, bId.device, bId.publicKey)
        assertEquals(1L, send(a2, b, org, 4))
        assertEquals(2L, b.custody(org)!!.epoch)
        b.depositSavings(on("phone-b"), org, deposit("50"))

        // A may not write any more.
        val refused = assertThrows<DaftarException.Refused> { a2.depositSavings(on("phone-a"), org, deposit("7")) }
        assertEquals("not_writer", refused.code)

        // The stale copy writes anyway, and its chunk reaches B: refused, kept aside.
        val stale = openBook("stale.daftar")
        stale.depositSavings(on("phone-a"), org, deposit("9"))
        val chunk = stale.bundle(org, 4).single()
        val late = assertThrows<DaftarException.Refused> { b.ingest(chunk) }
        assertEquals("not_writer", late.code)
        val aside = b.setAside(org)
        assertEquals(1, aside.size)
        assertEquals("phone-a", aside[0].device)
        assertEquals(6L, b.syncState(org).head.seq)

        // B's write goes back to A, and both agree.
        assertEquals(1L, send(b, a2, org, 5))
        assertEquals(b.syncState(org).head.hashHex, a2.syncState(org).head.hashHex)
        assertTrue(b.verify(null).intact)
        listOf(a2, b, stale).forEach { it.close() }
    }

    @Test
    fun `a hand-over file is sealed to the new phone and no other phone can read it`() {
        val a = openBook("a.daftar")
        val org = founded(a)
        a.claimCustody(on("phone-a"), org, day)
        val b = openBook("b.daftar")
        val bId = b.deviceIdentity("phone-b")
        val c = openBook("c.daftar")
        c.deviceIdentity("phone-c")

        // Not before the hand-over: the file would have nobody to be sealed to.
        assertThrows<DaftarException.InvalidInput> { a.handOverFile(org, 0) }
        a.handOver(on("phone-a"), org, day, bId.device, bId.publicKey)
        val file = a.handOverFile(org, 0)
        assertTrue(String(file, Charsets.ISO_8859_1).startsWith("daftar.sealed.v1\n"))
        assertTrue(!String(file, Charsets.ISO_8859_1).contains("Sita"))

        val wrong = assertThrows<DaftarException.Refused> { c.readBundleFile(file) }
        assertEquals("wrong_device", wrong.code)
        val chunks = b.readBundleFile(file)
        assertEquals(5L, chunks.sumOf { b.ingest(it).applied })
        assertEquals("phone-b", b.custody(org)!!.device)
        file[file.size - 1] = (file[file.size - 1].toInt() xor 1).toByte()
        assertEquals("tampered", assertThrows<DaftarException.Refused> { b.readBundleFile(file) }.code)
        listOf(a, b, c).forEach { it.close() }
    }

    @Test
    fun `a retried chunk applies nothing and the acknowledged head moves only forward`() {
        openBook("a.daftar").use { a ->
            val org = founded(a)
            a.claimCustody(on("phone-a"), org, day)
            openBook("b.daftar").use { b ->
                val chunks = a.unacknowledged(org)
                val first = b.ingest(chunks.single())
                assertEquals(0L, b.ingest(chunks.single()).applied)
                a.acknowledge(org, first.head, "receipt")
                assertTrue(a.unacknowledged(org).isEmpty())
                assertEquals(first.head.seq, a.syncState(org).acknowledged!!.seq)
                val bad = assertThrows<DaftarException.Refused> { b.ingest(chunks.single().replace("Sita", "Gita")) }
                assertEquals("broken_chain", bad.code)
            }
        }
    }
}
