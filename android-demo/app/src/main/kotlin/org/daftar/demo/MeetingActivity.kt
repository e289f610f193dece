package org.daftar.demo

import android.app.Activity
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.TextView
import java.time.LocalDate
import org.daftar.demo.logic.CashCount
import org.daftar.demo.logic.MeetingDay
import org.daftar.demo.logic.MeetingState
import org.daftar.Presence

/** Open a meeting, take the roll, go to each member, and close with the counted cash. */
class MeetingActivity : Activity() {
    private lateinit var day: MeetingDay

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_meeting)
        keepClearOfSystemBars()
        val group = shown(app.group(this)) ?: return
        day = shown(app.session().map { MeetingDay(it, group) }) ?: return
        title = group.name
        findViewById<EditText>(R.id.counted_cash).acceptLocalDigits()
        findViewById<Button>(R.id.open_meeting).setOnClickListener {
            shown(day.open(findViewById<EditText>(R.id.meeting_date).text.toString())) ?: return@setOnClickListener
            refresh()
        }
        findViewById<Button>(R.id.check_count).setOnClickListener {
            shown(day.count(counted()))?.let(::showCount)
        }
        findViewById<Button>(R.id.close_meeting).setOnClickListener {
            val reason = findViewById<EditText>(R.id.discrepancy_reason).text.toString()
            val closed = shown(day.close(counted(), reason)) ?: return@setOnClickListener
            refresh()
            findViewById<TextView>(R.id.last_meeting).text = getString(R.string.meeting_closed, day.group.show(closed.counted)) +
                "\n" + countText(closed)
        }
    }

    override fun onResume() {
        super.onResume()
        // Back from a member's sheet: the roll and the cash have changed.
        if (::day.isInitialized) refresh()
    }

    private fun counted() = findViewById<EditText>(R.id.counted_cash).text.toString()

    private fun refresh() {
        val state = shown(day.state(LocalDate.now())) ?: return
        val openSection = findViewById<LinearLayout>(R.id.open_section)
        val daySection = findViewById<LinearLayout>(R.id.day_section)
        val group = day.group
        when (state) {
            is MeetingState.NoneOpen -> {
                openSection.visibility = View.VISIBLE
                daySection.visibility = View.GONE
                findViewById<TextView>(R.id.meeting_title).setText(R.string.meeting_new)
                findViewById<TextView>(R.id.last_meeting).text = state.last?.let {
                    getString(R.string.meeting_last, group.count(it.meetingNo.toLong()), group.date(it.heldOn))
                } ?: getString(R.string.meeting_first)
                findViewById<EditText>(R.id.meeting_date).setText(group.date(state.suggestedDate))
            }
            is MeetingState.Open -> {
                openSection.visibility = View.GONE
                daySection.visibility = View.VISIBLE
                val m = state.meeting
                findViewById<TextView>(R.id.meeting_title).text =
                    getString(R.string.meeting_title, group.count(m.meetingNo.toLong()), group.date(m.heldOn))
                showRoll(state)
                findViewById<TextView>(R.id.cash_in_book).text = getString(R.string.cash_in_book, group.show(state.cashInBook))
            }
        }
    }

    private fun showRoll(state: MeetingState.Open) {
        findViewById<LinearLayout>(R.id.roll).addAll(
            state.roll.map { line ->
                val mark = getString(
                    when (line.presence) {
                        Presence.PRESENT -> R.string.present
                        Presence.ABSENT -> R.string.absent
                        Presence.UNMARKED -> R.string.unmarked
                    },
                )
                val name = getString(R.string.member_line, day.group.count(line.memberNo.toLong()), line.name)
                val owes = if (line.due.signum() > 0) " · " + getString(R.string.roll_due, day.group.show(line.due)) else ""
                bigButton("$name · $mark$owes") {
                    start(MemberEntryActivity::class.java) {
                        putExtra(DaftarApp.EXTRA_GROUP, day.group.id.toString())
                        putExtra(DaftarApp.EXTRA_MEMBER, line.memberNo.toInt())
                    }
                }
            },
        )
    }

    private fun countText(count: CashCount): String {
        val difference = day.group.show(count.discrepancy.abs())
        return when {
            count.balanced -> getString(R.string.count_matches)
            count.discrepancy.signum() < 0 -> getString(R.string.count_short, difference)
            else -> getString(R.string.count_excess, difference)
        }
    }

    private fun showCount(count: CashCount) {
        findViewById<TextView>(R.id.discrepancy).text = countText(count)
    }
}
