//! What the server's tests share: a database of their own in the cluster that
//! `scripts/pg-cluster.sh` started (DAFTAR_DATABASE_URL), the real
//! `daftar-server` binary started on a loopback port, phones that are real
//! daftar books, and requests signed as the protocol says.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use daftar_core::{Book, CommandMeta};
use daftar_sync::api::{Receipt, AUTH_HEADER};
use daftar_sync::Chunk;
use uuid::Uuid;

pub const SERVER: &str = env!("CARGO_BIN_EXE_daftar-server");

/// A new, empty database in the test cluster, for one test.
pub fn fresh_database() -> String {
    let admin = std::env::var("DAFTAR_DATABASE_URL").expect(
        "the server's tests need PostgreSQL: run them through scripts/pg-cluster.sh \
         (scripts/test.sh does), e.g. scripts/pg-cluster.sh cargo test -p daftar-server",
    );
    let name = format!("t_{}", Uuid::now_v7().simple());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
    });
    match admin.rfind('/') {
        Some(i) => format!("{}/{name}", &admin[..i]),
        None => panic!("DAFTAR_DATABASE_URL has no database name"),
    }
}

/// Runs one query against `db` and returns the first column of each row as text.
pub fn sql(db: &str, query: &str) -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(db, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client
            .simple_query(query)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => {
                    Some(r.get(0).unwrap_or("").to_string())
                }
                _ => None,
            })
            .collect()
    })
}

/// Runs an administrator's command (`node add`, `user`, `grant` …) and returns its output.
pub fn admin(db: &str, args: &[&str]) -> String {
    let out = Command::new(SERVER)
        .args(["--database", db])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "daftar-server {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A running `daftar-server`, killed when dropped.
pub struct Server {
    child: Child,
    pub url: String,
    pub db: String,
    pub dir: PathBuf,
    extra: Vec<String>,
}

impl Server {
    pub fn start(db: &str, dir: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(SERVER)
            .args(["--database", db, "serve", "--listen", "127.0.0.1:0"])
            .arg("--key")
            .arg(dir.join("server.key"))
            .arg("--books")
            .arg(dir.join("books"))
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(Server::log_file(dir)))
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("daftar-server listening on ")
            .unwrap_or_else(|| panic!("the server said {line:?}"))
            .to_string();
        Server {
            child,
            url,
            db: db.to_string(),
            dir: dir.to_path_buf(),
            extra: extra.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// The server's log (its standard error), kept across restarts.
    fn log_file(dir: &Path) -> std::fs::File {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("server.log"))
            .unwrap()
    }

    /// What the server has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// SIGKILL: no shutdown, no flush, as a power cut or the OOM killer.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn restart(&mut self) {
        self.kill();
        let extra: Vec<&str> = self.extra.iter().map(String::as_str).collect();
        *self = Server::start(&self.db.clone(), &self.dir.clone(), &extra);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// How a request proves who sends it.
pub enum As<'a> {
    Device(&'a Book),
    /// A device signing at another time than now.
    DeviceAt(&'a Book, i64),
    Token(&'a str),
    Nobody,
}

/// One request; returns the status and the body as JSON (Null when empty).
pub fn call(url: &str, method: &str, path: &str, body: &[u8], who: As) -> (u16, serde_json::Value) {
    try_call(url, method, path, body, who).unwrap()
}

/// One request, or the transport's error (a refused or dropped connection).
pub fn try_call(
    url: &str,
    method: &str,
    path: &str,
    body: &[u8],
    who: As,
) -> Result<(u16, serde_json::Value), ureq::Error> {
    let full = format!("{url}{path}");
    let agent = agent();
    let auth = match who {
        As::Device(book) => Some((AUTH_HEADER, sign(book, method, path, now(), body))),
        As::DeviceAt(book, at) => Some((AUTH_HEADER, sign(book, method, path, at, body))),
        As::Token(t) => Some(("authorization", format!("Bearer {t}"))),
        As::Nobody => None,
    };
    let answer = if method == "GET" {
        let mut r = agent.get(&full);
        if let Some((k, v)) = &auth {
            r = r.header(*k, v);
        }
        r.call()
    } else {
        let mut r = agent.post(&full);
        if let Some((k, v)) = &auth {
            r = r.header(*k, v);
        }
        r.send(body)
    }?;
    let status = answer.status().as_u16();
    let bytes = answer
        .into_body()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()?;
    let json = if bytes.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned())
        })
    };
    Ok((status, json))
}

pub fn sign(book: &Book, method: &str, path: &str, at: i64, body: &[u8]) -> String {
    let (key, sig) = book.sign_request(method, path, at, body).unwrap();
    format!("{key}.{at}.{sig}")
}

pub fn register(url: &str, book: &Book) {
    let body = serde_json::to_vec(&book.registration().unwrap()).unwrap();
    let (status, answer) = call(url, "POST", "/v1/devices", &body, As::Nobody);
    assert_eq!(status, 200, "{answer}");
}

/// A phone: a daftar book with one small SHG (seeded), its device named.
pub fn phone(dir: &Path, name: &str, seed: u64, weeks: u32) -> (Book, Uuid) {
    let book = Book::open(dir.join(format!("{name}.daftar"))).unwrap();
    let scale = daftar_core::demo::Scale {
        shgs: 1,
        members: 6,
        weeks,
    };
    let made = daftar_core::demo::build_scaled(&book, seed, scale, &mut |_, _| true).unwrap();
    book.device_identity(name).unwrap();
    (book, made.organisations[0])
}

pub fn meta(book: &Book) -> CommandMeta {
    CommandMeta::new("tester", &book.device().unwrap().unwrap().device)
}

/// Claims custody of `org` for the book's device, on the books' last date.
pub fn claim(book: &Book, org: Uuid) {
    let day = book.last_business_date(org).unwrap();
    book.claim_custody(&meta(book), org, day).unwrap();
}

/// Pushes one chunk; returns the status and the answer.
pub fn push(url: &str, book: &Book, chunk: &Chunk) -> (u16, serde_json::Value) {
    let path = format!("/v1/orgs/{}/chunks", chunk.org);
    call(
        url,
        "POST",
        &path,
        chunk.to_line().as_bytes(),
        As::Device(book),
    )
}

/// Pushes everything not acknowledged, acknowledging each receipt.
pub fn push_all(url: &str, book: &Book, org: Uuid) -> Vec<Receipt> {
    let mut receipts = vec![];
    for chunk in book.unacknowledged(org).unwrap() {
        let (status, answer) = push(url, book, &chunk);
        assert_eq!(status, 200, "{answer}");
        let receipt: Receipt = serde_json::from_value(answer).unwrap();
        book.acknowledge(org, receipt.head, None).unwrap();
        receipts.push(receipt);
    }
    receipts
}

/// Pulls every chunk after the book's head into it; returns events applied.
pub fn pull_all(url: &str, book: &Book, org: Uuid, who: &Book) -> u64 {
    let mut applied = 0;
    loop {
        let after = book.chain_head(org).map(|h| h.0).unwrap_or(0);
        let path = format!("/v1/orgs/{org}/events?after={after}");
        let (status, answer) = call(url, "GET", &path, b"", As::Device(who));
        if status == 204 {
            return applied;
        }
        assert_eq!(status, 200, "{answer}");
        let chunk = Chunk::parse(&serde_json::to_vec(&answer).unwrap()).unwrap();
        applied += book.ingest(&chunk).unwrap().applied;
    }
}

/// A voluntary savings deposit in cash of `paise` minor units.
pub fn voluntary(date: chrono::NaiveDate, member_no: u32, paise: i64) -> daftar_core::SavingsEntry {
    daftar_core::SavingsEntry {
        date,
        member_no,
        via: daftar_core::Via::Cash,
        amount: rust_decimal::Decimal::new(paise, 2),
        fund: daftar_core::event::SavingsFund::Voluntary,
    }
}

/// The core's own sync (`Book::sync_with_server`) over this client, as the CLI does.
pub struct Http(pub String);

impl daftar_core::exchange::Transport for Http {
    fn send(
        &self,
        method: &str,
        path: &str,
        auth: &str,
        body: &[u8],
    ) -> Result<(u16, Vec<u8>), String> {
        let url = format!("{}{path}", self.0);
        let agent = agent();
        let answer = match method {
            "GET" => agent.get(&url).header(AUTH_HEADER, auth).call(),
            _ => agent.post(&url).header(AUTH_HEADER, auth).send(body),
        }
        .map_err(|e| e.to_string())?;
        let status = answer.status().as_u16();
        let bytes = answer
            .into_body()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .map_err(|e| e.to_string())?;
        Ok((status, bytes))
    }
}

/// Signs `token`'s person in on the web pages as a browser would (the form's
/// cookie and hidden field, then the session cookie); returns the cookies to send.
pub fn web_sign_in(url: &str, token: &str) -> String {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let form = agent.get(&format!("{url}/web/signin")).call().unwrap();
    let signin_cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("daftar_signin="))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    let html = form.into_body().read_to_string().unwrap();
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let answer = agent
        .post(&format!("{url}/web/signin"))
        .header("cookie", &format!("daftar_signin={signin_cookie}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send(format!("token={token}&csrf={csrf}&next=%2Fweb%2F"))
        .unwrap();
    assert_eq!(answer.status().as_u16(), 303);
    let session = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("daftar_session="))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    format!("daftar_session={session}")
}

/// A web page with the given cookies: its status and HTML.
pub fn web_page(url: &str, path: &str, cookies: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let answer = agent
        .get(&format!("{url}{path}"))
        .header("cookie", cookies)
        .call()
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.into_body().read_to_string().unwrap())
}

/// Waits until a rollup's figures cover every organisation's whole chain, and returns it.
pub fn consolidated(url: &str, token: &str, path: &str) -> serde_json::Value {
    let start = std::time::Instant::now();
    loop {
        let (status, r) = call(url, "GET", path, b"", As::Token(token));
        assert_eq!(status, 200, "{r}");
        let orgs = r["organisations"].as_array().unwrap();
        if !orgs.is_empty() && orgs.iter().all(|o| o["consolidated"] == true) {
            return r;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "never consolidated: {r}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
