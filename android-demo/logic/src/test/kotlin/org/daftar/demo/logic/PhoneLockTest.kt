package org.daftar.demo.logic

import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import org.daftar.ActorRole
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

class PhoneLockTest {
    @TempDir lateinit var dir: Path

    /** A clock the test moves by hand. */
    private var now = Instant.parse("2026-12-01T10:00:00Z")
    private fun lockOn() =
        PhoneLock("test-phone", PhoneLock.lockFile(dir.resolve("group.daftar").toFile()), { now })

    @Test
    fun `the book opens locked and unlocks only with the person's own PIN, who then records`() {
        openSession(dir).use { session ->
            monthlyShg(session)
            val lock = lockOn()
            assertTrue(lock.isLocked())
            assertEquals(listOf("cc-meena"), lock.people(session).ok())
            assertEquals(ProblemKind.WRONG_PIN, lock.unlock(session, "cc-meena", "1357").problemOrNull()?.kind)
            // A name the book does not hold, or holds with no PIN, never unlocks.
            assertEquals(ProblemKind.WRONG_PIN, lock.unlock(session, "bookkeeper-test", "2468").problemOrNull()?.kind)
            assertEquals(ProblemKind.EMPTY, lock.unlock(session, "cc-meena", " ").problemOrNull()?.kind)
            assertTrue(lock.isLocked())
            // Persian digits are the same PIN.
            val k = lock.unlock(session, " cc-meena ", "۲۴۶۸").ok()
            assertEquals("cc-meena", k.actor)
            assertEquals(k, lock.keeper)
            assertFalse(lock.isLocked())
        }
    }

    @Test
    fun `after five wrong PINs each try waits, doubling, and killing the app does not reset the count`() {
        openSession(dir).use { session ->
            monthlyShg(session)
            val lock = lockOn()
            repeat(PhoneLock.FREE_TRIES) { i ->
                val p = lock.unlock(session, "cc-meena", "0000").problemOrNull()!!
                assertEquals(ProblemKind.WRONG_PIN, p.kind)
                assertEquals((PhoneLock.FREE_TRIES - i - 1).toString(), p.detail)
            }
            // The sixth wrong one starts a 30 s wait; the right PIN is refused during it.
            assertEquals(ProblemKind.WRONG_PIN, lock.unlock(session, "cc-meena", "0000").problemOrNull()?.kind)
            val wait = lock.unlock(session, "cc-meena", "2468").problemOrNull()!!
            assertEquals(ProblemKind.WAIT, wait.kind)
            assertEquals("30", wait.detail)

            // The app is killed and started again: the wait holds.
            val again = lockOn()
            assertEquals(ProblemKind.WAIT, again.unlock(session, "cc-meena", "2468").problemOrNull()?.kind)
            now = now.plusSeconds(31)
            // One more wrong PIN doubles the wait.
            assertEquals(ProblemKind.WRONG_PIN, again.unlock(session, "cc-meena", "0000").problemOrNull()?.kind)
            now = now.plusSeconds(31)
            assertEquals("29", again.unlock(session, "cc-meena", "2468").problemOrNull()?.detail)
            now = now.plusSeconds(30)
            again.unlock(session, "cc-meena", "2468").ok()
            // The right PIN clears the count: five free tries again.
            repeat(PhoneLock.FREE_TRIES) {
                assertEquals(ProblemKind.WRONG_PIN, again.unlock(session, "cc-meena", "0000").problemOrNull()?.kind)
            }
            assertEquals("0", again.unlock(session, "cc-meena", "0001").problemOrNull()?.detail)
            assertEquals(ProblemKind.WAIT, again.unlock(session, "cc-meena", "2468").problemOrNull()?.kind)
        }
    }

    @Test
    fun `the lock closes again after five minutes without a touch, and a touch keeps it open`() {
        openSession(dir).use { session ->
            monthlyShg(session)
            val lock = lockOn()
            lock.unlock(session, "cc-meena", "2468").ok()
            now = now.plus(Duration.ofMinutes(4))
            lock.touch()
            now = now.plus(Duration.ofMinutes(4))
            assertFalse(lock.isLocked())
            now = now.plus(lock.idle).plusSeconds(1)
            assertTrue(lock.isLocked())
            assertNull(lock.keeper)
            // A touch on a locked phone unlocks nothing.
            lock.touch()
            assertTrue(lock.isLocked())
        }
    }

    @Test
    fun `the first person sets her PIN in every group, and later people need an approver's PIN`() {
        openSession(dir).use { session ->
            val a = monthlyShg(session, withApprover = false)
            val b = monthlyShg(session, withApprover = false)
            val lock = lockOn()
            assertTrue(lock.isFirstUse(session).ok())
            assertEquals(ProblemKind.PINS_DIFFER, lock.setUpFirst(session, "asha", "4321", "4312").problemOrNull()?.kind)
            assertTrue(lock.isFirstUse(session).ok())
            assertEquals("asha", lock.setUpFirst(session, "asha", "4321", "4321").ok().actor)
            for (g in listOf(a, b)) assertTrue(session.book.pinMatches(g.id, "asha", "4321"))
            // Once someone has a PIN, nobody else sets herself up alone.
            lock.lock()
            assertEquals(ProblemKind.PERMISSION_DENIED, lock.setUpFirst(session, "thief", "1111", "1111").problemOrNull()?.kind)
            assertEquals(listOf("asha"), lock.people(session).ok())

            // asha is a book keeper: she cannot add a person.
            val byKeeper = lock.addPerson(session, "ravi", "5555", "5555", "asha", "4321")
            assertEquals(ProblemKind.PERMISSION_DENIED, byKeeper.problemOrNull()?.kind)
            assertFalse(session.book.people(a.id).any { it.name == "ravi" })

            // An approver in group a only adds ravi there, with her PIN.
            session.book.setPin(org.daftar.commandMeta("meena", "test-phone"), a.id, opened, "meena", "2468")
            session.book.setRole(org.daftar.commandMeta("asha", "test-phone"), a.id, opened, "meena", ActorRole.APPROVER)
            assertEquals(
                ProblemKind.WRONG_PIN,
                lock.addPerson(session, "ravi", "5555", "5555", "meena", "1111").problemOrNull()?.kind,
            )
            assertEquals("ravi", lock.addPerson(session, "ravi", "5555", "5555", "meena", "2468").ok().actor)
            assertTrue(session.book.pinMatches(a.id, "ravi", "5555"))
            assertFalse(session.book.people(b.id).any { it.name == "ravi" })
            assertTrue(session.book.verify(null).intact)
        }
    }
}
