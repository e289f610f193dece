package org.daftar.demo.logic

import java.nio.file.Path
import org.daftar.encryptionAvailable
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The default library has no SQLCipher (docs/security.md: the platform's file
 * encryption covers the default): asking it for an encrypted book is refused
 * plainly, and leaves no file, plain or half made.
 */
class AtRestTest {
    @TempDir lateinit var dir: Path

    @Test
    fun `a library without encryption refuses an encrypted demo book and leaves no file behind`() {
        assertFalse(encryptionAvailable())
        val file = dir.resolve("groups.daftar").toFile()
        val key = ByteArray(32) { 7 }
        val made = BookSession.buildDemoBook(file, 1, null, key)
        assertEquals(ProblemKind.INVALID_INPUT, made.problemOrNull()?.kind, "$made")
        assertTrue(made.problemOrNull()!!.detail.contains("encrypt"), "$made")
        assertEquals(emptyList<String>(), dir.toFile().list()!!.toList())
        assertTrue(key.all { it == 0.toByte() }, "the key's bytes are wiped")
    }

    @Test
    fun `a key for a plain book opens nothing, and the book still opens plain`() {
        openSession(dir).use { monthlyShg(it) }
        val file = dir.resolve("group.daftar").toFile()
        val refusedOpen = BookSession.open(file, keeper, ByteArray(32) { 1 })
        assertTrue(refusedOpen is Outcome.Refused, "$refusedOpen")
        openSession(dir).use { assertEquals(1, it.groups().ok().size) }
    }
}
