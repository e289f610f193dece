//! A file sealed to one device: a hand-over's bundle that only the receiving
//! phone can read. The device's Ed25519 key is used as an X25519 key (its
//! Montgomery form, as `age` does for ssh-ed25519 recipients), so the key a
//! hand-over already names is the key the file is sealed to.
//!
//! Layout (`docs/sync-protocol.md`, "Sealed files"):
//! `MAGIC ‖ recipient's Ed25519 key (32) ‖ ephemeral X25519 key (32) ‖ segments`.
//! The payload key is HKDF-SHA256 of the X25519 shared secret. The payload is
//! cut into segments of `SEGMENT` bytes, each sealed with ChaCha20-Poly1305
//! under the nonce `counter (11 bytes, big-endian) ‖ last (1 byte)`, with the
//! header as associated data: a segment moved, repeated (its nonce reused),
//! dropped or added fails to open, and so does a file cut short.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use curve25519_dalek::montgomery::MontgomeryPoint;
use ed25519_dalek::VerifyingKey;
use hkdf::Hkdf;
use sha2::Sha256;

use crate::signing::{DeviceKey, KeyError, PublicKey};

pub const MAGIC: &[u8] = b"daftar.sealed.v1\n";
/// Plaintext bytes per segment; every segment but the last is this long.
pub const SEGMENT: usize = 64 * 1024;
const TAG: usize = 16;
const HEADER: usize = MAGIC.len() + 32 + 32;
const KEY_INFO: &[u8] = b"daftar.sealed.v1 payload key";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("not a sealed daftar file")]
    NotSealed,
    #[error(
        "the file is sealed for device key {sealed_for}, not this book's device ({this_device})"
    )]
    OtherDevice {
        sealed_for: PublicKey,
        this_device: PublicKey,
    },
    #[error("the sealed file is cut short")]
    Truncated,
    /// A segment that does not open: changed, moved, repeated, or the header
    /// changed under it.
    #[error("the sealed file was changed: segment {0} does not open")]
    Tampered(u64),
    #[error("the sealed file's ephemeral key is not usable")]
    BadEphemeralKey,
    #[error("{0}")]
    Key(#[from] KeyError),
}

impl SealError {
    /// A stable code for the refusal, beside the sync protocol's.
    pub fn code(&self) -> &'static str {
        match self {
            SealError::NotSealed => "not_sealed",
            SealError::OtherDevice { .. } => "wrong_device",
            SealError::Truncated | SealError::Tampered(_) | SealError::BadEphemeralKey => {
                "tampered"
            }
            SealError::Key(_) => "bad_key",
        }
    }
}

/// Whether `bytes` start like a sealed file (the rest is checked on opening).
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Seals `plaintext` so that only the device holding `recipient`'s secret can
/// open it. Every call uses a new ephemeral key, so no key and nonce pair is
/// ever used twice.
pub fn seal(recipient: &PublicKey, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    let mut ephemeral = [0u8; 32];
    getrandom::fill(&mut ephemeral).map_err(|e| KeyError::NoRandomness(e.to_string()))?;
    let ephemeral_public = MontgomeryPoint::mul_base_clamped(ephemeral);
    let recipient_x = montgomery(recipient)?;
    let shared = recipient_x.mul_clamped(ephemeral);
    ephemeral.fill(0);
    let cipher = payload_cipher(&shared, &ephemeral_public, &recipient_x)?;

    let mut out =
        Vec::with_capacity(HEADER + plaintext.len() + TAG * (1 + plaintext.len() / SEGMENT));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&recipient.0);
    out.extend_from_slice(ephemeral_public.as_bytes());
    let header = out.clone();
    let count = segment_count(plaintext.len());
    for i in 0..count {
        let start = i * SEGMENT;
        let end = (start + SEGMENT).min(plaintext.len());
        let sealed = cipher
            .encrypt(
                &nonce(i as u64, i + 1 == count),
                Payload {
                    msg: &plaintext[start..end],
                    aad: &header,
                },
            )
            .map_err(|_| SealError::Tampered(i as u64))?;
        out.extend_from_slice(&sealed);
    }
    Ok(out)
}

/// Opens a file sealed to `key`'s device.
pub fn open(key: &DeviceKey, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
    if !is_sealed(sealed) {
        return Err(SealError::NotSealed);
    }
    if sealed.len() < HEADER {
        return Err(SealError::Truncated);
    }
    let (header, body) = sealed.split_at(HEADER);
    let mut sealed_for = [0u8; 32];
    sealed_for.copy_from_slice(&header[MAGIC.len()..MAGIC.len() + 32]);
    let sealed_for = PublicKey(sealed_for);
    if sealed_for != key.public() {
        return Err(SealError::OtherDevice {
            sealed_for,
            this_device: key.public(),
        });
    }
    let mut ephemeral = [0u8; 32];
    ephemeral.copy_from_slice(&header[MAGIC.len() + 32..]);
    let ephemeral = MontgomeryPoint(ephemeral);
    let shared = ephemeral.mul_clamped(key.x25519_scalar());
    let cipher = payload_cipher(&shared, &ephemeral, &montgomery(&sealed_for)?)?;

    if body.len() < TAG {
        return Err(SealError::Truncated);
    }
    let pieces: Vec<&[u8]> = body.chunks(SEGMENT + TAG).collect();
    let mut out = Vec::with_capacity(body.len());
    for (i, piece) in pieces.iter().enumerate() {
        let last = i + 1 == pieces.len();
        if piece.len() < TAG || (piece.len() == TAG && !(last && i == 0)) {
            return Err(SealError::Truncated);
        }
        let opened = cipher
            .decrypt(
                &nonce(i as u64, last),
                Payload {
                    msg: piece,
                    aad: header,
                },
            )
            .map_err(|_| SealError::Tampered(i as u64))?;
        out.extend_from_slice(&opened);
    }
    Ok(out)
}

fn segment_count(len: usize) -> usize {
    len.div_ceil(SEGMENT).max(1)
}

fn nonce(counter: u64, last: bool) -> Nonce {
    let mut n = [0u8; 12];
    n[3..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    Nonce::from(n)
}

fn montgomery(key: &PublicKey) -> Result<MontgomeryPoint, SealError> {
    VerifyingKey::from_bytes(&key.0)
        .map(|k| k.to_montgomery())
        .map_err(|_| KeyError::BadPublicKey(key.to_string()).into())
}

fn payload_cipher(
    shared: &MontgomeryPoint,
    ephemeral: &MontgomeryPoint,
    recipient: &MontgomeryPoint,
) -> Result<ChaCha20Poly1305, SealError> {
    // A small-order point gives an all-zero secret that anyone could compute.
    if shared.as_bytes().iter().all(|b| *b == 0) {
        return Err(SealError::BadEphemeralKey);
    }
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(ephemeral.as_bytes());
    salt[32..].copy_from_slice(recipient.as_bytes());
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&salt), shared.as_bytes())
        .expand(KEY_INFO, &mut key)
        .map_err(|_| SealError::BadEphemeralKey)?;
    let cipher = ChaCha20Poly1305::new(Key::from_slice(&key));
    key.fill(0);
    Ok(cipher)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> (DeviceKey, DeviceKey) {
        (
            DeviceKey::from_secret(&[1; 32]),
            DeviceKey::from_secret(&[2; 32]),
        )
    }

    #[test]
    fn only_the_recipient_opens_what_was_sealed_for_it() {
        let (b, c) = keys();
        for len in [0, 1, 100, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT] {
            let text: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let sealed = seal(&b.public(), &text).unwrap();
            assert_eq!(open(&b, &sealed).unwrap(), text, "{len} bytes");
            assert_eq!(
                open(&c, &sealed),
                Err(SealError::OtherDevice {
                    sealed_for: b.public(),
                    this_device: c.public()
                })
            );
        }
    }

    #[test]
    fn another_device_that_claims_the_recipients_key_still_cannot_open_it() {
        let (b, c) = keys();
        let mut sealed = seal(&b.public(), b"members and money").unwrap();
        // Rewrite the header to name c: the header is every segment's
        // associated data, and c's secret gives another shared key.
        sealed[MAGIC.len()..MAGIC.len() + 32].copy_from_slice(&c.public().0);
        assert_eq!(open(&c, &sealed), Err(SealError::Tampered(0)));
    }

    #[test]
    fn the_plaintext_is_not_in_the_file_and_two_sealings_differ() {
        let (b, _) = keys();
        let a = seal(&b.public(), b"Sunita Devi 9876543210").unwrap();
        let again = seal(&b.public(), b"Sunita Devi 9876543210").unwrap();
        assert_ne!(a, again, "a new ephemeral key each time");
        assert!(!a.windows(5).any(|w| w == b"Sunit"));
    }

    #[test]
    fn a_repeated_moved_dropped_or_cut_segment_is_refused() {
        let (b, _) = keys();
        let text: Vec<u8> = (0..3 * SEGMENT + 10).map(|i| (i % 7) as u8).collect();
        let sealed = seal(&b.public(), &text).unwrap();
        let seg = SEGMENT + TAG;
        let body = |s: &[u8]| s[HEADER..].to_vec();
        let with_body = |b: Vec<u8>| [&sealed[..HEADER], &b[..]].concat();
        let parts: Vec<Vec<u8>> = body(&sealed).chunks(seg).map(<[u8]>::to_vec).collect();

        // Segment 0 repeated in place of segment 1: its nonce reused.
        let repeated = with_body([&parts[0][..], &parts[0], &parts[2], &parts[3]].concat());
        assert_eq!(open(&b, &repeated), Err(SealError::Tampered(1)));
        let swapped = with_body([&parts[1][..], &parts[0], &parts[2], &parts[3]].concat());
        assert_eq!(open(&b, &swapped), Err(SealError::Tampered(0)));
        // The last segment dropped: the one before it was not sealed as last.
        let dropped = with_body([&parts[0][..], &parts[1], &parts[2]].concat());
        assert_eq!(open(&b, &dropped), Err(SealError::Tampered(2)));
        let cut = &sealed[..sealed.len() - 5];
        assert_eq!(open(&b, cut), Err(SealError::Tampered(3)));
        assert_eq!(open(&b, &sealed[..HEADER + 3]), Err(SealError::Truncated));
        assert_eq!(open(&b, &sealed[..HEADER - 1]), Err(SealError::Truncated));
        let mut flipped = sealed.clone();
        flipped[HEADER + seg + 7] ^= 1;
        assert_eq!(open(&b, &flipped), Err(SealError::Tampered(1)));
        assert_eq!(open(&b, b"{\"format\":1}"), Err(SealError::NotSealed));
    }

    #[test]
    fn a_small_order_ephemeral_key_is_refused() {
        let (b, _) = keys();
        let mut sealed = seal(&b.public(), b"x").unwrap();
        // The identity's u-coordinate is 0: any secret times it is 0.
        sealed[MAGIC.len() + 32..HEADER].fill(0);
        assert_eq!(open(&b, &sealed), Err(SealError::BadEphemeralKey));
    }
}
