//! Loan terms and repayment schedules: flat, reducing balance (equal principal),
//! EMI, and fee-based (qard al-hasan). Pure calculation, no book.
//!
//! Each period's interest and principal are computed exactly (in `Decimal`) and
//! then rounded one by one by the organisation's rounding rule; the last
//! instalment's principal absorbs the rounding so the principal column sums to
//! the loan exactly. For flat and fee loans, whose total charge is fixed by
//! contract, the last instalment's interest absorbs it too.

use chrono::{Duration, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::{RoundingRule, RoundingUnit};
use crate::org::Calendar;

/// The longest loan, in instalments (ten years of weekly instalments).
pub const MAX_TERM: u32 = 520;
/// The highest rate accepted, as percent per year (or its monthly equivalent).
pub const MAX_ANNUAL_RATE_PERCENT: u32 = 120;
/// The largest principal, in minor units: ten lakh crore paise, or a thousand
/// trillion rials. With the limits above, every figure of a schedule fits an i64.
pub const MAX_PRINCIPAL_MINOR: i64 = 1_000_000_000_000_000;

fn too_large() -> Error {
    Error::invalid(
        "terms",
        "the schedule's figures are too large to compute exactly; lend less, or over fewer instalments",
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Weekly,
    Fortnightly,
    Monthly,
}

impl Frequency {
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "weekly" => Ok(Frequency::Weekly),
            "fortnightly" => Ok(Frequency::Fortnightly),
            "monthly" => Ok(Frequency::Monthly),
            _ => Err(Error::invalid(
                "frequency",
                format!("{s:?} is not weekly, fortnightly or monthly"),
            )),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::Fortnightly => "fortnightly",
            Frequency::Monthly => "monthly",
        }
    }
    fn per_year(self) -> u32 {
        match self {
            Frequency::Weekly => 52,
            Frequency::Fortnightly => 26,
            Frequency::Monthly => 12,
        }
    }
    /// The date `k` periods after `from`. Monthly dates keep the day of the
    /// month in the organisation's calendar, falling back to the month's last
    /// day: 31 Jan + 1 month is 28/29 Feb; 31 Farvardin + 6 months is 30 Mehr.
    pub fn nth_after(self, from: NaiveDate, k: u32, calendar: Calendar) -> Result<NaiveDate> {
        let d = match (self, calendar) {
            (Frequency::Weekly, _) => from.checked_add_signed(Duration::weeks(k as i64)),
            (Frequency::Fortnightly, _) => from.checked_add_signed(Duration::weeks(2 * k as i64)),
            (Frequency::Monthly, Calendar::Gregorian) => from.checked_add_months(Months::new(k)),
            (Frequency::Monthly, Calendar::Persian) => months_after_in(calendar, from, k)?,
        };
        d.filter(|d| *d <= crate::locale::LAST_DATE).ok_or_else(|| {
            Error::invalid(
                "date",
                format!(
                    "the schedule runs past {}, the last date a book supports",
                    crate::locale::LAST_DATE
                ),
            )
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RatePeriod {
    Year,
    Month,
}

impl RatePeriod {
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "year" => Ok(RatePeriod::Year),
            "month" => Ok(RatePeriod::Month),
            _ => Err(Error::invalid(
                "rate_period",
                format!("{s:?} is not year or month"),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Interest each period on the original principal.
    Flat,
    /// Equal principal; interest on the balance outstanding before each instalment.
    Reducing,
    /// Equal instalments: P·r(1+r)^n / ((1+r)^n − 1).
    Emi,
    /// Interest-free with a one-time service fee of `rate` percent of the principal,
    /// taken when the loan is paid out.
    FeeDeducted,
    /// Interest-free with a service fee of `rate` percent, spread over the instalments.
    FeeAdded,
}

impl Method {
    /// `fee` alone means the fee is deducted at disbursement, the common practice.
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "flat" => Ok(Method::Flat),
            "reducing" => Ok(Method::Reducing),
            "emi" => Ok(Method::Emi),
            "fee" | "fee-deducted" => Ok(Method::FeeDeducted),
            "fee-added" => Ok(Method::FeeAdded),
            _ => Err(Error::invalid(
                "method",
                format!("{s:?} is not flat, reducing, emi, fee-deducted or fee-added"),
            )),
        }
    }
}

/// The same day `k` months after `from` in `calendar`, or the month's last day
/// where the month is shorter.
fn months_after_in(calendar: Calendar, from: NaiveDate, k: u32) -> Result<Option<NaiveDate>> {
    let c = crate::locale::to_calendar(from, calendar)?;
    let months = i64::from(c.month - 1) + i64::from(k);
    let Ok(year) = i32::try_from(i64::from(c.year) + months.div_euclid(12)) else {
        return Ok(None);
    };
    let month = months.rem_euclid(12) as u32 + 1;
    // A month has at least 28 days in either calendar; step back to its last.
    let mut day = c.day;
    loop {
        match crate::locale::from_calendar(
            calendar,
            crate::locale::CalendarDate { year, month, day },
        ) {
            Ok(date) => return Ok(Some(date)),
            Err(_) if day > 28 => day -= 1,
            Err(e) => return Err(e),
        }
    }
}

/// What a loan was agreed on. Amounts in minor units; `rate` in percent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanTerms {
    pub principal: i64,
    /// Percent per `rate_period` (for fee methods: percent of the principal, once).
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
    pub rate_period: RatePeriod,
    pub term: u32,
    pub frequency: Frequency,
    pub method: Method,
}

impl LoanTerms {
    pub fn validate(&self) -> Result<()> {
        if self.principal <= 0 {
            return Err(Error::invalid("principal", "must be more than zero"));
        }
        if self.principal > MAX_PRINCIPAL_MINOR {
            return Err(Error::invalid(
                "principal",
                format!(
                    "{} minor units is above the limit of {MAX_PRINCIPAL_MINOR}",
                    self.principal
                ),
            ));
        }
        if self.term == 0 || self.term > MAX_TERM {
            return Err(Error::invalid(
                "term",
                format!("{} is not 1 to {MAX_TERM} instalments", self.term),
            ));
        }
        if self.rate < Decimal::ZERO {
            return Err(Error::invalid("rate", "must not be negative"));
        }
        let annual = match self.rate_period {
            RatePeriod::Year => self.rate,
            RatePeriod::Month => self.rate * Decimal::from(12),
        };
        if annual > Decimal::from(MAX_ANNUAL_RATE_PERCENT) {
            return Err(Error::invalid(
                "rate",
                format!(
                    "{}% a {:?} is above the limit of {MAX_ANNUAL_RATE_PERCENT}% a year",
                    self.rate, self.rate_period
                ),
            ));
        }
        if self.rate.scale() > 6 {
            return Err(Error::invalid("rate", "has more than 6 decimal places"));
        }
        if matches!(self.method, Method::FeeDeducted) && self.rate >= Decimal::ONE_HUNDRED {
            return Err(Error::invalid(
                "rate",
                "a fee deducted at payout must be less than the loan itself",
            ));
        }
        Ok(())
    }

    /// The interest rate per instalment period, as a fraction.
    pub fn period_rate(&self) -> Decimal {
        let pct = self.rate / Decimal::ONE_HUNDRED;
        match (self.rate_period, self.frequency) {
            (RatePeriod::Year, f) => pct / Decimal::from(f.per_year()),
            (RatePeriod::Month, Frequency::Monthly) => pct,
            (RatePeriod::Month, f) => pct * Decimal::from(12) / Decimal::from(f.per_year()),
        }
    }

    /// The fee taken at disbursement (fee-deducted loans only).
    pub fn fee_at_disbursement(&self, scale: u32, rounding: RoundingRule) -> Result<i64> {
        match self.method {
            Method::FeeDeducted => round_minor(self.fee_exact(), scale, rounding),
            _ => Ok(0),
        }
    }

    fn fee_exact(&self) -> Decimal {
        Decimal::from(self.principal) * self.rate / Decimal::ONE_HUNDRED
    }
}

/// One instalment of a schedule, in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    pub no: u32,
    pub due_on: NaiveDate,
    pub principal: i64,
    pub interest: i64,
}

/// The exact (unrounded) amounts of one period, in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactPeriod {
    pub principal: Decimal,
    pub interest: Decimal,
}

/// The exact schedule, before any rounding. Every operation is checked: a figure
/// beyond what `Decimal` holds is refused, never wrapped or rounded away.
pub fn exact_schedule(t: &LoanTerms) -> Result<Vec<ExactPeriod>> {
    let p = Decimal::from(t.principal);
    let n = Decimal::from(t.term);
    let r = t.period_rate();
    let even = p.checked_div(n).ok_or_else(too_large)?;
    let mul = |a: Decimal, b: Decimal| a.checked_mul(b).ok_or_else(too_large);
    let same = |principal: Decimal, interest: Decimal| {
        (0..t.term)
            .map(|_| ExactPeriod {
                principal,
                interest,
            })
            .collect()
    };
    Ok(match t.method {
        Method::Flat => same(even, mul(p, r)?),
        Method::Reducing => (0..t.term)
            .map(|k| {
                let before = p - mul(even, Decimal::from(k))?;
                Ok(ExactPeriod {
                    principal: even,
                    interest: mul(before, r)?,
                })
            })
            .collect::<Result<_>>()?,
        Method::Emi if r.is_zero() => same(even, Decimal::ZERO),
        Method::Emi => {
            let mut growth = Decimal::ONE;
            for _ in 0..t.term {
                growth = mul(growth, Decimal::ONE + r)?;
            }
            let emi = mul(mul(p, r)?, growth)?
                .checked_div(growth - Decimal::ONE)
                .ok_or_else(too_large)?;
            let mut outstanding = p;
            (0..t.term)
                .map(|_| {
                    let interest = mul(outstanding, r)?;
                    let principal = emi - interest;
                    outstanding -= principal;
                    Ok(ExactPeriod {
                        principal,
                        interest,
                    })
                })
                .collect::<Result<_>>()?
        }
        Method::FeeDeducted => same(even, Decimal::ZERO),
        Method::FeeAdded => same(even, t.fee_exact().checked_div(n).ok_or_else(too_large)?),
    })
}

/// Rounds a minor-unit amount by the rule: to the minor unit, or to whole units.
/// An amount beyond an i64 is refused, never clamped.
pub fn round_minor(x: Decimal, scale: u32, rule: RoundingRule) -> Result<i64> {
    let unit = match rule.unit {
        RoundingUnit::Minor => Decimal::ONE,
        RoundingUnit::Whole => Decimal::from(10i64.checked_pow(scale).ok_or_else(too_large)?),
    };
    // `round` on major units with 0 places is the same as on minor units with the unit.
    let as_units = rule.round(x.checked_div(unit).ok_or_else(too_large)?, 0);
    let v = as_units.checked_mul(unit).ok_or_else(too_large)?;
    i64::try_from(v).map_err(|_| too_large())
}

/// The schedule of a loan paid out on `disbursed_on`: the first instalment falls
/// one period later.
pub fn schedule(
    t: &LoanTerms,
    disbursed_on: NaiveDate,
    calendar: Calendar,
    scale: u32,
    rounding: RoundingRule,
) -> Result<Vec<Instalment>> {
    t.validate()?;
    let exact = exact_schedule(t)?;
    let n = exact.len();
    let fixed_charge = matches!(t.method, Method::Flat | Method::FeeAdded);
    let total_exact = exact
        .iter()
        .try_fold(Decimal::ZERO, |sum, e| sum.checked_add(e.interest))
        .ok_or_else(too_large)?;
    let total_interest = round_minor(total_exact, scale, rounding)?;
    // An EMI is one number, rounded once: every instalment but the last pays
    // exactly it, its interest follows the exact schedule and its principal is
    // the rest; the last pays what is left.
    let level = match (t.method, exact.first()) {
        (Method::Emi, Some(e)) => Some(round_minor(
            e.principal.checked_add(e.interest).ok_or_else(too_large)?,
            scale,
            rounding,
        )?),
        _ => None,
    };
    let mut out = Vec::with_capacity(n);
    let (mut principal_so_far, mut interest_so_far) = (0i64, 0i64);
    for (i, e) in exact.iter().enumerate() {
        let last = i + 1 == n;
        let interest = if last && fixed_charge {
            total_interest
                .checked_sub(interest_so_far)
                .ok_or_else(too_large)?
        } else {
            round_minor(e.interest, scale, rounding)?
        };
        let principal = match level {
            _ if last => t
                .principal
                .checked_sub(principal_so_far)
                .ok_or_else(too_large)?,
            Some(level) => level.checked_sub(interest).ok_or_else(too_large)?,
            None => round_minor(e.principal, scale, rounding)?,
        };
        principal_so_far = principal_so_far
            .checked_add(principal)
            .ok_or_else(too_large)?;
        interest_so_far = interest_so_far
            .checked_add(interest)
            .ok_or_else(too_large)?;
        // The instalment as a whole must fit too: it is what a member pays.
        principal.checked_add(interest).ok_or_else(too_large)?;
        out.push(Instalment {
            no: i as u32 + 1,
            due_on: t
                .frequency
                .nth_after(disbursed_on, i as u32 + 1, calendar)?,
            principal,
            interest,
        });
    }
    debug_assert_eq!(principal_so_far, t.principal);
    if out.iter().any(|i| i.principal < 0 || i.interest < 0) {
        return Err(Error::invalid(
            "term",
            "the rounding rule leaves an instalment below zero; use fewer instalments or round to the minor unit",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
