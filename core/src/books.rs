//! The books groups, federations and auditors read: passbook, cash and bank
//! book, loan ledger and portfolio, trial balance, receipts and payments, income
//! and expenditure, balance sheet, and the monthly meeting report. Each takes a
//! date range or an as-of date and returns structured data; callers render it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::book::Book;
use crate::chart::{
    member_account, AccountClass, BANK, CASH, MEMBER_LOANS, MEMBER_SAVINGS, MEMBER_VOLUNTARY,
};
use crate::error::{Error, Result};
use crate::event::{Event, EventBody};
use crate::loan::allocation::Component;
use crate::money::from_minor;
use crate::org::Organisation;
use crate::store::parse_stored_date;

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

/// A line of an account summary: code, name and an amount in major units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountLine {
    pub code: String,
    pub name: String,
    pub amount: Decimal,
}

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanLedgerLine {
    pub seq: u64,
    pub date: NaiveDate,
    pub kind: String,
    pub disbursed: Decimal,
    pub principal: Decimal,
    pub interest: Decimal,
    pub penalty: Decimal,
    pub written_off: Decimal,
    pub outstanding: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanLedger {
    pub loan_no: u32,
    pub member_no: Option<u32>,
    pub principal: Decimal,
    pub lines: Vec<LoanLedgerLine>,
    pub outstanding: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortfolioLoan {
    pub loan_no: u32,
    pub member_no: u32,
    pub member_name: String,
    pub outstanding: Decimal,
    pub arrears: Decimal,
    pub days_past_due: i64,
    pub bucket: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub label: String,
    pub loans: u32,
    pub outstanding: Decimal,
}

/// Member loans on a date: outstanding, arrears, days past due, and portfolio at risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Portfolio {
    pub as_of: NaiveDate,
    pub loans: Vec<PortfolioLoan>,
    pub buckets: Vec<Bucket>,
    pub outstanding: Decimal,
    pub arrears: Decimal,
    /// Outstanding principal of loans more than 30 days past due.
    pub par30_outstanding: Decimal,
    /// PAR30 as a fraction of the outstanding, to four places (0 with no loans).
    pub par30: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptsAndPayments {
    pub period: Period,
    pub opening_cash: Decimal,
    pub opening_bank: Decimal,
    pub receipts: Vec<AccountLine>,
    pub payments: Vec<AccountLine>,
    pub total_receipts: Decimal,
    pub total_payments: Decimal,
    pub closing_cash: Decimal,
    pub closing_bank: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncomeAndExpenditure {
    pub period: Period,
    pub income: Vec<AccountLine>,
    pub expenditure: Vec<AccountLine>,
    pub total_income: Decimal,
    pub total_expenditure: Decimal,
    /// Income less expenditure; negative for a deficit.
    pub surplus: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BalanceSheet {
    pub as_of: NaiveDate,
    pub assets: Vec<AccountLine>,
    pub liabilities: Vec<AccountLine>,
    pub equity: Vec<AccountLine>,
    /// Income less expenditure since the books began, not yet closed to equity.
    pub accumulated_surplus: Decimal,
    pub total_assets: Decimal,
    pub total_liabilities_and_equity: Decimal,
}

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

/// The account summaries group member sub-ledgers under their header.
fn group_code(code: &str) -> &str {
    code.split_once('-').map_or(code, |(h, _)| h)
}

impl Book {
    /// The latest business date of any event of the organisation.
    pub fn last_business_date(&self, org: Uuid) -> Result<NaiveDate> {
        let d: Option<String> = self.with_conn(|conn| {
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

    /// Each account's balance from its postings dated on or before `as_of`, in minor units.
    fn balances_as_of(&self, org: Uuid, as_of: NaiveDate) -> Result<BTreeMap<String, i64>> {
        self.posting_sums(org, NaiveDate::MIN, as_of)
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
        self.with_conn(|conn| {
            let mut st = conn.prepare_cached(
                "SELECT p.account, SUM(p.amount) FROM postings p
                 JOIN entries e ON e.org_id = p.org_id AND e.seq = p.seq
                 WHERE p.org_id = ?1 AND e.business_date BETWEEN ?2 AND ?3 GROUP BY p.account",
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
        let rows: Vec<(i64, String, String, String, i64)> = self.with_conn(|conn| {
            let mut st = conn.prepare(
                "SELECT p.seq, e.business_date, e.narration, p.account, p.amount FROM postings p
                 JOIN entries e ON e.org_id = p.org_id AND e.seq = p.seq
                 WHERE p.org_id = ?1 AND p.account IN (?2, ?3, ?4) AND e.business_date BETWEEN ?5 AND ?6
                 ORDER BY e.business_date, p.seq, p.line",
            )?;
            let rows = st.query_map(
                params![org.to_string(), accounts[0], accounts[1], accounts[2], p.from.to_string(), p.to.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let d = |m: i64| from_minor(m, scale);
        let mut lines: Vec<PassbookLine> = Vec::new();
        for (seq, date, narration, account, amount) in rows {
            let i = accounts.iter().position(|a| *a == account).unwrap_or(2);
            let change = if i < 2 { -amount } else { amount };
            bal[i] += change;
            let seq = seq as u64;
            if lines.last().map(|l| l.seq) != Some(seq) {
                lines.push(PassbookLine {
                    seq,
                    date: parse_stored_date(&date)?,
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
        let rows: Vec<(i64, String, String, i64)> = self.with_conn(|conn| {
            let mut st = conn.prepare(
                "SELECT p.seq, e.business_date, e.narration, p.amount FROM postings p
                 JOIN entries e ON e.org_id = p.org_id AND e.seq = p.seq
                 WHERE p.org_id = ?1 AND p.account = ?2 AND e.business_date BETWEEN ?3 AND ?4
                 ORDER BY e.business_date, p.seq",
            )?;
            let rows = st.query_map(
                params![
                    org.to_string(),
                    account,
                    p.from.to_string(),
                    p.to.to_string()
                ],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let d = |m: i64| from_minor(m, scale);
        let mut days: Vec<CashBookDay> = Vec::new();
        let (mut running, mut total_in, mut total_out) = (opening, 0i64, 0i64);
        for (seq, date, narration, amount) in rows {
            let date = parse_stored_date(&date)?;
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
                    seq: seq as u64,
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

    /// A loan's history: payout, repayments split by component, write-off, reversals.
    /// Read from `loan_movements`, never from the event log.
    pub fn loan_ledger(&self, org: Uuid, loan_no: u32) -> Result<LoanLedger> {
        let (_, scale) = self.scale_of(org)?;
        let loan = self.loan(org, loan_no)?;
        let o = org.to_string();
        // What each event did to this loan, and the seq of each one's reversal.
        let (movements, reversals) = self.with_conn(|conn| {
            let reversals: BTreeMap<u64, u64> = conn
                .prepare_cached(
                    "SELECT original_seq, reversal_seq FROM reversals WHERE org_id = ?1",
                )?
                .query_map([&o], |r| {
                    Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok((crate::movements::of_loan(conn, &o, loan_no)?, reversals))
        })?;
        let d = |m: i64| from_minor(m, scale);
        let mut lines = Vec::new();
        for m in movements {
            let (paid_p, paid_i, paid_pen) = m.allocation.as_ref().map_or((0, 0, 0), |a| {
                (
                    a.total(Component::Principal),
                    a.total(Component::Interest),
                    a.total(Component::Penalty),
                )
            });
            let written_off = if m.kind == "loan.written_off" {
                m.amount
            } else {
                0
            };
            let disbursed = if m.allocation.is_none() && written_off == 0 {
                m.amount
            } else {
                0
            };
            let line = |seq: u64, date: NaiveDate, kind: &str, sign: i64| LoanLedgerLine {
                seq,
                date,
                kind: kind.into(),
                disbursed: d(sign * disbursed),
                principal: d(sign * paid_p),
                interest: d(sign * paid_i),
                penalty: d(sign * paid_pen),
                written_off: d(sign * written_off),
                outstanding: d(0),
            };
            lines.push((
                sign_change(disbursed, paid_p, written_off),
                line(m.seq, m.date, &m.kind, 1),
            ));
            if let (Some(on), Some(r)) = (m.reversed_on, reversals.get(&m.seq)) {
                lines.push((
                    -sign_change(disbursed, paid_p, written_off),
                    line(*r, on, "entry.reversed", -1),
                ));
            }
        }
        lines.sort_by_key(|(_, l)| l.seq);
        let mut outstanding = 0i64;
        let lines: Vec<LoanLedgerLine> = lines
            .into_iter()
            .map(|(change, mut l)| {
                outstanding += change;
                l.outstanding = d(outstanding);
                l
            })
            .collect();
        Ok(LoanLedger {
            loan_no,
            member_no: loan.member_no,
            principal: d(loan.terms.principal),
            lines,
            outstanding: d(outstanding),
        })
    }

    /// Member loans on `as_of`, with days-past-due buckets and PAR30.
    pub fn portfolio(&self, org: Uuid, as_of: NaiveDate) -> Result<Portfolio> {
        let (_, scale) = self.scale_of(org)?;
        let names: BTreeMap<u32, String> = self
            .members(org)?
            .into_iter()
            .map(|m| (m.member_no, m.name))
            .collect();
        let labels = [
            "current",
            "1-30 days",
            "31-60 days",
            "61-90 days",
            "over 90 days",
        ];
        let mut buckets: Vec<Bucket> = labels
            .iter()
            .map(|l| Bucket {
                label: (*l).into(),
                loans: 0,
                outstanding: from_minor(0, scale),
            })
            .collect();
        let mut loans = Vec::new();
        let zero = from_minor(0, scale);
        let (mut outstanding, mut arrears, mut par30) = (zero, zero, zero);
        for l in self.loans(org)? {
            let Some(member_no) = l.member_no else {
                continue;
            };
            if !Book::loan_active_on(&l, as_of) {
                continue;
            }
            let st = self.loan_standing(org, l.loan_no, as_of)?;
            let b = match st.days_past_due {
                0 => 0,
                1..=30 => 1,
                31..=60 => 2,
                61..=90 => 3,
                _ => 4,
            };
            buckets[b].loans += 1;
            buckets[b].outstanding += st.outstanding_principal;
            outstanding += st.outstanding_principal;
            arrears += st.arrears;
            if st.days_past_due > 30 {
                par30 += st.outstanding_principal;
            }
            loans.push(PortfolioLoan {
                loan_no: l.loan_no,
                member_no,
                member_name: names.get(&member_no).cloned().unwrap_or_default(),
                outstanding: st.outstanding_principal,
                arrears: st.arrears,
                days_past_due: st.days_past_due,
                bucket: labels[b].into(),
            });
        }
        let ratio = if outstanding.is_zero() {
            Decimal::ZERO
        } else {
            (par30 / outstanding).round_dp(4)
        };
        Ok(Portfolio {
            as_of,
            loans,
            buckets,
            outstanding,
            arrears,
            par30_outstanding: par30,
            par30: ratio,
        })
    }

    /// The trial balance on a past date, from the postings up to it. (For today,
    /// `trial_balance` reads the maintained balances instead.)
    pub fn trial_balance_as_of(
        &self,
        org: Uuid,
        as_of: NaiveDate,
    ) -> Result<crate::report::TrialBalance> {
        let mut tb = self.trial_balance(org)?;
        let (_, scale) = self.scale_of(org)?;
        let bal = self.balances_as_of(org, as_of)?;
        let zero = from_minor(0, scale);
        let names = self.accounts(org)?;
        tb.rows.clear();
        tb.total_debit = zero;
        tb.total_credit = zero;
        for a in names {
            let b = bal.get(&a.code).copied().unwrap_or(0);
            if b == 0 {
                continue;
            }
            let (debit, credit) = if b > 0 {
                (from_minor(b, scale), zero)
            } else {
                (zero, from_minor(-b, scale))
            };
            tb.total_debit += debit;
            tb.total_credit += credit;
            tb.rows.push(crate::report::TrialBalanceRow {
                code: a.code,
                name: a.name,
                class: a.class,
                member_no: a.member_no,
                member_name: a.member_name,
                debit,
                credit,
            });
        }
        Ok(tb)
    }

    /// Cash and bank receipts and payments over a period, by the account on the other side.
    pub fn receipts_and_payments(&self, org: Uuid, p: Period) -> Result<ReceiptsAndPayments> {
        let (_, scale) = self.scale_of(org)?;
        let names = self.account_names(org)?;
        let before = p.from.pred_opt().unwrap_or(p.from);
        let opening = self.balances_as_of(org, before)?;
        let closing = self.balances_as_of(org, p.to)?;
        // Per entry touching cash or bank, its other lines, grouped by account header.
        let rows: Vec<(String, i64)> = self.with_conn(|conn| {
            let mut st = conn.prepare(
                "SELECT p.account, p.amount FROM postings p
                 JOIN entries e ON e.org_id = p.org_id AND e.seq = p.seq
                 WHERE p.org_id = ?1 AND e.business_date BETWEEN ?2 AND ?3
                   AND p.account NOT IN ('1100', '1200')
                   AND EXISTS (SELECT 1 FROM postings c WHERE c.org_id = p.org_id AND c.seq = p.seq
                               AND c.account IN ('1100', '1200'))",
            )?;
            let rows = st.query_map(
                params![org.to_string(), p.from.to_string(), p.to.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let (mut rec, mut pay): (BTreeMap<String, i64>, BTreeMap<String, i64>) = Default::default();
        for (account, amount) in rows {
            let key = group_code(&account).to_string();
            if amount < 0 {
                *rec.entry(key).or_default() -= amount;
            } else {
                *pay.entry(key).or_default() += amount;
            }
        }
        let line = |(code, m): (String, i64)| AccountLine {
            name: names.get(&code).map(|n| n.0.clone()).unwrap_or_default(),
            code,
            amount: from_minor(m, scale),
        };
        let total = |m: &BTreeMap<String, i64>| from_minor(m.values().sum(), scale);
        let get =
            |m: &BTreeMap<String, i64>, a: &str| from_minor(m.get(a).copied().unwrap_or(0), scale);
        let r = ReceiptsAndPayments {
            period: p,
            opening_cash: get(&opening, CASH),
            opening_bank: get(&opening, BANK),
            total_receipts: total(&rec),
            total_payments: total(&pay),
            receipts: rec.into_iter().map(line).collect(),
            payments: pay.into_iter().map(line).collect(),
            closing_cash: get(&closing, CASH),
            closing_bank: get(&closing, BANK),
        };
        // Cash and bank together: opening + receipts − payments = closing.
        debug_assert_eq!(
            r.opening_cash + r.opening_bank + r.total_receipts - r.total_payments,
            r.closing_cash + r.closing_bank
        );
        Ok(r)
    }

    /// Income and expenditure over a period, and the surplus.
    pub fn income_and_expenditure(&self, org: Uuid, p: Period) -> Result<IncomeAndExpenditure> {
        let (_, scale) = self.scale_of(org)?;
        let names = self.account_names(org)?;
        let moves = self.movements(org, p)?;
        let (mut income, mut expenditure) = (Vec::new(), Vec::new());
        let (mut ti, mut te) = (0i64, 0i64);
        for (code, m) in moves {
            let Some((name, class)) = names.get(&code) else {
                continue;
            };
            match class {
                AccountClass::Income if m != 0 => {
                    ti -= m;
                    income.push(AccountLine {
                        code,
                        name: name.clone(),
                        amount: from_minor(-m, scale),
                    });
                }
                AccountClass::Expense if m != 0 => {
                    te += m;
                    expenditure.push(AccountLine {
                        code,
                        name: name.clone(),
                        amount: from_minor(m, scale),
                    });
                }
                _ => {}
            }
        }
        Ok(IncomeAndExpenditure {
            period: p,
            income,
            expenditure,
            total_income: from_minor(ti, scale),
            total_expenditure: from_minor(te, scale),
            surplus: from_minor(ti - te, scale),
        })
    }

    /// Assets, liabilities and equity on a date, member sub-ledgers summed under their headers.
    pub fn balance_sheet(&self, org: Uuid, as_of: NaiveDate) -> Result<BalanceSheet> {
        let (_, scale) = self.scale_of(org)?;
        let names = self.account_names(org)?;
        let bal = self.balances_as_of(org, as_of)?;
        let mut grouped: BTreeMap<String, i64> = BTreeMap::new();
        for (code, m) in &bal {
            *grouped.entry(group_code(code).to_string()).or_default() += m;
        }
        let (mut assets, mut liabilities, mut equity) = (Vec::new(), Vec::new(), Vec::new());
        let (mut ta, mut tle, mut surplus) = (0i64, 0i64, 0i64);
        for (code, m) in grouped {
            let Some((name, class)) = names.get(&code) else {
                continue;
            };
            let line = |amount: i64| AccountLine {
                code: code.clone(),
                name: name.clone(),
                amount: from_minor(amount, scale),
            };
            match class {
                AccountClass::Asset if m != 0 => {
                    ta += m;
                    assets.push(line(m));
                }
                AccountClass::Liability if m != 0 => {
                    tle -= m;
                    liabilities.push(line(-m));
                }
                AccountClass::Equity if m != 0 => {
                    tle -= m;
                    equity.push(line(-m));
                }
                AccountClass::Income | AccountClass::Expense => surplus -= m,
                _ => {}
            }
        }
        tle += surplus;
        Ok(BalanceSheet {
            as_of,
            assets,
            liabilities,
            equity,
            accumulated_surplus: from_minor(surplus, scale),
            total_assets: from_minor(ta, scale),
            total_liabilities_and_equity: from_minor(tle, scale),
        })
    }

    /// The month's meetings, savings, lending and cash, with the portfolio at month end.
    pub fn monthly_report(&self, org: Uuid, year: i32, month: u32) -> Result<MonthlyReport> {
        let (_, scale) = self.scale_of(org)?;
        // The month is in the organisation's calendar: Azar 1405 for an Iranian fund.
        let calendar = self.organisation(org)?.calendar;
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
        let p = Period { from, to };
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

/// How a movement changes a loan's outstanding principal, in minor units.
fn sign_change(disbursed: i64, principal_paid: i64, written_off: i64) -> i64 {
    disbursed - principal_paid - written_off
}
