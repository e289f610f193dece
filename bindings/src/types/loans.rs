//! A loan as Kotlin sees it: every amount in the organisation's currency
//! (`BigDecimal`), never the core's minor units.

use chrono::NaiveDate;
use daftar_core as core;
use rust_decimal::Decimal;

use core::lending::LoanStatus;
use core::loan::{Frequency, Method, RatePeriod};

use super::crossing::{Crossing, FromCore};

/// A loan's terms, its principal in the organisation's currency.
#[derive(uniffi::Record)]
pub struct LoanTerms {
    pub principal: Decimal,
    pub rate: Decimal,
    pub rate_period: RatePeriod,
    pub term: i32,
    pub frequency: Frequency,
    pub method: Method,
}

/// One instalment as it stands: what falls due and what has been paid of it,
/// in the organisation's currency.
#[derive(uniffi::Record)]
pub struct InstalmentState {
    pub no: i32,
    pub due_on: NaiveDate,
    pub principal: Decimal,
    pub interest: Decimal,
    pub penalty: Decimal,
    pub principal_paid: Decimal,
    pub interest_paid: Decimal,
    pub penalty_paid: Decimal,
    pub penalty_assessed: bool,
}

/// A loan: to a member, or the organisation's own borrowing (no member).
#[derive(uniffi::Record)]
pub struct Loan {
    pub loan_no: i32,
    pub member_no: Option<i32>,
    pub source: String,
    pub status: LoanStatus,
    pub terms: LoanTerms,
    pub applied_on: NaiveDate,
    pub approved_meeting: Option<i32>,
    pub disbursed_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub instalments: Vec<InstalmentState>,
    pub reference: Option<String>,
}

impl Loan {
    /// The core's loan, its minor units as amounts of the currency with `scale` decimals.
    pub(crate) fn from_core(l: core::lending::Loan, scale: u32) -> Crossing<Loan> {
        let d = |m: i64| core::money::from_minor(m, scale);
        let t = l.terms;
        Ok(Loan {
            loan_no: FromCore::from_core(l.loan_no, "loan_no")?,
            member_no: FromCore::from_core(l.member_no, "member_no")?,
            source: l.source,
            status: l.status,
            terms: LoanTerms {
                principal: d(t.principal),
                rate: t.rate,
                rate_period: t.rate_period,
                term: FromCore::from_core(t.term, "term")?,
                frequency: t.frequency,
                method: t.method,
            },
            applied_on: l.applied_on,
            approved_meeting: FromCore::from_core(l.approved_meeting, "approved_meeting")?,
            disbursed_on: l.disbursed_on,
            closed_on: l.closed_on,
            instalments: l
                .instalments
                .into_iter()
                .map(|i| {
                    Ok(InstalmentState {
                        no: FromCore::from_core(i.no, "no")?,
                        due_on: i.due_on,
                        principal: d(i.principal),
                        interest: d(i.interest),
                        penalty: d(i.penalty),
                        principal_paid: d(i.principal_paid),
                        interest_paid: d(i.interest_paid),
                        penalty_paid: d(i.penalty_paid),
                        penalty_assessed: i.penalty_assessed,
                    })
                })
                .collect::<Crossing<_>>()?,
            reference: l.reference,
        })
    }
}
