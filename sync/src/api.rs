//! The server's HTTP messages (docs/sync-protocol.md, "The server"): what a
//! phone and the server exchange around chunks. Types only; the server and
//! the phone's client each do their own I/O.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::chain::Head;
use crate::custody::Custody;
use crate::refusal::Refusal;
use crate::signing::{receipt_message, DeviceKey, PublicKey, Signature};

/// The header a device signs each request with: `key.unix_seconds.signature`,
/// over [`request_message`](crate::signing::request_message).
pub const AUTH_HEADER: &str = "daftar-auth";
/// How far a request's time may be from the server's clock, in seconds.
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 300;
pub const REGISTRATION_TAG: &[u8] = b"daftar.register.v1\0";

/// `REGISTRATION_TAG ‖ key (32) ‖ name (UTF-8)`: a device proves it holds the
/// key it registers.
pub fn registration_message(key: &PublicKey, name: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(REGISTRATION_TAG.len() + 32 + name.len());
    m.extend_from_slice(REGISTRATION_TAG);
    m.extend_from_slice(&key.0);
    m.extend_from_slice(name.as_bytes());
    m
}

/// `POST /v1/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub name: String,
    pub key: PublicKey,
    pub signature: Signature,
}

impl Registration {
    pub fn new(name: &str, key: &DeviceKey) -> Registration {
        let public = key.public();
        Registration {
            name: name.to_string(),
            key: public,
            signature: key.sign(&registration_message(&public, name)),
        }
    }

    pub fn verifies(&self) -> bool {
        self.key.verifies(
            &registration_message(&self.key, &self.name),
            &self.signature,
        )
    }
}

/// The server's signed word that it holds an organisation's chain up to `head`.
/// A phone keeps it as its acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub org: Uuid,
    pub head: Head,
    pub server: PublicKey,
    pub signature: Signature,
}

impl Receipt {
    pub fn sign(org: Uuid, head: Head, key: &DeviceKey) -> Receipt {
        Receipt {
            org,
            head,
            server: key.public(),
            signature: key.sign(&receipt_message(&org, &head)),
        }
    }

    /// True if the receipt is signed by `server` for its organisation and head.
    pub fn verifies_with(&self, server: &PublicKey) -> bool {
        *server == self.server
            && server.verifies(&receipt_message(&self.org, &self.head), &self.signature)
    }
}

/// `GET /v1/server`: who the server is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    pub protocol: u64,
    pub key: PublicKey,
}

/// `GET /v1/orgs/{org}/head`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadAnswer {
    pub org: Uuid,
    pub head: Head,
    pub custody: Option<Custody>,
    /// The receipt for `head` (absent while the server holds nothing).
    pub receipt: Option<Receipt>,
}

/// The body of every answer that is not a success: the protocol's code, the
/// sentence for a person, and for a refused chunk the refusal's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub code: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

impl Problem {
    pub fn new(code: &str, reason: impl Into<String>) -> Problem {
        Problem {
            code: code.to_string(),
            reason: reason.into(),
            details: None,
        }
    }

    /// A refused chunk, with the seqs, heads and devices the refusal names.
    pub fn refused(refusal: &Refusal) -> Problem {
        Problem {
            code: refusal.code().to_string(),
            reason: refusal.to_string(),
            details: Some(refusal.details()),
        }
    }

    /// The HTTP status a refusal is answered with: 409 where the sender's copy
    /// and the server's disagree, 403 where the writer may not write, 413 for
    /// size, 400 for what is not a valid chunk at all.
    pub fn status_of(refusal: &Refusal) -> u16 {
        match refusal {
            Refusal::Gap { .. }
            | Refusal::Fork { .. }
            | Refusal::Custody { .. }
            | Refusal::DoesNotApply { .. } => 409,
            Refusal::NotWriter { .. }
            | Refusal::NoCustody { .. }
            | Refusal::BadSignature { .. } => 403,
            Refusal::TooLarge { .. } => 413,
            Refusal::Malformed(_)
            | Refusal::UnsupportedVersion(_)
            | Refusal::WrongOrg { .. }
            | Refusal::BrokenChain { .. } => 400,
        }
    }
}
