package org.daftar.demo.logic

import java.math.BigDecimal
import java.time.LocalDate
import org.daftar.ChargeEntry
import org.daftar.Frequency
import org.daftar.LoanRequest
import org.daftar.LoanStatus
import org.daftar.Meeting
import org.daftar.MeetingStatus
import org.daftar.Member
import org.daftar.MemberCharge
import org.daftar.Method
import org.daftar.RatePeriod
import org.daftar.Repayment
import org.daftar.SavingsEntry
import org.daftar.SavingsFund
import org.daftar.Via

/** Attendance as the roll shows it: not yet marked is its own state. */
enum class Presence { PRESENT, ABSENT, UNMARKED }

data class RollLine(val member: Member, val presence: Presence)

/** One active loan on a member's sheet: what is due now, and what the field starts with. */
data class LoanLine(
    val loanNo: UInt,
    val outstanding: BigDecimal,
    val dueNow: BigDecimal,
    val payableNow: BigDecimal,
    val daysPastDue: Long,
    val prefill: String,
)

/** Everything the member's screen shows at a meeting. */
data class MemberSheet(
    val member: Member,
    val presence: Presence,
    val savingsDue: BigDecimal,
    val savingsPrefill: String,
    val finesDue: BigDecimal,
    val finesPrefill: String,
    val loans: List<LoanLine>,
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
data class GivenLoan(val loanNo: UInt, val principal: BigDecimal)

/** The book's cash against the counted cash, before and after closing. */
data class CashCount(val inBook: BigDecimal, val counted: BigDecimal) {
    /** Positive when there is more cash than the book says (an excess), negative for a shortage. */
    val discrepancy: BigDecimal get() = counted - inBook
    val balanced: Boolean get() = discrepancy.signum() == 0
}

/** The state of a group's meeting screen. */
sealed interface MeetingState {
    /** No meeting is open; [suggestedDate] is where a new one starts. */
    data class NoneOpen(val last: Meeting?, val suggestedDate: LocalDate) : MeetingState
    data class Open(val meeting: Meeting) : MeetingState
}

/**
 * A group's meeting day: open, the roll, each member's entries, close with the
 * counted cash. Every action is one command, committed by the core before it returns.
 */
class MeetingDay(private val session: BookSession, val group: Group) {
    private val book get() = session.book
    private val pending get() = session.pending
    private val org get() = group.id

    fun state(today: LocalDate): Outcome<MeetingState> = attempt { book.meetings(org) }.map { meetings ->
        val open = meetings.lastOrNull { it.status == MeetingStatus.OPEN }
        if (open != null) {
            MeetingState.Open(open)
        } else {
            val last = meetings.maxByOrNull { it.meetingNo }
            // The phone's clock may be behind the book; a meeting never precedes the last one.
            val after = last?.heldOn?.takeIf { !it.isBefore(today) }?.plusDays(1)
            MeetingState.NoneOpen(last, after ?: today)
        }
    }

    /** Opens a meeting on the typed date. */
    fun open(dateText: String): Outcome<Meeting> = group.parseDate(dateText).then { date ->
        pending.send("open-meeting", date) { book.openMeeting(it, org, date) }
    }.then { result -> meeting(result.number) }

    private fun meeting(no: UInt?): Outcome<Meeting> = attempt { book.meetings(org) }.then { all ->
        all.firstOrNull { it.meetingNo == no }?.let { Outcome.Ok(it) } ?: refused(ProblemKind.NO_OPEN_MEETING)
    }

    private fun openMeeting(): Outcome<Meeting> = attempt { book.meetings(org) }.then { all ->
        all.lastOrNull { it.status == MeetingStatus.OPEN }?.let { Outcome.Ok(it) } ?: refused(ProblemKind.NO_OPEN_MEETING)
    }

    /** Active members with their attendance at the open meeting. */
    fun roll(): Outcome<List<RollLine>> = openMeeting().then { m ->
        attempt { book.members(org) }.map { members ->
            members.filter { it.exitedOn == null }.map { RollLine(it, presence(m, it.memberNo)) }
        }
    }

    private fun presence(m: Meeting, memberNo: UInt) = when (memberNo) {
        in m.present -> Presence.PRESENT
        in m.absent -> Presence.ABSENT
        else -> Presence.UNMARKED
    }

    fun markAttendance(memberNo: UInt, present: Boolean): Outcome<Unit> = openMeeting().then { m ->
        pending.send("attendance-$memberNo", present) { book.markAttendance(it, org, m.meetingNo, memberNo, present) }
            .map { }
    }

    /** The member's sheet: dues come from the core, and the fields start filled with them. */
    fun sheet(memberNo: UInt): Outcome<MemberSheet> = openMeeting().then { m ->
        attempt { book.members(org).firstOrNull { it.memberNo == memberNo } }.then { member ->
            if (member == null) refused(ProblemKind.NOT_FOUND, memberNo.toString()) else sheetOf(m, member)
        }
    }

    private fun sheetOf(m: Meeting, member: Member): Outcome<MemberSheet> {
        val memberNo = member.memberNo
        return attempt {
            val dues = book.memberDues(org, memberNo, m.heldOn)
            val loans = dues.loansDue.map { due ->
                val standing = book.loanStanding(org, due.loanNo, m.heldOn)
                LoanLine(
                    loanNo = due.loanNo,
                    outstanding = standing.outstandingPrincipal,
                    dueNow = due.dueNow,
                    payableNow = standing.payableNow,
                    daysPastDue = standing.daysPastDue,
                    prefill = prefill(due.dueNow),
                )
            }
            MemberSheet(
                member = member,
                presence = presence(m, memberNo),
                savingsDue = dues.savingsArrears,
                savingsPrefill = prefill(dues.savingsArrears),
                finesDue = dues.absenceFinesDue,
                finesPrefill = prefill(dues.absenceFinesDue),
                loans = loans,
            )
        }
    }

    private fun prefill(amount: BigDecimal) = if (amount.signum() > 0) group.field(amount) else ""

    fun depositSavings(memberNo: UInt, amountText: String, fund: SavingsFund): Outcome<BigDecimal> =
        openMeeting().then { m ->
            group.parse(amountText).then { amount ->
                val entry = SavingsEntry(m.heldOn, memberNo, Via.CASH, amount, fund)
                pending.send("savings-$memberNo-$fund", entry) { book.depositSavings(it, org, entry) }.map { amount }
            }
        }

    fun repay(loanNo: UInt, amountText: String): Outcome<BigDecimal> = openMeeting().then { m ->
        group.parse(amountText).then { amount ->
            val repayment = Repayment(m.heldOn, Via.CASH, amount)
            pending.send("repay-$loanNo", repayment) { book.repayLoan(it, org, loanNo, repayment) }.map { amount }
        }
    }

    fun collectFine(memberNo: UInt, amountText: String): Outcome<BigDecimal> = openMeeting().then { m ->
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
                    LoanRequest(principal, rate, form.ratePeriod, n.toUInt(), frequency, form.method)
                }
            }
        }

    /**
     * A new loan, sanctioned at this meeting and paid out in cash: applied for,
     * approved and paid out in one command, all or nothing. A retry after a
     * failure sends the same op_id, so it can never leave a second, half-made loan.
     */
    fun newLoan(memberNo: UInt, form: LoanForm): Outcome<GivenLoan> = openMeeting().then { m ->
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

    /**
     * Loans this member applied for that were never paid out: a book kept before
     * loans were sanctioned in one command can hold them; shown so they can be finished.
     */
    fun unfinishedLoans(memberNo: UInt): Outcome<List<UInt>> = attempt {
        book.loans(org).filter { it.memberNo == memberNo && (it.status == LoanStatus.APPLIED || it.status == LoanStatus.APPROVED) }
            .map { it.loanNo }
    }

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
                pending.send("close-${m.meetingNo}", count.counted to why) {
                    book.closeMeeting(it, org, m.meetingNo, count.counted, if (count.balanced) null else why)
                }.map { count }
            }
        }
    }
}
