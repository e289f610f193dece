package org.daftar

import java.nio.file.Path
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.flow.filterIsInstance
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

class CoroutinesTest {
    @TempDir lateinit var dir: Path

    private fun demoBook(): DaftarBook {
        val path = dir.resolve("demo.daftar").toString()
        buildDemo(path, 1L, null)
        return DaftarBook.open(path)
    }

    @Test
    fun `a suspended call runs on the library's book thread, never the caller's, and refusals still arrive`() = runBlocking {
        demoBook().use { book ->
            val caller = Thread.currentThread().name
            val (thread, orgs) = book.call { Thread.currentThread().name to organisations() }
            // (Under test, coroutines' debug mode adds the coroutine to the name.)
            assertTrue(thread.startsWith("daftar-book"), thread)
            assertTrue(caller != thread)
            assertEquals(3, orgs.size)
            assertThrows<DaftarException.NotFound> {
                runBlocking { book.call { members(java.util.UUID.randomUUID()) } }
            }
            Unit
        }
    }

    @Test
    fun `a long job is a flow of its progress that ends with its result`() = runBlocking {
        demoBook().use { book ->
            val steps = book.longJob { verify(it) }.toList()
            val done = steps.last()
            assertTrue(done is JobProgress.Done && done.value.intact, "$done")
            val running = steps.filterIsInstance<JobProgress.Running>()
            assertTrue(running.isNotEmpty())
            assertTrue(running.zipWithNext().all { (a, b) -> a.done <= b.done }, "$running")
        }
    }

    @Test
    fun `cancelling the collector stops the job in the core, and the book goes on`() = runBlocking {
        demoBook().use { book ->
            val steps = AtomicInteger()
            val stopped = AtomicBoolean(false)
            val cancelled = AtomicBoolean(false)
            val flow = book.longJob { outer ->
                try {
                    verify(object : ProgressListener {
                        override fun onProgress(done: Long, total: Long): Boolean {
                            steps.incrementAndGet()
                            return outer.onProgress(done, total).also { if (!it) stopped.set(true) }
                        }
                    })
                } catch (e: DaftarException.Cancelled) {
                    cancelled.set(true)
                    throw e
                }
            }
            // The collector takes the first step and leaves.
            flow.filterIsInstance<JobProgress.Running>().first()
            // The book answers the next call only once the job has stopped.
            assertEquals(3, book.call { organisations() }.size)
            assertTrue(stopped.get() && cancelled.get(), "steps ${steps.get()}")
            val all = book.call { verify(null) }
            assertTrue(all.intact)
        }
    }
}
