//! A witness of the last durable commit, kept beside the book in `BOOK-last`:
//! the organisation, seq and hash the last save returned. If the write-ahead
//! log is damaged and SQLite drops committed frames, the book ends before that
//! seq, and `verify` says so instead of reporting a shorter book as intact.
//!
//! It is a witness, not a guarantee: it is written after the commit returns and
//! without its own fsync, so it can lag the book (never a false alarm) and can
//! be lost with the file system; and it names only the last commit. What it
//! cannot see is said in README's "Guarantees of a book".

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use uuid::Uuid;

use crate::event::{hex, Hash};

const HEADER: &str = "daftar-last-commit v1";

/// The witness file of the book at `book`.
pub fn path_for(book: &Path) -> PathBuf {
    let mut p = book.as_os_str().to_owned();
    p.push("-last");
    PathBuf::from(p)
}

/// The witness file of one open book, kept open: each durable commit is one
/// positioned write of a line of fixed length (the seq zero-padded), so a save
/// pays no open, truncate or close (they cost a durable meeting a third of its time).
pub(crate) struct Witness {
    path: PathBuf,
    file: Mutex<Option<File>>,
}

impl Witness {
    pub(crate) fn new(book: &Path) -> Witness {
        Witness {
            path: path_for(book),
            file: Mutex::new(None),
        }
    }

    /// Records a durable commit. A failure is ignored: the commit stands, and a
    /// missing witness only means less can be checked later.
    pub(crate) fn record(&self, org: Uuid, seq: u64, hash: &Hash) {
        let line = format!("{HEADER} {org} {seq:020} {}\n", hex(hash));
        let Ok(mut file) = self.file.lock() else {
            return;
        };
        if file.is_none() {
            // Truncated once, on the book's first durable commit: what an older
            // build wrote may be a different length.
            *file = crate::files::open_private(&self.path, false).ok();
        }
        let written = file.as_ref().map(|f| write_at_start(f, line.as_bytes()));
        if let Some(Err(_)) = written {
            *file = None;
        }
    }

    /// Closes the file (the book is closing).
    pub(crate) fn close(&self) {
        if let Ok(mut file) = self.file.lock() {
            *file = None;
        }
    }
}

#[cfg(unix)]
fn write_at_start(f: &File, bytes: &[u8]) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(f, bytes, 0)
}

#[cfg(not(unix))]
fn write_at_start(mut f: &File, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    f.seek(SeekFrom::Start(0))?;
    f.write_all(bytes)
}

/// The last commit witnessed, if the file is there and reads whole.
pub(crate) fn read(book: &Path) -> Option<(Uuid, u64, String)> {
    let text = std::fs::read_to_string(path_for(book)).ok()?;
    let rest = text.trim_end().strip_prefix(HEADER)?.trim_start();
    let mut parts = rest.split(' ');
    let org = Uuid::parse_str(parts.next()?).ok()?;
    let seq = parts.next()?.parse().ok()?;
    let hash = parts.next()?;
    (hash.len() == 64 && parts.next().is_none()).then(|| (org, seq, hash.to_string()))
}

/// What the book lacks of the witnessed commit, as `snapshot` sees it. The
/// witness must be read before the snapshot begins: it is written after each
/// commit, so one read later could name a commit newer than the snapshot.
pub(crate) fn check(
    book: &Path,
    witness: Option<(Uuid, u64, String)>,
    snapshot: &rusqlite::Connection,
) -> crate::error::Result<Option<String>> {
    let Some((org, seq, hash)) = witness else {
        return Ok(None);
    };
    let stored: Option<Vec<u8>> = snapshot
        .prepare_cached("SELECT hash FROM events WHERE org_id = ?1 AND seq = ?2")?
        .query_row(rusqlite::params![org.to_string(), seq as i64], |r| r.get(0))
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    Ok(match stored {
        None => Some(format!(
            "organisation {org}: seq {seq} was committed (witnessed in {}), but the book ends before it: committed events were lost, as when the write-ahead log is damaged",
            path_for(book).display()
        )),
        Some(h) if hex(&h) != hash => Some(format!(
            "organisation {org}: seq {seq} in the book is not the event that was committed (witnessed in {})",
            path_for(book).display()
        )),
        Some(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_witness_holds_the_last_commit_whatever_the_lengths_before() {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("b.daftar");
        // An older build's line, longer than any this one writes.
        let old = format!(
            "{HEADER} {} 7 {}   padding padding padding\n",
            Uuid::nil(),
            "ab".repeat(32)
        );
        std::fs::write(path_for(&book), old).unwrap();
        let w = Witness::new(&book);
        let org = Uuid::now_v7();
        w.record(org, 123_456, &[1; 32]);
        w.record(org, 9, &[2; 32]);
        assert_eq!(read(&book), Some((org, 9, "02".repeat(32))));
        w.close();
        w.record(org, 10, &[3; 32]);
        assert_eq!(read(&book), Some((org, 10, "03".repeat(32))));
    }
}
