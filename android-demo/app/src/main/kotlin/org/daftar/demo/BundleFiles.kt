package org.daftar.demo

import android.app.Activity
import android.content.ContentResolver
import android.content.Intent
import android.net.Uri

/** A hand-over file is a group's chain: far below this; anything larger is not one. */
private const val MAX_BUNDLE_BYTES = 64 * 1024 * 1024

/** Sends this phone's name and key as text through the share sheet, for the phone or office that needs them. */
fun Activity.shareIdentity(device: String, publicKey: String) {
    val send = Intent(Intent.ACTION_SEND).apply {
        type = "text/plain"
        putExtra(Intent.EXTRA_TEXT, "$device $publicKey")
    }
    startActivity(Intent.createChooser(send, getString(R.string.share_with)))
}

/** Asks the system's file picker for a hand-over file; the answer comes to `onActivityResult` with [requestCode]. */
fun Activity.pickBundleFile(requestCode: Int) {
    val pick = Intent(Intent.ACTION_OPEN_DOCUMENT).apply {
        addCategory(Intent.CATEGORY_OPENABLE)
        type = "*/*"
    }
    @Suppress("DEPRECATION") // Activity's own result handling; no AndroidX here
    startActivityForResult(pick, requestCode)
}

/** The picked file's bytes; null when it cannot be opened or is too large to be a hand-over file. Off the main thread. */
fun ContentResolver.readBundleFile(uri: Uri): ByteArray? =
    openInputStream(uri)?.use { input ->
        val read = input.readNBytesAtMost(MAX_BUNDLE_BYTES + 1)
        if (read.size > MAX_BUNDLE_BYTES) null else read
    }

/** Up to [limit] bytes of the stream (Java 11's readNBytes, which Android 8 lacks). */
private fun java.io.InputStream.readNBytesAtMost(limit: Int): ByteArray {
    val out = java.io.ByteArrayOutputStream()
    val buf = ByteArray(64 * 1024)
    while (out.size() < limit) {
        val n = read(buf, 0, minOf(buf.size, limit - out.size()))
        if (n < 0) break
        out.write(buf, 0, n)
    }
    return out.toByteArray()
}
