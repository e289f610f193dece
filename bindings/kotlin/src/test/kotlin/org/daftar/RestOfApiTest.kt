package org.daftar

import java.math.BigDecimal
import java.nio.file.Path
import java.time.LocalDate
import java.util.UUID
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** The calls the meeting-day test does not make: corrections, outside funds, cut-off, exit. */
class RestOfApiTest {
    @TempDir lateinit var dir: Path

    private val start = LocalDate.of(2025, 4, 1)
    /** The approvers cc-meena and ravi confirm with their PIN. */
    private fun meta(actor: String = "asha") =
        commandMeta(actor, "test-phone", if (actor in listOf("cc-meena", "ravi")) "2468" else null)
    private fun dec(s: String) = BigDecimal(s)
    private fun balance(book: DaftarBook, org: UUID, code: String) = book.accounts(org).single { it.code == code }.balance
    private fun assertAmount(expected: String, actual: BigDecimal) =
        assertEquals(0, dec(expected).compareTo(actual), "expected $expected, got ${actual.toPlainString()}")

    private fun shg(book: DaftarBook): UUID {
        val id = newOpId()
        book.createOrganisation(meta(), NewOrganisation(id, OrgKind.SHG, "लक्ष्मी समूह", Currency("INR", 2), Calendar.GREGORIAN,
            FiscalYearStart(4, 1), Locale.EN_IN, RoundingRule(RoundingMode.HALF_UP, RoundingUnit.MINOR), start))
        // Each approver sets her PIN on the phone before she is named.
        book.setPin(commandMeta("cc-meena", "test-phone"), id, start, "cc-meena", "2468")
        book.setRole(meta(), id, start, "cc-meena", ActorRole.APPROVER)
        book.setPin(commandMeta("ravi", "test-phone"), id, start, "ravi", "2468")
        book.setRole(meta("cc-meena"), id, start, "ravi", ActorRole.APPROVER)
        return id
    }

    @Test
    fun `vouchers, transfers, charges, member changes and withdrawals`() {
        DaftarBook.open(dir.resolve("a.daftar").toString()).use { book ->
            val org = shg(book)
            val no = book.addMember(meta(), org, NewMember(null, "रेखा", MemberRole.MEMBER, "९८७६५४३२१०", start)).number!!
            assertEquals("9876543210", book.members(org).single().phone)
            book.changeMember(meta(), org, no, start, MemberChange("रेखा देवी", MemberRole.TREASURER, null, null))
            assertEquals(MemberRole.TREASURER, book.members(org).single().role)
            book.depositSavings(meta(), org, SavingsEntry(start, no, Via.CASH, dec("300"), SavingsFund.VOLUNTARY))
            book.withdrawSavings(meta(), org, SavingsEntry(start, no, Via.CASH, dec("100"), SavingsFund.VOLUNTARY))
            book.recordReceipt(meta(), org, Voucher(start, Via.BANK, "3100", dec("15000"), "Revolving Fund"))
            book.transfer(meta(), org, CashTransfer(start, Via.BANK, Via.CASH, dec("1000"), "drawn"))
            book.collectCharge(meta(), org, ChargeEntry(start, no, MemberCharge.MEMBERSHIP_FEE, Via.CASH, dec("50")))
            assertAmount("1250", balance(book, org, "1100"))
            assertAmount("-50", balance(book, org, "4300"))
        }
    }

    @Test
    fun `a loan sanctioned in one call is paid out once however often the call is retried`() {
        DaftarBook.open(dir.resolve("s.daftar").toString()).use { book ->
            val org = shg(book)
            val no = book.addMember(meta(), org, NewMember(null, "गीता", MemberRole.MEMBER, null, start)).number!!
            book.recordReceipt(meta(), org, Voucher(start, Via.CASH, "3100", dec("5000"), "Revolving Fund"))
            book.openMeeting(meta(), org, start)
            val terms = LoanRequest(dec("1200"), dec("24"), RatePeriod.YEAR, 12, Frequency.MONTHLY, Method.FLAT)
            // Too large for the cash box: refused whole, nothing half-made.
            val tooMuch = LoanRequest(dec("9000"), dec("24"), RatePeriod.YEAR, 12, Frequency.MONTHLY, Method.FLAT)
            assertThrows<DaftarException.InsufficientFunds> { book.sanctionLoan(meta(), org, no, start, tooMuch, Via.CASH) }
            assertTrue(book.loans(org).isEmpty())
            val m = meta()
            val first = book.sanctionLoan(m, org, no, start, terms, Via.CASH)
            val retry = book.sanctionLoan(m, org, no, start, terms, Via.CASH)
            assertTrue(retry.replayed)
            assertEquals(first.number, retry.number)
            assertEquals(first.seq, retry.seq)
            val loan = book.loans(org).single()
            assertEquals(LoanStatus.ACTIVE, loan.status)
            assertAmount("3800", balance(book, org, "1100"))
        }
    }

    @Test
    fun `corrections need a second approver and reopening needs an approver`() {
        DaftarBook.open(dir.resolve("b.daftar").toString()).use { book ->
            val org = shg(book)
            val p = book.policy(org)
            // Whether a reversal needs approval is the approver's to change, not the book keeper's.
            assertThrows<DaftarException.PermissionDenied> { book.setPolicy(meta(), org, start, p.copy(reversalNeedsApproval = true)) }
            book.setPolicy(meta("cc-meena"), org, start, p.copy(reversalNeedsApproval = true))
            val no = book.addMember(meta(), org, NewMember(null, "सीमा", MemberRole.MEMBER, null, start)).number!!
            val wrong = book.depositSavings(meta(), org, SavingsEntry(start, no, Via.CASH, dec("500"), SavingsFund.COMPULSORY))
            val request = book.reverseEntry(meta(), org, wrong.seq, start, "entered twice")
            assertAmount("500", balance(book, org, "1100"))
            assertThrows<DaftarException.PermissionDenied> { book.approveCorrection(meta(), org, request.seq, start) }
            book.approveCorrection(meta("cc-meena"), org, request.seq, start)
            assertAmount("0", balance(book, org, "1100"))
            assertEquals(CorrectionStatus.APPROVED, book.corrections(org).single().status)
            val other = book.depositSavings(meta(), org, SavingsEntry(start, no, Via.CASH, dec("5"), SavingsFund.COMPULSORY))
            val second = book.reverseEntry(meta("cc-meena"), org, other.seq, start, "check")
            book.rejectCorrection(meta("ravi"), org, second.seq, start, "it was right")
            assertEquals(CorrectionStatus.REJECTED, book.corrections(org).last().status)

            val m = book.openMeeting(meta(), org, LocalDate.of(2025, 4, 7)).number!!
            book.closeMeeting(meta(), org, m, dec("0"), "₹5 missing")
            assertAmount("5", balance(book, org, "5800"))
            assertThrows<DaftarException.PermissionDenied> { book.reopenMeeting(meta(), org, m, "recount") }
            book.reopenMeeting(meta("cc-meena"), org, m, "recount")
            assertAmount("0", balance(book, org, "5800"))
            book.closeMeeting(meta(), org, m, balance(book, org, "1100"), null)
            assertTrue(book.journal(org, start, LocalDate.of(2025, 12, 31)).any { it.reverses == wrong.seq })
        }
    }

    @Test
    fun `cut-off, borrowing, write-off and exit`() {
        DaftarBook.open(dir.resolve("c.daftar").toString()).use { book ->
            val org = shg(book)
            // Zahra joined years before the app: her real date is kept while the book is set up.
            val a = book.addMember(meta(), org, NewMember(null, "زهرا", MemberRole.MEMBER, null, LocalDate.of(2012, 5, 1))).number!!
            val b = book.addMember(meta(), org, NewMember(null, "मीना", MemberRole.MEMBER, null, start)).number!!
            val loan = OpeningLoan(dec("600"), dec("100"), LocalDate.of(2025, 3, 1), dec("2"), RatePeriod.MONTH, 5,
                Frequency.MONTHLY, Method.FLAT, overdueInterest = dec("24"))
            val unbalanced = Cutoff(start, dec("400"), dec("1000"), dec("0"), dec("0"),
                listOf(OpeningMember(a, dec("700"), dec("0"), listOf(loan)), OpeningMember(b, dec("300"), dec("0"), emptyList())),
                emptyList())
            val e = assertThrows<DaftarException.InvalidInput> { book.recordCutoff(meta(), org, unbalanced) }
            assertEquals("cutoff", e.field)
            book.recordCutoff(meta(), org, unbalanced.copy(surplus = dec("1000")))
            val opening = book.loans(org).single()
            val standing = book.loanStanding(org, opening.loanNo, start)
            assertTrue(standing.daysPastDue > 0)
            assertAmount("24", standing.overdueInterest)
            assertEquals(LocalDate.of(2012, 5, 1), book.members(org).single { it.memberNo == a }.joinedOn)
            book.writeOffLoan(meta("cc-meena"), org, opening.loanNo, start, "migrated")
            val cif = book.receiveBorrowing(meta(), org, FacilitySource.CIF, start, Via.BANK,
                LoanRequest(dec("1000"), dec("6"), RatePeriod.YEAR, 10, Frequency.MONTHLY, Method.FLAT)).number!!
            book.repayBorrowing(meta(), org, cif, Repayment(LocalDate.of(2025, 5, 1), Via.BANK, dec("105")))
            assertAmount("-900", balance(book, org, "2200"))
            book.exitMember(meta(), org, a, LocalDate.of(2025, 5, 2), Via.BANK)
            assertEquals(LocalDate.of(2025, 5, 2), book.members(org).single { it.memberNo == a }.exitedOn)
            assertAmount("0", balance(book, org, "2100-0001"))
            assertTrue(book.verify(null).intact)
            assertNull(book.verifyAgainst(book.checkpoint(org)).problem)
            val out = dir.resolve("ledger.journal")
            val entries = book.export(org, ExportFormat.HLEDGER, out.toString(), null)
            assertTrue(entries > 3L)
            assertTrue(java.nio.file.Files.readString(out).contains("balance assertions at the month end"))
            // An export over the book itself is refused, and the book is left as it was.
            val head = book.checkpoint(org)
            assertThrows<DaftarException.InvalidInput> { book.export(org, ExportFormat.CSV, dir.resolve("c.daftar").toString(), null) }
            assertEquals(head, book.checkpoint(org))
            assertTrue(book.verify(null).intact)
        }
    }
}
