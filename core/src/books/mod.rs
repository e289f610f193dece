//! The books groups, federations and auditors read: passbook, cash and bank
//! book, loan ledger and portfolio, trial balance, receipts and payments, income
//! and expenditure, balance sheet, and the monthly meeting report. Each takes a
//! date range or an as-of date and returns structured data; callers render it.

mod cif;
mod day_books;
mod loans;
mod monthly;
mod passbook;
mod passbook_message;
mod statements;

pub use cif::{cif_reconciliation, CifLine, CifMatch, CifReconciliation, CifSide};
pub use day_books::{CashBook, CashBookDay, CashBookLine};
pub use loans::{Bucket, LoanLedger, LoanLedgerLine, Portfolio, PortfolioLoan};
pub use monthly::MonthlyReport;
pub use passbook::{Passbook, PassbookEntry, PassbookLine};
pub use passbook_message::MAX_MESSAGE_LINES;
pub use statements::{BalanceSheet, IncomeAndExpenditure, ReceiptsAndPayments};

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::book::Book;
use crate::chart::AccountClass;
use crate::error::{Error, Result};
use crate::org::Organisation;
use crate::rows::parse_stored_date;

/// An inclusive range of business dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period> {
        if to < from {
            return Err(Error::invalid("to", format!("{to} is before {from}")));
        }
        Ok(Period { from, to })
    }
}

/// The fiscal year of `org` that contains `day`, counted in the organisation's
/// calendar: 1 April to 31 March in India, 1 Farvardin to the end of Esfand in Iran.
pub fn fiscal_year(org: &Organisation, day: NaiveDate) -> Result<Period> {
    let fy = org.fiscal_year_start;
    let (from, next) = crate::locale::year_starting(org.calendar, fy.month, fy.day, day)?;
    let to = next
        .pred_opt()
        .ok_or_else(|| Error::invalid("period", "out of range"))?;
    Ok(Period { from, to })
}

/// The kind of the entry that brings the paper books' balances in at the
/// cut-off: an opening balance in every report, never a flow.
pub(crate) const OPENING_KIND: &str = "cutoff.recorded";

/// A line of an account summary: code, name and an amount in major units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountLine {
    pub code: String,
    pub name: String,
    pub amount: Decimal,
}

/// The account summaries group member sub-ledgers under their header.
fn group_code(code: &str) -> &str {
    code.split_once('-').map_or(code, |(h, _)| h)
}

impl Book {
    /// The latest business date of any event of the organisation.
    pub fn last_business_date(&self, org: Uuid) -> Result<NaiveDate> {
        let d: Option<String> = self.with_reader(|conn| {
            Ok(conn
                .prepare_cached("SELECT max(business_date) FROM events WHERE org_id = ?1")?
                .query_row([org.to_string()], |r| r.get(0))?)
        })?;
        d.as_deref()
            .map(parse_stored_date)
            .transpose()?
            .ok_or_else(|| Error::not_found(format!("organisation {org}")))
    }

    fn scale_of(&self, org: Uuid) -> Result<(Organisation, u32)> {
        let o = self.organisation(org)?;
        let s = o.currency.scale;
        Ok((o, s))
    }

    /// Each account's balance from its postings dated on or before `as_of`, in
    /// minor units. On or after the organisation's last entry that is every
    /// posting, so the maintained balances are read as they stand (the replay
    /// in `verify` checks they equal the postings' sums); before it, the sums.
    fn balances_as_of(&self, org: Uuid, as_of: NaiveDate) -> Result<BTreeMap<String, i64>> {
        let maintained = self.with_reader(|conn| {
            let o = org.to_string();
            let last: Option<String> = conn
                .prepare_cached("SELECT max(business_date) FROM entries WHERE org_id = ?1")?
                .query_row([&o], |r| r.get(0))?;
            let Some(last) = last.as_deref().map(parse_stored_date).transpose()? else {
                return Ok(None);
            };
            if last > as_of {
                return Ok(None);
            }
            let mut st = conn.prepare_cached(
                "SELECT code, balance FROM accounts WHERE org_id = ?1 AND balance != 0",
            )?;
            let rows = st.query_map([&o], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(Some(
                rows.collect::<rusqlite::Result<BTreeMap<String, i64>>>()?,
            ))
        })?;
        match maintained {
            Some(b) => Ok(b),
            None => self.posting_sums(org, NaiveDate::MIN, as_of),
        }
    }

    /// Each account's balance where the period's books start: everything dated
    /// before it, and the cut-off's opening balances if the cut-off falls inside
    /// it. Those balances were brought in from the paper books, not received or
    /// paid in the period, so the day books and receipts and payments start
    /// from them and never list them as flows (see `OPENING_KIND`).
    fn opening_balances(&self, org: Uuid, p: Period) -> Result<BTreeMap<String, i64>> {
        let before = p.from.pred_opt().unwrap_or(p.from);
        let mut opening = self.balances_as_of(org, before)?;
        let brought_in: Vec<(String, i64)> = self.with_reader(|conn| {
            let mut st = conn.prepare_cached(
                "SELECT p.account, p.amount FROM entries e
                   JOIN postings p ON p.org_id = e.org_id AND p.seq = e.seq
                  WHERE e.org_id = ?1 AND e.kind = ?2 AND e.business_date BETWEEN ?3 AND ?4",
            )?;
            let rows = st.query_map(
                params![
                    org.to_string(),
                    OPENING_KIND,
                    p.from.to_string(),
                    p.to.to_string()
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        for (account, amount) in brought_in {
            *opening.entry(account).or_default() += amount;
        }
        Ok(opening)
    }

    /// Movement of each account over a period, in minor units.
    fn movements(&self, org: Uuid, p: Period) -> Result<BTreeMap<String, i64>> {
        self.posting_sums(org, p.from, p.to)
    }

    /// The sum of each account's postings dated from `from` to `to`, inclusive.
    fn posting_sums(
        &self,
        org: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<BTreeMap<String, i64>> {
        self.with_reader(|conn| {
            // The entries of the dates first (their date index), then their
            // postings: the cost follows the period, not the whole history.
            // CROSS JOIN keeps that order; left to itself the planner walked
            // every posting of the organisation by account.
            let mut st = conn.prepare_cached(
                "SELECT p.account, SUM(p.amount) FROM entries e
                 CROSS JOIN postings p ON p.org_id = e.org_id AND p.seq = e.seq
                 WHERE e.org_id = ?1 AND e.business_date BETWEEN ?2 AND ?3 GROUP BY p.account",
            )?;
            let rows = st.query_map(
                params![org.to_string(), from.to_string(), to.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn account_names(&self, org: Uuid) -> Result<BTreeMap<String, (String, AccountClass)>> {
        Ok(self
            .accounts(org)?
            .into_iter()
            .map(|a| (a.code, (a.name, a.class)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balances_on_or_after_the_last_entry_are_the_sums_of_every_posting() {
        let dir = tempfile::tempdir().unwrap();
        let book = Book::open(dir.path().join("b.daftar")).unwrap();
        crate::demo::build(&book, 1, &mut |_, _| true).unwrap();
        for o in book.organisations().unwrap() {
            let last = book.last_business_date(o.id).unwrap();
            let sums = |to| {
                let mut m = book.posting_sums(o.id, NaiveDate::MIN, to).unwrap();
                m.retain(|_, v| *v != 0);
                m
            };
            for as_of in [last, last + chrono::Duration::days(400)] {
                let read = book.balances_as_of(o.id, as_of).unwrap();
                assert!(!read.is_empty());
                assert_eq!(read, sums(as_of), "{} on {as_of}", o.name);
            }
            // Before the last entry, the sums of the postings dated by then.
            let before = last - chrono::Duration::days(1);
            let mut read = book.balances_as_of(o.id, before).unwrap();
            read.retain(|_, v| *v != 0);
            assert_eq!(read, sums(before));
        }
    }
}
