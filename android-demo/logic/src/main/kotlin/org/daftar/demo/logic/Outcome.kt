package org.daftar.demo.logic

import org.daftar.DaftarException

/**
 * Why a screen refused or failed an action. The app shows [kind] as a localised
 * sentence; [detail] is the core's own words (a field name, an account), shown beside it.
 */
enum class ProblemKind {
    // Input refused before it reaches the book.
    EMPTY,
    TOO_MANY_DECIMALS,
    NOT_POSITIVE,
    NOT_A_WHOLE_NUMBER,
    NOT_A_DATE,
    REASON_NEEDED,
    // A reversal or a rejection with no reason given.
    NO_REASON,
    NO_OPEN_MEETING,
    // The lock: a wrong PIN (tries left before waiting), a wait after too many
    // (seconds), a new PIN typed differently twice.
    WRONG_PIN,
    WAIT,
    PINS_DIFFER,
    // The core's stable error codes.
    INVALID_INPUT,
    NOT_FOUND,
    CONFLICT,
    INSUFFICIENT_FUNDS,
    PERMISSION_DENIED,
    TAMPER_DETECTED,
    SCHEMA_TOO_NEW,
    NOT_A_BOOK,
    CORRUPT,
    WRONG_KEY,
    // The Android Keystore no longer holds the key of this phone's encrypted book.
    KEY_LOST,
    STORAGE,
    CANCELLED,
    // Sync's refusals: another phone holds the group's book, or what arrived
    // does not fit the book (a fork, a gap, a forged or damaged bundle).
    NOT_WRITER,
    SYNC_REFUSED,
    // Sync with the server: no answer (no network), this phone not yet allowed
    // by the programme's office, a server other than the one pinned, a file
    // sealed to another phone.
    NO_NETWORK,
    NOT_GRANTED,
    WRONG_SERVER,
    WRONG_DEVICE,
    INTERNAL,
}

data class Problem(val kind: ProblemKind, val detail: String = "") {
    companion object {
        /** The one place the core's exceptions become screen problems. */
        fun of(e: DaftarException): Problem = when (e) {
            is DaftarException.InvalidInput -> Problem(ProblemKind.INVALID_INPUT, "${e.field}: ${e.reason}")
            is DaftarException.NotFound -> Problem(ProblemKind.NOT_FOUND, e.what)
            is DaftarException.Conflict -> Problem(ProblemKind.CONFLICT, e.reason)
            is DaftarException.InsufficientFunds ->
                Problem(ProblemKind.INSUFFICIENT_FUNDS, "${e.account}: ${e.balanceShown} < ${e.neededShown}")
            is DaftarException.PermissionDenied -> Problem(ProblemKind.PERMISSION_DENIED, e.reason)
            is DaftarException.TamperDetected -> Problem(ProblemKind.TAMPER_DETECTED, "seq ${e.seq}: ${e.reason}")
            is DaftarException.SchemaTooNew -> Problem(ProblemKind.SCHEMA_TOO_NEW, "${e.found} > ${e.supported}")
            is DaftarException.NotABook -> Problem(ProblemKind.NOT_A_BOOK, e.reason)
            is DaftarException.Corrupt -> Problem(ProblemKind.CORRUPT, e.reason)
            is DaftarException.Storage -> Problem(ProblemKind.STORAGE, e.reason)
            is DaftarException.Cancelled -> Problem(ProblemKind.CANCELLED, e.reason)
            is DaftarException.Refused -> ofRefusal(e.code, e.reason)
            is DaftarException.Internal -> Problem(ProblemKind.INTERNAL, e.reason)
            is DaftarException.WrongKey -> Problem(ProblemKind.WRONG_KEY, e.reason)
        }

        /** Sync's refusals by their stable code. */
        fun ofRefusal(code: String, reason: String): Problem = Problem(
            when (code) {
                "not_writer" -> ProblemKind.NOT_WRITER
                "unreachable" -> ProblemKind.NO_NETWORK
                "forbidden" -> ProblemKind.NOT_GRANTED
                "wrong_server" -> ProblemKind.WRONG_SERVER
                "wrong_device" -> ProblemKind.WRONG_DEVICE
                else -> ProblemKind.SYNC_REFUSED
            },
            reason,
        )
    }
}

/** What a screen action gives back: a value, or the problem to show. Never throws for user input. */
sealed interface Outcome<out T> {
    data class Ok<T>(val value: T) : Outcome<T>
    data class Refused(val problem: Problem) : Outcome<Nothing>

    fun <R> map(f: (T) -> R): Outcome<R> = when (this) {
        is Ok -> Ok(f(value))
        is Refused -> this
    }

    fun <R> then(f: (T) -> Outcome<R>): Outcome<R> = when (this) {
        is Ok -> f(value)
        is Refused -> this
    }

    fun valueOrNull(): T? = (this as? Ok)?.value
    fun problemOrNull(): Problem? = (this as? Refused)?.problem
}

fun refused(kind: ProblemKind, detail: String = ""): Outcome.Refused = Outcome.Refused(Problem(kind, detail))

/** Runs a call into the book; the core's refusals become [Outcome.Refused]. */
inline fun <T> attempt(call: () -> T): Outcome<T> =
    try {
        Outcome.Ok(call())
    } catch (e: DaftarException) {
        Outcome.Refused(Problem.of(e))
    }
