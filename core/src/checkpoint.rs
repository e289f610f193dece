//! Checkpoints: a short, printable chain head (`daftar1 ORG SEQ XXXX-…`) that
//! fits on a passbook line or in an SMS, and the check that a book still holds
//! exactly the history one saw. The check reads the one organisation's chain.

use rusqlite::params;
use serde::Serialize;
use uuid::Uuid;

use crate::book::Book;
use crate::error::{Error, Result};

/// Number of bytes of the hash a checkpoint carries (80 bits, 16 base32 letters).
pub const CHECKPOINT_HASH_BYTES: usize = 10;

/// A short, printable chain head: enough to prove later that the book still
/// holds exactly the history up to `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    pub org_id: Uuid,
    pub seq: u64,
    pub hash_prefix: [u8; CHECKPOINT_HASH_BYTES],
}

impl std::fmt::Display for Checkpoint {
    /// `daftar1 ORG SEQ XXXX-XXXX-XXXX-XXXX`: fits on a passbook line or in an SMS.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let b32 = base32::encode(&self.hash_prefix);
        let groups: Vec<&str> = (0..4).map(|i| &b32[i * 4..i * 4 + 4]).collect();
        write!(
            f,
            "daftar1 {} {} {}",
            self.org_id,
            self.seq,
            groups.join("-")
        )
    }
}

impl Checkpoint {
    /// Parses the text form, forgiving case and the spacing of the hash groups.
    pub fn parse(text: &str) -> Result<Checkpoint> {
        let bad = |why: &str| {
            Error::invalid(
                "checkpoint",
                format!("{why}; expected `daftar1 ORG SEQ XXXX-XXXX-XXXX-XXXX`"),
            )
        };
        let mut parts = text.split_whitespace();
        if parts.next().map(str::to_ascii_lowercase).as_deref() != Some("daftar1") {
            return Err(bad("it does not start with daftar1"));
        }
        let org = parts
            .next()
            .ok_or_else(|| bad("the organisation is missing"))?;
        let org_id = Uuid::parse_str(org).map_err(|_| bad("the organisation is not an id"))?;
        let seq: u64 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .filter(|s| *s >= 1)
            .ok_or_else(|| bad("the seq is not a positive number"))?;
        let letters: String = parts
            .collect::<String>()
            .chars()
            .filter(|c| *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        let bytes =
            base32::decode(&letters).ok_or_else(|| bad("the hash is not 16 base32 letters"))?;
        let hash_prefix: [u8; CHECKPOINT_HASH_BYTES] = bytes
            .try_into()
            .map_err(|_| bad("the hash is not 16 base32 letters"))?;
        Ok(Checkpoint {
            org_id,
            seq,
            hash_prefix,
        })
    }
}

/// How a book compares with a checkpoint taken earlier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckpointCheck {
    pub checkpoint: String,
    pub head_seq: u64,
    /// None when the book holds exactly the checkpointed history (perhaps with
    /// later events after it); else what is wrong.
    pub problem: Option<String>,
}

impl Book {
    /// The organisation's current chain head as a checkpoint.
    pub fn checkpoint(&self, org: Uuid) -> Result<Checkpoint> {
        let (seq, hash) = self.chain_head(org)?;
        let mut hash_prefix = [0u8; CHECKPOINT_HASH_BYTES];
        hash_prefix.copy_from_slice(&hash[..CHECKPOINT_HASH_BYTES]);
        Ok(Checkpoint {
            org_id: org,
            seq,
            hash_prefix,
        })
    }

    /// Checks that the book still holds exactly the history a checkpoint saw:
    /// the event at its seq has its hash, and the chain up to it verifies.
    /// Rewritten history changes the hash; truncation removes the seq.
    pub fn verify_against(&self, cp: &Checkpoint) -> Result<CheckpointCheck> {
        let text = cp.to_string();
        let Some(chain) = self.verify_chain(cp.org_id)? else {
            return Ok(CheckpointCheck {
                checkpoint: text,
                head_seq: 0,
                problem: Some("the organisation is not in this book".into()),
            });
        };
        let head_seq = chain.head_seq;
        if let Some(p) = &chain.problem {
            if p.seq <= cp.seq {
                return Ok(CheckpointCheck {
                    checkpoint: text,
                    head_seq,
                    problem: Some(format!("the chain breaks at seq {}: {}", p.seq, p.reason)),
                });
            }
        }
        let stored: Option<Vec<u8>> = self.with_conn(|conn| {
            Ok(conn
                .prepare_cached("SELECT hash FROM events WHERE org_id = ?1 AND seq = ?2")?
                .query_row(params![cp.org_id.to_string(), cp.seq as i64], |r| r.get(0))
                .ok())
        })?;
        let problem = match stored {
            None => Some(format!(
                "the book was truncated: it ends at seq {head_seq}, but the checkpoint saw seq {}",
                cp.seq
            )),
            Some(h) if h.get(..CHECKPOINT_HASH_BYTES) != Some(&cp.hash_prefix[..]) => {
                Some(format!(
                    "history was rewritten: event {} no longer has the checkpointed hash",
                    cp.seq
                ))
            }
            Some(_) => None,
        };
        Ok(CheckpointCheck {
            checkpoint: text,
            head_seq,
            problem,
        })
    }
}

/// RFC 4648 base32 without padding, for the 10 bytes of a checkpoint. Written
/// here because a library for it added 52 KB to the Android library.
mod base32 {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
        let (mut acc, mut bits) = (0u32, 0u32);
        for &b in bytes {
            acc = (acc << 8) | b as u32;
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
            }
        }
        if bits > 0 {
            out.push(ALPHABET[((acc << (5 - bits)) & 31) as usize] as char);
        }
        out
    }

    /// None for a letter outside the alphabet or leftover bits that are not zero.
    pub fn decode(text: &str) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(text.len() * 5 / 8);
        let (mut acc, mut bits) = (0u32, 0u32);
        for c in text.bytes() {
            let v = ALPHABET.iter().position(|&a| a == c)? as u32;
            acc = (acc << 5) | v;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        (acc == 0).then_some(out)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn base32_matches_the_rfc_4648_vectors() {
            for (plain, coded) in [
                ("", ""),
                ("f", "MY"),
                ("fo", "MZXQ"),
                ("foo", "MZXW6"),
                ("foob", "MZXW6YQ"),
                ("fooba", "MZXW6YTB"),
                ("foobar", "MZXW6YTBOI"),
            ] {
                assert_eq!(super::encode(plain.as_bytes()), coded);
                assert_eq!(super::decode(coded).unwrap(), plain.as_bytes());
            }
            assert!(super::decode("MZXW6YTB0").is_none());
            let ten: Vec<u8> = (0..10).map(|i| i * 25 + 3).collect();
            assert_eq!(super::decode(&super::encode(&ten)).unwrap(), ten);
        }
    }
}
