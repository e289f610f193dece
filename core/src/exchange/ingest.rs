//! Receiving a chunk from another device: checked by `daftar-sync` against the
//! chain this book holds, then each new event appended and applied to the
//! projections through the same code as a live command, all in one
//! transaction. A refused chunk writes nothing to the books; its events are
//! kept aside when they are someone's real work (a fork, a late write).

use rusqlite::{params, Connection};
use uuid::Uuid;

use super::HeldChain;
use crate::book::{now_utc, Book};
use crate::error::{Error, Result};
use crate::event::Event;
use daftar_sync::chunk::check;
use daftar_sync::custody::EventView;
use daftar_sync::{Chunk, Head, Refusal};

/// What a chunk did to the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    pub org: Uuid,
    /// The organisation's head after the chunk.
    pub head: Head,
    /// Events appended; 0 for a chunk the book already held (a retry).
    pub applied: u64,
}

/// An event refused and kept for re-entry by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    pub seq: u64,
    pub kind: String,
    pub device: String,
    /// The refusal's code (`fork`, `not_writer`) and reason.
    pub refusal: String,
    pub received_at: String,
    /// The event as it arrived (canonical JSON).
    pub canonical: String,
}

impl Book {
    /// Applies another device's chunk: all of its new events, or none. A chunk
    /// already held is answered with the same head and writes nothing.
    pub fn ingest(&self, chunk: &Chunk) -> Result<Ingested> {
        let (outcome, _) = self.in_write_transaction(|tx| ingest_in(tx, chunk))?;
        outcome
    }

    /// Events of `org` kept aside, oldest seq first.
    pub fn set_aside(&self, org: Uuid) -> Result<Vec<SetAside>> {
        self.with_reader(|c| {
            let mut st = c.prepare_cached(
                "SELECT seq, canonical, refusal, received_at FROM set_aside
                  WHERE org_id = ?1 ORDER BY seq, received_at",
            )?;
            let rows = st.query_map([org.to_string()], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (seq, bytes, refusal, received_at) = row?;
                let view = EventView::parse(&bytes).map_err(|r| Error::Storage {
                    reason: r.to_string(),
                })?;
                out.push(SetAside {
                    seq: seq as u64,
                    kind: view.kind,
                    device: view.device,
                    refusal,
                    received_at,
                    canonical: String::from_utf8_lossy(&bytes).into_owned(),
                });
            }
            Ok(out)
        })
    }
}

/// The transaction commits what this returns as `Ok`: a refusal that keeps
/// events aside commits them to `set_aside` alone, and is returned inside.
fn ingest_in(tx: &Connection, chunk: &Chunk) -> Result<Result<Ingested>> {
    let checked = {
        let held = HeldChain::load(tx, chunk.org)?;
        check(chunk, &held)
    };
    let checked = match checked {
        Ok(c) => c,
        Err(refusal) => {
            if refusal.keeps_aside() {
                keep_aside(tx, chunk, &refusal)?;
            }
            return Ok(Err(Error::refused(&refusal)));
        }
    };
    let first = chunk.base.seq + 1;
    for i in checked.first_new..chunk.events.len() {
        let seq = first + i as u64;
        let bytes = chunk.events[i].as_bytes();
        let does_not_apply = |e: Error| {
            Error::refused(&Refusal::DoesNotApply {
                seq,
                reason: e.to_string(),
            })
        };
        let event = Event::from_canonical_bytes(bytes).map_err(does_not_apply)?;
        crate::locale::check_supported_date("date", event.date).map_err(does_not_apply)?;
        crate::permissions::check_received(tx, &event).map_err(does_not_apply)?;
        crate::write::append_received(tx, seq, &checked.hashes[i], bytes, &event)
            .map_err(does_not_apply)?;
    }
    let applied = (chunk.events.len() - checked.first_new) as u64;
    if applied > 0 {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO signed_heads (org_id, seq, signer, signature) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            chunk.org.to_string(),
            chunk.head.seq as i64,
            chunk.signer.to_string(),
            chunk.signature.to_string()
        ])?;
        // The projection followed the custody events as sync's rules did.
        let stored = crate::custody::holder(tx, chunk.org)?;
        if stored != checked.custody.custody {
            return Err(Error::Storage {
                reason: format!(
                    "custody of {} after the chunk disagrees with sync's rules",
                    chunk.org
                ),
            });
        }
    }
    let (seq, hash) = crate::book::chain_head(tx, &chunk.org.to_string())?;
    Ok(Ok(Ingested {
        org: chunk.org,
        head: Head { seq, hash },
        applied,
    }))
}

/// Keeps the chunk's events from the refused seq on, as they arrived.
fn keep_aside(tx: &Connection, chunk: &Chunk, refusal: &Refusal) -> Result<()> {
    let from = match refusal {
        Refusal::Fork { seq, .. } | Refusal::NotWriter { seq, .. } => *seq,
        _ => return Ok(()),
    };
    let Ok(hashes) = chunk.link() else {
        return Ok(());
    };
    let received_at = now_utc();
    let why = format!("{}: {refusal}", refusal.code());
    for (i, text) in chunk.events.iter().enumerate() {
        let seq = chunk.base.seq + 1 + i as u64;
        if seq < from {
            continue;
        }
        tx.prepare_cached(
            "INSERT OR IGNORE INTO set_aside (org_id, seq, hash, canonical, refusal, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            chunk.org.to_string(),
            seq as i64,
            &hashes[i][..],
            text.as_bytes(),
            why,
            received_at
        ])?;
    }
    Ok(())
}
