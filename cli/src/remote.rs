//! `daftar sync`: the book's sync with the programme's server
//! (`Book::sync_with_server`, the same as the app's), over HTTPS (or HTTP
//! on this machine) with ureq.

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
    pub server_ca: Option<PathBuf>,
    /// Bytes of events per pushed chunk; 0 for the usual.
    pub chunk_bytes: usize,
}

/// The server's base URL: HTTPS, or plain HTTP only to this machine, where
/// nothing crosses a network (members' names and money never travel in clear).
fn server_base(server: &str) -> Result<String, Error> {
    let bad = |reason: String| Error::InvalidInput {
        field: "server".into(),
        reason,
    };
    let base = server.trim_end_matches('/');
    let (scheme, rest) = base
        .split_once("://")
        .ok_or_else(|| bad(format!("{server:?} is not a URL (https://host[:port])")))?;
    let authority = rest.split('/').next().unwrap_or("");
    // The host without a port: "[::1]:8080" → "::1", "h:8080" → "h".
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(base.to_string()),
        "http" if loopback => Ok(base.to_string()),
        "http" => Err(bad(format!(
            "{server} is plain HTTP to another machine: members' names and money would cross the network unencrypted; use https:// (docs/deployment.md)"
        ))),
        other => Err(bad(format!("{other}:// is not http or https"))),
    }
}

/// Mozilla's roots, or the programme's own CA from a PEM file.
fn tls_config(ca: Option<&std::path::Path>) -> Result<ureq::tls::TlsConfig, Error> {
    let mut config = ureq::tls::TlsConfig::builder();
    if let Some(path) = ca {
        let pem = std::fs::read(path)?;
        let bad = |reason: String| Error::InvalidInput {
            field: "server-ca".into(),
            reason: format!("{}: {reason}", path.display()),
        };
        let certs = ureq::tls::parse_pem(&pem)
            .filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => Some(Ok(c)),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(e.to_string()))?;
        if certs.is_empty() {
            return Err(bad("holds no PEM certificate".into()));
        }
        config = config.root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(certs)));
    }
    Ok(config.build())
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
    let base = server_base(&args.server)?;
    let tls = tls_config(args.server_ca.as_deref())?;
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
            .tls_config(tls)
            .build()
            .into(),
        base,
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

#[cfg(test)]
mod tests {
    use super::server_base;

    #[test]
    fn plain_http_is_for_this_machine_only() {
        for ok in [
            "https://daftar.example.org/",
            "https://10.1.2.3:8443",
            "http://127.0.0.1:8080",
            "http://localhost:8080/",
            "http://[::1]:8080",
            "HTTP://127.0.0.5",
        ] {
            assert!(server_base(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://daftar.example.org",
            "http://10.1.2.3:8080",
            "http://127.0.0.1.evil.org",
            "http://[::2]:80",
            "ftp://127.0.0.1",
            "daftar.example.org",
        ] {
            assert!(server_base(bad).is_err(), "{bad}");
        }
        assert_eq!(server_base("https://h/").unwrap(), "https://h");
    }
}
