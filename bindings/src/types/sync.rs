//! What sync's methods take and return. Keys, hashes and signatures cross as
//! lower-case hex; chunks as their wire form, one JSON line each.

use daftar_core as core;
use uuid::Uuid;

use super::crossing::{Crossing, FromCore, IntoCore};
use crate::error::{DaftarError, Result};

pub(crate) fn public_key(s: &str) -> Result<daftar_sync::PublicKey> {
    daftar_sync::PublicKey::parse(s).map_err(|e| DaftarError::InvalidInput {
        field: "key".into(),
        reason: e.to_string(),
    })
}

pub(crate) fn signature(s: &str) -> Result<daftar_sync::Signature> {
    daftar_sync::Signature::parse(s).map_err(|e| DaftarError::InvalidInput {
        field: "signature".into(),
        reason: e.to_string(),
    })
}

/// This book's device: what another device's book needs to hand custody to it.
#[derive(uniffi::Record)]
pub struct DeviceIdentity {
    pub device: String,
    pub public_key: String,
}

impl From<core::device::DeviceId> for DeviceIdentity {
    fn from(d: core::device::DeviceId) -> Self {
        DeviceIdentity {
            device: d.device,
            public_key: d.public_key.to_string(),
        }
    }
}

/// Who may write an organisation's chain, since which seq.
#[derive(uniffi::Record)]
pub struct Custody {
    pub epoch: i64,
    pub device: String,
    pub public_key: String,
    pub since_seq: i64,
}

impl FromCore<daftar_sync::Custody> for Custody {
    fn from_core(c: daftar_sync::Custody, _: &'static str) -> Crossing<Self> {
        Ok(Custody {
            epoch: FromCore::from_core(c.epoch, "epoch")?,
            device: c.device,
            public_key: c.key.to_string(),
            since_seq: FromCore::from_core(c.since_seq, "since_seq")?,
        })
    }
}

/// A point in a chain.
#[derive(uniffi::Record)]
pub struct ChainHead {
    pub seq: i64,
    pub hash_hex: String,
}

impl FromCore<daftar_sync::Head> for ChainHead {
    fn from_core(h: daftar_sync::Head, _: &'static str) -> Crossing<Self> {
        Ok(ChainHead {
            seq: FromCore::from_core(h.seq, "seq")?,
            hash_hex: daftar_sync::hex(&h.hash),
        })
    }
}

impl ChainHead {
    pub(crate) fn to_head(&self) -> Result<daftar_sync::Head> {
        let hash = daftar_sync::chain::parse_hex::<32>(&self.hash_hex).ok_or_else(|| {
            DaftarError::InvalidInput {
                field: "hash_hex".into(),
                reason: format!("{:?} is not 64 lower-case hex digits", self.hash_hex),
            }
        })?;
        Ok(daftar_sync::Head {
            seq: self.seq.into_core("seq")?,
            hash,
        })
    }
}

/// What a chunk did: the organisation's head after it, and how many events it
/// added (0 for a chunk already held).
#[derive(uniffi::Record)]
pub struct Ingested {
    pub org: Uuid,
    pub head: ChainHead,
    pub applied: i64,
}

impl FromCore<core::exchange::Ingested> for Ingested {
    fn from_core(i: core::exchange::Ingested, _: &'static str) -> Crossing<Self> {
        Ok(Ingested {
            org: i.org,
            head: FromCore::from_core(i.head, "head")?,
            applied: FromCore::from_core(i.applied, "applied")?,
        })
    }
}

/// Where an organisation stands with the server.
#[derive(uniffi::Record)]
pub struct SyncState {
    pub head: ChainHead,
    pub acknowledged: Option<ChainHead>,
    pub custody: Option<Custody>,
}

/// An event refused (a fork, a write after custody passed on) and kept for
/// re-entry by hand.
#[derive(uniffi::Record)]
pub struct SetAsideEvent {
    pub seq: i64,
    pub kind: String,
    pub device: String,
    pub refusal: String,
    pub received_at: super::Timestamp,
    pub canonical: String,
}

impl FromCore<core::exchange::SetAside> for SetAsideEvent {
    fn from_core(s: core::exchange::SetAside, _: &'static str) -> Crossing<Self> {
        Ok(SetAsideEvent {
            seq: FromCore::from_core(s.seq, "seq")?,
            kind: s.kind,
            device: s.device,
            refusal: s.refusal,
            received_at: super::Timestamp(s.received_at),
            canonical: s.canonical,
        })
    }
}

/// What the server answered one request: its HTTP status and body.
#[derive(uniffi::Record)]
pub struct HttpAnswer {
    pub status: i32,
    pub body: Vec<u8>,
}

/// What to sync with the programme's server.
#[derive(uniffi::Record)]
pub struct ServerSyncOptions {
    /// Only these organisations; every one in the book when empty.
    pub orgs: Vec<Uuid>,
    /// Who claims custody for this device of an organisation nobody holds yet.
    pub actor: Option<String>,
    /// The server's public key (hex), if known: any other server is refused.
    pub server_key: Option<String>,
}

/// What one organisation's sync did; `refused_code` is the server's refusal.
#[derive(uniffi::Record)]
pub struct OrgSyncResult {
    pub org: Uuid,
    pub claimed: bool,
    pub chunks_pushed: i64,
    pub events_pushed: i64,
    pub events_pulled: i64,
    pub server_head_seq: i64,
    pub server_head_hash: String,
    pub refused_code: Option<String>,
    pub refused_reason: Option<String>,
}

#[derive(uniffi::Record)]
pub struct ServerSyncReport {
    pub server_key: String,
    pub orgs: Vec<OrgSyncResult>,
}

impl FromCore<core::exchange::SyncReport> for ServerSyncReport {
    fn from_core(r: core::exchange::SyncReport, _: &'static str) -> Crossing<Self> {
        Ok(ServerSyncReport {
            server_key: r.server_key.to_string(),
            orgs: r
                .orgs
                .into_iter()
                .map(|o| {
                    let (refused_code, refused_reason) = match o.refused {
                        Some((c, m)) => (Some(c), Some(m)),
                        None => (None, None),
                    };
                    Ok(OrgSyncResult {
                        org: o.org,
                        claimed: o.claimed,
                        chunks_pushed: i64::from(o.chunks_pushed),
                        events_pushed: FromCore::from_core(o.events_pushed, "events_pushed")?,
                        events_pulled: FromCore::from_core(o.events_pulled, "events_pulled")?,
                        server_head_seq: FromCore::from_core(o.server_head.seq, "server_head")?,
                        server_head_hash: daftar_sync::hex(&o.server_head.hash),
                        refused_code,
                        refused_reason,
                    })
                })
                .collect::<Crossing<_>>()?,
        })
    }
}
