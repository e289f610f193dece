//! Keys of encrypted books from the command line: a new key in a private
//! file, an encrypted copy of a plain book, a new key for an encrypted one.
//! Keys come from files or the environment only (`open.rs`).

use std::path::Path;
use std::process::ExitCode;

use daftar_core::{Book, Error};

pub(crate) fn key_new(out: &Path) -> Result<ExitCode, Error> {
    if out.exists() {
        return Err(Error::InvalidInput {
            field: "out".into(),
            reason: format!("{} exists: a key is never written over", out.display()),
        });
    }
    let key = daftar_core::encryption::BookKey::generate()?;
    daftar_core::files::write_atomically(out, |w| {
        Ok(writeln!(
            w,
            "{}",
            zeroize::Zeroizing::new(key.to_hex()).as_str()
        )?)
    })?;
    esayln!(
        "wrote a new key to {} (readable by you only); keep a copy apart from the book",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn encrypt(db: &Path, out: &Path) -> Result<ExitCode, Error> {
    let key = crate::open::key_from_env()?.ok_or_else(|| Error::InvalidInput {
        field: "key".into(),
        reason: format!(
            "give the new key as {} (daftar key-new makes one)",
            crate::open::KEY_FILE_ENV
        ),
    })?;
    let book = Book::open_existing(db)?;
    book.encrypt_copy(out, &key)?;
    sayln!(
        "wrote {}, encrypted; {} is unchanged",
        out.display(),
        db.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn rekey(db: &Path, new_key_file: &Path) -> Result<ExitCode, Error> {
    let text = zeroize::Zeroizing::new(std::fs::read_to_string(new_key_file)?);
    let new_key = daftar_core::encryption::BookKey::parse(&text)?;
    let mut book = crate::open::existing(db)?;
    book.change_key(new_key)?;
    sayln!("{} has its new key", db.display());
    Ok(ExitCode::SUCCESS)
}
