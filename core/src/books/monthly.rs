//! The monthly report of an organisation's meetings, savings, lending and cash.

use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::{Period, Portfolio};
use crate::book::Book;
use crate::chart::{BANK, CASH};
use crate::error::{Error, Result};
use crate::event::{Event, EventBody};
use crate::loan::allocation::Component;
use crate::money::from_minor;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthlyReport {
    pub period: Period,
    pub meetings: Vec<NaiveDate>,
    /// Share of marked members present, to four places.
    pub attendance: Decimal,
    pub compulsory_savings: Decimal,
    pub voluntary_savings: Decimal,
    pub withdrawals: Decimal,
    pub loans_disbursed: u32,
    pub amount_disbursed: Decimal,
    pub principal_repaid: Decimal,
    pub interest_collected: Decimal,
    pub penalties_collected: Decimal,
    pub fines_and_fees: Decimal,
    pub closing_cash: Decimal,
    pub closing_bank: Decimal,
    pub portfolio: Portfolio,
}

impl Book {
    /// The month's meetings, savings, lending and cash, with the portfolio at month end.
    pub fn monthly_report(&self, org: Uuid, year: i32, month: u32) -> Result<MonthlyReport> {
        let (_, scale) = self.scale_of(org)?;
        let p = month_period(self.organisation(org)?.calendar, year, month)?;
        let (from, to) = (p.from, p.to);
        let meetings: Vec<NaiveDate> = self
            .meetings(org)?
            .into_iter()
            .map(|m| m.held_on)
            .filter(|d| *d >= from && *d <= to)
            .collect();
        let (marked, present): (i64, i64) = self.with_conn(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT count(*), COALESCE(SUM(a.present), 0) FROM attendance a JOIN meetings m
                   ON m.org_id = a.org_id AND m.meeting_no = a.meeting_no
                 WHERE a.org_id = ?1 AND m.held_on BETWEEN ?2 AND ?3",
                )?
                .query_row(
                    params![org.to_string(), from.to_string(), to.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
        })?;
        // Sum the facts of the month's events by kind.
        let events: Vec<Vec<u8>> = self.with_conn(|conn| {
            let mut st = conn.prepare(
                "SELECT canonical FROM events WHERE org_id = ?1 AND business_date BETWEEN ?2 AND ?3
                 AND kind IN ('savings.deposit', 'savings.withdrawal', 'loan.disbursed', 'loan.repaid', 'charge.collected')
                 AND NOT EXISTS (SELECT 1 FROM reversals r WHERE r.org_id = events.org_id AND r.original_seq = events.seq)",
            )?;
            let rows = st.query_map(params![org.to_string(), from.to_string(), to.to_string()], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let (mut comp, mut vol, mut wd, mut n, mut disb, mut pri, mut int, mut pen, mut fees) =
            (0i64, 0i64, 0i64, 0u32, 0i64, 0i64, 0i64, 0i64, 0i64);
        for bytes in events {
            match Event::from_canonical_bytes(&bytes)?.body {
                EventBody::SavingsDeposit { amount, fund, .. } => {
                    if fund.is_compulsory() {
                        comp += amount
                    } else {
                        vol += amount
                    }
                }
                EventBody::SavingsWithdrawal { amount, .. } => wd += amount,
                EventBody::LoanDisbursed { principal, .. } => {
                    n += 1;
                    disb += principal;
                }
                EventBody::LoanRepaid {
                    allocation,
                    payable: false,
                    ..
                } => {
                    pri += allocation.total(Component::Principal);
                    int += allocation.total(Component::Interest);
                    pen += allocation.total(Component::Penalty);
                }
                EventBody::ChargeCollected { amount, .. } => fees += amount,
                _ => {}
            }
        }
        let d = |m: i64| from_minor(m, scale);
        let closing = self.balances_as_of(org, to)?;
        Ok(MonthlyReport {
            period: p,
            meetings,
            attendance: if marked == 0 {
                Decimal::ZERO
            } else {
                (Decimal::from(present) / Decimal::from(marked)).round_dp(4)
            },
            compulsory_savings: d(comp),
            voluntary_savings: d(vol),
            withdrawals: d(wd),
            loans_disbursed: n,
            amount_disbursed: d(disb),
            principal_repaid: d(pri),
            interest_collected: d(int),
            penalties_collected: d(pen),
            fines_and_fees: d(fees),
            closing_cash: d(closing.get(CASH).copied().unwrap_or(0)),
            closing_bank: d(closing.get(BANK).copied().unwrap_or(0)),
            portfolio: self.portfolio(org, to)?,
        })
    }
}

/// The days of `year`-`month` in the organisation's calendar: Azar 1405 for an
/// Iranian fund.
fn month_period(calendar: crate::org::Calendar, year: i32, month: u32) -> Result<Period> {
    let first = |year: i32, month: u32| {
        crate::locale::from_calendar(
            calendar,
            crate::locale::CalendarDate {
                year,
                month,
                day: 1,
            },
        )
        .map_err(|_| Error::invalid("month", format!("{year}-{month} is not a month")))
    };
    if !(1..=12).contains(&month) {
        return Err(Error::invalid(
            "month",
            format!("{year}-{month} is not a month"),
        ));
    }
    let from = first(year, month)?;
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let to = first(ny, nm)?.pred_opt().unwrap_or(from);
    Ok(Period { from, to })
}
