//! `daftar report NAME`: every book as a table, CSV or JSON.

use chrono::{Datelike, NaiveDate};
use daftar_core::books::{fiscal_year, AccountLine, Period};
use daftar_core::report::TrialBalance;
use daftar_core::{Book, Error};
use serde::Serialize;

use crate::Format;

/// A report flattened for the terminal or a spreadsheet.
pub struct Grid {
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Grid {
    fn new(title: String, headers: Vec<&'static str>) -> Grid {
        Grid {
            title,
            headers,
            rows: Vec::new(),
        }
    }
    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
    pub fn table(&self) -> String {
        let mut width: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate() {
                width[i] = width[i].max(c.chars().count());
            }
        }
        let line = |cells: Vec<String>| -> String {
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let pad = " ".repeat(width[i] - c.chars().count());
                    // Numbers right, text left.
                    if c.parse::<rust_decimal::Decimal>().is_ok() {
                        format!("{pad}{c}")
                    } else {
                        format!("{c}{pad}")
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        let mut out = format!("{}\n", self.title);
        out += &line(self.headers.iter().map(|h| h.to_string()).collect());
        out.push('\n');
        for r in &self.rows {
            out += &line(r.clone());
            out.push('\n');
        }
        out
    }
    pub fn csv(&self) -> String {
        let field = |s: &str| {
            if s.contains([',', '"', '\n']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut out = self
            .headers
            .iter()
            .map(|h| field(h))
            .collect::<Vec<_>>()
            .join(",")
            + "\n";
        for r in &self.rows {
            out += &(r.iter().map(|c| field(c)).collect::<Vec<_>>().join(",") + "\n");
        }
        out
    }
}

pub struct Args {
    pub name: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub as_of: Option<String>,
    pub member: Option<u32>,
    pub loan: Option<u32>,
    pub month: Option<String>,
}

pub const NAMES: &str = "passbook, cash-book, bank-book, loan-ledger, portfolio, trial-balance, receipts-payments, income-expenditure, balance-sheet, monthly, grading, journal";

fn date(field: &str, s: &Option<String>) -> Result<Option<NaiveDate>, Error> {
    s.as_deref()
        .map(|d| crate::parse_date(field, d))
        .transpose()
}

fn lines(g: &mut Grid, section: &str, l: &[AccountLine]) {
    for a in l {
        g.row(vec![
            section.into(),
            a.code.clone(),
            a.name.clone(),
            a.amount.to_string(),
        ]);
    }
}

fn emit<T: Serialize>(
    format: Format,
    data: &T,
    grid: impl FnOnce() -> Grid,
) -> Result<String, Error> {
    Ok(match format {
        Format::Json => crate::to_json(data)? + "\n",
        Format::Table => grid().table(),
        Format::Csv => grid().csv(),
    })
}

pub fn trial_balance_grid(tb: &TrialBalance) -> Grid {
    let mut g = Grid::new(
        format!("Trial balance: {} ({})", tb.org_name, tb.currency),
        vec!["account", "name", "debit", "credit"],
    );
    for r in &tb.rows {
        let name = match r.member_no {
            Some(no) => format!("{} {no} {}", r.name, r.member_name.as_deref().unwrap_or("")),
            None => r.name.clone(),
        };
        let show = |d: rust_decimal::Decimal| {
            if d.is_zero() {
                String::new()
            } else {
                d.to_string()
            }
        };
        g.row(vec![r.code.clone(), name, show(r.debit), show(r.credit)]);
    }
    g.row(vec![
        String::new(),
        "total".into(),
        tb.total_debit.to_string(),
        tb.total_credit.to_string(),
    ]);
    g
}

pub fn run(book: &Book, org: uuid::Uuid, a: Args, format: Format) -> Result<String, Error> {
    let o = book.organisation(org)?;
    let as_of = match date("as_of", &a.as_of)? {
        Some(d) => d,
        None => book.last_business_date(org)?,
    };
    // Only reports over a period need one; the trial balance and balance sheet do not.
    let period = || -> Result<Period, Error> {
        match (date("from", &a.from)?, date("to", &a.to)?) {
            (Some(f), Some(t)) => Period::new(f, t),
            (Some(f), None) => Period::new(f, as_of.max(f)),
            (None, to) => {
                let fy = fiscal_year(&o, to.unwrap_or(as_of))?;
                Period::new(fy.from, to.unwrap_or(fy.to))
            }
        }
    };
    let span = |p: &Period| format!("{} to {}", p.from, p.to);
    let need = |v: Option<u32>, what: &str| {
        v.ok_or_else(|| Error::InvalidInput {
            field: what.into(),
            reason: format!("this report needs --{what}"),
        })
    };
    match a.name.as_str() {
        "passbook" => {
            let period = period()?;
            let span = span(&period);
            let p = book.passbook(org, need(a.member, "member")?, period)?;
            emit(format, &p, || {
                let mut g = Grid::new(
                    format!(
                        "Passbook of member {} {}, {span}",
                        p.member_no, p.member_name
                    ),
                    vec![
                        "seq",
                        "date",
                        "narration",
                        "compulsory",
                        "voluntary",
                        "loan",
                        "compulsory bal",
                        "voluntary bal",
                        "loan bal",
                    ],
                );
                g.row(vec![
                    String::new(),
                    String::new(),
                    "opening".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    p.opening_compulsory.to_string(),
                    p.opening_voluntary.to_string(),
                    p.opening_loan.to_string(),
                ]);
                for l in &p.lines {
                    g.row(vec![
                        l.seq.to_string(),
                        l.date.to_string(),
                        l.narration.clone(),
                        l.compulsory.to_string(),
                        l.voluntary.to_string(),
                        l.loan.to_string(),
                        l.compulsory_balance.to_string(),
                        l.voluntary_balance.to_string(),
                        l.loan_balance.to_string(),
                    ]);
                }
                g
            })
        }
        "cash-book" | "bank-book" => {
            let period = period()?;
            let span = span(&period);
            let c = book.cash_book(org, a.name == "bank-book", period)?;
            emit(format, &c, || {
                let title = if a.name == "bank-book" {
                    "Bank book"
                } else {
                    "Cash book"
                };
                let mut g = Grid::new(
                    format!("{title}: {}, {span}", o.name),
                    vec!["date", "seq", "narration", "receipt", "payment", "balance"],
                );
                g.row(vec![
                    period.from.to_string(),
                    String::new(),
                    "opening".into(),
                    String::new(),
                    String::new(),
                    c.opening.to_string(),
                ]);
                for d in &c.days {
                    for l in &d.lines {
                        g.row(vec![
                            d.date.to_string(),
                            l.seq.to_string(),
                            l.narration.clone(),
                            l.receipt.to_string(),
                            l.payment.to_string(),
                            String::new(),
                        ]);
                    }
                    g.row(vec![
                        d.date.to_string(),
                        String::new(),
                        "day total".into(),
                        d.receipts.to_string(),
                        d.payments.to_string(),
                        d.closing.to_string(),
                    ]);
                }
                g.row(vec![
                    period.to.to_string(),
                    String::new(),
                    "closing".into(),
                    c.receipts.to_string(),
                    c.payments.to_string(),
                    c.closing.to_string(),
                ]);
                g
            })
        }
        "loan-ledger" => {
            let l = book.loan_ledger(org, need(a.loan, "loan")?)?;
            emit(format, &l, || {
                let mut g = Grid::new(
                    format!("Loan ledger of loan {}", l.loan_no),
                    vec![
                        "seq",
                        "date",
                        "kind",
                        "disbursed",
                        "principal",
                        "interest",
                        "penalty",
                        "written off",
                        "outstanding",
                    ],
                );
                for x in &l.lines {
                    g.row(vec![
                        x.seq.to_string(),
                        x.date.to_string(),
                        x.kind.clone(),
                        x.disbursed.to_string(),
                        x.principal.to_string(),
                        x.interest.to_string(),
                        x.penalty.to_string(),
                        x.written_off.to_string(),
                        x.outstanding.to_string(),
                    ]);
                }
                g
            })
        }
        "portfolio" => {
            let p = book.portfolio(org, as_of)?;
            emit(format, &p, || {
                let mut g = Grid::new(
                    format!("Loan portfolio on {as_of}: PAR30 {}", p.par30),
                    vec![
                        "loan",
                        "member",
                        "name",
                        "outstanding",
                        "arrears",
                        "dpd",
                        "bucket",
                    ],
                );
                for l in &p.loans {
                    g.row(vec![
                        l.loan_no.to_string(),
                        l.member_no.to_string(),
                        l.member_name.clone(),
                        l.outstanding.to_string(),
                        l.arrears.to_string(),
                        l.days_past_due.to_string(),
                        l.bucket.clone(),
                    ]);
                }
                for b in &p.buckets {
                    g.row(vec![
                        String::new(),
                        String::new(),
                        format!("{} ({} loans)", b.label, b.loans),
                        b.outstanding.to_string(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ]);
                }
                g.row(vec![
                    String::new(),
                    String::new(),
                    "total".into(),
                    p.outstanding.to_string(),
                    p.arrears.to_string(),
                    String::new(),
                    String::new(),
                ]);
                g
            })
        }
        "trial-balance" => {
            let tb = if a.as_of.is_some() {
                book.trial_balance_as_of(org, as_of)?
            } else {
                book.trial_balance(org)?
            };
            let status = if tb.is_balanced() {
                "balanced\n"
            } else {
                "NOT BALANCED\n"
            };
            Ok(emit(format, &tb, || trial_balance_grid(&tb))?
                + if format == Format::Table { status } else { "" })
        }
        "receipts-payments" => {
            let period = period()?;
            let span = span(&period);
            let r = book.receipts_and_payments(org, period)?;
            emit(format, &r, || {
                let mut g = Grid::new(
                    format!("Receipts and payments: {}, {span}", o.name),
                    vec!["", "account", "name", "amount"],
                );
                g.row(vec![
                    "opening".into(),
                    "1100".into(),
                    "Cash in hand".into(),
                    r.opening_cash.to_string(),
                ]);
                g.row(vec![
                    "opening".into(),
                    "1200".into(),
                    "Bank account".into(),
                    r.opening_bank.to_string(),
                ]);
                lines(&mut g, "receipt", &r.receipts);
                lines(&mut g, "payment", &r.payments);
                g.row(vec![
                    "closing".into(),
                    "1100".into(),
                    "Cash in hand".into(),
                    r.closing_cash.to_string(),
                ]);
                g.row(vec![
                    "closing".into(),
                    "1200".into(),
                    "Bank account".into(),
                    r.closing_bank.to_string(),
                ]);
                g
            })
        }
        "income-expenditure" => {
            let period = period()?;
            let span = span(&period);
            let r = book.income_and_expenditure(org, period)?;
            emit(format, &r, || {
                let mut g = Grid::new(
                    format!("Income and expenditure: {}, {span}", o.name),
                    vec!["", "account", "name", "amount"],
                );
                lines(&mut g, "income", &r.income);
                lines(&mut g, "expenditure", &r.expenditure);
                g.row(vec![
                    "surplus".into(),
                    String::new(),
                    String::new(),
                    r.surplus.to_string(),
                ]);
                g
            })
        }
        "balance-sheet" => {
            let b = book.balance_sheet(org, as_of)?;
            emit(format, &b, || {
                let mut g = Grid::new(
                    format!("Balance sheet: {} on {as_of}", o.name),
                    vec!["", "account", "name", "amount"],
                );
                lines(&mut g, "asset", &b.assets);
                g.row(vec![
                    "total assets".into(),
                    String::new(),
                    String::new(),
                    b.total_assets.to_string(),
                ]);
                lines(&mut g, "liability", &b.liabilities);
                lines(&mut g, "equity", &b.equity);
                g.row(vec![
                    "equity".into(),
                    String::new(),
                    "Accumulated surplus".into(),
                    b.accumulated_surplus.to_string(),
                ]);
                g.row(vec![
                    "total liabilities and equity".into(),
                    String::new(),
                    String::new(),
                    b.total_liabilities_and_equity.to_string(),
                ]);
                g
            })
        }
        "monthly" => {
            let (y, m) = match &a.month {
                Some(s) => {
                    let bad = || Error::InvalidInput {
                        field: "month".into(),
                        reason: format!("{s:?} is not YYYY-MM"),
                    };
                    let (y, m) = s.split_once('-').ok_or_else(bad)?;
                    (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?)
                }
                None => (as_of.year(), as_of.month()),
            };
            let r = book.monthly_report(org, y, m)?;
            emit(format, &r, || {
                let mut g = Grid::new(
                    format!("Monthly report: {}, {y}-{m:02}", o.name),
                    vec!["item", "value"],
                );
                let meetings = r
                    .meetings
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(" ");
                for (k, v) in [
                    ("meetings", format!("{} ({meetings})", r.meetings.len())),
                    ("attendance", r.attendance.to_string()),
                    ("compulsory savings", r.compulsory_savings.to_string()),
                    ("voluntary savings", r.voluntary_savings.to_string()),
                    ("withdrawals", r.withdrawals.to_string()),
                    (
                        "loans disbursed",
                        format!("{} for {}", r.loans_disbursed, r.amount_disbursed),
                    ),
                    ("principal repaid", r.principal_repaid.to_string()),
                    ("interest collected", r.interest_collected.to_string()),
                    ("penalties collected", r.penalties_collected.to_string()),
                    ("fines and fees", r.fines_and_fees.to_string()),
                    ("closing cash", r.closing_cash.to_string()),
                    ("closing bank", r.closing_bank.to_string()),
                    ("loans outstanding", r.portfolio.outstanding.to_string()),
                    ("PAR30", r.portfolio.par30.to_string()),
                ] {
                    g.row(vec![k.into(), v]);
                }
                g
            })
        }
        "grading" => {
            let period = period()?;
            let span = span(&period);
            let g = book.grade(org, period)?;
            emit(format, &g, || {
                let mut grid = Grid::new(
                    format!(
                        "Panchasutra grading: {}, {span}: {} of 100, grade {}",
                        o.name, g.total, g.grade
                    ),
                    vec!["norm", "score", "how"],
                );
                for n in &g.norms {
                    grid.row(vec![n.name.into(), n.score.to_string(), n.basis.clone()]);
                }
                grid
            })
        }
        "journal" => {
            let period = period()?;
            let span = span(&period);
            let entries = book.journal(org, period.from, period.to)?;
            emit(format, &entries, || {
                let mut g = Grid::new(
                    format!("Journal: {}, {span}", o.name),
                    vec![
                        "seq",
                        "date",
                        "kind",
                        "narration",
                        "account",
                        "amount",
                        "note",
                    ],
                );
                for e in &entries {
                    let note = match (e.reverses, e.reversed_by) {
                        (Some(x), _) => format!("reverses {x}"),
                        (_, Some(x)) => format!("reversed by {x}"),
                        _ => String::new(),
                    };
                    for (i, (acc, amt)) in e.lines.iter().enumerate() {
                        let first = i == 0;
                        g.row(vec![
                            if first {
                                e.seq.to_string()
                            } else {
                                String::new()
                            },
                            if first {
                                e.date.to_string()
                            } else {
                                String::new()
                            },
                            if first { e.kind.clone() } else { String::new() },
                            if first {
                                e.narration.clone()
                            } else {
                                String::new()
                            },
                            acc.clone(),
                            amt.to_string(),
                            if first { note.clone() } else { String::new() },
                        ]);
                    }
                }
                g
            })
        }
        other => Err(Error::InvalidInput {
            field: "report".into(),
            reason: format!("{other:?} is not one of {NAMES}"),
        }),
    }
}
