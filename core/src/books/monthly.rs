//! The monthly report of an organisation's meetings, savings, lending and cash.

use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::{Period, Portfolio};
use crate::book::Book;
use crate::chart::{BANK, CASH, LOAN_INTEREST};
use crate::chart::{MEMBER_SAVINGS, MEMBER_VOLUNTARY};
use crate::error::{Error, Result};
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
    /// Savings returned to members who left, gross: before any loan settled from them.
    pub savings_returned: Decimal,
    pub loans_disbursed: u32,
    pub amount_disbursed: Decimal,
    /// Principal repaid, including what was settled from savings at an exit.
    pub principal_repaid: Decimal,
    pub interest_collected: Decimal,
    pub penalties_collected: Decimal,
    /// Fines and fees collected, and fees deducted from loans at payout
    /// (a qard al-hasan fund's service fee).
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
        let (marked, present): (i64, i64) = self.with_reader(|conn| {
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
        let sums = self.month_sums(org, p)?;
        let (comp, vol, wd) = (sums.compulsory, sums.voluntary, sums.withdrawals);
        let (n, disb, fees) = (sums.loans, sums.disbursed, sums.fees);
        let (pri, int, pen) = (sums.principal, sums.interest, sums.penalties);
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
            savings_returned: d(sums.returned),
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

/// What moved in a month, in minor units, entries later reversed left out.
struct MonthSums {
    compulsory: i64,
    voluntary: i64,
    withdrawals: i64,
    returned: i64,
    loans: u32,
    disbursed: i64,
    principal: i64,
    interest: i64,
    penalties: i64,
    fees: i64,
}

impl Book {
    /// The month's savings from the members' ledgers, its lending from
    /// `loan_movements` (exits' settlements included) and its fees and fines
    /// from `member_charges` and the payouts' entries: all
    /// projections, none of it decoded from the event log.
    fn month_sums(&self, org: Uuid, p: Period) -> Result<MonthSums> {
        let (o, from, to) = (org.to_string(), p.from.to_string(), p.to.to_string());
        self.with_reader(|conn| {
            let savings = |header: &str, kind: &str| -> Result<i64> {
                Ok(conn
                    .prepare_cached(
                        "SELECT COALESCE(SUM(p.amount), 0) FROM postings p
                           JOIN accounts a ON a.org_id = p.org_id AND a.code = p.account
                           JOIN entries n ON n.org_id = p.org_id AND n.seq = p.seq
                          WHERE p.org_id = ?1 AND a.parent = ?2 AND n.kind = ?3
                            AND n.business_date BETWEEN ?4 AND ?5
                            AND NOT EXISTS (SELECT 1 FROM reversals r
                                             WHERE r.org_id = p.org_id AND r.original_seq = p.seq)",
                    )?
                    .query_row(params![o, header, kind, from, to], |r| r.get(0))?)
            };
            let withdrawals = savings(MEMBER_SAVINGS, "savings.withdrawal")?
                + savings(MEMBER_VOLUNTARY, "savings.withdrawal")?;
            let (loans, disbursed): (u32, i64) = conn
                .prepare_cached(
                    "SELECT count(*), COALESCE(SUM(amount), 0) FROM loan_movements
                      WHERE org_id = ?1 AND kind = 'loan.disbursed' AND reversed_on IS NULL
                        AND business_date BETWEEN ?2 AND ?3",
                )?
                .query_row(params![o, from, to], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let mut st = conn.prepare_cached(
                "SELECT m.allocation FROM loan_movements m
                   JOIN loans l ON l.org_id = m.org_id AND l.loan_no = m.loan_no
                  WHERE m.org_id = ?1 AND m.kind IN ('loan.repaid', 'member.exited')
                    AND l.source = 'member'
                    AND m.reversed_on IS NULL AND m.business_date BETWEEN ?2 AND ?3",
            )?;
            let (mut principal, mut interest, mut penalties) = (0i64, 0i64, 0i64);
            let mut rows = st.query(params![o, from, to])?;
            while let Some(r) = rows.next()? {
                let a: crate::loan::Allocation =
                    crate::event::parse_stored_json("loan payment", &r.get::<_, String>(0)?)?;
                principal += a.total(Component::Principal);
                interest += a.total(Component::Interest);
                penalties += a.total(Component::Penalty);
            }
            let charges: i64 = conn
                .prepare_cached(
                    "SELECT COALESCE(SUM(amount), 0) FROM member_charges
                      WHERE org_id = ?1 AND reversed_on IS NULL AND business_date BETWEEN ?2 AND ?3",
                )?
                .query_row(params![o, from, to], |r| r.get(0))?;
            // A fee deducted at payout is income of the payout's month.
            let payout_fees: i64 = conn
                .prepare_cached(
                    "SELECT COALESCE(-SUM(p.amount), 0) FROM entries n
                       JOIN postings p ON p.org_id = n.org_id AND p.seq = n.seq
                      WHERE n.org_id = ?1 AND n.kind = 'loan.disbursed' AND p.account = ?4
                        AND n.business_date BETWEEN ?2 AND ?3
                        AND NOT EXISTS (SELECT 1 FROM reversals r
                                         WHERE r.org_id = n.org_id AND r.original_seq = n.seq)",
                )?
                .query_row(params![o, from, to, LOAN_INTEREST], |r| r.get(0))?;
            let returned = savings(MEMBER_SAVINGS, "member.exited")?
                + savings(MEMBER_VOLUNTARY, "member.exited")?;
            Ok(MonthSums {
                compulsory: -savings(MEMBER_SAVINGS, "savings.deposit")?,
                voluntary: -savings(MEMBER_VOLUNTARY, "savings.deposit")?,
                withdrawals,
                returned,
                loans,
                disbursed,
                principal,
                interest,
                penalties,
                fees: charges + payout_fees,
            })
        })
    }
}
