//! `daftar report NAME`: every book as a table, CSV or JSON.

use chrono::NaiveDate;
use daftar_core::books::{fiscal_year, AccountLine, Period};
use daftar_core::locale::LocalFormat;
use daftar_core::report::TrialBalance;
use daftar_core::{Book, Error, Locale};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::Format;

/// One cell of a report, typed so that a locale can show it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Amount(Decimal),
    Date(NaiveDate),
    /// A count or a sequence number: local digits, no grouping.
    Number(u64),
    /// Several dates, shown separated by spaces.
    Dates(Vec<NaiveDate>),
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}
impl From<Decimal> for Cell {
    fn from(d: Decimal) -> Cell {
        Cell::Amount(d)
    }
}
impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
    }
}
impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Number(n)
    }
}
impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Number(u64::from(n))
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        // Counts are never negative; a negative one still shows, as an amount.
        u64::try_from(n).map_or(Cell::Amount(Decimal::from(n)), Cell::Number)
    }
}

impl Cell {
    /// The cell as text: plain (ISO dates, `1234.50`) without a locale, which is
    /// what CSV gives by default, or in the locale's digits, grouping and calendar.
    fn show(&self, local: Option<&LocalFormat>) -> Result<String, Error> {
        Ok(match (self, local) {
            (Cell::Empty, _) => String::new(),
            (Cell::Text(s), _) => s.clone(),
            (Cell::Amount(d), None) => d.to_string(),
            (Cell::Amount(d), Some(f)) => f.amount(*d),
            (Cell::Date(d), None) => d.to_string(),
            (Cell::Date(d), Some(f)) => f.date(*d)?,
            (Cell::Number(n), None) => n.to_string(),
            (Cell::Number(n), Some(f)) => f.number(*n),
            (Cell::Dates(ds), local) => ds
                .iter()
                .map(|d| Cell::Date(*d).show(local))
                .collect::<Result<Vec<_>, _>>()?
                .join(" "),
        })
    }
    fn is_numeric(&self) -> bool {
        matches!(self, Cell::Amount(_) | Cell::Number(_))
    }
}

/// A report flattened for the terminal or a spreadsheet.
pub struct Grid {
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Grid {
    fn new(title: String, headers: Vec<&'static str>) -> Grid {
        Grid {
            title,
            headers,
            rows: Vec::new(),
        }
    }
    fn row(&mut self, cells: Vec<Cell>) {
        debug_assert_eq!(cells.len(), self.headers.len(), "{}", self.title);
        self.rows.push(cells);
    }
    fn shown(&self, local: Option<&LocalFormat>) -> Result<Vec<Vec<String>>, Error> {
        self.rows
            .iter()
            .map(|r| r.iter().map(|c| c.show(local)).collect())
            .collect()
    }
    /// Aligned columns, amounts and numbers to the right (to the left of a
    /// right-to-left reader in Persian, where the terminal mirrors the line).
    pub fn table(&self, local: Option<&LocalFormat>) -> Result<String, Error> {
        let rows = self.shown(local)?;
        let mut width: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                width[i] = width[i].max(c.chars().count());
            }
        }
        let line = |cells: &[String], numeric: &dyn Fn(usize) -> bool| -> String {
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let pad = " ".repeat(width[i] - c.chars().count());
                    if numeric(i) {
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
        let headers: Vec<String> = self.headers.iter().map(|h| h.to_string()).collect();
        out += &line(&headers, &|_| false);
        out.push('\n');
        for (cells, shown) in self.rows.iter().zip(&rows) {
            out += &line(shown, &|i| cells[i].is_numeric());
            out.push('\n');
        }
        Ok(out)
    }
    pub fn csv(&self, local: Option<&LocalFormat>) -> Result<String, Error> {
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
        for r in self.shown(local)? {
            out += &(r.iter().map(|c| field(c)).collect::<Vec<_>>().join(",") + "\n");
        }
        Ok(out)
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

fn lines(g: &mut Grid, section: &str, l: &[AccountLine]) {
    for a in l {
        g.row(vec![
            section.into(),
            a.code.clone().into(),
            a.name.clone().into(),
            a.amount.into(),
        ]);
    }
}

/// Renders a report. JSON stays plain for programs; a table is shown in the
/// chosen locale (the organisation's unless `--locale` says otherwise); CSV is
/// plain unless `--locale` asks for it.
fn emit<T: Serialize>(view: &View, data: &T, grid: impl FnOnce() -> Grid) -> Result<String, Error> {
    match view.format {
        Format::Json => Ok(crate::to_json(data)? + "\n"),
        Format::Table => grid().table(Some(&view.table_locale)),
        Format::Csv => grid().csv(view.csv_locale.as_ref()),
    }
}

/// How a report is shown: its format and the locales for tables and CSV.
pub struct View {
    pub format: Format,
    pub table_locale: LocalFormat,
    pub csv_locale: Option<LocalFormat>,
}

impl View {
    pub fn new(format: Format, org_locale: Locale, asked: Option<Locale>) -> Result<View, Error> {
        Ok(View {
            format,
            table_locale: LocalFormat::new(asked.unwrap_or(org_locale))?,
            csv_locale: asked.map(LocalFormat::new).transpose()?,
        })
    }
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
        let show = |d: Decimal| if d.is_zero() { Cell::Empty } else { d.into() };
        g.row(vec![
            r.code.clone().into(),
            name.into(),
            show(r.debit),
            show(r.credit),
        ]);
    }
    g.row(vec![
        Cell::Empty,
        "total".into(),
        tb.total_debit.into(),
        tb.total_credit.into(),
    ]);
    g
}

pub fn run(book: &Book, org: uuid::Uuid, a: Args, view: &View) -> Result<String, Error> {
    let o = book.organisation(org)?;
    // Dates on the command line are in the organisation's calendar.
    let date = |field: &str, s: &Option<String>| -> Result<Option<NaiveDate>, Error> {
        s.as_deref()
            .map(|d| daftar_core::locale::parse_date(field, d, o.calendar))
            .transpose()
    };
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
    // Titles are for people: dates in the table's locale and calendar.
    let day = |d: NaiveDate| view.table_locale.date(d);
    let span =
        |p: &Period| -> Result<String, Error> { Ok(format!("{} to {}", day(p.from)?, day(p.to)?)) };
    let on = day(as_of)?;
    let need = |v: Option<u32>, what: &str| {
        v.ok_or_else(|| Error::InvalidInput {
            field: what.into(),
            reason: format!("this report needs --{what}"),
        })
    };
    match a.name.as_str() {
        "passbook" => {
            let period = period()?;
            let span = span(&period)?;
            let p = book.passbook(org, need(a.member, "member")?, period)?;
            emit(view, &p, || {
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
                    Cell::Empty,
                    Cell::Empty,
                    "opening".into(),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    p.opening_compulsory.into(),
                    p.opening_voluntary.into(),
                    p.opening_loan.into(),
                ]);
                for l in &p.lines {
                    g.row(vec![
                        l.seq.into(),
                        l.date.into(),
                        l.narration.clone().into(),
                        l.compulsory.into(),
                        l.voluntary.into(),
                        l.loan.into(),
                        l.compulsory_balance.into(),
                        l.voluntary_balance.into(),
                        l.loan_balance.into(),
                    ]);
                }
                g
            })
        }
        "cash-book" | "bank-book" => {
            let period = period()?;
            let span = span(&period)?;
            let c = book.cash_book(org, a.name == "bank-book", period)?;
            emit(view, &c, || {
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
                    period.from.into(),
                    Cell::Empty,
                    "opening".into(),
                    Cell::Empty,
                    Cell::Empty,
                    c.opening.into(),
                ]);
                for d in &c.days {
                    for l in &d.lines {
                        g.row(vec![
                            d.date.into(),
                            l.seq.into(),
                            l.narration.clone().into(),
                            l.receipt.into(),
                            l.payment.into(),
                            Cell::Empty,
                        ]);
                    }
                    g.row(vec![
                        d.date.into(),
                        Cell::Empty,
                        "day total".into(),
                        d.receipts.into(),
                        d.payments.into(),
                        d.closing.into(),
                    ]);
                }
                g.row(vec![
                    period.to.into(),
                    Cell::Empty,
                    "closing".into(),
                    c.receipts.into(),
                    c.payments.into(),
                    c.closing.into(),
                ]);
                g
            })
        }
        "loan-ledger" => {
            let l = book.loan_ledger(org, need(a.loan, "loan")?)?;
            emit(view, &l, || {
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
                        x.seq.into(),
                        x.date.into(),
                        x.kind.clone().into(),
                        x.disbursed.into(),
                        x.principal.into(),
                        x.interest.into(),
                        x.penalty.into(),
                        x.written_off.into(),
                        x.outstanding.into(),
                    ]);
                }
                g
            })
        }
        "portfolio" => {
            let p = book.portfolio(org, as_of)?;
            emit(view, &p, || {
                let mut g = Grid::new(
                    format!(
                        "Loan portfolio on {on}: PAR30 {}",
                        view.table_locale.amount(p.par30)
                    ),
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
                        l.loan_no.into(),
                        l.member_no.into(),
                        l.member_name.clone().into(),
                        l.outstanding.into(),
                        l.arrears.into(),
                        l.days_past_due.into(),
                        l.bucket.clone().into(),
                    ]);
                }
                for b in &p.buckets {
                    g.row(vec![
                        Cell::Empty,
                        Cell::Empty,
                        format!("{} ({} loans)", b.label, b.loans).into(),
                        b.outstanding.into(),
                        Cell::Empty,
                        Cell::Empty,
                        Cell::Empty,
                    ]);
                }
                g.row(vec![
                    Cell::Empty,
                    Cell::Empty,
                    "total".into(),
                    p.outstanding.into(),
                    p.arrears.into(),
                    Cell::Empty,
                    Cell::Empty,
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
            Ok(emit(view, &tb, || trial_balance_grid(&tb))?
                + if view.format == Format::Table {
                    status
                } else {
                    ""
                })
        }
        "receipts-payments" => {
            let period = period()?;
            let span = span(&period)?;
            let r = book.receipts_and_payments(org, period)?;
            emit(view, &r, || {
                let mut g = Grid::new(
                    format!("Receipts and payments: {}, {span}", o.name),
                    vec!["", "account", "name", "amount"],
                );
                g.row(vec![
                    "opening".into(),
                    "1100".into(),
                    "Cash in hand".into(),
                    r.opening_cash.into(),
                ]);
                g.row(vec![
                    "opening".into(),
                    "1200".into(),
                    "Bank account".into(),
                    r.opening_bank.into(),
                ]);
                lines(&mut g, "receipt", &r.receipts);
                lines(&mut g, "payment", &r.payments);
                g.row(vec![
                    "closing".into(),
                    "1100".into(),
                    "Cash in hand".into(),
                    r.closing_cash.into(),
                ]);
                g.row(vec![
                    "closing".into(),
                    "1200".into(),
                    "Bank account".into(),
                    r.closing_bank.into(),
                ]);
                g
            })
        }
        "income-expenditure" => {
            let period = period()?;
            let span = span(&period)?;
            let r = book.income_and_expenditure(org, period)?;
            emit(view, &r, || {
                let mut g = Grid::new(
                    format!("Income and expenditure: {}, {span}", o.name),
                    vec!["", "account", "name", "amount"],
                );
                lines(&mut g, "income", &r.income);
                lines(&mut g, "expenditure", &r.expenditure);
                g.row(vec![
                    "surplus".into(),
                    Cell::Empty,
                    Cell::Empty,
                    r.surplus.into(),
                ]);
                g
            })
        }
        "balance-sheet" => {
            let b = book.balance_sheet(org, as_of)?;
            emit(view, &b, || {
                let mut g = Grid::new(
                    format!("Balance sheet: {} on {on}", o.name),
                    vec!["", "account", "name", "amount"],
                );
                lines(&mut g, "asset", &b.assets);
                g.row(vec![
                    "total assets".into(),
                    Cell::Empty,
                    Cell::Empty,
                    b.total_assets.into(),
                ]);
                lines(&mut g, "liability", &b.liabilities);
                lines(&mut g, "equity", &b.equity);
                g.row(vec![
                    "equity".into(),
                    Cell::Empty,
                    "Accumulated surplus".into(),
                    b.accumulated_surplus.into(),
                ]);
                g.row(vec![
                    "total liabilities and equity".into(),
                    Cell::Empty,
                    Cell::Empty,
                    b.total_liabilities_and_equity.into(),
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
                None => {
                    let c = daftar_core::locale::to_calendar(as_of, o.calendar)?;
                    (c.year, c.month)
                }
            };
            let r = book.monthly_report(org, y, m)?;
            emit(view, &r, || {
                let mut g = Grid::new(
                    format!("Monthly report: {}, {y}-{m:02}", o.name),
                    vec!["item", "value"],
                );
                let rows: Vec<(&str, Cell)> = vec![
                    ("meetings", (r.meetings.len() as u64).into()),
                    ("meeting dates", Cell::Dates(r.meetings.clone())),
                    ("attendance", r.attendance.into()),
                    ("compulsory savings", r.compulsory_savings.into()),
                    ("voluntary savings", r.voluntary_savings.into()),
                    ("withdrawals", r.withdrawals.into()),
                    ("loans disbursed", r.loans_disbursed.into()),
                    ("amount disbursed", r.amount_disbursed.into()),
                    ("principal repaid", r.principal_repaid.into()),
                    ("interest collected", r.interest_collected.into()),
                    ("penalties collected", r.penalties_collected.into()),
                    ("fines and fees", r.fines_and_fees.into()),
                    ("closing cash", r.closing_cash.into()),
                    ("closing bank", r.closing_bank.into()),
                    ("loans outstanding", r.portfolio.outstanding.into()),
                    ("PAR30", r.portfolio.par30.into()),
                ];
                for (k, v) in rows {
                    g.row(vec![k.into(), v]);
                }
                g
            })
        }
        "grading" => {
            let period = period()?;
            let span = span(&period)?;
            let g = book.grade(org, period)?;
            emit(view, &g, || {
                let mut grid = Grid::new(
                    format!(
                        "Panchasutra grading: {}, {span}: {} of 100, grade {}",
                        o.name, g.total, g.grade
                    ),
                    vec!["norm", "score", "how"],
                );
                for n in &g.norms {
                    grid.row(vec![n.name.into(), n.score.into(), n.basis.clone().into()]);
                }
                grid
            })
        }
        "journal" => {
            let period = period()?;
            let span = span(&period)?;
            let entries = book.journal(org, period.from, period.to)?;
            emit(view, &entries, || {
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
                            if first { e.seq.into() } else { Cell::Empty },
                            if first { e.date.into() } else { Cell::Empty },
                            if first {
                                e.kind.clone().into()
                            } else {
                                Cell::Empty
                            },
                            if first {
                                e.narration.clone().into()
                            } else {
                                Cell::Empty
                            },
                            acc.clone().into(),
                            (*amt).into(),
                            if first {
                                note.clone().into()
                            } else {
                                Cell::Empty
                            },
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
