package org.daftar

import java.util.concurrent.Executors
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Job
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.channelFlow
import kotlinx.coroutines.withContext

/**
 * Where the library runs book calls away from the caller's thread (an app's
 * main thread above all). One thread: the book serialises its calls anyway, so
 * more threads would only wait. An app may put its own dispatcher here (a test
 * dispatcher, or one it shares), before its first call.
 */
object DaftarDispatchers {
    @Volatile
    var book: CoroutineDispatcher = Executors.newSingleThreadExecutor { r ->
        Thread(r, "daftar-book").apply { isDaemon = true }
    }.asCoroutineDispatcher()
}

/**
 * Any call of the book as a suspending call on [DaftarDispatchers.book]:
 * `val members = book.call { members(org) }`. The core's refusals arrive as
 * the same [DaftarException]s.
 */
suspend fun <T> DaftarBook.call(block: DaftarBook.() -> T): T =
    withContext(DaftarDispatchers.book) { block() }

/** A long job as it runs: how far it has got, then what it gave. */
sealed interface JobProgress<out T> {
    data class Running(val done: Long, val total: Long) : JobProgress<Nothing>
    data class Done<T>(val value: T) : JobProgress<T>
}

/**
 * A long job (verify, an export, the demo book) as a [Flow] of its progress,
 * ending with its result. It starts when collected, on [DaftarDispatchers.book];
 * cancelling the collector cancels the job in the core at its next step.
 * A collector slower than the job sees every step it has time for, and always
 * the result.
 *
 * `book.longJob { verify(it) }.collect { ... }`
 */
fun <T> DaftarBook.longJob(job: DaftarBook.(ProgressListener) -> T): Flow<JobProgress<T>> = channelFlow {
    val scope = coroutineContext[Job]
    val listener = object : ProgressListener {
        override fun onProgress(done: Long, total: Long): Boolean {
            trySend(JobProgress.Running(done, total))
            return scope?.isActive != false
        }
    }
    val book = this@longJob
    val value = try {
        withContext(DaftarDispatchers.book) { book.job(listener) }
    } catch (e: DaftarException.Cancelled) {
        // Stopped because the collector left: a cancellation, not a failure.
        if (scope?.isActive == false) throw CancellationException("the collector left", e) else throw e
    }
    send(JobProgress.Done(value))
}
