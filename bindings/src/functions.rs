//! Functions that need no open book: amounts and dates in a locale, new op_ids,
//! loan schedules, and the demo book.

use std::sync::Arc;

use chrono::NaiveDate;
use daftar_core as core;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::book::{with_progress, ProgressListener};
use crate::error::{DaftarError, Result};
use crate::types::crossing::{Crossing, FromCore, IntoCore};
use crate::types::*;
use core::{Calendar, Locale};

/// An amount as the locale writes it: `12,34,567.00` (en-IN), Devanagari digits
/// (hi-IN), Persian digits and separators (fa-IR). Keeps the decimal places given.
#[uniffi::export]
pub fn format_amount(amount: Decimal, locale: Locale) -> Result<String> {
    Ok(core::locale::format_amount(amount, locale)?)
}

/// Many amounts written as [`format_amount`] does, in one call: a screen's
/// table costs one call for all its figures rather than one per cell.
#[uniffi::export]
pub fn format_amounts(amounts: Vec<Decimal>, locale: Locale) -> Result<Vec<String>> {
    amounts
        .into_iter()
        .map(|a| Ok(core::locale::format_amount(a, locale)?))
        .collect()
}

/// Many dates written as [`format_date`] does, in one call.
#[uniffi::export]
pub fn format_dates(dates: Vec<NaiveDate>, locale: Locale) -> Result<Vec<String>> {
    dates
        .into_iter()
        .map(|d| Ok(core::locale::format_date(d, locale)?))
        .collect()
}

/// Reads an amount typed in Latin, Devanagari, Persian or Arabic-Indic digits with
/// any of their separators. Ambiguous input (`12,5`, `1.234.567`) is an
/// `InvalidInput` naming `field`, never a guess.
#[uniffi::export]
pub fn parse_amount(field: String, text: String) -> Result<Decimal> {
    Ok(core::locale::parse_amount(&field, &text)?)
}

/// A date as the locale shows it, in its calendar: `25/11/2026`, `२५/११/२०२६`, `۱۴۰۵/۰۹/۰۴`.
#[uniffi::export]
pub fn format_date(date: NaiveDate, locale: Locale) -> Result<String> {
    Ok(core::locale::format_date(date, locale)?)
}

/// Reads a date typed in `calendar` (year first, any digits): `1405/09/04` for a
/// Solar Hijri organisation, `2026-11-25` or `25/11/2026` for a Gregorian one.
#[uniffi::export]
pub fn parse_date(field: String, text: String, calendar: Calendar) -> Result<NaiveDate> {
    Ok(core::locale::parse_date(&field, &text, calendar)?)
}

/// Whether this library can encrypt books (built with the cargo feature
/// `encrypted`): the app encrypts a new book only when it can.
#[uniffi::export]
pub fn encryption_available() -> bool {
    core::encryption::AVAILABLE
}

/// A fresh op_id (UUID v7) for a new command. Keep it with the command, and send
/// the same one again when retrying, so a retry never records twice.
#[uniffi::export]
pub fn new_op_id() -> Uuid {
    Uuid::now_v7()
}

/// A repayment schedule from terms alone (no book), rounded by `rounding`;
/// monthly instalments keep the day of the month in `calendar` (Gregorian
/// unless given).
#[uniffi::export(default(calendar = None))]
pub fn loan_schedule(
    request: LoanRequest,
    currency: Currency,
    rounding: core::RoundingRule,
    disbursed_on: NaiveDate,
    calendar: Option<core::org::Calendar>,
) -> Result<Vec<ScheduleRow>> {
    let scale = currency.scale.into_core("scale")?;
    let currency = core::Currency::new(&currency.code, Some(scale))?;
    let request: core::lending::LoanRequest = request.into_core("request")?;
    let terms = request.terms(currency.scale)?;
    let calendar = calendar.unwrap_or(core::org::Calendar::Gregorian);
    let rows =
        core::loan::schedule::schedule(&terms, disbursed_on, calendar, currency.scale, rounding)?;
    let rows = rows.into_iter().map(|i| {
        Ok(ScheduleRow {
            no: FromCore::from_core(i.no, "no")?,
            due_on: i.due_on,
            principal: core::money::from_minor(i.principal, currency.scale),
            interest: core::money::from_minor(i.interest, currency.scale),
        })
    });
    Ok(rows.collect::<Crossing<_>>()?)
}

/// Builds the demo book at `path` (which must not exist yet), reporting progress.
#[uniffi::export]
pub fn build_demo(
    path: String,
    seed: i64,
    listener: Option<Arc<dyn ProgressListener>>,
) -> Result<DemoInfo> {
    if std::path::Path::new(&path).exists() {
        return Err(DaftarError::Conflict {
            reason: format!("{path} exists; the demo is built into a new file"),
        });
    }
    let book = core::Book::open(&path)?;
    // A seed is 64 bits of entropy: a negative Long is as good a seed as any.
    let seed = u64::from_ne_bytes(seed.to_ne_bytes());
    let made = with_progress(&listener, |p| core::demo::build(&book, seed, p))?;
    Ok(DemoInfo {
        organisations: made.organisations,
        events: FromCore::from_core(made.events, "events")?,
    })
}
