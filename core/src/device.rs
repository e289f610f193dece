//! This book's own device: its name and Ed25519 signing key, made once, the
//! first time the book claims custody or is asked for its identity. The secret
//! never leaves the book and is never synced. Owns `device_identity`.

use rusqlite::{Connection, OptionalExtension};

use crate::book::Book;
use crate::error::{Error, Result};
use daftar_sync::api::Registration;
use daftar_sync::signing::request_message;
use daftar_sync::{DeviceKey, PublicKey, Signature};

/// A device as others name it: in custody events and hand-over requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceId {
    pub device: String,
    pub public_key: PublicKey,
}

pub(crate) fn load(conn: &Connection) -> Result<Option<(String, DeviceKey)>> {
    let row: Option<(String, Vec<u8>)> = conn
        .prepare_cached("SELECT device, secret FROM device_identity WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((device, secret)) = row else {
        return Ok(None);
    };
    let secret: [u8; 32] = secret.try_into().map_err(|_| Error::Storage {
        reason: "the device key is not 32 bytes".into(),
    })?;
    Ok(Some((device, DeviceKey::from_secret(&secret))))
}

/// The book's device, made with a new key if it has none. A book is one device:
/// asked to act as another name, it refuses.
pub(crate) fn ensure(tx: &Connection, device: &str) -> Result<(String, DeviceKey)> {
    let device = crate::text::person_text("device", device, crate::book::MAX_ACTOR_CHARS)?;
    if let Some((name, key)) = load(tx)? {
        if name != device {
            return Err(Error::invalid(
                "device",
                format!("this book is device {name:?}; it cannot act as {device:?}"),
            ));
        }
        return Ok((name, key));
    }
    let key = DeviceKey::generate().map_err(|e| Error::Storage {
        reason: e.to_string(),
    })?;
    tx.prepare_cached(
        "INSERT INTO device_identity (id, device, secret, public_key) VALUES (1, ?1, ?2, ?3)",
    )?
    .execute(rusqlite::params![
        device,
        &key.secret()[..],
        key.public().to_string()
    ])?;
    Ok((device, key))
}

impl Book {
    /// This book's device, if it has one yet.
    pub fn device(&self) -> Result<Option<DeviceId>> {
        self.with_conn(|c| {
            Ok(load(c)?.map(|(device, key)| DeviceId {
                device,
                public_key: key.public(),
            }))
        })
    }

    /// This book's device, named `device` and given a key the first time. Another
    /// device hands custody over to this one by its name and public key.
    pub fn device_identity(&self, device: &str) -> Result<DeviceId> {
        let ((device, key), _) = self.in_write_transaction(|tx| ensure(tx, device))?;
        Ok(DeviceId {
            device,
            public_key: key.public(),
        })
    }

    /// Signs one HTTP request to the programme's server with this book's
    /// device key (`daftar_sync::signing::request_message`, a message of its
    /// own tag, so it can never pass for a head or a recovery).
    pub fn sign_request(
        &self,
        method: &str,
        path: &str,
        unix_seconds: i64,
        body: &[u8],
    ) -> Result<(PublicKey, Signature)> {
        let key = self.device_key()?;
        let message = request_message(method, path, unix_seconds, body);
        Ok((key.public(), key.sign(&message)))
    }

    /// This device's registration with the server: its name and key, signed.
    pub fn registration(&self) -> Result<Registration> {
        let (name, key) = self
            .with_conn(|c| load(c))?
            .ok_or_else(|| Error::not_found("this book's device identity (run `daftar device`)"))?;
        Ok(Registration::new(&name, &key))
    }

    fn device_key(&self) -> Result<DeviceKey> {
        self.with_conn(|c| load(c))?
            .map(|(_, key)| key)
            .ok_or_else(|| Error::not_found("this book's device identity (run `daftar device`)"))
    }
}
