//! Write workloads: a meeting day as one transaction and with every save
//! durable, and a bulk load, each beside raw SQLite writing the same rows.

use std::path::Path;
use std::time::{Duration, Instant};

use daftar_core::demo::Scale;
use daftar_core::event::{MemberCharge, SavingsFund};
use daftar_core::settlement::ChargeEntry;
use daftar_core::*;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::*;

pub(super) fn bench_org(book: &Book, name: &str) -> Result<Uuid, Error> {
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
pub(super) fn meetings(dir: &Path, rounds: usize, one_tx: bool) -> Result<Vec<Duration>, Error> {
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
        // As the app reads it (and as the Kotlin benchmark does): cash in hand.
        let cash = book.cash_in_hand(id)?;
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
pub(super) fn raw_meetings(
    dir: &Path,
    rounds: usize,
    per_row: bool,
) -> Result<Vec<Duration>, Error> {
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

pub(super) fn meeting(dir: &Path, rounds: usize) -> Result<Vec<Row>, Error> {
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
pub(super) fn bulk(dir: &Path, scaled: &Path, scale: Scale) -> Result<Vec<Row>, Error> {
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
