//! `daftar sync`: a book and the programme's server (docs/sync-protocol.md,
//! "The server"). For each organisation: register this device, claim custody
//! of one nobody holds yet, push what the server has not acknowledged, pull
//! what it has beyond this book. Every step can be interrupted and run again:
//! a push answered as a retry writes nothing, an acknowledgement is kept only
//! with a receipt the server signed, and a pulled chunk is ingested whole or
//! not at all.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use daftar_core::{Book, CommandMeta, Error};
use daftar_sync::api::{HeadAnswer, Problem, Receipt, ServerInfo, AUTH_HEADER};
use daftar_sync::{Chunk, Head, PublicKey};
use uuid::Uuid;

use crate::sync::DEFAULT_DEVICE;

/// The largest answer read from the server: a chunk at its limit, and its JSON.
const MAX_ANSWER_BYTES: u64 = 20 << 20;

fn failed(reason: impl ToString) -> Error {
    Error::InvalidInput {
        field: "server".into(),
        reason: reason.to_string(),
    }
}

/// A refusal from the server, kept as the protocol's code.
fn refused(p: Problem) -> Error {
    Error::Refused {
        code: p.code,
        reason: p.reason,
    }
}

struct Server<'a> {
    agent: ureq::Agent,
    base: String,
    book: &'a Book,
}

enum Answer {
    Ok(Vec<u8>),
    NoContent,
    Problem(Problem),
}

impl Server<'_> {
    fn request(&self, method: &str, path: &str, body: &[u8]) -> Result<Answer, Error> {
        let at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let (key, sig) = self.book.sign_request(method, path, at, body)?;
        let auth = format!("{key}.{at}.{sig}");
        let url = format!("{}{path}", self.base);
        let answer = match method {
            "GET" => self.agent.get(&url).header(AUTH_HEADER, &auth).call(),
            _ => self
                .agent
                .post(&url)
                .header(AUTH_HEADER, &auth)
                .header("content-type", "application/json")
                .send(body),
        }
        .map_err(|e| failed(format!("{method} {url}: {e}")))?;
        let status = answer.status().as_u16();
        let bytes = answer
            .into_body()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_vec()
            .map_err(|e| failed(format!("{method} {url}: reading the answer: {e}")))?;
        Ok(match status {
            200 => Answer::Ok(bytes),
            204 => Answer::NoContent,
            _ => Answer::Problem(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                Problem::new("unavailable", format!("HTTP {status} from {url}"))
            })),
        })
    }

    fn json<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Result<T, Error> {
        match self.request(method, path, body)? {
            Answer::Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                failed(format!(
                    "{path}: the server's answer is not understood: {e}"
                ))
            }),
            Answer::NoContent => Err(failed(format!("{path}: the server answered nothing"))),
            Answer::Problem(p) => Err(refused(p)),
        }
    }
}

pub(crate) struct SyncArgs {
    pub db: PathBuf,
    pub server: String,
    pub orgs: Vec<String>,
    pub device: Option<String>,
    pub actor: Option<String>,
    pub server_key: Option<String>,
}

pub(crate) fn sync(args: SyncArgs) -> Result<ExitCode, Error> {
    let restoring = !args.orgs.is_empty() && !args.db.exists();
    let book = if restoring {
        Book::open(&args.db)?
    } else {
        Book::open_existing(&args.db)?
    };
    let device = match (book.device()?, &args.device) {
        (Some(id), None) => id.device,
        (_, name) => {
            book.device_identity(name.as_deref().unwrap_or(DEFAULT_DEVICE))?
                .device
        }
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into();
    let server = Server {
        agent,
        base: args.server.trim_end_matches('/').to_string(),
        book: &book,
    };
    let info: ServerInfo = server.json("GET", "/v1/server", b"")?;
    if let Some(pinned) = &args.server_key {
        let pinned = PublicKey::parse(pinned).map_err(|e| failed(e.to_string()))?;
        if pinned != info.key {
            return Err(failed(format!(
                "the server's key is {}, not the {pinned} given: not the programme's server",
                info.key
            )));
        }
    }
    let registration =
        serde_json::to_vec(&book.registration()?).map_err(|e| failed(e.to_string()))?;
    let _: serde_json::Value = server.json("POST", "/v1/devices", &registration)?;
    sayln!(
        "device {device} registered with {} (server key {})",
        server.base,
        info.key
    );

    let orgs: Vec<Uuid> = if args.orgs.is_empty() {
        book.organisations()?.iter().map(|o| o.id).collect()
    } else {
        args.orgs
            .iter()
            .map(|o| {
                Uuid::parse_str(o)
                    .or_else(|_| book.resolve_org(o))
                    .map_err(|_| Error::InvalidInput {
                        field: "org".into(),
                        reason: format!("{o:?} is not an organisation id"),
                    })
            })
            .collect::<Result<_, _>>()?
    };
    let mut refusals = 0;
    for org in orgs {
        match sync_org(&server, &info.key, org, &device, args.actor.as_deref()) {
            Ok(()) => {}
            Err(Error::Refused { code, reason }) => {
                refusals += 1;
                esayln!("{org}: refused ({code}): {reason}");
                if code == "forbidden" {
                    let key = book
                        .device()?
                        .map(|d| d.public_key.to_string())
                        .unwrap_or_default();
                    esayln!(
                        "{org}: an administrator lets this device read it with: daftar-server grant --org {org} --device {key}"
                    );
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(if refusals == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn held_head(book: &Book, org: Uuid) -> Result<Head, Error> {
    match book.sync_state(org) {
        Ok(s) => Ok(s.head),
        Err(e) if e.code() == daftar_core::ErrorCode::NotFound => Ok(Head::EMPTY),
        Err(e) => Err(e),
    }
}

fn checked_receipt(r: &Receipt, server: &PublicKey, org: Uuid, head: &Head) -> Result<(), Error> {
    if r.org != org || r.head != *head || !r.verifies_with(server) {
        return Err(failed(format!(
            "the server's receipt for {org} at {head} is not signed by its key: not acknowledged"
        )));
    }
    Ok(())
}

fn sync_org(
    server: &Server,
    key: &PublicKey,
    org: Uuid,
    device: &str,
    actor: Option<&str>,
) -> Result<(), Error> {
    let book = server.book;
    let remote: HeadAnswer = server.json("GET", &format!("/v1/orgs/{org}/head"), b"")?;
    let mine = held_head(book, org)?;
    // A book's first sync claims custody of an organisation nobody holds, on
    // the book or on the server, so its events can be signed.
    if mine.seq > 0 && remote.custody.is_none() && book.sync_state(org)?.custody.is_none() {
        let actor = actor.ok_or_else(|| Error::InvalidInput {
            field: "actor".into(),
            reason: format!(
                "nobody holds custody of {org} yet: give --actor to claim it for this device"
            ),
        })?;
        // Dated on the books' last business date: custody moves no money, and
        // must not move the date the books stand at.
        let date = book.last_business_date(org)?;
        let o = book.claim_custody(&CommandMeta::new(actor, device), org, date)?;
        sayln!("{org}: device {device} claimed custody (seq {})", o.seq);
    }
    // Push what the server has not acknowledged.
    let (mut pushed, mut chunks) = (0u64, 0u32);
    if mine.seq > 0 {
        // From the acknowledged head, or from the server's own if it holds less
        // (restored from a backup): what it lacks goes again.
        let acked = book.sync_state(org)?.acknowledged.map_or(0, |h| h.seq);
        let start = acked.min(remote.head.seq);
        let pending: Vec<Chunk> = if start < mine.seq {
            book.bundle(org, start)?
        } else {
            Vec::new()
        };
        let total = pending.len();
        for chunk in pending {
            let receipt: Receipt = server.json(
                "POST",
                &format!("/v1/orgs/{org}/chunks"),
                chunk.to_line().as_bytes(),
            )?;
            checked_receipt(&receipt, key, org, &chunk.head)?;
            let receipt_text =
                serde_json::to_string(&receipt).map_err(|e| failed(e.to_string()))?;
            book.acknowledge(org, chunk.head, Some(&receipt_text))?;
            pushed += chunk.events.len() as u64;
            chunks += 1;
            sayln!(
                "{org}: pushed chunk {chunks}/{total} up to seq {}",
                chunk.head.seq
            );
        }
    }
    // Pull what the server holds beyond this book; ingest checks every event
    // against this book's own hashes (a fork is refused and kept aside).
    let mut pulled = 0u64;
    loop {
        let after = held_head(book, org)?.seq;
        match server.request("GET", &format!("/v1/orgs/{org}/events?after={after}"), b"")? {
            Answer::NoContent => break,
            Answer::Problem(p) => return Err(refused(p)),
            Answer::Ok(bytes) => {
                let chunk = Chunk::parse(&bytes)
                    .map_err(|r| failed(format!("the server sent a bad chunk: {r}")))?;
                if chunk.org != org || chunk.base.seq != after {
                    return Err(failed(
                        "the server sent a chunk of another place in the chain",
                    ));
                }
                let i = book.ingest(&chunk)?;
                pulled += i.applied;
                sayln!("{org}: pulled up to seq {}", i.head.seq);
            }
        }
    }
    let remote: HeadAnswer = server.json("GET", &format!("/v1/orgs/{org}/head"), b"")?;
    if let Some(r) = &remote.receipt {
        checked_receipt(r, key, org, &remote.head)?;
        if held_head(book, org)? == remote.head {
            let text = serde_json::to_string(r).map_err(|e| failed(e.to_string()))?;
            book.acknowledge(org, remote.head, Some(&text))?;
        }
    }
    sayln!(
        "{org}: {pushed} events pushed in {chunks} chunks, {pulled} pulled; server head {}",
        remote.head
    );
    Ok(())
}
