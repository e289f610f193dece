//! Organisations' chains in PostgreSQL: the head, a push, a pull. A push
//! locks the organisation's `chains` row, has `daftar-sync` check the chunk
//! against what is held, and inserts the new events, their signed head, their
//! journal totals and the new head in one transaction.

use std::collections::BTreeMap;

use daftar_sync::chunk::{check, Receiver, CHUNK_FORMAT, CHUNK_VERSION, TARGET_CHUNK_BYTES};
use daftar_sync::custody::CustodyState;
use daftar_sync::{Chunk, Hash, Head, PublicKey, Refusal, Signature, GENESIS};
use deadpool_postgres::{Pool, Transaction};
use uuid::Uuid;

use super::journal::{decode_new_events, NewEvent, Totals};
use crate::error::{Error, Result};

/// What the server holds of one chain, loaded for checking one chunk: the
/// head, custody, and the hashes of the seqs the chunk overlaps.
struct Held {
    head: Head,
    custody: CustodyState,
    hashes: BTreeMap<u64, Hash>,
}

impl Receiver for Held {
    fn head(&self) -> Head {
        self.head
    }
    fn hash_at(&self, seq: u64) -> Option<Hash> {
        self.hashes.get(&seq).copied()
    }
    fn custody(&self) -> CustodyState {
        self.custody.clone()
    }
}

/// An accepted push: the head it ends at, whether anything was new, and
/// custody after it.
#[derive(Debug)]
pub struct Accepted {
    pub head: Head,
    pub new_events: usize,
    pub custody: CustodyState,
}

fn to_hash(bytes: &[u8]) -> Result<Hash> {
    bytes
        .try_into()
        .map_err(|_| Error::Internal(format!("a stored hash of {} bytes", bytes.len())))
}

fn seq_i64(seq: u64) -> Result<i64> {
    i64::try_from(seq).map_err(|_| Error::BadRequest(format!("seq {seq} is out of range")))
}

async fn load_held(tx: &Transaction<'_>, chunk: &Chunk) -> Result<Held> {
    let org = chunk.org;
    let lock = "SELECT head_seq, head_hash, custody FROM chains WHERE org_id = $1 FOR UPDATE";
    let mut locked = super::rows(tx, lock, &[&org]).await?;
    if locked.is_empty() {
        // An organisation's first push makes its row; a concurrent first push
        // of the same organisation waits here on the key, then locks it.
        super::exec(
            tx,
            "INSERT INTO chains (org_id, head_seq, head_hash, custody) VALUES ($1, 0, $2, $3)
             ON CONFLICT (org_id) DO NOTHING",
            &[
                &org,
                &GENESIS.as_slice(),
                &serde_json::to_value(CustodyState::default())
                    .map_err(|e| Error::Internal(e.to_string()))?,
            ],
        )
        .await?;
        locked = super::rows(tx, lock, &[&org]).await?;
    }
    let row = locked
        .first()
        .ok_or_else(|| Error::Internal(format!("the chain row of {org} vanished")))?;
    let head_seq: i64 = row.get(0);
    let head = Head {
        seq: head_seq as u64,
        hash: to_hash(row.get::<_, &[u8]>(1))?,
    };
    let custody: CustodyState = serde_json::from_value(row.get(2))
        .map_err(|e| Error::Internal(format!("stored custody of {org}: {e}")))?;
    // The hashes the chunk overlaps; the head's own is in the row, so a push
    // that extends the head (nearly all) reads no events.
    let mut hashes = BTreeMap::new();
    if head.seq > 0 {
        hashes.insert(head.seq, head.hash);
    }
    let from = chunk.base.seq.max(1);
    let to = chunk.head.seq.min(head.seq.saturating_sub(1));
    if from <= to {
        for r in super::rows(
            tx,
            "SELECT seq, hash FROM events WHERE org_id = $1 AND seq BETWEEN $2 AND $3",
            &[&org, &seq_i64(from)?, &seq_i64(to)?],
        )
        .await?
        {
            hashes.insert(r.get::<_, i64>(0) as u64, to_hash(r.get::<_, &[u8]>(1))?);
        }
    }
    Ok(Held {
        head,
        custody,
        hashes,
    })
}

/// Checks and stores one chunk pushed by `pusher`. A refusal leaves nothing
/// written (the caller keeps forks and late writes aside, apart).
pub async fn push(pool: &Pool, chunk: &Chunk, pusher: &PublicKey) -> Result<Accepted> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let held = load_held(&tx, chunk).await?;
    let checked = check(chunk, &held)?;
    if checked.is_retry() {
        // Every event is already held: answered as the first push was.
        tx.rollback().await?;
        return Ok(Accepted {
            head: chunk.head,
            new_events: 0,
            custody: held.custody,
        });
    }
    // The device that pushes wrote the chunk's head (a holder pushing its own
    // hand-over) or holds custody after it (a new holder relaying what it
    // received); any other device has no business with this chain.
    let holder = checked.custody.custody.as_ref().map(|c| c.key);
    if chunk.signer != *pusher && holder != Some(*pusher) {
        return Err(Error::Forbidden(format!(
            "this device ({pusher}) neither wrote {} at seq {} nor holds its custody after it",
            chunk.org, chunk.head.seq
        )));
    }
    let first_seq = chunk.base.seq + 1 + checked.first_new as u64;
    let new = decode_new_events(chunk, checked.first_new, &checked.hashes, first_seq)?;
    if first_seq == 1 {
        super::hierarchy::record_book(&tx, &new[0]).await?;
    }
    let custody =
        serde_json::to_value(&checked.custody).map_err(|e| Error::Internal(e.to_string()))?;
    let head_seq = seq_i64(chunk.head.seq)?;
    let (signer, signature) = (chunk.signer.0.as_slice(), chunk.signature.0.as_slice());
    // Three statements sent together (tokio-postgres pipelines them on the
    // transaction's connection): one round trip, not three.
    let (_, _, moved) = tokio::try_join!(
        insert_events(&tx, chunk.org, &new),
        async {
            Totals::of(&new).store(&tx, chunk.org).await?;
            Ok(())
        },
        async {
            super::exec(
                &tx,
                "WITH signed AS (
                     INSERT INTO signed_heads (org_id, seq, signer, signature)
                     VALUES ($1, $2, $5, $6) ON CONFLICT (org_id, seq) DO NOTHING)
                 UPDATE chains SET head_seq = $2, head_hash = $3, custody = $4,
                        last_push_at = now(), updated_at = now()
                  WHERE org_id = $1 AND head_seq < $2",
                &[
                    &chunk.org,
                    &head_seq,
                    &chunk.head.hash.as_slice(),
                    &custody,
                    &signer,
                    &signature,
                ],
            )
            .await
            .map_err(Error::Database)
        },
    )?;
    // The row is locked and the chunk extends its head, so it moves exactly once.
    if moved != 1 {
        return Err(Error::Internal(format!(
            "the head of {} did not move to {}",
            chunk.org, chunk.head
        )));
    }
    tx.commit().await?;
    Ok(Accepted {
        head: chunk.head,
        new_events: new.len(),
        custody: checked.custody,
    })
}

async fn insert_events(tx: &Transaction<'_>, org: Uuid, new: &[NewEvent]) -> Result<()> {
    let mut seqs = Vec::with_capacity(new.len());
    let mut hashes: Vec<&[u8]> = Vec::with_capacity(new.len());
    let mut op_ids = Vec::with_capacity(new.len());
    let mut kinds = Vec::with_capacity(new.len());
    let mut dates = Vec::with_capacity(new.len());
    let mut devices = Vec::with_capacity(new.len());
    let mut bytes: Vec<&[u8]> = Vec::with_capacity(new.len());
    for e in new {
        seqs.push(seq_i64(e.seq)?);
        hashes.push(e.hash.as_slice());
        op_ids.push(e.event.op_id);
        kinds.push(e.event.body.kind());
        dates.push(e.event.date);
        devices.push(e.event.device.as_str());
        bytes.push(e.canonical.as_bytes());
    }
    super::exec(
        tx,
        "INSERT INTO events (org_id, seq, hash, op_id, kind, business_date, device, canonical)
         SELECT $1, * FROM UNNEST($2::bigint[], $3::bytea[], $4::uuid[], $5::text[], $6::date[],
                                  $7::text[], $8::bytea[])",
        &[
            &org, &seqs, &hashes, &op_ids, &kinds, &dates, &devices, &bytes,
        ],
    )
    .await
    .map_err(|e| match e.code() {
        // The constraints hold the chain's invariants even if the code is wrong.
        Some(c) if *c == tokio_postgres::error::SqlState::UNIQUE_VIOLATION => {
            Error::Conflict(format!(
                "an event of {org} repeats a seq or an op_id already held: {}",
                e.as_db_error()
                    .map_or(String::new(), |d| d.message().to_string())
            ))
        }
        _ => Error::Database(e),
    })?;
    Ok(())
}

/// Keeps the events of a chunk refused as a fork or a late write, beside the
/// chain and never in it.
pub async fn set_aside(
    pool: &Pool,
    chunk: &Chunk,
    refusal: &Refusal,
    pusher: &PublicKey,
) -> Result<()> {
    let Ok(hashes) = chunk.link() else {
        return Ok(());
    };
    let client = pool.get().await?;
    for (i, (text, hash)) in chunk.events.iter().zip(hashes).enumerate() {
        client
            .execute(
                "INSERT INTO set_aside (org_id, seq, hash, canonical, code, device_key)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                &[
                    &chunk.org,
                    &seq_i64(chunk.base.seq + 1 + i as u64)?,
                    &hash.as_slice(),
                    &text.as_bytes(),
                    &refusal.code(),
                    &pusher.0.as_slice(),
                ],
            )
            .await?;
    }
    Ok(())
}

/// The head and custody held for `org`, if the server holds its chain.
pub async fn head(pool: &Pool, org: Uuid) -> Result<Option<(Head, CustodyState)>> {
    let client = pool.get().await?;
    let Some(row) = client
        .query_opt(
            "SELECT head_seq, head_hash, custody FROM chains WHERE org_id = $1 AND head_seq > 0",
            &[&org],
        )
        .await?
    else {
        return Ok(None);
    };
    let head = Head {
        seq: row.get::<_, i64>(0) as u64,
        hash: to_hash(row.get::<_, &[u8]>(1))?,
    };
    let custody = serde_json::from_value(row.get(2))
        .map_err(|e| Error::Internal(format!("stored custody of {org}: {e}")))?;
    Ok(Some((head, custody)))
}

/// The events after `after`, as one chunk of about `TARGET_CHUNK_BYTES` ending
/// at a head its writer signed; `None` when nothing signed lies beyond `after`.
pub async fn pull(pool: &Pool, org: Uuid, after: u64) -> Result<Option<Chunk>> {
    let client = pool.get().await?;
    let after_i = seq_i64(after)?;
    // The signed heads after `after`, nearest first.
    let signed = client
        .query(
            "SELECT seq, signer, signature FROM signed_heads WHERE org_id = $1 AND seq > $2
              ORDER BY seq LIMIT 1000",
            &[&org, &after_i],
        )
        .await?;
    let Some(first) = signed.first() else {
        return Ok(None);
    };
    let base_hash = if after == 0 {
        GENESIS
    } else {
        match client
            .query_opt(
                "SELECT hash FROM events WHERE org_id = $1 AND seq = $2",
                &[&org, &after_i],
            )
            .await?
        {
            Some(r) => to_hash(r.get::<_, &[u8]>(0))?,
            None => {
                return Err(Error::NotFound(format!(
                    "{org} has no event at seq {after}"
                )))
            }
        }
    };
    let first_seq: i64 = first.get(0);
    let last_seq: i64 = signed.last().map_or(first_seq, |s| s.get(0));
    // The running size up to each signed head: read to the furthest one whose
    // events fit the target, but always at least to the first.
    let sizes = client
        .query(
            "SELECT seq, sum(length(canonical)) OVER (ORDER BY seq)
               FROM events WHERE org_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
            &[&org, &after_i, &last_seq],
        )
        .await?;
    let mut end = first_seq;
    for s in &signed {
        let seq: i64 = s.get(0);
        let Some(r) = sizes.get((seq - after_i - 1) as usize) else {
            break;
        };
        let running: i64 = r.get(1);
        if running > TARGET_CHUNK_BYTES as i64 && seq != first_seq {
            break;
        }
        end = seq;
    }
    let chosen = signed
        .iter()
        .find(|s| s.get::<_, i64>(0) == end)
        .ok_or_else(|| Error::Internal("a signed head vanished".into()))?;
    let rows = client
        .query(
            "SELECT hash, canonical FROM events WHERE org_id = $1 AND seq > $2 AND seq <= $3
              ORDER BY seq",
            &[&org, &after_i, &end],
        )
        .await?;
    if rows.len() as i64 != end - after_i {
        return Err(Error::Internal(format!(
            "{org}'s events up to {end} are not all held"
        )));
    }
    let mut events = Vec::with_capacity(rows.len());
    let mut head_hash = base_hash;
    for r in &rows {
        let text = String::from_utf8(r.get::<_, Vec<u8>>(1))
            .map_err(|_| Error::Internal(format!("a stored event of {org} is not UTF-8")))?;
        events.push(text);
        head_hash = to_hash(r.get::<_, &[u8]>(0))?;
    }
    let signer = PublicKey(to_hash(chosen.get::<_, &[u8]>(1))?);
    let signature: [u8; 64] = chosen
        .get::<_, &[u8]>(2)
        .try_into()
        .map_err(|_| Error::Internal("a stored signature is not 64 bytes".into()))?;
    Ok(Some(Chunk {
        format: CHUNK_FORMAT.into(),
        version: CHUNK_VERSION,
        org,
        base: Head {
            seq: after,
            hash: base_hash,
        },
        events,
        head: Head {
            seq: end as u64,
            hash: head_hash,
        },
        signer,
        signature: Signature(signature),
    }))
}
