//! The cash book and bank book, day by day.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::{Period, OPENING_KIND};
use crate::book::Book;
use crate::chart::{BANK, CASH};
use crate::error::Result;
use crate::money::from_minor;
use crate::rows::{collect_rows, parse_stored_date};

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
    /// The cash book (`bank` false) or the bank book, with a total per day.
    pub fn cash_book(&self, org: Uuid, bank: bool, p: Period) -> Result<CashBook> {
        let (o, scale) = self.scale_of(org)?;
        let words = self.narrator(&o)?;
        let account = if bank { BANK } else { CASH };
        let (rows, through_last): (Vec<EntryPosting>, Option<i64>) = self.with_reader(|conn| {
            let mut st = conn.prepare(
                "SELECT p.seq, e.business_date, e.narration, p.account, p.amount FROM postings p
                 JOIN entries e ON e.org_id = p.org_id AND e.seq = p.seq
                 WHERE p.org_id = ?1 AND p.account = ?2 AND e.business_date BETWEEN ?3 AND ?4
                   AND e.kind <> ?5
                 ORDER BY e.business_date, p.seq",
            )?;
            let rows = st.query(params![
                org.to_string(),
                account,
                p.from.to_string(),
                p.to.to_string(),
                OPENING_KIND
            ])?;
            let rows = collect_rows(rows, EntryPosting::from_row)?;
            // A period that reaches the last entry holds every later posting,
            // so its opening is the maintained balance less the period's lines.
            let last: Option<String> = conn
                .prepare_cached("SELECT max(business_date) FROM entries WHERE org_id = ?1")?
                .query_row([org.to_string()], |r| r.get(0))?;
            let reaches_last = match last.as_deref().map(parse_stored_date).transpose()? {
                Some(last) => last <= p.to,
                None => true,
            };
            let balance = if reaches_last {
                let b: Option<i64> = conn
                    .prepare_cached("SELECT balance FROM accounts WHERE org_id = ?1 AND code = ?2")?
                    .query_row(params![org.to_string(), account], |r| r.get(0))
                    .optional()?;
                Some(b.unwrap_or(0))
            } else {
                None
            };
            Ok((rows, balance))
        })?;
        let opening = match through_last {
            Some(balance) => balance - rows.iter().map(|r| r.amount).sum::<i64>(),
            None => self
                .opening_balances(org, p)?
                .get(account)
                .copied()
                .unwrap_or(0),
        };
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
                    narration: words.say(&narration),
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
    amount: i64,
}

impl EntryPosting {
    /// By column name: `seq`, `business_date`, `narration`, `amount`.
    fn from_row(r: &rusqlite::Row<'_>) -> Result<EntryPosting> {
        Ok(EntryPosting {
            seq: r.get::<_, i64>("seq")? as u64,
            date: parse_stored_date(&r.get::<_, String>("business_date")?)?,
            narration: r.get("narration")?,
            amount: r.get("amount")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_books_opening_is_the_balance_brought_forward_whichever_way_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let book = Book::open(dir.path().join("b.daftar")).unwrap();
        crate::demo::build(&book, 1, &mut |_, _| true).unwrap();
        for o in book.organisations().unwrap() {
            let last = book.last_business_date(o.id).unwrap();
            // Periods that reach the last entry, so read from the maintained
            // balance, each starting where cash or bank is not zero.
            let from = last - chrono::Duration::days(60);
            let periods = [
                Period::new(from, last).unwrap(),
                Period::new(from, last + chrono::Duration::days(30)).unwrap(),
            ];
            let mut carried = false;
            for p in periods {
                for (bank, account) in [(false, CASH), (true, BANK)] {
                    let book_opening = book.cash_book(o.id, bank, p).unwrap().opening;
                    let sums = book
                        .opening_balances(o.id, p)
                        .unwrap()
                        .get(account)
                        .copied()
                        .unwrap_or(0);
                    assert_eq!(
                        book_opening,
                        from_minor(sums, o.currency.scale),
                        "{} {account} {p:?}",
                        o.name
                    );
                    carried |= sums != 0;
                }
            }
            assert!(
                carried,
                "{}: nothing in cash or bank to carry forward",
                o.name
            );
        }
    }
}
