package org.daftar.demo

import android.app.Activity
import android.app.Application
import android.content.Intent
import android.os.Bundle
import android.os.Handler
import android.os.Looper
import android.view.KeyEvent
import android.view.MotionEvent
import android.view.Window
import java.io.File
import java.util.UUID
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger
import org.daftar.DaftarBookInterface
import org.daftar.demo.logic.BookSession
import org.daftar.demo.logic.Group
import org.daftar.demo.logic.Keeper
import org.daftar.demo.logic.Outcome
import org.daftar.demo.logic.PhoneLock
import org.daftar.demo.logic.ProblemKind
import org.daftar.demo.logic.refused

/**
 * Holds the one open book of the process, the thread that does slow work, and
 * the lock: while the book is locked, every screen but the lock's sends the
 * person to it. The book commits each save before returning, so nothing here
 * needs saving on exit.
 */
class DaftarApp : Application() {
    /** One thread: slow jobs (demo, verify, export) queue rather than compete for the book. */
    val slowWork: ExecutorService = Executors.newSingleThreadExecutor()

    /**
     * One thread for the screens' book calls (`withBook`), so none runs on the
     * main thread: opening a book checks its file, a PIN's check is slow on
     * purpose, and a call may wait for a save. One thread keeps them in order.
     */
    private val bookThread: ExecutorService = Executors.newSingleThreadExecutor()
    private val bookTasks = AtomicInteger()

    /** Book work queued or running; the screen tests wait for it to end. */
    val bookBusy: Boolean get() = bookTasks.get() > 0

    fun onBookThread(task: () -> Unit) {
        bookTasks.incrementAndGet()
        bookThread.execute {
            try {
                task()
            } finally {
                bookTasks.decrementAndGet()
            }
        }
    }
    val mainThread = Handler(Looper.getMainLooper())

    /** Slow work by the key of the screen that runs it; touched on the main thread only. */
    val jobs = HashMap<String, SlowJob<*>>()

    val bookFile: File get() = File(filesDir, "groups.daftar")

    val keys: BookKeys by lazy { BookKeys(this) }

    private var session: BookSession? = null

    /** What the book opened next is seen through: the screen tests record which thread calls it. */
    var bookSeenThrough: (DaftarBookInterface) -> DaftarBookInterface = { it }

    /** This install's device id, made once. */
    val device: String by lazy {
        val prefs = getSharedPreferences("daftar", MODE_PRIVATE)
        prefs.getString("device", null) ?: ("android-" + UUID.randomUUID().toString().take(8)).also {
            prefs.edit().putString("device", it).apply()
        }
    }

    val lock: PhoneLock by lazy { PhoneLock(device, PhoneLock.lockFile(bookFile)) }

    /** Who records while the book is locked: nobody (the core refuses an empty actor). */
    private val nobody: Keeper get() = Keeper("", device)

    /** The screen in front, while one is; the idle check runs only then. */
    private var resumed: Activity? = null
    private val idleCheck = object : Runnable {
        override fun run() {
            resumed?.let(::sendToLockIfLocked)
            mainThread.postDelayed(this, IDLE_CHECK_MS)
        }
    }

    override fun onCreate() {
        super.onCreate()
        registerActivityLifecycleCallbacks(object : ActivityLifecycleCallbacks {
            override fun onActivityCreated(a: Activity, saved: Bundle?) = countTouches(a)
            override fun onActivityResumed(a: Activity) {
                resumed = a
                sendToLockIfLocked(a)
                mainThread.postDelayed(idleCheck, IDLE_CHECK_MS)
            }
            override fun onActivityPaused(a: Activity) {
                if (resumed === a) resumed = null
                mainThread.removeCallbacks(idleCheck)
            }
            override fun onActivityStarted(a: Activity) = Unit
            override fun onActivityStopped(a: Activity) = Unit
            override fun onActivitySaveInstanceState(a: Activity, out: Bundle) = Unit
            override fun onActivityDestroyed(a: Activity) = Unit
        })
    }

    /** A book on this phone, locked: the person gives her PIN before anything of it shows. */
    fun isLocked(): Boolean {
        if (!bookFile.exists() || !lock.isLocked()) return false
        session?.keeper = nobody
        return true
    }

    private fun sendToLockIfLocked(a: Activity) {
        if (a !is LockActivity && isLocked()) a.startActivity(Intent(a, LockActivity::class.java))
    }

    /** Every touch or key on any screen restarts the idle time. */
    private fun countTouches(a: Activity) {
        val original: Window.Callback = a.window.callback
        a.window.callback = object : Window.Callback by original {
            override fun dispatchTouchEvent(event: MotionEvent): Boolean {
                lock.touch()
                return original.dispatchTouchEvent(event)
            }

            override fun dispatchKeyEvent(event: KeyEvent): Boolean {
                lock.touch()
                return original.dispatchKeyEvent(event)
            }
        }
    }

    /**
     * The open book, opened on first use: encrypted with its Keystore-wrapped
     * key if it was made so on this phone. Its actor is whoever unlocked it.
     */
    @Synchronized
    fun session(): Outcome<BookSession> {
        session?.let { return Outcome.Ok(it) }
        val key = if (keys.exists()) {
            when (val k = keys.open()) {
                is Outcome.Ok -> k.value
                is Outcome.Refused -> return k
            }
        } else {
            null
        }
        return BookSession.open(bookFile, lock.keeper ?: nobody, key, bookSeenThrough).also { if (it is Outcome.Ok) session = it.value }
    }

    /** The group an Activity was started for, from its intent. */
    fun group(activity: Activity): Outcome<Group> {
        val id = activity.intent.getStringExtra(EXTRA_GROUP)
            ?.let { runCatching { UUID.fromString(it) }.getOrNull() }
            ?: return refused(ProblemKind.NOT_FOUND, "group")
        return session().then { it.group(id) }
    }

    companion object {
        const val EXTRA_GROUP = "org.daftar.demo.GROUP"
        const val EXTRA_MEMBER = "org.daftar.demo.MEMBER"
        const val IDLE_CHECK_MS = 30_000L
    }
}

val Activity.app: DaftarApp get() = application as DaftarApp
