package org.daftar

import java.math.BigDecimal
import java.time.LocalDate
import java.util.UUID

/**
 * A small SHG founded on "phone-a" for the sync tests: one member, Sita, who
 * deposits 100 on 7 April 2025. Returns the organisation's id.
 */
internal fun foundAshaShg(book: DaftarBook): UUID {
    val opened = LocalDate.of(2025, 4, 1)
    val id = UUID.fromString(newOpId().toString())
    book.createOrganisation(commandMeta("asha", "phone-a"), NewOrganisation(
        id = id, kind = OrgKind.SHG, name = "Asha SHG", currency = Currency("INR", 2),
        calendar = Calendar.GREGORIAN, fiscalYearStart = FiscalYearStart(4, 1), locale = Locale.EN_IN,
        rounding = RoundingRule(RoundingMode.HALF_UP, RoundingUnit.MINOR), openedOn = opened))
    book.addMember(commandMeta("asha", "phone-a"), id, NewMember(null, "Sita", MemberRole.MEMBER, null, opened))
    book.depositSavings(commandMeta("asha", "phone-a"), id,
        SavingsEntry(LocalDate.of(2025, 4, 7), 1, Via.CASH, BigDecimal("100"), SavingsFund.COMPULSORY))
    return id
}
