//! A chunk: a contiguous run of one organisation's events after a known head,
//! as the canonical bytes exactly as chained, with the head it ends at signed
//! by the device that wrote that head. A bundle is a sequence of chunks; each
//! chunk is checked and applied on its own, so a transfer can stop anywhere.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::chain::{chain_hash, hex, Hash, Head, GENESIS};
use crate::custody::{CustodyState, EventView};
use crate::refusal::Refusal;
use crate::signing::{head_message, DeviceKey, PublicKey, Signature};

pub const CHUNK_FORMAT: &str = "daftar.chunk";
pub const CHUNK_VERSION: u64 = 1;
/// A writer closes a chunk once it reaches this many bytes of events.
pub const TARGET_CHUNK_BYTES: usize = 1 << 20;
/// A receiver refuses a chunk larger than this. It is above the target because
/// a chunk must end at a signable head (see `docs/sync-protocol.md`).
pub const MAX_CHUNK_BYTES: usize = 16 << 20;
/// The largest single event a chunk may carry.
pub const MAX_EVENT_BYTES: usize = 1 << 20;

/// One chunk on the wire (one line of a bundle file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chunk {
    pub format: String,
    pub version: u64,
    pub org: Uuid,
    /// The head the chunk extends: seq 0 and zero hash for a chain's start.
    pub base: Head,
    /// Each event's canonical bytes (UTF-8 JSON), seqs `base.seq + 1 ..= head.seq`.
    pub events: Vec<String>,
    pub head: Head,
    /// The key of the device that wrote the event at `head`.
    pub signer: PublicKey,
    /// The signer's signature over [`head_message`]`(org, head)`.
    pub signature: Signature,
}

impl Chunk {
    /// A chunk of `events` after `base`, signed by `key`.
    pub fn sign(org: Uuid, base: Head, events: Vec<String>, key: &DeviceKey) -> Chunk {
        let mut head = base;
        for e in &events {
            head.seq += 1;
            head.hash = chain_hash(&head.hash, head.seq, e.as_bytes());
        }
        Chunk {
            format: CHUNK_FORMAT.into(),
            version: CHUNK_VERSION,
            org,
            base,
            events,
            head,
            signer: key.public(),
            signature: key.sign_head(&org, &head),
        }
    }

    /// Makes this chunk and `next`, which extends it, one chunk ending at
    /// `next`'s signed head; gives `next` back when it does not start at this
    /// head. A device that relays another's history joins it up to a head
    /// after which it holds custody, so that the receiver lets it push.
    pub fn extend_with(&mut self, next: Chunk) -> Result<(), Box<Chunk>> {
        if next.org != self.org || next.base != self.head || next.version != self.version {
            return Err(Box::new(next));
        }
        self.events.extend(next.events);
        self.head = next.head;
        self.signer = next.signer;
        self.signature = next.signature;
        Ok(())
    }

    /// The chunk as one line of JSON (no newline).
    pub fn to_line(&self) -> String {
        // A Chunk holds only strings, integers and hex: it always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads one chunk, refusing anything that is not exactly one.
    pub fn parse(bytes: &[u8]) -> Result<Chunk, Refusal> {
        if bytes.len() > MAX_CHUNK_BYTES {
            return Err(Refusal::TooLarge {
                size: bytes.len(),
                limit: MAX_CHUNK_BYTES,
            });
        }
        #[derive(Deserialize)]
        struct Version {
            format: Option<String>,
            version: Option<u64>,
        }
        let v: Version = serde_json::from_slice(bytes)
            .map_err(|e| Refusal::Malformed(format!("not a chunk: {e}")))?;
        if v.format.as_deref() != Some(CHUNK_FORMAT) {
            return Err(Refusal::Malformed(format!(
                "format is {:?}, not {CHUNK_FORMAT:?}",
                v.format
            )));
        }
        match v.version {
            Some(CHUNK_VERSION) => {}
            Some(other) => return Err(Refusal::UnsupportedVersion(other)),
            None => return Err(Refusal::Malformed("no version".into())),
        }
        serde_json::from_slice(bytes).map_err(|e| Refusal::Malformed(format!("not a chunk: {e}")))
    }

    /// The events' hashes, seq by seq, checked against the chunk's own base and
    /// head: a changed, dropped or reordered byte breaks the chain here.
    pub fn link(&self) -> Result<Vec<Hash>, Refusal> {
        let n = self.events.len() as u64;
        if n == 0 {
            return Err(Refusal::Malformed(
                "a chunk holds at least one event".into(),
            ));
        }
        if self.base.seq == 0 && self.base.hash != GENESIS {
            return Err(Refusal::BrokenChain {
                seq: 0,
                detail: "a chain's start is the zero hash".into(),
            });
        }
        if self.base.seq.checked_add(n) != Some(self.head.seq) {
            return Err(Refusal::BrokenChain {
                seq: self.head.seq,
                detail: format!(
                    "{n} events after seq {} cannot end at seq {}",
                    self.base.seq, self.head.seq
                ),
            });
        }
        let mut hashes = Vec::with_capacity(self.events.len());
        let mut prev = self.base.hash;
        for (i, e) in self.events.iter().enumerate() {
            let seq = self.base.seq + 1 + i as u64;
            if e.len() > MAX_EVENT_BYTES {
                return Err(Refusal::TooLarge {
                    size: e.len(),
                    limit: MAX_EVENT_BYTES,
                });
            }
            prev = chain_hash(&prev, seq, e.as_bytes());
            hashes.push(prev);
        }
        if prev != self.head.hash {
            return Err(Refusal::BrokenChain {
                seq: self.head.seq,
                detail: format!(
                    "the events hash to {}, not to the head's {}",
                    hex(&prev),
                    hex(&self.head.hash)
                ),
            });
        }
        Ok(hashes)
    }
}

/// What a receiver holds of one organisation's chain.
pub trait Receiver {
    /// The head of the chain held ([`Head::EMPTY`] if none).
    fn head(&self) -> Head;
    /// The hash of the held event at `seq` (1 ..= head.seq).
    fn hash_at(&self, seq: u64) -> Option<Hash>;
    /// Custody and the recovery key as of the held head.
    fn custody(&self) -> CustodyState;
}

/// A chunk found acceptable: which of its events are new, and custody after it.
#[derive(Debug, Clone)]
pub struct ChunkCheck {
    /// Index into `chunk.events` of the first event the receiver lacks;
    /// `events.len()` when it held them all (a retry: nothing to write).
    pub first_new: usize,
    pub hashes: Vec<Hash>,
    pub custody: CustodyState,
}

impl ChunkCheck {
    pub fn is_retry(&self) -> bool {
        self.first_new == self.hashes.len()
    }
}

/// Checks `chunk` against what `held` holds of its organisation: the link to
/// the held chain, events already held (a retry, or a fork), custody of every
/// new event, and the signature over the head. Writes nothing.
pub fn check(chunk: &Chunk, held: &impl Receiver) -> Result<ChunkCheck, Refusal> {
    let hashes = chunk.link()?;
    let head = held.head();
    if chunk.base.seq > head.seq {
        return Err(Refusal::Gap {
            head,
            base: chunk.base,
        });
    }
    let held_base = if chunk.base.seq == 0 {
        Some(GENESIS)
    } else {
        held.hash_at(chunk.base.seq)
    };
    if held_base != Some(chunk.base.hash) {
        return Err(Refusal::Fork {
            seq: chunk.base.seq,
            held: held_base.unwrap_or(GENESIS),
            offered: chunk.base.hash,
        });
    }
    let mut custody = held.custody();
    let mut first_new = hashes.len();
    let mut writer = None;
    for (i, text) in chunk.events.iter().enumerate() {
        let seq = chunk.base.seq + 1 + i as u64;
        let view = EventView::parse(text.as_bytes())?;
        if view.org != chunk.org {
            return Err(Refusal::WrongOrg {
                expected: chunk.org.to_string(),
                found: view.org.to_string(),
                seq,
            });
        }
        if (seq == 1) != (view.kind == "org.created") {
            return Err(Refusal::Malformed(format!(
                "seq {seq} is {:?}: a chain starts with org.created, and only its first event is one",
                view.kind
            )));
        }
        if seq <= head.seq {
            let held_hash = held.hash_at(seq).unwrap_or(GENESIS);
            if held_hash != hashes[i] {
                return Err(superseded(&custody, seq, &view).unwrap_or(Refusal::Fork {
                    seq,
                    held: held_hash,
                    offered: hashes[i],
                }));
            }
            continue;
        }
        first_new = first_new.min(i);
        writer = custody.step(&chunk.org, seq, &view)?;
    }
    if first_new < hashes.len() {
        let Some(key) = writer else {
            return Err(Refusal::NoCustody {
                seq: chunk.head.seq,
            });
        };
        if key != chunk.signer
            || !key.verifies(&head_message(&chunk.org, &chunk.head), &chunk.signature)
        {
            return Err(Refusal::BadSignature {
                head: chunk.head,
                key: key.to_string(),
            });
        }
    }
    Ok(ChunkCheck {
        first_new,
        hashes,
        custody,
    })
}

/// An event offered where the receiver holds another, by a device whose
/// custody had already passed on at that seq: not a fork but a late write.
fn superseded(state: &CustodyState, seq: u64, view: &EventView) -> Option<Refusal> {
    let c = state.custody.as_ref()?;
    (c.since_seq <= seq && c.device != view.device).then(|| Refusal::NotWriter {
        seq,
        device: view.device.clone(),
        holder: c.device.clone(),
        epoch: c.epoch,
    })
}
