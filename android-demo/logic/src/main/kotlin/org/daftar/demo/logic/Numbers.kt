package org.daftar.demo.logic

import java.math.BigDecimal
import java.math.RoundingMode
import java.time.LocalDate
import org.daftar.Calendar
import org.daftar.DaftarException
import org.daftar.Locale
import org.daftar.formatAmount
import org.daftar.formatDate
import org.daftar.parseAmount
import org.daftar.parseDate

/**
 * Reading what a book keeper typed. The core reads the digits (Latin, Devanagari,
 * Persian, Arabic-Indic) and separators, refusing ambiguous input; this layer adds
 * what a screen knows: the field may not be empty, and the currency's decimals.
 */
object NumberInput {
    /** An amount of money with at most [scale] decimals; zero only if [allowZero] (counted cash may be nothing). */
    fun amount(text: String, scale: Int, allowZero: Boolean = false): Outcome<BigDecimal> {
        if (text.isBlank()) return refused(ProblemKind.EMPTY)
        return attempt { parseAmount("amount", text) }.then { value ->
            when {
                value.signum() < 0 || (value.signum() == 0 && !allowZero) -> refused(ProblemKind.NOT_POSITIVE, text.trim())
                value.stripTrailingZeros().scale() > scale -> refused(ProblemKind.TOO_MANY_DECIMALS, scale.toString())
                else -> Outcome.Ok(value)
            }
        }
    }

    /** A count such as a loan's number of instalments: a positive whole number. */
    fun count(text: String, max: Int = 600): Outcome<Int> = amount(text, scale = 4).then { n ->
        when {
            n.stripTrailingZeros().scale() > 0 -> refused(ProblemKind.NOT_A_WHOLE_NUMBER, text.trim())
            n > BigDecimal(max) -> refused(ProblemKind.NOT_POSITIVE, text.trim())
            else -> Outcome.Ok(n.toInt())
        }
    }

    /** An interest rate in percent; zero is allowed (qard al-hasan loans charge none). */
    fun rate(text: String): Outcome<BigDecimal> = amount(text, scale = 4, allowZero = true)

    /** A date in the organisation's calendar, year first, in any digits. */
    fun date(text: String, calendar: Calendar): Outcome<LocalDate> {
        if (text.isBlank()) return refused(ProblemKind.EMPTY)
        val read = attempt { parseDate("date", text, calendar) }
        return if (read is Outcome.Refused) refused(ProblemKind.NOT_A_DATE, read.problem.detail) else read
    }
}

/** Writing numbers and dates the way the organisation's locale does, through the core (CLDR data). */
object NumberOutput {
    /** [amount] with exactly [scale] decimals; a ratio with more decimals keeps its own. */
    fun amount(amount: BigDecimal, scale: Int, locale: Locale): String {
        val fixed = if (amount.stripTrailingZeros().scale() <= scale) amount.setScale(scale, RoundingMode.UNNECESSARY) else amount
        return shown(fixed.toPlainString()) { formatAmount(fixed, locale) }
    }

    fun count(n: Long, locale: Locale): String = shown(n.toString()) { formatAmount(BigDecimal(n), locale) }

    /** A fraction such as PAR30 (0.1234) as a percentage with two decimals. */
    fun percent(fraction: BigDecimal, locale: Locale): String =
        amount(fraction.movePointRight(2).setScale(2, RoundingMode.HALF_UP), 2, locale) + "%"

    /** A date in the locale's calendar: Solar Hijri for fa-IR. */
    fun date(d: LocalDate, locale: Locale): String = shown(d.toString()) { formatDate(d, locale) }

    /** Display never fails a screen: if the core cannot format, the plain form is still exact. */
    private inline fun shown(plain: String, format: () -> String): String =
        try {
            format()
        } catch (e: DaftarException) {
            plain
        }
}
