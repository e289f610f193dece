package org.daftar.demo.logic

import java.nio.file.Files
import org.daftar.DaftarBook
import org.daftar.MeetingStatus
import org.daftar.OrgKind
import org.daftar.SavingsFund
import org.daftar.buildDemo

/**
 * The meeting screens as the app drives them (`MeetingDay`, the code behind
 * MeetingActivity and MemberEntryActivity), on the demo book's SHG after its
 * year of weekly meetings: the calls into the core per screen and per Save,
 * counted at the FFI (every `DaftarBook` method through a proxy, and every
 * op_id made), and the time of each. Beside each screen, the same figures read
 * one call each, as the screens did before they had one call; beside each Save,
 * the command's own call.
 * A benchmark, not a test: surefire skips it; `scripts/bench.sh` runs it.
 * Prints rows in the columns of `daftar bench`.
 */
object MeetingScreenBenchmark {
    /** A screen's or a Save's figures over every time it was measured. */
    private class Sample {
        val nanos = mutableListOf<Long>()
        val calls = mutableListOf<Int>()
        fun add(n: Long, c: Int) { nanos += n; calls += c }
        fun p50Ms(): Double = nanos.sorted()[nanos.size / 2] / 1e6
        fun callRange(): String = if (calls.min() == calls.max()) "${calls.min()}" else "${calls.min()}-${calls.max()}"
    }

    private fun row(what: String, value: String, base: String, ratio: String) =
        println("%-62s  %22s  %50s  %16s  %10s".format(what, value, base, ratio, ""))

    @JvmStatic
    fun main(args: Array<String>) {
        val quick = args.contains("--quick") || System.getProperty("bench.quick") == "1"
        val meetings = if (quick) 2 else 20
        val dir = Files.createTempDirectory("daftar-screen-bench")
        try {
            val path = dir.resolve("demo.daftar").toString()
            buildDemo(path, 7L, null)
            DaftarBook.open(path).use { real ->
                val counting = CountingBook(real)
                val book = counting.book
                val session = BookSession.over(book, Keeper("bench", "bench-phone"))
                val group = session.groups().ok().first { it.org.kind == OrgKind.SHG }
                val day = MeetingDay(session, group)
                val org = group.id

                fun calls() = counting.calls + session.pending.opIdsMade
                fun <T> measured(sample: Sample, f: () -> T): T {
                    val c0 = calls()
                    val t = System.nanoTime()
                    val v = f()
                    sample.add(System.nanoTime() - t, calls() - c0)
                    return v
                }

                val meetingScreen = Sample()
                val meetingScreenByFigure = Sample()
                val memberScreen = Sample()
                val memberScreenByFigure = Sample()
                val save = Sample()
                val commandNanos = mutableListOf<Long>()
                val writes = setOf("markAttendance", "depositSavings", "collectCharge", "repayLoan")
                var date = real.lastBusinessDate(org)
                repeat(meetings) {
                    date = date.plusWeeks(1)
                    day.open(date.toString()).ok()
                    val state = measured(meetingScreen) { day.state(date).ok() } as MeetingState.Open
                    measured(meetingScreenByFigure) {
                        // The same figures one call each: meetings, members, cash, each member's dues and loans.
                        val m = book.meetings(org).last { it.status == MeetingStatus.OPEN }
                        book.members(org).filter { it.exitedOn == null }.forEach { member ->
                            book.memberDues(org, member.memberNo, m.heldOn).loansDue.forEach { book.loanStanding(org, it.loanNo, m.heldOn) }
                        }
                        book.cashInHand(org)
                    }
                    for (line in state.roll) {
                        val no = line.memberNo
                        val sheet = measured(memberScreen) { day.sheet(no).ok() }
                        measured(memberScreenByFigure) {
                            val m = book.meetings(org).last { it.status == MeetingStatus.OPEN }
                            book.members(org).first { it.memberNo == no }
                            book.memberDues(org, no, m.heldOn).loansDue.forEach { book.loanStanding(org, it.loanNo, m.heldOn) }
                            book.loans(org)
                        }
                        // Each Save is the command, then the sheet read again, as the screen does.
                        fun saved(action: () -> Outcome<*>) {
                            val before = writes.sumOf { counting.nanos[it] ?: 0L }
                            measured(save) { action().ok(); day.sheet(no).ok() }
                            commandNanos += writes.sumOf { counting.nanos[it] ?: 0L } - before
                        }
                        saved { day.markAttendance(no, true) }
                        saved { day.depositSavings(no, sheet.savingsPrefill.ifEmpty { "50" }, SavingsFund.COMPULSORY) }
                        if (sheet.finesDue.signum() > 0) saved { day.collectFine(no, sheet.finesPrefill) }
                        sheet.loans.filter { it.dueNow.signum() > 0 }.forEach { loan -> saved { day.repay(loan.loanNo, loan.prefill) } }
                    }
                    day.close(group.field(day.cashInBook().ok()), "").ok()
                }
                val command = commandNanos.sorted()[commandNanos.size / 2] / 1e6
                fun screen(what: String, s: Sample, by: Sample) = row(
                    what, "%.2f ms, %s call".format(s.p50Ms(), s.callRange()),
                    "%.2f ms, %s calls one figure each".format(by.p50Ms(), by.callRange()),
                    "%.2fx".format(s.p50Ms() / by.p50Ms()),
                )
                screen("Kotlin screen: meeting (roll with dues), p50", meetingScreen, meetingScreenByFigure)
                screen("Kotlin screen: a member at the meeting, p50", memberScreen, memberScreenByFigure)
                row(
                    "Kotlin screen: a member's Save + her sheet, p50",
                    "%.2f ms, %s calls".format(save.p50Ms(), save.callRange()),
                    "%.2f ms the command's call alone".format(command),
                    "%.2fx".format(save.p50Ms() / command),
                )
                println("Screen rows: ${save.nanos.size} Saves over $meetings meetings of the demo SHG (${state(day)}); calls are counted at the FFI, op_ids included.")
            }
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    private fun state(day: MeetingDay): String =
        when (val s = day.state(java.time.LocalDate.now()).ok()) {
            is MeetingState.NoneOpen -> "${s.last?.meetingNo} meetings"
            is MeetingState.Open -> "meeting ${s.meeting.meetingNo} open"
        }
}
