package org.daftar.demo

import android.app.Activity
import android.app.Application
import android.os.Handler
import android.os.Looper
import java.io.File
import java.util.UUID
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import org.daftar.demo.logic.BookSession
import org.daftar.demo.logic.Group
import org.daftar.demo.logic.Keeper
import org.daftar.demo.logic.Outcome
import org.daftar.demo.logic.ProblemKind
import org.daftar.demo.logic.refused

/**
 * Holds the one open book of the process and the thread that does slow work.
 * The book commits each save before returning, so nothing here needs saving on exit.
 */
class DaftarApp : Application() {
    /** One thread: slow jobs (demo, verify, export) queue rather than compete for the book. */
    val slowWork: ExecutorService = Executors.newSingleThreadExecutor()
    val mainThread = Handler(Looper.getMainLooper())

    /** Slow work by the key of the screen that runs it; touched on the main thread only. */
    val jobs = HashMap<String, SlowJob<*>>()

    val bookFile: File get() = File(filesDir, "groups.daftar")

    private var session: BookSession? = null

    /** Who records: the actor is the role on this phone; the device id is made once per install. */
    val keeper: Keeper by lazy {
        val prefs = getSharedPreferences("daftar", MODE_PRIVATE)
        val device = prefs.getString("device", null) ?: ("android-" + UUID.randomUUID().toString().take(8)).also {
            prefs.edit().putString("device", it).apply()
        }
        Keeper(actor = "bookkeeper", device = device)
    }

    @Synchronized
    fun session(): Outcome<BookSession> {
        session?.let { return Outcome.Ok(it) }
        return BookSession.open(bookFile, keeper).also { if (it is Outcome.Ok) session = it.value }
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
    }
}

val Activity.app: DaftarApp get() = application as DaftarApp
