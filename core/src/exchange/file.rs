//! A bundle as a file: one chunk per line, and a hand-over's file sealed to
//! the device that now holds custody (`daftar_sync::sealed`), so that only
//! that phone can read the members' names and money in it.

use uuid::Uuid;

use crate::book::Book;
use crate::error::{Error, Result};
use daftar_sync::sealed::{self, SealError};
use daftar_sync::{Chunk, PublicKey};

fn sealed_error(e: SealError) -> Error {
    Error::Refused {
        code: e.code().to_string(),
        reason: e.to_string(),
    }
}

/// The chunks of a plain bundle file, one per non-blank line; the line of
/// the first one that is not a chunk is named.
pub fn parse_bundle(bytes: &[u8]) -> Result<Vec<Chunk>> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| Error::invalid("file", "is not UTF-8 text"))?;
    let mut chunks = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let chunk = Chunk::parse(line.as_bytes()).map_err(|r| Error::Refused {
            code: r.code().into(),
            reason: format!("line {}: {r}", i + 1),
        })?;
        chunks.push(chunk);
    }
    if chunks.is_empty() {
        return Err(Error::invalid("file", "holds no chunks"));
    }
    Ok(chunks)
}

/// Whether a file's bytes are sealed to a device (else a plain bundle).
pub fn is_sealed(bytes: &[u8]) -> bool {
    sealed::is_sealed(bytes)
}

impl Book {
    /// `org`'s events after `after_seq` as a file, one chunk per line; sealed
    /// so that only the device with key `to` can read it, when given.
    pub fn bundle_file(
        &self,
        org: Uuid,
        after_seq: u64,
        to: Option<&PublicKey>,
    ) -> Result<Vec<u8>> {
        let mut text = Vec::new();
        for chunk in self.bundle(org, after_seq)? {
            text.extend_from_slice(chunk.to_line().as_bytes());
            text.push(b'\n');
        }
        match to {
            Some(key) => sealed::seal(key, &text).map_err(sealed_error),
            None => Ok(text),
        }
    }

    /// The device `org` was handed over to, when custody is with another
    /// device than this book's: a file of its events is sealed to it.
    pub fn handed_over_to(&self, org: Uuid) -> Result<Option<PublicKey>> {
        let own = self.device()?.map(|d| d.public_key);
        Ok(self
            .custody(org)?
            .map(|c| c.key)
            .filter(|k| Some(*k) != own))
    }

    /// The file that moves `org` to the phone it was handed over to: its
    /// events after `after_seq`, sealed to that phone's key. Refused while
    /// this book's own device still holds custody (hand over first).
    pub fn hand_over_file(&self, org: Uuid, after_seq: u64) -> Result<Vec<u8>> {
        let to = self.handed_over_to(org)?.ok_or_else(|| {
            Error::invalid(
                "org",
                format!(
                    "organisation {org} is not handed over to another device: hand it over first"
                ),
            )
        })?;
        self.bundle_file(org, after_seq, Some(&to))
    }

    /// The chunks in a bundle file; a sealed one is opened with this book's
    /// device key, and refused (`wrong_device`) if it was sealed to another.
    pub fn read_bundle_file(&self, bytes: &[u8]) -> Result<Vec<Chunk>> {
        if !is_sealed(bytes) {
            return parse_bundle(bytes);
        }
        let key = self
            .with_conn(|c| crate::device::load(c))?
            .map(|(_, k)| k)
            .ok_or_else(|| Error::Refused {
                code: "wrong_device".into(),
                reason: "the file is sealed to a device, and this book has no device key yet"
                    .into(),
            })?;
        let plain = sealed::open(&key, bytes).map_err(sealed_error)?;
        parse_bundle(&plain)
    }
}
