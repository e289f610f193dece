package org.daftar.demo.logic

import java.math.BigDecimal
import java.time.LocalDate
import org.daftar.Calendar
import org.daftar.Locale
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Input and output through the core's locale functions, with the screen's own rules on top. */
class NumbersTest {
    private fun ok(o: Outcome<BigDecimal>): String = (o as? Outcome.Ok)?.value?.toPlainString() ?: error("refused: $o")
    private fun kind(o: Outcome<*>): ProblemKind? = o.problemOrNull()?.kind

    @Test
    fun `amounts typed in Devanagari, Persian and Arabic-Indic digits read as the same number`() {
        for (typed in listOf("1250.50", "१२५०.५०", "۱۲۵۰٫۵۰", "١٢٥٠.٥٠", "1,250.50", "१,२५०.५०")) {
            assertEquals(0, BigDecimal("1250.50").compareTo(NumberInput.amount(typed, 2).valueOrNull()), typed)
        }
        assertEquals(0, BigDecimal("1234567").compareTo(NumberInput.amount("۱٬۲۳۴٬۵۶۷", 0).valueOrNull()))
        assertEquals(0, BigDecimal("100000").compareTo(NumberInput.amount(" 1,00,000 ", 2).valueOrNull()))
    }

    @Test
    fun `a comma that could be a decimal comma is refused with the core's reason, not guessed`() {
        for (typed in listOf("12,5", "1.234.567", "fifty", "5 0")) {
            val p = NumberInput.amount(typed, 2).problemOrNull()
            assertEquals(ProblemKind.INVALID_INPUT, p?.kind, typed)
            assertTrue(p?.detail?.startsWith("amount:") == true, "$p")
        }
    }

    @Test
    fun `more decimals than the currency allows are refused, trailing zeros are not`() {
        assertEquals(ProblemKind.TOO_MANY_DECIMALS, kind(NumberInput.amount("10.005", 2)))
        assertEquals("2", NumberInput.amount("10.005", 2).problemOrNull()?.detail)
        assertEquals(ProblemKind.TOO_MANY_DECIMALS, kind(NumberInput.amount("۱۵۰۰٫۵", 0)))
        assertEquals(0, BigDecimal("1500").compareTo(NumberInput.amount("1500.00", 0).valueOrNull()))
    }

    @Test
    fun `empty, negative and zero input each get their own problem`() {
        assertEquals(ProblemKind.EMPTY, kind(NumberInput.amount("  ", 2)))
        assertEquals(ProblemKind.EMPTY, kind(NumberInput.count("")))
        assertEquals(ProblemKind.NOT_POSITIVE, kind(NumberInput.amount("0", 2)))
        assertEquals("0", ok(NumberInput.amount("0", 2, allowZero = true)))
        val negative = NumberInput.amount("-50", 2).problemOrNull()?.kind
        assertTrue(negative == ProblemKind.NOT_POSITIVE || negative == ProblemKind.INVALID_INPUT, "$negative")
    }

    @Test
    fun `instalment counts are positive whole numbers in any digits`() {
        assertEquals(12, NumberInput.count("۱۲").valueOrNull())
        assertEquals(12, NumberInput.count("१२").valueOrNull())
        assertEquals(ProblemKind.NOT_A_WHOLE_NUMBER, kind(NumberInput.count("1.5")))
        assertEquals(ProblemKind.NOT_POSITIVE, kind(NumberInput.count("0")))
        assertEquals(ProblemKind.NOT_POSITIVE, kind(NumberInput.count("601")))
    }

    @Test
    fun `a rate may be zero, for an interest-free loan`() {
        assertEquals("0", ok(NumberInput.rate("0")))
        assertEquals(0, BigDecimal("1.5").compareTo(NumberInput.rate("۱٫۵").valueOrNull()))
    }

    @Test
    fun `dates are read year first in the organisation's calendar, and nonsense is refused`() {
        assertEquals(LocalDate.of(2025, 4, 7), NumberInput.date("२०२५-०४-०७", Calendar.GREGORIAN).valueOrNull())
        // 1 Farvardin 1404 is 21 March 2025.
        assertEquals(LocalDate.of(2025, 3, 21), NumberInput.date("۱۴۰۴/۰۱/۰۱", Calendar.PERSIAN).valueOrNull())
        assertEquals(ProblemKind.NOT_A_DATE, kind(NumberInput.date("2025-02-30", Calendar.GREGORIAN)))
        assertEquals(ProblemKind.NOT_A_DATE, kind(NumberInput.date("7 April", Calendar.GREGORIAN)))
        assertEquals(ProblemKind.EMPTY, kind(NumberInput.date(" ", Calendar.GREGORIAN)))
    }

    @Test
    fun `amounts keep the currency's decimals, in each locale's digits and grouping`() {
        assertEquals("12,34,567.50", NumberOutput.amount(BigDecimal("1234567.5"), 2, Locale.EN_IN))
        assertEquals("999.00", NumberOutput.amount(BigDecimal("999"), 2, Locale.EN_IN))
        assertEquals("१२,३४,५६७.५०", NumberOutput.amount(BigDecimal("1234567.5"), 2, Locale.HI_IN))
        assertEquals("۱٬۲۳۴٬۵۶۷", NumberOutput.amount(BigDecimal("1234567"), 0, Locale.FA_IR))
        assertEquals("12.34%", NumberOutput.percent(BigDecimal("0.1234"), Locale.EN_IN))
        assertEquals("۱۴۰۴/۰۱/۰۱", NumberOutput.date(LocalDate.of(2025, 3, 21), Locale.FA_IR))
    }

    @Test
    fun `a pre-filled field reads back as exactly the amount it shows, in every locale`() {
        for ((amount, scale, locale) in listOf(
            Triple(BigDecimal("212.00"), 2, Locale.EN_IN),
            Triple(BigDecimal("123456.05"), 2, Locale.HI_IN),
            Triple(BigDecimal("2000000"), 0, Locale.FA_IR),
        )) {
            val text = NumberOutput.amount(amount, scale, locale)
            assertEquals(0, amount.compareTo(NumberInput.amount(text, scale).valueOrNull()), text)
        }
    }
}
