package org.daftar

import java.nio.file.Path
import java.util.UUID
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/**
 * A phone's book syncing with the real `daftar-server` over `java.net.http`:
 * the first sync claims custody and pushes, a second sends nothing, a new
 * phone granted by an administrator restores the same chain, and a server
 * that cannot be reached stops the sync with a refusal it can be retried from.
 * Needs PostgreSQL (DAFTAR_DATABASE_URL, from scripts/pg-cluster.sh) and the
 * server binary (daftar.server.bin), as scripts/test.sh gives them.
 */
class ServerSyncTest {
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

    private fun founded(book: DaftarBook): UUID = foundAshaShg(book)

    private fun grant(org: UUID, key: String) {
        val p = ProcessBuilder(serverBin, "--database", database, "grant", "--org", org.toString(), "--device", key)
            .redirectErrorStream(true).start()
        val out = p.inputStream.bufferedReader().readText()
        assertEquals(0, p.waitFor(), out)
    }

    @Test
    fun aBookSyncsThroughJavaHttpAndANewPhoneRestoresTheSameChain() {
        val phone = DaftarBook.open(dir.resolve("a.daftar").toString())
        phone.deviceIdentity("phone-a")
        val org = founded(phone)
        val transport = JavaHttpTransport(url)
        val seen = mutableListOf<Pair<Long, Long>>()
        val first = phone.syncWithServer(transport, ServerSyncOptions(listOf(), "asha", null),
            object : ProgressListener {
                override fun onProgress(done: Long, total: Long): Boolean { seen.add(done to total); return true }
            })
        assertEquals(listOf(0L to 1L, 1L to 1L), seen)
        val result = first.orgs.single()
        assertNull(result.refusedCode, result.refusedReason)
        assertTrue(result.claimed)
        val head = phone.syncState(org).head
        assertEquals(head.seq, result.serverHeadSeq)
        assertEquals(head.seq, result.eventsPushed)
        assertEquals(head.seq, phone.syncState(org).acknowledged?.seq)

        // Nothing new: nothing sent, and the server's key is pinned from here on.
        val again = phone.syncWithServer(transport, ServerSyncOptions(listOf(org), null, first.serverKey), null)
        assertEquals(0L, again.orgs.single().eventsPushed)

        // A new phone is refused until an administrator grants it, then restores.
        val fresh = DaftarBook.open(dir.resolve("b.daftar").toString())
        val id = fresh.deviceIdentity("phone-b")
        val refused = fresh.syncWithServer(transport, ServerSyncOptions(listOf(org), null, null), null)
        assertEquals("forbidden", refused.orgs.single().refusedCode)
        grant(org, id.publicKey)
        val restored = fresh.syncWithServer(transport, ServerSyncOptions(listOf(org), null, null), null)
        assertNull(restored.orgs.single().refusedCode)
        assertEquals(head.seq, restored.orgs.single().eventsPulled)
        assertEquals(head, fresh.syncState(org).head)
        fresh.requireIntact(null)
    }

    @Test
    fun aServerThatCannotBeReachedStopsTheSyncWithARefusalToRetryFrom() {
        val phone = DaftarBook.open(dir.resolve("a.daftar").toString())
        phone.deviceIdentity("phone-a")
        founded(phone)
        val closed = java.net.ServerSocket(0).use { it.localPort }
        val e = assertThrows<DaftarException.Refused> {
            phone.syncWithServer(JavaHttpTransport("http://127.0.0.1:$closed"), ServerSyncOptions(listOf(), "asha", null), null)
        }
        assertEquals("unreachable", e.code)
        // A wrong pinned key is refused before anything is sent.
        val other = DaftarBook.open(dir.resolve("c.daftar").toString()).deviceIdentity("x").publicKey
        val wrong = assertThrows<DaftarException.Refused> {
            phone.syncWithServer(JavaHttpTransport(url), ServerSyncOptions(listOf(), "asha", other), null)
        }
        assertEquals("wrong_server", wrong.code)
    }
}
