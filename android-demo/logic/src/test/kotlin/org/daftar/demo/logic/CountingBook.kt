package org.daftar.demo.logic

import java.lang.reflect.InvocationHandler
import java.lang.reflect.InvocationTargetException
import java.lang.reflect.Proxy
import org.daftar.DaftarBookInterface

/**
 * A book whose every call into the core is counted, with the time spent in
 * each method: how the tests and the benchmark see what a screen costs.
 * The generated interface declares no exceptions, so a refusal arrives as
 * `UndeclaredThrowableException`: use it where the calls succeed.
 */
class CountingBook(private val target: DaftarBookInterface) : InvocationHandler {
    var calls = 0
        private set
    val nanos = HashMap<String, Long>()
    val names = mutableListOf<String>()

    val book: DaftarBookInterface = Proxy.newProxyInstance(
        DaftarBookInterface::class.java.classLoader, arrayOf(DaftarBookInterface::class.java), this,
    ) as DaftarBookInterface

    override fun invoke(proxy: Any, method: java.lang.reflect.Method, args: Array<out Any?>?): Any? {
        calls++
        // Kotlin mangles a method that takes an unsigned type (`memberSheet-Qn1smSk`).
        val name = method.name.substringBefore('-')
        names += name
        val t = System.nanoTime()
        try {
            return method.invoke(target, *(args ?: emptyArray()))
        } catch (e: InvocationTargetException) {
            throw e.targetException
        } finally {
            nanos.merge(name, System.nanoTime() - t, Long::plus)
        }
    }
}
