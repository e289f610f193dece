//! A member's passbook: every entry that moved her money, with what she paid
//! or received in cash, its split, and her running savings and loan balances,
//! so she can match it line by line to the cash that changed hands.

use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::{Period, OPENING_KIND};
use crate::book::Book;
use crate::chart::{
    member_account, ABSENCE_FINES, BANK, CASH, LOAN_INTEREST, LOAN_PENALTIES, MEMBERSHIP_FEES,
    MEMBER_LOANS, MEMBER_SAVINGS, MEMBER_VOLUNTARY,
};
use crate::error::Result;
use crate::money::from_minor;
use crate::rows::parse_stored_date;

/// What a passbook line records, for an app to name in the member's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PassbookEntry {
    Deposit,
    Withdrawal,
    LoanPaidOut,
    Repayment,
    Fine,
    Fee,
    /// Savings returned on leaving the group, net of loans settled from them.
    ExitSettlement,
    WriteOff,
    /// A correction: an earlier entry taken back.
    Reversal,
    Other,
}

impl PassbookEntry {
    /// The line's kind from its entry's event kind and the accounts it touched.
    fn of(kind: &str, charge_account: Option<&str>) -> PassbookEntry {
        match kind {
            "savings.deposit" => PassbookEntry::Deposit,
            "savings.withdrawal" => PassbookEntry::Withdrawal,
            "loan.disbursed" => PassbookEntry::LoanPaidOut,
            "loan.repaid" => PassbookEntry::Repayment,
            "charge.collected" if charge_account == Some(ABSENCE_FINES) => PassbookEntry::Fine,
            "charge.collected" => PassbookEntry::Fee,
            "member.exited" => PassbookEntry::ExitSettlement,
            "loan.written_off" => PassbookEntry::WriteOff,
            "entry.reversed" => PassbookEntry::Reversal,
            _ => PassbookEntry::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PassbookLine {
    pub seq: u64,
    pub date: NaiveDate,
    pub entry: PassbookEntry,
    pub narration: String,
    /// Cash or bank money the member paid in, and received, on this line.
    pub paid: Decimal,
    pub received: Decimal,
    /// A repayment's split (or the loans settled at an exit): principal,
    /// interest, penalty; they add up to what was paid for the loan. For a
    /// write-off, what it forgave: the principal, the interest fallen due and
    /// the penalties due.
    pub principal: Decimal,
    pub interest: Decimal,
    pub penalty: Decimal,
    /// A fine or fee paid, or the fee deducted from a loan at payout.
    pub charges: Decimal,
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
    pub total_paid: Decimal,
    pub total_received: Decimal,
    pub closing_compulsory: Decimal,
    pub closing_voluntary: Decimal,
    pub closing_loan: Decimal,
}

/// One posting of an entry that concerns the member.
struct Row {
    seq: u64,
    date: NaiveDate,
    kind: String,
    narration: String,
    account: String,
    amount: i64,
}

/// A line's figures in minor units while its postings are summed.
#[derive(Default)]
struct Sums {
    cash: i64,
    principal: i64,
    interest: i64,
    penalty: i64,
    charges: i64,
    change: [i64; 3],
    charge_account: Option<String>,
}

impl Book {
    /// Where the period starts for the member's three accounts only (as
    /// `opening_balances` computes it for the whole chart): every posting
    /// dated before the period, and the cut-off's if it falls inside it.
    fn opening_of(&self, org: Uuid, p: Period, accounts: &[String; 3]) -> Result<[i64; 3]> {
        let sums: Vec<(String, i64)> = self.with_reader(|conn| {
            let mut st = conn.prepare_cached(
                "SELECT p.account, SUM(p.amount) FROM postings p
                   JOIN entries e ON e.org_id = p.org_id AND e.seq = p.seq
                  WHERE p.org_id = ?1 AND p.account IN (?2, ?3, ?4)
                    AND (e.business_date < ?5
                         OR (e.kind = ?6 AND e.business_date BETWEEN ?5 AND ?7))
                  GROUP BY p.account",
            )?;
            let rows = st.query_map(
                params![
                    org.to_string(),
                    accounts[0],
                    accounts[1],
                    accounts[2],
                    p.from.to_string(),
                    OPENING_KIND,
                    p.to.to_string()
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let mut out = [0i64; 3];
        for (account, sum) in sums {
            if let Some(i) = accounts.iter().position(|a| *a == account) {
                out[i] = sum;
            }
        }
        Ok(out)
    }

    /// A member's passbook over `p`. Its lines are the entries that touched her
    /// savings or loans, her fines and fees, and their reversals; the cut-off's
    /// balances from the paper books are where it opens, not a line.
    pub fn passbook(&self, org: Uuid, member_no: u32, p: Period) -> Result<Passbook> {
        let (o, scale) = self.scale_of(org)?;
        let words = self.narrator(&o)?;
        let member = self.member(org, member_no)?;
        let accounts = [
            member_account(MEMBER_SAVINGS, member_no),
            member_account(MEMBER_VOLUNTARY, member_no),
            member_account(MEMBER_LOANS, member_no),
        ];
        let open = self.opening_of(org, p, &accounts)?;
        let mut bal = [-open[0], -open[1], open[2]];
        let opening_bal = bal;
        let rows = self.member_postings(org, member_no, &accounts, p)?;
        let d = |m: i64| from_minor(m, scale);
        let mut lines = Vec::new();
        let (mut total_paid, mut total_received) = (0i64, 0i64);
        for entry in rows.chunk_by(|a, b| a.seq == b.seq) {
            let first = &entry[0];
            let mut s = Sums::default();
            for r in entry {
                let amount = r.amount;
                match r.account.as_str() {
                    a if a == accounts[0] => s.change[0] -= amount,
                    a if a == accounts[1] => s.change[1] -= amount,
                    a if a == accounts[2] => s.change[2] += amount,
                    CASH | BANK => s.cash += amount,
                    // Interest, or at payout the fee deducted from the loan.
                    LOAN_INTEREST if first.kind == "loan.disbursed" => s.charges -= amount,
                    LOAN_INTEREST => s.interest -= amount,
                    LOAN_PENALTIES => s.penalty -= amount,
                    a @ (ABSENCE_FINES | MEMBERSHIP_FEES) => {
                        s.charges -= amount;
                        s.charge_account = Some(a.to_string());
                    }
                    _ => {}
                }
            }
            let entry_kind = PassbookEntry::of(&first.kind, s.charge_account.as_deref());
            if matches!(
                entry_kind,
                PassbookEntry::Repayment | PassbookEntry::ExitSettlement
            ) {
                s.principal = -s.change[2];
            }
            if entry_kind == PassbookEntry::WriteOff {
                s.principal = -s.change[2];
                (s.interest, s.penalty) = self.forgiven(org, first.seq)?;
            }
            for (b, c) in bal.iter_mut().zip(s.change) {
                *b += c;
            }
            let (paid, received) = (s.cash.max(0), (-s.cash).max(0));
            total_paid += paid;
            total_received += received;
            lines.push(PassbookLine {
                seq: first.seq,
                date: first.date,
                entry: entry_kind,
                narration: words.say(&first.narration),
                paid: d(paid),
                received: d(received),
                principal: d(s.principal),
                interest: d(s.interest),
                penalty: d(s.penalty),
                charges: d(s.charges),
                compulsory: d(s.change[0]),
                voluntary: d(s.change[1]),
                loan: d(s.change[2]),
                compulsory_balance: d(bal[0]),
                voluntary_balance: d(bal[1]),
                loan_balance: d(bal[2]),
            });
        }
        Ok(Passbook {
            member_no,
            member_name: member.name,
            period: p,
            opening_compulsory: d(opening_bal[0]),
            opening_voluntary: d(opening_bal[1]),
            opening_loan: d(opening_bal[2]),
            lines,
            total_paid: d(total_paid),
            total_received: d(total_received),
            closing_compulsory: d(bal[0]),
            closing_voluntary: d(bal[1]),
            closing_loan: d(bal[2]),
        })
    }

    /// What write-off `seq` forgave besides the principal: interest fallen due
    /// and penalties (nothing once the write-off is reversed).
    fn forgiven(&self, org: Uuid, seq: u64) -> Result<(i64, i64)> {
        self.with_reader(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT l.interest_forgiven, l.penalty_forgiven
                       FROM loan_movements m JOIN loans l ON l.org_id = m.org_id AND l.loan_no = m.loan_no
                      WHERE m.org_id = ?1 AND m.seq = ?2",
                )?
                .query_row(params![org.to_string(), seq as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?)
        })
    }

    /// Every posting of the entries in `p` that concern the member: those on
    /// her accounts, her fines and fees, and the reversals of either.
    fn member_postings(
        &self,
        org: Uuid,
        member_no: u32,
        accounts: &[String; 3],
        p: Period,
    ) -> Result<Vec<Row>> {
        self.with_reader(|conn| {
            let mut st = conn.prepare_cached(
                "WITH mine(seq) AS (
                     SELECT seq FROM postings WHERE org_id = ?1 AND account IN (?2, ?3, ?4)
                     UNION SELECT seq FROM member_charges WHERE org_id = ?1 AND member_no = ?5),
                 theirs(seq) AS (
                     SELECT seq FROM mine
                     UNION SELECT r.reversal_seq FROM reversals r JOIN mine m
                        ON r.org_id = ?1 AND r.original_seq = m.seq)
                 SELECT e.seq, e.business_date, e.kind, e.narration, p.account, p.amount
                   FROM theirs t
                   JOIN entries e ON e.org_id = ?1 AND e.seq = t.seq
                   JOIN postings p ON p.org_id = e.org_id AND p.seq = e.seq
                  WHERE e.business_date BETWEEN ?6 AND ?7 AND e.kind <> ?8
                  ORDER BY e.business_date, e.seq, p.line",
            )?;
            let mut rows = st.query(params![
                org.to_string(),
                accounts[0],
                accounts[1],
                accounts[2],
                member_no,
                p.from.to_string(),
                p.to.to_string(),
                OPENING_KIND
            ])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(Row {
                    seq: r.get::<_, i64>(0)? as u64,
                    date: parse_stored_date(&r.get::<_, String>(1)?)?,
                    kind: r.get(2)?,
                    narration: r.get(3)?,
                    account: r.get(4)?,
                    amount: r.get(5)?,
                });
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passbook_opens_where_the_whole_charts_opening_does_for_its_accounts() {
        let dir = tempfile::tempdir().unwrap();
        let book = Book::open(dir.path().join("b.daftar")).unwrap();
        crate::demo::build(&book, 9, &mut |_, _| true).unwrap();
        let mut compared = 0;
        for o in book.organisations().unwrap() {
            let last = book.last_business_date(o.id).unwrap();
            let mut from = o.opened_on;
            while from <= last {
                let p = Period::new(from, last).unwrap();
                let whole = book.opening_balances(o.id, p).unwrap();
                for m in book.members(o.id).unwrap() {
                    let accounts = [
                        member_account(MEMBER_SAVINGS, m.member_no),
                        member_account(MEMBER_VOLUNTARY, m.member_no),
                        member_account(MEMBER_LOANS, m.member_no),
                    ];
                    let expected = accounts
                        .clone()
                        .map(|a| whole.get(&a).copied().unwrap_or(0));
                    assert_eq!(
                        book.opening_of(o.id, p, &accounts).unwrap(),
                        expected,
                        "{p:?}"
                    );
                    compared += usize::from(expected != [0, 0, 0]);
                }
                from = from.checked_add_days(chrono::Days::new(23)).unwrap();
            }
        }
        assert!(
            compared > 100,
            "only {compared} openings with money in them"
        );
    }
}
