package org.daftar.demo

import android.app.Activity
import android.content.Intent
import android.graphics.Bitmap
import android.graphics.Canvas
import android.os.Looper
import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.TextView
import java.io.File
import java.lang.reflect.InvocationTargetException
import java.lang.reflect.Proxy
import java.util.Collections
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import org.daftar.DaftarBookInterface
import org.daftar.Locale
import org.daftar.demo.logic.BookSession
import org.daftar.demo.logic.Outcome
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.android.controller.ActivityController
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

/**
 * The app's Activities on the JVM under Robolectric, through the real core, as
 * a book keeper uses them: the lock, a meeting day from opening to closing, a
 * rotation in the middle of it, a reversal, the verify screen, and each main
 * screen drawn (native graphics) in English, Hindi and Persian into
 * docs/screenshots/android/ (`scripts/android-check.sh`).
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ScreensTest {
    private val app: DaftarApp get() = RuntimeEnvironment.getApplication() as DaftarApp

    @Test
    fun `the first screen offers the demo book on a phone with no book`() {
        val start = Robolectric.buildActivity(StartActivity::class.java).setup().ready().get()
        assertEquals(View.VISIBLE, start.findViewById<View>(R.id.build_demo).visibility)
        shoot(start, "start-en")
    }

    @Test
    fun `a phone with no book reaches the screen that receives a group, which shows its key and names a bad id`() {
        val start = Robolectric.buildActivity(StartActivity::class.java).setup().ready().get()
        start.findViewById<Button>(R.id.receive).performClick()
        val next = shadowOf(start).nextStartedActivity
        assertEquals(ReceiveActivity::class.java.name, next.component?.className)
        val screen = Robolectric.buildActivity(ReceiveActivity::class.java, next).setup().ready().get()
        val key = app.session().valueOrNull()!!.book.device()!!.publicKey
        assertTrue(screen.findViewById<TextView>(R.id.this_phone).text.contains(key))
        screen.findViewById<EditText>(R.id.server).setText("https://daftar.example.org")
        screen.findViewById<EditText>(R.id.group_id).setText("not a group")
        screen.findViewById<Button>(R.id.restore).performClick()
        val status = screen.findViewById<TextView>(R.id.status)
        waitFor { status.text.isNotEmpty() }
        assertTrue(status.text.toString(), status.text.startsWith(app.getString(R.string.problem_invalid_input)))
        assertTrue(app.session().valueOrNull()!!.book.organisations().isEmpty())
        shoot(screen, "receive-en")
    }

    @Test
    fun `a locked book sends every screen to the lock, and the approver's PIN opens it`() {
        demoBook()
        val group = groupOf(Locale.EN_IN)
        val screen = Robolectric.buildActivity(GroupActivity::class.java, groupIntent(group)).setup().ready().get()
        val next = shadowOf(screen).nextStartedActivity
        assertEquals(LockActivity::class.java.name, next.component?.className)
        val lock = Robolectric.buildActivity(LockActivity::class.java, next).setup().ready().get()
        lock.findViewById<EditText>(R.id.person).setText("cc-meena")
        lock.findViewById<EditText>(R.id.pin).setText("1111")
        lock.findViewById<Button>(R.id.unlock).performClick()
        settle()
        assertTrue(lock.findViewById<TextView>(R.id.status).text.isNotEmpty())
        assertTrue(app.isLocked())
        shoot(lock, "lock-en")
        lock.findViewById<EditText>(R.id.pin).setText("2468")
        lock.findViewById<Button>(R.id.unlock).performClick()
        settle()
        assertTrue(lock.isFinishing)
        assertTrue(!app.isLocked())
        assertEquals("cc-meena", app.session().valueOrNull()?.keeper?.actor)
    }

    @Test
    fun `a meeting day from opening to closing, with a rotation in the middle`() {
        unlockedDemo()
        val group = groupOf(Locale.EN_IN)
        var meeting = Robolectric.buildActivity(MeetingActivity::class.java, groupIntent(group)).setup().ready()
        meeting.get().findViewById<Button>(R.id.open_meeting).performClick()
        settle()
        assertEquals(View.VISIBLE, meeting.get().findViewById<View>(R.id.day_section).visibility)

        // The first member's sheet: present, compulsory savings of 50.
        val roll = meeting.get().findViewById<LinearLayout>(R.id.roll)
        assertTrue(roll.childCount > 0)
        roll.getChildAt(0).performClick()
        settle()
        val sheetIntent = shadowOf(meeting.get()).nextStartedActivity
        var sheet: ActivityController<MemberEntryActivity> =
            Robolectric.buildActivity(MemberEntryActivity::class.java, sheetIntent).setup().ready()
        sheet.get().findViewById<View>(R.id.present).performClick()
        settle()
        sheet.get().findViewById<EditText>(R.id.savings_amount).setText("50")
        // The phone turns: the typed amount is still there.
        sheet = sheet.recreate().ready()
        assertEquals("50", sheet.get().findViewById<EditText>(R.id.savings_amount).text.toString())
        sheet.get().findViewById<Button>(R.id.save_compulsory).performClick()
        settle()
        assertEquals("", sheet.get().findViewById<TextView>(R.id.status).text.toString())
        assertTrue(sheet.get().findViewById<TextView>(R.id.saved).text.isNotEmpty())
        sheet.pause().stop().destroy()

        // Back on the meeting, turned too: the roll and the cash show the save.
        meeting = meeting.recreate().ready()
        val cash = meeting.get().findViewById<TextView>(R.id.cash_in_book).text.toString()
        assertTrue(cash, cash.isNotEmpty())
        shoot(meeting.get(), "meeting-open-en")
        val inBook = app.session().valueOrNull()!!.book.cashInHand(group)
        meeting.get().findViewById<EditText>(R.id.counted_cash).setText(inBook.toPlainString())
        meeting.get().findViewById<Button>(R.id.close_meeting).performClick()
        settle()
        assertEquals("", meeting.get().findViewById<TextView>(R.id.status).text.toString())
        assertEquals(View.VISIBLE, meeting.get().findViewById<View>(R.id.open_section).visibility)
        assertEquals(org.daftar.MeetingStatus.CLOSED, app.session().valueOrNull()!!.book.meetings(group).last().status)
    }

    @Test
    fun `a mistaken entry is reversed from the corrections screen with a reason`() {
        unlockedDemo()
        val group = groupOf(Locale.EN_IN)
        val screen = Robolectric.buildActivity(CorrectionsActivity::class.java, groupIntent(group)).setup().ready().get()
        val entries = screen.findViewById<LinearLayout>(R.id.entries)
        assertTrue(entries.childCount > 0)
        entries.getChildAt(0).performClick()
        settle()
        screen.findViewById<EditText>(R.id.reason).setText("typed twice")
        screen.findViewById<Button>(R.id.reverse).performClick()
        settle()
        val status = screen.findViewById<TextView>(R.id.status).text.toString()
        assertEquals(app.getString(R.string.corrections_recorded), status)
        val book = app.session().valueOrNull()!!.book
        val last = book.lastBusinessDate(group)
        val reversal = book.journal(group, last.minusDays(365), last.plusDays(3650)).last()
        assertNotNull(reversal.reverses)
        assertEquals("cc-meena", reversal.actor)
        shoot(screen, "corrections-en")
    }

    @Test
    fun `tapping an entry in a passbook opens it for reversal, chosen`() {
        unlockedDemo()
        val group = groupOf(Locale.EN_IN)
        val passbook = Robolectric.buildActivity(
            PassbookActivity::class.java,
            groupIntent(group).putExtra(DaftarApp.EXTRA_MEMBER, 1),
        ).setup().ready().get()
        val table = passbook.findViewById<android.widget.TableLayout>(R.id.report_table)
        // Row 0 is the headings, row 1 the opening balances: row 2 is the first entry.
        table.getChildAt(2).performClick()
        settle()
        val next = shadowOf(passbook).nextStartedActivity
        assertEquals(CorrectionsActivity::class.java.name, next.component?.className)
        val seq = next.getLongExtra(CorrectionsActivity.EXTRA_ENTRY, -1)
        val book = app.session().valueOrNull()!!.book
        val joined = book.members(group).first { it.memberNo == 1 }.joinedOn
        val first = book.passbook(group, 1, joined, java.time.LocalDate.now())
        val screen = Robolectric.buildActivity(CorrectionsActivity::class.java, next).setup().ready().get()
        val chosen = screen.findViewById<TextView>(R.id.chosen).text.toString()
        assertTrue(chosen, chosen.contains(first.lines.first { it.seq == seq }.narration))
        assertTrue(screen.findViewById<Button>(R.id.reverse).isEnabled)
    }

    @Test
    fun `the verify screen checks the book in the background and says it is intact`() {
        unlockedDemo()
        val screen = Robolectric.buildActivity(VerifyActivity::class.java, groupIntent(groupOf(Locale.EN_IN))).setup().ready().get()
        screen.findViewById<Button>(R.id.run_verify).performClick()
        settle()
        val verdict = screen.findViewById<TextView>(R.id.verdict)
        waitFor { verdict.text.isNotEmpty() }
        assertEquals(app.getString(R.string.verify_intact), verdict.text.toString())
        shoot(screen, "verify-en")
    }

    @Test
    fun `the sync screen shows what the server holds, and with no network says so and loses nothing`() {
        unlockedDemo()
        val group = groupOf(Locale.EN_IN)
        val screen = Robolectric.buildActivity(SyncActivity::class.java, groupIntent(group)).setup().ready().get()
        val events = app.session().valueOrNull()!!.book.syncState(group).head.seq
        val counts = screen.findViewById<TextView>(R.id.counts).text.toString()
        assertTrue(counts, counts.contains("%,d".format(events)) || counts.contains(events.toString()))
        assertEquals(app.getString(R.string.sync_holder_none), screen.findViewById<TextView>(R.id.holder).text.toString())
        val closed = java.net.ServerSocket(0).use { it.localPort }
        screen.findViewById<EditText>(R.id.server).setText("http://127.0.0.1:$closed")
        screen.findViewById<Button>(R.id.run_sync).performClick()
        val status = screen.findViewById<TextView>(R.id.status)
        waitFor { status.text.isNotEmpty() }
        settle()
        assertTrue(status.text.toString(), status.text.startsWith(app.getString(R.string.problem_no_network)))
        assertEquals(events, app.session().valueOrNull()!!.book.syncState(group).head.seq)
        assertTrue(screen.findViewById<Button>(R.id.run_sync).isEnabled)
        shoot(screen, "sync-en")
    }

    @Test
    fun `no screen calls the book on the main thread`() {
        val main = Thread.currentThread()
        val armed = AtomicBoolean(false)
        val onMain = Collections.synchronizedList(mutableListOf<String>())
        val elsewhere = AtomicInteger()
        app.bookSeenThrough = { real ->
            Proxy.newProxyInstance(DaftarBookInterface::class.java.classLoader, arrayOf(DaftarBookInterface::class.java)) { _, m, args ->
                if (armed.get()) {
                    if (Thread.currentThread() === main) onMain += m.name else elsewhere.incrementAndGet()
                }
                try {
                    m.invoke(real, *(args ?: emptyArray()))
                } catch (e: InvocationTargetException) {
                    throw e.targetException
                }
            } as DaftarBookInterface
        }
        unlockedDemo()
        val group = groupOf(Locale.EN_IN)
        armed.set(true)
        Robolectric.buildActivity(StartActivity::class.java).setup().ready()
        Robolectric.buildActivity(LockActivity::class.java).setup().ready()
        Robolectric.buildActivity(GroupActivity::class.java, groupIntent(group)).setup().ready()
        Robolectric.buildActivity(MembersActivity::class.java, groupIntent(group)).setup().ready()
        val member = groupIntent(group).putExtra(DaftarApp.EXTRA_MEMBER, 1)
        Robolectric.buildActivity(PassbookActivity::class.java, member).setup().ready()
        Robolectric.buildActivity(ReportsActivity::class.java, groupIntent(group)).setup().ready()
        Robolectric.buildActivity(CorrectionsActivity::class.java, groupIntent(group)).setup().ready()
        Robolectric.buildActivity(VerifyActivity::class.java, groupIntent(group)).setup().ready()
        Robolectric.buildActivity(SyncActivity::class.java, groupIntent(group)).setup().ready()
        val meeting = Robolectric.buildActivity(MeetingActivity::class.java, groupIntent(group)).setup().ready().get()
        meeting.findViewById<Button>(R.id.open_meeting).performClick()
        settle()
        val sheet = Robolectric.buildActivity(MemberEntryActivity::class.java, member).setup().ready().get()
        sheet.findViewById<View>(R.id.present).performClick()
        settle()
        sheet.findViewById<EditText>(R.id.savings_amount).setText("50")
        sheet.findViewById<Button>(R.id.save_compulsory).performClick()
        settle()
        assertTrue(sheet.findViewById<TextView>(R.id.saved).text.isNotEmpty())
        armed.set(false)
        assertEquals(emptyList<String>(), onMain.toList())
        assertTrue("${elsewhere.get()} calls off the main thread", elsewhere.get() > 10)
    }

    @Test
    @Config(qualifiers = "hi")
    fun `in Hindi the screens read Hindi with the group's Devanagari digits`() = mainScreens("hi", Locale.HI_IN, rtl = false)

    @Test
    @Config(qualifiers = "fa")
    fun `in Persian the screens lay out right to left with Persian digits and labels`() = mainScreens("fa", Locale.FA_IR, rtl = true)

    @Test
    fun `in English the main screens read English`() = mainScreens("en", Locale.EN_IN, rtl = false)

    /** The group, meeting and passbook screens of the group in [locale], drawn as `NAME-[tag].png`. */
    private fun mainScreens(tag: String, locale: Locale, rtl: Boolean) {
        unlockedDemo()
        val group = groupOf(locale)
        val home = Robolectric.buildActivity(GroupActivity::class.java, groupIntent(group)).setup().ready().get()
        assertEquals(if (rtl) View.LAYOUT_DIRECTION_RTL else View.LAYOUT_DIRECTION_LTR, home.window.decorView.layoutDirection)
        assertEquals(app.getString(R.string.group_meeting), home.findViewById<Button>(R.id.open_meeting).text.toString())
        shoot(home, "group-$tag")
        val meeting = Robolectric.buildActivity(MeetingActivity::class.java, groupIntent(group)).setup().ready().get()
        shoot(meeting, "meeting-$tag")
        val passbook = Robolectric.buildActivity(
            PassbookActivity::class.java,
            groupIntent(group).putExtra(DaftarApp.EXTRA_MEMBER, 1),
        ).setup().ready().get()
        val title = passbook.findViewById<TextView>(R.id.report_title).text.toString()
        val digits = when (locale) {
            Locale.FA_IR -> '۰'..'۹'
            Locale.HI_IN -> '०'..'९'
            else -> '0'..'9'
        }
        assertTrue(title, title.any { it in digits })
        shoot(passbook, "passbook-$tag")
        if (locale != Locale.EN_IN) {
            // The passbook's narrations are the group's language, not English.
            val table = passbook.findViewById<android.widget.TableLayout>(R.id.report_table)
            val cells = (0 until table.childCount).flatMap { r ->
                val row = table.getChildAt(r) as android.widget.TableRow
                (0 until row.childCount).map { (row.getChildAt(it) as TextView).text.toString() }
            }
            val latin = cells.joinToString(" ").filter { it in 'a'..'z' || it in 'A'..'Z' }
            assertEquals("", latin)
        }
    }

    private fun demoBook() {
        val built = BookSession.buildDemoBook(app.bookFile, 1, null)
        assertTrue("$built", built is Outcome.Ok)
    }

    private fun unlockedDemo() {
        demoBook()
        val session = app.session().valueOrNull()!!
        session.keeper = (app.lock.unlock(session, "cc-meena", "2468") as Outcome.Ok).value
    }

    private fun groupOf(locale: Locale): java.util.UUID =
        app.session().valueOrNull()!!.book.organisations().first { it.locale == locale }.id

    private fun groupIntent(group: java.util.UUID) =
        Intent(app, GroupActivity::class.java).putExtra(DaftarApp.EXTRA_GROUP, group.toString())

    /** Lets the screens' book thread finish, running what it posts to the main thread, until both are quiet. */
    private fun settle() {
        val until = System.currentTimeMillis() + 60_000
        do {
            while (app.bookBusy) {
                if (System.currentTimeMillis() > until) throw AssertionError("the book thread did not finish")
                Thread.sleep(2)
            }
            shadowOf(Looper.getMainLooper()).idle()
        } while (app.bookBusy)
    }

    private fun <T : Activity> ActivityController<T>.ready(): ActivityController<T> {
        settle()
        return this
    }

    /** Lets the app's background thread finish, running what it posts to the main thread. */
    private fun waitFor(done: () -> Boolean) {
        val until = System.currentTimeMillis() + 120_000
        while (System.currentTimeMillis() < until) {
            shadowOf(Looper.getMainLooper()).idle()
            if (done()) return
            Thread.sleep(20)
        }
        throw AssertionError("the background work did not finish")
    }

    /** Draws the screen as a 720 × 1440 phone shows it, into docs/screenshots/android/NAME.png. */
    private fun shoot(activity: Activity, name: String) {
        val dir = System.getProperty("daftar.screenshots") ?: return
        val root = activity.window.decorView
        val (w, h) = 720 to 1440
        root.measure(
            View.MeasureSpec.makeMeasureSpec(w, View.MeasureSpec.EXACTLY),
            View.MeasureSpec.makeMeasureSpec(h, View.MeasureSpec.EXACTLY),
        )
        root.layout(0, 0, w, h)
        val bitmap = Bitmap.createBitmap(w, h, Bitmap.Config.ARGB_8888)
        root.draw(Canvas(bitmap))
        File(dir).mkdirs()
        File(dir, "$name.png").outputStream().use { bitmap.compress(Bitmap.CompressFormat.PNG, 100, it) }
    }
}
