//! `daftar sync`: the book's sync with the programme's server
//! (`Book::sync_with_server`, the same as the app's), over HTTP with ureq.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use daftar_core::exchange::{SyncOptions, Transport};
use daftar_core::Error;
use daftar_sync::api::AUTH_HEADER;
use daftar_sync::PublicKey;
use uuid::Uuid;

use crate::sync::DEFAULT_DEVICE;

/// The largest answer read from the server: a chunk at its limit, and its JSON.
const MAX_ANSWER_BYTES: u64 = 20 << 20;

struct Http {
    agent: ureq::Agent,
    base: String,
}

impl Transport for Http {
    fn send(
        &self,
        method: &str,
        path: &str,
        auth: &str,
        body: &[u8],
    ) -> Result<(u16, Vec<u8>), String> {
        let url = format!("{}{path}", self.base);
        let answer = match method {
            "GET" => self.agent.get(&url).header(AUTH_HEADER, auth).call(),
            _ => self
                .agent
                .post(&url)
                .header(AUTH_HEADER, auth)
                .header("content-type", "application/json")
                .send(body),
        }
        .map_err(|e| e.to_string())?;
        let status = answer.status().as_u16();
        let bytes = answer
            .into_body()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_vec()
            .map_err(|e| e.to_string())?;
        Ok((status, bytes))
    }
}

pub(crate) struct SyncArgs {
    pub db: PathBuf,
    pub server: String,
    pub orgs: Vec<String>,
    pub device: Option<String>,
    pub actor: Option<String>,
    pub server_key: Option<String>,
    /// Bytes of events per pushed chunk; 0 for the usual.
    pub chunk_bytes: usize,
}

pub(crate) fn sync(args: SyncArgs) -> Result<ExitCode, Error> {
    let invalid = |field: &str, reason: String| Error::InvalidInput {
        field: field.into(),
        reason,
    };
    // Parse everything before a book is made or touched.
    let orgs_given: Vec<Result<Uuid, String>> = args
        .orgs
        .iter()
        .map(|o| Uuid::parse_str(o).map_err(|_| o.clone()))
        .collect();
    let server_key = match &args.server_key {
        Some(k) => Some(PublicKey::parse(k).map_err(|e| invalid("server_key", e.to_string()))?),
        None => None,
    };
    // A restore makes the book, which then holds the device identity that an
    // administrator grants access to.
    let restoring = !args.orgs.is_empty() && !args.db.exists();
    if restoring {
        if let Some(Err(o)) = orgs_given.iter().find(|o| o.is_err()) {
            return Err(invalid("org", format!("{o:?} is not an organisation id")));
        }
    }
    let book = if restoring {
        crate::open::open(&args.db)?
    } else {
        crate::open::existing(&args.db)?
    };
    let device = match (book.device()?, &args.device) {
        (Some(id), None) => id.device,
        (_, name) => {
            book.device_identity(name.as_deref().unwrap_or(DEFAULT_DEVICE))?
                .device
        }
    };
    let orgs = orgs_given
        .into_iter()
        .map(|o| o.or_else(|text| book.resolve_org(&text)))
        .collect::<Result<Vec<_>, _>>()?;
    let transport = Http {
        agent: ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into(),
        base: args.server.trim_end_matches('/').to_string(),
    };
    let options = SyncOptions {
        orgs,
        actor: args.actor,
        server_key,
        chunk_bytes: args.chunk_bytes,
    };
    // Progress on stderr, one line per organisation as its turn comes.
    let mut progress = |done: u64, total: u64| {
        if done < total {
            esayln!("syncing organisation {} of {total}", done + 1);
        }
        true
    };
    let report = book.sync_with_server(&transport, &options, &mut progress)?;
    sayln!(
        "device {device} registered with {} (server key {})",
        transport.base,
        report.server_key
    );
    let mut refused = 0;
    for o in &report.orgs {
        if o.claimed {
            sayln!("{}: device {device} claimed custody", o.org);
        }
        match &o.refused {
            None => sayln!(
                "{}: {} events pushed in {} chunks, {} pulled; server head {}",
                o.org,
                o.events_pushed,
                o.chunks_pushed,
                o.events_pulled,
                o.server_head
            ),
            Some((code, reason)) => {
                refused += 1;
                esayln!("{}: refused ({code}): {reason}", o.org);
                if code == "forbidden" {
                    let key = book
                        .device()?
                        .map(|d| d.public_key.to_string())
                        .unwrap_or_default();
                    esayln!(
                        "{}: an administrator lets this device read it with: daftar-server grant --org {} --device {key}",
                        o.org,
                        o.org
                    );
                }
            }
        }
    }
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
