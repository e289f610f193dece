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

    /** Set after a rotation until the first showing: the typed date is kept. */
    private var restored = false

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        restored = savedInstanceState != null
        setContentView(R.layout.activity_meeting)
        keepClearOfSystemBars()
        findViewById<EditText>(R.id.counted_cash).acceptLocalDigits()
        findViewById<Button>(R.id.open_meeting).setOnClickListener {
            val date = findViewById<EditText>(R.id.meeting_date).text.toString()
            ifReady { day -> withBook({ day.open(date) }) { refresh() } }
        }
        findViewById<Button>(R.id.check_count).setOnClickListener {
            val counted = counted()
            ifReady { day -> withBook({ day.count(counted) }, ::showCount) }
        }
        findViewById<Button>(R.id.close_meeting).setOnClickListener {
            val counted = counted()
            val reason = findViewById<EditText>(R.id.discrepancy_reason).text.toString()
            ifReady { day ->
                withBook({ day.close(counted, reason) }) { closed ->
                    refresh {
                        findViewById<TextView>(R.id.last_meeting).text =
                            getString(R.string.meeting_closed, day.group.show(closed.counted)) + "\n" + countText(closed)
                    }
                }
            }
        }
    }

    override fun onResume() {
        super.onResume()
        // First showing, or back from a member's sheet: the roll and the cash have changed.
        if (::day.isInitialized) {
            refresh()
        } else {
            withBook({ app.group(this).then { group -> app.session().map { MeetingDay(it, group) } } }) {
                day = it
                title = it.group.name
                refresh()
            }
        }
    }

    /** Runs [action] once the screen has its meeting day; a press before that does nothing. */
    private fun ifReady(action: (MeetingDay) -> Unit) {
        if (::day.isInitialized) action(day)
    }

    private fun counted() = findViewById<EditText>(R.id.counted_cash).text.toString()

    /** Reads the meeting screen (one call) off the main thread and shows it; then [after]. */
    private fun refresh(after: () -> Unit = {}) {
        val today = LocalDate.now()
        withBook({ day.state(today) }) { state ->
            show(state)
            restored = false
            after()
        }
    }

    private fun show(state: MeetingState) {
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
                if (!restored) findViewById<EditText>(R.id.meeting_date).setText(group.date(state.suggestedDate))
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
