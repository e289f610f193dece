//! Read workloads: verification against SHA-256, reports against raw SQL and
//! hledger, a cold open, and calls from Kotlin against the same calls from Rust.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use daftar_core::books::Period;
use daftar_core::export::ExportFormat;
use daftar_core::*;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::writes::{bench_org, meetings};
use super::*;

/// Chain verification against plain SHA-256 of the same bytes (the physical
/// limit), and the full verify. Blobs are hashed in batches, so memory stays flat.
pub(super) fn verify(path: &Path, label: &str) -> Result<Vec<Row>, Error> {
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
            format!("{} the chain check alone", ms(chain_time)),
            ratio(full_time, chain_time),
        ),
    ])
}

pub(super) fn median_of(
    n: usize,
    mut f: impl FnMut() -> Result<(), Error>,
) -> Result<Duration, Error> {
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f()?;
        v.push(t.elapsed());
    }
    Ok(pct(&mut v, 0.5))
}

/// The organisation in the middle of the scaled book, its fiscal year and last day.
pub(super) fn middle_org(book: &Book) -> Result<(Uuid, Period, NaiveDate), Error> {
    let orgs = book.organisations()?;
    let org = orgs
        .get(orgs.len() / 2)
        .ok_or_else(|| not_found("organisation"))?;
    let last = book.last_business_date(org.id)?;
    Ok((org.id, daftar_core::books::fiscal_year(org, last)?, last))
}

/// `hledger ARGS` on the journal, timed as a whole process (the peer's real cost).
pub(super) fn hledger(journal: &Path, args: &[&str], n: usize) -> Option<Duration> {
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
pub(super) fn reports(dir: &Path, scaled: &Path, n: usize) -> Result<Vec<Row>, Error> {
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
    let sql = median_of(n, || raw_trial_balance(&c, &o))?;
    let peer = hl(&["bal", "-N"]);
    let mut rows = vec![Row::new(
        "trial balance, one SHG of the scaled book",
        ms(ours),
        cell(sql, peer, "hledger bal"),
        ratios(ours, sql, peer),
    )];

    let ours = median_of(n, || book.passbook(org, 3, fy).map(drop))?;
    let sql = median_of(n, || raw_passbook(&c, &o, &accounts, fy))?;
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

    // The day books and statements of the same fiscal year, each against the
    // raw SQL its figures come from and hledger's report of the same kind.
    let (b, e) = (&b[..], &e[..]);
    let end = (last + chrono::Duration::days(1)).to_string();
    let statements: [(&str, Report<'_>, &str, Vec<&str>, &str); 4] = [
        (
            "cash book, fiscal year",
            &|| book.cash_book(org, false, fy).map(drop),
            "SELECT p.seq, p.amount, p.balance_after FROM postings p
               JOIN entries e ON e.org_id = p.org_id AND e.seq = p.seq
              WHERE p.org_id = ?1 AND p.account = '1100'
                AND e.business_date BETWEEN ?2 AND ?3 ORDER BY p.seq",
            vec!["reg", "assets:1100", "-b", b, "-e", e],
            "hledger reg 1100",
        ),
        (
            "journal, fiscal year",
            &|| book.journal(org, fy.from, fy.to).map(drop),
            "SELECT e.seq, e.business_date, e.narration, p.account, p.amount FROM entries e
               JOIN postings p ON p.org_id = e.org_id AND p.seq = e.seq
              WHERE e.org_id = ?1 AND e.business_date BETWEEN ?2 AND ?3 ORDER BY e.seq",
            vec!["print", "-b", b, "-e", e],
            "hledger print",
        ),
        (
            "income and expenditure, fiscal year",
            &|| book.income_and_expenditure(org, fy).map(drop),
            "SELECT p.account, SUM(p.amount) FROM entries e
               CROSS JOIN postings p ON p.org_id = e.org_id AND p.seq = e.seq
              WHERE e.org_id = ?1 AND e.business_date BETWEEN ?2 AND ?3 GROUP BY p.account",
            vec!["is", "-b", b, "-e", e],
            "hledger is",
        ),
        (
            "balance sheet, on the last day",
            &|| book.balance_sheet(org, last).map(drop),
            "SELECT p.account, SUM(p.amount) FROM entries e
               CROSS JOIN postings p ON p.org_id = e.org_id AND p.seq = e.seq
              WHERE e.org_id = ?1 AND e.business_date BETWEEN ?2 AND ?3 GROUP BY p.account",
            vec!["bs", "-e", end.as_str()],
            "hledger bs",
        ),
    ];
    for (what, report, sql, args, peer_name) in statements {
        let ours = median_of(n, report)?;
        let (from, to) = if what.starts_with("balance sheet") {
            ("0000-01-01".to_string(), last.to_string())
        } else {
            (fy.from.to_string(), fy.to.to_string())
        };
        let sql_time = median_of(n, || raw_rows(&c, sql, [&o[..], &from, &to]))?;
        let peer = hl(&args);
        rows.push(Row::new(
            what,
            ms(ours),
            cell(sql_time, peer, peer_name),
            ratios(ours, sql_time, peer),
        ));
    }

    let ours = median_of(n, || book.portfolio(org, last).map(drop))?;
    let sql = median_of(n, || raw_portfolio(&c, &o, last))?;
    let peer = hl(&["bal", "assets:1300"]);
    rows.push(Row::new(
        "loan portfolio (arrears, buckets, PAR30)",
        ms(ours),
        cell(sql, peer, "hledger bal 1300"),
        ratios(ours, sql, peer),
    ));
    Ok(rows)
}

/// One report of the book, run once.
type Report<'a> = &'a dyn Fn() -> Result<(), Error>;

/// Every row of `sql`, read whole, with its three parameters.
fn raw_rows(c: &rusqlite::Connection, sql: &str, params: [&str; 3]) -> Result<(), Error> {
    let mut st = c.prepare_cached(sql)?;
    let width = st.column_count();
    let rows: Vec<Vec<rusqlite::types::Value>> = st
        .query_map(params, |r| (0..width).map(|i| r.get(i)).collect())?
        .collect::<rusqlite::Result<_>>()?;
    std::hint::black_box(rows);
    Ok(())
}

/// The raw SQL a report's figures come from, as the baseline beside it.
fn raw_trial_balance(c: &rusqlite::Connection, o: &str) -> Result<(), Error> {
    let mut st = c.prepare_cached(
        "SELECT account, SUM(amount) FROM postings WHERE org_id = ?1 GROUP BY account",
    )?;
    let rows: Vec<(String, i64)> = st
        .query_map([&o], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    std::hint::black_box(rows);
    Ok(())
}

/// The raw SQL a report's figures come from, as the baseline beside it.
fn raw_passbook(
    c: &rusqlite::Connection,
    o: &str,
    accounts: &[String],
    fy: Period,
) -> Result<(), Error> {
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
}

/// The raw SQL a report's figures come from, as the baseline beside it.
fn raw_portfolio(c: &rusqlite::Connection, o: &str, last: NaiveDate) -> Result<(), Error> {
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
}

/// Open the scaled book (checks, migrations) and show a passbook: what the app
/// does when a book keeper picks it up.
pub(super) fn cold_open(scaled: &Path, n: usize) -> Result<Vec<Row>, Error> {
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
pub(super) fn calls(dir: &Path, n: usize, meeting_rounds: usize) -> Result<Vec<Row>, Error> {
    let book = Book::open(dir.join("calls.daftar"))?;
    let org = bench_org(&book, "calls")?;
    let t = Instant::now();
    for _ in 0..n {
        // The FFI's `policy` reads the organisation too, for its currency's
        // scale: the Rust side does the same work.
        std::hint::black_box((book.policy(org)?, book.organisation(org)?.currency.scale));
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
    let meeting = pct(&mut meetings(dir, meeting_rounds, false, false)?.0, 0.5);
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
