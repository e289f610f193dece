package org.daftar.demo

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import java.io.File
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.SecureRandom
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import org.daftar.demo.logic.Outcome
import org.daftar.demo.logic.ProblemKind
import org.daftar.demo.logic.refused

/**
 * An encrypted book's key (docs/security.md, "At rest"): 32 random bytes,
 * kept in the app's no-backup storage wrapped with AES-GCM by a key that lives
 * in the Android Keystore and never leaves it. Only a library built with the
 * cargo feature `encrypted` makes encrypted books; with it, every new book is
 * encrypted.
 *
 * If the Keystore loses its key (some phones do when the screen lock is
 * removed or changed), the book cannot be opened on this phone again:
 * [ProblemKind.KEY_LOST] says so, and the group is restored from the
 * programme's server, which holds every acknowledged event.
 */
class BookKeys(context: Context) {
    private val wrapped = File(context.noBackupFilesDir, "book.key")

    /** The book was made encrypted on this phone. */
    fun exists(): Boolean = wrapped.exists()

    /** A new book's key: made, wrapped and stored; the caller wipes the bytes it gets. */
    fun create(): Outcome<ByteArray> = try {
        val key = ByteArray(KEY_BYTES).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, keystoreKey(create = true))
        val sealed = cipher.iv + cipher.doFinal(key)
        val part = File(wrapped.path + ".part")
        part.writeBytes(sealed)
        if (!part.renameTo(wrapped)) refused(ProblemKind.STORAGE, wrapped.name) else Outcome.Ok(key)
    } catch (e: GeneralSecurityException) {
        refused(ProblemKind.STORAGE, e.javaClass.simpleName)
    }

    /** The key of the book made on this phone, unwrapped by the Keystore. */
    fun open(): Outcome<ByteArray> = try {
        val sealed = wrapped.readBytes()
        val key = keystoreKey(create = false)
        if (sealed.size != IV_BYTES + KEY_BYTES + TAG_BYTES || key == null) {
            refused(ProblemKind.KEY_LOST, ALIAS)
        } else {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BYTES * 8, sealed, 0, IV_BYTES))
            Outcome.Ok(cipher.doFinal(sealed, IV_BYTES, sealed.size - IV_BYTES))
        }
    } catch (e: KeyPermanentlyInvalidatedException) {
        refused(ProblemKind.KEY_LOST, ALIAS)
    } catch (e: GeneralSecurityException) {
        // A key the Keystore cannot use, or a wrapped key that does not open.
        refused(ProblemKind.KEY_LOST, e.javaClass.simpleName)
    } catch (e: java.io.IOException) {
        refused(ProblemKind.STORAGE, wrapped.name)
    }

    private fun keystoreKey(create: Boolean): SecretKey? {
        val store = KeyStore.getInstance(KEYSTORE).apply { load(null) }
        (store.getKey(ALIAS, null) as? SecretKey)?.let { return it }
        if (!create) return null
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, KEYSTORE)
        generator.init(
            KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .build(),
        )
        return generator.generateKey()
    }

    private companion object {
        const val KEYSTORE = "AndroidKeyStore"
        const val ALIAS = "daftar-book"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val KEY_BYTES = 32
        const val IV_BYTES = 12
        const val TAG_BYTES = 16
    }
}
