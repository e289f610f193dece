//! People's PINs: what makes an actor's name mean a person. A PIN is kept
//! only as an Argon2id verifier (a PHC string with its own salt), chained in
//! the `actor.pin` event so every copy of the book knows it; the PIN itself
//! is never stored, logged or hashed into a command's digest.
//!
//! This module holds the PIN and its verifier; `confirmation.rs` the rules,
//! checked for every command in `write.rs`, after the role:
//! - a command that needs an approver is confirmed with the approver's PIN,
//!   typed on the device where it is given: a bare name cannot approve;
//! - a PIN given with any command is checked against its actor's;
//! - naming an approver needs the named person to have a PIN already, so an
//!   approver always has one;
//! - a PIN is set by its person, and changed with the old one, or reset by an
//!   approver with hers.

use std::collections::HashSet;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::Zeroizing;

use rusqlite::{params, Connection};

use crate::error::{Error, Result};

pub const MIN_PIN_CHARS: usize = 4;
pub const MAX_PIN_CHARS: usize = 64;
/// Argon2id's cost: OWASP's minimum (19 MiB, two passes, one lane). A
/// verifier with less is refused, so a modified app cannot store a weak one.
pub const MEMORY_KIB: u32 = 19 * 1024;
pub const PASSES: u32 = 2;
/// The most a verifier may ask: 64 MiB, eight passes, four lanes.
pub const MAX_MEMORY_KIB: u32 = 64 * 1024;
pub const MAX_PASSES: u32 = 8;
pub const MAX_LANES: u32 = 4;

/// A PIN or passphrase as typed. Never printed; zeroed when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(Zeroizing<String>);

impl Pin {
    /// Digits in any script are read as ASCII digits, so a PIN typed on a
    /// Persian or Hindi keyboard is the same PIN.
    pub fn new(text: &str) -> Pin {
        let ascii = text
            .trim()
            .chars()
            .map(|c| match crate::text::digit(c) {
                Some((d, _)) => char::from_digit(d, 10).unwrap_or(c),
                None => c,
            })
            .collect();
        Pin(Zeroizing::new(ascii))
    }

    /// The PIN as typed (digits in ASCII), for the FFI to hand back.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn checked(&self) -> Result<&str> {
        let n = self.0.chars().count();
        if !(MIN_PIN_CHARS..=MAX_PIN_CHARS).contains(&n) {
            return Err(Error::invalid(
                "pin",
                format!("a PIN is {MIN_PIN_CHARS} to {MAX_PIN_CHARS} characters"),
            ));
        }
        Ok(&self.0)
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(…)")
    }
}

fn argon2() -> Result<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, PASSES, 1, None).map_err(|e| Error::Storage {
        reason: format!("Argon2 parameters: {e}"),
    })?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The verifier `Book::set_pin` records: its salt comes from the command's
/// op_id (a UUID v7, unique), organisation and person, so a retry of the same
/// command makes the same verifier and is answered as the first.
pub(crate) fn verifier_for(pin: &Pin, op_id: Uuid, org: Uuid, person: &str) -> Result<String> {
    let mut h = Sha256::new();
    h.update(b"daftar.pin.salt\0");
    h.update(op_id.as_bytes());
    h.update(org.as_bytes());
    h.update(person.as_bytes());
    let digest = h.finalize();
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&digest[..16]);
    verifier_with_salt(pin, &salt)
}

fn verifier_with_salt(pin: &Pin, salt: &[u8; 16]) -> Result<String> {
    let salt = SaltString::encode_b64(salt).map_err(|e| Error::Storage {
        reason: format!("salt: {e}"),
    })?;
    Ok(argon2()?
        .hash_password(pin.checked()?.as_bytes(), &salt)
        .map_err(|e| Error::Storage {
            reason: format!("Argon2: {e}"),
        })?
        .to_string())
}

/// Refuses a verifier that is not Argon2id at daftar's cost or more.
pub(crate) fn check_verifier(verifier: &str) -> Result<()> {
    let bad = |why: &str| {
        Error::invalid(
            "verifier",
            format!("{why} (an Argon2id PHC string, m≥{MEMORY_KIB}, t≥{PASSES})"),
        )
    };
    let hash = PasswordHash::new(verifier).map_err(|_| bad("not a PHC string"))?;
    if hash.algorithm.as_str() != "argon2id" {
        return Err(bad("not Argon2id"));
    }
    let params = Params::try_from(&hash).map_err(|_| bad("unreadable parameters"))?;
    if params.m_cost() < MEMORY_KIB
        || params.t_cost() < PASSES
        || hash.salt.is_none()
        || hash.hash.is_none()
    {
        return Err(bad("weaker than daftar's"));
    }
    // Nor one so costly that checking it would exhaust a cheap phone.
    if params.m_cost() > MAX_MEMORY_KIB
        || params.t_cost() > MAX_PASSES
        || params.p_cost() > MAX_LANES
    {
        return Err(bad("costlier than a phone can check"));
    }
    Ok(())
}

/// Whether `pin` is the one `verifier` was made from. Successes are
/// remembered for the book's life (as a digest of both), so a session of many
/// approvals pays Argon2 once; a failure is always worked out again.
pub(crate) fn matches(verifier: &str, pin: &Pin, seen: &Mutex<HashSet<[u8; 32]>>) -> Result<bool> {
    let mut h = Sha256::new();
    h.update(verifier.as_bytes());
    h.update([0]);
    h.update(pin.0.as_bytes());
    let key: [u8; 32] = h.finalize().into();
    let mut seen_now = seen.lock().unwrap_or_else(|p| p.into_inner());
    if seen_now.contains(&key) {
        return Ok(true);
    }
    let hash = PasswordHash::new(verifier).map_err(|e| Error::Storage {
        reason: format!("a stored PIN verifier: {e}"),
    })?;
    let ok =
        Pin::checked(pin).is_ok() && argon2()?.verify_password(pin.0.as_bytes(), &hash).is_ok();
    if ok {
        seen_now.insert(key);
    }
    Ok(ok)
}

/// Records `actor`'s verifier (the `actor.pin` event's projection), keeping
/// her role; a person with no role yet is a book keeper. The one writer of
/// `actors.pin_verifier`; `admin.rs` writes the roles.
pub(crate) fn record_verifier(
    tx: &Connection,
    org: &str,
    actor: &str,
    verifier: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO actors (org_id, actor, role, pin_verifier) VALUES (?1, ?2, 'bookkeeper', ?3)
         ON CONFLICT (org_id, actor) DO UPDATE SET pin_verifier = excluded.pin_verifier",
    )?
    .execute(params![org, actor, verifier])?;
    Ok(())
}
