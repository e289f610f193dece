//! A member's passbook, and the cash book and bank book, day by day.

use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::Period;
use crate::book::Book;
use crate::chart::{member_account, BANK, CASH, MEMBER_LOANS, MEMBER_SAVINGS, MEMBER_VOLUNTARY};
use crate::error::Result;
use crate::money::from_minor;
use crate::rows::{collect_rows, parse_stored_date};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PassbookLine {
    pub seq: u64,
    pub date: NaiveDate,
    pub narration: String,
    /// Changes: savings as the member sees them (a deposit is positive), loan outstanding.
    pub compulsory: Decimal,
    pub voluntary: Decimal,
    pub loan: Decimal,
    pub compulsory_balance: Decimal,
    pub voluntary_balance: Decimal,
    pub loan_balance: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passbook {
    pub member_no: u32,
    pub member_name: String,
    pub period: Period,
    pub opening_compulsory: Decimal,
    pub opening_voluntary: Decimal,
    pub opening_loan: Decimal,
    pub lines: Vec<PassbookLine>,
    pub closing_compulsory: Decimal,
    pub closing_voluntary: Decimal,
    pub closing_loan: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CashBookLine {
    pub seq: u64,
    pub narration: String,
    pub receipt: Decimal,
    pub payment: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CashBookDay {
    pub date: NaiveDate,
    pub opening: Decimal,
    pub lines: Vec<CashBookLine>,
    pub receipts: Decimal,
    pub payments: Decimal,
    pub closing: Decimal,
}

/// The cash book (account 1100) or bank book (1200), day by day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CashBook {
    pub account: String,
    pub period: Period,
    pub opening: Decimal,
    pub days: Vec<CashBookDay>,
    pub receipts: Decimal,
    pub payments: Decimal,
    pub closing: Decimal,
}

impl Book {
    /// A member's passbook: savings and loans with running balances.
    pub fn passbook(&self, org: Uuid, member_no: u32, p: Period) -> Result<Passbook> {
        let (_, scale) = self.scale_of(org)?;
        let member = self.member(org, member_no)?;
        let accounts = [
            member_account(MEMBER_SAVINGS, member_no),
            member_account(MEMBER_VOLUNTARY, member_no),
            member_account(MEMBER_LOANS, member_no),
        ];
        let before = p.from.pred_opt().unwrap_or(p.from);
        let opening = self.balances_as_of(org, before)?;
        let open = |a: &str| opening.get(a).copied().unwrap_or(0);
        let mut bal = [-open(&accounts[0]), -open(&accounts[1]), open(&accounts[2])];
        let opening_bal = bal;
        let rows: Vec<EntryPosting> = self.with_conn(|conn| {
            let mut st = conn.prepare(
                "SELECT p.seq, e.business_date, e.narration, p.account, p.amount FROM postings p
                 JOIN entries e ON e.org_id = p.org_id AND e.seq = p.seq
                 WHERE p.org_id = ?1 AND p.account IN (?2, ?3, ?4) AND e.business_date BETWEEN ?5 AND ?6
                 ORDER BY e.business_date, p.seq, p.line",
            )?;
            let rows = st.query(
                params![org.to_string(), accounts[0], accounts[1], accounts[2], p.from.to_string(), p.to.to_string()],
            )?;
            collect_rows(rows, EntryPosting::from_row)
        })?;
        let d = |m: i64| from_minor(m, scale);
        let mut lines: Vec<PassbookLine> = Vec::new();
        for EntryPosting {
            seq,
            date,
            narration,
            account,
            amount,
        } in rows
        {
            let i = accounts.iter().position(|a| *a == account).unwrap_or(2);
            let change = if i < 2 { -amount } else { amount };
            bal[i] += change;
            if lines.last().map(|l| l.seq) != Some(seq) {
                lines.push(PassbookLine {
                    seq,
                    date,
                    narration,
                    compulsory: d(0),
                    voluntary: d(0),
                    loan: d(0),
                    compulsory_balance: d(0),
                    voluntary_balance: d(0),
                    loan_balance: d(0),
                });
            }
            if let Some(l) = lines.last_mut() {
                match i {
                    0 => l.compulsory += d(change),
                    1 => l.voluntary += d(change),
                    _ => l.loan += d(change),
                }
                l.compulsory_balance = d(bal[0]);
                l.voluntary_balance = d(bal[1]);
                l.loan_balance = d(bal[2]);
            }
        }
        Ok(Passbook {
            member_no,
            member_name: member.name,
            period: p,
            opening_compulsory: d(opening_bal[0]),
            opening_voluntary: d(opening_bal[1]),
            opening_loan: d(opening_bal[2]),
            lines,
            closing_compulsory: d(bal[0]),
            closing_voluntary: d(bal[1]),
            closing_loan: d(bal[2]),
        })
    }

    /// The cash book (`bank` false) or the bank book, with a total per day.
    pub fn cash_book(&self, org: Uuid, bank: bool, p: Period) -> Result<CashBook> {
        let (_, scale) = self.scale_of(org)?;
        let account = if bank { BANK } else { CASH };
        let before = p.from.pred_opt().unwrap_or(p.from);
        let opening = self
            .balances_as_of(org, before)?
            .get(account)
            .copied()
            .unwrap_or(0);
        let rows: Vec<EntryPosting> = self.with_conn(|conn| {
            let mut st = conn.prepare(
                "SELECT p.seq, e.business_date, e.narration, p.account, p.amount FROM postings p
                 JOIN entries e ON e.org_id = p.org_id AND e.seq = p.seq
                 WHERE p.org_id = ?1 AND p.account = ?2 AND e.business_date BETWEEN ?3 AND ?4
                 ORDER BY e.business_date, p.seq",
            )?;
            let rows = st.query(params![
                org.to_string(),
                account,
                p.from.to_string(),
                p.to.to_string()
            ])?;
            collect_rows(rows, EntryPosting::from_row)
        })?;
        let d = |m: i64| from_minor(m, scale);
        let mut days: Vec<CashBookDay> = Vec::new();
        let (mut running, mut total_in, mut total_out) = (opening, 0i64, 0i64);
        for EntryPosting {
            seq,
            date,
            narration,
            amount,
            ..
        } in rows
        {
            if days.last().map(|x| x.date) != Some(date) {
                days.push(CashBookDay {
                    date,
                    opening: d(running),
                    lines: vec![],
                    receipts: d(0),
                    payments: d(0),
                    closing: d(running),
                });
            }
            running += amount;
            let (r, pay) = if amount > 0 {
                (amount, 0)
            } else {
                (0, -amount)
            };
            total_in += r;
            total_out += pay;
            if let Some(day) = days.last_mut() {
                day.lines.push(CashBookLine {
                    seq,
                    narration,
                    receipt: d(r),
                    payment: d(pay),
                });
                day.receipts += d(r);
                day.payments += d(pay);
                day.closing = d(running);
            }
        }
        Ok(CashBook {
            account: account.into(),
            period: p,
            opening: d(opening),
            days,
            receipts: d(total_in),
            payments: d(total_out),
            closing: d(running),
        })
    }
}

/// One posting with its entry's date and narration, as the day books list them.
struct EntryPosting {
    seq: u64,
    date: NaiveDate,
    narration: String,
    account: String,
    amount: i64,
}

impl EntryPosting {
    /// By column name: `seq`, `business_date`, `narration`, `account`, `amount`.
    fn from_row(r: &rusqlite::Row<'_>) -> Result<EntryPosting> {
        Ok(EntryPosting {
            seq: r.get::<_, i64>("seq")? as u64,
            date: parse_stored_date(&r.get::<_, String>("business_date")?)?,
            narration: r.get("narration")?,
            account: r.get("account")?,
            amount: r.get("amount")?,
        })
    }
}
