//! Verifying the hash chains: every event of every organisation, in seq order,
//! streamed so memory stays constant in the size of the book.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use crate::book::Book;
use crate::error::{Error, Result};
use crate::event::{chain_hash, hex, EnvelopeColumns, EventHeader, Hash, GENESIS};
use crate::replay::{compare_org, replay_org, Difference, Scratch};
use crate::rows::parse_stored_uuid;

pub use crate::checkpoint::{Checkpoint, CheckpointCheck, CHECKPOINT_HASH_BYTES};

/// The first thing wrong with a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainProblem {
    pub seq: u64,
    pub reason: String,
}

/// One organisation's chain, verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainStatus {
    pub org_id: Uuid,
    pub org_name: Option<String>,
    pub events: u64,
    pub head_seq: u64,
    #[serde(serialize_with = "hex_hash")]
    pub head_hash: Hash,
    pub problem: Option<ChainProblem>,
}

fn hex_hash<S: serde::Serializer>(h: &Hash, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&hex(h))
}

impl ChainStatus {
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
    /// This status as an error, for callers that want `?`.
    pub fn into_result(self) -> Result<ChainStatus> {
        match &self.problem {
            None => Ok(self),
            Some(p) => Err(Error::TamperDetected {
                org: self.org_id.to_string(),
                seq: p.seq,
                reason: p.reason.clone(),
            }),
        }
    }
}

/// Progress of a long operation: steps done so far, of how many. Returning
/// false cancels the operation, which then fails with `Error::Cancelled`.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64) -> bool;

impl Book {
    /// Recomputes every organisation's chain and checks each link.
    pub fn verify_chains(&self, progress: Progress<'_>) -> Result<Vec<ChainStatus>> {
        self.with_snapshot(|conn| chains(conn, progress))
    }

    /// One organisation's chain, reading only its own events: the cost grows
    /// with the organisation, not the book. None if the book does not hold it.
    pub fn verify_chain(&self, org: Uuid) -> Result<Option<ChainStatus>> {
        self.with_snapshot(|conn| one_chain(conn, org, &mut |_, _| true))
    }
}

/// Every organisation's chain as `conn` sees it.
fn chains(conn: &rusqlite::Connection, progress: Progress<'_>) -> Result<Vec<ChainStatus>> {
    let total: i64 = conn
        .prepare_cached("SELECT count(*) FROM events")?
        .query_row([], |r| r.get(0))?;
    let mut orgs_st = conn.prepare(
        "SELECT org_id, (SELECT name FROM organisations WHERE id = org_id) FROM
           (SELECT org_id FROM events UNION SELECT id FROM organisations)
         ORDER BY org_id",
    )?;
    let orgs: Vec<(String, Option<String>)> = orgs_st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut ev_st = conn.prepare(EVENTS_OF_ORG)?;
    let mut done = 0u64;
    let mut out = Vec::with_capacity(orgs.len());
    for (org, name) in orgs {
        let mut tick = || {
            done += 1;
            !done.is_multiple_of(4096) || progress(done, total as u64)
        };
        out.push(chain_of(&mut ev_st, &org, name, &mut tick)?);
    }
    if !progress(done, total as u64) {
        return Err(Error::Cancelled);
    }
    Ok(out)
}

const EVENTS_OF_ORG: &str = "SELECT seq, prev_hash, hash, kind, op_id, actor, device, recorded_at,
                business_date, canonical, command_digest
         FROM events WHERE org_id = ?1 ORDER BY seq";

/// One organisation's chain as `conn` sees it, reading its events only; None
/// when the book has neither its row nor any event of it.
fn one_chain(
    conn: &rusqlite::Connection,
    org: Uuid,
    progress: Progress<'_>,
) -> Result<Option<ChainStatus>> {
    let o = org.to_string();
    let name: Option<String> = conn
        .prepare_cached("SELECT name FROM organisations WHERE id = ?1")?
        .query_row([&o], |r| r.get(0))
        .optional()?;
    let total: i64 = conn
        .prepare_cached("SELECT count(*) FROM events WHERE org_id = ?1")?
        .query_row([&o], |r| r.get(0))?;
    if name.is_none() && total == 0 {
        return Ok(None);
    }
    let mut done = 0u64;
    let mut tick = || {
        done += 1;
        !done.is_multiple_of(4096) || progress(done, total as u64)
    };
    let chain = chain_of(&mut conn.prepare(EVENTS_OF_ORG)?, &o, name, &mut tick)?;
    if !progress(total as u64, total as u64) {
        return Err(Error::Cancelled);
    }
    Ok(Some(chain))
}

/// Checks one organisation's events in seq order; `tick` runs once per event
/// and cancels the check when it returns false.
fn chain_of(
    ev_st: &mut rusqlite::Statement<'_>,
    org: &str,
    name: Option<String>,
    tick: &mut dyn FnMut() -> bool,
) -> Result<ChainStatus> {
    let mut st = ChainStatus {
        org_id: parse_stored_uuid(org)?,
        org_name: name.clone(),
        events: 0,
        head_seq: 0,
        head_hash: GENESIS,
        problem: None,
    };
    let mut scratch = Vec::with_capacity(512);
    let mut rows = ev_st.query(params![org])?;
    while let Some(r) = rows.next()? {
        // Borrowed from the row: the chain check allocates nothing per event.
        let text = |i: usize| -> rusqlite::Result<&str> {
            r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)
        };
        let blob = |i: usize| -> rusqlite::Result<&[u8]> {
            r.get_ref(i)?.as_blob().map_err(rusqlite::Error::from)
        };
        let row = StoredEvent {
            seq: r.get::<_, i64>(0)? as u64,
            prev_hash: blob(1)?,
            hash: blob(2)?,
            kind: text(3)?,
            op_id: text(4)?,
            actor: text(5)?,
            device: text(6)?,
            recorded_at: text(7)?,
            business_date: text(8)?,
            canonical: blob(9)?,
            command_digest: blob(10)?,
        };
        if !tick() {
            return Err(Error::Cancelled);
        }
        if st.problem.is_some() {
            continue;
        }
        match check_link(org, &st, &row, &mut scratch) {
            Ok(h) => {
                st.events += 1;
                st.head_seq = row.seq;
                st.head_hash = h;
            }
            Err(reason) => {
                st.problem = Some(ChainProblem {
                    seq: row.seq,
                    reason,
                })
            }
        }
    }
    if st.problem.is_none() {
        if st.events == 0 {
            st.problem = Some(ChainProblem {
                seq: 1,
                reason: "the organisation has no events: its history was removed".into(),
            });
        } else if name.is_none() {
            st.problem = Some(ChainProblem {
                seq: st.head_seq,
                reason: "the chain has events but the organisation row is missing".into(),
            });
        }
    }
    Ok(st)
}

struct StoredEvent<'r> {
    seq: u64,
    prev_hash: &'r [u8],
    hash: &'r [u8],
    kind: &'r str,
    op_id: &'r str,
    actor: &'r str,
    device: &'r str,
    recorded_at: &'r str,
    business_date: &'r str,
    canonical: &'r [u8],
    command_digest: &'r [u8],
}

/// Checks one event against the chain so far; returns its hash.
fn check_link(
    org: &str,
    st: &ChainStatus,
    e: &StoredEvent,
    scratch: &mut Vec<u8>,
) -> std::result::Result<Hash, String> {
    let expected_seq = st.head_seq + 1;
    if e.seq != expected_seq {
        return Err(if e.seq > expected_seq {
            format!(
                "event {expected_seq} is missing (the next stored is {})",
                e.seq
            )
        } else {
            format!("seq {} is out of order after {}", e.seq, st.head_seq)
        });
    }
    if e.prev_hash != st.head_hash {
        return Err(format!(
            "prev_hash {} does not match the hash of event {} ({})",
            hex(e.prev_hash),
            st.head_seq,
            hex(&st.head_hash)
        ));
    }
    let h = chain_hash(&st.head_hash, e.seq, e.canonical);
    if e.hash != h {
        return Err(format!(
            "stored hash {} differs from the recomputed {}: the event's bytes were changed",
            hex(e.hash),
            hex(&h)
        ));
    }
    // Only the envelope is compared here: the bytes are hashed as stored, and
    // the replay decodes every body. The columns, written as the canonical
    // form writes them, are compared as bytes; only a mismatch is parsed, to
    // name the column.
    let columns = EnvelopeColumns {
        org,
        kind: e.kind,
        op_id: e.op_id,
        actor: e.actor,
        device: e.device,
        recorded_at: e.recorded_at,
        date: e.business_date,
        command_digest: e.command_digest,
    };
    if !columns.written_in(e.canonical, scratch) {
        envelope_mismatch(org, e)?;
    }
    if (e.seq == 1) != (e.kind == "org.created") {
        return Err("the chain must start with org.created, and only there".into());
    }
    Ok(h)
}

/// Which column of the row differs from the chained envelope, as an error.
fn envelope_mismatch(org: &str, e: &StoredEvent) -> std::result::Result<(), String> {
    let ev = EventHeader::read(e.canonical)?;
    let mismatch = [
        ("org_id", ev.org == org),
        ("kind", ev.kind == e.kind),
        ("op_id", ev.op_id == e.op_id),
        ("actor", ev.actor == e.actor),
        ("device", ev.device == e.device),
        ("recorded_at", ev.recorded_at == e.recorded_at),
        ("business_date", ev.date == e.business_date),
        // Version 2 chains it; a version 1 event's stays unchecked (see
        // docs/chain-format.md).
        ("command_digest", ev.command_is(e.command_digest)),
    ]
    .into_iter()
    .find(|(_, ok)| !ok);
    if let Some((col, _)) = mismatch {
        return Err(format!(
            "column {col} of the events row differs from the chained event"
        ));
    }
    Ok(())
}

/// An intact chain's events replayed into a scratch copy of its own, and the
/// stored projections compared with it: what replaying does not reproduce.
fn replayed_differences(
    snapshot: &rusqlite::Connection,
    chain: &ChainStatus,
    encrypted: bool,
    tick: &mut dyn FnMut() -> bool,
) -> Result<Vec<Difference>> {
    let org = chain.org_id.to_string();
    let mut scratch = Scratch::for_org(chain.events, encrypted)?;
    Ok(match replay_org(snapshot, &mut scratch.conn, &org, tick)? {
        Ok(()) => compare_org(snapshot, &scratch.conn, &org)?,
        Err((seq, reason)) => vec![Difference {
            table: "events".into(),
            key: format!("seq={seq}"),
            detail: reason,
        }],
    })
}

/// One organisation's chain and projections, verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgVerification {
    pub chain: ChainStatus,
    /// Stored projection rows that replaying the events does not reproduce.
    pub differences: Vec<Difference>,
}

impl OrgVerification {
    pub fn is_intact(&self) -> bool {
        self.chain.is_intact() && self.differences.is_empty()
    }
}

/// The whole book, verified: SQLite's own integrity check, every chain, and
/// every projection against a replay of the events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// "ok", or SQLite's first complaint.
    pub integrity: String,
    pub orgs: Vec<OrgVerification>,
    /// When each bulk load that never finished began: the book may lack its last
    /// commands, so it is not reported intact.
    pub unfinished_loads: Vec<String>,
    /// What is wrong with the book's structure: its schema (tables, indexes,
    /// triggers, CHECKs) against the one this daftar writes, and rows of an
    /// organisation that has no chain.
    pub structure: Vec<String>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.integrity == "ok"
            && self.unfinished_loads.is_empty()
            && self.structure.is_empty()
            && self.orgs.iter().all(|o| o.is_intact())
    }
}

impl Book {
    /// One organisation verified in one snapshot: its chain, and its
    /// projections against a replay of its events. It reads that
    /// organisation's rows only, so its cost grows with the organisation, not
    /// the book. The file's own integrity, its schema and the other
    /// organisations are what `verify` adds.
    pub fn verify_org(&self, org: Uuid, progress: Progress<'_>) -> Result<OrgVerification> {
        let reader = crate::store::open_reader(self.path(), self.key())?;
        let snapshot = reader.unchecked_transaction()?;
        let o = org.to_string();
        let total: u64 = snapshot
            .prepare_cached("SELECT count(*) FROM events WHERE org_id = ?1")?
            .query_row([&o], |r| r.get::<_, i64>(0))? as u64;
        let chain = one_chain(&snapshot, org, &mut |done, _| progress(done, total * 2))?
            .ok_or_else(|| Error::not_found(format!("organisation {org}")))?;
        let mut differences = Vec::new();
        if chain.is_intact() {
            let (mut done, mut cancelled) = (total, false);
            let mut tick = || {
                done += 1;
                if done.is_multiple_of(4096) && !progress(done, total * 2) {
                    cancelled = true;
                }
                !cancelled
            };
            differences = replayed_differences(&snapshot, &chain, self.is_encrypted(), &mut tick)?;
            if cancelled {
                return Err(Error::Cancelled);
            }
        }
        if !progress(total * 2, total * 2) {
            return Err(Error::Cancelled);
        }
        Ok(OrgVerification { chain, differences })
    }

    /// Full verification: integrity, chains, and projections by replay.
    pub fn verify(&self, progress: Progress<'_>) -> Result<VerifyReport> {
        // One snapshot throughout: a reader of its own in one read transaction,
        // so the chains, the replay and every table's comparison see the same
        // book even while this process or another keeps writing.
        let witness = crate::last_commit::read(self.path());
        let reader = crate::store::open_reader(self.path(), self.key())?;
        let snapshot = reader.unchecked_transaction()?;
        let total: u64 = snapshot
            .prepare_cached("SELECT count(*) FROM events")?
            .query_row([], |r| r.get::<_, i64>(0))? as u64;
        let mut structure = crate::structure::structure_problems(&snapshot)?;
        structure.extend(crate::last_commit::check(self.path(), witness, &snapshot)?);
        let integrity: String = snapshot
            .prepare_cached("PRAGMA integrity_check(1)")?
            .query_row([], |r| r.get(0))?;
        let unfinished_loads = crate::book::unfinished_loads(&snapshot)?;
        let chains = match chains(&snapshot, &mut |done, _| progress(done, total * 2)) {
            Ok(c) => c,
            // A log whose table was altered cannot be read: the schema says why.
            Err(Error::Storage { .. }) if !structure.is_empty() => {
                return Ok(VerifyReport {
                    integrity,
                    orgs: Vec::new(),
                    unfinished_loads,
                    structure,
                })
            }
            Err(e) => return Err(e),
        };
        let mut done = total;
        let mut cancelled = false;
        let mut orgs = Vec::with_capacity(chains.len());
        for chain in chains {
            let mut differences = Vec::new();
            if chain.is_intact() {
                let mut tick = || {
                    done += 1;
                    if done.is_multiple_of(4096) && !progress(done, total * 2) {
                        cancelled = true;
                    }
                    !cancelled
                };
                differences =
                    replayed_differences(&snapshot, &chain, self.is_encrypted(), &mut tick)?;
            }
            orgs.push(OrgVerification { chain, differences });
            if cancelled {
                return Err(Error::Cancelled);
            }
        }
        if !progress(total * 2, total * 2) {
            return Err(Error::Cancelled);
        }
        Ok(VerifyReport {
            integrity,
            orgs,
            unfinished_loads,
            structure,
        })
    }
}

impl Book {
    /// `verify`, as an error: the first problem found becomes `TamperDetected`
    /// (or `Corrupt` when SQLite's own check fails).
    pub fn require_intact(&self, progress: Progress<'_>) -> Result<VerifyReport> {
        let report = self.verify(progress)?;
        if report.integrity != "ok" {
            return Err(Error::Corrupt {
                reason: report.integrity,
            });
        }
        for o in &report.orgs {
            let org = o.chain.org_id.to_string();
            if let Some(p) = &o.chain.problem {
                return Err(Error::TamperDetected {
                    org,
                    seq: p.seq,
                    reason: p.reason.clone(),
                });
            }
            if let Some(d) = o.differences.first() {
                let seq = d
                    .key
                    .strip_prefix("seq=")
                    .and_then(|k| k.split(',').next())
                    .and_then(|n| n.parse().ok());
                return Err(Error::TamperDetected {
                    org,
                    seq: seq.unwrap_or(0),
                    reason: format!("table {} row {}: {}", d.table, d.key, d.detail),
                });
            }
        }
        Ok(report)
    }
}
