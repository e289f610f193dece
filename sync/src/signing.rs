//! Device keys (Ed25519) and the two things they sign: a chain head, by the
//! device that wrote it, and a custody recovery, by the organisation's
//! recovery key. Each message starts with its own tag, so a signature made
//! for one can never pass for the other.

use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::chain::{hex, parse_hex, Head};

pub const HEAD_TAG: &[u8] = b"daftar.head.v1\0";
pub const RECOVERY_TAG: &[u8] = b"daftar.recovery.v1\0";
pub const REQUEST_TAG: &[u8] = b"daftar.request.v1\0";
pub const RECEIPT_TAG: &[u8] = b"daftar.receipt.v1\0";

/// `HEAD_TAG ‖ org (16 bytes) ‖ seq (u64 big-endian) ‖ hash (32 bytes)`: 71 bytes.
pub fn head_message(org: &Uuid, head: &Head) -> Vec<u8> {
    let mut m = Vec::with_capacity(HEAD_TAG.len() + 56);
    m.extend_from_slice(HEAD_TAG);
    m.extend_from_slice(org.as_bytes());
    m.extend_from_slice(&head.seq.to_be_bytes());
    m.extend_from_slice(&head.hash);
    m
}

/// `RECOVERY_TAG ‖ org (16) ‖ epoch (u64 big-endian) ‖ new key (32) ‖ device name (UTF-8)`.
pub fn recovery_message(org: &Uuid, epoch: u64, key: &PublicKey, device: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(RECOVERY_TAG.len() + 56 + device.len());
    m.extend_from_slice(RECOVERY_TAG);
    m.extend_from_slice(org.as_bytes());
    m.extend_from_slice(&epoch.to_be_bytes());
    m.extend_from_slice(&key.0);
    m.extend_from_slice(device.as_bytes());
    m
}

/// What a device signs to authenticate one HTTP request to the server:
/// `REQUEST_TAG ‖ method ‖ 0 ‖ path and query ‖ 0 ‖ unix seconds (decimal) ‖ 0 ‖
/// SHA-256 of the body`. The time bounds a replay; the body's hash ties the
/// signature to what was sent.
pub fn request_message(method: &str, path: &str, unix_seconds: i64, body: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut m = Vec::with_capacity(REQUEST_TAG.len() + method.len() + path.len() + 56);
    m.extend_from_slice(REQUEST_TAG);
    m.extend_from_slice(method.as_bytes());
    m.push(0);
    m.extend_from_slice(path.as_bytes());
    m.push(0);
    m.extend_from_slice(unix_seconds.to_string().as_bytes());
    m.push(0);
    m.extend_from_slice(&Sha256::digest(body));
    m
}

/// What the server signs for an accepted push: `RECEIPT_TAG ‖ org (16) ‖ seq
/// (u64 big-endian) ‖ hash (32)`. Ed25519 signatures are deterministic, so a
/// retried push gets the very same receipt.
pub fn receipt_message(org: &Uuid, head: &Head) -> Vec<u8> {
    let mut m = Vec::with_capacity(RECEIPT_TAG.len() + 56);
    m.extend_from_slice(RECEIPT_TAG);
    m.extend_from_slice(org.as_bytes());
    m.extend_from_slice(&head.seq.to_be_bytes());
    m.extend_from_slice(&head.hash);
    m
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the system gave no randomness for a key: {0}")]
    NoRandomness(String),
    #[error("{0:?} is not a public key (64 lower-case hex digits of an Ed25519 point)")]
    BadPublicKey(String),
    #[error("{0:?} is not a signature (128 lower-case hex digits)")]
    BadSignature(String),
}

/// A device's signing key. Its secret never leaves the book it was made in.
pub struct DeviceKey(SigningKey);

impl DeviceKey {
    /// A new key from the operating system's randomness.
    pub fn generate() -> Result<DeviceKey, KeyError> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| KeyError::NoRandomness(e.to_string()))?;
        Ok(DeviceKey(SigningKey::from_bytes(&secret)))
    }

    pub fn from_secret(secret: &[u8; 32]) -> DeviceKey {
        DeviceKey(SigningKey::from_bytes(secret))
    }

    pub fn secret(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.0.sign(message).to_bytes())
    }

    /// The secret scalar's bytes (unclamped), which with the public key's
    /// Montgomery form make this key an X25519 key, for `sealed` files.
    pub(crate) fn x25519_scalar(&self) -> [u8; 32] {
        self.0.to_scalar_bytes()
    }

    pub fn sign_head(&self, org: &Uuid, head: &Head) -> Signature {
        self.sign(&head_message(org, head))
    }
}

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeviceKey({})", self.public())
    }
}

/// An Ed25519 public key, written as 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(pub [u8; 32]);

impl PublicKey {
    pub fn parse(s: &str) -> Result<PublicKey, KeyError> {
        let bytes = parse_hex::<32>(s).ok_or_else(|| KeyError::BadPublicKey(s.to_string()))?;
        VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::BadPublicKey(s.to_string()))?;
        Ok(PublicKey(bytes))
    }

    /// Whether `signature` is this key's over `message` (strict verification:
    /// no malleable or small-order forms).
    pub fn verifies(&self, message: &[u8], signature: &Signature) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.0) else {
            return false;
        };
        let sig = ed25519_dalek::Signature::from_bytes(&signature.0);
        key.verify_strict(message, &sig).is_ok() && key.verify(message, &sig).is_ok()
    }
}

impl std::fmt::Display for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

/// An Ed25519 signature, written as 128 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(pub [u8; 64]);

impl Signature {
    pub fn parse(s: &str) -> Result<Signature, KeyError> {
        parse_hex::<64>(s)
            .map(Signature)
            .ok_or_else(|| KeyError::BadSignature(s.to_string()))
    }
}

impl std::fmt::Display for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signature({self})")
    }
}

macro_rules! hex_serde {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$t>::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
hex_serde!(PublicKey);
hex_serde!(Signature);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::GENESIS;

    #[test]
    fn a_head_signature_verifies_only_for_its_org_seq_hash_and_key() {
        let key = DeviceKey::from_secret(&[7; 32]);
        let org = Uuid::from_u128(1);
        let head = Head {
            seq: 3,
            hash: [9; 32],
        };
        let sig = key.sign_head(&org, &head);
        let public = key.public();
        assert!(public.verifies(&head_message(&org, &head), &sig));
        assert!(!public.verifies(&head_message(&Uuid::from_u128(2), &head), &sig));
        let other_seq = Head { seq: 4, ..head };
        assert!(!public.verifies(&head_message(&org, &other_seq), &sig));
        let other_hash = Head {
            hash: GENESIS,
            ..head
        };
        assert!(!public.verifies(&head_message(&org, &other_hash), &sig));
        let other = DeviceKey::from_secret(&[8; 32]).public();
        assert!(!other.verifies(&head_message(&org, &head), &sig));
        let mut flipped = sig;
        flipped.0[5] ^= 1;
        assert!(!public.verifies(&head_message(&org, &head), &flipped));
    }

    #[test]
    fn keys_and_signatures_round_trip_as_hex_and_bad_ones_are_refused() {
        let key = DeviceKey::generate().unwrap();
        let p = key.public();
        assert_eq!(PublicKey::parse(&p.to_string()).unwrap(), p);
        assert!(PublicKey::parse("00").is_err());
        assert!(PublicKey::parse(&p.to_string().to_uppercase()).is_err());
        let s = key.sign(b"m");
        assert_eq!(Signature::parse(&s.to_string()).unwrap(), s);
        assert_ne!(DeviceKey::generate().unwrap().public(), p);
    }
}
