package org.daftar.demo.logic

import java.nio.file.Path
import java.time.LocalDate
import java.util.concurrent.TimeUnit
import org.daftar.SavingsEntry
import org.daftar.SavingsFund
import org.daftar.Via
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The Sync screen's logic against the real `daftar-server` and PostgreSQL,
 * over `HttpURLConnection` as on a phone: the first sync makes this phone the
 * group's holder and pins the server's key; a second phone, once the office
 * allows it, restores the group; a hand-over through the server and another
 * as a sealed file move the book on, and the phone that gave it up can no
 * longer write. Needs DAFTAR_DATABASE_URL (scripts/pg-cluster.sh) and the
 * server binary (daftar.server.bin), as scripts/android-check.sh gives them.
 */
class GroupSyncTest {
    @TempDir lateinit var dir: Path
    private lateinit var server: Process
    private lateinit var url: String
    private val database: String = System.getenv("DAFTAR_DATABASE_URL")
        ?: error("run through scripts/pg-cluster.sh: DAFTAR_DATABASE_URL is not set")
    private val serverBin: String = System.getProperty("daftar.server.bin")
        ?: error("the daftar.server.bin property names the daftar-server binary")

    @BeforeEach
    fun start() {
        server = ProcessBuilder(serverBin, "--database", database, "serve", "--listen", "127.0.0.1:0",
            "--key", dir.resolve("server.key").toString(), "--books", dir.resolve("books").toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start()
        val line = server.inputStream.bufferedReader().readLine() ?: error("the server did not start")
        url = line.removePrefix("daftar-server listening on ")
    }

    @AfterEach
    fun stop() {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS)
    }

    private fun grant(org: java.util.UUID, key: String) {
        val p = ProcessBuilder(serverBin, "--database", database, "grant", "--org", org.toString(), "--device", key)
            .redirectErrorStream(true).start()
        val out = p.inputStream.bufferedReader().readText()
        assertEquals(0, p.waitFor(), out)
    }

    /** A phone's book, its commands from device `phone-NAME`. */
    private fun phone(name: String) =
        (BookSession.open(dir.resolve("$name.daftar").toFile(), Keeper(keeper.actor, "phone-$name")) as Outcome.Ok).value

    private fun sync(session: BookSession, group: Group) =
        GroupSync(session, group, PhoneLock(session.keeper.device, null), ServerFile(dir.resolve("${session.keeper.device}-server").toFile()))

    @Test
    fun `a group syncs, moves to another phone through the server, and on to a third as a sealed file`() {
        phone("a").use { a ->
            val group = monthlyShg(a)
            val syncA = sync(a, group)
            val first = syncA.withServer(url, null).ok()
            assertTrue(first.claimed)
            val seenA = syncA.view().ok()
            assertEquals(seenA.events, first.pushed)
            assertEquals(seenA.events, seenA.acknowledged)
            assertEquals(0, seenA.unsent)
            assertTrue(seenA.heldHere)
            assertEquals("phone-a", seenA.holder)
            // The server's key is pinned on the first sync.
            assertEquals(url, seenA.server?.url)
            assertEquals(64, seenA.server?.key?.length)

            phone("b").use { b ->
                // Phone B knows only the group's id until it syncs.
                val asB = sync(b, group)
                val idB = asB.view().problemOrNull()
                assertEquals(ProblemKind.NOT_FOUND, idB?.kind, "$idB")
                val keyB = b.book.deviceIdentity("phone-b").publicKey
                assertEquals(ProblemKind.NOT_GRANTED, asB.withServer(url, null).problemOrNull()?.kind)
                grant(group.id, keyB)
                assertEquals(seenA.events, asB.withServer(url, null).ok().pulled)
                val atB = asB.view().ok()
                assertEquals("phone-a", atB.holder)
                assertFalse(atB.heldHere)

                // A hands the group to B through the server.
                // A wrong PIN hands nothing over.
                assertEquals(ProblemKind.WRONG_PIN, syncA.handOver("phone-b", keyB, "cc-meena", "1111", LocalDate.of(2025, 4, 1)).problemOrNull()?.kind)
                assertEquals(0, syncA.view().ok().unsent)
                syncA.handOver("phone-b", keyB, "cc-meena", "2468", LocalDate.of(2025, 4, 1)).ok()
                assertEquals(1, syncA.view().ok().unsent)
                // A's sync sends the hand-over; from then on the server lets A read the group no more.
                assertTrue(syncA.withServer(url, null).ok().handedOn)
                assertEquals(0, syncA.view().ok().unsent)
                asB.withServer(url, null).ok()
                assertTrue(asB.view().ok().heldHere)
                // A can no longer write the group's book.
                val refused = attempt {
                    a.book.depositSavings(a.keeper.meta(), group.id, SavingsEntry(LocalDate.of(2025, 4, 1), 1, Via.CASH, java.math.BigDecimal.ONE, SavingsFund.VOLUNTARY))
                }.problemOrNull()
                assertEquals(ProblemKind.NOT_WRITER, refused?.kind, "$refused")

                // With no network, B hands the group on to C as a file sealed to C.
                phone("c").use { c ->
                    val asC = sync(c, group)
                    val keyC = c.book.deviceIdentity("phone-c").publicKey
                    asB.handOver("phone-c", keyC, "cc-meena", "2468", LocalDate.of(2025, 4, 1)).ok()
                    val file = asB.handOverFile(dir.resolve("exports").toFile()).ok()
                    val bytes = file.readBytes()
                    // Only C can open it; A's book is left as it was.
                    val before = a.book.syncState(group.id)
                    assertEquals(ProblemKind.WRONG_DEVICE, sync(a, group).receiveFile(bytes).problemOrNull()?.kind)
                    assertEquals(before, a.book.syncState(group.id))
                    assertTrue(asC.receiveFile(bytes).ok() > 0)
                    assertTrue(asC.view().ok().heldHere)
                    c.book.requireIntact(null)
                }
            }
        }
    }

    @Test
    fun `a phone with no book restores a group by its id once allowed, and takes another in from a sealed file`() {
        phone("a").use { a ->
            val group = monthlyShg(a)
            sync(a, group).withServer(url, null).ok()
            val events = a.book.syncState(group.id).head.seq
            phone("d").use { d ->
                val incoming = IncomingGroups(d, ServerFile(dir.resolve("phone-d-server").toFile()))
                assertEquals(ProblemKind.INVALID_INPUT, incoming.restore(url, "not-an-id", null).problemOrNull()?.kind)
                assertEquals(ProblemKind.NOT_GRANTED, incoming.restore(url, group.id.toString(), null).problemOrNull()?.kind)
                assertTrue(d.book.organisations().isEmpty(), "a refused restore leaves the book empty")
                grant(group.id, incoming.identity().ok().publicKey)
                assertEquals(events, incoming.restore(url, " ${group.id} ", null).ok())
                assertEquals(listOf(group.id), d.book.organisations().map { it.id })
                d.book.requireIntact(null)
            }
            // A second group handed to phone E as a file, E having no book before.
            val second = monthlyShg(a, listOf("زهرا"))
            sync(a, second).withServer(url, null).ok() // phone A becomes its holder
            phone("e").use { e ->
                val incoming = IncomingGroups(e, null)
                val keyE = incoming.identity().ok().publicKey
                sync(a, second).handOver("phone-e", keyE, "cc-meena", "2468", LocalDate.of(2025, 4, 1)).ok()
                val file = sync(a, second).handOverFile(dir.resolve("out").toFile()).ok()
                assertTrue(incoming.receiveFile(file.readBytes()).ok() > 0)
                assertEquals(listOf(second.id), e.book.organisations().map { it.id })
                assertEquals("phone-e", e.book.custody(second.id)?.device)
            }
        }
    }

    @Test
    fun `no network, a wrong address and another server are named, and nothing is pinned by them`() {
        phone("a").use { a ->
            val group = monthlyShg(a)
            val s = sync(a, group)
            val closed = java.net.ServerSocket(0).use { it.localPort }
            assertEquals(ProblemKind.NO_NETWORK, s.withServer("http://127.0.0.1:$closed", null).problemOrNull()?.kind)
            assertEquals(ProblemKind.INVALID_INPUT, s.withServer("daftar.example.org", null).problemOrNull()?.kind)
            assertEquals(null, s.view().ok().server)
            s.withServer(url, null).ok()
            // The same server at another address is the same key: it syncs, and the new address is kept.
            val other = url.replace("127.0.0.1", "localhost")
            s.withServer(other, null).ok()
            assertEquals(other, s.view().ok().server?.url)
            // The pinned key no longer matches: another server is refused.
            val pinned = ServerFile(dir.resolve("phone-a-server").toFile())
            val otherKey = phone("x").use { it.book.deviceIdentity("phone-x").publicKey }
            pinned.write(ServerSettings(url, otherKey))
            assertEquals(ProblemKind.WRONG_SERVER, s.withServer(url, null).problemOrNull()?.kind)
            assertEquals(otherKey, pinned.read()?.key, "a refused server pins nothing")
        }
    }
}
