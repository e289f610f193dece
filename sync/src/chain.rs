//! The hash chain of an organisation's events (docs/chain-format.md) and its heads.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// Domain separation tag hashed before every event.
pub const DOMAIN_TAG: &[u8] = b"daftar.event.v1\0";
/// The prev_hash of an organisation's first event.
pub const GENESIS: Hash = [0u8; 32];

/// `SHA-256(DOMAIN_TAG ‖ prev_hash ‖ seq as u64 big-endian ‖ canonical bytes)`.
pub fn chain_hash(prev: &Hash, seq: u64, canonical: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(DOMAIN_TAG);
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(canonical);
    h.finalize().into()
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Reads exactly `N` bytes of lower-case hex.
pub fn parse_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let b = s.as_bytes();
    if b.len() != 2 * N {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = (nibble(b[2 * i])? << 4) | nibble(b[2 * i + 1])?;
    }
    Some(out)
}

/// A point in a chain: the seq of its last event and that event's hash. The
/// head of an empty chain is seq 0 with [`GENESIS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Head {
    pub seq: u64,
    pub hash: Hash,
}

impl Head {
    pub const EMPTY: Head = Head {
        seq: 0,
        hash: GENESIS,
    };
}

impl std::fmt::Display for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "seq {} ({})", self.seq, hex(&self.hash))
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadWire {
    seq: u64,
    hash: String,
}

impl Serialize for Head {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        HeadWire {
            seq: self.seq,
            hash: hex(&self.hash),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Head {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = HeadWire::deserialize(d)?;
        let hash = parse_hex::<32>(&w.hash).ok_or_else(|| {
            serde::de::Error::custom(format!("{:?} is not 64 lower-case hex digits", w.hash))
        })?;
        Ok(Head { seq: w.seq, hash })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_upper_case_and_wrong_lengths() {
        let h: Hash = chain_hash(&GENESIS, 1, b"{}");
        assert_eq!(parse_hex::<32>(&hex(&h)), Some(h));
        assert_eq!(parse_hex::<2>("0aff"), Some([0x0a, 0xff]));
        assert_eq!(parse_hex::<2>("0AFF"), None);
        assert_eq!(parse_hex::<2>("0af"), None);
    }

    #[test]
    fn chain_hash_depends_on_prev_seq_and_bytes() {
        let h1 = chain_hash(&GENESIS, 1, b"x");
        assert_ne!(h1, chain_hash(&GENESIS, 2, b"x"));
        assert_ne!(h1, chain_hash(&h1, 1, b"x"));
        assert_ne!(h1, chain_hash(&GENESIS, 1, b"y"));
    }
}
