package org.daftar.demo.logic

import java.math.BigDecimal
import java.time.LocalDate
import org.daftar.ChargeEntry
import org.daftar.Frequency
import org.daftar.LoanRequest
import org.daftar.Meeting
import org.daftar.MeetingStatus
import org.daftar.MemberCharge
import org.daftar.Presence
import org.daftar.Method
import org.daftar.RatePeriod
import org.daftar.Repayment
import org.daftar.SavingsEntry
import org.daftar.SavingsFund
import org.daftar.Via

/** A line of the open meeting's roll: the member, her mark, and all she owes at this meeting. */
data class RollLine(val memberNo: Int, val name: String, val presence: Presence, val due: BigDecimal)

/** One active loan on a member's sheet: what is due now, and what the field starts with. */
data class LoanLine(
    val loanNo: Int,
    val outstanding: BigDecimal,
    val dueNow: BigDecimal,
    val payableNow: BigDecimal,
    val daysPastDue: Long,
    val prefill: String,
)

/** Everything the member's screen shows at a meeting, from one call to the core. */
data class MemberSheet(
    val memberNo: Int,
    val name: String,
    val presence: Presence,
    val savingsDue: BigDecimal,
    val savingsPrefill: String,
    val finesDue: BigDecimal,
    val finesPrefill: String,
    val loans: List<LoanLine>,
    /** Loans applied for and never paid out (an older book's): shown so they can be finished. */
    val unfinished: List<Int>,
)

/** A new loan as typed: principal, rate per month or year, number of instalments. */
data class LoanForm(
    val principal: String,
    val ratePercent: String,
    val ratePeriod: RatePeriod,
    val instalments: String,
    val method: Method,
)

/** A loan sanctioned and paid out at this meeting. */
data class GivenLoan(val loanNo: Int, val principal: BigDecimal)

/** The book's cash against the counted cash, before and after closing. */
data class CashCount(val inBook: BigDecimal, val counted: BigDecimal) {
    /** Positive when there is more cash than the book says (an excess), negative for a shortage. */
    val discrepancy: BigDecimal get() = counted - inBook
    val balanced: Boolean get() = discrepancy.signum() == 0
}

/** The state of a group's meeting screen, from one call to the core. */
sealed interface MeetingState {
    /** No meeting is open; [suggestedDate] is where a new one starts. */
    data class NoneOpen(val last: Meeting?, val suggestedDate: LocalDate) : MeetingState
    data class Open(val meeting: Meeting, val cashInBook: BigDecimal, val roll: List<RollLine>) : MeetingState
}

/**
 * A group's meeting day: open, the roll, each member's entries, close with the
 * counted cash. Every action is one command, committed by the core before it returns.
 */
class MeetingDay(private val session: BookSession, val group: Group) {
    private val book get() = session.book
    private val pending get() = session.pending
    private val org get() = group.id

    /** The open meeting this screen last read: what its saves are numbered and dated by. */
    private data class OpenAt(val no: Int, val heldOn: LocalDate)

    @Volatile private var openAt: OpenAt? = null

    /** The meeting screen: one call. */
    fun state(today: LocalDate): Outcome<MeetingState> = attempt { book.meetingSheet(org, today) }.map { sheet ->
        val latest = sheet.latest
        if (latest != null && latest.status == MeetingStatus.OPEN) {
            openAt = OpenAt(latest.meetingNo, latest.heldOn)
            val roll = sheet.members.map { RollLine(it.memberNo, it.name, it.presence, totalDue(it)) }
            MeetingState.Open(latest, sheet.cashInHand, roll)
        } else {
            openAt = null
            MeetingState.NoneOpen(latest, sheet.nextDate)
        }
    }

    private fun totalDue(s: org.daftar.MemberSheet): BigDecimal =
        s.loans.fold(s.savingsDue + s.finesDue) { sum, l -> sum + l.dueNow }

    /** Opens a meeting on the typed date. */
    fun open(dateText: String): Outcome<Meeting> = group.parseDate(dateText).then { date ->
        pending.send("open-meeting", date) { book.openMeeting(it, org, date) }
    }.then {
        state(LocalDate.now()).then { s ->
            if (s is MeetingState.Open) Outcome.Ok(s.meeting) else refused(ProblemKind.NO_OPEN_MEETING)
        }
    }

    /** The open meeting: the one last read, or read now. */
    private fun openMeeting(): Outcome<OpenAt> {
        openAt?.let { return Outcome.Ok(it) }
        return state(LocalDate.now()).then { s ->
            openAt?.let { Outcome.Ok(it) } ?: refused(ProblemKind.NO_OPEN_MEETING)
        }
    }

    /** Active members with their attendance at the open meeting. */
    fun roll(): Outcome<List<RollLine>> = state(LocalDate.now()).then { s ->
        if (s is MeetingState.Open) Outcome.Ok(s.roll) else refused(ProblemKind.NO_OPEN_MEETING)
    }

    fun markAttendance(memberNo: Int, present: Boolean): Outcome<Unit> = openMeeting().then { m ->
        pending.send("attendance-$memberNo", present) { book.markAttendance(it, org, m.no, memberNo, present) }
            .map { }
    }

    /** The member's sheet, one call: dues come from the core, and the fields start filled with them. */
    fun sheet(memberNo: Int): Outcome<MemberSheet> {
        val read = attempt { book.memberSheet(org, memberNo) }
        // The core's conflict here is that no meeting is open.
        if (read.problemOrNull()?.kind == ProblemKind.CONFLICT) {
            openAt = null
            return refused(ProblemKind.NO_OPEN_MEETING)
        }
        return read.map { s ->
            openAt = OpenAt(s.meetingNo, s.heldOn)
            MemberSheet(
                memberNo = s.memberNo,
                name = s.name,
                presence = s.presence,
                savingsDue = s.savingsDue,
                savingsPrefill = prefill(s.savingsDue),
                finesDue = s.finesDue,
                finesPrefill = prefill(s.finesDue),
                loans = s.loans.map { LoanLine(it.loanNo, it.outstandingPrincipal, it.dueNow, it.payableNow, it.daysPastDue, prefill(it.dueNow)) },
                unfinished = s.unfinishedLoans,
            )
        }
    }
    private fun prefill(amount: BigDecimal) = if (amount.signum() > 0) group.field(amount) else ""

    fun depositSavings(memberNo: Int, amountText: String, fund: SavingsFund): Outcome<BigDecimal> =
        openMeeting().then { m ->
            group.parse(amountText).then { amount ->
                val entry = SavingsEntry(m.heldOn, memberNo, Via.CASH, amount, fund)
                pending.send("savings-$memberNo-$fund", entry) { book.depositSavings(it, org, entry) }.map { amount }
            }
        }

    fun repay(loanNo: Int, amountText: String): Outcome<BigDecimal> = openMeeting().then { m ->
        group.parse(amountText).then { amount ->
            val repayment = Repayment(m.heldOn, Via.CASH, amount)
            pending.send("repay-$loanNo", repayment) { book.repayLoan(it, org, loanNo, repayment) }.map { amount }
        }
    }

    fun collectFine(memberNo: Int, amountText: String): Outcome<BigDecimal> = openMeeting().then { m ->
        group.parse(amountText).then { amount ->
            val charge = ChargeEntry(m.heldOn, memberNo, MemberCharge.ABSENCE_FINE, Via.CASH, amount)
            pending.send("fine-$memberNo", charge) { book.collectCharge(it, org, charge) }.map { amount }
        }
    }

    /** Checks a new loan's form without touching the book. */
    fun checkLoan(form: LoanForm, frequency: Frequency): Outcome<LoanRequest> =
        group.parse(form.principal).then { principal ->
            NumberInput.rate(form.ratePercent).then { rate ->
                NumberInput.count(form.instalments).map { n ->
                    LoanRequest(principal, rate, form.ratePeriod, n, frequency, form.method)
                }
            }
        }

    /**
     * A new loan, sanctioned at this meeting and paid out in cash: applied for,
     * approved and paid out in one command, all or nothing. A retry after a
     * failure sends the same op_id, so it can never leave a second, half-made loan.
     */
    fun newLoan(memberNo: Int, form: LoanForm): Outcome<GivenLoan> = openMeeting().then { m ->
        attempt { book.policy(org).meetingFrequency }.then { frequency ->
            checkLoan(form, frequency).then { request ->
                pending.send("loan-$memberNo", request) {
                    book.sanctionLoan(it, org, memberNo, m.heldOn, request, Via.CASH)
                }.then { given ->
                    val loanNo = given.number
                        ?: return@then refused(ProblemKind.INTERNAL, "the core gave no loan number")
                    Outcome.Ok(GivenLoan(loanNo, request.principal))
                }
            }
        }
    }

    /** Loans this member applied for that were never paid out, from her sheet. */
    fun unfinishedLoans(memberNo: Int): Outcome<List<Int>> = sheet(memberNo).map { it.unfinished }

    fun cashInBook(): Outcome<BigDecimal> = attempt { book.cashInHand(org) }

    /** What closing with this count would show, before anything is written. */
    fun count(countedText: String): Outcome<CashCount> =
        group.parse(countedText, allowZero = true).then { counted -> cashInBook().map { CashCount(it, counted) } }

    /** Closes the open meeting. A discrepancy needs a reason, which the book keeps with it. */
    fun close(countedText: String, reason: String): Outcome<CashCount> = openMeeting().then { m ->
        count(countedText).then { count ->
            val why = reason.trim().ifEmpty { null }
            if (!count.balanced && why == null) {
                refused(ProblemKind.REASON_NEEDED, group.show(count.discrepancy))
            } else {
                pending.send("close-${m.no}", count.counted to why) {
                    book.closeMeeting(it, org, m.no, count.counted, if (count.balanced) null else why)
                }.map { openAt = null; count }
            }
        }
    }
}
