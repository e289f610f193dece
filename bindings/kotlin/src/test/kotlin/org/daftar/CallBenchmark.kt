package org.daftar

import java.math.BigDecimal
import java.nio.file.Files
import java.time.LocalDate
import java.util.UUID

/**
 * The cost of calling the core from Kotlin (JNA + UniFFI) against calling it
 * from Rust: the same calls as `daftar bench --workload calls`, whose figures
 * arrive as system properties (rust.policy.us, rust.deposit.us, rust.meeting.us).
 * A benchmark, not a test: surefire skips it; `scripts/bench.sh` runs it.
 * Prints rows in the columns of `daftar bench`.
 */
object CallBenchmark {
    private val day = LocalDate.of(2025, 4, 7)
    private fun meta() = commandMeta("bench", "bench")

    private fun median(v: MutableList<Long>): Long { v.sort(); return v[v.size / 2] }

    private fun peakRss(): String =
        runCatching { java.io.File("/proc/self/status").readLines().first { it.startsWith("VmHWM:") }.substringAfter(":").trim() }
            .getOrDefault("n/a")

    private fun shg(book: DaftarBook): UUID {
        val id = UUID.fromString(newOpId().toString())
        book.createOrganisation(meta(), NewOrganisation(
            id = id, kind = OrgKind.SHG, name = "bench", currency = Currency("INR", 2),
            calendar = Calendar.GREGORIAN, fiscalYearStart = FiscalYearStart(4, 1), locale = Locale.EN_IN,
            rounding = RoundingRule(RoundingMode.HALF_UP, RoundingUnit.MINOR), openedOn = day))
        for (i in 0 until 15) book.addMember(meta(), id, NewMember(null, "सदस्य $i", MemberRole.MEMBER, null, day))
        return id
    }

    /** Open, 15 members x (attendance, two deposits, a fine), close: 62 durable saves. */
    private fun meeting(book: DaftarBook, org: UUID, d: LocalDate) {
        val m = book.openMeeting(meta(), org, d).number!!
        for (no in 1..15) {
            book.markAttendance(meta(), org, m, no, true)
            book.depositSavings(meta(), org, SavingsEntry(d, no, Via.CASH, BigDecimal(50), SavingsFund.COMPULSORY))
            book.depositSavings(meta(), org, SavingsEntry(d, no, Via.CASH, BigDecimal(50), SavingsFund.VOLUNTARY))
            book.collectCharge(meta(), org, ChargeEntry(d, no, MemberCharge.ABSENCE_FINE, Via.CASH, BigDecimal.ONE))
        }
        val cash = book.cashInHand(org)
        book.closeMeeting(meta(), org, m, cash, null)
    }

    @JvmStatic
    fun main(args: Array<String>) {
        // Set by scripts/bench.sh: 1 for --quick (exec.args would reach the pom's other exec steps).
        val quick = args.contains("--quick") || System.getProperty("bench.quick") == "1"
        val calls = if (quick) 1_000 else 100_000
        val rounds = if (quick) 5 else 50
        val dir = Files.createTempDirectory("daftar-kotlin-bench")
        try {
            DaftarBook.open(dir.resolve("calls.daftar").toString()).use { book ->
                val org = shg(book)
                repeat(calls / 10) { book.policy(org) } // warm up the JIT and JNA
                var t = System.nanoTime()
                repeat(calls) { book.policy(org) }
                val cheapUs = (System.nanoTime() - t) / 1e3 / calls

                // Where a cheap call's time goes: the crossing alone (a function
                // that returns a constant), then a value back through a RustBuffer.
                repeat(calls / 10) { encryptionAvailable(); newOpId() }
                t = System.nanoTime()
                repeat(calls) { encryptionAvailable() }
                val nothingUs = (System.nanoTime() - t) / 1e3 / calls
                t = System.nanoTime()
                repeat(calls) { newOpId() }
                val opIdUs = (System.nanoTime() - t) / 1e3 / calls

                val entries = maxOf(calls / 100, 10)
                val deposits = MutableList(entries) { i ->
                    t = System.nanoTime()
                    book.depositSavings(meta(), org,
                        SavingsEntry(day, (i % 15) + 1, Via.CASH, BigDecimal(50), SavingsFund.COMPULSORY))
                    System.nanoTime() - t
                }
                val depositUs = median(deposits) / 1e3

                val meetings = MutableList(rounds) { r ->
                    t = System.nanoTime()
                    meeting(book, org, day.plusWeeks(r.toLong()))
                    System.nanoTime() - t
                }
                val meetingUs = median(meetings) / 1e3

                fun row(what: String, kotlinUs: Double, property: String, peak: String) {
                    val rust = System.getProperty(property)?.toDoubleOrNull()
                    val base = rust?.let { "%.2f us the same call from Rust".format(it) } ?: "- (no Rust figure given)"
                    val ratio = rust?.let { "%.1fx".format(kotlinUs / it) } ?: "-"
                    println("%-62s  %22s  %50s  %16s  %10s".format(what, "%.2f us".format(kotlinUs), base, ratio, peak))
                }
                row("Kotlin: policy (cheap read), per call", cheapUs, "rust.policy.us", peakRss())
                println("%-62s  %22s  %50s  %16s  %10s".format("  of which: a call that returns a constant",
                    "%.2f us".format(nothingUs), "- (JNA's crossing, the floor)", "-", ""))
                println("%-62s  %22s  %50s  %16s  %10s".format("  of which: a new op_id back (a RustBuffer)",
                    "%.2f us".format(opIdUs), "- (a string back, parsed)", "-", ""))
                row("Kotlin: deposit savings (durable), p50", depositUs, "rust.deposit.us", "")
                row("Kotlin: a meeting, 62 durable saves, p50", meetingUs, "rust.meeting.us", "")
            }
        } finally {
            dir.toFile().deleteRecursively()
        }
    }
}
