//! `DaftarBook`'s sync: the device's identity, custody and hand-over, bundles
//! out and chunks in, and the acknowledged head. Each method delegates.

use std::sync::Arc;

use chrono::NaiveDate;
use uuid::Uuid;

use super::{with_progress, DaftarBook, ProgressListener};
use crate::error::Result;
use crate::types::crossing::{crossed, FromCore, IntoCore};
use crate::types::sync::{public_key, signature};
use crate::types::CommandMeta;
use crate::types::*;

/// Carries one request to the programme's server; the app supplies it (in the
/// JVM library, `JavaHttpTransport` over `java.net.http`). `path` starts with
/// `/v1/`; `auth` goes in the `daftar-auth` header; POST bodies are JSON. Throw
/// when no answer came (no network, a dropped connection): the sync stops and
/// can be run again.
#[uniffi::export(with_foreign)]
pub trait HttpTransport: Send + Sync {
    fn send(&self, method: String, path: String, auth: String, body: Vec<u8>)
        -> Result<HttpAnswer>;
}

struct Transported(Arc<dyn HttpTransport>);

impl daftar_core::exchange::Transport for Transported {
    fn send(
        &self,
        method: &str,
        path: &str,
        auth: &str,
        body: &[u8],
    ) -> std::result::Result<(u16, Vec<u8>), String> {
        let a = self
            .0
            .send(method.into(), path.into(), auth.into(), body.to_vec())
            .map_err(|e| e.to_string())?;
        let status = u16::try_from(a.status).map_err(|_| format!("HTTP status {}", a.status))?;
        Ok((status, a.body))
    }
}

#[uniffi::export]
impl DaftarBook {
    /// Syncs with the programme's server: registers this book's device (it
    /// must have an identity: `deviceIdentity`), claims custody of
    /// organisations nobody holds (as `options.actor`), pushes what the server
    /// has not acknowledged and pulls what it holds beyond this book. Safe to
    /// stop at any point and run again. Progress counts organisations.
    pub fn sync_with_server(
        &self,
        transport: Arc<dyn HttpTransport>,
        options: ServerSyncOptions,
        listener: Option<Arc<dyn ProgressListener>>,
    ) -> Result<ServerSyncReport> {
        let server_key = options.server_key.as_deref().map(public_key).transpose()?;
        let options = daftar_core::exchange::SyncOptions {
            orgs: options.orgs,
            actor: options.actor,
            server_key,
            ..Default::default()
        };
        let transport = Transported(transport);
        let report = with_progress(&listener, |p| {
            self.book.sync_with_server(&transport, &options, p)
        })?;
        crossed(report)
    }

    /// This book's device, named `device` and given a key the first time.
    pub fn device_identity(&self, device: String) -> Result<DeviceIdentity> {
        Ok(self.book.device_identity(&device)?.into())
    }

    pub fn device(&self) -> Result<Option<DeviceIdentity>> {
        Ok(self.book.device()?.map(Into::into))
    }

    /// Makes this device the organisation's first custodian.
    pub fn claim_custody(
        &self,
        meta: CommandMeta,
        org: Uuid,
        date: NaiveDate,
    ) -> Result<CommandResult> {
        crossed(self.book.claim_custody(&meta.core(), org, date)?)
    }

    /// Hands the organisation to the device with this name and public key.
    pub fn hand_over(
        &self,
        meta: CommandMeta,
        org: Uuid,
        date: NaiveDate,
        to_device: String,
        to_public_key: String,
    ) -> Result<CommandResult> {
        let key = public_key(&to_public_key)?;
        crossed(
            self.book
                .hand_over(&meta.core(), org, date, &to_device, key)?,
        )
    }

    /// Takes custody of a lost phone's organisation, with the administrator's
    /// signature (128 hex digits) by the policy's recovery key.
    pub fn recover_custody(
        &self,
        meta: CommandMeta,
        org: Uuid,
        date: NaiveDate,
        admin_signature: String,
    ) -> Result<CommandResult> {
        let sig = signature(&admin_signature)?;
        crossed(self.book.recover_custody(&meta.core(), org, date, sig)?)
    }

    pub fn custody(&self, org: Uuid) -> Result<Option<Custody>> {
        crossed(self.book.custody(org)?)
    }

    /// The organisation's events after `after_seq`, as chunks (one JSON line each).
    pub fn bundle(&self, org: Uuid, after_seq: i64) -> Result<Vec<String>> {
        let after_seq = after_seq.into_core("after_seq")?;
        Ok(self
            .book
            .bundle(org, after_seq)?
            .iter()
            .map(|c| c.to_line())
            .collect())
    }

    /// The file that moves the organisation to the phone it was handed over
    /// to: its events after `after_seq`, sealed so that only that phone can
    /// read them. Write it to private storage; it leaves through the share sheet.
    pub fn hand_over_file(&self, org: Uuid, after_seq: i64) -> Result<Vec<u8>> {
        let after_seq = after_seq.into_core("after_seq")?;
        Ok(self.book.hand_over_file(org, after_seq)?)
    }

    /// The chunks (one JSON line each) of a bundle or hand-over file, to give
    /// to `ingest` in order; a sealed file opens only on the device it was
    /// sealed to (`Refused` with `wrong_device` elsewhere).
    pub fn read_bundle_file(&self, file: Vec<u8>) -> Result<Vec<String>> {
        Ok(self
            .book
            .read_bundle_file(&file)?
            .iter()
            .map(|c| c.to_line())
            .collect())
    }

    /// Applies one chunk from another device: all its new events, or none.
    pub fn ingest(&self, chunk: String) -> Result<Ingested> {
        let chunk = daftar_sync::Chunk::parse(chunk.as_bytes()).map_err(|r| {
            daftar_core::Error::Refused {
                code: r.code().into(),
                reason: r.to_string(),
            }
        })?;
        crossed(self.book.ingest(&chunk)?)
    }

    pub fn sync_state(&self, org: Uuid) -> Result<SyncState> {
        let s = self.book.sync_state(org)?;
        Ok(SyncState {
            head: FromCore::from_core(s.head, "head")?,
            acknowledged: FromCore::from_core(s.acknowledged, "acknowledged")?,
            custody: FromCore::from_core(s.custody, "custody")?,
        })
    }

    /// Records the server's acknowledgement of the chain up to `head`.
    pub fn acknowledge(&self, org: Uuid, head: ChainHead, receipt: Option<String>) -> Result<()> {
        Ok(self
            .book
            .acknowledge(org, head.to_head()?, receipt.as_deref())?)
    }

    /// What a push sends now: everything after the last acknowledged head.
    pub fn unacknowledged(&self, org: Uuid) -> Result<Vec<String>> {
        Ok(self
            .book
            .unacknowledged(org)?
            .iter()
            .map(|c| c.to_line())
            .collect())
    }

    pub fn set_aside(&self, org: Uuid) -> Result<Vec<SetAsideEvent>> {
        crossed(self.book.set_aside(org)?)
    }
}
