package org.daftar.demo.logic

import java.math.BigDecimal
import java.nio.file.Path
import java.time.LocalDate
import org.daftar.ActorRole
import org.daftar.Calendar
import org.daftar.Component
import org.daftar.Currency
import org.daftar.FiscalYearStart
import org.daftar.Frequency
import org.daftar.LatePenalty
import org.daftar.Locale
import org.daftar.MemberRole
import org.daftar.NewMember
import org.daftar.NewOrganisation
import org.daftar.OrgKind
import org.daftar.Policy
import org.daftar.RoundingMode
import org.daftar.RoundingRule
import org.daftar.RoundingUnit
import org.daftar.Withdrawals
import org.daftar.commandMeta
import org.daftar.newOpId

val keeper = Keeper("bookkeeper-test", "test-phone")
val opened: LocalDate = LocalDate.of(2025, 4, 1)

fun openSession(dir: Path, name: String = "group.daftar"): BookSession =
    (BookSession.open(dir.resolve(name).toFile(), keeper) as Outcome.Ok).value

/**
 * A monthly SHG in INR set up through the core directly (setting up is not the
 * app's job): compulsory savings 50, absence fine 10, and two members.
 */
fun monthlyShg(
    session: BookSession,
    names: List<String> = listOf("सीता देवी", "गीता कुमारी"),
    withApprover: Boolean = true,
): Group {
    val id = newOpId()
    val book = session.book
    book.createOrganisation(keeper.meta(), NewOrganisation(
        id = id, kind = OrgKind.SHG, name = "सरस्वती स्वयं सहायता समूह", currency = Currency("INR", 2),
        calendar = Calendar.GREGORIAN, fiscalYearStart = FiscalYearStart(4, 1), locale = Locale.EN_IN,
        rounding = RoundingRule(RoundingMode.HALF_UP, RoundingUnit.MINOR), openedOn = opened))
    book.setPolicy(keeper.meta(), id, opened, Policy(
        meetingFrequency = Frequency.MONTHLY, compulsorySavings = BigDecimal("50"), withdrawals = Withdrawals.VOLUNTARY_ONLY,
        allocationOrder = listOf(Component.PENALTY, Component.INTEREST, Component.PRINCIPAL),
        latePenalty = LatePenalty.None, graceDays = 3, absenceFine = BigDecimal("10"),
        exitNetsLoans = true, reversalNeedsApproval = false))
    if (withApprover) {
        book.setPin(commandMeta("cc-meena", keeper.device), id, opened, "cc-meena", "2468")
        book.setRole(keeper.meta(), id, opened, "cc-meena", ActorRole.APPROVER)
    }
    names.forEach { book.addMember(keeper.meta(), id, NewMember(null, it, MemberRole.MEMBER, null, opened)) }
    return (session.group(id) as Outcome.Ok).value
}

fun <T> Outcome<T>.ok(): T = when (this) {
    is Outcome.Ok -> value
    is Outcome.Refused -> throw AssertionError("refused: $problem")
}

fun assertAmount(expected: String, actual: BigDecimal?) {
    if (actual == null || BigDecimal(expected).compareTo(actual) != 0) {
        throw AssertionError("expected $expected, got ${actual?.toPlainString()}")
    }
}
