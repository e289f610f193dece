package org.daftar.demo.logic

import java.io.File
import java.time.LocalDate
import org.daftar.ProgressListener

/** What the verify screen shows: the whole book's verdict and this group's checkpoint. */
data class BookCheck(
    val intact: Boolean,
    val integrity: String,
    /** Each organisation's name, events and first problem (null when intact). */
    val chains: List<ChainLine>,
    /** Written down or sent elsewhere, it later proves the book still holds this history. */
    val checkpoint: String,
)

data class ChainLine(val name: String, val events: Long, val problem: String?)

/** An export format the share sheet can send: the core's format, a file extension and a MIME type. */
enum class ExportFormat(val core: org.daftar.ExportFormat, val extension: String, val mimeType: String) {
    HLEDGER(org.daftar.ExportFormat.HLEDGER, "journal", "text/plain"),
    BEANCOUNT(org.daftar.ExportFormat.BEANCOUNT, "beancount", "text/plain"),
    CSV(org.daftar.ExportFormat.CSV, "csv", "text/csv"),
}

data class ExportedFile(val file: File, val entries: Long, val format: ExportFormat)

/** Slow, read-only work on a group's book: run off the main thread, with a progress listener. */
class BookChecks(private val session: BookSession, val group: Group) {
    fun verify(progress: ProgressListener?): Outcome<BookCheck> = attempt {
        val report = session.book.verify(progress)
        BookCheck(
            intact = report.intact,
            integrity = report.integrity,
            chains = report.orgs.map { o ->
                val differences = o.differences.take(3).joinToString("; ") { "${it.table} ${it.key}: ${it.detail}" }
                val problem = listOfNotNull(o.chain.problem, differences.ifEmpty { null }).joinToString("; ").ifEmpty { null }
                ChainLine(o.chain.orgName ?: o.chain.orgId.toString(), o.chain.events, problem)
            },
            checkpoint = session.book.checkpoint(group.id),
        )
    }

    /** The file name says which group, which format, and when, in ASCII so every app that receives it can store it. */
    fun exportFileName(format: ExportFormat, today: LocalDate): String {
        val slug = group.name.filter { it.isLetterOrDigit() && it.code < 128 }.take(24).lowercase()
        val id = group.id.toString().take(8)
        return "daftar-${if (slug.isEmpty()) "" else "$slug-"}$id-$today.${format.extension}"
    }

    /** Writes the group's ledger into [dir] (the app's cache, which the share provider serves). */
    fun export(format: ExportFormat, dir: File, today: LocalDate, progress: ProgressListener?): Outcome<ExportedFile> {
        if (!dir.isDirectory && !dir.mkdirs()) return refused(ProblemKind.STORAGE, dir.path)
        val file = File(dir, exportFileName(format, today))
        return attempt { session.book.export(group.id, format.core, file.path, progress) }
            .map { ExportedFile(file, it, format) }
    }
}
