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
    /// The date `k` periods after `from`. Monthly dates keep the day of month,
    /// falling back to the month's last day (31 Jan + 1 month = 28/29 Feb).
    pub fn nth_after(self, from: NaiveDate, k: u32) -> Result<NaiveDate> {
        let d = match self {
            Frequency::Weekly => from.checked_add_signed(Duration::weeks(k as i64)),
            Frequency::Fortnightly => from.checked_add_signed(Duration::weeks(2 * k as i64)),
            Frequency::Monthly => from.checked_add_months(Months::new(k)),
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
    let mut out = Vec::with_capacity(n);
    let (mut principal_so_far, mut interest_so_far) = (0i64, 0i64);
    for (i, e) in exact.iter().enumerate() {
        let last = i + 1 == n;
        let principal = if last {
            t.principal
                .checked_sub(principal_so_far)
                .ok_or_else(too_large)?
        } else {
            round_minor(e.principal, scale, rounding)?
        };
        let interest = if last && fixed_charge {
            total_interest
                .checked_sub(interest_so_far)
                .ok_or_else(too_large)?
        } else {
            round_minor(e.interest, scale, rounding)?
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
            due_on: t.frequency.nth_after(disbursed_on, i as u32 + 1)?,
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
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn terms(
        principal: i64,
        rate: &str,
        period: RatePeriod,
        term: u32,
        f: Frequency,
        m: Method,
    ) -> LoanTerms {
        LoanTerms {
            principal,
            rate: rate.parse().unwrap(),
            rate_period: period,
            term,
            frequency: f,
            method: m,
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn flat_interest_is_on_the_original_principal_every_period() {
        // ₹12,000 at 2% a month flat for 12 months: ₹1,000 principal + ₹240 interest each month.
        let t = terms(
            1_200_000,
            "2",
            RatePeriod::Month,
            12,
            Frequency::Monthly,
            Method::Flat,
        );
        let s = schedule(&t, day("2025-01-31"), 2, RoundingRule::default()).unwrap();
        assert!(s
            .iter()
            .all(|i| i.principal == 100_000 && i.interest == 24_000));
        assert_eq!(s[0].due_on, day("2025-02-28"));
        assert_eq!(s[11].due_on, day("2026-01-31"));
    }

    #[test]
    fn reducing_balance_charges_interest_on_what_is_left() {
        // ₹10,000 at 24% a year, 4 monthly: principal 2,500; interest 2% of 10,000, 7,500, 5,000, 2,500.
        let t = terms(
            1_000_000,
            "24",
            RatePeriod::Year,
            4,
            Frequency::Monthly,
            Method::Reducing,
        );
        let s = schedule(&t, day("2025-04-01"), 2, RoundingRule::default()).unwrap();
        let interest: Vec<i64> = s.iter().map(|i| i.interest).collect();
        assert_eq!(interest, vec![20_000, 15_000, 10_000, 5_000]);
        assert!(s.iter().all(|i| i.principal == 250_000));
    }

    #[test]
    fn emi_instalments_are_level_and_the_last_absorbs_rounding() {
        // ₹10,000 at 1% a month for 12 months: EMI 888.49 (closed form).
        let t = terms(
            1_000_000,
            "1",
            RatePeriod::Month,
            12,
            Frequency::Monthly,
            Method::Emi,
        );
        let s = schedule(&t, day("2025-04-01"), 2, RoundingRule::default()).unwrap();
        assert_eq!(s[0].interest, 10_000);
        assert_eq!(s[0].principal + s[0].interest, 88_849);
        assert_eq!(s.iter().map(|i| i.principal).sum::<i64>(), 1_000_000);
        for i in &s {
            assert!((i.principal + i.interest - 88_849).abs() <= 2, "{i:?}");
        }
    }

    #[test]
    fn fee_loans_charge_a_fee_once_either_up_front_or_spread() {
        let t = terms(
            10_000_000,
            "3",
            RatePeriod::Year,
            10,
            Frequency::Monthly,
            Method::FeeDeducted,
        );
        let whole = RoundingRule::parse("half-up/whole").unwrap();
        assert_eq!(t.fee_at_disbursement(0, whole).unwrap(), 300_000);
        let s = schedule(&t, day("2024-03-20"), 0, whole).unwrap();
        assert!(s
            .iter()
            .all(|i| i.interest == 0 && i.principal == 1_000_000));
        let added = LoanTerms {
            method: Method::FeeAdded,
            term: 7,
            ..t
        };
        let s = schedule(&added, day("2024-03-20"), 0, whole).unwrap();
        assert_eq!(s.iter().map(|i| i.interest).sum::<i64>(), 300_000);
        assert_eq!(s.iter().map(|i| i.principal).sum::<i64>(), 10_000_000);
        assert_eq!(added.fee_at_disbursement(0, whole).unwrap(), 0);
    }

    #[test]
    fn whole_unit_rounding_keeps_every_instalment_in_whole_rupees_but_the_last() {
        let t = terms(
            1_000_000,
            "24",
            RatePeriod::Year,
            3,
            Frequency::Monthly,
            Method::Flat,
        );
        let whole = RoundingRule::parse("half-up/whole").unwrap();
        let s = schedule(&t, day("2025-04-01"), 2, whole).unwrap();
        // 10,000 / 3 = 3,333.33 → 3,333, 3,333, then 3,334.
        assert_eq!(
            s.iter().map(|i| i.principal).collect::<Vec<_>>(),
            vec![333_300, 333_300, 333_400]
        );
        assert!(s.iter().all(|i| i.interest == 20_000));
    }

    #[test]
    fn weekly_and_fortnightly_rates_are_the_yearly_rate_over_52_and_26() {
        let t = terms(
            5_200_000,
            "26",
            RatePeriod::Year,
            26,
            Frequency::Weekly,
            Method::Flat,
        );
        assert_eq!(t.period_rate(), Decimal::new(5, 3));
        let f = LoanTerms {
            frequency: Frequency::Fortnightly,
            ..t.clone()
        };
        assert_eq!(f.period_rate(), Decimal::new(1, 2));
        let m = LoanTerms {
            rate_period: RatePeriod::Month,
            rate: "2".parse().unwrap(),
            ..f
        };
        assert_eq!(
            m.period_rate(),
            Decimal::new(2, 2) * Decimal::from(12) / Decimal::from(26)
        );
        let s = schedule(&t, day("2025-04-07"), 2, RoundingRule::default()).unwrap();
        assert_eq!(s[1].due_on, day("2025-04-21"));
    }

    #[test]
    fn bad_terms_name_their_field() {
        let ok = terms(
            100,
            "1",
            RatePeriod::Month,
            1,
            Frequency::Monthly,
            Method::Emi,
        );
        for (t, field) in [
            (
                LoanTerms {
                    principal: 0,
                    ..ok.clone()
                },
                "principal",
            ),
            (
                LoanTerms {
                    term: 0,
                    ..ok.clone()
                },
                "term",
            ),
            (
                LoanTerms {
                    term: MAX_TERM + 1,
                    ..ok.clone()
                },
                "term",
            ),
            (
                LoanTerms {
                    rate: "-1".parse().unwrap(),
                    ..ok.clone()
                },
                "rate",
            ),
            (
                LoanTerms {
                    rate: "11".parse().unwrap(),
                    ..ok.clone()
                },
                "rate",
            ),
        ] {
            let e = t.validate().unwrap_err();
            assert!(
                matches!(e, Error::InvalidInput { field: ref f, .. } if f == field),
                "{e}"
            );
        }
    }

    proptest! {
        #[test]
        fn the_principal_column_always_sums_to_the_loan(
            principal in 1_000i64..100_000_000,
            rate in 0u32..=3000,
            term in 1u32..=60,
            method in prop_oneof![Just(Method::Flat), Just(Method::Reducing), Just(Method::Emi), Just(Method::FeeDeducted), Just(Method::FeeAdded)],
            whole in any::<bool>(),
        ) {
            let t = LoanTerms {
                principal, rate: Decimal::new(rate as i64, 2), rate_period: RatePeriod::Year,
                term, frequency: Frequency::Monthly, method,
            };
            let rule = if whole { RoundingRule::parse("half-up/whole").unwrap() } else { RoundingRule::default() };
            if let Ok(s) = schedule(&t, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), 2, rule) {
                prop_assert_eq!(s.iter().map(|i| i.principal).sum::<i64>(), principal);
                prop_assert!(s.iter().all(|i| i.principal >= 0 && i.interest >= 0));
            } else {
                // Only whole-unit rounding of tiny loans may refuse.
                prop_assert!(whole);
            }
        }
    }
}
