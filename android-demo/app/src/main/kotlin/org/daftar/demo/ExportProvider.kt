package org.daftar.demo

import android.content.ContentProvider
import android.content.ContentValues
import android.content.Context
import android.database.Cursor
import android.database.MatrixCursor
import android.net.Uri
import android.os.ParcelFileDescriptor
import android.provider.OpenableColumns
import java.io.File
import java.io.FileNotFoundException

/**
 * Serves exported files (and hand-over files) from the cache's exports/ folder, read-only, to the app
 * the user picked in the share sheet (AndroidX's FileProvider is not available
 * here). It is not exported: access comes only from the one-time URI grant.
 */
class ExportProvider : ContentProvider() {
    override fun onCreate(): Boolean = true

    /** The file a URI names, refusing anything that would step outside exports/. */
    private fun fileOf(uri: Uri): File {
        val ctx = context ?: throw FileNotFoundException(uri.toString())
        val name = uri.lastPathSegment ?: throw FileNotFoundException(uri.toString())
        val file = File(directory(ctx), name)
        if (name.contains('/') || file.parentFile?.canonicalPath != directory(ctx).canonicalPath || !file.isFile) {
            throw FileNotFoundException(uri.toString())
        }
        return file
    }

    override fun openFile(uri: Uri, mode: String): ParcelFileDescriptor {
        if (mode != "r") throw SecurityException("exports are read-only")
        return ParcelFileDescriptor.open(fileOf(uri), ParcelFileDescriptor.MODE_READ_ONLY)
    }

    /** Name and size, which share targets (mail, messengers) ask before reading. */
    override fun query(uri: Uri, projection: Array<out String>?, selection: String?, args: Array<out String>?, sort: String?): Cursor {
        val file = fileOf(uri)
        val columns = projection ?: arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE)
        val row = columns.map<String, Any?> { c ->
            when (c) {
                OpenableColumns.DISPLAY_NAME -> file.name
                OpenableColumns.SIZE -> file.length()
                else -> null
            }
        }
        return MatrixCursor(columns, 1).apply { addRow(row.toTypedArray()) }
    }

    override fun getType(uri: Uri): String = when (uri.lastPathSegment?.substringAfterLast('.')) {
        "csv" -> "text/csv"
        "daftar-bundle" -> "application/octet-stream"
        else -> "text/plain"
    }

    override fun insert(uri: Uri, values: ContentValues?): Uri? = null
    override fun delete(uri: Uri, selection: String?, selectionArgs: Array<out String>?): Int = 0
    override fun update(uri: Uri, values: ContentValues?, selection: String?, selectionArgs: Array<out String>?): Int = 0

    companion object {
        private const val AUTHORITY = "org.daftar.demo.exports"

        fun directory(context: Context): File = File(context.cacheDir, "exports")

        fun uriOf(file: File): Uri = Uri.Builder().scheme("content").authority(AUTHORITY).appendPath(file.name).build()
    }
}
