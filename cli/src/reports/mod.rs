//! `daftar report NAME`: every book as a table, CSV or JSON. `grid.rs` holds
//! the cells and their rendering; `books.rs` one function per report;
//! `cif.rs` the CIF reconciliation, which reads other books too.

mod books;
mod cif;
mod grid;

use chrono::NaiveDate;
use daftar_core::books::{fiscal_year, AccountLine, Period};
use daftar_core::locale::LocalFormat;
use daftar_core::report::TrialBalance;
use daftar_core::{chart, Book, Error, Locale, Organisation};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::Format;
pub use grid::{Cell, Grid};

pub struct Args {
    pub name: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub as_of: Option<String>,
    pub member: Option<u32>,
    pub loan: Option<u32>,
    pub month: Option<String>,
    /// Other books whose SHGs a CIF reconciliation reads.
    pub with: Vec<std::path::PathBuf>,
}

pub const NAMES: &str = "passbook, cash-book, bank-book, loan-ledger, portfolio, trial-balance, receipts-payments, income-expenditure, balance-sheet, monthly, grading, journal, cif-reconciliation";

fn lines(g: &mut Grid, section: &'static str, l: &[AccountLine]) {
    for a in l {
        g.row(vec![
            section.into(),
            a.code.clone().into(),
            Cell::Name(a.name.clone()),
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
        "Trial balance",
        format!("{} ({})", tb.org_name, tb.currency),
        vec!["account", "name", "debit", "credit"],
    );
    for r in &tb.rows {
        // A member's own account is named by its header, in the locale's words.
        let name = match (r.member_no, chart::member_header_name(&r.code)) {
            (Some(no), Some(header)) => Cell::Phrase(vec![
                Cell::Name(header.to_string()),
                Cell::Number(no.into()),
                Cell::Text(r.member_name.clone().unwrap_or_default()),
            ]),
            (Some(no), None) => Cell::Text(format!(
                "{} {no} {}",
                r.name,
                r.member_name.as_deref().unwrap_or("")
            )),
            (None, _) => Cell::Name(r.name.clone()),
        };
        let show = |d: Decimal| if d.is_zero() { Cell::Empty } else { d.into() };
        g.row(vec![
            r.code.clone().into(),
            name,
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

/// What every report needs: the organisation, the date it is as of, and how to show it.
pub(crate) struct Context<'a> {
    pub o: Organisation,
    pub as_of: NaiveDate,
    /// `as_of`, as the table's locale shows it.
    pub on: String,
    pub view: &'a View,
    a: &'a Args,
}

impl Context<'_> {
    /// A date typed on the command line, in the organisation's calendar.
    fn date(&self, field: &str, s: &Option<String>) -> Result<Option<NaiveDate>, Error> {
        s.as_deref()
            .map(|d| daftar_core::locale::parse_date(field, d, self.o.calendar))
            .transpose()
    }

    /// The period asked for; by default the fiscal year of `as_of`. Only reports
    /// over a period need one; the trial balance and balance sheet do not.
    pub fn period(&self) -> Result<Period, Error> {
        match (
            self.date("from", &self.a.from)?,
            self.date("to", &self.a.to)?,
        ) {
            (Some(f), Some(t)) => Period::new(f, t),
            (Some(f), None) => Period::new(f, self.as_of.max(f)),
            (None, to) => {
                let fy = fiscal_year(&self.o, to.unwrap_or(self.as_of))?;
                Period::new(fy.from, to.unwrap_or(fy.to))
            }
        }
    }

    /// Titles are for people: dates in the table's locale and calendar.
    pub fn day(&self, d: NaiveDate) -> Result<String, Error> {
        self.view.table_locale.date(d)
    }

    /// A member's or loan's number in a title, in the table's digits.
    pub fn number(&self, n: u32) -> String {
        self.view.table_locale.number(u64::from(n))
    }

    pub fn span(&self, p: &Period) -> Result<String, Error> {
        // A dash reads the same in every language the reports are shown in.
        Ok(format!("{} – {}", self.day(p.from)?, self.day(p.to)?))
    }
}

/// The number a report needs, such as `--member`, or a clear refusal.
pub(crate) fn need(v: Option<u32>, what: &str) -> Result<u32, Error> {
    v.ok_or_else(|| Error::InvalidInput {
        field: what.into(),
        reason: format!("this report needs --{what}"),
    })
}

pub fn run(book: &Book, org: uuid::Uuid, a: Args, view: &View) -> Result<String, Error> {
    let o = book.organisation(org)?;
    let mut c = Context {
        o,
        as_of: NaiveDate::MIN,
        on: String::new(),
        view,
        a: &a,
    };
    c.as_of = match c.date("as_of", &a.as_of)? {
        Some(d) => d,
        None => book.last_business_date(org)?,
    };
    c.on = c.day(c.as_of)?;
    use books::*;
    match a.name.as_str() {
        "passbook" => passbook(book, org, &a, &c),
        "cash-book" | "bank-book" => cash_book(book, org, &a, &c),
        "loan-ledger" => loan_ledger(book, org, &a, &c),
        "portfolio" => portfolio(book, org, &a, &c),
        "trial-balance" => trial_balance(book, org, &a, &c),
        "receipts-payments" => receipts_payments(book, org, &a, &c),
        "income-expenditure" => income_expenditure(book, org, &a, &c),
        "balance-sheet" => balance_sheet(book, org, &a, &c),
        "monthly" => monthly(book, org, &a, &c),
        "grading" => grading(book, org, &a, &c),
        "journal" => journal(book, org, &a, &c),
        "cif-reconciliation" => cif::reconciliation(book, org, &a, &c),
        other => Err(Error::InvalidInput {
            field: "report".into(),
            reason: format!("{other:?} is not one of {NAMES}"),
        }),
    }
}
