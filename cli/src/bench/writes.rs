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

use super::same_rows::Recorder;
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

/// The time a round spends in the book's calls, and the recorder that
/// captures what each call wrote (outside the time).
pub(super) struct Round<'a> {
    pub(super) spent: Duration,
    recorder: Option<&'a mut Recorder>,
}

impl Round<'_> {
    pub(super) fn new() -> Round<'static> {
        Round {
            spent: Duration::ZERO,
            recorder: None,
        }
    }

    fn save<T>(&mut self, call: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
        let t = Instant::now();
        let v = call()?;
        self.spent += t.elapsed();
        if let Some(r) = self.recorder.as_deref_mut() {
            r.capture()?;
        }
        Ok(v)
    }
}

/// One SHG meeting: open, 15 members x 4 entries (attendance, compulsory and
/// voluntary savings, a fine), close: 62 commands. Either each saved durably as
/// the app saves it, or all in one transaction (bulk mode). With `record`, on
/// a book of its own (its times are not the benchmark's), the rows each
/// command wrote are captured too, for the like-for-like baseline.
pub(super) fn meetings(
    dir: &Path,
    rounds: usize,
    one_tx: bool,
    record: bool,
) -> Result<(Vec<Duration>, Option<Recorder>), Error> {
    let path = dir.join(match (one_tx, record) {
        (_, true) => "meeting-recorded.daftar",
        (true, false) => "meeting-tx.daftar",
        (false, false) => "meeting.daftar",
    });
    let book = Book::open(&path)?;
    let mut recorder = if record {
        Some(Recorder::new(&path)?)
    } else {
        None
    };
    let id = bench_org(&book, "bench")?;
    if let Some(r) = recorder.as_mut() {
        r.capture()?;
    }
    let mut times = Vec::with_capacity(rounds);
    for r in 0..rounds as i64 {
        if let Some(rec) = recorder.as_mut() {
            rec.mark_round();
        }
        let mut round = Round {
            spent: Duration::ZERO,
            recorder: recorder.as_mut(),
        };
        meeting_round(&book, id, day(r), one_tx, &mut round)?;
        times.push(round.spent);
    }
    Ok((times, recorder))
}

pub(super) fn meeting_round(
    book: &Book,
    id: Uuid,
    d: chrono::NaiveDate,
    one_tx: bool,
    round: &mut Round<'_>,
) -> Result<(), Error> {
    if one_tx {
        round.save(|| book.begin_bulk())?;
    }
    let m = round
        .save(|| book.open_meeting(&meta(), id, d))?
        .number
        .unwrap_or_default();
    for no in 1..=15u32 {
        round.save(|| book.mark_attendance(&meta(), id, m, no, true))?;
        let s = |fund| SavingsEntry {
            date: d,
            member_no: no,
            via: Via::Cash,
            amount: Decimal::from(50),
            fund,
        };
        round.save(|| book.deposit_savings(&meta(), id, s(SavingsFund::Compulsory)))?;
        round.save(|| book.deposit_savings(&meta(), id, s(SavingsFund::Voluntary)))?;
        round.save(|| {
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
            )
        })?;
    }
    // As the app reads it (and as the Kotlin benchmark does): cash in hand.
    round.save(|| {
        let cash = book.cash_in_hand(id)?;
        book.close_meeting(&meta(), id, m, cash, None)
    })?;
    if one_tx {
        round.save(|| book.finish_bulk())?;
    }
    Ok(())
}

/// The floor: raw rusqlite, same pragmas, 62 bare rows of about an event's
/// size, in one transaction or one transaction per row.
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

/// A meeting's rows: daftar, then raw SQLite writing the same rows (recorded
/// from daftar's durable run) into the book's schema, then the bare floor.
pub(super) fn meeting(dir: &Path, rounds: usize) -> Result<Vec<Row>, Error> {
    let mut rows = Vec::new();
    let (_, recorded) = meetings(dir, rounds, false, true)?;
    let recorded = recorded.ok_or_else(|| not_found("the recorded meeting rows"))?;
    let (mut durable, _) = meetings(dir, rounds, false, false)?;
    let (mut one, _) = meetings(dir, rounds, true, false)?;
    let mut same_each = recorded.replay(&dir.join("same-rows-each.db"), true)?;
    let mut same_one = recorded.replay(&dir.join("same-rows.db"), false)?;
    let mut bare_each = raw_meetings(dir, rounds, true)?;
    let mut bare_one = raw_meetings(dir, rounds, false)?;
    let per_round = recorded.rows_per_round();
    let cases = [
        (
            "one transaction",
            &mut one,
            &mut same_one,
            &mut bare_one,
            "one tx",
        ),
        (
            "every save durable",
            &mut durable,
            &mut same_each,
            &mut bare_each,
            "tx each",
        ),
    ];
    for (what, ours, same, bare, tx) in cases {
        for (label, p) in [("p50", 0.5), ("p99", 0.99)] {
            let (a, b, f) = (pct(ours, p), pct(same, p), pct(bare, p));
            rows.push(Row::new(
                format!("meeting 15x4 entries, {what}, {label}"),
                ms(a),
                format!("{} raw SQLite, same {per_round} rows, {tx}", ms(b)),
                ratio(a, b),
            ));
            rows.push(Row::new(
                format!("  floor: 62 bare rows, {label}"),
                String::new(),
                format!("{} raw SQLite, 62 bare rows, {tx}", ms(f)),
                ratio(a, f),
            ));
        }
    }
    Ok(rows)
}

/// Building the scaled book in bulk mode, against raw SQLite writing the same
/// rows into the book's own schema, committed as often (the like-for-like
/// baseline), and the event rows alone (the floor).
pub(super) fn bulk(dir: &Path, scaled: &Path, scale: Scale) -> Result<Vec<Row>, Error> {
    let book = Book::open(scaled)?;
    let t = Instant::now();
    let made = daftar_core::demo::build_scaled(&book, 1, scale, &mut |_, _| true)?;
    let ours = t.elapsed();
    book.close()?;

    // Read-only: the baselines copy the book's rows into files of their own.
    let src =
        rusqlite::Connection::open_with_flags(scaled, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let (tables, total) = tables_and_rows(&src)?;
    // As many commits as the load made: one per BULK_COMMIT_EVERY events.
    let commits = made
        .events
        .div_ceil(daftar_core::book::BULK_COMMIT_EVERY)
        .max(1);
    let same = copy_rows(
        &src,
        &dir.join("raw-bulk-same.db"),
        &tables,
        total.div_ceil(commits),
    )?;
    let events = copy_rows(
        &src,
        &dir.join("raw-bulk.db"),
        &["events".to_string()],
        daftar_core::book::BULK_COMMIT_EVERY,
    )?;
    if same.0 != total || events.0 != made.events {
        return Err(Error::Storage {
            reason: format!(
                "copied {} of {total} rows and {} event rows of {}",
                same.0, events.0, made.events
            ),
        });
    }
    let rate = |d: Duration| made.events as f64 / d.as_secs_f64().max(1e-9);
    Ok(vec![
        Row::new(
            format!("bulk load of {} events (scaled demo)", made.events),
            format!("{:.0} events/s", rate(ours)),
            format!("{:.0} events/s raw, same {total} rows", rate(same.1)),
            format!("{:.1}x", rate(same.1) / rate(ours)),
        ),
        Row::new(
            "  floor: the event rows alone",
            String::new(),
            format!("{:.0} rows/s raw inserts", rate(events.1)),
            format!("{:.1}x", rate(events.1) / rate(ours)),
        ),
    ])
}

/// The tables of the book open at `src`, in the order they were made (parents
/// before the tables that refer to them), and how many rows they hold in all.
pub(super) fn tables_and_rows(src: &rusqlite::Connection) -> Result<(Vec<String>, u64), Error> {
    let tables: Vec<String> = src
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
              ORDER BY rowid",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut total = 0u64;
    for t in &tables {
        total += src.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| {
            r.get::<_, i64>(0)
        })? as u64;
    }
    Ok((tables, total))
}

/// Raw SQLite copies `tables` of `src` into a new file at `to`, with their
/// schema (tables, indexes and triggers) and the book's pragmas, in
/// transactions of `chunk` rows. Only the inserts are timed, not the reads.
pub(super) fn copy_rows(
    src: &rusqlite::Connection,
    to: &Path,
    tables: &[String],
    chunk: u64,
) -> Result<(u64, Duration), Error> {
    let raw = rusqlite::Connection::open(to)?;
    raw.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON; PRAGMA temp_store = 2;",
    )?;
    let mut ddl = src.prepare(
        "SELECT sql FROM sqlite_schema WHERE tbl_name = ?1 AND sql IS NOT NULL
          ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END",
    )?;
    for t in tables {
        let sql: Vec<String> = ddl
            .query_map([t], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for s in sql {
            raw.execute_batch(&s)?;
        }
    }
    // Each row is read, then its insert timed; a commit every `chunk` rows.
    let (mut rows, mut time) = (0u64, Duration::ZERO);
    let t = Instant::now();
    raw.execute_batch("BEGIN IMMEDIATE")?;
    time += t.elapsed();
    for name in tables {
        let mut read = src.prepare(&format!("SELECT * FROM \"{name}\""))?;
        let width = read.column_count();
        let marks: Vec<String> = (1..=width).map(|i| format!("?{i}")).collect();
        let mut insert = raw.prepare(&format!(
            "INSERT INTO \"{name}\" VALUES ({})",
            marks.join(", ")
        ))?;
        let mut found = read.query([])?;
        while let Some(r) = found.next()? {
            let values = (0..width)
                .map(|i| r.get::<_, rusqlite::types::Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let t = Instant::now();
            insert.execute(rusqlite::params_from_iter(values.iter()))?;
            rows += 1;
            if rows % chunk.max(1) == 0 {
                raw.execute_batch("COMMIT; BEGIN IMMEDIATE")?;
            }
            time += t.elapsed();
        }
    }
    let t = Instant::now();
    raw.execute_batch("COMMIT")?;
    time += t.elapsed();
    Ok((rows, time))
}
