//! `daftar-load`: N phones, each with its own SHG book of a year of weekly
//! meetings, push concurrently to a running `daftar-server`, a meeting's events
//! at a time, with faults: duplicate sends, acknowledgements never read, and
//! connections dropped half-way through a request. Then the same event rows
//! are loaded with raw `COPY` into a table of the same shape in the same
//! PostgreSQL, and both rates are printed. No figure is asserted here.
//!
//!   daftar-load --server URL --database URL [--phones 16] [--weeks 52] [--members 15]

use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::Parser;
use daftar_core::demo::{build_scaled_in_custody, Scale};
use daftar_core::event::Event;
use daftar_core::Book;
use daftar_sync::api::{Receipt, AUTH_HEADER};
use daftar_sync::Chunk;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::Type;
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    #[arg(long)]
    server: String,
    #[arg(long, env = "DAFTAR_DATABASE_URL")]
    database: String,
    #[arg(long, default_value_t = 16)]
    phones: u64,
    #[arg(long, default_value_t = 52)]
    weeks: u32,
    /// Members per SHG (the scaled demo's SHG life is written for 12).
    #[arg(long, default_value_t = 12)]
    members: u32,
    /// Target bytes of a push: about one weekly meeting's events.
    #[arg(long, default_value_t = 12 << 10)]
    push_bytes: usize,
    /// The first phone's seed (its organisation's id follows from it).
    #[arg(long, default_value_t = 1_000)]
    seed: u64,
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn auth(book: &Book, method: &str, path: &str, body: &[u8]) -> Result<String, Failure> {
    let at = now();
    let (key, sig) = book.sign_request(method, path, at, body)?;
    Ok(format!("{key}.{at}.{sig}"))
}

/// Sends half a request and drops the connection: the server must write nothing of it.
fn dropped_connection(server: &str, path: &str, auth: &str, body: &[u8]) {
    let host = server.trim_start_matches("http://");
    if let Ok(mut s) = TcpStream::connect(host) {
        let head = format!(
            "POST {path} HTTP/1.1\r\nhost: {host}\r\n{AUTH_HEADER}: {auth}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(&body[..body.len() / 2]);
    }
}

struct Phone {
    book: Book,
    org: Uuid,
    chunks: Vec<Chunk>,
}

#[derive(Default)]
struct Tally {
    pushes: AtomicU64,
    retries: AtomicU64,
    duplicates: AtomicU64,
    unread: AtomicU64,
    dropped: AtomicU64,
    latencies_us: Mutex<Vec<u64>>,
}

fn run_phone(server: &str, p: &Phone, seed: u64, tally: &Tally) -> Result<(), Failure> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into();
    let mut rng = fastrand::Rng::with_seed(seed);
    let path = format!("/v1/orgs/{}/chunks", p.org);
    let url = format!("{server}{path}");
    for chunk in &p.chunks {
        let body = chunk.to_line().into_bytes();
        if rng.u8(..) < 8 {
            dropped_connection(server, &path, &auth(&p.book, "POST", &path, &body)?, &body);
            tally.dropped.fetch_add(1, Ordering::Relaxed);
        }
        let mut sends = if rng.u8(..) < 25 { 2 } else { 1 };
        if sends == 2 {
            tally.duplicates.fetch_add(1, Ordering::Relaxed);
        }
        while sends > 0 {
            let started = Instant::now();
            let answer = agent
                .post(&url)
                .header(AUTH_HEADER, auth(&p.book, "POST", &path, &body)?)
                .send(&body[..]);
            let mut answer = match answer {
                Ok(a) => a,
                Err(e) => {
                    if tally.retries.fetch_add(1, Ordering::Relaxed) > 10_000 {
                        return Err(format!("{}: the server stays unreachable: {e}", p.org).into());
                    }
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
            };
            if rng.u8(..) < 8 {
                // The answer is never read: the phone resends, as after a lost acknowledgement.
                drop(answer);
                tally.unread.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            let status = answer.status().as_u16();
            let bytes = answer.body_mut().read_to_vec()?;
            if status != 200 {
                tally.retries.fetch_add(1, Ordering::Relaxed);
                if status == 503 {
                    continue;
                }
                return Err(
                    format!("{}: {status} {}", p.org, String::from_utf8_lossy(&bytes)).into(),
                );
            }
            let receipt: Receipt = serde_json::from_slice(&bytes)?;
            if receipt.head != chunk.head {
                return Err(format!(
                    "{}: a receipt for {} not {}",
                    p.org, receipt.head, chunk.head
                )
                .into());
            }
            // The phone's own bookkeeping (an fsynced write of the
            // acknowledgement) is the phone's cost, not the server's: it is
            // left out of what this measures.
            tally
                .latencies_us
                .lock()
                .map_err(|_| "poisoned")?
                .push(started.elapsed().as_micros() as u64);
            tally.pushes.fetch_add(1, Ordering::Relaxed);
            sends -= 1;
        }
    }
    Ok(())
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// The same rows as `events`, by raw binary COPY into a table of its shape.
async fn raw_copy(database: &str, phones: &[Phone]) -> Result<(u64, Duration), Failure> {
    let (client, conn) = tokio_postgres::connect(database, tokio_postgres::NoTls).await?;
    tokio::spawn(conn);
    client
        .batch_execute(
            "DROP TABLE IF EXISTS raw_events;
             CREATE TABLE raw_events (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
                 PARTITION BY HASH (org_id);
             ALTER TABLE raw_events ADD PRIMARY KEY (org_id, seq);
             ALTER TABLE raw_events ADD UNIQUE (org_id, op_id);
             DO $$ BEGIN FOR i IN 0..15 LOOP
               EXECUTE format('CREATE TABLE raw_events_p%s PARTITION OF raw_events
                               FOR VALUES WITH (MODULUS 16, REMAINDER %s)', i, i);
             END LOOP; END $$;",
        )
        .await?;
    let mut rows = 0u64;
    let started = Instant::now();
    let sink = client
        .copy_in(
            "COPY raw_events (org_id, seq, hash, op_id, kind, business_date, device, canonical) FROM STDIN BINARY",
        )
        .await?;
    let types = [
        Type::UUID,
        Type::INT8,
        Type::BYTEA,
        Type::UUID,
        Type::TEXT,
        Type::DATE,
        Type::TEXT,
        Type::BYTEA,
    ];
    let writer = BinaryCopyInWriter::new(sink, &types);
    tokio::pin!(writer);
    for p in phones {
        for chunk in &p.chunks {
            let hashes = chunk.link()?;
            for (i, text) in chunk.events.iter().enumerate() {
                let e = Event::from_canonical_bytes(text.as_bytes())?;
                let seq = (chunk.base.seq + 1 + i as u64) as i64;
                writer
                    .as_mut()
                    .write(&[
                        &p.org,
                        &seq,
                        &hashes[i].as_slice(),
                        &e.op_id,
                        &e.body.kind(),
                        &e.date,
                        &e.device,
                        &text.as_bytes(),
                    ])
                    .await?;
                rows += 1;
            }
        }
    }
    writer.finish().await?;
    let took = started.elapsed();
    client.batch_execute("DROP TABLE raw_events").await?;
    Ok((rows, took))
}

fn main() -> Result<(), Failure> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    eprintln!(
        "building {} phone books of {} weeks ...",
        args.phones, args.weeks
    );
    let mut phones = Vec::new();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    for i in 0..args.phones {
        let book = Book::open(dir.path().join(format!("phone-{i}.daftar")))?;
        let scale = Scale {
            shgs: 1,
            members: args.members,
            weeks: args.weeks,
        };
        // A phone that held custody from the first day, so it can push a
        // meeting at a time.
        let org = build_scaled_in_custody(&book, args.seed + i, scale, &mut |_, _| true)?
            .organisations[0];
        let body = serde_json::to_vec(&book.registration()?)?;
        let mut r = agent
            .post(format!("{}/v1/devices", args.server))
            .send(&body[..])?;
        if r.status().as_u16() != 200 {
            return Err(format!("registering: {}", r.body_mut().read_to_string()?).into());
        }
        let chunks = book.bundle_sized(org, 0, args.push_bytes)?;
        phones.push(Phone { book, org, chunks });
    }
    let events: u64 = phones
        .iter()
        .map(|p| p.chunks.last().map_or(0, |c| c.head.seq))
        .sum();
    let tally = Tally::default();
    eprintln!("pushing {events} events from {} phones ...", args.phones);
    let started = Instant::now();
    std::thread::scope(|s| -> Result<(), Failure> {
        let handles: Vec<_> = phones
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (server, tally) = (&args.server, &tally);
                s.spawn(move || run_phone(server, p, i as u64, tally))
            })
            .collect();
        for h in handles {
            h.join().map_err(|_| "a phone's thread panicked")??;
        }
        Ok(())
    })?;
    let took = started.elapsed();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // A COPY of a few tens of thousands of rows lasts a fraction of a second,
    // and a checkpoint landing in it can halve its rate: the median of three.
    let mut copies = Vec::new();
    for _ in 0..3 {
        copies.push(rt.block_on(raw_copy(&args.database, &phones))?);
    }
    copies.sort_by_key(|c| c.1);
    let (raw_rows, raw_took) = copies[1];
    let mut lat = tally.latencies_us.into_inner().map_err(|_| "poisoned")?;
    lat.sort_unstable();
    let rate = events as f64 / took.as_secs_f64();
    let raw_rate = raw_rows as f64 / raw_took.as_secs_f64();
    println!(
        "daftar-load: {} phones x {} weeks, {events} events in {} pushes of about {} bytes ({:.0} events each)",
        args.phones,
        args.weeks,
        lat.len(),
        args.push_bytes,
        events as f64 / lat.len().max(1) as f64
    );
    println!(
        "faults: {} duplicate sends, {} answers never read, {} connections dropped mid-request, {} retries",
        tally.duplicates.into_inner(),
        tally.unread.into_inner(),
        tally.dropped.into_inner(),
        tally.retries.into_inner()
    );
    println!(
        "push, through daftar-server       {rate:>10.0} events/s   p50 {:.2} ms   p99 {:.2} ms",
        percentile(&lat, 0.5) as f64 / 1e3,
        percentile(&lat, 0.99) as f64 / 1e3
    );
    println!("raw COPY of the same rows          {raw_rate:>10.0} events/s   (one stream, same table shape and keys; median of 3)");
    println!(
        "ratio: daftar's rate over raw COPY's: {:.2}",
        rate / raw_rate
    );
    Ok(())
}
