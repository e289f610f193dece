//! Opening a book file: refusing what is not a book, pragmas, schema migrations.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::encryption::BookKey;
use crate::error::{Error, Result};
use crate::rows::parse_stored_date;

/// The schema version this daftar writes. Bump it with a new migration.
pub const SCHEMA_VERSION: i64 = 11;
/// `PRAGMA application_id` of a daftar book: "DAFT".
pub const APPLICATION_ID: i64 = 0x4441_4654;

const CREATE_SQL: &str = include_str!("schema/create.sql");

/// Upgrades from version `i + 1` to `i + 2`.
const MIGRATIONS: &[&str] = &[
    include_str!("schema/migrations/002-meetings-loans.sql"),
    include_str!("schema/migrations/003-corrections.sql"),
    include_str!("schema/migrations/004-events-by-date.sql"),
    include_str!("schema/migrations/005-member-charges.sql"),
    include_str!("schema/migrations/006-loan-movements.sql"),
    include_str!("schema/migrations/007-bulk-loads.sql"),
    include_str!("schema/migrations/008-sync.sql"),
    include_str!("schema/migrations/009-entry-kinds-loans.sql"),
    include_str!("schema/migrations/010-pins.sql"),
    include_str!("schema/migrations/011-narrations.sql"),
];

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Whether opening may create a new book where no file exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// A missing file becomes a new, empty book.
    CreateIfMissing,
    /// A missing file is `NotFound`; nothing is created.
    Existing,
}

/// Opens the book at `path` and brings its schema up to date. Everything is
/// checked before anything is written: a file that is refused is left as it was.
pub fn open(path: &Path, mode: OpenMode, key: Option<&BookKey>) -> Result<Connection> {
    if key.is_some() {
        crate::encryption::require_available()?;
    }
    let shown = path.display().to_string();
    let not_a_book = |reason: &str| Error::NotABook {
        path: shown.clone(),
        reason: reason.to_string(),
    };
    // Look at the file before SQLite does: SQLite would happily write a WAL header
    // into a file that turns out to be something else.
    // An existing empty file is refused too: a wiped book must never pass for a new one.
    let creating = match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => return Err(not_a_book("it is a directory")),
        Ok(m) if m.len() == 0 => {
            return Err(not_a_book(
                "it is an empty file (0 bytes); a new book is only made where no file exists",
            ))
        }
        Ok(m) => {
            let mut head = [0u8; 16];
            let mut f = File::open(path)?;
            let plain = m.len() >= 100 && f.read_exact(&mut head).is_ok() && &head == SQLITE_MAGIC;
            match key {
                None if !plain => {
                    return Err(not_a_book(
                        "it is not an SQLite database (an encrypted book needs its key)",
                    ))
                }
                Some(_) if plain => {
                    return Err(Error::WrongKey {
                        reason: format!(
                            "{shown} is not encrypted, so a key cannot open it; encrypt a copy with `daftar encrypt`"
                        ),
                    })
                }
                Some(_) if m.len() < 100 => return Err(not_a_book("it is too short to be a book")),
                _ => {}
            }
            false
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match mode {
            OpenMode::CreateIfMissing => true,
            OpenMode::Existing => return Err(Error::not_found(format!("book {shown}"))),
        },
        Err(e) => return Err(e.into()),
    };
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if creating {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(|e| match Error::from(e) {
        Error::Corrupt { reason } => not_a_book(&reason),
        other => other,
    })?;
    if creating {
        // Before a byte is written: a book names members and their money. SQLite
        // gives its -wal and -shm files the book's own permissions.
        crate::files::make_private(path)?;
    }
    if let Some(key) = key {
        crate::encryption::unlock(&conn, key)?;
    }
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Every hot statement is prepared once per connection (a meeting runs some
    // sixty distinct ones); parsing SQL on each save cost more than the save.
    conn.set_prepared_statement_cache_capacity(128);

    // Read-only checks first; nothing is written to a file we may refuse.
    // With a key, the first read is where a wrong one shows.
    let version: i64 = conn
        .prepare_cached("PRAGMA user_version")?
        .query_row([], |r| r.get(0))
        .map_err(|e| match (key, Error::from(e)) {
            (Some(_), Error::Corrupt { .. }) => Error::WrongKey {
                reason: format!("the key does not open {shown}"),
            },
            (_, other) => other,
        })?;
    let app_id: i64 = conn
        .prepare_cached("PRAGMA application_id")?
        .query_row([], |r| r.get(0))?;
    let tables: i64 = conn
        .prepare_cached("SELECT count(*) FROM sqlite_schema")?
        .query_row([], |r| r.get(0))?;
    if version < 0 {
        return Err(not_a_book("its schema version is negative"));
    }
    if version == 0 && !creating {
        return Err(not_a_book("it holds no daftar schema"));
    }
    if version == 0 && tables > 0 {
        return Err(not_a_book("it is another program's SQLite database"));
    }
    if version > 0 && app_id != APPLICATION_ID {
        return Err(not_a_book("it is another program's SQLite database"));
    }
    if version > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version > 0 {
        check_readable(&conn, FULL_CHECK_MAX_BYTES)?;
    }

    // WAL with synchronous=FULL: a committed entry is on disk before commit returns.
    let mode: String = conn
        .prepare_cached("PRAGMA journal_mode=WAL")?
        .query_row([], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Storage {
            reason: format!("could not switch the book to WAL (got {mode})"),
        });
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = 2;",
    )?;
    migrate(&conn, version)?;
    Ok(conn)
}

/// SQLite's whole-file check reads the whole file: about a second a gigabyte on
/// a host, far more on a phone. Books up to this size get it at every open.
const FULL_CHECK_MAX_BYTES: i64 = 64 << 20;

/// Refuses a corrupt book before anything is written to it. A small book gets a
/// whole-file `quick_check`; a larger one (a federation's) has the first page of
/// every table read, and leaves the rest to `verify`'s `integrity_check`, so that
/// opening stays as fast on a book of years as on a new one.
fn check_readable(conn: &Connection, full_check_max_bytes: i64) -> Result<()> {
    // SQLCipher answers `page_size` as text (its `cipher_page_size`).
    let pragma = |name: &str| -> Result<i64> {
        let v: rusqlite::types::Value =
            conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?;
        match v {
            rusqlite::types::Value::Integer(i) => Ok(i),
            rusqlite::types::Value::Text(t) => t.parse().map_err(|_| Error::Storage {
                reason: format!("PRAGMA {name} gave {t:?}"),
            }),
            other => Err(Error::Storage {
                reason: format!("PRAGMA {name} gave {other:?}"),
            }),
        }
    };
    if pragma("page_count")? * pragma("page_size")? <= full_check_max_bytes {
        let ok: String = conn
            .prepare_cached("PRAGMA quick_check(1)")?
            .query_row([], |r| r.get(0))?;
        if ok != "ok" {
            return Err(Error::Corrupt { reason: ok });
        }
        return Ok(());
    }
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for t in tables {
        // NOT INDEXED: the table's own b-tree, not a smaller covering index.
        let sql = format!(
            "SELECT * FROM \"{}\" NOT INDEXED LIMIT 1",
            t.replace('"', "\"\"")
        );
        conn.prepare(&sql)?.query_row([], |_| Ok(())).optional()?;
    }
    Ok(())
}

/// A second, read-only connection to a book that `open` has already checked
/// and brought up to date: for reading one consistent snapshot while the
/// writer goes on. It never writes to the file.
pub(crate) fn open_reader(path: &Path, key: Option<&BookKey>) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    if let Some(key) = key {
        crate::encryption::unlock(&conn, key)?;
    }
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(64);
    conn.execute_batch("PRAGMA query_only = 1; PRAGMA temp_store = 2;")?;
    Ok(conn)
}

/// Creates the current schema in an empty scratch database, in memory or in a
/// file (used by replay).
/// A scratch file of an encrypted book's is encrypted too, with a key of its
/// own that dies with it.
pub(crate) fn create_scratch(path: Option<&Path>, encrypted: bool) -> Result<Connection> {
    let conn = match path {
        Some(p) => Connection::open(p)?,
        None => Connection::open_in_memory()?,
    };
    if encrypted && path.is_some() {
        crate::encryption::unlock(&conn, &BookKey::generate()?)?;
    }
    // A scratch copy is rebuilt from the book at will: no need to survive power loss.
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;
         PRAGMA temp_store = 2; PRAGMA cache_size = -8192;",
    )?;
    conn.execute_batch(CREATE_SQL)?;
    Ok(conn)
}

fn migrate(conn: &Connection, from: i64) -> Result<()> {
    if from == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    if from == 0 {
        tx.execute_batch(CREATE_SQL)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    } else {
        for step in &MIGRATIONS[(from - 1) as usize..] {
            tx.execute_batch(step)?;
        }
        sync_charts(&tx)?;
        if from < 5 {
            fill_member_charges(&tx)?;
        }
        if from < 6 {
            fill_loan_movements(&tx)?;
        }
        if from < 10 {
            fill_pins(&tx)?;
        }
        if from < 11 {
            fill_narrations(&tx)?;
        }
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// v5 keeps each member's fees and fines in `member_charges`; a book from before
/// gets them from its events, as a replay would.
fn fill_member_charges(tx: &Connection) -> Result<()> {
    let mut st = tx.prepare(
        "SELECT e.seq, e.canonical, r.business_date FROM events e
           LEFT JOIN reversals x ON x.org_id = e.org_id AND x.original_seq = e.seq
           LEFT JOIN events r ON r.org_id = x.org_id AND r.seq = x.reversal_seq
          WHERE e.kind = 'charge.collected' ORDER BY e.org_id, e.seq",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let bytes: Vec<u8> = r.get(1)?;
        let reversed_on: Option<String> = r.get(2)?;
        let ev = crate::event::Event::from_canonical_bytes(&bytes)?;
        let org = ev.org.to_string();
        crate::charges::record_charge(tx, &org, seq as u64, ev.date, &ev.body)?;
        if let Some(on) = reversed_on {
            crate::charges::mark_reversed(tx, &org, seq as u64, parse_stored_date(&on)?)?;
        }
    }
    Ok(())
}

/// v10 keeps people's PIN verifiers beside their roles; a book from before
/// that holds `actor.pin` events gets them as a replay would.
fn fill_pins(tx: &Connection) -> Result<()> {
    let mut st =
        tx.prepare("SELECT canonical FROM events WHERE kind = 'actor.pin' ORDER BY org_id, seq")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let bytes: Vec<u8> = r.get(0)?;
        let ev = crate::event::Event::from_canonical_bytes(&bytes)?;
        if let crate::event::EventBody::PinSet { actor, verifier } = &ev.body {
            crate::pins::record_verifier(tx, &ev.org.to_string(), actor, verifier)?;
        }
    }
    Ok(())
}

/// v11 keeps the core's own narrations as facts, not English; a book from
/// before gets them from its events, as a replay would.
fn fill_narrations(tx: &Connection) -> Result<()> {
    let mut st = tx.prepare(
        "SELECT e.org_id, e.seq, e.canonical, n.narration FROM entries n
           JOIN events e ON e.org_id = n.org_id AND e.seq = n.seq",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let org: String = r.get(0)?;
        let seq: i64 = r.get(1)?;
        let bytes: Vec<u8> = r.get(2)?;
        let old: String = r.get(3)?;
        let ev = crate::event::Event::from_canonical_bytes(&bytes)?;
        let new = crate::narration::Narration::of(&ev.body).to_stored();
        if new != old {
            crate::ledger::set_narration(tx, &org, seq, &new)?;
        }
    }
    Ok(())
}

/// v6 keeps what each event did to each loan in `loan_movements`; a book from
/// before gets it from its events, as a replay would.
fn fill_loan_movements(tx: &Connection) -> Result<()> {
    let mut st = tx.prepare(
        "SELECT e.seq, e.canonical, r.business_date FROM events e
           LEFT JOIN reversals x ON x.org_id = e.org_id AND x.original_seq = e.seq
           LEFT JOIN events r ON r.org_id = x.org_id AND r.seq = x.reversal_seq
          WHERE e.kind IN ('loan.disbursed', 'facility.received', 'cutoff.recorded',
                           'loan.repaid', 'member.exited', 'loan.written_off')
          ORDER BY e.org_id, e.seq",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let bytes: Vec<u8> = r.get(1)?;
        let reversed_on: Option<String> = r.get(2)?;
        let ev = crate::event::Event::from_canonical_bytes(&bytes)?;
        let org = ev.org.to_string();
        crate::movements::record(tx, &org, seq as u64, ev.date, &ev.body)?;
        if let Some(on) = reversed_on {
            crate::movements::mark_reversed(tx, &org, seq as u64, parse_stored_date(&on)?)?;
        }
    }
    Ok(())
}

/// Gives every organisation and member the accounts the current chart has, so a
/// book upgraded from an older chart matches what replaying its events would build.
fn sync_charts(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    use crate::ledger::{insert_accounts, Accounts};
    use crate::org::OrgKind;
    let orgs: Vec<(String, String)> = tx
        .prepare("SELECT id, kind FROM organisations")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (org, kind) in orgs {
        insert_accounts(tx, &org, Accounts::Chart(OrgKind::parse(&kind)?), true)?;
        let members: Vec<u32> = tx
            .prepare("SELECT member_no FROM members WHERE org_id = ?1")?
            .query_map([&org], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for m in members {
            insert_accounts(tx, &org, Accounts::Member(m), true)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_reach_the_current_version() {
        assert_eq!(MIGRATIONS.len() as i64, SCHEMA_VERSION - 1);
    }

    #[test]
    fn a_new_book_uses_wal_full_sync_foreign_keys_and_memory_temp_store() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(
            &dir.path().join("b.daftar"),
            OpenMode::CreateIfMissing,
            None,
        )
        .unwrap();
        let get = |p: &str| -> String {
            conn.query_row(&format!("PRAGMA {p}"), [], |r| {
                r.get::<_, rusqlite::types::Value>(0)
            })
            .map(|v| format!("{v:?}"))
            .unwrap()
        };
        assert_eq!(get("journal_mode"), "Text(\"wal\")");
        assert_eq!(get("synchronous"), "Integer(2)");
        assert_eq!(get("foreign_keys"), "Integer(1)");
        assert_eq!(get("temp_store"), "Integer(2)");
        assert_eq!(get("user_version"), format!("Integer({SCHEMA_VERSION})"));
    }

    /// A book whose second page (the root of `events`) is scribbled over, header and all.
    fn scribbled_book(dir: &Path) -> std::path::PathBuf {
        let p = dir.join("b.daftar");
        {
            let conn = open(&p, OpenMode::CreateIfMissing, None).unwrap();
            conn.execute_batch(
                "INSERT INTO organisations VALUES ('o1', 'shg', 'x', 'INR', 2, 'gregorian', 4, 1,
                     'en-IN', 'half-up/minor', '2025-04-01');",
            )
            .unwrap();
        }
        let mut bytes = std::fs::read(&p).unwrap();
        for b in &mut bytes[4096..4096 + 400] {
            *b = 0xA5;
        }
        std::fs::write(&p, &bytes).unwrap();
        p
    }

    #[test]
    fn a_large_book_is_checked_by_reading_each_tables_first_page() {
        let dir = tempfile::tempdir().unwrap();
        let p = scribbled_book(dir.path());
        let conn = Connection::open(&p).unwrap();
        // As if the book were over the whole-file limit: the probe alone finds it.
        let e = check_readable(&conn, 0).unwrap_err();
        assert_eq!(e.code(), crate::error::ErrorCode::Corrupt, "{e}");
        let e = check_readable(&conn, i64::MAX).unwrap_err();
        assert_eq!(e.code(), crate::error::ErrorCode::Corrupt, "{e}");
    }

    #[test]
    fn an_intact_book_passes_both_checks() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.daftar");
        drop(open(&p, OpenMode::CreateIfMissing, None).unwrap());
        let conn = Connection::open(&p).unwrap();
        check_readable(&conn, 0).unwrap();
        check_readable(&conn, i64::MAX).unwrap();
    }
}
