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
use crate::store::parse_stored_date;
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

impl Book {
    /// Writes the organisation's ledger to `out`. Progress counts entries.
    pub fn export(
        &self,
        org: Uuid,
        format: ExportFormat,
        out: &mut dyn Write,
        progress: Progress<'_>,
    ) -> Result<ExportSummary> {
        let o = self.organisation(org)?;
        let scale = o.currency.scale;
        let ccy = o.currency.code.clone();
        // Export name and title of every account, by code.
        let accounts: BTreeMap<String, (String, String)> = self
            .accounts(org)?
            .into_iter()
            .map(|a| {
                let n = account_name(format, a.class, &a.code);
                (a.code, (n, a.name))
            })
            .collect();
        let amt = |m: i64| format!("{} {ccy}", from_minor(m, scale));
        let name = |code: &str| -> Result<&str> {
            accounts
                .get(code)
                .map(|n| n.0.as_str())
                .ok_or_else(|| Error::not_found(format!("account {code}")))
        };
        match format {
            ExportFormat::Hledger => {
                writeln!(out, "; {} ({}), exported by daftar\n", o.name, o.id).map_err(io)?;
                // hledger wants a decimal mark in the directive, even for a currency without decimals.
                let sample = from_minor(100_000, scale).to_string();
                let sample = if scale == 0 {
                    format!("{sample}.")
                } else {
                    sample
                };
                writeln!(out, "commodity {sample} {ccy}\n").map_err(io)?;
                for (n, title) in accounts.values() {
                    writeln!(out, "account {n}  ; {title}").map_err(io)?;
                }
                writeln!(out).map_err(io)?;
            }
            ExportFormat::Beancount => {
                writeln!(out, "; {} ({}), exported by daftar", o.name, o.id).map_err(io)?;
                writeln!(out, "option \"title\" \"{}\"", description(format, &o.name))
                    .map_err(io)?;
                writeln!(out, "option \"operating_currency\" \"{ccy}\"\n").map_err(io)?;
                for (n, title) in accounts.values() {
                    writeln!(out, "{} open {n} {ccy} ; {title}", o.opened_on).map_err(io)?;
                }
                writeln!(out).map_err(io)?;
            }
            ExportFormat::Csv => {
                writeln!(out, "seq,date,kind,narration,account,amount,currency").map_err(io)?
            }
        }
        let total = self.with_conn(|conn| {
            Ok(conn
                .prepare_cached("SELECT count(*) FROM entries WHERE org_id = ?1")?
                .query_row([org.to_string()], |r| r.get::<_, i64>(0))? as u64)
        })?;
        let mut balances: BTreeMap<String, i64> = BTreeMap::new();
        let mut summary = ExportSummary {
            entries: 0,
            assertions: 0,
        };
        let mut month: Option<(i32, u32, NaiveDate)> = None;
        let assert_month = |out: &mut dyn Write,
                            end: NaiveDate,
                            balances: &BTreeMap<String, i64>,
                            summary: &mut ExportSummary|
         -> Result<()> {
            match format {
                ExportFormat::Hledger => {
                    writeln!(out, "{end} balance assertions at the month end").map_err(io)?;
                    for (code, b) in balances {
                        writeln!(out, "    {}  0 {ccy} = {}", name(code)?, amt(*b)).map_err(io)?;
                        summary.assertions += 1;
                    }
                    writeln!(out).map_err(io)?;
                }
                ExportFormat::Beancount => {
                    let next = end.succ_opt().unwrap_or(end);
                    for (code, b) in balances {
                        writeln!(out, "{next} balance {} {}", name(code)?, amt(*b)).map_err(io)?;
                        summary.assertions += 1;
                    }
                    writeln!(out).map_err(io)?;
                }
                ExportFormat::Csv => {}
            }
            Ok(())
        };
        self.with_conn(|conn| {
            let mut st = conn.prepare(
                "SELECT n.seq, n.business_date, v.kind, n.narration, p.account, p.amount
                 FROM entries n
                 JOIN events v ON v.org_id = n.org_id AND v.seq = n.seq
                 JOIN postings p ON p.org_id = n.org_id AND p.seq = n.seq
                 WHERE n.org_id = ?1 ORDER BY n.business_date, n.seq, p.line",
            )?;
            let mut rows = st.query(params![org.to_string()])?;
            let mut current: Option<i64> = None;
            while let Some(r) = rows.next()? {
                let (seq, date, kind, narration, account, amount): (
                    i64,
                    String,
                    String,
                    String,
                    String,
                    i64,
                ) = (
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                );
                let day = parse_stored_date(&date)?;
                if current != Some(seq) {
                    if let Some((y, m, end)) = month {
                        if (day.year(), day.month()) != (y, m) {
                            assert_month(out, end, &balances, &mut summary)?;
                        }
                    }
                    let end = NaiveDate::from_ymd_opt(day.year(), day.month(), 1)
                        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                        .and_then(|d| d.pred_opt())
                        .unwrap_or(day);
                    month = Some((day.year(), day.month(), end));
                    if current.is_some() && format != ExportFormat::Csv {
                        writeln!(out).map_err(io)?;
                    }
                    match format {
                        ExportFormat::Hledger => writeln!(
                            out,
                            "{day} ({seq}) {}  ; kind:{kind}",
                            description(format, &narration)
                        )
                        .map_err(io)?,
                        ExportFormat::Beancount => writeln!(
                            out,
                            "{day} * \"{}\" ; seq {seq}, {kind}",
                            description(format, &narration)
                        )
                        .map_err(io)?,
                        ExportFormat::Csv => {}
                    }
                    current = Some(seq);
                    summary.entries += 1;
                    if summary.entries.is_multiple_of(1024) && !progress(summary.entries, total) {
                        return Err(Error::Cancelled);
                    }
                }
                *balances.entry(account.clone()).or_default() += amount;
                match format {
                    ExportFormat::Csv => writeln!(
                        out,
                        "{seq},{day},{kind},{},{account},{},{ccy}",
                        csv_field(&narration),
                        from_minor(amount, scale)
                    )
                    .map_err(io)?,
                    _ => writeln!(out, "    {}  {}", name(&account)?, amt(amount)).map_err(io)?,
                }
            }
            if format != ExportFormat::Csv {
                writeln!(out).map_err(io)?;
            }
            Ok(())
        })?;
        if let Some((_, _, end)) = month {
            assert_month(out, end, &balances, &mut summary)?;
        }
        out.flush().map_err(io)?;
        if !progress(summary.entries, total) {
            return Err(Error::Cancelled);
        }
        Ok(summary)
    }
}
