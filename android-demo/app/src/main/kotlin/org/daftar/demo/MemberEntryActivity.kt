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
    private var memberNo = 0u

    /** The loan methods in the order of the spinner's strings (R.array.loan_methods). */
    private val methods = listOf(Method.REDUCING, Method.FLAT, Method.EMI, Method.FEE_DEDUCTED)

    /**
     * The repayment fields, made in code and so without view ids: Android keeps
     * their text over a rotation or process death only through this activity's
     * own saved state.
     */
    private val repayFields = mutableMapOf<UInt, EditText>()
    private var restored: Bundle? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        restored = savedInstanceState
        setContentView(R.layout.activity_member_entry)
        keepClearOfSystemBars()
        val group = shown(app.group(this)) ?: return
        day = shown(app.session().map { MeetingDay(it, group) }) ?: return
        memberNo = intent.getIntExtra(DaftarApp.EXTRA_MEMBER, 0).toUInt()
        listOf(R.id.savings_amount, R.id.fine_amount, R.id.loan_principal, R.id.loan_rate, R.id.loan_instalments)
            .forEach { findViewById<EditText>(it).acceptLocalDigits() }

        findViewById<RadioButton>(R.id.present).setOnClickListener { attendance(true) }
        findViewById<RadioButton>(R.id.absent).setOnClickListener { attendance(false) }
        findViewById<Button>(R.id.save_compulsory).setOnClickListener { savings(SavingsFund.COMPULSORY) }
        findViewById<Button>(R.id.save_voluntary).setOnClickListener { savings(SavingsFund.VOLUNTARY) }
        findViewById<Button>(R.id.collect_fine).setOnClickListener {
            saved(day.collectFine(memberNo, text(R.id.fine_amount)), getString(R.string.collect_fine))
        }
        findViewById<Button>(R.id.give_loan).setOnClickListener { newLoan() }
        refresh()
    }

    override fun onSaveInstanceState(outState: Bundle) {
        super.onSaveInstanceState(outState)
        repayFields.forEach { (loan, field) -> outState.putString(repayKey(loan), field.text.toString()) }
    }

    private fun repayKey(loan: UInt) = "repay-$loan"

    private fun text(id: Int) = findViewById<EditText>(id).text.toString()

    private fun refresh() {
        val sheet = shown(day.sheet(memberNo)) ?: return
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
        findViewById<EditText>(R.id.savings_amount).setText(sheet.savingsPrefill)
        findViewById<LinearLayout>(R.id.fines_section).visibility = if (sheet.finesDue.signum() > 0) View.VISIBLE else View.GONE
        findViewById<TextView>(R.id.fines_due).text = getString(R.string.fines_due, group.show(sheet.finesDue))
        findViewById<EditText>(R.id.fine_amount).setText(sheet.finesPrefill)
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
                    saved(day.repay(loan.loanNo, field.text.toString()), getString(R.string.repay))
                },
            )
        }
        val unfinished = sheet.unfinished.map {
            bodyText(getString(R.string.loan_unfinished, group.count(it.toLong())))
        }
        findViewById<LinearLayout>(R.id.loans).addAll(views + unfinished)
        restored = null // only the first showing after a restore takes the typed text
    }

    private fun attendance(present: Boolean) {
        shown(day.markAttendance(memberNo, present)) ?: return
        refresh()
    }

    private fun savings(fund: SavingsFund) {
        val label = getString(if (fund == SavingsFund.COMPULSORY) R.string.save_compulsory else R.string.save_voluntary)
        saved(day.depositSavings(memberNo, text(R.id.savings_amount), fund), label)
    }

    /** After a save: the status says what was recorded, and the sheet shows the new dues. */
    private fun saved(outcome: Outcome<BigDecimal>, what: String) {
        val amount = shown(outcome) ?: return
        refresh()
        findViewById<TextView>(R.id.saved).text = getString(R.string.saved, "$what, ${day.group.show(amount)}")
    }

    private fun newLoan() {
        val period = if (findViewById<RadioGroup>(R.id.rate_period).checkedRadioButtonId == R.id.per_year) RatePeriod.YEAR else RatePeriod.MONTH
        val method = methods[findViewById<Spinner>(R.id.loan_method).selectedItemPosition.coerceIn(methods.indices)]
        val form = LoanForm(text(R.id.loan_principal), text(R.id.loan_rate), period, text(R.id.loan_instalments), method)
        val given = shown(day.newLoan(memberNo, form)) ?: return
        refresh()
        listOf(R.id.loan_principal, R.id.loan_rate, R.id.loan_instalments).forEach { findViewById<EditText>(it).setText("") }
        findViewById<TextView>(R.id.saved).text =
            getString(R.string.loan_given, day.group.count(given.loanNo.toLong()), day.group.show(given.principal))
    }
}
