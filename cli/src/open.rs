//! How the CLI opens a book: plain, or encrypted at rest with the key named
//! by the environment. The key is never an argument, so it never shows in
//! `ps` or a shell's history: `DAFTAR_KEY_FILE` names a file holding its 64
//! hex digits (`daftar key new` makes one), or `DAFTAR_KEY` holds them.

use std::path::Path;

use daftar_core::encryption::BookKey;
use daftar_core::{Book, Error};

pub(crate) const KEY_FILE_ENV: &str = "DAFTAR_KEY_FILE";
pub(crate) const KEY_ENV: &str = "DAFTAR_KEY";

/// The key the environment names, if any.
pub(crate) fn key_from_env() -> Result<Option<BookKey>, Error> {
    if let Some(file) = std::env::var_os(KEY_FILE_ENV) {
        let text = zeroize::Zeroizing::new(std::fs::read_to_string(&file).map_err(|e| {
            Error::InvalidInput {
                field: KEY_FILE_ENV.into(),
                reason: format!("{}: {e}", Path::new(&file).display()),
            }
        })?);
        return BookKey::parse(&text).map(Some);
    }
    match std::env::var(KEY_ENV) {
        Ok(hex) => BookKey::parse(&zeroize::Zeroizing::new(hex)).map(Some),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::InvalidInput {
            field: KEY_ENV.into(),
            reason: "is not 64 hex digits".into(),
        }),
    }
}

/// Opens the book at `path`, creating it if no file is there (encrypted when
/// a key is given).
pub(crate) fn open(path: impl AsRef<Path>) -> Result<Book, Error> {
    match key_from_env()? {
        Some(key) => Book::open_encrypted(path, key),
        None => Book::open(path),
    }
}

/// Opens the existing book at `path`.
pub(crate) fn existing(path: impl AsRef<Path>) -> Result<Book, Error> {
    match key_from_env()? {
        Some(key) => Book::open_existing_encrypted(path, key),
        None => Book::open_existing(path),
    }
}
