//! `daftar loan schedule`: a repayment schedule from terms alone.

use daftar_core::loan::schedule::{schedule, LoanTerms};
use daftar_core::loan::{Frequency, Method, RatePeriod};
use daftar_core::money::{from_minor, parse_decimal, positive_minor};
use daftar_core::org::Calendar;
use daftar_core::{Currency, Error, RoundingRule};
use rust_decimal::Decimal;
use serde::Serialize;

pub struct Args {
    pub principal: String,
    pub rate: String,
    pub rate_period: String,
    pub term: u32,
    pub frequency: String,
    pub method: String,
    pub start: String,
    pub currency: String,
    pub scale: Option<u32>,
    pub rounding: String,
    pub calendar: String,
}

#[derive(Serialize)]
pub struct Row {
    pub no: u32,
    pub due_on: chrono::NaiveDate,
    /// `due_on` in the schedule's calendar, as YYYY-MM-DD (1404-02-31).
    pub due_on_in_calendar: String,
    pub principal: Decimal,
    pub interest: Decimal,
    pub instalment: Decimal,
    /// Principal left after this instalment.
    pub balance: Decimal,
}

#[derive(Serialize)]
pub struct Schedule {
    pub currency: String,
    pub calendar: Calendar,
    pub principal: Decimal,
    /// The period rate as a fraction, exactly as used.
    pub period_rate: Decimal,
    /// A fee taken at payout (fee-deducted loans), else zero.
    pub fee_at_disbursement: Decimal,
    pub rows: Vec<Row>,
    pub total_principal: Decimal,
    pub total_interest: Decimal,
}

pub fn compute(a: &Args) -> Result<Schedule, Error> {
    let currency = Currency::new(&a.currency, a.scale)?;
    let scale = currency.scale;
    let rounding = RoundingRule::parse(&a.rounding)?;
    let terms = LoanTerms {
        principal: positive_minor(
            "principal",
            parse_decimal("principal", &a.principal)?,
            scale,
        )?,
        rate: parse_decimal("rate", &a.rate)?,
        rate_period: RatePeriod::parse(&a.rate_period)?,
        term: a.term,
        frequency: Frequency::parse(&a.frequency)?,
        method: Method::parse(&a.method)?,
    };
    let calendar = Calendar::parse(&a.calendar)?;
    let start = daftar_core::locale::parse_date("start", &a.start, calendar)?;
    let instalments = schedule(&terms, start, calendar, scale, rounding)?;
    let mut left = terms.principal;
    let d = |m: i64| from_minor(m, scale);
    let rows = instalments
        .iter()
        .map(|i| {
            left -= i.principal;
            let c = daftar_core::locale::to_calendar(i.due_on, calendar)?;
            Ok(Row {
                no: i.no,
                due_on: i.due_on,
                due_on_in_calendar: format!("{:04}-{:02}-{:02}", c.year, c.month, c.day),
                principal: d(i.principal),
                interest: d(i.interest),
                instalment: d(i.principal + i.interest),
                balance: d(left),
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(Schedule {
        currency: currency.code,
        calendar,
        principal: d(terms.principal),
        period_rate: terms.period_rate(),
        fee_at_disbursement: d(terms.fee_at_disbursement(scale, rounding)?),
        rows,
        total_principal: d(instalments.iter().map(|i| i.principal).sum()),
        total_interest: d(instalments.iter().map(|i| i.interest).sum()),
    })
}

pub fn table(s: &Schedule) -> String {
    let mut out = format!(
        "{:>4}  {:<10}  {:>14}  {:>14}  {:>14}  {:>14}\n",
        "no", "due", "principal", "interest", "instalment", "balance"
    );
    for r in &s.rows {
        out += &format!(
            "{:>4}  {:<10}  {:>14}  {:>14}  {:>14}  {:>14}\n",
            r.no, r.due_on_in_calendar, r.principal, r.interest, r.instalment, r.balance
        );
    }
    out += &format!(
        "{:>4}  {:<10}  {:>14}  {:>14}  {:>14}\n",
        "",
        "total",
        s.total_principal,
        s.total_interest,
        s.total_principal + s.total_interest
    );
    if !s.fee_at_disbursement.is_zero() {
        out += &format!(
            "fee deducted at payout: {} {}\n",
            s.fee_at_disbursement, s.currency
        );
    }
    out
}

pub fn csv(s: &Schedule) -> String {
    let mut out =
        String::from("no,due_on,due_on_in_calendar,principal,interest,instalment,balance\n");
    for r in &s.rows {
        out += &format!(
            "{},{},{},{},{},{},{}\n",
            r.no, r.due_on, r.due_on_in_calendar, r.principal, r.interest, r.instalment, r.balance
        );
    }
    out
}
