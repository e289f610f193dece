//! Exports of an organisation's ledger: an hledger journal, a beancount file,
//! or CSV postings. The journals carry a balance assertion for every account
//! at each month end, so hledger and bean-check prove they agree with daftar.
//! Entries stream in date order; memory grows with accounts, not entries.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::{Datelike, NaiveDate};
use rusqlite::params;
use uuid::Uuid;

use crate::book::Book;
use crate::chart::AccountClass;
use crate::error::{Error, Result};
use crate::money::from_minor;
use crate::rows::parse_stored_date;
use crate::verify::Progress;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Hledger,
    Beancount,
    Csv,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "hledger" | "ledger" => Ok(ExportFormat::Hledger),
            "beancount" => Ok(ExportFormat::Beancount),
            "csv" => Ok(ExportFormat::Csv),
            _ => Err(Error::invalid(
                "format",
                format!("{s:?} is not hledger, beancount or csv"),
            )),
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    pub entries: u64,
    pub assertions: u64,
}

/// The name of account `code` in the exported journal.
pub fn account_name(format: ExportFormat, class: AccountClass, code: &str) -> String {
    let (h, sub) = match code.split_once('-') {
        Some((h, s)) => (h, Some(s)),
        None => (code, None),
    };
    match format {
        ExportFormat::Beancount => {
            let root = match class {
                AccountClass::Asset => "Assets:A",
                AccountClass::Liability => "Liabilities:L",
                AccountClass::Equity => "Equity:E",
                AccountClass::Income => "Income:I",
                AccountClass::Expense => "Expenses:X",
            };
            match sub {
                Some(s) => format!("{root}{h}:M{s}"),
                None => format!("{root}{h}"),
            }
        }
        _ => {
            let root = match class {
                AccountClass::Asset => "assets",
                AccountClass::Liability => "liabilities",
                AccountClass::Equity => "equity",
                AccountClass::Income => "income",
                AccountClass::Expense => "expenses",
            };
            match sub {
                Some(s) => format!("{root}:{h}:{s}"),
                None => format!("{root}:{h}"),
            }
        }
    }
}

fn io(e: std::io::Error) -> Error {
    Error::Storage {
        reason: format!("writing the export: {e}"),
    }
}

/// Text fit for a journal's description: no `;` (a comment in hledger) and
/// beancount's string escapes.
fn description(format: ExportFormat, s: &str) -> String {
    match format {
        ExportFormat::Beancount => s.replace('\\', "\\\\").replace('"', "\\\""),
        _ => s.replace(';', ","),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One posting of an entry, as the export reads them in date order.
struct PostingRow {
    seq: i64,
    day: NaiveDate,
    kind: String,
    narration: String,
    account: String,
    amount: i64,
}

impl PostingRow {
    const SQL: &'static str =
        "SELECT n.seq, n.business_date, v.kind, n.narration, p.account, p.amount
         FROM entries n
         JOIN events v ON v.org_id = n.org_id AND v.seq = n.seq
         JOIN postings p ON p.org_id = n.org_id AND p.seq = n.seq
         WHERE n.org_id = ?1 ORDER BY n.business_date, n.seq, p.line";

    fn from_row(r: &rusqlite::Row<'_>) -> Result<PostingRow> {
        Ok(PostingRow {
            seq: r.get("seq")?,
            day: parse_stored_date(&r.get::<_, String>("business_date")?)?,
            kind: r.get("kind")?,
            narration: r.get("narration")?,
            account: r.get("account")?,
            amount: r.get("amount")?,
        })
    }
}

/// Writes one export: the header, the entries, and every account's balance
/// asserted at each month end.
struct Journal<'w> {
    out: &'w mut dyn Write,
    format: ExportFormat,
    ccy: String,
    scale: u32,
    /// Narrations in the organisation's language, or the one asked.
    words: crate::narration::Narrator,
    /// Export name and title of every account, by code.
    accounts: BTreeMap<String, (String, String)>,
    balances: BTreeMap<String, i64>,
    summary: ExportSummary,
}

impl Journal<'_> {
    fn amount(&self, m: i64) -> String {
        format!("{} {}", from_minor(m, self.scale), self.ccy)
    }

    fn name(&self, code: &str) -> Result<&str> {
        self.accounts
            .get(code)
            .map(|n| n.0.as_str())
            .ok_or_else(|| Error::not_found(format!("account {code}")))
    }

    /// The commodity, and every account declared (opened) before the entries.
    fn header(&mut self, o: &crate::org::Organisation) -> Result<()> {
        let (out, ccy) = (&mut *self.out, &self.ccy);
        match self.format {
            ExportFormat::Hledger => {
                writeln!(out, "; {} ({}), exported by daftar\n", o.name, o.id).map_err(io)?;
                // hledger wants a decimal mark in the directive, even for a currency without decimals.
                let sample = from_minor(100_000, self.scale).to_string();
                let sample = if self.scale == 0 {
                    format!("{sample}.")
                } else {
                    sample
                };
                writeln!(out, "commodity {sample} {ccy}\n").map_err(io)?;
                for (n, title) in self.accounts.values() {
                    writeln!(out, "account {n}  ; {title}").map_err(io)?;
                }
                writeln!(out).map_err(io)?;
            }
            ExportFormat::Beancount => {
                writeln!(out, "; {} ({}), exported by daftar", o.name, o.id).map_err(io)?;
                writeln!(
                    out,
                    "option \"title\" \"{}\"",
                    description(self.format, &o.name)
                )
                .map_err(io)?;
                writeln!(out, "option \"operating_currency\" \"{ccy}\"\n").map_err(io)?;
                for (n, title) in self.accounts.values() {
                    writeln!(out, "{} open {n} {ccy} ; {title}", o.opened_on).map_err(io)?;
                }
                writeln!(out).map_err(io)?;
            }
            ExportFormat::Csv => {
                writeln!(out, "seq,date,kind,narration,account,amount,currency").map_err(io)?
            }
        }
        Ok(())
    }

    /// Every account's balance, asserted at the end of a month.
    fn assert_month(&mut self, end: NaiveDate) -> Result<()> {
        let lines: Vec<String> = match self.format {
            ExportFormat::Hledger => self
                .balances
                .iter()
                .map(|(code, b)| {
                    Ok(format!(
                        "    {}  0 {} = {}",
                        self.name(code)?,
                        self.ccy,
                        self.amount(*b)
                    ))
                })
                .collect::<Result<_>>()?,
            ExportFormat::Beancount => {
                let next = end.succ_opt().unwrap_or(end);
                self.balances
                    .iter()
                    .map(|(code, b)| {
                        Ok(format!(
                            "{next} balance {} {}",
                            self.name(code)?,
                            self.amount(*b)
                        ))
                    })
                    .collect::<Result<_>>()?
            }
            ExportFormat::Csv => return Ok(()),
        };
        if self.format == ExportFormat::Hledger {
            writeln!(self.out, "{end} balance assertions at the month end").map_err(io)?;
        }
        for l in &lines {
            writeln!(self.out, "{l}").map_err(io)?;
        }
        self.summary.assertions += lines.len() as u64;
        writeln!(self.out).map_err(io)?;
        Ok(())
    }

    /// The first line of an entry: its date, seq, kind and narration.
    fn entry(&mut self, first: bool, r: &PostingRow) -> Result<()> {
        if !first && self.format != ExportFormat::Csv {
            writeln!(self.out).map_err(io)?;
        }
        let (day, seq, kind) = (r.day, r.seq, &r.kind);
        match self.format {
            ExportFormat::Hledger => writeln!(
                self.out,
                "{day} ({seq}) {}  ; kind:{kind}",
                description(self.format, &self.words.say(&r.narration))
            )
            .map_err(io)?,
            ExportFormat::Beancount => writeln!(
                self.out,
                "{day} * \"{}\" ; seq {seq}, {kind}",
                description(self.format, &self.words.say(&r.narration))
            )
            .map_err(io)?,
            ExportFormat::Csv => {}
        }
        self.summary.entries += 1;
        Ok(())
    }

    fn posting(&mut self, r: &PostingRow) -> Result<()> {
        *self.balances.entry(r.account.clone()).or_default() += r.amount;
        match self.format {
            ExportFormat::Csv => writeln!(
                self.out,
                "{},{},{},{},{},{},{}",
                r.seq,
                r.day,
                r.kind,
                csv_field(&self.words.say(&r.narration)),
                r.account,
                from_minor(r.amount, self.scale),
                self.ccy
            )
            .map_err(io)?,
            _ => {
                let line = format!("    {}  {}", self.name(&r.account)?, self.amount(r.amount));
                writeln!(self.out, "{line}").map_err(io)?
            }
        }
        Ok(())
    }
}

/// The last day of the month `day` falls in.
fn month_end(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year(), day.month(), 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(day)
}

impl Book {
    /// Writes the export to the file `out`, never the book or one of its
    /// files, all or nothing, readable by its owner only: it names members.
    pub fn export_file(
        &self,
        org: Uuid,
        format: ExportFormat,
        out: &std::path::Path,
        progress: Progress<'_>,
    ) -> Result<ExportSummary> {
        crate::files::refuse_book_paths(self.path(), out)?;
        crate::files::write_atomically(out, |w| self.export(org, format, w, progress))
    }

    /// Writes the organisation's ledger to `out`. Progress counts entries.
    /// It reads one snapshot on a connection of its own, so saves and other
    /// reads go on while it runs.
    pub fn export(
        &self,
        org: Uuid,
        format: ExportFormat,
        out: &mut dyn Write,
        progress: Progress<'_>,
    ) -> Result<ExportSummary> {
        let asked = self.asked_words();
        self.with_snapshot(|snapshot| export_from(snapshot, org, format, asked, out, progress))
    }
}

/// The export, read from `conn` alone: the snapshot (or, in bulk mode, the
/// book's own connection, whose lock the caller holds).
fn export_from(
    conn: &rusqlite::Connection,
    org: Uuid,
    format: ExportFormat,
    asked: Option<crate::org::Locale>,
    out: &mut dyn Write,
    progress: Progress<'_>,
) -> Result<ExportSummary> {
    // Everything from `conn` alone: the snapshot (or, in bulk mode, the
    // book's own connection, whose lock the caller holds).
    let total = conn
        .prepare_cached("SELECT count(*) FROM entries WHERE org_id = ?1")?
        .query_row([org.to_string()], |r| r.get::<_, i64>(0))? as u64;
    let o = crate::registry::load_org(conn, org)?
        .ok_or_else(|| Error::not_found(format!("organisation {org}")))?;
    let mut accounts = BTreeMap::new();
    let mut st = conn
        .prepare_cached("SELECT code, name, class FROM accounts WHERE org_id = ?1 ORDER BY code")?;
    let mut rows = st.query([org.to_string()])?;
    while let Some(r) = rows.next()? {
        let (code, name, class): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let class = AccountClass::parse(&class).ok_or_else(|| Error::Storage {
            reason: format!("account {code} has an unknown class {class}"),
        })?;
        let n = account_name(format, class, &code);
        accounts.insert(code, (n, name));
    }
    let mut j = Journal {
        out,
        format,
        words: crate::narration::Narrator::new(asked.unwrap_or(o.locale))?,
        ccy: o.currency.code.clone(),
        scale: o.currency.scale,
        accounts,
        balances: BTreeMap::new(),
        summary: ExportSummary {
            entries: 0,
            assertions: 0,
        },
    };
    j.header(&o)?;
    let mut month: Option<NaiveDate> = None;
    {
        let mut st = conn.prepare(PostingRow::SQL)?;
        let mut rows = st.query(params![org.to_string()])?;
        let mut current: Option<i64> = None;
        while let Some(r) = rows.next()? {
            let r = PostingRow::from_row(r)?;
            if current != Some(r.seq) {
                if let Some(end) = month {
                    if r.day > end {
                        j.assert_month(end)?;
                    }
                }
                month = Some(month_end(r.day));
                j.entry(current.is_none(), &r)?;
                current = Some(r.seq);
                if j.summary.entries.is_multiple_of(1024) && !progress(j.summary.entries, total) {
                    return Err(Error::Cancelled);
                }
            }
            j.posting(&r)?;
        }
        if format != ExportFormat::Csv {
            writeln!(j.out).map_err(io)?;
        }
    }
    if let Some(end) = month {
        j.assert_month(end)?;
    }
    j.out.flush().map_err(io)?;
    if !progress(j.summary.entries, total) {
        return Err(Error::Cancelled);
    }
    Ok(j.summary)
}
