//! Custody of each organisation's chain as the book holds it: the projection of
//! the custody events, the check that this book's device may write, and the
//! decisions to claim, hand over and recover. The rules are `daftar-sync`'s,
//! applied to the event each decision would write, so a live command and a
//! received chunk are judged alike. Owns the `custody` table.

use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::event::{CustodyGrant, EventBody, Recovery};
use daftar_sync::custody::{Custody, CustodyState, EventView};
use daftar_sync::{PublicKey, Refusal, Signature};

/// Who holds custody of `org`, if anyone has claimed it.
pub(crate) fn holder(conn: &Connection, org: Uuid) -> Result<Option<Custody>> {
    let row: Option<(i64, String, String, i64)> = conn
        .prepare_cached(
            "SELECT epoch, device, public_key, since_seq FROM custody WHERE org_id = ?1",
        )?
        .query_row([org.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((epoch, device, key, since)) = row else {
        return Ok(None);
    };
    let key = PublicKey::parse(&key).map_err(|e| Error::Storage {
        reason: format!("custody of {org}: {e}"),
    })?;
    Ok(Some(Custody {
        epoch: epoch as u64,
        device,
        key,
        since_seq: since as u64,
    }))
}

/// Custody and the policy's recovery key, as `daftar-sync` follows them.
pub(crate) fn state(conn: &Connection, org: Uuid) -> Result<CustodyState> {
    Ok(CustodyState {
        custody: holder(conn, org)?,
        recovery_key: crate::admin::load_policy(conn, org)?.recovery_key,
    })
}

/// Refuses a write to `org` unless this book's device holds its custody (or
/// nobody has claimed it yet: a book that has never synced).
pub(crate) fn require_writer(view: &Connection, org: Uuid, device: &str) -> Result<()> {
    let Some(c) = holder(view, org)? else {
        return Ok(());
    };
    let own_key = crate::device::load(view)?.map(|(_, k)| k.public());
    if c.device != device || own_key != Some(c.key) {
        return Err(Error::refused(&Refusal::NotWriter {
            seq: crate::book::chain_head(view, &org.to_string())?.0 + 1,
            device: device.to_string(),
            holder: c.device,
            epoch: c.epoch,
        }));
    }
    Ok(())
}

/// Checks the custody event a decision would write, by `daftar-sync`'s rules.
fn check_step(view: &Connection, org: Uuid, device: &str, body: &EventBody) -> Result<()> {
    let external = serde_json::to_value(body).map_err(|e| Error::Storage {
        reason: e.to_string(),
    })?;
    let inner = external.get(body.kind()).cloned().unwrap_or_default();
    let seq = crate::book::chain_head(view, &org.to_string())?.0 + 1;
    let event = EventView {
        org,
        device: device.to_string(),
        kind: body.kind().to_string(),
        body: inner,
    };
    state(view, org)?
        .step(&org, seq, &event)
        .map(|_| ())
        .map_err(|r| Error::refused(&r))
}

/// This book's device, which a custody decision names. `Book::execute` makes it
/// before deciding a custody command.
fn own_device(view: &Connection, device: &str) -> Result<PublicKey> {
    match crate::device::load(view)? {
        Some((name, key)) if name == device => Ok(key.public()),
        Some((name, _)) => Err(Error::invalid(
            "device",
            format!("this book is device {name:?}, not {device:?}"),
        )),
        None => Err(Error::not_found("this book's device identity")),
    }
}

pub(crate) fn decide_claim(view: &Connection, org: Uuid, device: &str) -> Result<EventBody> {
    let body = EventBody::CustodyClaimed(CustodyGrant {
        device: device.to_string(),
        key: own_device(view, device)?,
        epoch: 1,
    });
    check_step(view, org, device, &body)?;
    Ok(body)
}

pub(crate) fn decide_hand_over(
    view: &Connection,
    org: Uuid,
    device: &str,
    to_device: &str,
    to_key: PublicKey,
) -> Result<EventBody> {
    let to_device = crate::text::person_text("to_device", to_device, crate::book::MAX_ACTOR_CHARS)?;
    let epoch = holder(view, org)?.map_or(0, |c| c.epoch) + 1;
    let body = EventBody::CustodyTransferred(CustodyGrant {
        device: to_device,
        key: to_key,
        epoch,
    });
    check_step(view, org, device, &body)?;
    Ok(body)
}

pub(crate) fn decide_recover(
    view: &Connection,
    org: Uuid,
    device: &str,
    signature: Signature,
) -> Result<EventBody> {
    let epoch = holder(view, org)?.map_or(0, |c| c.epoch) + 1;
    let body = EventBody::CustodyRecovered(Recovery {
        device: device.to_string(),
        key: own_device(view, device)?,
        epoch,
        signature,
    });
    check_step(view, org, device, &body)?;
    Ok(body)
}

/// Applies a custody event to the projection.
pub(crate) fn apply(tx: &Connection, org: &str, seq: u64, body: &EventBody) -> Result<()> {
    let (device, key, epoch) = match body {
        EventBody::CustodyClaimed(g) | EventBody::CustodyTransferred(g) => {
            (&g.device, g.key, g.epoch)
        }
        EventBody::CustodyRecovered(r) => (&r.device, r.key, r.epoch),
        _ => return Ok(()),
    };
    tx.prepare_cached(
        "INSERT OR REPLACE INTO custody (org_id, epoch, device, public_key, since_seq)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        org,
        epoch as i64,
        device,
        key.to_string(),
        seq as i64
    ])?;
    Ok(())
}
