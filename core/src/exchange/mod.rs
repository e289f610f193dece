//! The book's side of sync (`daftar-sync` holds the rules): chunks of an
//! organisation's chain made for another device (`bundle.rs`), a bundle as a
//! file, sealed to the receiving device for a hand-over (`file.rs`), chunks from
//! another device checked and applied (`ingest.rs`), and the sync state that
//! cannot get stuck: the last head the server acknowledged, per organisation;
//! the sync with the programme's server over a caller's transport (`server.rs`).
//! Owns `signed_heads`, `sync_acks` and `set_aside`.

mod bundle;
mod file;
mod ingest;
mod server;

use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use crate::book::Book;
use crate::error::{Error, Result};
use crate::rows::to_hash;
use daftar_sync::chunk::Receiver;
use daftar_sync::custody::{Custody, CustodyState};
use daftar_sync::{Hash, Head};

pub use daftar_sync::Chunk;
pub use file::{is_sealed, parse_bundle};
pub use ingest::{Ingested, SetAside};
pub use server::{OrgSync, SyncOptions, SyncReport, Transport};

/// Where an organisation stands with the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncState {
    pub head: Head,
    /// The last head the server acknowledged; a push sends what follows it.
    pub acknowledged: Option<Head>,
    pub custody: Option<Custody>,
}

/// One organisation's chain as this book holds it, for `daftar-sync`'s checks.
pub(crate) struct HeldChain<'a> {
    conn: &'a Connection,
    org: String,
    head: Head,
    custody: CustodyState,
}

impl<'a> HeldChain<'a> {
    pub(crate) fn load(conn: &'a Connection, org: Uuid) -> Result<HeldChain<'a>> {
        let (seq, hash) = crate::book::chain_head(conn, &org.to_string())?;
        Ok(HeldChain {
            conn,
            org: org.to_string(),
            head: Head { seq, hash },
            custody: crate::custody::state(conn, org)?,
        })
    }
}

impl Receiver for HeldChain<'_> {
    fn head(&self) -> Head {
        self.head
    }
    fn hash_at(&self, seq: u64) -> Option<Hash> {
        hash_at(self.conn, &self.org, seq).ok().flatten()
    }
    fn custody(&self) -> CustodyState {
        self.custody.clone()
    }
}

pub(crate) fn hash_at(conn: &Connection, org: &str, seq: u64) -> Result<Option<Hash>> {
    let h: Option<Vec<u8>> = conn
        .prepare_cached("SELECT hash FROM events WHERE org_id = ?1 AND seq = ?2")?
        .query_row(params![org, seq as i64], |r| r.get(0))
        .optional()?;
    h.map(|h| to_hash(&h)).transpose()
}

fn acknowledged(conn: &Connection, org: Uuid) -> Result<Option<Head>> {
    let row: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM sync_acks WHERE org_id = ?1")?
        .query_row([org.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(seq, hash)| {
        Ok(Head {
            seq: seq as u64,
            hash: to_hash(&hash)?,
        })
    })
    .transpose()
}

impl Book {
    /// Where `org` stands: its head, what the server acknowledged, its custody.
    pub fn sync_state(&self, org: Uuid) -> Result<SyncState> {
        self.with_reader(|c| {
            let held = HeldChain::load(c, org)?;
            if held.head.seq == 0 {
                return Err(Error::not_found(format!("organisation {org}")));
            }
            Ok(SyncState {
                head: held.head,
                acknowledged: acknowledged(c, org)?,
                custody: held.custody.custody,
            })
        })
    }

    /// Who holds custody of `org`, if anyone has claimed it.
    pub fn custody(&self, org: Uuid) -> Result<Option<Custody>> {
        Ok(self.sync_state(org)?.custody)
    }

    /// Records that the server holds `org`'s chain up to `head` (with its
    /// receipt, as it sent it). The head must be one this book holds; an
    /// acknowledgement older than the one kept is stale and changes nothing.
    pub fn acknowledge(&self, org: Uuid, head: Head, receipt: Option<&str>) -> Result<()> {
        self.in_write_transaction(|tx| {
            if head.seq == 0 || hash_at(tx, &org.to_string(), head.seq)? != Some(head.hash) {
                return Err(Error::invalid(
                    "acknowledgement",
                    format!("this book holds no {head} in organisation {org}"),
                ));
            }
            if acknowledged(tx, org)?.is_some_and(|a| a.seq >= head.seq) {
                return Ok(());
            }
            tx.prepare_cached(
                "INSERT OR REPLACE INTO sync_acks (org_id, seq, hash, receipt) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![org.to_string(), head.seq as i64, &head.hash[..], receipt])?;
            Ok(())
        })?;
        Ok(())
    }

    /// The chunks a push sends now: everything after the last acknowledged head.
    /// After any failure, pushing again sends from the same point.
    pub fn unacknowledged(&self, org: Uuid) -> Result<Vec<Chunk>> {
        let after = self.sync_state(org)?.acknowledged.map_or(0, |h| h.seq);
        self.bundle(org, after)
    }
}
