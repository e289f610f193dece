//! A book: one SQLite file holding one or more organisations. Every write goes
//! through `Book::execute`: one command, one transaction, one chained event.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::command::Command;
use crate::error::{Error, Result};
use crate::event::{chain_hash, Event, EventBody, Hash, GENESIS};
use crate::money::{Currency, RoundingRule};
use crate::org::{Calendar, FiscalYearStart, Locale, OrgKind, Organisation};
use crate::policy::{load_policy, role_of, ActorRole, Policy};
use crate::{projection, store};

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
}

impl CommandMeta {
    /// A meta with a fresh UUID v7 op_id and the system clock.
    pub fn new(actor: &str, device: &str) -> Self {
        CommandMeta {
            op_id: Uuid::now_v7(),
            actor: actor.to_string(),
            device: device.to_string(),
            recorded_at: None,
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

/// The state of an organisation a command needs to validate itself.
pub(crate) struct OrgContext {
    pub org: Organisation,
    pub policy: Policy,
    /// The actor recording the command, and their role in this organisation.
    pub actor: String,
    pub role: ActorRole,
}

/// An open book. Safe to share between threads: there is one connection, the
/// single writer, behind a mutex.
pub struct Book {
    slot: Mutex<Slot>,
    path: PathBuf,
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
    /// In bulk mode: commands recorded since the open transaction began.
    bulk: Option<u64>,
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

    fn open_with(path: &Path, mode: store::OpenMode) -> Result<Book> {
        let path = path.to_path_buf();
        let conn = store::open(&path, mode)?;
        Ok(Book {
            slot: Mutex::new(Slot {
                conn: Some(conn),
                bulk: None,
            }),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes the book, first committing a bulk load in progress. Later calls
    /// fail with a Storage error.
    pub fn close(&self) -> Result<()> {
        self.finish_bulk()?;
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
        if guard.conn.is_none() {
            return Err(closed());
        }
        if guard.bulk.is_none() {
            guard.bulk = Some(0);
        }
        Ok(())
    }

    /// Commits what bulk mode recorded and returns to one durable transaction per command.
    pub fn finish_bulk(&self) -> Result<()> {
        let mut guard = self.lock();
        let Slot { conn, bulk } = &mut *guard;
        if bulk.take().is_some() {
            if let Some(conn) = conn.as_mut() {
                commit_bulk(conn)?;
            }
        }
        Ok(())
    }

    /// The one way anything is written: one command, one transaction, one
    /// chained event (three for `SanctionLoan`, all or nothing). A retry with the
    /// same op_id, actor and command returns the first outcome and writes nothing.
    pub fn execute(&self, meta: &CommandMeta, command: Command) -> Result<Outcome> {
        let actor = check_name("actor", &meta.actor)?;
        let device = check_name("device", &meta.device)?;
        let recorded_at = match &meta.recorded_at {
            Some(t) => check_timestamp(t)?,
            None => now_utc(),
        };
        let digest = command.digest(&actor)?;
        let writer = Writer {
            op_id: meta.op_id,
            actor: &actor,
            device: &device,
            recorded_at: &recorded_at,
            digest: &digest,
        };
        let record = |tx: &Connection| -> Result<Outcome> {
            if let Some(first) = earlier_outcome(tx, meta.op_id, &digest)? {
                return Ok(first);
            }
            match command {
                Command::SanctionLoan {
                    org,
                    member_no,
                    date,
                    terms,
                    via,
                } => {
                    // Three events under one op_id family: the last carries the
                    // caller's op_id, so a retry finds the finished loan.
                    let applied = writer.record(
                        tx,
                        0,
                        Command::ApplyForLoan {
                            org,
                            member_no,
                            date,
                            terms,
                        },
                    )?;
                    let loan_no = applied.number.ok_or_else(|| Error::Storage {
                        reason: "an application gave no loan number".into(),
                    })?;
                    let meeting_no = crate::meetings::open_meeting_on(tx, org, date)?;
                    writer.record(
                        tx,
                        1,
                        Command::ApproveLoan {
                            org,
                            loan_no,
                            meeting_no,
                        },
                    )?;
                    writer.record(
                        tx,
                        LAST_STEP,
                        Command::DisburseLoan {
                            org,
                            loan_no,
                            date,
                            via,
                        },
                    )
                }
                command => writer.record(tx, LAST_STEP, command),
            }
        };
        let mut guard = self.lock();
        let Slot { conn, bulk } = &mut *guard;
        let conn = conn.as_mut().ok_or_else(closed)?;
        match bulk {
            None => {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let outcome = record(&tx)?;
                tx.commit()?;
                Ok(outcome)
            }
            Some(pending) => {
                if conn.is_autocommit() {
                    conn.execute_batch("BEGIN IMMEDIATE")?;
                }
                // A savepoint per command: a refused one rolls back alone.
                let sp = conn.savepoint()?;
                let outcome = record(&sp)?;
                sp.commit()?;
                *pending += 1;
                if *pending >= BULK_COMMIT_EVERY {
                    *pending = 0;
                    commit_bulk(conn)?;
                }
                Ok(outcome)
            }
        }
    }

    /// Every organisation in the book, by name.
    pub fn organisations(&self) -> Result<Vec<Organisation>> {
        self.with_conn(|conn| {
            let mut st = conn.prepare("SELECT id FROM organisations ORDER BY name, id")?;
            let ids: Vec<String> = st
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            ids.iter()
                .map(|id| {
                    let u = parse_stored_uuid(id)?;
                    load_org(conn, u)?.ok_or_else(|| Error::not_found(format!("organisation {id}")))
                })
                .collect()
        })
    }

    pub fn organisation(&self, id: Uuid) -> Result<Organisation> {
        self.with_conn(|conn| {
            load_org(conn, id)?.ok_or_else(|| Error::not_found(format!("organisation {id}")))
        })
    }

    /// Finds an organisation by its id or a unique prefix of it (as typed in the CLI).
    pub fn resolve_org(&self, id_or_prefix: &str) -> Result<Uuid> {
        let p = id_or_prefix.trim().to_ascii_lowercase();
        if p.len() < 4 {
            return Err(Error::invalid(
                "org",
                "give at least the first 4 characters of the id",
            ));
        }
        let matches: Vec<String> = self.with_conn(|conn| {
            let mut st = conn.prepare(
                "SELECT id FROM organisations WHERE substr(id, 1, length(?1)) = ?1 LIMIT 2",
            )?;
            let v = st
                .query_map([&p], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(v)
        })?;
        match matches.as_slice() {
            [one] => parse_stored_uuid(one),
            [] => Err(Error::not_found(format!("organisation {p}"))),
            _ => Err(Error::invalid(
                "org",
                format!("{p} matches more than one organisation"),
            )),
        }
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

    /// Number of events in the whole book.
    pub fn event_count(&self) -> Result<u64> {
        self.with_conn(|conn| {
            Ok(conn
                .prepare_cached("SELECT count(*) FROM events")?
                .query_row([], |r| r.get::<_, i64>(0))? as u64)
        })
    }
}

/// If `op_id` was already recorded, the first outcome (same request) or a Conflict.
fn earlier_outcome(tx: &Connection, op_id: Uuid, digest: &Hash) -> Result<Option<Outcome>> {
    type Row = (String, i64, Vec<u8>, Vec<u8>, Vec<u8>);
    let row: Option<Row> = tx
        .prepare_cached(
            "SELECT org_id, seq, hash, command_digest, canonical FROM events WHERE op_id = ?1",
        )?
        .query_row([op_id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let Some((org, seq, hash, stored_digest, canonical)) = row else {
        return Ok(None);
    };
    if stored_digest != digest {
        return Err(Error::conflict(format!(
            "op_id {op_id} was already used for a different command (organisation {org}, seq {seq})"
        )));
    }
    let event = Event::from_canonical_bytes(&canonical)?;
    Ok(Some(Outcome {
        org_id: parse_stored_uuid(&org)?,
        seq: seq as u64,
        hash: to_hash(&hash)?,
        number: number_of(&event.body),
        replayed: true,
    }))
}

/// The step of a command that carries the caller's own op_id: its last.
const LAST_STEP: u8 = u8::MAX;

/// Who records a command's events, and the digest they all carry.
struct Writer<'a> {
    op_id: Uuid,
    actor: &'a str,
    device: &'a str,
    recorded_at: &'a str,
    digest: &'a Hash,
}

impl Writer<'_> {
    /// Decides one step of a command against a read-only view of the book, then
    /// appends its event and applies it to the projections.
    fn record(&self, tx: &Connection, step: u8, command: Command) -> Result<Outcome> {
        let org = command.org();
        let (date, body) = read_only(tx, |view| {
            let ctx = load_context(view, org, self.actor)?;
            let date = command.date(view)?;
            crate::locale::check_supported_date("date", date)?;
            let body = command.decide(view, ctx.as_ref(), date)?;
            Ok((date, body))
        })?;
        let op_id = if step == LAST_STEP {
            self.op_id
        } else {
            step_op_id(self.op_id, step)
        };
        let event = Event {
            org,
            op_id,
            actor: self.actor.to_string(),
            device: self.device.to_string(),
            recorded_at: self.recorded_at.to_string(),
            date,
            body,
        };
        append(tx, &event, self.digest)
    }
}

/// The op_id of an earlier step of a many-step command: derived from the
/// caller's, so a retry derives the same ids.
fn step_op_id(op_id: Uuid, step: u8) -> Uuid {
    let mut h = Sha256::new();
    h.update(b"daftar.step\0");
    h.update(op_id.as_bytes());
    h.update([step]);
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    uuid::Builder::from_custom_bytes(b).into_uuid()
}

/// Runs `decide` with the connection in `query_only` mode: SQLite itself then
/// refuses any write, so a decision can only read the book.
fn read_only<T>(tx: &Connection, decide: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    tx.prepare_cached("PRAGMA query_only = 1")?.execute([])?;
    let result = decide(tx);
    tx.prepare_cached("PRAGMA query_only = 0")?.execute([])?;
    result
}

/// The organisation a command names, with its policy and the actor's role;
/// `None` if it does not exist yet. An auditor may never write.
fn load_context(view: &Connection, org: Uuid, actor: &str) -> Result<Option<OrgContext>> {
    let Some(o) = load_org(view, org)? else {
        return Ok(None);
    };
    let role = role_of(view, org, actor)?;
    if role == ActorRole::Auditor {
        return Err(Error::PermissionDenied {
            reason: format!("{actor} is an auditor of this organisation and may only read"),
        });
    }
    Ok(Some(OrgContext {
        policy: load_policy(view, org)?,
        org: o,
        actor: actor.to_string(),
        role,
    }))
}

/// Appends `event` to its organisation's chain and applies it to the projections.
fn append(tx: &Connection, event: &Event, digest: &Hash) -> Result<Outcome> {
    let org = event.org.to_string();
    let (last_seq, prev) = chain_head(tx, &org)?;
    let seq = last_seq + 1;
    let canonical = event.canonical_bytes()?;
    let hash = chain_hash(&prev, seq, &canonical);
    tx.prepare_cached(
        "INSERT INTO events (org_id, seq, prev_hash, hash, kind, op_id, command_digest, actor,
             device, recorded_at, business_date, canonical)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        org,
        seq as i64,
        &prev[..],
        &hash[..],
        event.body.kind(),
        event.op_id.to_string(),
        &digest[..],
        event.actor,
        event.device,
        event.recorded_at,
        event.date.to_string(),
        canonical,
    ])?;
    projection::apply(tx, seq, event)?;
    Ok(Outcome {
        org_id: event.org,
        seq,
        hash,
        number: number_of(&event.body),
        replayed: false,
    })
}

fn number_of(body: &EventBody) -> Option<u32> {
    match body {
        EventBody::MemberAdded { member_no, .. } => Some(*member_no),
        EventBody::MeetingOpened { meeting_no } => Some(*meeting_no),
        EventBody::LoanApplied { loan_no, .. }
        | EventBody::LoanDisbursed { loan_no, .. }
        | EventBody::FacilityReceived { loan_no, .. } => Some(*loan_no),
        _ => None,
    }
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

pub(crate) fn load_org(conn: &Connection, id: Uuid) -> Result<Option<Organisation>> {
    type Row = (
        String,
        String,
        String,
        u32,
        String,
        u32,
        u32,
        String,
        String,
        String,
    );
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT kind, name, currency, scale, calendar, fy_start_month, fy_start_day,
                    locale, rounding, opened_on
             FROM organisations WHERE id = ?1",
        )?
        .query_row([id.to_string()], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        })
        .optional()?;
    let Some((kind, name, currency, scale, calendar, fy_m, fy_d, locale, rounding, opened)) = row
    else {
        return Ok(None);
    };
    let calendar = Calendar::parse(&calendar)?;
    Ok(Some(Organisation {
        id,
        kind: OrgKind::parse(&kind)?,
        name,
        currency: Currency::new(&currency, Some(scale))?,
        calendar,
        fiscal_year_start: FiscalYearStart::new(fy_m, fy_d, calendar)?,
        locale: Locale::parse(&locale)?,
        rounding: RoundingRule::parse(&rounding)?,
        opened_on: parse_stored_date(&opened)?,
    }))
}

pub(crate) fn parse_stored_uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| Error::Storage {
        reason: format!("stored id {s:?} is not a UUID: {e}"),
    })
}

pub(crate) fn parse_stored_date(s: &str) -> Result<NaiveDate> {
    s.parse().map_err(|e| Error::Storage {
        reason: format!("stored date {s:?}: {e}"),
    })
}

pub(crate) fn to_hash(b: &[u8]) -> Result<Hash> {
    b.try_into().map_err(|_| Error::Storage {
        reason: format!("stored hash has {} bytes, not 32", b.len()),
    })
}

fn check_name(field: &str, s: &str) -> Result<String> {
    crate::text::person_text(field, s, MAX_ACTOR_CHARS)
}

/// Accepts `YYYY-MM-DDTHH:MM:SSZ`.
fn check_timestamp(s: &str) -> Result<String> {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ")
        .map_err(|_| Error::invalid("recorded_at", format!("{s:?} is not YYYY-MM-DDTHH:MM:SSZ")))?;
    Ok(s.to_string())
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

fn closed() -> Error {
    Error::Storage {
        reason: "the book is closed".into(),
    }
}

fn now_utc() -> String {
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

    #[test]
    fn a_decision_cannot_write_to_the_book() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
        let e = read_only(&conn, |v| {
            v.execute("INSERT INTO t VALUES (1)", [])?;
            Ok(())
        })
        .unwrap_err();
        assert!(
            e.to_string().contains("readonly") || e.to_string().contains("read"),
            "{e}"
        );
        // Afterwards the connection writes again.
        conn.execute("INSERT INTO t VALUES (2)", []).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }
}
