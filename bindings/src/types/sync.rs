//! What sync's methods take and return. Keys, hashes and signatures cross as
//! lower-case hex; chunks as their wire form, one JSON line each.

use daftar_core as core;
use uuid::Uuid;

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
    pub epoch: u64,
    pub device: String,
    pub public_key: String,
    pub since_seq: u64,
}

impl From<daftar_sync::Custody> for Custody {
    fn from(c: daftar_sync::Custody) -> Self {
        Custody {
            epoch: c.epoch,
            device: c.device,
            public_key: c.key.to_string(),
            since_seq: c.since_seq,
        }
    }
}

/// A point in a chain.
#[derive(uniffi::Record)]
pub struct ChainHead {
    pub seq: u64,
    pub hash_hex: String,
}

impl From<daftar_sync::Head> for ChainHead {
    fn from(h: daftar_sync::Head) -> Self {
        ChainHead {
            seq: h.seq,
            hash_hex: daftar_sync::hex(&h.hash),
        }
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
            seq: self.seq,
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
    pub applied: u64,
}

impl From<core::exchange::Ingested> for Ingested {
    fn from(i: core::exchange::Ingested) -> Self {
        Ingested {
            org: i.org,
            head: i.head.into(),
            applied: i.applied,
        }
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
    pub seq: u64,
    pub kind: String,
    pub device: String,
    pub refusal: String,
    pub received_at: String,
    pub canonical: String,
}

impl From<core::exchange::SetAside> for SetAsideEvent {
    fn from(s: core::exchange::SetAside) -> Self {
        SetAsideEvent {
            seq: s.seq,
            kind: s.kind,
            device: s.device,
            refusal: s.refusal,
            received_at: s.received_at,
            canonical: s.canonical,
        }
    }
}
