package org.daftar

import java.io.IOException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration

/**
 * The programme server's transport over the JDK's own `java.net.http`: no
 * extra dependency. Pass it to [DaftarBook.syncWithServer]:
 *
 * ```
 * book.syncWithServer(JavaHttpTransport("https://daftar.example.org"), ServerSyncOptions(listOf(), "asha", null), null)
 * ```
 *
 * A request that gets no answer (no network, a dropped connection, a timeout)
 * throws, which stops the sync; running it again is safe.
 */
class JavaHttpTransport(
    baseUrl: String,
    private val timeout: Duration = Duration.ofSeconds(60),
) : HttpTransport {
    private val base = baseUrl.trimEnd('/')
    private val client: HttpClient = HttpClient.newBuilder().connectTimeout(timeout).build()

    override fun send(method: String, path: String, auth: String, body: ByteArray): HttpAnswer {
        val builder = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("daftar-auth", auth)
        val request = when (method) {
            "GET" -> builder.GET().build()
            else -> builder.header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()
        }
        val response = try {
            client.send(request, HttpResponse.BodyHandlers.ofByteArray())
        } catch (e: IOException) {
            throw DaftarException.Internal("no answer from $base$path: ${e.message ?: e.javaClass.simpleName}")
        } catch (e: InterruptedException) {
            Thread.currentThread().interrupt()
            throw DaftarException.Cancelled("interrupted while waiting for the server")
        }
        return HttpAnswer(response.statusCode(), response.body())
    }
}
