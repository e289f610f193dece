//! A book's sync with the programme's server (docs/sync-protocol.md, "The
//! server"), over a transport its caller supplies: the CLI's HTTP client, or
//! the app's (`java.net.http` in the JVM library). For each organisation:
//! claim custody of one nobody holds yet, push what the server has not
//! acknowledged, pull what it holds beyond this book. Every step can be cut
//! off and run again: a push answered as a retry writes nothing, a head is
//! acknowledged only with a receipt the server signed, and a pulled chunk is
//! ingested whole or not at all.

use daftar_sync::api::{HeadAnswer, Problem, Receipt, ServerInfo};
use daftar_sync::{Chunk, Head, PublicKey};
use uuid::Uuid;

use crate::book::{Book, CommandMeta};
use crate::error::{Error, ErrorCode, Result};

/// Carries one request to the server and brings back its answer.
pub trait Transport {
    /// `method` is GET or POST; `path` starts with `/v1/` (query included);
    /// `auth` is the `daftar-auth` header's value. Returns the status and the
    /// body, or why no answer came (the connection failed or dropped).
    fn send(
        &self,
        method: &str,
        path: &str,
        auth: &str,
        body: &[u8],
    ) -> std::result::Result<(u16, Vec<u8>), String>;
}

/// What to sync.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Only these organisations; every one in the book when empty.
    pub orgs: Vec<Uuid>,
    /// Who claims custody for this device of an organisation nobody holds.
    pub actor: Option<String>,
    /// The server's key, if known: any other server is refused.
    pub server_key: Option<PublicKey>,
    /// Bytes of events per pushed chunk; 0 for the usual (about 1 MiB).
    /// Smaller for a weak network, so a dropped connection loses less.
    pub chunk_bytes: usize,
}

/// What one organisation's sync did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSync {
    pub org: Uuid,
    /// This device claimed custody on this sync.
    pub claimed: bool,
    pub chunks_pushed: u32,
    pub events_pushed: u64,
    pub events_pulled: u64,
    pub server_head: Head,
    /// The server's refusal, by code and reason, if it refused this organisation.
    pub refused: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub server_key: PublicKey,
    pub orgs: Vec<OrgSync>,
}

/// The time a request is signed at.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn unreachable(reason: impl ToString) -> Error {
    Error::Refused {
        code: "unreachable".into(),
        reason: reason.to_string(),
    }
}

enum Answer {
    Ok(Vec<u8>),
    Nothing,
    Problem(Problem),
}

struct Server<'a> {
    book: &'a Book,
    transport: &'a dyn Transport,
}

impl Server<'_> {
    fn request(&self, method: &str, path: &str, body: &[u8]) -> Result<Answer> {
        let at = unix_now();
        let (key, sig) = self.book.sign_request(method, path, at, body)?;
        let (status, bytes) = self
            .transport
            .send(method, path, &format!("{key}.{at}.{sig}"), body)
            .map_err(|e| unreachable(format!("{method} {path}: {e}")))?;
        Ok(match status {
            200 => Answer::Ok(bytes),
            204 => Answer::Nothing,
            _ => Answer::Problem(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                Problem::new("unavailable", format!("HTTP {status} for {method} {path}"))
            })),
        })
    }

    fn json<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Result<T> {
        match self.request(method, path, body)? {
            Answer::Ok(b) => serde_json::from_slice(&b)
                .map_err(|e| unreachable(format!("{path}: an answer not understood: {e}"))),
            Answer::Nothing => Err(unreachable(format!("{path}: the server answered nothing"))),
            Answer::Problem(p) => Err(Error::Refused {
                code: p.code,
                reason: p.reason,
            }),
        }
    }
}

fn held_head(book: &Book, org: Uuid) -> Result<Head> {
    match book.sync_state(org) {
        Ok(s) => Ok(s.head),
        Err(e) if e.code() == ErrorCode::NotFound => Ok(Head::EMPTY),
        Err(e) => Err(e),
    }
}

fn check_receipt(r: &Receipt, server: &PublicKey, org: Uuid, head: &Head) -> Result<String> {
    if r.org != org || r.head != *head || !r.verifies_with(server) {
        return Err(Error::Refused {
            code: "bad_receipt".into(),
            reason: format!("the server's receipt for {org} at {head} is not signed by its key"),
        });
    }
    serde_json::to_string(r).map_err(|e| unreachable(e.to_string()))
}

impl Book {
    /// Syncs this book with the server that `transport` reaches. Registers the
    /// book's device (which must have an identity), then each organisation in
    /// turn; a refusal of one organisation is reported and the next goes on.
    /// `progress(done, total)` counts organisations; false stops (Cancelled).
    pub fn sync_with_server(
        &self,
        transport: &dyn Transport,
        options: &SyncOptions,
        progress: crate::verify::Progress<'_>,
    ) -> Result<SyncReport> {
        let server = Server {
            book: self,
            transport,
        };
        let info: ServerInfo = server.json("GET", "/v1/server", b"")?;
        if let Some(pinned) = &options.server_key {
            if *pinned != info.key {
                return Err(Error::Refused {
                    code: "wrong_server".into(),
                    reason: format!("the server's key is {}, not {pinned}", info.key),
                });
            }
        }
        let registration =
            serde_json::to_vec(&self.registration()?).map_err(|e| unreachable(e.to_string()))?;
        let _: serde_json::Value = server.json("POST", "/v1/devices", &registration)?;
        let orgs = if options.orgs.is_empty() {
            self.organisations()?.iter().map(|o| o.id).collect()
        } else {
            options.orgs.clone()
        };
        let total = orgs.len() as u64;
        let mut report = SyncReport {
            server_key: info.key,
            orgs: Vec::with_capacity(orgs.len()),
        };
        for (i, org) in orgs.into_iter().enumerate() {
            if !progress(i as u64, total) {
                return Err(Error::Cancelled);
            }
            let mut done = OrgSync {
                org,
                claimed: false,
                chunks_pushed: 0,
                events_pushed: 0,
                events_pulled: 0,
                server_head: Head::EMPTY,
                refused: None,
            };
            match sync_org(&server, &info.key, options, &mut done) {
                Ok(()) => {}
                Err(Error::Refused { code, reason }) if code != "unreachable" => {
                    done.refused = Some((code, reason));
                }
                Err(e) => return Err(e),
            }
            report.orgs.push(done);
        }
        progress(total, total);
        Ok(report)
    }
}

/// The chunks as this device may push them: another device's chunks (history
/// it received with a hand-over) are joined to those after them up to this
/// device's first own head, or to the end, so that each pushed chunk ends at a
/// head this device signed or after which it holds custody. The server lets a
/// device push only those.
fn relayable(chunks: Vec<Chunk>, own: &PublicKey) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        let chunk = match out.last_mut() {
            Some(last) if last.signer != *own => match last.extend_with(chunk) {
                Ok(()) => continue,
                Err(chunk) => *chunk,
            },
            _ => chunk,
        };
        out.push(chunk);
    }
    out
}

fn sync_org(
    server: &Server,
    key: &PublicKey,
    options: &SyncOptions,
    done: &mut OrgSync,
) -> Result<()> {
    let (book, org) = (server.book, done.org);
    let remote: HeadAnswer = server.json("GET", &format!("/v1/orgs/{org}/head"), b"")?;
    let mine = held_head(book, org)?;
    // A book's first sync claims custody of an organisation nobody holds, on
    // the book or on the server, so its events can be signed. Dated on the
    // books' last business date: custody moves no money.
    if mine.seq > 0 && remote.custody.is_none() && book.sync_state(org)?.custody.is_none() {
        let actor = options.actor.as_deref().ok_or_else(|| {
            Error::invalid(
                "actor",
                format!("nobody holds custody of {org} yet: name who claims it for this device"),
            )
        })?;
        let device = book
            .device()?
            .ok_or_else(|| Error::not_found("this book's device identity"))?
            .device;
        let date = book.last_business_date(org)?;
        book.claim_custody(&CommandMeta::new(actor, &device), org, date)?;
        done.claimed = true;
    }
    // Push from the acknowledged head, or from the server's own if it holds
    // less (restored from a backup): what it lacks goes again.
    let mine = held_head(book, org)?;
    if mine.seq > 0 {
        let acked = book.sync_state(org)?.acknowledged.map_or(0, |h| h.seq);
        let start = acked.min(remote.head.seq);
        if start < mine.seq {
            let own = book.registration()?.key;
            let target = match options.chunk_bytes {
                0 => daftar_sync::chunk::TARGET_CHUNK_BYTES,
                n => n,
            };
            for chunk in relayable(book.bundle_sized(org, start, target)?, &own) {
                let receipt: Receipt = server.json(
                    "POST",
                    &format!("/v1/orgs/{org}/chunks"),
                    chunk.to_line().as_bytes(),
                )?;
                let kept = check_receipt(&receipt, key, org, &chunk.head)?;
                book.acknowledge(org, chunk.head, Some(&kept))?;
                done.chunks_pushed += 1;
                done.events_pushed += chunk.events.len() as u64;
            }
        }
    }
    // Pull what the server holds beyond this book; ingest checks every event
    // against this book's own hashes (a server that sent others is a fork).
    loop {
        let after = held_head(book, org)?.seq;
        match server.request("GET", &format!("/v1/orgs/{org}/events?after={after}"), b"")? {
            Answer::Nothing => break,
            Answer::Problem(p) => {
                return Err(Error::Refused {
                    code: p.code,
                    reason: p.reason,
                })
            }
            Answer::Ok(bytes) => {
                let chunk = Chunk::parse(&bytes)
                    .map_err(|r| unreachable(format!("the server sent a bad chunk: {r}")))?;
                if chunk.org != org || chunk.base.seq != after {
                    return Err(unreachable(
                        "the server sent a chunk of another place in the chain",
                    ));
                }
                done.events_pulled += book.ingest(&chunk)?.applied;
            }
        }
    }
    let remote: HeadAnswer = server.json("GET", &format!("/v1/orgs/{org}/head"), b"")?;
    if let Some(r) = &remote.receipt {
        let kept = check_receipt(r, key, org, &remote.head)?;
        if held_head(book, org)? == remote.head {
            book.acknowledge(org, remote.head, Some(&kept))?;
        }
    }
    done.server_head = remote.head;
    Ok(())
}
