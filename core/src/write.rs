//! The write path: a command decided read-only inside its transaction, its
//! event appended to the organisation's chain and applied to the projections.

use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::admin::load_context;
use crate::book::{chain_head, now_utc, Book, CommandMeta, Outcome, MAX_ACTOR_CHARS};
use crate::command::Command;
use crate::error::{Error, Result};
use crate::event::{chain_hash, Event, EventBody, Hash};
use crate::projection;
use crate::rows::{parse_stored_uuid, to_hash};

/// The step of a command that carries the caller's own op_id: its last.
const LAST_STEP: u8 = u8::MAX;

/// Who records a command's events, and the digest they all carry.
struct Writer<'a> {
    op_id: Uuid,
    actor: &'a str,
    device: &'a str,
    recorded_at: &'a str,
    digest: &'a Hash,
    pin: Option<&'a crate::pins::Pin>,
    pins_seen: &'a std::sync::Mutex<std::collections::HashSet<[u8; 32]>>,
}

impl Writer<'_> {
    /// Decides one step of a command against a read-only view of the book, then
    /// appends its event and applies it to the projections.
    fn record(&self, tx: &Connection, step: u8, command: Command) -> Result<Outcome> {
        let org = command.org();
        if command.is_custody() {
            crate::device::ensure(tx, self.device)?;
        }
        let (date, body) = read_only(tx, |view| {
            let ctx = load_context(view, org, self.actor)?;
            if let Some(ctx) = &ctx {
                crate::permissions::check(view, ctx, &command)?;
                crate::confirmation::check(view, ctx, &command, self.pin, self.pins_seen)?;
            }
            let date = command.date(view)?;
            crate::locale::check_supported_date("date", date)?;
            let ahead = ctx.as_ref().map_or(crate::policy::DEFAULT_DAYS_AHEAD, |c| {
                c.policy.days_ahead_allowed
            });
            not_past_the_clock(date, self.recorded_at, ahead)?;
            let body = if command.is_custody() {
                command.decide_custody(view, ctx.as_ref(), self.device)?
            } else {
                crate::custody::require_writer(view, org, self.device)?;
                command.decide(view, ctx.as_ref(), date)?
            };
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
            command: Some(*self.digest),
        };
        append(tx, &event)
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

/// Runs `decide` inside a savepoint and checks that it wrote nothing: a
/// decision only reads the book. One that wrote (a bug) is undone and refused.
/// (Not `PRAGMA query_only`: setting a flag pragma expires every prepared
/// statement of the connection, so each command re-prepared all of its SQL.)
fn read_only<T>(tx: &Connection, decide: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    tx.prepare_cached("SAVEPOINT decide")?.execute([])?;
    let before = tx.total_changes();
    let result = decide(tx);
    if tx.total_changes() != before {
        tx.prepare_cached("ROLLBACK TO decide")?.execute([])?;
        tx.prepare_cached("RELEASE decide")?.execute([])?;
        return Err(Error::Storage {
            reason: "a command's decision wrote to the book; it was undone and the command refused"
                .into(),
        });
    }
    tx.prepare_cached("RELEASE decide")?.execute([])?;
    result
}

/// If `op_id` was already recorded, the first outcome (same request) or a Conflict.
fn earlier_outcome(tx: &Connection, op_id: Uuid, digest: &Hash) -> Result<Option<Outcome>> {
    let mut st = tx.prepare_cached(
        "SELECT org_id, seq, hash, command_digest, canonical FROM events WHERE op_id = ?1",
    )?;
    let mut rows = st.query([op_id.to_string()])?;
    let Some(r) = rows.next()? else {
        return Ok(None);
    };
    let org: String = r.get("org_id")?;
    let seq: i64 = r.get("seq")?;
    let stored_digest: Vec<u8> = r.get("command_digest")?;
    let hash: Vec<u8> = r.get("hash")?;
    let canonical: Vec<u8> = r.get("canonical")?;
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

/// Appends `event` to its organisation's chain and applies it to the projections.
fn append(tx: &Connection, event: &Event) -> Result<Outcome> {
    let org = event.org.to_string();
    let (last_seq, prev) = chain_head(tx, &org)?;
    let seq = last_seq + 1;
    let canonical = event.canonical_bytes()?;
    let hash = chain_hash(&prev, seq, &canonical);
    insert_event(tx, (seq, &prev, &hash), event, &canonical)?;
    projection::apply(tx, seq, event)?;
    Ok(Outcome {
        org_id: event.org,
        seq,
        hash,
        number: number_of(&event.body),
        replayed: false,
    })
}

/// Appends an event received from another device (`exchange::ingest`) at
/// `seq`, after the chain's head, and applies it through the same projection
/// code as a live command. Its command's digest comes chained with it, so a
/// retry of that command here answers as the first did.
pub(crate) fn append_received(
    tx: &Connection,
    seq: u64,
    hash: &Hash,
    canonical: &[u8],
    event: &Event,
) -> Result<()> {
    let org = event.org.to_string();
    let (last_seq, prev) = chain_head(tx, &org)?;
    if seq != last_seq + 1 || chain_hash(&prev, seq, canonical) != *hash {
        return Err(Error::Storage {
            reason: format!("received seq {seq} does not extend the head at seq {last_seq}"),
        });
    }
    insert_event(tx, (seq, &prev, hash), event, canonical)?;
    projection::apply(tx, seq, event)
}

/// The digest kept beside an event for retries: the one it chains, or, for a
/// version 1 event received from another device, a marker of its bytes (its
/// command is not known here, so reusing its op_id is a conflict).
fn stored_digest(event: &Event, canonical: &[u8]) -> Hash {
    event.command.unwrap_or_else(|| {
        Sha256::new()
            .chain_update(b"daftar.received\0")
            .chain_update(canonical)
            .finalize()
            .into()
    })
}

/// The event's row: its place in the chain (seq, prev_hash, hash), the
/// envelope's indexed copies, its command digest and its canonical bytes.
fn insert_event(
    tx: &Connection,
    (seq, prev, hash): (u64, &Hash, &Hash),
    event: &Event,
    canonical: &[u8],
) -> Result<()> {
    let digest = stored_digest(event, canonical);
    tx.prepare_cached(
        "INSERT INTO events (org_id, seq, prev_hash, hash, kind, op_id, command_digest, actor,
             device, recorded_at, business_date, canonical)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        event.org.to_string(),
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
    Ok(())
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

fn check_name(field: &str, s: &str) -> Result<String> {
    crate::text::person_text(field, s, MAX_ACTOR_CHARS)
}

/// A business date may run ahead of the device's clock (`recorded_at`, UTC)
/// by `ahead` days at most: a phone set a day off, or a meeting just past
/// midnight UTC, is fine; a date weeks ahead is a typing mistake.
fn not_past_the_clock(date: chrono::NaiveDate, recorded_at: &str, ahead: u32) -> Result<()> {
    let clock = chrono::NaiveDateTime::parse_from_str(recorded_at, "%Y-%m-%dT%H:%M:%SZ")
        .map_err(|_| {
            Error::invalid(
                "recorded_at",
                format!("{recorded_at:?} is not YYYY-MM-DDTHH:MM:SSZ"),
            )
        })?
        .date();
    let limit = clock
        .checked_add_days(chrono::Days::new(u64::from(ahead)))
        .unwrap_or(chrono::NaiveDate::MAX);
    if date > limit {
        return Err(Error::invalid(
            "date",
            format!(
                "{date} is after the device's date {clock} by more than the {ahead} day(s) the policy allows; check the date, or the phone's clock"
            ),
        ));
    }
    Ok(())
}

/// Accepts `YYYY-MM-DDTHH:MM:SSZ`.
fn check_timestamp(s: &str) -> Result<String> {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ")
        .map_err(|_| Error::invalid("recorded_at", format!("{s:?} is not YYYY-MM-DDTHH:MM:SSZ")))?;
    Ok(s.to_string())
}

impl Book {
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
            pin: meta.pin.as_ref(),
            pins_seen: &self.pins_seen,
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
        let (outcome, durable) = self.in_write_transaction(record)?;
        if durable && !outcome.replayed {
            self.witness
                .record(outcome.org_id, outcome.seq, &outcome.hash);
        }
        Ok(outcome)
    }
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
        assert!(e.to_string().contains("decision wrote"), "{e}");
        // Afterwards the connection writes again.
        conn.execute("INSERT INTO t VALUES (2)", []).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }
}
