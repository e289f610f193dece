package org.daftar.demo.logic

import java.math.BigDecimal
import java.math.RoundingMode
import java.time.LocalDate
import org.daftar.DaftarException
import org.daftar.formatAmounts
import org.daftar.formatDates

/** A cell of a table before it is written: text as it is, or a figure the core writes in the group's locale. */
sealed interface Cell {
    data class Text(val text: String) : Cell
    data class Amount(val index: Int) : Cell
    data class Date(val index: Int) : Cell
    data class Percent(val index: Int) : Cell
    /** A number in the locale's digits followed by text: "3. Sita". */
    data class Numbered(val index: Int, val after: String) : Cell
}

/** A row of cells not yet written. */
data class PendingRow(val cells: List<Cell>, val label: RowLabel? = null, val entry: Long? = null)

/**
 * Writes a table's figures in the group's locale with one call into the core
 * for all its amounts and one for all its dates, rather than one per cell: the
 * cells are noted while the rows are built, then written together.
 */
class TableWriter(private val group: Group) {
    private val amounts = mutableListOf<BigDecimal>()
    private val dates = mutableListOf<LocalDate>()

    /** An amount with the currency's decimals (a ratio with more keeps its own). */
    fun amount(a: BigDecimal): Cell {
        val scale = group.scale
        amounts += if (a.stripTrailingZeros().scale() <= scale) a.setScale(scale, RoundingMode.UNNECESSARY) else a
        return Cell.Amount(amounts.size - 1)
    }

    fun blankIfZero(a: BigDecimal): Cell = if (a.signum() == 0) Cell.Text("") else amount(a)

    fun count(n: Long): Cell {
        amounts += BigDecimal(n)
        return Cell.Amount(amounts.size - 1)
    }

    /** [n] in the locale's digits, then ". [name]". */
    fun numbered(n: Long, name: String): Cell {
        amounts += BigDecimal(n)
        return Cell.Numbered(amounts.size - 1, ". $name")
    }

    /** A fraction such as PAR30 (0.1234) as a percentage with two decimals. */
    fun percent(fraction: BigDecimal): Cell {
        amounts += fraction.movePointRight(2).setScale(2, RoundingMode.HALF_UP)
        return Cell.Percent(amounts.size - 1)
    }

    fun date(d: LocalDate): Cell {
        dates += d
        return Cell.Date(dates.size - 1)
    }

    fun text(s: String): Cell = Cell.Text(s)

    /** Writes every noted figure (two calls into the core) and gives the rows as text. */
    fun rows(pending: List<PendingRow>): List<ReportRow> {
        val locale = group.org.locale
        // Display never fails a screen: if the core cannot write them, the plain forms are still exact.
        val a = try {
            if (amounts.isEmpty()) emptyList() else formatAmounts(amounts, locale)
        } catch (e: DaftarException) {
            amounts.map { it.toPlainString() }
        }
        val d = try {
            if (dates.isEmpty()) emptyList() else formatDates(dates, locale)
        } catch (e: DaftarException) {
            dates.map { it.toString() }
        }
        return pending.map { row ->
            ReportRow(
                row.cells.map { c ->
                    when (c) {
                        is Cell.Text -> c.text
                        is Cell.Amount -> a[c.index]
                        is Cell.Percent -> a[c.index] + "%"
                        is Cell.Numbered -> a[c.index] + c.after
                        is Cell.Date -> d[c.index]
                    }
                },
                row.label,
                row.entry,
            )
        }
    }
}
