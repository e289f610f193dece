//! `daftar bench`: each workload beside a lower bound or a peer measured in the
//! same run. Every workload runs in a child process of its own (`bench
//! --workload NAME`), so that the peak memory printed beside it is its own.
//! Timing lives here, never in tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use daftar_core::books::Period;
use daftar_core::demo::Scale;
use daftar_core::event::{MemberCharge, SavingsFund};
use daftar_core::export::ExportFormat;
use daftar_core::settlement::ChargeEntry;
use daftar_core::*;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The workloads, in the order they run. `bulk` builds the scaled book that the
/// later ones read.
pub const WORKLOADS: &[&str] = &[
    "meeting",
    "bulk",
    "verify-demo",
    "verify-scaled",
    "reports",
    "cold-open",
    "calls",
];

/// The scaled book of a quick run: enough to exercise every workload.
const QUICK_SCALE: Scale = Scale {
    shgs: 3,
    members: 12,
    weeks: 52,
};

/// One line of the table, as a child prints it (tab-separated) and the parent reads it.
struct Row {
    workload: String,
    daftar: String,
    baseline: String,
    ratio: String,
}

impl Row {
    fn new(workload: impl Into<String>, daftar: String, baseline: String, ratio: String) -> Row {
        Row {
            workload: workload.into(),
            daftar,
            baseline,
            ratio,
        }
    }

    fn print(&self) {
        println!(
            "row\t{}\t{}\t{}\t{}",
            self.workload, self.daftar, self.baseline, self.ratio
        );
    }
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v.get(((v.len() as f64 - 1.0) * p).round() as usize)
        .copied()
        .unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn ratio(a: Duration, b: Duration) -> String {
    let r = a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    // Two significant digits below 1, so that 0.004x does not print as 0.0x.
    if r < 1.0 {
        let places = 1 + (-r.log10()).ceil().max(0.0) as usize;
        format!("{r:.places$}x")
    } else {
        format!("{r:.1}x")
    }
}

fn meta() -> CommandMeta {
    CommandMeta::new("bench", "bench")
}

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 7).unwrap_or_default() + chrono::Duration::weeks(n)
}

fn not_found(what: &str) -> Error {
    Error::NotFound { what: what.into() }
}

/// The parent: runs each workload in a child process and prints one table.
pub fn run(quick: bool, scale: Option<Scale>) -> Result<String, Error> {
    let dir = tempfile::tempdir()?;
    let scale = scale.unwrap_or(if quick { QUICK_SCALE } else { Scale::CLF });
    let exe = std::env::current_exe()?;
    let mut out = format!(
        "daftar bench{} on {}; scaled book {}x{}x{} (SHGs x members x weeks)\n",
        if quick { " --quick" } else { "" },
        machine(),
        scale.shgs,
        scale.members,
        scale.weeks
    );
    let w = [50usize, 22, 50, 16, 10];
    let line = |c: [&str; 5]| {
        format!(
            "{:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}  {:>w4$}\n",
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4]
        )
    };
    out += &line(["workload", "daftar", "baseline", "ratio", "peak RSS"]);
    for name in WORKLOADS {
        let mut cmd = Command::new(&exe);
        cmd.arg("bench")
            .arg("--workload")
            .arg(name)
            .arg("--dir")
            .arg(dir.path())
            .arg("--scale")
            .arg(format!("{}x{}x{}", scale.shgs, scale.members, scale.weeks));
        if quick {
            cmd.arg("--quick");
        }
        let child = cmd.output()?;
        let stdout = String::from_utf8_lossy(&child.stdout);
        if !child.status.success() {
            return Err(Error::Storage {
                reason: format!(
                    "bench workload {name} failed: {}",
                    String::from_utf8_lossy(&child.stderr).trim()
                ),
            });
        }
        let peak = stdout
            .lines()
            .find_map(|l| l.strip_prefix("peak\t"))
            .unwrap_or("n/a")
            .to_string();
        let mut first = true;
        for l in stdout.lines().filter_map(|l| l.strip_prefix("row\t")) {
            let c: Vec<&str> = l.split('\t').collect();
            if let [a, b, c, d] = c[..] {
                out += &line([a, b, c, d, if first { &peak } else { "" }]);
                first = false;
            }
        }
    }
    out += "ratio: daftar's time over the baseline's (for rates, the baseline's rate over daftar's).\n";
    out += "peak RSS: VmHWM of the workload's own process, setup included.\n";
    Ok(out)
}

/// A child: one workload, its rows, then its peak memory.
pub fn run_workload(name: &str, dir: &Path, quick: bool, scale: Scale) -> Result<(), Error> {
    let scaled = dir.join("scaled.daftar");
    let rows = match name {
        "meeting" => meeting(dir, if quick { 5 } else { 50 })?,
        "bulk" => bulk(dir, &scaled, scale)?,
        "verify-demo" => {
            let p = dir.join("demo.daftar");
            let book = Book::open(&p)?;
            daftar_core::demo::build(&book, 1, &mut |_, _| true)?;
            book.close()?;
            verify(&p, "demo book")?
        }
        "verify-scaled" => verify(&scaled, "scaled book")?,
        "reports" => reports(dir, &scaled, if quick { 3 } else { 20 })?,
        "cold-open" => cold_open(&scaled, if quick { 3 } else { 20 })?,
        "calls" => calls(
            dir,
            if quick { 1_000 } else { 100_000 },
            if quick { 5 } else { 50 },
        )?,
        other => {
            return Err(Error::InvalidInput {
                field: "workload".into(),
                reason: format!("{other:?} is not one of {}", WORKLOADS.join(", ")),
            })
        }
    };
    for r in rows {
        r.print();
    }
    println!("peak\t{}", peak_rss());
    Ok(())
}

fn bench_org(book: &Book, name: &str) -> Result<Uuid, Error> {
    let id = Uuid::now_v7();
    book.create_organisation(
        &meta(),
        NewOrganisation {
            id,
            kind: OrgKind::Shg,
            name: name.into(),
            currency: Currency::new("INR", None)?,
            calendar: Calendar::Gregorian,
            fiscal_year_start: FiscalYearStart { month: 4, day: 1 },
            locale: Locale::EnIn,
            rounding: RoundingRule::default(),
            opened_on: day(0),
        },
    )?;
    for i in 0..15 {
        book.add_member(
            &meta(),
            id,
            NewMember {
                member_no: None,
                name: format!("सदस्य {i}"),
                role: MemberRole::Member,
                phone: None,
                joined_on: day(0),
            },
        )?;
    }
    Ok(id)
}

/// One SHG meeting: open, 15 members x 4 entries (attendance, compulsory and
/// voluntary savings, a fine), close: 62 commands. Either each saved durably as
/// the app saves it, or all in one transaction (bulk mode).
fn meetings(dir: &Path, rounds: usize, one_tx: bool) -> Result<Vec<Duration>, Error> {
    let book = Book::open(dir.join(if one_tx {
        "meeting-tx.daftar"
    } else {
        "meeting.daftar"
    }))?;
    let id = bench_org(&book, "bench")?;
    let mut times = Vec::with_capacity(rounds);
    for r in 0..rounds as i64 {
        let d = day(r);
        let t = Instant::now();
        if one_tx {
            book.begin_bulk()?;
        }
        let m = book
            .open_meeting(&meta(), id, d)?
            .number
            .unwrap_or_default();
        for no in 1..=15u32 {
            book.mark_attendance(&meta(), id, m, no, true)?;
            let s = |fund| SavingsEntry {
                date: d,
                member_no: no,
                via: Via::Cash,
                amount: Decimal::from(50),
                fund,
            };
            book.deposit_savings(&meta(), id, s(SavingsFund::Compulsory))?;
            book.deposit_savings(&meta(), id, s(SavingsFund::Voluntary))?;
            book.collect_charge(
                &meta(),
                id,
                ChargeEntry {
                    date: d,
                    member_no: no,
                    charge: MemberCharge::AbsenceFine,
                    via: Via::Cash,
                    amount: Decimal::from(1),
                },
            )?;
        }
        // As the app reads it (and as the Kotlin benchmark does): the accounts list.
        let cash = book
            .accounts(id)?
            .into_iter()
            .find(|a| a.code == "1100")
            .map(|a| a.balance)
            .ok_or_else(|| not_found("cash account"))?;
        book.close_meeting(&meta(), id, m, cash, None)?;
        if one_tx {
            book.finish_bulk()?;
        }
        times.push(t.elapsed());
    }
    Ok(times)
}

/// Raw rusqlite, same pragmas: 62 rows of about an event's size, in one
/// transaction or one transaction per row.
fn raw_meetings(dir: &Path, rounds: usize, per_row: bool) -> Result<Vec<Duration>, Error> {
    let c = rusqlite::Connection::open(dir.join(if per_row { "raw-rows.db" } else { "raw.db" }))?;
    c.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA temp_store = 2;
         CREATE TABLE t (id INTEGER PRIMARY KEY, org TEXT, seq INTEGER, hash BLOB, body BLOB);",
    )?;
    let body = vec![b'x'; 330];
    let mut times = Vec::with_capacity(rounds);
    let mut seq = 0i64;
    let mut st = c.prepare("INSERT INTO t (org, seq, hash, body) VALUES ('o', ?1, ?2, ?3)")?;
    for _ in 0..rounds {
        let t = Instant::now();
        if !per_row {
            c.execute_batch("BEGIN IMMEDIATE")?;
        }
        for _ in 0..62 {
            seq += 1;
            if per_row {
                c.execute_batch("BEGIN IMMEDIATE")?;
            }
            st.execute(rusqlite::params![seq, &[7u8; 32][..], body])?;
            if per_row {
                c.execute_batch("COMMIT")?;
            }
        }
        if !per_row {
            c.execute_batch("COMMIT")?;
        }
        times.push(t.elapsed());
    }
    Ok(times)
}

fn meeting(dir: &Path, rounds: usize) -> Result<Vec<Row>, Error> {
    let mut rows = Vec::new();
    let mut durable = meetings(dir, rounds, false)?;
    let mut per_row = raw_meetings(dir, rounds, true)?;
    let mut one = meetings(dir, rounds, true)?;
    let mut raw_one = raw_meetings(dir, rounds, false)?;
    for (label, p) in [("p50", 0.5), ("p99", 0.99)] {
        let (a, b) = (pct(&mut one, p), pct(&mut raw_one, p));
        rows.push(Row::new(
            format!("meeting 15x4 entries, one transaction, {label}"),
            ms(a),
            format!("{} raw SQLite, 62 rows, one tx", ms(b)),
            ratio(a, b),
        ));
    }
    for (label, p) in [("p50", 0.5), ("p99", 0.99)] {
        let (a, b) = (pct(&mut durable, p), pct(&mut per_row, p));
        rows.push(Row::new(
            format!("meeting 15x4 entries, every save durable, {label}"),
            ms(a),
            format!("{} raw SQLite, 62 rows, tx each", ms(b)),
            ratio(a, b),
        ));
    }
    Ok(rows)
}

/// Building the scaled book in bulk mode, against raw prepared inserts of the
/// same event rows into the same table definition, committed as often.
fn bulk(dir: &Path, scaled: &Path, scale: Scale) -> Result<Vec<Row>, Error> {
    let book = Book::open(scaled)?;
    let t = Instant::now();
    let made = daftar_core::demo::build_scaled(&book, 1, scale, &mut |_, _| true)?;
    let ours = t.elapsed();
    book.close()?;

    // Read-only: the baseline copies the book's event rows into its own file.
    let src =
        rusqlite::Connection::open_with_flags(scaled, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let raw = rusqlite::Connection::open(dir.join("raw-bulk.db"))?;
    raw.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA temp_store = 2;",
    )?;
    let ddl: Vec<String> = src
        .prepare(
            "SELECT sql FROM sqlite_schema WHERE tbl_name = 'events' AND type IN ('table', 'index')
               AND sql IS NOT NULL ORDER BY type DESC",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for sql in &ddl {
        raw.execute_batch(sql)?;
    }
    const COLUMNS: &str = "org_id, seq, prev_hash, hash, kind, op_id, command_digest, actor, device, recorded_at, business_date, canonical";
    let mut read = src.prepare(&format!(
        "SELECT {COLUMNS} FROM events WHERE (org_id, seq) > (?1, ?2) ORDER BY org_id, seq LIMIT ?3"
    ))?;
    let mut insert = raw.prepare(&format!(
        "INSERT INTO events ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    ))?;
    let (mut last, mut rows, mut raw_time) = ((String::new(), 0i64), 0u64, Duration::ZERO);
    loop {
        // Read a chunk (not timed), then insert it in one transaction (timed).
        let chunk: Vec<Vec<rusqlite::types::Value>> = read
            .query_map(
                rusqlite::params![last.0, last.1, daftar_core::book::BULK_COMMIT_EVERY as i64],
                |r| (0..12).map(|i| r.get(i)).collect(),
            )?
            .collect::<rusqlite::Result<_>>()?;
        let Some(end) = chunk.last() else { break };
        if let [rusqlite::types::Value::Text(o), rusqlite::types::Value::Integer(s), ..] = &end[..]
        {
            last = (o.clone(), *s);
        }
        let t = Instant::now();
        raw.execute_batch("BEGIN IMMEDIATE")?;
        for v in &chunk {
            insert.execute(rusqlite::params_from_iter(v.iter()))?;
        }
        raw.execute_batch("COMMIT")?;
        raw_time += t.elapsed();
        rows += chunk.len() as u64;
    }
    if rows != made.events {
        return Err(Error::Storage {
            reason: format!("copied {rows} event rows of {}", made.events),
        });
    }
    let rate = |d: Duration| made.events as f64 / d.as_secs_f64().max(1e-9);
    Ok(vec![Row::new(
        format!("bulk load of {} events (scaled demo)", made.events),
        format!("{:.0} events/s", rate(ours)),
        format!("{:.0} rows/s raw inserts, same rows", rate(raw_time)),
        format!("{:.1}x", rate(raw_time) / rate(ours)),
    )])
}

/// Chain verification against plain SHA-256 of the same bytes (the physical
/// limit), and the full verify. Blobs are hashed in batches, so memory stays flat.
fn verify(path: &Path, label: &str) -> Result<Vec<Row>, Error> {
    let book = Book::open(path)?;
    let t = Instant::now();
    let chains = book.verify_chains(&mut |_, _| true)?;
    let chain_time = t.elapsed();
    let t = Instant::now();
    let report = book.verify(&mut |_, _| true)?;
    let full_time = t.elapsed();
    book.close()?;
    if !report.is_intact() || !chains.iter().all(|c| c.is_intact()) {
        return Err(Error::Storage {
            reason: format!("the {label} does not verify"),
        });
    }
    let c = rusqlite::Connection::open(path)?;
    let mut st = c.prepare("SELECT org_id, canonical FROM events ORDER BY org_id, seq")?;
    let mut rows = st.query([])?;
    let (mut bytes, mut events, mut sha_time) = (0usize, 0u64, Duration::ZERO);
    let mut batch: Vec<Vec<u8>> = Vec::new();
    let (mut org, mut prev, mut seq) = (String::new(), [0u8; 32], 0u64);
    let mut hash_batch = |batch: &mut Vec<Vec<u8>>, prev: &mut [u8; 32], seq: &mut u64| {
        let t = Instant::now();
        for b in batch.iter() {
            *seq += 1;
            let mut h = Sha256::new();
            h.update(daftar_core::event::DOMAIN_TAG);
            h.update(*prev);
            h.update(seq.to_be_bytes());
            h.update(b);
            *prev = h.finalize().into();
        }
        sha_time += t.elapsed();
        batch.clear();
    };
    while let Some(r) = rows.next()? {
        let o: String = r.get(0)?;
        if o != org {
            hash_batch(&mut batch, &mut prev, &mut seq);
            (org, prev, seq) = (o, [0u8; 32], 0);
        }
        let b: Vec<u8> = r.get(1)?;
        bytes += b.len();
        events += 1;
        batch.push(b);
        if batch.len() >= 4096 {
            hash_batch(&mut batch, &mut prev, &mut seq);
        }
    }
    hash_batch(&mut batch, &mut prev, &mut seq);
    let mbs = |d: Duration| bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9);
    Ok(vec![
        Row::new(
            format!(
                "verify chains, {label}: {events} events, {:.1} MB",
                bytes as f64 / 1e6
            ),
            format!("{:.1} MB/s", mbs(chain_time)),
            format!("{:.1} MB/s sha2 over the same bytes", mbs(sha_time)),
            ratio(chain_time, sha_time),
        ),
        Row::new(
            format!("verify all, {label}: integrity+chains+replay"),
            format!("{} ({:.1} MB/s)", ms(full_time), mbs(full_time)),
            format!("{:.1} MB/s sha2", mbs(sha_time)),
            ratio(full_time, sha_time),
        ),
    ])
}

fn median_of(n: usize, mut f: impl FnMut() -> Result<(), Error>) -> Result<Duration, Error> {
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f()?;
        v.push(t.elapsed());
    }
    Ok(pct(&mut v, 0.5))
}

/// The organisation in the middle of the scaled book, its fiscal year and last day.
fn middle_org(book: &Book) -> Result<(Uuid, Period, NaiveDate), Error> {
    let orgs = book.organisations()?;
    let org = orgs
        .get(orgs.len() / 2)
        .ok_or_else(|| not_found("organisation"))?;
    let last = book.last_business_date(org.id)?;
    Ok((org.id, daftar_core::books::fiscal_year(org, last)?, last))
}

/// `hledger ARGS` on the journal, timed as a whole process (the peer's real cost).
fn hledger(journal: &Path, args: &[&str], n: usize) -> Option<Duration> {
    let mut v = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        let out = Command::new("hledger")
            .arg("-f")
            .arg(journal)
            .args(args)
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        v.push(t.elapsed());
    }
    Some(pct(&mut v, 0.5))
}

/// Trial balance, a passbook and the portfolio of one SHG in the scaled book,
/// against a raw SQL sum over the same postings (the lower bound) and hledger
/// on the same SHG's exported journal (the peer).
fn reports(dir: &Path, scaled: &Path, n: usize) -> Result<Vec<Row>, Error> {
    let book = Book::open(scaled)?;
    let (org, fy, last) = middle_org(&book)?;
    let journal = dir.join("org.journal");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&journal)?);
        book.export(org, ExportFormat::Hledger, &mut f, &mut |_, _| true)?;
    }
    let c = rusqlite::Connection::open(scaled)?;
    let o = org.to_string();
    let accounts = [
        chart::member_account("2100", 3),
        chart::member_account("2110", 3),
        chart::member_account("1300", 3),
    ];
    let peers = n.min(5);
    let hl = |a: &[&str]| hledger(&journal, a, peers);
    let cell = |sql: Duration, h: Option<Duration>, what: &str| match h {
        Some(h) => format!("{} SQL / {} {what}", ms(sql), ms(h)),
        None => format!("{} SQL / hledger not installed", ms(sql)),
    };
    let ratios = |a: Duration, sql: Duration, h: Option<Duration>| match h {
        Some(h) => format!("{} / {}", ratio(a, sql), ratio(a, h)),
        None => ratio(a, sql),
    };

    let ours = median_of(n, || book.trial_balance(org).map(drop))?;
    let sql = median_of(n, || {
        let mut st = c.prepare_cached(
            "SELECT account, SUM(amount) FROM postings WHERE org_id = ?1 GROUP BY account",
        )?;
        let rows: Vec<(String, i64)> = st
            .query_map([&o], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        std::hint::black_box(rows);
        Ok(())
    })?;
    let peer = hl(&["bal", "-N"]);
    let mut rows = vec![Row::new(
        "trial balance, one SHG of the scaled book",
        ms(ours),
        cell(sql, peer, "hledger bal"),
        ratios(ours, sql, peer),
    )];

    let ours = median_of(n, || book.passbook(org, 3, fy).map(drop))?;
    let sql = median_of(n, || {
        let mut st = c.prepare_cached(
            "SELECT p.seq, p.account, p.amount, p.balance_after FROM postings p
               JOIN entries e ON e.org_id = p.org_id AND e.seq = p.seq
              WHERE p.org_id = ?1 AND p.account IN (?2, ?3, ?4)
                AND e.business_date BETWEEN ?5 AND ?6 ORDER BY p.seq",
        )?;
        let rows: Vec<(i64, String, i64, i64)> = st
            .query_map(
                rusqlite::params![
                    o,
                    accounts[0],
                    accounts[1],
                    accounts[2],
                    fy.from.to_string(),
                    fy.to.to_string()
                ],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?
            .collect::<rusqlite::Result<_>>()?;
        std::hint::black_box(rows);
        Ok(())
    })?;
    let (b, e) = (
        fy.from.to_string(),
        (fy.to + chrono::Duration::days(1)).to_string(),
    );
    let peer = hl(&["reg", ":0003$", "-b", &b, "-e", &e]);
    rows.push(Row::new(
        "passbook of one member, fiscal year",
        ms(ours),
        cell(sql, peer, "hledger reg"),
        ratios(ours, sql, peer),
    ));

    let ours = median_of(n, || book.portfolio(org, last).map(drop))?;
    let sql = median_of(n, || {
        let mut st = c.prepare_cached(
            "SELECT i.loan_no, SUM(i.principal - i.principal_paid),
                    SUM(CASE WHEN i.due_on <= ?2 THEN i.principal - i.principal_paid
                             + i.interest - i.interest_paid ELSE 0 END)
               FROM loans l JOIN instalments i ON i.org_id = l.org_id AND i.loan_no = l.loan_no
              WHERE l.org_id = ?1 AND l.status = 'active' GROUP BY i.loan_no",
        )?;
        let rows: Vec<(i64, i64, i64)> = st
            .query_map(rusqlite::params![o, last.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        std::hint::black_box(rows);
        Ok(())
    })?;
    let peer = hl(&["bal", "assets:1300"]);
    rows.push(Row::new(
        "loan portfolio (arrears, buckets, PAR30)",
        ms(ours),
        cell(sql, peer, "hledger bal 1300"),
        ratios(ours, sql, peer),
    ));
    Ok(rows)
}

/// Open the scaled book (checks, migrations) and show a passbook: what the app
/// does when a book keeper picks it up.
fn cold_open(scaled: &Path, n: usize) -> Result<Vec<Row>, Error> {
    let t = median_of(n, || {
        let book = Book::open(scaled)?;
        let (org, fy, _) = middle_org(&book)?;
        book.passbook(org, 1, fy)?;
        book.close()
    })?;
    Ok(vec![Row::new(
        "cold open of the scaled book + first passbook, p50",
        ms(t),
        "-".into(),
        "-".into(),
    )])
}

/// The Rust side of the Kotlin comparison: a cheap call and a durable entry,
/// the same calls that `CallBenchmark` makes through the FFI.
fn calls(dir: &Path, n: usize, meeting_rounds: usize) -> Result<Vec<Row>, Error> {
    let book = Book::open(dir.join("calls.daftar"))?;
    let org = bench_org(&book, "calls")?;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(book.policy(org)?);
    }
    let cheap = t.elapsed() / n as u32;
    let entries = (n / 100).max(10);
    let mut v = Vec::with_capacity(entries);
    for i in 0..entries {
        let s = SavingsEntry {
            date: day(0),
            member_no: (i % 15) as u32 + 1,
            via: Via::Cash,
            amount: Decimal::from(50),
            fund: SavingsFund::Compulsory,
        };
        let t = Instant::now();
        book.deposit_savings(&meta(), org, s)?;
        v.push(t.elapsed());
    }
    let entry = pct(&mut v, 0.5);
    let meeting = pct(&mut meetings(dir, meeting_rounds, false)?, 0.5);
    Ok(vec![
        Row::new(
            "call from Rust: policy (cheap read)",
            format!("{:.2} us", cheap.as_secs_f64() * 1e6),
            "-".into(),
            "-".into(),
        ),
        Row::new(
            "call from Rust: deposit savings (durable), p50",
            format!("{:.2} us", entry.as_secs_f64() * 1e6),
            "-".into(),
            "-".into(),
        ),
        Row::new(
            "calls from Rust: a meeting, 62 durable saves, p50",
            format!("{:.2} us", meeting.as_secs_f64() * 1e6),
            "-".into(),
            "-".into(),
        ),
    ])
}

fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    format!("{cpu}, {cores} cores")
}

/// Where a child works: the parent's scratch folder.
pub fn workload_dir(dir: Option<PathBuf>) -> Result<PathBuf, Error> {
    dir.ok_or_else(|| Error::InvalidInput {
        field: "dir".into(),
        reason: "--workload needs --dir".into(),
    })
}
