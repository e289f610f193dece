package org.daftar.demo

import android.app.Activity
import android.content.Intent
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.ProgressBar
import android.widget.TextView
import java.time.LocalDate
import org.daftar.demo.logic.BookCheck
import org.daftar.demo.logic.BookChecks
import org.daftar.demo.logic.ExportFormat
import org.daftar.demo.logic.ExportedFile
import org.daftar.demo.logic.Outcome

/** Verify the whole book and show this group's checkpoint; export the group's ledger through the share sheet. */
class VerifyActivity : Activity() {
    private lateinit var checks: BookChecks
    private var running: SlowJob<*>? = null
    private val groupId: String get() = intent.getStringExtra(DaftarApp.EXTRA_GROUP).orEmpty()
    private val verifyKey get() = "verify-$groupId"
    private val exportKey get() = "export-$groupId"

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_verify)
        keepClearOfSystemBars()
        // The buttons wait until the group is read.
        busy(true)
        findViewById<Button>(R.id.cancel).visibility = View.GONE
        findViewById<Button>(R.id.cancel).setOnClickListener { running?.relay?.cancel() }
        withBook({ app.group(this).then { group -> app.session().map { BookChecks(it, group) } } }) {
            checks = it
            title = it.group.name
            findViewById<Button>(R.id.run_verify).setOnClickListener { verify() }
            findViewById<Button>(R.id.export_hledger).setOnClickListener { export(ExportFormat.HLEDGER) }
            findViewById<Button>(R.id.export_beancount).setOnClickListener { export(ExportFormat.BEANCOUNT) }
            findViewById<Button>(R.id.export_csv).setOnClickListener { export(ExportFormat.CSV) }
            // After a rotation: the verify or export started before it is still running, or has ended.
            val bar = findViewById<ProgressBar>(R.id.progress)
            running = attachSlow(verifyKey, bar, ::verified) ?: attachSlow(exportKey, bar, ::exported)
            busy(running != null)
        }
    }

    override fun onDestroy() {
        releaseSlow(verifyKey)
        releaseSlow(exportKey)
        super.onDestroy()
    }

    private fun busy(on: Boolean) {
        listOf(R.id.run_verify, R.id.export_hledger, R.id.export_beancount, R.id.export_csv)
            .forEach { findViewById<Button>(it).isEnabled = !on }
        findViewById<Button>(R.id.cancel).visibility = if (on) View.VISIBLE else View.GONE
    }

    private fun verify() {
        busy(true)
        running = runSlow(verifyKey, findViewById<ProgressBar>(R.id.progress), { relay -> checks.verify(relay) }, ::verified)
    }

    private fun verified(outcome: Outcome<BookCheck>) {
        running = null
        busy(false)
        shown(outcome)?.let(::showCheck)
    }

    private fun showCheck(check: BookCheck) {
        findViewById<TextView>(R.id.verdict).setText(if (check.intact) R.string.verify_intact else R.string.verify_tampered)
        findViewById<TextView>(R.id.chains).text = check.chains.joinToString("\n") { c ->
            getString(R.string.verify_chain, c.name, checks.group.count(c.events)) + (c.problem?.let { "\n  $it" } ?: "")
        }
        findViewById<TextView>(R.id.checkpoint).text = getString(R.string.verify_checkpoint, check.checkpoint)
    }

    private fun export(format: ExportFormat) {
        busy(true)
        val dir = ExportProvider.directory(this)
        running = runSlow(exportKey, findViewById<ProgressBar>(R.id.progress), { relay -> checks.export(format, dir, LocalDate.now(), relay) }, ::exported)
    }

    private fun exported(outcome: Outcome<ExportedFile>) {
        running = null
        busy(false)
        shown(outcome)?.let(::share)
    }

    /** Hands the file to the share sheet; the receiving app may read it once, through ExportProvider. */
    private fun share(exported: ExportedFile) {
        findViewById<TextView>(R.id.verdict).text = getString(R.string.export_done, checks.group.count(exported.entries))
        val send = Intent(Intent.ACTION_SEND).apply {
            type = exported.format.mimeType
            putExtra(Intent.EXTRA_STREAM, ExportProvider.uriOf(exported.file))
            putExtra(Intent.EXTRA_SUBJECT, exported.file.name)
            addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        }
        startActivity(Intent.createChooser(send, getString(R.string.share_with)))
    }
}
