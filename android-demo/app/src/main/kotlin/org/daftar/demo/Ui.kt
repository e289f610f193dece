package org.daftar.demo

import android.app.Activity
import android.content.Context
import android.content.Intent
import android.graphics.Typeface
import android.os.Build
import android.text.InputType
import android.text.method.DigitsKeyListener
import android.view.View
import android.view.WindowInsets
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ProgressBar
import android.widget.TableLayout
import android.widget.TableRow
import android.widget.TextView
import org.daftar.demo.logic.Column
import org.daftar.demo.logic.Outcome
import org.daftar.demo.logic.Problem
import org.daftar.demo.logic.ProblemKind
import org.daftar.demo.logic.ProgressRelay
import org.daftar.demo.logic.ReportTable
import org.daftar.demo.logic.RowLabel
import org.daftar.demo.logic.refused

/** Binding helpers shared by the screens: no decisions here, only views. */

fun Context.problemText(p: Problem): String {
    val id = when (p.kind) {
        ProblemKind.EMPTY -> R.string.problem_empty
        ProblemKind.TOO_MANY_DECIMALS -> return getString(R.string.problem_too_many_decimals, p.detail)
        ProblemKind.NOT_POSITIVE -> R.string.problem_not_positive
        ProblemKind.NOT_A_WHOLE_NUMBER -> R.string.problem_not_whole
        ProblemKind.NOT_A_DATE -> R.string.problem_not_a_date
        ProblemKind.REASON_NEEDED -> return getString(R.string.problem_reason_needed, p.detail)
        ProblemKind.NO_OPEN_MEETING -> R.string.problem_no_open_meeting
        ProblemKind.NO_REASON -> R.string.problem_no_reason
        ProblemKind.WRONG_PIN -> return getString(R.string.problem_wrong_pin, p.detail.toLongOrNull() ?: 0L)
        ProblemKind.WAIT -> return getString(R.string.problem_wait, p.detail.toLongOrNull() ?: 0L)
        ProblemKind.PINS_DIFFER -> R.string.problem_pins_differ
        ProblemKind.KEY_LOST -> R.string.problem_key_lost
        ProblemKind.INVALID_INPUT -> R.string.problem_invalid_input
        ProblemKind.NOT_FOUND -> R.string.problem_not_found
        ProblemKind.CONFLICT -> R.string.problem_conflict
        ProblemKind.INSUFFICIENT_FUNDS -> R.string.problem_insufficient_funds
        ProblemKind.PERMISSION_DENIED -> R.string.problem_permission_denied
        ProblemKind.TAMPER_DETECTED -> R.string.problem_tamper_detected
        ProblemKind.SCHEMA_TOO_NEW -> R.string.problem_schema_too_new
        ProblemKind.NOT_A_BOOK -> R.string.problem_not_a_book
        ProblemKind.WRONG_KEY -> R.string.problem_wrong_key
        ProblemKind.CORRUPT -> R.string.problem_corrupt
        ProblemKind.STORAGE -> R.string.problem_storage
        ProblemKind.CANCELLED -> R.string.problem_cancelled
        ProblemKind.NOT_WRITER -> R.string.problem_not_writer
        ProblemKind.SYNC_REFUSED -> R.string.problem_sync_refused
        ProblemKind.NO_NETWORK -> R.string.problem_no_network
        ProblemKind.NOT_GRANTED -> R.string.problem_not_granted
        ProblemKind.WRONG_SERVER -> R.string.problem_wrong_server
        ProblemKind.WRONG_DEVICE -> R.string.problem_wrong_device
        ProblemKind.INTERNAL -> R.string.problem_internal
    }
    return if (p.detail.isEmpty()) getString(id) else getString(id) + "\n" + p.detail
}

/** Shows [outcome]'s problem in the screen's status line, or clears it; gives the value. */
fun <T> Activity.shown(outcome: Outcome<T>): T? {
    val status = findViewById<TextView>(R.id.status)
    return when (outcome) {
        is Outcome.Ok -> {
            status.text = ""
            outcome.value
        }
        is Outcome.Refused -> {
            status.text = problemText(outcome.problem)
            null
        }
    }
}

/**
 * Runs [work], which calls the book, on the app's book thread, never the main
 * one; then, on the main thread, shows its problem in the status line or gives
 * its value to [then]. A screen that has gone away by then gets nothing.
 */
fun <T> Activity.withBook(work: () -> Outcome<T>, then: (T) -> Unit) {
    app.onBookThread {
        val outcome = try {
            work()
        } catch (e: Exception) {
            refused(ProblemKind.INTERNAL, e.toString())
        }
        app.mainThread.post { if (!isDestroyed) shown(outcome)?.let(then) }
    }
}

/**
 * Every digit script the book keeper may type (Latin, Devanagari, Persian,
 * Arabic-Indic) and both kinds of separators. The keyboard asked for is numeric;
 * a keyboard that sends local digits is still accepted.
 */
private const val AMOUNT_CHARS = "0123456789.,०१२३४५६७८९۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫٬"

fun EditText.acceptLocalDigits() {
    keyListener = DigitsKeyListener.getInstance(AMOUNT_CHARS)
    setRawInputType(InputType.TYPE_CLASS_NUMBER or InputType.TYPE_NUMBER_FLAG_DECIMAL)
}

fun Context.bigButton(text: String, onClick: () -> Unit): Button = Button(this).apply {
    this.text = text
    isAllCaps = false
    textSize = 18f
    minHeight = resources.getDimensionPixelSize(R.dimen.touch)
    textAlignment = View.TEXT_ALIGNMENT_VIEW_START
    setOnClickListener { onClick() }
}

fun Context.bodyText(text: String): TextView = TextView(this).apply {
    this.text = text
    textSize = 18f
    textAlignment = View.TEXT_ALIGNMENT_VIEW_START
    setPadding(0, resources.getDimensionPixelSize(R.dimen.gap), 0, 0)
}

fun LinearLayout.addAll(views: List<View>) {
    removeAllViews()
    views.forEach(::addView)
}

/**
 * Android 15 draws an app targeting SDK 35 edge to edge: without this, the
 * navigation bar and the keyboard cover the last rows and the Save button.
 * The screen's content is padded by the system bars and the keyboard; the top
 * only where no action bar already sits below the status bar.
 */
fun Activity.keepClearOfSystemBars() {
    if (Build.VERSION.SDK_INT < 35) return // the framework fits the content itself
    val content = findViewById<View>(android.R.id.content)
    val padTop = actionBar == null
    content.setOnApplyWindowInsetsListener { v, insets ->
        val bars = insets.getInsets(WindowInsets.Type.systemBars() or WindowInsets.Type.ime())
        v.setPadding(bars.left, if (padTop) bars.top else 0, bars.right, bars.bottom)
        insets
    }
    content.requestApplyInsets()
}

fun Activity.start(target: Class<out Activity>, extras: Intent.() -> Unit) {
    startActivity(Intent(this, target).apply(extras))
}

private fun Context.columnName(c: Column): String = getString(
    when (c) {
        Column.DATE -> R.string.col_date
        Column.NARRATION -> R.string.col_narration
        Column.RECEIPT -> R.string.col_receipt
        Column.PAYMENT -> R.string.col_payment
        Column.BALANCE -> R.string.col_balance
        Column.ACCOUNT -> R.string.col_account
        Column.DEBIT -> R.string.col_debit
        Column.CREDIT -> R.string.col_credit
        Column.LOAN -> R.string.col_loan
        Column.MEMBER -> R.string.col_member
        Column.OUTSTANDING -> R.string.col_outstanding
        Column.ARREARS -> R.string.col_arrears
        Column.DAYS_LATE -> R.string.col_days_late
        Column.BUCKET -> R.string.col_bucket
        Column.COMPULSORY -> R.string.col_compulsory
        Column.VOLUNTARY -> R.string.col_voluntary
        Column.LOAN_BALANCE -> R.string.col_loan_balance
        Column.PAID -> R.string.col_paid
        Column.RECEIVED -> R.string.col_received
    },
)

private fun Context.labelName(l: RowLabel): String = getString(
    when (l) {
        RowLabel.OPENING -> R.string.label_opening
        RowLabel.CLOSING -> R.string.label_closing
        RowLabel.TOTAL -> R.string.label_total
        RowLabel.PAR30 -> R.string.label_par30
    },
)

/**
 * Lays a report out as a table; summary rows are bold and named in the phone's
 * language. With [onEntry], a row that shows an entry opens it when tapped.
 */
fun TableLayout.show(table: ReportTable, onEntry: ((Long) -> Unit)? = null) {
    removeAllViews()
    val pad = resources.getDimensionPixelSize(R.dimen.gap)
    fun cell(text: String, bold: Boolean) = TextView(context).apply {
        this.text = text
        textSize = 16f
        setPadding(pad / 2, pad / 2, pad / 2, pad / 2)
        if (bold) setTypeface(typeface, Typeface.BOLD)
    }
    addView(TableRow(context).apply { table.columns.forEach { addView(cell(context.columnName(it), true)) } })
    for (row in table.rows) {
        val cells = row.label?.let { listOf(context.labelName(it)) + row.cells.drop(1) } ?: row.cells
        addView(
            TableRow(context).apply {
                cells.forEach { addView(cell(it, row.label != null)) }
                val entry = row.entry
                if (onEntry != null && entry != null) setOnClickListener { onEntry(entry) }
            },
        )
    }
}

/**
 * Slow work that outlives the screen that started it: a rotation destroys the
 * Activity, not the work, and the new Activity attaches to it by its key.
 * Everything here runs on the main thread, except what [ProgressRelay] posts.
 */
class SlowJob<T>(val relay: ProgressRelay) {
    var percent = 0
    /** Set when the work is over and no screen has taken the outcome yet. */
    var outcome: Outcome<T>? = null
    var onPercent: ((Int) -> Unit)? = null
    /** The attached screen's hand-off; returns false when that screen is gone. */
    var onDone: ((Outcome<T>) -> Boolean)? = null
}

/**
 * Runs slow work on the app's background thread with a progress bar fed by the
 * core, and hands the outcome to whichever screen is attached under [key] when
 * it ends (the one after a rotation included).
 */
fun <T> Activity.runSlow(key: String, bar: ProgressBar, work: (ProgressRelay) -> Outcome<T>, done: (Outcome<T>) -> Unit): SlowJob<T> {
    lateinit var job: SlowJob<T>
    val relay = ProgressRelay { percent ->
        app.mainThread.post {
            job.percent = percent
            job.onPercent?.invoke(percent)
        }
    }
    job = SlowJob(relay)
    app.jobs[key] = job
    attachSlow(key, bar, done)
    app.slowWork.execute {
        val outcome = work(relay)
        app.mainThread.post {
            if (job.onDone?.invoke(outcome) == true) app.jobs.remove(key) else job.outcome = outcome
        }
    }
    return job
}

/** Attaches this screen to the slow work running under [key], if any; returns it. */
fun <T> Activity.attachSlow(key: String, bar: ProgressBar, done: (Outcome<T>) -> Unit): SlowJob<T>? {
    @Suppress("UNCHECKED_CAST")
    val job = app.jobs[key] as SlowJob<T>? ?: return null
    val deliver = { outcome: Outcome<T> ->
        if (isDestroyed) {
            false
        } else {
            bar.visibility = View.GONE
            done(outcome)
            true
        }
    }
    job.outcome?.let { finished ->
        app.jobs.remove(key)
        deliver(finished)
        return null
    }
    bar.visibility = View.VISIBLE
    bar.progress = job.percent
    job.onPercent = { bar.progress = it }
    job.onDone = deliver
    return job
}

/**
 * What a screen does with its slow work when it is destroyed: the user leaving
 * cancels it; a rotation (or any re-creation) leaves it running for the next one.
 */
fun Activity.releaseSlow(key: String) {
    val job = app.jobs[key] ?: return
    if (isFinishing) {
        job.relay.cancel()
        app.jobs.remove(key)
    } else {
        job.onPercent = null
        job.onDone = null
    }
}
