//! `DaftarBook`: one object per open book, one method per user action. Every
//! method delegates to daftar-core; nothing here decides anything.

mod actions;
mod reads;
mod sync;

use std::sync::Arc;

use chrono::NaiveDate;
use daftar_core as core;
use uuid::Uuid;

use crate::error::{DaftarError, Result};
use crate::types::crossing::{Crossing, FromCore};
use crate::types::*;
use core::books::Period;

/// Progress of a long operation. Return false to cancel it; it then fails with
/// `DaftarException.Cancelled`. An exception thrown here also stops the
/// operation, and reaches the caller (as `DaftarException.Internal` if it is
/// not a `DaftarException`).
#[uniffi::export(with_foreign)]
pub trait ProgressListener: Send + Sync {
    fn on_progress(&self, done: i64, total: i64) -> Result<bool>;
}

/// Runs a core operation with the listener as its progress callback.
pub(crate) fn with_progress<T>(
    listener: &Option<Arc<dyn ProgressListener>>,
    op: impl FnOnce(&mut dyn FnMut(u64, u64) -> bool) -> core::Result<T>,
) -> Result<T> {
    let mut failed: Option<DaftarError> = None;
    // Counts of events and rows: far below i64::MAX; a progress bar saturates
    // rather than fail the work it reports on.
    let long = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let result = op(&mut |done, total| match listener {
        None => true,
        Some(l) => l.on_progress(long(done), long(total)).unwrap_or_else(|e| {
            failed = Some(e);
            false
        }),
    });
    match (result, failed) {
        (Err(core::Error::Cancelled), Some(e)) => Err(e),
        (r, _) => r.map_err(DaftarError::from),
    }
}

/// A book's key from the app's 32 bytes, which are wiped here.
fn book_key(mut key: Vec<u8>) -> Result<core::encryption::BookKey> {
    let bytes: Option<[u8; 32]> = key.as_slice().try_into().ok();
    key.fill(0);
    bytes
        .map(core::encryption::BookKey::from_bytes)
        .ok_or_else(|| DaftarError::InvalidInput {
            field: "key".into(),
            reason: "a book's key is 32 bytes".into(),
        })
}

/// An open book. Safe to call from several threads; calls are serialised
/// inside, and each write is committed before the call returns.
#[derive(uniffi::Object)]
pub struct DaftarBook {
    book: core::Book,
}

#[uniffi::export]
impl DaftarBook {
    /// Opens the book at `path`, creating it if the file does not exist.
    #[uniffi::constructor]
    pub fn open(path: String) -> Result<Arc<Self>> {
        Ok(Arc::new(DaftarBook {
            book: core::Book::open(path)?,
        }))
    }

    /// Opens the encrypted book at `path` with its 32-byte key, creating an
    /// encrypted book if the file does not exist. The app keeps the key
    /// wrapped by an Android Keystore key. Needs a library built with the
    /// cargo feature `encrypted` (else `InvalidInput`); a wrong key, or a key
    /// for a plain book, is `WrongKey`.
    #[uniffi::constructor]
    pub fn open_encrypted(path: String, key: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(DaftarBook {
            book: core::Book::open_encrypted(path, book_key(key)?)?,
        }))
    }

    /// Writes an encrypted copy of this plain book to `out`, a new file, keyed
    /// with `key` (32 bytes); this book is left as it is. Needs a library built
    /// with `encrypted`.
    pub fn encrypt_copy(&self, out: String, key: Vec<u8>) -> Result<()> {
        Ok(self
            .book
            .encrypt_copy(std::path::Path::new(&out), &book_key(key)?)?)
    }

    /// Closes the book now; later calls fail with `DaftarException.Storage`.
    pub fn close_book(&self) -> Result<()> {
        Ok(self.book.close()?)
    }

    /// Integrity, every chain, and every projection against a replay of the events.
    pub fn verify(&self, listener: Option<Arc<dyn ProgressListener>>) -> Result<VerifyReport> {
        let report = with_progress(&listener, |p| self.book.verify(p))?;
        let intact = report.is_intact();
        Ok(VerifyReport {
            integrity: report.integrity,
            unfinished_loads: report.unfinished_loads,
            structure: report.structure,
            intact,
            orgs: report
                .orgs
                .into_iter()
                .map(|o| {
                    let intact = o.is_intact();
                    let c = o.chain;
                    Ok(OrgVerification {
                        chain: ChainStatus {
                            org_id: c.org_id,
                            org_name: c.org_name,
                            events: FromCore::from_core(c.events, "events")?,
                            head_seq: FromCore::from_core(c.head_seq, "head_seq")?,
                            head_hash_hex: core::event::hex(&c.head_hash),
                            problem: c.problem.map(|p| format!("seq {}: {}", p.seq, p.reason)),
                        },
                        differences: o.differences,
                        intact,
                    })
                })
                .collect::<Crossing<_>>()?,
        })
    }

    /// Like `verify`, but the first problem is thrown as `DaftarException.TamperDetected`.
    pub fn require_intact(&self, listener: Option<Arc<dyn ProgressListener>>) -> Result<()> {
        with_progress(&listener, |p| self.book.require_intact(p)).map(|_| ())
    }

    /// Writes the organisation's ledger to `path` in `format`. Returns the number of entries written. Reports progress; cancellable.
    /// The file is written whole or not at all, readable by the app only, and
    /// never over the book or its files.
    pub fn export(
        &self,
        org: Uuid,
        format: core::export::ExportFormat,
        path: String,
        listener: Option<Arc<dyn ProgressListener>>,
    ) -> Result<i64> {
        let path = std::path::Path::new(&path);
        let summary = with_progress(&listener, |p| self.book.export_file(org, format, path, p))?;
        Ok(FromCore::from_core(summary.entries, "entries")?)
    }

    /// The organisation's chain head, printable: `daftar1 ORG SEQ XXXX-XXXX-XXXX-XXXX`.
    pub fn checkpoint(&self, org: Uuid) -> Result<String> {
        Ok(self.book.checkpoint(org)?.to_string())
    }

    pub fn verify_against(&self, checkpoint: String) -> Result<CheckpointCheck> {
        let c = self
            .book
            .verify_against(&core::verify::Checkpoint::parse(&checkpoint)?)?;
        Ok(CheckpointCheck {
            checkpoint: c.checkpoint,
            head_seq: FromCore::from_core(c.head_seq, "head_seq")?,
            problem: c.problem,
        })
    }
}

fn period(from: NaiveDate, to: NaiveDate) -> Result<Period> {
    Ok(Period::new(from, to)?)
}
