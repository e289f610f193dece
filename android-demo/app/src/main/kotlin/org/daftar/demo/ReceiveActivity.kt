package org.daftar.demo

import android.app.Activity
import android.content.Intent
import android.os.Bundle
import android.widget.Button
import android.widget.EditText
import android.widget.ProgressBar
import android.widget.TextView
import org.daftar.DeviceIdentity
import org.daftar.demo.logic.BookSession
import org.daftar.demo.logic.IncomingGroups
import org.daftar.demo.logic.Outcome
import org.daftar.demo.logic.ProblemKind
import org.daftar.demo.logic.refused

/**
 * A group coming to this phone from another: restored from the server by its
 * id, once the programme's office allows this phone, or taken in from a
 * hand-over file sealed to it. Reached from the first screen, so a phone with
 * no book yet can receive one. Afterwards the book locks: the group's own
 * people unlock it with their PINs.
 */
class ReceiveActivity : Activity() {
    private lateinit var incoming: IncomingGroups
    private var me: DeviceIdentity? = null
    private var running: SlowJob<*>? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_receive)
        keepClearOfSystemBars()
        busy(true)
        val serverFile = BookSession.serverFile(app.bookFile)
        withBook({ app.session().map { IncomingGroups(it, serverFile) }.then { i -> i.identity().map { i to it } } }) { (i, id) ->
            incoming = i
            me = id
            findViewById<TextView>(R.id.this_phone).text = getString(R.string.sync_this_phone, id.device, id.publicKey)
            serverFile.read()?.let { s -> findViewById<EditText>(R.id.server).apply { if (text.isEmpty()) setText(s.url) } }
            findViewById<Button>(R.id.share_key).setOnClickListener { shareKey() }
            findViewById<Button>(R.id.restore).setOnClickListener { restore() }
            findViewById<Button>(R.id.receive_file).setOnClickListener { pickBundleFile(PICK_FILE) }
            // After a rotation: a restore started before it is still running, or has ended.
            running = attachSlow(RESTORE_JOB, findViewById<ProgressBar>(R.id.progress), ::restored)
            busy(running != null)
        }
    }

    override fun onDestroy() {
        releaseSlow(RESTORE_JOB)
        super.onDestroy()
    }

    private fun busy(on: Boolean) {
        listOf(R.id.restore, R.id.receive_file).forEach { findViewById<Button>(it).isEnabled = !on }
    }

    private fun shareKey() {
        val id = me ?: return
        shareIdentity(id.device, id.publicKey)
    }

    private fun restore() {
        val url = findViewById<EditText>(R.id.server).text.toString()
        val group = findViewById<EditText>(R.id.group_id).text.toString()
        busy(true)
        running = runSlow(RESTORE_JOB, findViewById<ProgressBar>(R.id.progress), { relay -> incoming.restore(url, group, relay) }, ::restored)
    }

    private fun restored(outcome: Outcome<Long>) {
        running = null
        busy(false)
        val pulled = shown(outcome) ?: return
        received(getString(R.string.receive_restored, pulled.toString()))
    }

    /** The group is in the book: its people, not whoever was using the phone, unlock it next. */
    private fun received(said: String) {
        findViewById<TextView>(R.id.status).text = said
        app.lock.lock()
    }

    @Deprecated("Activity's own result handling; no AndroidX here")
    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        @Suppress("DEPRECATION")
        super.onActivityResult(requestCode, resultCode, data)
        val uri = data?.data
        if (requestCode != PICK_FILE || resultCode != RESULT_OK || uri == null || !::incoming.isInitialized) return
        val resolver = contentResolver
        withBook({
            val bytes = resolver.readBundleFile(uri)
            if (bytes == null) refused(ProblemKind.INVALID_INPUT, "file") else incoming.receiveFile(bytes)
        }) { applied -> received(getString(R.string.receive_done, applied.toString())) }
    }

    private companion object {
        const val RESTORE_JOB = "restore"
        const val PICK_FILE = 42
    }
}
