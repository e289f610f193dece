package org.daftar.demo.logic

import java.io.File
import java.text.Normalizer
import java.time.Duration
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneOffset
import org.daftar.ActorRole
import org.daftar.commandMeta

/**
 * Who is using the book on this phone, checked by her PIN (docs/security.md,
 * "A person with the unlocked phone"). The book is locked when the app starts
 * and again after [idle] without a touch; the person who unlocks it is the
 * actor of every entry until then.
 *
 * Wrong PINs are counted in a file beside the book (`BOOK-lock`), so killing
 * the app does not reset them: after [FREE_TRIES] wrong PINs in a row, each
 * further try waits 30 s, doubling, up to an hour. The same count guards an
 * approver's PIN typed to approve a correction ([confirm]). A copy of the book
 * still allows guessing offline; Argon2's cost is what slows that.
 */
class PhoneLock(
    val device: String,
    private val file: File?,
    private val clock: () -> Instant = Instant::now,
    val idle: Duration = Duration.ofMinutes(5),
) {
    /** The person using the book now; null while locked. */
    var keeper: Keeper? = null
        private set
    private var lastTouch: Instant = Instant.EPOCH
    private var failures = 0
    private var waitUntil: Instant = Instant.EPOCH

    init {
        load()
    }

    /** Locked: nobody has unlocked since the app started, or the phone sat idle too long. */
    @Synchronized
    fun isLocked(): Boolean {
        if (keeper != null && Duration.between(lastTouch, clock()) > idle) keeper = null
        return keeper == null
    }

    /** The person touched the screen: the idle time starts again. */
    @Synchronized
    fun touch() {
        if (!isLocked()) lastTouch = clock()
    }

    @Synchronized
    fun lock() {
        keeper = null
    }

    /** Whom the lock screen offers: everyone with a PIN in any group of the book, by name. */
    fun people(session: BookSession): Outcome<List<String>> = session.groups().then { groups ->
        attempt { groups.flatMap { g -> session.book.people(g.id).filter { it.hasPin }.map { it.name } }.distinct().sorted() }
    }

    /** No group names anyone with a PIN yet: the first person sets hers up alone. */
    fun isFirstUse(session: BookSession): Outcome<Boolean> = people(session).map { it.isEmpty() }

    /** Unlocks for [person] if [pin] is hers in any group of the book. */
    @Synchronized
    fun unlock(session: BookSession, person: String, pin: String): Outcome<Keeper> =
        confirm(session, person, pin).map { Keeper(nameOf(person), device).also(::unlocked) }

    /**
     * Checks that [pin] is [person]'s in some group of the book, counting a wrong
     * one. Refused with [ProblemKind.WAIT] (seconds left) while wrong tries wait.
     */
    @Synchronized
    fun confirm(session: BookSession, person: String, pin: String): Outcome<Unit> {
        val now = clock()
        if (now < waitUntil) return refused(ProblemKind.WAIT, secondsUntil(now).toString())
        val name = nameOf(person)
        if (name.isEmpty()) return refused(ProblemKind.EMPTY, "person")
        if (pin.isBlank()) return refused(ProblemKind.EMPTY, "pin")
        val held = when (val hers = session.groups().then { groups -> attempt { groups.filter { hasPin(session, it, name) } } }) {
            is Outcome.Ok -> hers.value
            is Outcome.Refused -> return hers
        }
        val right = attempt { held.any { session.book.pinMatches(it.id, name, pin) } }
        return when {
            right is Outcome.Refused -> right
            held.isNotEmpty() && right.valueOrNull() == true -> {
                failures = 0
                waitUntil = Instant.EPOCH
                save()
                Outcome.Ok(Unit)
            }
            else -> {
                failures += 1
                if (failures > FREE_TRIES) {
                    val doublings = (failures - FREE_TRIES - 1).coerceAtMost(7)
                    waitUntil = now.plus(FIRST_WAIT.multipliedBy(1L shl doublings).coerceAtMost(LONGEST_WAIT))
                }
                save()
                refused(ProblemKind.WRONG_PIN, (FREE_TRIES - failures).coerceAtLeast(0).toString())
            }
        }
    }

    /**
     * The first person on a book with no PIN in it: she chooses hers, typed
     * twice, and it is set in every group. Once any group names someone with a
     * PIN, a new person needs an approver ([addPerson]).
     */
    @Synchronized
    fun setUpFirst(session: BookSession, person: String, pin: String, again: String): Outcome<Keeper> {
        val name = nameOf(person)
        if (name.isEmpty()) return refused(ProblemKind.EMPTY, "person")
        if (pin != again) return refused(ProblemKind.PINS_DIFFER)
        val first = when (val f = isFirstUse(session)) {
            is Outcome.Ok -> f.value
            is Outcome.Refused -> return f
        }
        if (!first) return refused(ProblemKind.PERMISSION_DENIED, "an approver adds a new person")
        return session.groups().then { groups ->
            attempt {
                groups.forEach { g -> session.book.setPin(commandMeta(name, device), g.id, today(session, g), name, pin) }
                Keeper(name, device).also(::unlocked)
            }
        }
    }

    /**
     * A new person on a book that already has people: an approver, with her
     * PIN, sets the new person's PIN in every group where she is the approver.
     */
    @Synchronized
    fun addPerson(
        session: BookSession,
        person: String,
        pin: String,
        again: String,
        approver: String,
        approverPin: String,
    ): Outcome<Keeper> {
        val name = nameOf(person)
        if (name.isEmpty()) return refused(ProblemKind.EMPTY, "person")
        if (pin != again) return refused(ProblemKind.PINS_DIFFER)
        return confirm(session, approver, approverPin).then { session.groups() }.then { groups ->
            attempt {
                val theirs = groups.filter { g ->
                    session.book.people(g.id).any { it.name == nameOf(approver) && it.role == ActorRole.APPROVER }
                }
                if (theirs.isEmpty()) return@attempt null
                theirs.forEach { g ->
                    session.book.setPin(commandMeta(nameOf(approver), device, approverPin), g.id, today(session, g), name, pin)
                }
                Keeper(name, device).also(::unlocked)
            }.then { it?.let { k -> Outcome.Ok(k) } ?: refused(ProblemKind.PERMISSION_DENIED, approver) }
        }
    }

    private fun hasPin(session: BookSession, g: Group, name: String): Boolean =
        session.book.people(g.id).any { it.name == name && it.hasPin }

    private fun unlocked(k: Keeper) {
        keeper = k
        lastTouch = clock()
    }

    /** Today, or the group's last entry's date if the book is ahead of this phone's clock. */
    private fun today(session: BookSession, g: Group): LocalDate {
        val now = LocalDate.ofInstant(clock(), ZoneOffset.UTC)
        val last = runCatching { session.book.lastBusinessDate(g.id) }.getOrNull()
        return listOfNotNull(now, last, g.org.openedOn).max()
    }

    private fun secondsUntil(now: Instant): Long = (Duration.between(now, waitUntil).toMillis() + 999) / 1000

    /** A file that does not read whole is taken as no wrong tries: it only ever holds a count. */
    private fun load() {
        val f = file ?: return
        if (!f.exists()) return
        val parts = f.readText().trim().split(' ')
        failures = parts.getOrNull(0)?.toIntOrNull()?.coerceAtLeast(0) ?: 0
        waitUntil = parts.getOrNull(1)?.toLongOrNull()?.let(Instant::ofEpochSecond) ?: Instant.EPOCH
        // A clock set back must not make the wait longer than the longest.
        val longest = clock().plus(LONGEST_WAIT)
        if (waitUntil > longest) waitUntil = longest
    }

    private fun save() {
        val f = file ?: return
        val part = File(f.path + ".part")
        part.writeText("$failures ${waitUntil.epochSecond}\n")
        if (!part.renameTo(f)) throw java.io.IOException("cannot write ${f.name}")
    }

    companion object {
        /** A typed name as the book stores names: trimmed, in Unicode's composed form. */
        fun nameOf(typed: String): String = Normalizer.normalize(typed.trim(), Normalizer.Form.NFC)

        const val FREE_TRIES = 5
        val FIRST_WAIT: Duration = Duration.ofSeconds(30)
        val LONGEST_WAIT: Duration = Duration.ofHours(1)

        /** Where a book's count of wrong PINs is kept. */
        fun lockFile(book: File) = File(book.path + "-lock")
    }
}
