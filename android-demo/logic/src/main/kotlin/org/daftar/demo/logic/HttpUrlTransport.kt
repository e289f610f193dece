package org.daftar.demo.logic

import java.io.IOException
import java.net.HttpURLConnection
import java.net.URL
import org.daftar.DaftarException
import org.daftar.HttpAnswer
import org.daftar.HttpTransport

/**
 * The programme server's transport over `java.net.HttpURLConnection`, which
 * Android has (the JVM library's `JavaHttpTransport` uses `java.net.http`,
 * which Android lacks). A request that gets no answer throws, which stops the
 * sync; running it again is safe. On a phone the address is HTTPS: Android
 * refuses plain HTTP unless the app allows it, and this one does not.
 */
class HttpUrlTransport(baseUrl: String, private val timeoutMs: Int = 60_000) : HttpTransport {
    private val base = baseUrl.trim().trimEnd('/')

    override fun send(method: String, path: String, auth: String, body: ByteArray): HttpAnswer {
        val where = base + path
        try {
            val c = URL(where).openConnection() as HttpURLConnection
            try {
                c.connectTimeout = timeoutMs
                c.readTimeout = timeoutMs
                c.requestMethod = method
                c.setRequestProperty("daftar-auth", auth)
                if (method != "GET") {
                    c.doOutput = true
                    c.setRequestProperty("content-type", "application/json")
                    c.setFixedLengthStreamingMode(body.size)
                    c.outputStream.use { it.write(body) }
                }
                val status = c.responseCode
                val stream = if (status >= 400) c.errorStream else c.inputStream
                return HttpAnswer(status, stream?.use { it.readBytes() } ?: ByteArray(0))
            } finally {
                c.disconnect()
            }
        } catch (e: IOException) {
            throw DaftarException.Internal("no answer from $where: ${e.message ?: e.javaClass.simpleName}")
        } catch (e: IllegalArgumentException) {
            throw DaftarException.InvalidInput("server", "$base is not a server's address: ${e.message}")
        }
    }
}
