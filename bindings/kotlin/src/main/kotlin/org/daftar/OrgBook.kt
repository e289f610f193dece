package org.daftar

import java.math.BigDecimal
import java.time.LocalDate
import java.util.UUID
import kotlinx.coroutines.withContext

/**
 * One organisation of a book, so that a screen does not pass its id on every
 * call: every method of [DaftarBook] that takes an organisation, with that
 * argument filled in (`OrgBookTest` checks none is missing). Java calls it as
 * well as Kotlin.
 */
class OrgBook internal constructor(val book: DaftarBook, val id: UUID) {
    fun organisation(): Organisation =
        book.organisations().firstOrNull { it.id == id } ?: throw DaftarException.NotFound("organisation $id")

    /** Any of these calls, suspended on the library's book thread. */
    suspend fun <T> call(block: OrgBook.() -> T): T = withContext(DaftarDispatchers.book) { block() }

    // What a book keeper does: one command each, committed before it returns.
    fun addMember(meta: CommandMeta, member: NewMember): CommandResult = book.addMember(meta, id, member)
    fun applyForLoan(meta: CommandMeta, memberNo: Int, date: LocalDate, request: LoanRequest): CommandResult =
        book.applyForLoan(meta, id, memberNo, date, request)
    fun approveCorrection(meta: CommandMeta, requestSeq: Long, date: LocalDate): CommandResult =
        book.approveCorrection(meta, id, requestSeq, date)
    fun approveLoan(meta: CommandMeta, loanNo: Int, meetingNo: Int): CommandResult =
        book.approveLoan(meta, id, loanNo, meetingNo)
    fun changeMember(meta: CommandMeta, memberNo: Int, date: LocalDate, change: MemberChange): CommandResult =
        book.changeMember(meta, id, memberNo, date, change)
    fun closeMeeting(meta: CommandMeta, meetingNo: Int, countedCash: BigDecimal, discrepancyReason: String?): CommandResult =
        book.closeMeeting(meta, id, meetingNo, countedCash, discrepancyReason)
    fun collectCharge(meta: CommandMeta, charge: ChargeEntry): CommandResult =
        book.collectCharge(meta, id, charge)
    fun depositSavings(meta: CommandMeta, entry: SavingsEntry): CommandResult =
        book.depositSavings(meta, id, entry)
    fun disburseLoan(meta: CommandMeta, loanNo: Int, date: LocalDate, via: Via): CommandResult =
        book.disburseLoan(meta, id, loanNo, date, via)
    fun exitMember(meta: CommandMeta, memberNo: Int, date: LocalDate, via: Via): CommandResult =
        book.exitMember(meta, id, memberNo, date, via)
    fun markAttendance(meta: CommandMeta, meetingNo: Int, memberNo: Int, present: Boolean): CommandResult =
        book.markAttendance(meta, id, meetingNo, memberNo, present)
    fun openMeeting(meta: CommandMeta, date: LocalDate): CommandResult = book.openMeeting(meta, id, date)
    fun receiveBorrowing(meta: CommandMeta, source: FacilitySource, date: LocalDate, via: Via, request: LoanRequest): CommandResult =
        book.receiveBorrowing(meta, id, source, date, via, request)
    fun recordCutoff(meta: CommandMeta, cutoff: Cutoff): CommandResult = book.recordCutoff(meta, id, cutoff)
    fun recordPayment(meta: CommandMeta, voucher: Voucher): CommandResult =
        book.recordPayment(meta, id, voucher)
    fun recordReceipt(meta: CommandMeta, voucher: Voucher): CommandResult =
        book.recordReceipt(meta, id, voucher)
    fun rejectCorrection(meta: CommandMeta, requestSeq: Long, date: LocalDate, reason: String): CommandResult =
        book.rejectCorrection(meta, id, requestSeq, date, reason)
    fun reopenMeeting(meta: CommandMeta, meetingNo: Int, reason: String): CommandResult =
        book.reopenMeeting(meta, id, meetingNo, reason)
    fun repayBorrowing(meta: CommandMeta, loanNo: Int, repayment: Repayment): CommandResult =
        book.repayBorrowing(meta, id, loanNo, repayment)
    fun repayLoan(meta: CommandMeta, loanNo: Int, repayment: Repayment): CommandResult =
        book.repayLoan(meta, id, loanNo, repayment)
    fun reverseEntry(meta: CommandMeta, seq: Long, date: LocalDate, reason: String): CommandResult =
        book.reverseEntry(meta, id, seq, date, reason)
    fun sanctionLoan(meta: CommandMeta, memberNo: Int, date: LocalDate, request: LoanRequest, via: Via): CommandResult =
        book.sanctionLoan(meta, id, memberNo, date, request, via)
    fun setPin(meta: CommandMeta, date: LocalDate, person: String, newPin: String): CommandResult =
        book.setPin(meta, id, date, person, newPin)
    fun setPolicy(meta: CommandMeta, date: LocalDate, policy: Policy): CommandResult =
        book.setPolicy(meta, id, date, policy)
    fun setRole(meta: CommandMeta, date: LocalDate, person: String, role: ActorRole): CommandResult =
        book.setRole(meta, id, date, person, role)
    fun transfer(meta: CommandMeta, transfer: CashTransfer): CommandResult = book.transfer(meta, id, transfer)
    fun withdrawSavings(meta: CommandMeta, entry: SavingsEntry): CommandResult =
        book.withdrawSavings(meta, id, entry)
    fun writeOffLoan(meta: CommandMeta, loanNo: Int, date: LocalDate, reason: String): CommandResult =
        book.writeOffLoan(meta, id, loanNo, date, reason)

    // Reads, screens and reports.
    fun pinMatches(person: String, pin: String): Boolean = book.pinMatches(id, person, pin)
    fun accounts(): List<AccountBalance> = book.accounts(id)
    fun balanceSheet(asOf: LocalDate): BalanceSheet = book.balanceSheet(id, asOf)
    fun cashBook(bank: Boolean, from: LocalDate, to: LocalDate): CashBook = book.cashBook(id, bank, from, to)
    /** The cash box's balance, whatever the chart calls its cash account. */
    fun cashInHand(): BigDecimal = book.cashInHand(id)
    fun corrections(): List<Correction> = book.corrections(id)
    fun findMembers(query: String): List<Member> = book.findMembers(id, query)
    fun fiscalYear(date: LocalDate): Period = book.fiscalYear(id, date)
    fun grade(from: LocalDate, to: LocalDate): Grading = book.grade(id, from, to)
    fun incomeAndExpenditure(from: LocalDate, to: LocalDate): IncomeAndExpenditure =
        book.incomeAndExpenditure(id, from, to)
    fun journal(from: LocalDate, to: LocalDate): List<JournalEntry> = book.journal(id, from, to)
    fun lastBusinessDate(): LocalDate = book.lastBusinessDate(id)
    fun loanLedger(loanNo: Int): LoanLedger = book.loanLedger(id, loanNo)
    fun loanStanding(loanNo: Int, asOf: LocalDate): LoanStanding = book.loanStanding(id, loanNo, asOf)
    fun loans(): List<Loan> = book.loans(id)
    fun meetingSheet(today: LocalDate): MeetingSheet = book.meetingSheet(id, today)
    fun meetings(): List<Meeting> = book.meetings(id)
    fun memberDues(memberNo: Int, asOf: LocalDate): MemberDues = book.memberDues(id, memberNo, asOf)
    fun memberSheet(memberNo: Int): MemberSheet = book.memberSheet(id, memberNo)
    fun members(): List<Member> = book.members(id)
    fun monthlyReport(year: Int, month: Int): MonthlyReport = book.monthlyReport(id, year, month)
    fun passbook(memberNo: Int, from: LocalDate, to: LocalDate): Passbook =
        book.passbook(id, memberNo, from, to)
    fun passbookMessage(memberNo: Int, from: LocalDate, to: LocalDate, lines: Int = 10): String =
        book.passbookMessage(id, memberNo, from, to, lines)
    fun people(): List<Person> = book.people(id)
    fun policy(): Policy = book.policy(id)
    fun portfolio(asOf: LocalDate): Portfolio = book.portfolio(id, asOf)
    fun receiptsAndPayments(from: LocalDate, to: LocalDate): ReceiptsAndPayments =
        book.receiptsAndPayments(id, from, to)
    fun trialBalance(): TrialBalance = book.trialBalance(id)
    fun trialBalanceAsOf(asOf: LocalDate): TrialBalance = book.trialBalanceAsOf(id, asOf)

    // Sync, custody and the chain.
    fun checkpoint(): String = book.checkpoint(id)
    fun acknowledge(head: ChainHead, receipt: String?) = book.acknowledge(id, head, receipt)
    fun bundle(afterSeq: Long): List<String> = book.bundle(id, afterSeq)
    fun claimCustody(meta: CommandMeta, date: LocalDate): CommandResult = book.claimCustody(meta, id, date)
    fun custody(): Custody? = book.custody(id)
    fun handOver(meta: CommandMeta, date: LocalDate, toDevice: String, toPublicKey: String): CommandResult =
        book.handOver(meta, id, date, toDevice, toPublicKey)
    fun handOverFile(afterSeq: Long): ByteArray = book.handOverFile(id, afterSeq)
    fun recoverCustody(meta: CommandMeta, date: LocalDate, adminSignature: String): CommandResult =
        book.recoverCustody(meta, id, date, adminSignature)
    fun setAside(): List<SetAsideEvent> = book.setAside(id)
    fun syncState(): SyncState = book.syncState(id)
    fun unacknowledged(): List<String> = book.unacknowledged(id)

    /** The ledger written to [path] in [format]; the number of entries. Cancellable through [listener]. */
    fun export(format: ExportFormat, path: String, listener: ProgressListener?): Long =
        book.export(id, format, path, listener)
}

/** The organisation [id] of this book, as a handle for its screens. */
fun DaftarBook.organisation(id: UUID): OrgBook = OrgBook(this, id)
