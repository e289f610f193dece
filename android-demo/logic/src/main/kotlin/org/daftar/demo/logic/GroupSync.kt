package org.daftar.demo.logic

import java.io.File
import java.net.URI
import java.time.LocalDate
import org.daftar.ProgressListener
import org.daftar.ServerSyncOptions
import org.daftar.SetAsideEvent
import org.daftar.commandMeta

/** The programme's server as this phone knows it: its address, and its key once a sync has pinned it. */
data class ServerSettings(val url: String, val key: String?)

/**
 * The server's address and pinned key, kept beside the book (`BOOK-server`),
 * written beside and renamed so the file is always whole. A sync with another
 * server's key is refused from then on: a phone never hands a group's book to
 * a server it was not set up with.
 */
class ServerFile(private val file: File) {
    fun read(): ServerSettings? {
        if (!file.exists()) return null
        val lines = file.readLines()
        val url = lines.getOrNull(0)?.trim().orEmpty()
        if (url.isEmpty()) return null
        return ServerSettings(url, lines.getOrNull(1)?.trim()?.ifEmpty { null })
    }

    fun write(s: ServerSettings) {
        val part = File(file.path + ".part")
        part.writeText(s.url + "\n" + (s.key ?: "") + "\n")
        if (!part.renameTo(file)) throw java.io.IOException("cannot write ${file.name}")
    }
}

/** What the Sync screen shows for a group. */
data class SyncView(
    /** This phone's name and key for sync: what a phone handing a group over to it needs. */
    val device: String,
    val publicKey: String,
    /** The phone that holds the group's book (may write it); none before the first sync. */
    val holder: String?,
    val heldHere: Boolean,
    /** Events in the group's chain on this phone, the last the server acknowledged, and those it has not. */
    val events: Long,
    val acknowledged: Long?,
    val unsent: Long,
    /** Events kept aside: written on a phone after it had handed the book on, or a fork. Never merged. */
    val setAside: List<SetAsideEvent>,
    val server: ServerSettings?,
)

/**
 * What a sync did for the group. [handedOn]: this phone had handed the book to
 * another, the server now holds everything it wrote, and it may read no more.
 */
data class SyncDone(val claimed: Boolean, val pushed: Long, val pulled: Long, val handedOn: Boolean = false)

/**
 * A group's sync on this phone: with the programme's server (push what it has
 * not acknowledged, pull what it holds beyond this phone), and hand-over to
 * another phone through the server or as a file sealed to that phone. Every
 * step is safe to leave or kill at any moment: the book commits each chunk
 * whole, and a sync run again carries on from the last acknowledged head.
 */
class GroupSync(
    private val session: BookSession,
    val group: Group,
    private val lock: PhoneLock,
    private val serverFile: ServerFile?,
) {
    private val book get() = session.book
    private val org get() = group.id

    /** This phone's name in sync: the device every command of the session names. */
    private val device get() = session.keeper.device

    fun view(): Outcome<SyncView> = attempt {
        val me = book.deviceIdentity(device)
        val state = book.syncState(org)
        val events = state.head.seq
        val acked = state.acknowledged?.seq
        SyncView(
            device = me.device,
            publicKey = me.publicKey,
            holder = state.custody?.device,
            heldHere = state.custody?.publicKey == me.publicKey,
            events = events,
            acknowledged = acked,
            unsent = events - (acked ?: 0),
            setAside = book.setAside(org),
            server = serverFile?.read(),
        )
    }

    /**
     * Syncs the group with the server at [url] (HTTPS on a phone). The first
     * sync pins the server's key: from then on a server at any address with
     * another key is refused. The first sync of a group nobody holds makes
     * this phone its holder, in the name of the person using it.
     */
    fun withServer(url: String, progress: ProgressListener?): Outcome<SyncDone> =
        syncWith(session, serverFile, url, org, session.keeper.actor.ifEmpty { null }, progress).then { mine ->
            val code = mine.refusedCode
            if (code == "forbidden" && handedOnAndSent()) {
                Outcome.Ok(SyncDone(false, mine.eventsPushed, mine.eventsPulled, handedOn = true))
            } else if (code != null) {
                Outcome.Refused(Problem.ofRefusal(code, mine.refusedReason.orEmpty()))
            } else {
                Outcome.Ok(SyncDone(mine.claimed, mine.eventsPushed, mine.eventsPulled))
            }
        }

    /** This phone handed the group on, and the server acknowledged all it wrote. */
    private fun handedOnAndSent(): Boolean = attempt {
        val me = book.deviceIdentity(device).publicKey
        val state = book.syncState(org)
        val holder = state.custody?.publicKey
        holder != null && holder != me && state.acknowledged?.seq == state.head.seq
    }.valueOrNull() == true

    /**
     * Hands the group's book to another phone, named with its key (from its
     * Sync screen), on the word of an approver typing her PIN here. From then
     * on only that phone may write it; the next sync sends the hand-over to
     * the server, from which the other phone pulls it.
     */
    fun handOver(toDevice: String, toKey: String, approver: String, pin: String, today: LocalDate): Outcome<Unit> {
        val name = toDevice.trim()
        val key = toKey.trim().lowercase()
        if (name.isEmpty()) return refused(ProblemKind.EMPTY, "device")
        if (key.isEmpty()) return refused(ProblemKind.EMPTY, "key")
        return lock.confirm(session, approver, pin).then {
            attempt { book.handOver(commandMeta(PhoneLock.nameOf(approver), device, pin), org, today, name, key) }.map { }
        }
    }

    /**
     * The group's whole chain in a file sealed to the phone it was handed to,
     * for when there is no network: written to [dir] (private storage), it
     * leaves through the share sheet, and only that phone can open it.
     */
    fun handOverFile(dir: File): Outcome<File> = attempt { book.handOverFile(org, 0L) }.then { bytes ->
        if (!dir.isDirectory && !dir.mkdirs()) return@then refused(ProblemKind.STORAGE, dir.path)
        val file = File(dir, "hand-over-${group.name.filter { it.isLetterOrDigit() }.take(24)}-${LocalDate.now()}.daftar-bundle")
        val part = File(file.path + ".part")
        part.writeBytes(bytes)
        if (!part.renameTo(file)) refused(ProblemKind.STORAGE, file.name) else Outcome.Ok(file)
    }

    /** Takes in a hand-over or bundle file ([IncomingGroups.receiveFile]). */
    fun receiveFile(bytes: ByteArray): Outcome<Long> = IncomingGroups(session, serverFile).receiveFile(bytes)
}

/**
 * Groups that come to this phone from another: restored from the server by
 * the group's id (once the programme's office allows this phone), or taken
 * in from a hand-over file sealed to it. What a phone with no book yet does.
 */
class IncomingGroups(private val session: BookSession, private val serverFile: ServerFile?) {
    private val book get() = session.book

    /** This phone's name and key: what the office allows, and what a phone handing a group over needs. */
    fun identity(): Outcome<org.daftar.DeviceIdentity> = attempt { book.deviceIdentity(session.keeper.device) }

    /** Restores the group with this id from the server; returns the events it pulled. */
    fun restore(url: String, groupId: String, progress: ProgressListener?): Outcome<Long> {
        val id = runCatching { java.util.UUID.fromString(groupId.trim()) }.getOrNull()
            ?: return refused(ProblemKind.INVALID_INPUT, "group: ${groupId.trim()}")
        return syncWith(session, serverFile, url, id, null, progress).then { mine ->
            val code = mine.refusedCode
            if (code != null) Outcome.Refused(Problem.ofRefusal(code, mine.refusedReason.orEmpty())) else Outcome.Ok(mine.eventsPulled)
        }
    }

    /**
     * Takes in a hand-over or bundle file: each chunk is checked against the
     * chain this phone holds and applied whole, or refused. Returns the events
     * applied. A file sealed to another phone is refused, and nothing changes.
     */
    fun receiveFile(bytes: ByteArray): Outcome<Long> = attempt {
        book.deviceIdentity(session.keeper.device)
        book.readBundleFile(bytes).sumOf { book.ingest(it).applied.toLong() }
    }
}

/**
 * One group's sync with the server at [url], the pinned key checked and the
 * server's key pinned after; the group's own result, refused or not.
 */
private fun syncWith(
    session: BookSession,
    serverFile: ServerFile?,
    url: String,
    org: java.util.UUID,
    actor: String?,
    progress: ProgressListener?,
): Outcome<org.daftar.OrgSyncResult> {
    val address = url.trim().trimEnd('/')
    val uri = runCatching { URI(address) }.getOrNull()
    if (uri == null || uri.scheme !in setOf("https", "http") || uri.host.isNullOrEmpty()) {
        return refused(ProblemKind.INVALID_INPUT, "server: $address")
    }
    // The key pinned by the first sync holds whatever address is typed: the
    // same server may move, but no other server is given the group's book.
    val pinned = serverFile?.read()?.key
    return attempt {
        session.book.deviceIdentity(session.keeper.device)
        session.book.syncWithServer(HttpUrlTransport(address), ServerSyncOptions(listOf(org), actor, pinned), progress)
    }.then { report ->
        serverFile?.write(ServerSettings(address, report.serverKey))
        report.orgs.firstOrNull { it.org == org }?.let { Outcome.Ok(it) }
            ?: refused(ProblemKind.INTERNAL, "the sync did not report this group")
    }
}
