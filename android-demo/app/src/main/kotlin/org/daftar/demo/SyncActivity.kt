package org.daftar.demo

import android.app.Activity
import android.content.Intent
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.ProgressBar
import android.widget.TextView
import java.io.File
import java.time.LocalDate
import org.daftar.demo.logic.BookSession
import org.daftar.demo.logic.GroupSync
import org.daftar.demo.logic.Outcome
import org.daftar.demo.logic.ProblemKind
import org.daftar.demo.logic.SyncDone
import org.daftar.demo.logic.SyncView
import org.daftar.demo.logic.refused

/**
 * A group's sync: with the programme's server (push and pull, with progress,
 * cancellable, running on through a rotation), what the server has
 * acknowledged, events kept aside, and hand-over to another phone through the
 * server or as a file sealed to it. Safe to leave or kill at any moment: the
 * book takes each chunk whole, and a sync run again carries on.
 */
class SyncActivity : Activity() {
    private lateinit var sync: GroupSync
    private var seen: SyncView? = null
    private var running: SlowJob<*>? = null
    private val syncKey get() = "sync-" + intent.getStringExtra(DaftarApp.EXTRA_GROUP).orEmpty()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_sync)
        keepClearOfSystemBars()
        busy(true)
        findViewById<Button>(R.id.cancel).visibility = View.GONE
        findViewById<Button>(R.id.cancel).setOnClickListener { running?.relay?.cancel() }
        val lock = app.lock
        val serverFile = BookSession.serverFile(app.bookFile)
        withBook({ app.group(this).then { g -> app.session().map { GroupSync(it, g, lock, serverFile) } } }) {
            sync = it
            title = it.group.name
            findViewById<Button>(R.id.run_sync).setOnClickListener { runSync() }
            findViewById<Button>(R.id.share_key).setOnClickListener { shareKey() }
            findViewById<Button>(R.id.hand_over_server).setOnClickListener { handOver(asFile = false) }
            findViewById<Button>(R.id.hand_over_file).setOnClickListener { handOver(asFile = true) }
            findViewById<Button>(R.id.receive_file).setOnClickListener { pickBundleFile(PICK_FILE) }
            // After a rotation: a sync started before it is still running, or has ended.
            running = attachSlow(syncKey, findViewById<ProgressBar>(R.id.progress), ::synced)
            busy(running != null)
            show()
        }
    }

    override fun onDestroy() {
        releaseSlow(syncKey)
        super.onDestroy()
    }

    private fun busy(on: Boolean) {
        listOf(R.id.run_sync, R.id.hand_over_server, R.id.hand_over_file, R.id.receive_file)
            .forEach { findViewById<Button>(it).isEnabled = !on }
        findViewById<Button>(R.id.cancel).visibility = if (on) View.VISIBLE else View.GONE
    }

    private fun text(id: Int) = findViewById<EditText>(id).text.toString()

    /** Reads the group's sync state (off the main thread) and shows it; then [after]. */
    private fun show(after: () -> Unit = {}) {
        withBook({ sync.view() }) { v ->
            seen = v
            val group = sync.group
            findViewById<TextView>(R.id.holder).text = when {
                v.heldHere -> getString(R.string.sync_holder_here)
                v.holder != null -> getString(R.string.sync_holder_other, v.holder)
                else -> getString(R.string.sync_holder_none)
            }
            findViewById<TextView>(R.id.counts).text = getString(
                R.string.sync_counts, group.count(v.events), group.count(v.acknowledged ?: 0), group.count(v.unsent),
            )
            findViewById<TextView>(R.id.set_aside).apply {
                visibility = if (v.setAside.isEmpty()) View.GONE else View.VISIBLE
                text = getString(R.string.sync_set_aside, group.count(v.setAside.size.toLong())) + "\n" +
                    v.setAside.joinToString("\n") { "${group.count(it.seq)} · ${it.kind} · ${it.device}" }
            }
            val server = findViewById<EditText>(R.id.server)
            if (server.text.isEmpty()) v.server?.let { server.setText(it.url) }
            findViewById<TextView>(R.id.this_phone).text = getString(R.string.sync_this_phone, v.device, v.publicKey)
            after()
        }
    }

    private fun announce(text: String) {
        findViewById<TextView>(R.id.status).text = text
    }

    private fun runSync() {
        val url = text(R.id.server)
        busy(true)
        running = runSlow(syncKey, findViewById<ProgressBar>(R.id.progress), { relay -> sync.withServer(url, relay) }, ::synced)
    }

    /** The state read again, then what the sync did, or why it stopped, in the status line. */
    private fun synced(outcome: Outcome<SyncDone>) {
        running = null
        busy(false)
        show {
            val done = shown(outcome) ?: return@show
            announce(
                if (done.handedOn) {
                    getString(R.string.sync_handed_on)
                } else {
                    getString(R.string.sync_done, sync.group.count(done.pushed), sync.group.count(done.pulled))
                },
            )
        }
    }

    /** This phone's name and key as text, for the phone that will hand a group over to it. */
    private fun shareKey() {
        val v = seen ?: return
        shareIdentity(v.device, v.publicKey)
    }

    /**
     * Hands the book over on the approver's PIN (unless this phone already
     * has: then only the file is made again), through the server or as a file.
     */
    private fun handOver(asFile: Boolean) {
        val device = text(R.id.to_device)
        val key = text(R.id.to_key)
        val approver = text(R.id.approver)
        val pinField = findViewById<EditText>(R.id.approver_pin)
        val pin = pinField.text.toString()
        // Her PIN never stays on the screen, right or wrong.
        pinField.text.clear()
        val already = seen?.let { !it.heldHere && it.holder != null } == true
        val dir = ExportProvider.directory(this)
        withBook({
            val given = if (already && asFile) Outcome.Ok(Unit) else sync.handOver(device, key, approver, pin, LocalDate.now())
            given.then { if (asFile) sync.handOverFile(dir).map { it as File? } else Outcome.Ok(null) }
        }) { file ->
            if (file != null) shareFile(file)
            show { announce(getString(R.string.handover_done, device.trim())) }
        }
    }

    private fun shareFile(file: File) {
        val send = Intent(Intent.ACTION_SEND).apply {
            type = "application/octet-stream"
            putExtra(Intent.EXTRA_STREAM, ExportProvider.uriOf(file))
            putExtra(Intent.EXTRA_SUBJECT, file.name)
            addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        }
        startActivity(Intent.createChooser(send, getString(R.string.share_with)))
    }

    @Deprecated("Activity's own result handling; no AndroidX here")
    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        @Suppress("DEPRECATION")
        super.onActivityResult(requestCode, resultCode, data)
        val uri = data?.data
        if (requestCode != PICK_FILE || resultCode != RESULT_OK || uri == null || !::sync.isInitialized) return
        val resolver = contentResolver
        withBook({
            val bytes = resolver.readBundleFile(uri)
            if (bytes == null) refused(ProblemKind.INVALID_INPUT, "file") else sync.receiveFile(bytes)
        }) { applied -> show { announce(getString(R.string.receive_done, sync.group.count(applied))) } }
    }

    private companion object {
        const val PICK_FILE = 41
    }
}
