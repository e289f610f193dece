//! Verifying the hash chains: every event of every organisation, in seq order,
//! streamed so memory stays constant in the size of the book.

use rusqlite::params;
use serde::Serialize;
use uuid::Uuid;

use crate::book::{parse_stored_uuid, Book};
use crate::error::{Error, Result};
use crate::event::{chain_hash, hex, Event, Hash, GENESIS};

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

/// Progress of a long verification: events checked so far, of how many.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

impl Book {
    /// Recomputes every organisation's chain and checks each link.
    pub fn verify_chains(&self, progress: Progress<'_>) -> Result<Vec<ChainStatus>> {
        self.with_conn(|conn| {
            let total: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
            let mut orgs_st = conn.prepare(
                "SELECT org_id, (SELECT name FROM organisations WHERE id = org_id) FROM
                   (SELECT org_id FROM events UNION SELECT id FROM organisations)
                 ORDER BY org_id",
            )?;
            let orgs: Vec<(String, Option<String>)> = orgs_st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut ev_st = conn.prepare(
                "SELECT seq, prev_hash, hash, kind, op_id, actor, device, recorded_at,
                        business_date, canonical
                 FROM events WHERE org_id = ?1 ORDER BY seq",
            )?;
            let mut done = 0u64;
            let mut out = Vec::with_capacity(orgs.len());
            for (org, name) in orgs {
                let mut st = ChainStatus {
                    org_id: parse_stored_uuid(&org)?,
                    org_name: name.clone(),
                    events: 0,
                    head_seq: 0,
                    head_hash: GENESIS,
                    problem: None,
                };
                let mut rows = ev_st.query(params![org])?;
                while let Some(r) = rows.next()? {
                    let row = StoredEvent {
                        seq: r.get::<_, i64>(0)? as u64,
                        prev_hash: r.get(1)?,
                        hash: r.get(2)?,
                        kind: r.get(3)?,
                        op_id: r.get(4)?,
                        actor: r.get(5)?,
                        device: r.get(6)?,
                        recorded_at: r.get(7)?,
                        business_date: r.get(8)?,
                        canonical: r.get(9)?,
                    };
                    done += 1;
                    if done.is_multiple_of(4096) {
                        progress(done, total as u64);
                    }
                    if st.problem.is_some() {
                        continue;
                    }
                    match check_link(&org, &st, &row) {
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
                            reason: "the organisation has no events: its history was removed"
                                .into(),
                        });
                    } else if name.is_none() {
                        st.problem = Some(ChainProblem {
                            seq: st.head_seq,
                            reason: "the chain has events but the organisation row is missing"
                                .into(),
                        });
                    }
                }
                out.push(st);
            }
            progress(done, total as u64);
            Ok(out)
        })
    }
}

struct StoredEvent {
    seq: u64,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
    kind: String,
    op_id: String,
    actor: String,
    device: String,
    recorded_at: String,
    business_date: String,
    canonical: Vec<u8>,
}

/// Checks one event against the chain so far; returns its hash.
fn check_link(org: &str, st: &ChainStatus, e: &StoredEvent) -> std::result::Result<Hash, String> {
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
            hex(&e.prev_hash),
            st.head_seq,
            hex(&st.head_hash)
        ));
    }
    let h = chain_hash(&st.head_hash, e.seq, &e.canonical);
    if e.hash != h {
        return Err(format!(
            "stored hash {} differs from the recomputed {}: the event's bytes were changed",
            hex(&e.hash),
            hex(&h)
        ));
    }
    let ev = Event::from_canonical_bytes(&e.canonical).map_err(|err| err.to_string())?;
    let mismatch = [
        ("org_id", ev.org.to_string() == org),
        ("kind", ev.body.kind() == e.kind),
        ("op_id", ev.op_id.to_string() == e.op_id),
        ("actor", ev.actor == e.actor),
        ("device", ev.device == e.device),
        ("recorded_at", ev.recorded_at == e.recorded_at),
        ("business_date", ev.date.to_string() == e.business_date),
    ]
    .into_iter()
    .find(|(_, ok)| !ok);
    if let Some((col, _)) = mismatch {
        return Err(format!(
            "column {col} of the events row differs from the chained event"
        ));
    }
    if (e.seq == 1) != (e.kind == "org.created") {
        return Err("the chain must start with org.created, and only there".into());
    }
    Ok(h)
}
