//! Every reason a receiver refuses a chunk, each with a stable code that the
//! protocol names (docs/sync-protocol.md) and the details a person needs.

use crate::chain::{hex, Hash, Head};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not a chunk: bad JSON, a missing or unknown member, bad hex, bytes that
    /// are not one canonical event.
    #[error("malformed chunk: {0}")]
    Malformed(String),
    #[error("chunk format version {0} is not one this daftar reads (it reads 1)")]
    UnsupportedVersion(u64),
    #[error("the chunk is {size} bytes; at most {limit} are accepted")]
    TooLarge { size: usize, limit: usize },
    /// An event of another organisation than the chunk names.
    #[error("the chunk is for organisation {expected} but its event at seq {seq} is of {found}")]
    WrongOrg {
        expected: String,
        found: String,
        seq: u64,
    },
    /// The chunk starts after the receiver's head: events are missing between.
    #[error("gap: the chunk starts after seq {}, but this chain's head is {head}", .base.seq)]
    Gap { head: Head, base: Head },
    /// A different event where the receiver already holds one.
    #[error("fork at seq {seq}: held {}, offered {}", hex(.held), hex(.offered))]
    Fork { seq: u64, held: Hash, offered: Hash },
    /// The events do not hash to the chain the chunk claims (a flipped bit, a
    /// truncated or reordered chunk).
    #[error("broken chain at seq {seq}: {detail}")]
    BrokenChain { seq: u64, detail: String },
    #[error("the signature over {head} does not verify with the writer's key {key}")]
    BadSignature { head: Head, key: String },
    /// Written by a device that did not hold custody at that seq; the events
    /// are kept aside, never merged.
    #[error("not the writer: seq {seq} was written by device {device:?}, but custody (epoch {epoch}) is with {holder:?}")]
    NotWriter {
        seq: u64,
        device: String,
        holder: String,
        epoch: u64,
    },
    /// A custody event that breaks custody's rules (a second claim, a wrong epoch,
    /// a recovery not signed by the organisation's recovery key).
    #[error("custody at seq {seq}: {detail}")]
    Custody { seq: u64, detail: String },
    /// The chunk ends at an event written before the organisation had a custodian
    /// with a key, so nobody can sign it.
    /// Events that the receiver's books cannot take (a balance the rules keep
    /// from going negative, a member who does not exist): the writer's daftar
    /// and the receiver's disagree, or the events were forged.
    #[error("seq {seq} does not apply to the books: {reason}")]
    DoesNotApply { seq: u64, reason: String },
    #[error("no custody: seq {seq} was written before the organisation had a custodian, so no chunk can end there")]
    NoCustody { seq: u64 },
}

impl Refusal {
    /// The protocol's code for this refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Malformed(_) => "malformed",
            Refusal::UnsupportedVersion(_) => "unsupported_version",
            Refusal::TooLarge { .. } => "too_large",
            Refusal::WrongOrg { .. } => "wrong_org",
            Refusal::Gap { .. } => "gap",
            Refusal::Fork { .. } => "fork",
            Refusal::BrokenChain { .. } => "broken_chain",
            Refusal::BadSignature { .. } => "bad_signature",
            Refusal::NotWriter { .. } => "not_writer",
            Refusal::Custody { .. } => "custody",
            Refusal::NoCustody { .. } => "no_custody",
            Refusal::DoesNotApply { .. } => "does_not_apply",
        }
    }

    /// The refusal's particulars as JSON, for a server's answer: the seqs,
    /// heads, hashes and devices it names (never an event's contents).
    pub fn details(&self) -> serde_json::Value {
        use serde_json::json;
        let head = |h: &Head| json!({"seq": h.seq, "hash": hex(&h.hash)});
        match self {
            Refusal::Malformed(_) | Refusal::UnsupportedVersion(_) => json!({}),
            Refusal::TooLarge { size, limit } => json!({"size": size, "limit": limit}),
            Refusal::WrongOrg {
                expected,
                found,
                seq,
            } => {
                json!({"expected": expected, "found": found, "seq": seq})
            }
            Refusal::Gap { head: h, base } => json!({"head": head(h), "base": head(base)}),
            Refusal::Fork { seq, held, offered } => {
                json!({"seq": seq, "held": hex(held), "offered": hex(offered)})
            }
            Refusal::BrokenChain { seq, .. } | Refusal::Custody { seq, .. } => json!({"seq": seq}),
            Refusal::BadSignature { head: h, key } => json!({"head": head(h), "key": key}),
            Refusal::NotWriter {
                seq,
                device,
                holder,
                epoch,
            } => json!({"seq": seq, "device": device, "holder": holder, "epoch": epoch}),
            Refusal::NoCustody { seq } | Refusal::DoesNotApply { seq, .. } => json!({"seq": seq}),
        }
    }

    /// Whether the offered events are kept aside for re-entry: they are real
    /// work by a person, refused only because another chain holds those seqs.
    pub fn keeps_aside(&self) -> bool {
        matches!(self, Refusal::NotWriter { .. } | Refusal::Fork { .. })
    }
}
