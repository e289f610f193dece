package org.daftar.demo

import android.app.Activity
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.RadioButton
import android.widget.RadioGroup
import android.widget.Spinner
import android.widget.TextView
import java.math.BigDecimal
import org.daftar.Method
import org.daftar.RatePeriod
import org.daftar.SavingsFund
import org.daftar.demo.logic.LoanForm
import org.daftar.demo.logic.MeetingDay
import org.daftar.demo.logic.MemberSheet
import org.daftar.demo.logic.Outcome
import org.daftar.Presence

/** One member at the open meeting: attendance, savings, fines, repayments (due amounts pre-filled), a new loan. */
class MemberEntryActivity : Activity() {
    private lateinit var day: MeetingDay
    private var memberNo = 0

    /** The loan methods in the order of the spinner's strings (R.array.loan_methods). */
    private val methods = listOf(Method.REDUCING, Method.FLAT, Method.EMI, Method.FEE_DEDUCTED)

    /**
     * The repayment fields, made in code and so without view ids: Android keeps
     * their text over a rotation or process death only through this activity's
     * own saved state.
     */
    private val repayFields = mutableMapOf<Int, EditText>()
    private var restored: Bundle? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        restored = savedInstanceState
        setContentView(R.layout.activity_member_entry)
        keepClearOfSystemBars()
        memberNo = intent.getIntExtra(DaftarApp.EXTRA_MEMBER, 0)
        listOf(R.id.savings_amount, R.id.fine_amount, R.id.loan_principal, R.id.loan_rate, R.id.loan_instalments)
            .forEach { findViewById<EditText>(it).acceptLocalDigits() }

        findViewById<RadioButton>(R.id.present).setOnClickListener { attendance(true) }
        findViewById<RadioButton>(R.id.absent).setOnClickListener { attendance(false) }
        findViewById<Button>(R.id.save_compulsory).setOnClickListener { savings(SavingsFund.COMPULSORY) }
        findViewById<Button>(R.id.save_voluntary).setOnClickListener { savings(SavingsFund.VOLUNTARY) }
        findViewById<Button>(R.id.collect_fine).setOnClickListener {
            val amount = text(R.id.fine_amount)
            saved(getString(R.string.collect_fine)) { it.collectFine(memberNo, amount) }
        }
        findViewById<Button>(R.id.give_loan).setOnClickListener { newLoan() }
        withBook({ app.group(this).then { group -> app.session().map { MeetingDay(it, group) } } }) {
            day = it
            refresh()
        }
    }

    override fun onSaveInstanceState(outState: Bundle) {
        super.onSaveInstanceState(outState)
        // Turned again before the sheet showed: what was typed before is kept.
        restored?.let { r -> r.keySet().filter { it.startsWith("repay-") }.forEach { outState.putString(it, r.getString(it)) } }
        repayFields.forEach { (loan, field) -> outState.putString(repayKey(loan), field.text.toString()) }
    }

    private fun repayKey(loan: Int) = "repay-$loan"

    private fun text(id: Int) = findViewById<EditText>(id).text.toString()

    /** Reads her sheet (one call) off the main thread and shows it. */
    private fun refresh(after: () -> Unit = {}) {
        withBook({ day.sheet(memberNo) }) { sheet ->
            show(sheet)
            after()
        }
    }

    private fun show(sheet: MemberSheet) {
        val group = day.group
        title = group.name
        findViewById<TextView>(R.id.member_name).text =
            getString(R.string.member_line, group.count(sheet.memberNo.toLong()), sheet.name)
        findViewById<RadioGroup>(R.id.attendance).check(
            when (sheet.presence) {
                Presence.PRESENT -> R.id.present
                Presence.ABSENT -> R.id.absent
                Presence.UNMARKED -> -1
            },
        )
        findViewById<TextView>(R.id.savings_due).text = getString(R.string.savings_due, group.show(sheet.savingsDue))
        // After a rotation, what was typed stays; otherwise the fields start with what is due.
        val typed = restored != null
        if (!typed) findViewById<EditText>(R.id.savings_amount).setText(sheet.savingsPrefill)
        findViewById<LinearLayout>(R.id.fines_section).visibility = if (sheet.finesDue.signum() > 0) View.VISIBLE else View.GONE
        findViewById<TextView>(R.id.fines_due).text = getString(R.string.fines_due, group.show(sheet.finesDue))
        if (!typed) findViewById<EditText>(R.id.fine_amount).setText(sheet.finesPrefill)
        showLoans(sheet)
    }

    private fun showLoans(sheet: MemberSheet) {
        val group = day.group
        repayFields.clear()
        val views = sheet.loans.flatMap { loan ->
            val due = getString(R.string.loan_due, group.count(loan.loanNo.toLong()), group.show(loan.outstanding), group.show(loan.dueNow))
            val late = if (loan.daysPastDue > 0) "\n" + getString(R.string.loan_late, group.count(loan.daysPastDue)) else ""
            val field = EditText(this).apply {
                // What was typed before a rotation wins over the pre-filled due amount.
                setText(restored?.getString(repayKey(loan.loanNo)) ?: loan.prefill)
                hint = getString(R.string.amount_hint)
                textSize = 20f
                minHeight = resources.getDimensionPixelSize(R.dimen.touch)
                acceptLocalDigits()
            }
            repayFields[loan.loanNo] = field
            listOf(
                bodyText(due + late),
                field,
                bigButton(getString(R.string.repay)) {
                    val amount = field.text.toString()
                    saved(getString(R.string.repay)) { it.repay(loan.loanNo, amount) }
                },
            )
        }
        val unfinished = sheet.unfinished.map {
            bodyText(getString(R.string.loan_unfinished, group.count(it.toLong())))
        }
        findViewById<LinearLayout>(R.id.loans).addAll(views + unfinished)
        restored = null // only the first showing after a restore takes the typed text
    }

    /** Runs [action] once the screen has its meeting day; a press before that does nothing. */
    private fun ifReady(action: (MeetingDay) -> Unit) {
        if (::day.isInitialized) action(day)
    }

    private fun attendance(present: Boolean) = ifReady { day ->
        withBook({ day.markAttendance(memberNo, present) }) { refresh() }
    }

    private fun savings(fund: SavingsFund) {
        val label = getString(if (fund == SavingsFund.COMPULSORY) R.string.save_compulsory else R.string.save_voluntary)
        val amount = text(R.id.savings_amount)
        saved(label) { it.depositSavings(memberNo, amount, fund) }
    }

    /**
     * A Save: the command off the main thread, then her sheet read again; the
     * status says what was recorded (TalkBack reads it), and the sheet shows the new dues.
     */
    private fun saved(what: String, save: (MeetingDay) -> Outcome<BigDecimal>) = ifReady { day ->
        withBook({ save(day) }) { amount ->
            refresh { findViewById<TextView>(R.id.saved).text = getString(R.string.saved, "$what, ${day.group.show(amount)}") }
        }
    }

    private fun newLoan() = ifReady { day ->
        val period = if (findViewById<RadioGroup>(R.id.rate_period).checkedRadioButtonId == R.id.per_year) RatePeriod.YEAR else RatePeriod.MONTH
        val method = methods[findViewById<Spinner>(R.id.loan_method).selectedItemPosition.coerceIn(methods.indices)]
        val form = LoanForm(text(R.id.loan_principal), text(R.id.loan_rate), period, text(R.id.loan_instalments), method)
        withBook({ day.newLoan(memberNo, form) }) { given ->
            listOf(R.id.loan_principal, R.id.loan_rate, R.id.loan_instalments).forEach { findViewById<EditText>(it).setText("") }
            refresh {
                findViewById<TextView>(R.id.saved).text =
                    getString(R.string.loan_given, day.group.count(given.loanNo.toLong()), day.group.show(given.principal))
            }
        }
    }
}
