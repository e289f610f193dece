//! Verifying what the server holds, from PostgreSQL alone: each chain is
//! re-hashed from its stored bytes, custody is followed event by event by
//! `daftar-sync`'s rules, every stored head signature must verify with the
//! key of the event's writer, and the stored head and custody must be where
//! the chain ends. Read-only.

use daftar_sync::chain::{chain_hash, hex, Hash, Head, GENESIS};
use daftar_sync::custody::{CustodyState, EventView};
use daftar_sync::signing::head_message;
use daftar_sync::{PublicKey, Signature};
use deadpool_postgres::Pool;
use uuid::Uuid;

use crate::error::{Error, Result};

/// Events read per query while streaming a chain.
const BATCH: i64 = 10_000;

/// What verifying one organisation's chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    pub org: Uuid,
    pub head: Head,
    /// Empty when the chain is intact.
    pub problems: Vec<String>,
}

pub async fn verify_all(pool: &Pool) -> Result<Vec<ChainCheck>> {
    let client = pool.get().await?;
    let orgs: Vec<Uuid> = client
        .query(
            "SELECT org_id FROM chains WHERE head_seq > 0 ORDER BY org_id",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    drop(client);
    let mut out = Vec::with_capacity(orgs.len());
    for org in orgs {
        out.push(verify_chain(pool, org).await?);
    }
    Ok(out)
}

pub async fn verify_chain(pool: &Pool, org: Uuid) -> Result<ChainCheck> {
    let client = pool.get().await?;
    let Some(row) = client
        .query_opt(
            "SELECT head_seq, head_hash, custody FROM chains WHERE org_id = $1",
            &[&org],
        )
        .await?
    else {
        return Err(Error::NotFound(format!(
            "the server holds no chain of {org}"
        )));
    };
    let stored_head = Head {
        seq: row.get::<_, i64>(0) as u64,
        hash: row
            .get::<_, &[u8]>(1)
            .try_into()
            .map_err(|_| Error::Internal("a stored head hash is not 32 bytes".into()))?,
    };
    let stored_custody: CustodyState = serde_json::from_value(row.get(2))
        .map_err(|e| Error::Internal(format!("stored custody of {org}: {e}")))?;
    let signed: Vec<(u64, Vec<u8>, Vec<u8>)> = client
        .query(
            "SELECT seq, signer, signature FROM signed_heads WHERE org_id = $1 ORDER BY seq",
            &[&org],
        )
        .await?
        .iter()
        .map(|r| (r.get::<_, i64>(0) as u64, r.get(1), r.get(2)))
        .collect();
    let mut problems = vec![];
    let mut custody = CustodyState::default();
    let mut prev: Hash = GENESIS;
    let mut seq = 0u64;
    let mut next_signed = signed.iter().peekable();
    loop {
        let rows = client
            .query(
                "SELECT seq, hash, canonical FROM events WHERE org_id = $1 AND seq > $2
                  ORDER BY seq LIMIT $3",
                &[&org, &(seq as i64), &BATCH],
            )
            .await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let s = r.get::<_, i64>(0) as u64;
            if s != seq + 1 {
                problems.push(format!("seq {} is missing", seq + 1));
                return Ok(ChainCheck {
                    org,
                    head: stored_head,
                    problems,
                });
            }
            seq = s;
            let bytes: &[u8] = r.get(2);
            prev = chain_hash(&prev, s, bytes);
            if r.get::<_, &[u8]>(1) != prev.as_slice() {
                problems.push(format!("seq {s}: the stored hash is not the chain's"));
            }
            let writer = match EventView::parse(bytes) {
                Ok(view) if view.org != org => {
                    problems.push(format!("seq {s} is an event of {}", view.org));
                    None
                }
                Ok(view) => match custody.step(&org, s, &view) {
                    Ok(w) => w,
                    Err(e) => {
                        problems.push(format!("seq {s}: {e}"));
                        None
                    }
                },
                Err(e) => {
                    problems.push(format!("seq {s}: {e}"));
                    None
                }
            };
            while let Some((at, signer, signature)) = next_signed.next_if(|x| x.0 <= s) {
                if *at == s {
                    check_signature(org, s, prev, writer, signer, signature, &mut problems);
                } else {
                    problems.push(format!(
                        "a signature is kept for seq {at}, which has no event"
                    ));
                }
            }
        }
    }
    if next_signed.next().is_some() {
        problems.push("signatures are kept for seqs past the chain's end".into());
    }
    let head = Head { seq, hash: prev };
    if head != stored_head {
        problems.push(format!(
            "the chain ends at {head}, but its head is recorded as {stored_head}"
        ));
    }
    if custody != stored_custody {
        problems.push("the recorded custody is not where the chain's custody events lead".into());
    }
    if signed.last().map(|x| x.0) != Some(seq) && seq > 0 {
        problems.push(format!(
            "no writer's signature is kept for the head at seq {seq}"
        ));
    }
    Ok(ChainCheck {
        org,
        head: stored_head,
        problems,
    })
}

fn check_signature(
    org: Uuid,
    seq: u64,
    hash: Hash,
    writer: Option<PublicKey>,
    signer: &[u8],
    signature: &[u8],
    problems: &mut Vec<String>,
) {
    let (Ok(signer), Ok(signature)) = (
        <[u8; 32]>::try_from(signer),
        <[u8; 64]>::try_from(signature),
    ) else {
        problems.push(format!("seq {seq}: a stored signature of the wrong size"));
        return;
    };
    let signer = PublicKey(signer);
    if writer != Some(signer) {
        problems.push(format!(
            "seq {seq}: signed by {signer}, not by the event's writer"
        ));
    } else if !signer.verifies(
        &head_message(&org, &Head { seq, hash }),
        &Signature(signature),
    ) {
        problems.push(format!(
            "seq {seq}: the head signature does not verify ({})",
            hex(&hash)
        ));
    }
}
