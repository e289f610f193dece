//! A receiver held in memory: the reference model of a server's or a book's
//! side of the protocol, for tests and simulators. It applies exactly the
//! rules of [`check`](crate::chunk::check) and nothing else.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::chain::{Hash, Head};
use crate::chunk::{check, Chunk, Receiver, CHUNK_FORMAT, CHUNK_VERSION};
use crate::custody::CustodyState;
use crate::refusal::Refusal;
use crate::signing::{PublicKey, Signature};

#[derive(Debug, Clone, Default)]
pub struct ModelChain {
    pub events: Vec<String>,
    pub hashes: Vec<Hash>,
    pub custody: CustodyState,
    /// Signed heads received, by seq: what the model can hand on.
    pub signed: BTreeMap<u64, (PublicKey, Signature)>,
    /// Events refused as late writes or forks, kept aside.
    pub aside: Vec<(u64, String)>,
}

impl Receiver for ModelChain {
    fn head(&self) -> Head {
        match self.hashes.last() {
            Some(h) => Head {
                seq: self.hashes.len() as u64,
                hash: *h,
            },
            None => Head::EMPTY,
        }
    }
    fn hash_at(&self, seq: u64) -> Option<Hash> {
        let i = usize::try_from(seq).ok()?.checked_sub(1)?;
        self.hashes.get(i).copied()
    }
    fn custody(&self) -> CustodyState {
        self.custody.clone()
    }
}

/// Organisations' chains, by id.
#[derive(Debug, Clone, Default)]
pub struct ModelServer {
    pub chains: BTreeMap<Uuid, ModelChain>,
}

impl ModelServer {
    /// Checks and applies one chunk; the answer to a retry is the same head.
    pub fn receive(&mut self, chunk: &Chunk) -> Result<Head, Refusal> {
        let chain = self.chains.entry(chunk.org).or_default();
        let checked = match check(chunk, chain) {
            Ok(c) => c,
            Err(refusal) => {
                if refusal.keeps_aside() {
                    let first = chunk.base.seq + 1;
                    for (i, e) in chunk.events.iter().enumerate() {
                        let seq = first + i as u64;
                        if !chain.aside.iter().any(|(s, x)| *s == seq && x == e) {
                            chain.aside.push((seq, e.clone()));
                        }
                    }
                }
                if chain.hashes.is_empty() && chain.aside.is_empty() {
                    self.chains.remove(&chunk.org);
                }
                return Err(refusal);
            }
        };
        for i in checked.first_new..chunk.events.len() {
            chain.events.push(chunk.events[i].clone());
            chain.hashes.push(checked.hashes[i]);
        }
        if !checked.is_retry() {
            chain.custody = checked.custody;
            chain
                .signed
                .insert(chunk.head.seq, (chunk.signer, chunk.signature));
        }
        Ok(chain.head())
    }

    /// The events after `after` up to the newest signed head, as one chunk.
    pub fn pull(&self, org: Uuid, after: u64) -> Option<Chunk> {
        let chain = self.chains.get(&org)?;
        let (&seq, &(signer, signature)) = chain.signed.iter().next_back()?;
        if seq <= after {
            return None;
        }
        let base = if after == 0 {
            Head::EMPTY
        } else {
            Head {
                seq: after,
                hash: chain.hash_at(after)?,
            }
        };
        Some(Chunk {
            format: CHUNK_FORMAT.into(),
            version: CHUNK_VERSION,
            org,
            base,
            events: chain.events[after as usize..seq as usize].to_vec(),
            head: Head {
                seq,
                hash: chain.hash_at(seq)?,
            },
            signer,
            signature,
        })
    }
}
