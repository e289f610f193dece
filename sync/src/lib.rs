//! daftar-sync: what a phone and the programme's server must agree on to move
//! an organisation's chained events between them. It does no I/O: a book
//! (`daftar-core`) and the server each store, this crate decides.
//!
//! - [`jcs`]: the canonical JSON of events, a strict profile of RFC 8785;
//! - [`chain`]: the hash chain and its heads;
//! - [`signing`]: device keys (Ed25519) and what they sign;
//! - [`custody`]: who may write an organisation's chain, seq by seq;
//! - [`chunk`]: the bundle's unit on the wire, and checking one against what a
//!   receiver already holds;
//! - [`refusal`]: every refusal, with its stable code;
//! - [`sealed`]: a file only the receiving device can read (a hand-over's bundle);
//! - [`api`]: the server's HTTP messages: registration, receipts, problems.
//!
//! The protocol is documented in `docs/sync-protocol.md`.

pub mod api;
pub mod chain;
pub mod chunk;
pub mod custody;
pub mod jcs;
pub mod model;
pub mod refusal;
pub mod sealed;
pub mod signing;

pub use chain::{chain_hash, hex, Hash, Head, DOMAIN_TAG, GENESIS};
pub use chunk::{Chunk, ChunkCheck, Receiver, CHUNK_FORMAT, CHUNK_VERSION};
pub use custody::{Custody, CustodyGrant, Recovery};
pub use refusal::Refusal;
pub use signing::{DeviceKey, PublicKey, Signature};
