package org.daftar.demo.logic

import java.io.File
import java.math.BigDecimal
import java.time.LocalDate
import java.util.UUID
import org.daftar.CommandMeta
import org.daftar.DaftarBook
import org.daftar.DaftarBookInterface
import org.daftar.Member
import org.daftar.Organisation
import org.daftar.ProgressListener
import org.daftar.buildDemo
import org.daftar.commandMeta

/** Who records, on which phone: every command carries both. */
data class Keeper(val actor: String, val device: String) {
    fun meta(): CommandMeta = commandMeta(actor, device)
}

/**
 * Keeps one op_id per pending action, so that pressing Save again after a
 * failure (a full disk, a killed call) sends the same command and the book
 * records it at most once. Different content gets a fresh op_id.
 *
 * With a [file], the pending op_ids outlive the process: an app killed after
 * the book committed but before it heard the answer sends the same op_id when
 * the book keeper saves again, and the core answers as it did the first time.
 * The file holds a line per slot: the slot, the op_id, a SHA-256 of the
 * person and the content (never the content: it names members and amounts),
 * and who sent it from which device.
 */
class PendingCommands(private val keeper: () -> Keeper, private val file: File? = null) {
    private val pending = LinkedHashMap<String, Pair<String, CommandMeta>>()

    /** op_ids made so far, each one call into the core (`newOpId`): the benchmark counts them. */
    @Volatile var opIdsMade = 0
        private set

    init {
        load()
    }

    /** The same content from the same person reuses the slot's op_id; anything else gets a fresh one. */
    @Synchronized
    fun metaFor(slot: String, content: Any): CommandMeta {
        val who = keeper()
        val key = digest(listOf(who.actor, content))
        val held = pending[slot]
        if (held != null && held.first == key) return held.second
        opIdsMade++
        return who.meta().also {
            pending[slot] = key to it
            save()
        }
    }

    @Synchronized
    fun done(slot: String) {
        if (pending.remove(slot) != null) save()
    }

    private fun digest(content: Any): String =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest(content.toString().toByteArray(Charsets.UTF_8))
            .joinToString("") { "%02x".format(it) }

    /** A line that does not read whole (a torn write) is left out: at worst that slot gets a new op_id. */
    private fun load() {
        val f = file ?: return
        if (!f.exists()) return
        f.readLines().forEach { line ->
            val parts = line.split('\t')
            val opId = parts.getOrNull(1)?.let { runCatching { UUID.fromString(it) }.getOrNull() }
            if (parts.size == 5 && opId != null && parts[2].length == 64 && parts[3].isNotEmpty()) {
                pending[parts[0]] = parts[2] to CommandMeta(opId, parts[3], parts[4], null)
            }
        }
    }

    /** Written beside and renamed, so the file is always a whole one. */
    private fun save() {
        val f = file ?: return
        val part = File(f.path + ".part")
        part.writeText(
            pending.entries.joinToString("") { (slot, held) ->
                "$slot\t${held.second.opId}\t${held.first}\t${held.second.actor}\t${held.second.device}\n"
            },
        )
        if (!part.renameTo(f)) throw java.io.IOException("cannot write ${f.name}")
    }

    /** Sends a command; its op_id is kept until it succeeds. */
    fun <T> send(slot: String, content: Any, call: (CommandMeta) -> T): Outcome<T> {
        val meta = metaFor(slot, content)
        val outcome = attempt { call(meta) }
        if (outcome is Outcome.Ok) done(slot)
        return outcome
    }
}

/**
 * Forwards the core's progress as a whole percentage, at most once per change,
 * and cancels when [cancel] is called (the screen went away).
 */
class ProgressRelay(private val onPercent: (Int) -> Unit) : ProgressListener {
    @Volatile private var cancelled = false
    private var last = -1

    fun cancel() {
        cancelled = true
    }

    override fun onProgress(done: Long, total: Long): Boolean {
        val percent = if (total == 0L) 0 else (done.coerceAtMost(total) * 100L / total).toInt()
        if (percent != last) {
            last = percent
            onPercent(percent)
        }
        return !cancelled
    }
}

/** An organisation as a screen shows it, with what is needed to read and write its amounts and dates. */
data class Group(val org: Organisation) {
    val id: UUID get() = org.id
    val name: String get() = org.name
    val scale: Int get() = org.currency.scale.toInt()

    fun show(amount: BigDecimal): String = NumberOutput.amount(amount, scale, org.locale)
    /** A field's starting text: what [show] writes reads back as exactly [amount]. */
    fun field(amount: BigDecimal): String = show(amount)
    fun parse(text: String, allowZero: Boolean = false): Outcome<BigDecimal> = NumberInput.amount(text, scale, allowZero)
    fun count(n: Long): String = NumberOutput.count(n, org.locale)
    fun percent(fraction: BigDecimal): String = NumberOutput.percent(fraction, org.locale)
    fun date(d: LocalDate): String = NumberOutput.date(d, org.locale)
    fun parseDate(text: String): Outcome<LocalDate> = NumberInput.date(text, org.calendar)
}

/** What the first screen does with the book file it finds. */
enum class StartChoice { BUILD_DEMO, OPEN }

/**
 * The open book on this phone, and the person using it: [keeper] is whoever
 * unlocked it last ([PhoneLock]), the actor of every entry from then on.
 */
class BookSession private constructor(
    val book: DaftarBookInterface,
    @Volatile var keeper: Keeper,
    pendingFile: File?,
    /** The book this session opened, closed with it; none for a book the caller opened. */
    private val owned: AutoCloseable? = null,
) : AutoCloseable {
    /** Pending op_ids, kept beside the book (`BOOK-pending`) so they survive the app's death. */
    val pending = PendingCommands({ keeper }, pendingFile)

    fun groups(): Outcome<List<Group>> = attempt { book.organisations().map(::Group) }

    fun group(id: UUID): Outcome<Group> = groups().then { all ->
        all.firstOrNull { it.id == id }?.let { Outcome.Ok(it) } ?: refused(ProblemKind.NOT_FOUND, id.toString())
    }

    /** Members in number order, those who left included (their passbooks still matter). */
    fun members(group: Group): Outcome<List<Member>> = attempt { book.members(group.id).sortedBy { it.memberNo } }

    fun activeMembers(group: Group): Outcome<List<Member>> = members(group).map { all -> all.filter { it.exitedOn == null } }

    override fun close() {
        owned?.close()
    }

    companion object {
        /** A missing book is offered as the demo, so a first launch has something to show. */
        fun startChoice(file: File): StartChoice = if (file.exists()) StartChoice.OPEN else StartChoice.BUILD_DEMO

        /**
         * Opens [file]; with [key], as an encrypted book (the key's bytes are
         * wiped). Every call goes through [seenThrough] (the screen tests
         * record which thread makes each).
         */
        fun open(
            file: File,
            keeper: Keeper,
            key: ByteArray? = null,
            seenThrough: (DaftarBookInterface) -> DaftarBookInterface = { it },
        ): Outcome<BookSession> = attempt {
            val book = if (key == null) DaftarBook.open(file.path) else DaftarBook.openEncrypted(file.path, key)
            BookSession(seenThrough(book), keeper, pendingFile(file), owned = book)
        }.also { key?.fill(0) }

        /**
         * A session over a book the caller opened and wraps (the benchmark
         * counts the calls each screen makes); the caller closes the book.
         */
        fun over(book: DaftarBookInterface, keeper: Keeper, pendingFile: File? = null) = BookSession(book, keeper, pendingFile)

        /** Where a book's pending op_ids are kept. */
        fun pendingFile(book: File) = File(book.path + "-pending")

        /** Where the server's address and pinned key are kept, beside the book. */
        fun serverFile(book: File) = ServerFile(File(book.path + "-server"))

        /**
         * Builds the demo book into [file]. It is built beside it and renamed at the
         * end, so a build killed half-way never leaves a half book under the real name.
         * With [key], the book is encrypted: built plain beside it (the demo's data
         * is public), then copied encrypted, and the plain one removed.
         */
        fun buildDemoBook(file: File, seed: Long, progress: ProgressListener?, key: ByteArray? = null): Outcome<Int> {
            if (file.exists()) return refused(ProblemKind.CONFLICT, file.name)
            val plain = File(file.path + ".plain")
            val part = File(file.path + ".part")
            (companions(plain) + companions(part)).forEach { it.delete() }
            val made = attempt {
                val demo = buildDemo((if (key == null) part else plain).path, seed, progress)
                if (key != null) DaftarBook.open(plain.path).use { it.encryptCopy(part.path, key) }
                demo
            }
            key?.fill(0)
            companions(plain).forEach { it.delete() }
            if (made is Outcome.Refused) {
                companions(part).forEach { it.delete() }
                return made
            }
            // SQLite may leave its -wal/-shm beside a closed book; they move with it.
            for (suffix in listOf("-wal", "-shm")) {
                val side = File(part.path + suffix)
                if (side.exists() && !side.renameTo(File(file.path + suffix))) {
                    return refused(ProblemKind.STORAGE, side.name)
                }
            }
            if (!part.renameTo(file)) return refused(ProblemKind.STORAGE, file.name)
            return made.map { it.organisations.size }
        }

        private fun companions(f: File) = listOf(f, File(f.path + "-wal"), File(f.path + "-shm"), File(f.path + "-journal"))
    }
}
