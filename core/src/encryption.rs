//! A book encrypted at rest: SQLCipher, behind the opt-in cargo features
//! `encrypted` (its own OpenSSL, for phones) and `encrypted-system-openssl`
//! (the host's libcrypto). The key is 32 random bytes given to SQLCipher raw
//! (`PRAGMA key = "x'…'"`), never a passphrase for SQLite to stretch: on a
//! phone it comes from the Android Keystore, on a host from a file or the
//! environment. Without either feature, asking for a key is a clear error.

use rusqlite::Connection;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether this build can open encrypted books.
pub const AVAILABLE: bool = cfg!(feature = "sqlcipher");

/// A book's 256-bit key. Never printed; zeroed when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct BookKey([u8; 32]);

impl BookKey {
    pub fn from_bytes(bytes: [u8; 32]) -> BookKey {
        BookKey(bytes)
    }

    /// A new key from the operating system's randomness.
    pub fn generate() -> Result<BookKey> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| Error::Storage {
            reason: format!("the system gave no randomness for a key: {e}"),
        })?;
        Ok(BookKey(bytes))
    }

    /// 64 hex digits (surrounding white space allowed, as in a key file).
    pub fn parse(text: &str) -> Result<BookKey> {
        let text = text.trim();
        let bad = || Error::invalid("key", "a book's key is 64 hex digits (32 bytes)");
        if text.len() != 64 || !text.is_ascii() {
            return Err(bad());
        }
        let mut bytes = [0u8; 32];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(BookKey(bytes))
    }

    /// The key as 64 lower-case hex digits, for a key file.
    pub fn to_hex(&self) -> String {
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 15)]));
        }
        s
    }
}

impl std::fmt::Debug for BookKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BookKey(…)")
    }
}

impl Drop for BookKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// Refuses a key in a build without SQLCipher, before any file is touched.
pub(crate) fn require_available() -> Result<()> {
    if AVAILABLE {
        Ok(())
    } else {
        Err(not_built())
    }
}

/// Gives `conn` the key before its first read, and checks that the cipher is
/// really active: a build or library without SQLCipher would take `PRAGMA
/// key` as an unknown pragma and go on in plain text.
pub(crate) fn unlock(conn: &Connection, key: &BookKey) -> Result<()> {
    if !AVAILABLE {
        return Err(not_built());
    }
    // SQLCipher would print its own lines for a wrong key on standard error;
    // the caller gets `WrongKey` instead.
    let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE");
    conn.pragma_update(None, "key", literal(key).as_str())?;
    let version: String = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .unwrap_or_default();
    if version.is_empty() {
        return Err(Error::Storage {
            reason:
                "SQLCipher is not active in this build: the book would be written in plain text"
                    .into(),
        });
    }
    Ok(())
}

/// Sets a new key on an open, unlocked book (SQLCipher's `rekey`).
pub(crate) fn rekey(conn: &Connection, key: &BookKey) -> Result<()> {
    if !AVAILABLE {
        return Err(not_built());
    }
    Ok(conn.pragma_update(None, "rekey", literal(key).as_str())?)
}

/// Writes an encrypted copy of the (plain, open) book `conn` to `out`, keyed
/// with `key`: SQLCipher's `sqlcipher_export`, which copies every table,
/// index, trigger and the schema version.
pub(crate) fn export_encrypted(
    conn: &Connection,
    out: &std::path::Path,
    key: &BookKey,
) -> Result<()> {
    if !AVAILABLE {
        return Err(not_built());
    }
    let out = out
        .to_str()
        .ok_or_else(|| Error::invalid("out", "the path is not UTF-8"))?;
    let literal = literal(key);
    let result = (|| -> Result<()> {
        conn.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            [out, literal.as_str()],
        )?;
        let exported = conn
            .query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))
            .map_err(Error::from)
            .and_then(|_| {
                let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
                let app: i64 = conn.query_row("PRAGMA main.application_id", [], |r| r.get(0))?;
                conn.execute_batch(&format!(
                    "PRAGMA encrypted.user_version = {version}; PRAGMA encrypted.application_id = {app};"
                ))?;
                Ok(())
            });
        conn.execute_batch("DETACH DATABASE encrypted")?;
        exported
    })();
    result
}

/// SQLCipher's raw-key form, `x'…'`, zeroed when dropped.
fn literal(key: &BookKey) -> Zeroizing<String> {
    Zeroizing::new(format!("x'{}'", Zeroizing::new(key.to_hex()).as_str()))
}

fn not_built() -> Error {
    Error::invalid(
        "key",
        "this daftar was built without encryption (the cargo feature `encrypted`)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_64_hex_digits_and_is_never_shown() {
        let k = BookKey::parse(&format!("  {}\n", "ab".repeat(32))).unwrap();
        assert_eq!(k.to_hex(), "ab".repeat(32));
        assert_eq!(format!("{k:?}"), "BookKey(…)");
        for bad in [
            "",
            "ab",
            &"zz".repeat(32),
            &"ab".repeat(33),
            &"é".repeat(32),
        ] {
            assert!(BookKey::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[cfg(not(feature = "sqlcipher"))]
    #[test]
    fn without_the_feature_a_key_is_refused_and_no_file_is_made() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.daftar");
        let Err(e) = crate::Book::open_encrypted(&path, BookKey::from_bytes([1; 32])) else {
            panic!("opened");
        };
        assert!(e.to_string().contains("built without encryption"), "{e}");
        assert!(!path.exists());
    }
}
