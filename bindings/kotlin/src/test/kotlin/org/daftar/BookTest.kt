package org.daftar

import java.io.RandomAccessFile
import java.math.BigDecimal
import java.nio.file.Files
import java.nio.file.Path
import java.time.LocalDate
import java.util.UUID
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

class BookTest {
    @TempDir lateinit var dir: Path

    private val day = LocalDate.of(2025, 4, 7)
    /** cc-meena, the approver, confirms with her PIN. */
    private fun meta(actor: String = "asha") =
        commandMeta(actor, "test-phone", if (actor == "cc-meena") "2468" else null)
    private fun dec(s: String) = BigDecimal(s)
    private fun assertAmount(expected: String, actual: BigDecimal) =
        assertEquals(0, dec(expected).compareTo(actual), "expected $expected, got ${actual.toPlainString()}")

    private fun newShg(book: DaftarBook, name: String = "सरस्वती स्वयं सहायता समूह"): UUID {
        val id = UUID.fromString(newOpId().toString())
        book.createOrganisation(meta(), NewOrganisation(
            id = id, kind = OrgKind.SHG, name = name, currency = Currency("INR", 2),
            calendar = Calendar.GREGORIAN, fiscalYearStart = FiscalYearStart(4, 1), locale = Locale.HI_IN,
            rounding = RoundingRule(RoundingMode.HALF_UP, RoundingUnit.MINOR), openedOn = LocalDate.of(2025, 4, 1)))
        return id
    }

    private fun member(name: String) = NewMember(null, name, MemberRole.MEMBER, null, LocalDate.of(2025, 4, 1))
    private fun saving(no: Int, amount: String, fund: SavingsFund = SavingsFund.COMPULSORY) =
        SavingsEntry(day, no, Via.CASH, dec(amount), fund)

    private fun openBook(name: String = "book.daftar") = DaftarBook.open(dir.resolve(name).toString())

    @Test
    fun `a whole meeting day runs from Kotlin and the book verifies`() {
        openBook().use { book ->
            val org = newShg(book)
            book.setPolicy(meta(), org, LocalDate.of(2025, 4, 1), Policy(
                meetingFrequency = Frequency.WEEKLY, compulsorySavings = dec("50"), withdrawals = Withdrawals.VOLUNTARY_ONLY,
                allocationOrder = listOf(Component.PENALTY, Component.INTEREST, Component.PRINCIPAL),
                latePenalty = LatePenalty.Fixed(dec("10")), graceDays = 3, absenceFine = dec("10"),
                exitNetsLoans = true, reversalNeedsApproval = false))
            assertAmount("50", book.policy(org).compulsorySavings)
            // Every amount crosses as the currency's own, never minor units.
            assertAmount("10", (book.policy(org).latePenalty as LatePenalty.Fixed).amount)
            book.setPin(commandMeta("cc-meena", "test-phone"), org, LocalDate.of(2025, 4, 1), "cc-meena", "2468")
            book.setRole(meta(), org, LocalDate.of(2025, 4, 1), "cc-meena", ActorRole.APPROVER)
            val sita = book.addMember(meta(), org, member("सीता देवी")).number!!
            val gita = book.addMember(meta(), org, member("गीता कुमारी")).number!!
            val m = book.openMeeting(meta(), org, day).number!!
            book.markAttendance(meta(), org, m, sita, true)
            book.markAttendance(meta(), org, m, gita, false)
            book.depositSavings(meta(), org, saving(sita, "1000"))
            book.depositSavings(meta(), org, saving(sita, "25.50", SavingsFund.VOLUNTARY))
            assertAmount("10", book.memberDues(org, gita, day).absenceFinesDue)
            val loan = book.applyForLoan(meta(), org, sita, day,
                LoanRequest(dec("600"), dec("24"), RatePeriod.YEAR, 3, Frequency.MONTHLY, Method.REDUCING)).number!!
            book.approveLoan(meta(), org, loan, m)
            book.disburseLoan(meta(), org, loan, day, Via.CASH)
            val given = book.loans(org).single()
            assertEquals(3, given.instalments.size)
            assertAmount("600", given.terms.principal)
            assertAmount("600", given.instalments.fold(BigDecimal.ZERO) { a, i -> a + i.principal })
            val cash = book.cashInHand(org)
            assertAmount("425.50", cash)
            assertEquals(0, cash.compareTo(book.accounts(org).single { it.code == "1100" }.balance))
            book.closeMeeting(meta(), org, m, cash, null)
            // A month later the first instalment is due, and pre-filled.
            val due = book.memberDues(org, sita, LocalDate.of(2025, 5, 7)).loansDue.single()
            assertAmount("212", due.dueNow)
            val m2 = book.openMeeting(meta(), org, LocalDate.of(2025, 5, 7)).number!!
            book.repayLoan(meta(), org, loan, Repayment(LocalDate.of(2025, 5, 7), Via.CASH, due.dueNow))
            val standing = book.loanStanding(org, loan, LocalDate.of(2025, 5, 7))
            assertAmount("400", standing.outstandingPrincipal)
            book.closeMeeting(meta(), org, m2, book.accounts(org).single { it.code == "1100" }.balance, null)

            val tb = book.trialBalance(org)
            assertEquals(0, tb.totalDebit.compareTo(tb.totalCredit))
            assertEquals(2, book.meetings(org).size)
            assertTrue(book.journal(org, day, LocalDate.of(2025, 12, 31)).any { it.kind == "loan.repaid" })
            val report = book.verify(null)
            assertTrue(report.intact, report.toString())
            val checkpoint = book.checkpoint(org)
            assertTrue(checkpoint.startsWith("daftar1 $org "))
            assertEquals(null, book.verifyAgainst(checkpoint).problem)
            book.requireIntact(null)
        }
    }

    @Test
    fun `BigDecimal round trips stay exact`() {
        openBook().use { book ->
            val org = newShg(book)
            val no = book.addMember(meta(), org, member("राधा")).number!!
            book.depositSavings(meta(), org, saving(no, "0.1"))
            book.depositSavings(meta(), org, saving(no, "0.2"))
            val cash = book.accounts(org).single { it.code == "1100" }.balance
            assertEquals("0.30", cash.toPlainString())
            assertEquals(dec("0.1").add(dec("0.2")).compareTo(cash), 0)
            val rows = loanSchedule(LoanRequest(dec("10000"), dec("1"), RatePeriod.MONTH, 12, Frequency.MONTHLY, Method.EMI),
                Currency("INR", 2), RoundingRule(RoundingMode.HALF_UP, RoundingUnit.MINOR), LocalDate.of(2025, 4, 1))
            assertEquals("100.00", rows.first().interest.toPlainString())
            assertEquals(0, rows.fold(BigDecimal.ZERO) { a, r -> a + r.principal }.compareTo(dec("10000")))
        }
    }

    @Test
    fun `Hindi and Persian names round trip and Arabic letters find Persian ones`() {
        openBook().use { book ->
            val org = newShg(book, "صندوق قرض‌الحسنه امید")
            book.addMember(meta(), org, member("सुनीता यादव"))
            book.addMember(meta(), org, member("علی کریمی"))
            val names = book.members(org).map { it.name }
            assertEquals(listOf("सुनीता यादव", "علی کریمی"), names)
            assertEquals("علی کریمی", book.findMembers(org, "علي كريمي").single().name)
            assertEquals("صندوق قرض‌الحسنه امید", book.organisations().single().name)
        }
    }

    @Test
    fun `a retried command with the same op_id records nothing twice`() {
        openBook().use { book ->
            val org = newShg(book)
            val no = book.addMember(meta(), org, member("उषा")).number!!
            val m = meta()
            val first = book.depositSavings(m, org, saving(no, "100"))
            val again = book.depositSavings(m, org, saving(no, "100"))
            assertFalse(first.replayed)
            assertTrue(again.replayed)
            assertEquals(first.seq, again.seq)
            assertAmount("100", book.accounts(org).single { it.code == "1100" }.balance)
        }
    }

    @Test
    fun `an approver's name without her PIN cannot approve, and the lock screen checks a PIN`() {
        openBook().use { book ->
            val org = newShg(book)
            book.setPin(commandMeta("cc-meena", "test-phone"), org, day, "cc-meena", "2468")
            book.setRole(meta(), org, day, "cc-meena", ActorRole.APPROVER)
            val bare = assertThrows<DaftarException.PermissionDenied> {
                book.setRole(commandMeta("cc-meena", "test-phone"), org, day, "ravi", ActorRole.AUDITOR)
            }
            assertTrue(bare.reason.contains("PIN"), bare.reason)
            assertThrows<DaftarException.PermissionDenied> {
                book.setRole(commandMeta("cc-meena", "test-phone", "1111"), org, day, "ravi", ActorRole.AUDITOR)
            }
            book.setRole(meta("cc-meena"), org, day, "ravi", ActorRole.AUDITOR)
            assertTrue(book.pinMatches(org, "cc-meena", "2468"))
            assertTrue(book.pinMatches(org, "cc-meena", "۲۴۶۸"))
            assertFalse(book.pinMatches(org, "cc-meena", "8642"))
            assertFalse(book.pinMatches(org, "asha", "2468"))
            // Whom a lock screen offers: the people the book names, and who has a PIN.
            assertEquals(
                listOf(Person("cc-meena", ActorRole.APPROVER, true), Person("ravi", ActorRole.AUDITOR, false)),
                book.people(org),
            )
        }
    }

    @Test
    fun `an encrypted book needs a 32-byte key and a library built with encryption`() {
        val path = dir.resolve("locked.daftar").toString()
        val short = assertThrows<DaftarException.InvalidInput> { DaftarBook.openEncrypted(path, ByteArray(16)) }
        assertTrue(short.reason.contains("32 bytes"), short.reason)
        // The JVM library is the default build, without SQLCipher: told so, and no file is made.
        val plain = assertThrows<DaftarException.InvalidInput> { DaftarBook.openEncrypted(path, ByteArray(32) { 7 }) }
        assertTrue(plain.reason.contains("built without encryption"), plain.reason)
        assertFalse(Files.exists(dir.resolve("locked.daftar")))
        assertFalse(encryptionAvailable())
        // Nor does it make an encrypted copy of a plain book.
        openBook().use { book ->
            newShg(book)
            val copy = dir.resolve("copy.daftar").toString()
            assertThrows<DaftarException.InvalidInput> { book.encryptCopy(copy, ByteArray(32) { 7 }) }
            assertFalse(Files.exists(dir.resolve("copy.daftar")))
        }
    }

    @Test
    fun `closing a book and then calling it gives a clear exception, not a crash`() {
        val book = openBook()
        val org = newShg(book)
        book.closeBook()
        val e = assertThrows<DaftarException.Storage> { book.members(org) }
        assertTrue(e.reason.contains("closed"), e.reason)
        book.close()
        // After close() the object is gone; a call is refused by the bindings.
        assertThrows<IllegalStateException> { book.members(org) }
    }

    @Test
    fun `the device's clock crosses as an Instant, kept to the second`() {
        openBook().use { book ->
            val org = newShg(book)
            val sita = book.addMember(meta(), org, member("सीता देवी")).number!!
            // The phone's clock says the meeting's day: the saving is taken, its fraction of a second dropped.
            val onTheDay = meta().copy(recordedAt = java.time.Instant.parse("2025-04-07T10:15:30.987654Z"))
            book.depositSavings(onTheDay, org, saving(sita, "10"))
            // A clock six days behind the business date is refused: a date further ahead than the policy allows.
            val behind = meta().copy(recordedAt = java.time.Instant.parse("2025-04-01T10:00:00Z"))
            val refused = assertThrows<DaftarException.InvalidInput> { book.depositSavings(behind, org, saving(sita, "10")) }
            assertTrue(refused.message.orEmpty().contains("2025-04-01"), refused.message)
            assertAmount("10", book.cashInHand(org))
        }
    }

    @Test
    fun `calls from several threads at once are all recorded`() {
        openBook().use { book ->
            val org = newShg(book)
            val nos = (1..4).map { book.addMember(meta(), org, member("सदस्य $it")).number!! }
            val pool = Executors.newFixedThreadPool(8)
            val done = AtomicInteger()
            repeat(8) { t ->
                pool.submit {
                    repeat(25) { book.depositSavings(meta(), org, saving(nos[t % 4], "1")); done.incrementAndGet() }
                }
            }
            pool.shutdown()
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS))
            assertEquals(200, done.get())
            assertAmount("200", book.accounts(org).single { it.code == "1100" }.balance)
            assertTrue(book.verify(null).intact)
        }
    }

    @Test
    fun `building the demo reports progress and can be cancelled`() {
        val calls = AtomicInteger()
        val info = buildDemo(dir.resolve("demo.daftar").toString(), 1L, object : ProgressListener {
            override fun onProgress(done: Long, total: Long): Boolean { calls.incrementAndGet(); return true }
        })
        assertEquals(3, info.organisations.size)
        assertTrue(info.events > 3000L)
        assertTrue(calls.get() > 5)
        assertThrows<DaftarException.Cancelled> {
            buildDemo(dir.resolve("stopped.daftar").toString(), 1L, object : ProgressListener {
                override fun onProgress(done: Long, total: Long) = false
            })
        }
        DaftarBook.open(dir.resolve("demo.daftar").toString()).use { book ->
            val seen = AtomicInteger()
            assertTrue(book.verify(object : ProgressListener {
                override fun onProgress(done: Long, total: Long): Boolean { seen.incrementAndGet(); return true }
            }).intact)
            assertTrue(seen.get() > 0)
            assertThrows<DaftarException.Cancelled> {
                book.verify(object : ProgressListener { override fun onProgress(done: Long, total: Long) = false })
            }
            val e = assertThrows<DaftarException.Internal> {
                book.verify(object : ProgressListener {
                    override fun onProgress(done: Long, total: Long): Boolean = throw IllegalStateException("screen gone")
                })
            }
            assertTrue(e.reason.contains("screen gone"), e.reason)
        }
    }

    @Test
    fun `every error code reaches Kotlin as its own exception`() {
        val path = dir.resolve("errors.daftar")
        DaftarBook.open(path.toString()).use { book ->
            val org = newShg(book)
            val no = book.addMember(meta(), org, member("कमला")).number!!
            book.depositSavings(meta(), org, saving(no, "10"))
            book.setPin(commandMeta("cc-meena", "test-phone"), org, day, "cc-meena", "2468")
            book.setRole(meta(), org, day, "cc-meena", ActorRole.APPROVER)
            book.setRole(meta("cc-meena"), org, day, "auditor", ActorRole.AUDITOR)

            val invalid = assertThrows<DaftarException.InvalidInput> { book.depositSavings(meta(), org, saving(no, "1.005")) }
            assertEquals("amount", invalid.field)
            // A value that cannot even be lifted (more digits than a decimal holds) is a clean exception too.
            assertThrows<DaftarException.InvalidInput> { book.depositSavings(meta(), org, saving(no, "1e40")) }
            assertThrows<DaftarException.NotFound> { book.depositSavings(meta(), org, saving(99, "1")) }
            val m = meta()
            book.depositSavings(m, org, saving(no, "1"))
            assertThrows<DaftarException.Conflict> { book.depositSavings(m, org, saving(no, "2")) }
            val short = assertThrows<DaftarException.InsufficientFunds> {
                book.recordPayment(meta(), org, Voucher(day, Via.CASH, "5200", dec("12"), "tea"))
            }
            assertTrue(short.account.startsWith("1100"), short.account)
            // Amounts, not strings: what cash holds and what the payment needs, in rupees.
            assertEquals(0, short.needed.compareTo(BigDecimal("12")), short.needed.toString())
            assertEquals("INR", short.currency)
            assertTrue(short.neededShown.endsWith(" INR"), short.neededShown)
            assertThrows<DaftarException.PermissionDenied> { book.depositSavings(meta("auditor"), org, saving(no, "1")) }
            book.closeBook()
            assertThrows<DaftarException.Storage> { book.trialBalance(org) }
        }
        // Tamper with one byte of a chained amount: 10.00 becomes 90.00, in
        // every copy of the page the file holds (a stale one may come first).
        val bytes = Files.readAllBytes(path)
        val needle = "\"amount\":1000,".toByteArray()
        var at = indexOf(bytes, needle, 0)
        assertTrue(at > 0)
        while (at >= 0) {
            bytes[at + needle.indexOf('1'.code.toByte())] = '9'.code.toByte()
            at = indexOf(bytes, needle, at + 1)
        }
        Files.write(path, bytes)
        DaftarBook.open(path.toString()).use { book ->
            val e = assertThrows<DaftarException.TamperDetected> { book.requireIntact(null) }
            assertTrue(e.reason.contains("bytes were changed"), e.reason)
        }

        val text = dir.resolve("notes.txt")
        Files.writeString(text, "members: Sita, Gita\n".repeat(20))
        assertThrows<DaftarException.NotABook> { DaftarBook.open(text.toString()) }

        val newer = dir.resolve("newer.daftar")
        DaftarBook.open(newer.toString()).use { it.closeBook() }
        RandomAccessFile(newer.toFile(), "rw").use { it.seek(60); it.writeInt(99) } // user_version
        assertThrows<DaftarException.SchemaTooNew> { DaftarBook.open(newer.toString()) }

        val corrupt = dir.resolve("corrupt.daftar")
        DaftarBook.open(corrupt.toString()).use { b -> newShg(b); b.closeBook() }
        RandomAccessFile(corrupt.toFile(), "rw").use { f -> f.seek(4096 + 8); f.write(ByteArray(392) { 0xA5.toByte() }) }
        assertThrows<DaftarException.Corrupt> { DaftarBook.open(corrupt.toString()) }
    }

    private fun indexOf(haystack: ByteArray, needle: ByteArray, from: Int): Int {
        outer@ for (i in from..haystack.size - needle.size) {
            for (j in needle.indices) if (haystack[i + j] != needle[j]) continue@outer
            return i
        }
        return -1
    }
}
