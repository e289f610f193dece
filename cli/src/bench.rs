//! `daftar bench`: the core against a lower bound measured in the same run.
//! A first cut of the benchmark issue: meeting commits, verification, cold open
//! and peak memory. Timing lives here, never in tests.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use daftar_core::event::{MemberCharge, SavingsFund};
use daftar_core::settlement::ChargeEntry;
use daftar_core::*;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

struct Row {
    workload: String,
    daftar: String,
    baseline: String,
    ratio: String,
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn meta() -> CommandMeta {
    CommandMeta::new("bench", "bench")
}

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 7).unwrap_or_default() + chrono::Duration::weeks(n)
}

/// One SHG meeting: 15 members × 4 entries (attendance, compulsory and
/// voluntary savings, a fee), each saved durably as the app saves it.
fn meetings(dir: &std::path::Path, rounds: usize) -> Result<Vec<Duration>, Error> {
    let book = Book::open(dir.join("meetings.daftar"))?;
    let id = uuid::Uuid::now_v7();
    book.create_organisation(
        &meta(),
        NewOrganisation {
            id,
            kind: OrgKind::Shg,
            name: "bench".into(),
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
    let mut times = Vec::with_capacity(rounds);
    for r in 0..rounds as i64 {
        let d = day(r);
        let t = Instant::now();
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
        let cash = book.balance(id, "1100")?;
        book.close_meeting(&meta(), id, m, cash, None)?;
        times.push(t.elapsed());
    }
    Ok(times)
}

/// Raw rusqlite, same pragmas: 60 rows of about an event's size, in one
/// transaction (the lower bound) or one transaction per row (durable each).
fn raw(dir: &std::path::Path, rounds: usize, per_row: bool) -> Result<Vec<Duration>, Error> {
    let c = rusqlite::Connection::open(dir.join(if per_row { "raw-rows.db" } else { "raw.db" }))?;
    c.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA temp_store = 2;
         CREATE TABLE t (id INTEGER PRIMARY KEY, org TEXT, seq INTEGER, hash BLOB, body BLOB);",
    )?;
    let body = vec![b'x'; 330];
    let mut times = Vec::with_capacity(rounds);
    let mut seq = 0i64;
    for _ in 0..rounds {
        let t = Instant::now();
        if !per_row {
            c.execute_batch("BEGIN IMMEDIATE")?;
        }
        for _ in 0..60 {
            seq += 1;
            if per_row {
                c.execute_batch("BEGIN IMMEDIATE")?;
            }
            c.execute(
                "INSERT INTO t (org, seq, hash, body) VALUES ('o', ?1, ?2, ?3)",
                rusqlite::params![seq, &[7u8; 32][..], body],
            )?;
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

fn peak_rss_kib() -> String {
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

pub fn run(quick: bool) -> Result<String, Error> {
    let dir = tempfile::tempdir()?;
    let rounds = if quick { 5 } else { 50 };
    let mut rows = Vec::new();

    let mut ours = meetings(dir.path(), rounds)?;
    let mut lower = raw(dir.path(), rounds, false)?;
    let mut per_row = raw(dir.path(), rounds, true)?;
    for (label, p) in [("p50", 0.5), ("p99", 0.99)] {
        let (a, b, c) = (pct(&mut ours, p), pct(&mut lower, p), pct(&mut per_row, p));
        rows.push(Row {
            workload: format!("meeting, 15 members x 4 entries, {label}"),
            daftar: ms(a),
            baseline: format!("{} one tx / {} tx per row", ms(b), ms(c)),
            ratio: format!(
                "{:.1}x / {:.1}x",
                a.as_secs_f64() / b.as_secs_f64(),
                a.as_secs_f64() / c.as_secs_f64()
            ),
        });
    }

    // Verification of the demo book against plain SHA-256 of the same bytes.
    let path = dir.path().join("demo.daftar");
    let book = Book::open(&path)?;
    daftar_core::demo::build(&book, 1, &mut |_, _| true)?;
    let t = Instant::now();
    let chains = book.verify_chains(&mut |_, _| true)?;
    let chain_time = t.elapsed();
    let t = Instant::now();
    let report = book.verify(&mut |_, _| true)?;
    let full_time = t.elapsed();
    book.close()?;
    let c = rusqlite::Connection::open(&path)?;
    let blobs: Vec<Vec<u8>> = c
        .prepare("SELECT canonical FROM events ORDER BY org_id, seq")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    drop(c);
    let bytes: usize = blobs.iter().map(|b| b.len()).sum();
    let t = Instant::now();
    let mut prev = [0u8; 32];
    for (i, b) in blobs.iter().enumerate() {
        let mut h = Sha256::new();
        h.update(daftar_core::event::DOMAIN_TAG);
        h.update(prev);
        h.update((i as u64 + 1).to_be_bytes());
        h.update(b);
        prev = h.finalize().into();
    }
    let sha_time = t.elapsed();
    let mbs = |d: Duration| bytes as f64 / 1e6 / d.as_secs_f64();
    assert!(
        report.is_intact() && chains.iter().all(|c| c.is_intact()),
        "the demo book verifies"
    );
    rows.push(Row {
        workload: format!(
            "verify chains, {} events, {:.2} MB",
            blobs.len(),
            bytes as f64 / 1e6
        ),
        daftar: format!("{:.1} MB/s", mbs(chain_time)),
        baseline: format!("{:.1} MB/s sha2", mbs(sha_time)),
        ratio: format!("{:.1}x", chain_time.as_secs_f64() / sha_time.as_secs_f64()),
    });
    rows.push(Row {
        workload: "verify: integrity + chains + replay".into(),
        daftar: format!("{} ({:.1} MB/s)", ms(full_time), mbs(full_time)),
        baseline: format!("{:.1} MB/s sha2", mbs(sha_time)),
        ratio: format!("{:.1}x", full_time.as_secs_f64() / sha_time.as_secs_f64()),
    });

    // Cold open: open the book (checks and migrations) and show the first passbook.
    let mut opens = Vec::new();
    for _ in 0..if quick { 3 } else { 20 } {
        let t = Instant::now();
        let book = Book::open(&path)?;
        let org = book
            .organisations()?
            .into_iter()
            .next()
            .ok_or_else(|| Error::NotFound {
                what: "organisation".into(),
            })?;
        let fy = daftar_core::books::fiscal_year(
            &org,
            NaiveDate::from_ymd_opt(2024, 4, 1).unwrap_or_default(),
        );
        if let Ok(p) = fy {
            book.passbook(org.id, 1, p).ok();
        }
        opens.push(t.elapsed());
        book.close()?;
    }
    rows.push(Row {
        workload: "cold open + first passbook, p50".into(),
        daftar: ms(pct(&mut opens, 0.5)),
        baseline: "-".into(),
        ratio: "-".into(),
    });

    let mut out = format!(
        "daftar bench{} on {}\n",
        if quick { " --quick" } else { "" },
        machine()
    );
    let w = [46usize, 26, 44, 14];
    out += &format!(
        "{:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}\n",
        "workload",
        "daftar",
        "baseline",
        "ratio",
        w0 = w[0],
        w1 = w[1],
        w2 = w[2],
        w3 = w[3]
    );
    for r in rows {
        out += &format!(
            "{:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}\n",
            r.workload,
            r.daftar,
            r.baseline,
            r.ratio,
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3]
        );
    }
    out += &format!("peak memory of the whole run (VmHWM): {}\n", peak_rss_kib());
    out += "not yet measured: 1M-event bulk import, reports on a CLF-sized book against hledger, per-workload memory, Kotlin call overhead\n";
    Ok(out)
}
