//! A book: one SQLite file holding one or more organisations. Every write goes
//! through `Book::execute`: one command, one transaction, one chained event.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::encryption::BookKey;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::event::{Hash, GENESIS};
use crate::rows::to_hash;
use crate::store;

/// The longest actor or device name, in characters.
pub const MAX_ACTOR_CHARS: usize = 64;

/// Who records a command, from which device, under which client-chosen op_id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandMeta {
    /// Chosen by the caller (UUID v7); a retry with the same op_id is idempotent.
    pub op_id: Uuid,
    pub actor: String,
    pub device: String,
    /// The device clock, UTC; `None` takes the system clock.
    pub recorded_at: Option<String>,
    /// The actor's PIN, typed on this device: needed for what an approver
    /// does, checked whenever given (`pins.rs`). Never stored or chained.
    pub pin: Option<crate::pins::Pin>,
}

impl CommandMeta {
    /// A meta with a fresh UUID v7 op_id and the system clock.
    pub fn new(actor: &str, device: &str) -> Self {
        CommandMeta {
            op_id: Uuid::now_v7(),
            actor: actor.to_string(),
            device: device.to_string(),
            recorded_at: None,
            pin: None,
        }
    }

    /// The same meta, confirmed with the actor's PIN.
    pub fn with_pin(self, pin: &str) -> Self {
        CommandMeta {
            pin: Some(crate::pins::Pin::new(pin)),
            ..self
        }
    }
}

/// What a command did. A retry returns the first outcome with `replayed` set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub org_id: Uuid,
    pub seq: u64,
    pub hash: Hash,
    /// The number the command gave: a new member's, meeting's or loan's.
    pub number: Option<u32>,
    pub replayed: bool,
}

/// An open book. Safe to share between threads: there is one connection, the
/// single writer, behind a mutex.
pub struct Book {
    /// The screens' and reports' own read-only connection (`with_reader`),
    /// opened on first use: a read never waits behind a save's commit. Declared
    /// before the writer so it is dropped first: the writer, closing last,
    /// checkpoints the WAL into the book file.
    reader: Mutex<Option<Connection>>,
    slot: Mutex<Slot>,
    /// Whether the book is in bulk mode, and whether it is closed: what a read
    /// needs to know, kept apart from the writer's lock so that it never waits on it.
    in_bulk: AtomicBool,
    closed: AtomicBool,
    path: PathBuf,
    /// `BOOK-last`, the witness of the last durable commit, kept open.
    pub(crate) witness: crate::last_commit::Witness,
    /// An encrypted book's key, for the readers it opens beside the writer.
    key: Option<BookKey>,
    /// PINs that verified in this session (`pins::matches`).
    pub(crate) pins_seen: Mutex<std::collections::HashSet<[u8; 32]>>,
    /// The language reports put the core's own words in, if not each
    /// organisation's own (`narration.rs`).
    pub(crate) words: Mutex<Option<crate::org::Locale>>,
}

impl Drop for Book {
    fn drop(&mut self) {
        // A bulk load's recorded commands are kept; there is no caller left to
        // tell of a failure here, and the file stays consistent either way.
        let _ = self.finish_bulk();
    }
}

/// The connection, and whether the book is in bulk mode.
struct Slot {
    conn: Option<Connection>,
    /// In bulk mode: commands recorded since the open transaction began, and
    /// the row of `bulk_loads` that marks the load as unfinished.
    bulk: Option<(u64, i64)>,
}

/// In bulk mode, the open transaction is committed after this many commands,
/// so that memory for the WAL stays bounded and progress is durable in steps.
pub const BULK_COMMIT_EVERY: u64 = 20_000;

impl Book {
    /// Opens the book at `path`, creating it if no file exists there. An
    /// existing file that is not a book (an empty one included) is refused.
    pub fn open(path: impl AsRef<Path>) -> Result<Book> {
        Book::open_with(path.as_ref(), store::OpenMode::CreateIfMissing)
    }

    /// Opens an existing book; a missing file is NotFound rather than a new book.
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Book> {
        Book::open_with(path.as_ref(), store::OpenMode::Existing)
    }

    /// Opens the encrypted book at `path` with its key, creating an encrypted
    /// book if no file exists there (the `encrypted` feature). A wrong key is
    /// `WrongKey`, and so is a key given for a plain book.
    pub fn open_encrypted(path: impl AsRef<Path>, key: BookKey) -> Result<Book> {
        Book::open_keyed(path.as_ref(), store::OpenMode::CreateIfMissing, Some(key))
    }

    /// As [`Book::open_encrypted`], for a book that must exist already.
    pub fn open_existing_encrypted(path: impl AsRef<Path>, key: BookKey) -> Result<Book> {
        Book::open_keyed(path.as_ref(), store::OpenMode::Existing, Some(key))
    }

    fn open_with(path: &Path, mode: store::OpenMode) -> Result<Book> {
        Book::open_keyed(path, mode, None)
    }

    fn open_keyed(path: &Path, mode: store::OpenMode, key: Option<BookKey>) -> Result<Book> {
        let path = path.to_path_buf();
        let conn = store::open(&path, mode, key.as_ref())?;
        Ok(Book {
            reader: Mutex::new(None),
            slot: Mutex::new(Slot {
                conn: Some(conn),
                bulk: None,
            }),
            in_bulk: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            witness: crate::last_commit::Witness::new(&path),
            path,
            key,
            pins_seen: Mutex::default(),
            words: Mutex::default(),
        })
    }

    /// Whether the book is encrypted at rest.
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    pub(crate) fn key(&self) -> Option<&BookKey> {
        self.key.as_ref()
    }

    /// Writes an encrypted copy of this plain book to `out` (a new file), keyed
    /// with `key`; this book is left as it is. Refused for a book that is
    /// encrypted already (change its key instead) and in bulk mode.
    pub fn encrypt_copy(&self, out: &Path, key: &BookKey) -> Result<()> {
        if self.key.is_some() {
            return Err(Error::invalid(
                "book",
                "it is encrypted already: change its key instead",
            ));
        }
        crate::files::refuse_book_paths(&self.path, out)?;
        self.finish_bulk()?;
        // Private before SQLCipher writes a byte, as a new book is; never
        // over a file that is there.
        crate::files::create_private(out).map_err(|e| {
            Error::invalid("out", format!("{}: {e}; give a new file", out.display()))
        })?;
        let made = self.with_conn(|c| crate::encryption::export_encrypted(c, out, key));
        if made.is_err() {
            for f in crate::files::book_files(out) {
                let _ = std::fs::remove_file(f);
            }
        }
        made
    }

    /// Gives this encrypted book a new key. The old key opens it no more.
    pub fn change_key(&mut self, key: BookKey) -> Result<()> {
        if self.key.is_none() {
            return Err(Error::invalid(
                "book",
                "it is not encrypted: encrypt a copy first",
            ));
        }
        self.finish_bulk()?;
        self.with_conn(|c| crate::encryption::rekey(c, &key))?;
        // The reader was opened with the old key.
        *self.reader.lock().unwrap_or_else(|p| p.into_inner()) = None;
        self.key = Some(key);
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes the book, first committing a bulk load in progress. Later calls
    /// fail with a Storage error.
    pub fn close(&self) -> Result<()> {
        self.finish_bulk()?;
        self.closed.store(true, Ordering::SeqCst);
        self.witness.close();
        // The reader first, so that the writer, closing last, checkpoints the WAL.
        if let Some(reader) = self.reader.lock().unwrap_or_else(|p| p.into_inner()).take() {
            reader.close().map_err(|(_, e)| Error::from(e))?;
        }
        let mut guard = self.lock();
        if let Some(conn) = guard.conn.take() {
            conn.close().map_err(|(_, e)| Error::from(e))?;
        }
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, Slot> {
        // A panic while holding the lock leaves no half-done write (the transaction
        // or savepoint rolls back on drop), so a poisoned lock is safe to take over.
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` with the connection, or fails if the book was closed.
    pub(crate) fn with_conn<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut guard = self.lock();
        let conn = guard.conn.as_mut().ok_or_else(closed)?;
        f(conn)
    }

    /// Runs a short read (a screen, a report, a figure) on the book's
    /// read-only connection, in one read transaction, so it sees one state of
    /// the book and never waits for a save to commit. In bulk mode, whose
    /// writes are not committed yet, it reads through the book's own connection.
    pub(crate) fn with_reader<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(closed());
        }
        if self.in_bulk.load(Ordering::SeqCst) {
            return self.with_conn(|c| f(c));
        }
        let mut reader = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        if reader.is_none() {
            *reader = Some(store::open_reader(&self.path, self.key.as_ref())?);
        }
        let Some(conn) = reader.as_ref() else {
            return Err(closed());
        };
        let snapshot = conn.unchecked_transaction()?;
        let value = f(&snapshot)?;
        snapshot.commit()?;
        Ok(value)
    }

    /// Runs a long read (an export, a chain check) on a connection of its own
    /// in one read transaction: it sees one snapshot, and holds no lock that a
    /// save or a screen's read would wait on. In bulk mode, whose writes are
    /// not committed yet, it runs on the book's own connection instead.
    pub(crate) fn with_snapshot<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let bulk = {
            let guard = self.lock();
            if guard.conn.is_none() {
                return Err(closed());
            }
            guard.bulk.is_some()
        };
        if bulk {
            return self.with_conn(|c| f(c));
        }
        let reader = store::open_reader(&self.path, self.key.as_ref())?;
        let snapshot = reader.unchecked_transaction()?;
        f(&snapshot)
    }

    /// Bulk mode, for loading many commands at once (the demo, an import): each
    /// command is still validated and recorded on its own, and one that is
    /// refused still changes nothing, but commands share one transaction,
    /// committed every [`BULK_COMMIT_EVERY`] commands and at [`Book::finish_bulk`].
    /// Until then they are not durable: a crash loses the uncommitted part
    /// (never a part of one command), and so does a commit that fails, which
    /// rolls back to the previous commit and returns its error. Not for the app's saves, which must be
    /// durable when they return.
    pub fn begin_bulk(&self) -> Result<()> {
        let mut guard = self.lock();
        let Slot { conn, bulk } = &mut *guard;
        let conn = conn.as_mut().ok_or_else(closed)?;
        if bulk.is_none() {
            // Durable before any command of the load: a load killed part-way
            // leaves this mark, and `verify` and `orgs` say the book is unfinished.
            conn.prepare_cached("INSERT INTO bulk_loads (started_at) VALUES (?1)")?
                .execute([now_utc()])?;
            *bulk = Some((0, conn.last_insert_rowid()));
            self.in_bulk.store(true, Ordering::SeqCst);
        }
        Ok(())
    }

    /// Commits what bulk mode recorded and returns to one durable transaction
    /// per command. The load's mark goes in the same commit as its last commands.
    pub fn finish_bulk(&self) -> Result<()> {
        let mut guard = self.lock();
        let Slot { conn, bulk } = &mut *guard;
        self.in_bulk.store(false, Ordering::SeqCst);
        if let (Some((_, mark)), Some(conn)) = (bulk.take(), conn.as_mut()) {
            conn.prepare_cached("DELETE FROM bulk_loads WHERE id = ?1")?
                .execute([mark])?;
            commit_bulk(conn)?;
        }
        Ok(())
    }

    /// When each bulk load that never finished began (a demo or an import
    /// killed part-way): the book may lack that load's last commands.
    pub fn unfinished_loads(&self) -> Result<Vec<String>> {
        self.with_conn(|conn| unfinished_loads(conn))
    }

    /// The latest seq and hash of an organisation's chain.
    pub fn chain_head(&self, org: Uuid) -> Result<(u64, Hash)> {
        self.with_conn(|conn| {
            let head = chain_head(conn, &org.to_string())?;
            if head.0 == 0 {
                return Err(Error::not_found(format!("organisation {org}")));
            }
            Ok(head)
        })
    }

    /// Runs `record` in the book's one write transaction: its own `BEGIN
    /// IMMEDIATE` transaction, committed on success; or, in bulk mode, a
    /// savepoint inside the shared transaction, so a refused command rolls back alone.
    /// Also returns whether the write is durable on return (false in bulk mode).
    pub(crate) fn in_write_transaction<T>(
        &self,
        record: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<(T, bool)> {
        let mut guard = self.lock();
        let Slot { conn, bulk } = &mut *guard;
        let conn = conn.as_mut().ok_or_else(closed)?;
        match bulk {
            None => {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let value = record(&tx)?;
                tx.commit()?;
                Ok((value, true))
            }
            Some((pending, _)) => {
                if conn.is_autocommit() {
                    conn.execute_batch("BEGIN IMMEDIATE")?;
                }
                let sp = conn.savepoint()?;
                let value = record(&sp)?;
                sp.commit()?;
                *pending += 1;
                if *pending >= BULK_COMMIT_EVERY {
                    *pending = 0;
                    commit_bulk(conn)?;
                }
                Ok((value, false))
            }
        }
    }

    /// Number of events in the whole book.
    pub fn event_count(&self) -> Result<u64> {
        self.with_conn(|conn| {
            Ok(conn
                .prepare_cached("SELECT count(*) FROM events")?
                .query_row([], |r| r.get::<_, i64>(0))? as u64)
        })
    }
}

/// The start of every bulk load not finished, as `conn` sees the book.
pub(crate) fn unfinished_loads(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare_cached("SELECT started_at FROM bulk_loads ORDER BY id")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// (0, GENESIS) for an organisation with no events yet.
pub(crate) fn chain_head(conn: &Connection, org: &str) -> Result<(u64, Hash)> {
    let row: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM events WHERE org_id = ?1 ORDER BY seq DESC LIMIT 1")?
        .query_row([org], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        Some((seq, h)) => Ok((seq as u64, to_hash(&h)?)),
        None => Ok((0, GENESIS)),
    }
}

/// Commits bulk mode's open transaction. If the commit fails (a full disk), the
/// transaction is rolled back, so the book returns to a clean state and the
/// caller learns which commands were lost: all since the last commit.
fn commit_bulk(conn: &Connection) -> Result<()> {
    if conn.is_autocommit() {
        return Ok(());
    }
    if let Err(e) = conn.execute_batch("COMMIT") {
        if !conn.is_autocommit() {
            // The commit's error is the one to report; a failed rollback adds nothing.
            let _ = conn.execute_batch("ROLLBACK");
        }
        return Err(e.into());
    }
    Ok(())
}

pub(crate) fn closed() -> Error {
    Error::Storage {
        reason: "the book is closed".into(),
    }
}

pub(crate) fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A save holds the writer's lock through its commit (an fsync on a
    /// phone's flash); a screen's read must not wait for it.
    #[test]
    fn a_read_completes_while_a_save_holds_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let book = Book::open(dir.path().join("b.daftar")).unwrap();
        crate::demo::build(&book, 3, &mut |_, _| true).unwrap();
        let org = book.organisations().unwrap()[0].id;
        let before = book.trial_balance(org).unwrap();
        let saving = book.lock();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            s.spawn(|| {
                let read = book.trial_balance(org).map(|t| t.total_debit);
                tx.send(read).unwrap();
            });
            let read = rx.recv_timeout(std::time::Duration::from_secs(30));
            drop(saving);
            assert_eq!(read.unwrap().unwrap(), before.total_debit);
        });
        book.close().unwrap();
        assert_eq!(
            book.organisations().unwrap_err().code(),
            crate::ErrorCode::Storage
        );
    }

    /// A book dropped (not closed) after a read leaves everything in its file:
    /// a copy of the file alone, as a backup takes it, is the whole book.
    #[test]
    fn a_book_dropped_after_a_read_leaves_no_wal_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.daftar");
        let book = Book::open(&path).unwrap();
        crate::demo::build(&book, 3, &mut |_, _| true).unwrap();
        let orgs = book.organisations().unwrap().len();
        drop(book);
        let wal = dir.path().join("b.daftar-wal");
        assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0);
        let copy = dir.path().join("copy.daftar");
        std::fs::copy(&path, &copy).unwrap();
        assert_eq!(
            Book::open_existing(&copy)
                .unwrap()
                .organisations()
                .unwrap()
                .len(),
            orgs
        );
    }
}
