//! Making a bundle: an organisation's events after a seq, as chunks of about
//! `TARGET_CHUNK_BYTES`, each ending at a head its writer signed. This book
//! signs the heads its own device wrote; another device's heads it hands on
//! with the signature they arrived with.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};
use uuid::Uuid;

use super::hash_at;
use crate::book::Book;
use crate::error::{Error, Result};
use daftar_sync::chunk::TARGET_CHUNK_BYTES;
use daftar_sync::custody::{CustodyGrant, Recovery, CLAIMED, RECOVERED, TRANSFERRED};
use daftar_sync::{Chunk, DeviceKey, Head, PublicKey, Refusal, Signature};

/// Which key wrote each seq, from the organisation's custody events: the
/// claimer or recoverer wrote its own event, the old holder its hand-over, and
/// the holder everything in between. Before a claim, nobody with a key.
struct Writers {
    /// seq of each custody event → (key writing it, key holding after it).
    changes: BTreeMap<u64, (PublicKey, PublicKey)>,
}

impl Writers {
    fn load(conn: &Connection, org: &str) -> Result<Writers> {
        let mut st = conn.prepare_cached(
            "SELECT seq, kind, canonical FROM events
              WHERE org_id = ?1 AND kind IN (?2, ?3, ?4) ORDER BY seq",
        )?;
        let rows = st.query_map(params![org, CLAIMED, TRANSFERRED, RECOVERED], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut changes = BTreeMap::new();
        let mut holder: Option<PublicKey> = None;
        for row in rows {
            let (seq, kind, canonical) = row?;
            let body = serde_json::from_slice::<serde_json::Value>(&canonical)
                .ok()
                .and_then(|v| v.get("body").cloned())
                .unwrap_or_default();
            let bad = |e: serde_json::Error| Error::Storage {
                reason: format!("custody event at seq {seq}: {e}"),
            };
            let (writer, new) = if kind == RECOVERED {
                let r: Recovery = serde_json::from_value(body).map_err(bad)?;
                (r.key, r.key)
            } else {
                let g: CustodyGrant = serde_json::from_value(body).map_err(bad)?;
                let writer = if kind == TRANSFERRED {
                    holder.unwrap_or(g.key)
                } else {
                    g.key
                };
                (writer, g.key)
            };
            holder = Some(new);
            changes.insert(seq as u64, (writer, new));
        }
        Ok(Writers { changes })
    }

    fn key_of(&self, seq: u64) -> Option<PublicKey> {
        if let Some((writer, _)) = self.changes.get(&seq) {
            return Some(*writer);
        }
        self.changes
            .range(..seq)
            .next_back()
            .map(|(_, (_, holder))| *holder)
    }
}

/// Heads of `org` after `after` received with their writers' signatures.
fn signed_heads(
    conn: &Connection,
    org: &str,
    after: u64,
) -> Result<BTreeMap<u64, (PublicKey, Signature)>> {
    let mut st = conn.prepare_cached(
        "SELECT seq, signer, signature FROM signed_heads WHERE org_id = ?1 AND seq > ?2",
    )?;
    let rows = st.query_map(params![org, after as i64], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (seq, signer, sig) = row?;
        let bad = |e: daftar_sync::signing::KeyError| Error::Storage {
            reason: format!("signed head at seq {seq}: {e}"),
        };
        out.insert(
            seq as u64,
            (
                PublicKey::parse(&signer).map_err(bad)?,
                Signature::parse(&sig).map_err(bad)?,
            ),
        );
    }
    Ok(out)
}

/// A chunk being filled.
struct Open {
    base: Head,
    events: Vec<String>,
    bytes: usize,
}

impl Book {
    /// `org`'s events after `after_seq`, as chunks of about 1 MB, each ending at a
    /// head its writer signed: a bundle another book or the server can check.
    /// Empty when there is nothing after `after_seq`. Writes nothing.
    pub fn bundle(&self, org: Uuid, after_seq: u64) -> Result<Vec<Chunk>> {
        self.bundle_sized(org, after_seq, TARGET_CHUNK_BYTES)
    }

    /// As [`Book::bundle`], with chunks closed at about `target_bytes` of events
    /// (at least one event each): smaller for a weak network, so a dropped
    /// connection loses less.
    pub fn bundle_sized(
        &self,
        org: Uuid,
        after_seq: u64,
        target_bytes: usize,
    ) -> Result<Vec<Chunk>> {
        self.with_conn(|c| {
            let tx = c.transaction()?;
            let chunks = bundle_in(&tx, org, after_seq, target_bytes.max(1))?;
            tx.finish()?;
            Ok(chunks)
        })
    }
}

fn bundle_in(conn: &Connection, org: Uuid, after: u64, target: usize) -> Result<Vec<Chunk>> {
    let org_s = org.to_string();
    let (head_seq, _) = crate::book::chain_head(conn, &org_s)?;
    if head_seq == 0 {
        return Err(Error::not_found(format!("organisation {org}")));
    }
    if after > head_seq {
        return Err(Error::invalid(
            "after",
            format!("seq {after} is past the head of organisation {org} (seq {head_seq})"),
        ));
    }
    if crate::custody::holder(conn, org)?.is_none() {
        return Err(Error::refused(&Refusal::NoCustody { seq: head_seq }));
    }
    let writers = Writers::load(conn, &org_s)?;
    let own: Option<DeviceKey> = crate::device::load(conn)?.map(|(_, k)| k);
    let received = signed_heads(conn, &org_s, after)?;
    let signature_for = |seq: u64, hash: &daftar_sync::Hash| -> Option<(PublicKey, Signature)> {
        let key = writers.key_of(seq)?;
        if let Some(own) = own.as_ref().filter(|k| k.public() == key) {
            return Some((key, own.sign_head(&org, &Head { seq, hash: *hash })));
        }
        received
            .get(&seq)
            .filter(|(signer, _)| *signer == key)
            .copied()
    };
    let base_hash = if after == 0 {
        daftar_sync::GENESIS
    } else {
        hash_at(conn, &org_s, after)?.ok_or_else(|| Error::not_found(format!("seq {after}")))?
    };
    let mut chunks = Vec::new();
    let mut open = Open {
        base: Head {
            seq: after,
            hash: base_hash,
        },
        events: Vec::new(),
        bytes: 0,
    };
    let mut st = conn.prepare_cached(
        "SELECT seq, hash, canonical FROM events WHERE org_id = ?1 AND seq > ?2 ORDER BY seq",
    )?;
    let mut rows = st.query(params![org_s, after as i64])?;
    while let Some(r) = rows.next()? {
        let seq = r.get::<_, i64>(0)? as u64;
        let hash = crate::rows::to_hash(&r.get::<_, Vec<u8>>(1)?)?;
        let text = String::from_utf8(r.get::<_, Vec<u8>>(2)?).map_err(|_| Error::Storage {
            reason: format!("event {seq} of {org} is not UTF-8"),
        })?;
        open.bytes += text.len();
        open.events.push(text);
        if open.bytes < target && seq < head_seq {
            continue;
        }
        let Some((signer, signature)) = signature_for(seq, &hash) else {
            if seq == head_seq {
                return Err(Error::refused(&Refusal::NoCustody { seq }));
            }
            continue;
        };
        if open.bytes > daftar_sync::chunk::MAX_CHUNK_BYTES / 2 {
            // Only the history written before custody was claimed, which nobody
            // signed, can grow a chunk this far; a receiver would refuse it.
            return Err(Error::invalid(
                "bundle",
                format!(
                    "{} bytes of events up to seq {seq} have no signed head between them, \
                     more than one chunk may carry",
                    open.bytes
                ),
            ));
        }
        let head = Head { seq, hash };
        chunks.push(Chunk {
            format: daftar_sync::CHUNK_FORMAT.into(),
            version: daftar_sync::CHUNK_VERSION,
            org,
            base: open.base,
            events: std::mem::take(&mut open.events),
            head,
            signer,
            signature,
        });
        open = Open {
            base: head,
            events: Vec::new(),
            bytes: 0,
        };
    }
    Ok(chunks)
}
