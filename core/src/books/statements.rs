//! The statements: trial balance as of a date, receipts and payments, income
//! and expenditure, and the balance sheet.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::{group_code, AccountLine, Period, OPENING_KIND};
use crate::book::Book;
use crate::chart::{AccountClass, BANK, CASH};
use crate::error::Result;
use crate::money::from_minor;

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

impl Book {
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
        let opening = self.opening_balances(org, p)?;
        let closing = self.balances_as_of(org, p.to)?;
        // Every line of each entry that touches cash or bank, in line order;
        // the cut-off's opening balances are no flow.
        let rows: Vec<(u64, String, i64)> = self.with_reader(|conn| {
            let mut st = conn.prepare(
                "SELECT p.seq, p.account, p.amount FROM postings p
                 JOIN entries e ON e.org_id = p.org_id AND e.seq = p.seq
                 WHERE p.org_id = ?1 AND e.business_date BETWEEN ?2 AND ?3 AND e.kind <> ?4
                   AND EXISTS (SELECT 1 FROM postings c WHERE c.org_id = p.org_id AND c.seq = p.seq
                               AND c.account IN (?5, ?6))
                 ORDER BY p.seq, p.line",
            )?;
            let rows = st.query_map(
                params![
                    org.to_string(),
                    p.from.to_string(),
                    p.to.to_string(),
                    OPENING_KIND,
                    CASH,
                    BANK
                ],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?)),
            )?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let (mut rec, mut pay): (BTreeMap<String, i64>, BTreeMap<String, i64>) = Default::default();
        for entry in rows.chunk_by(|a, b| a.0 == b.0) {
            for (account, amount) in cash_that_moved(entry) {
                let key = group_code(&account).to_string();
                if amount < 0 {
                    *rec.entry(key).or_default() -= amount;
                } else {
                    *pay.entry(key).or_default() += amount;
                }
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
}

/// The other side of one entry's cash and bank movement, as receipts and
/// payments show it: only the cash that moved. Lines on the side opposite the
/// cash (a fee deducted at payout, a loan settled from savings at an exit) are
/// set off within the entry, never received or paid, so they are left out and
/// the lines on the cash's side are counted, in line order, up to the cash.
fn cash_that_moved(entry: &[(u64, String, i64)]) -> Vec<(String, i64)> {
    let is_cash = |a: &str| a == CASH || a == BANK;
    let cash: i64 = entry
        .iter()
        .filter(|(_, a, _)| is_cash(a))
        .map(|(_, _, m)| m)
        .sum();
    // Money in (cash > 0) is matched by credits elsewhere, money out by debits.
    let mut left = cash.abs();
    let mut out = Vec::new();
    for (_, account, amount) in entry.iter().filter(|(_, a, _)| !is_cash(a)) {
        if left == 0 || (amount.signum() == cash.signum()) || *amount == 0 {
            continue;
        }
        let take = amount.abs().min(left);
        left -= take;
        out.push((account.clone(), -cash.signum() * take));
    }
    debug_assert_eq!(left, 0, "an entry's cash is matched by its other lines");
    out
}

#[cfg(test)]
mod tests {
    use super::cash_that_moved;

    fn lines(v: &[(&str, i64)]) -> Vec<(u64, String, i64)> {
        v.iter().map(|(a, m)| (7, a.to_string(), *m)).collect()
    }

    #[test]
    fn an_exit_shows_only_the_savings_refunded_in_cash() {
        // Savings 1,000 + 200 returned; loan 500 and interest 12 set off; 688 paid.
        let e = lines(&[
            ("2100-0001", 1000),
            ("2110-0001", 200),
            ("1100", -688),
            ("4100", -12),
            ("1300-0001", -500),
        ]);
        assert_eq!(cash_that_moved(&e), vec![("2100-0001".to_string(), 688)]);
    }

    #[test]
    fn a_fee_deducted_at_payout_leaves_the_net_payout_as_the_payment() {
        let e = lines(&[("1300-0002", 10_000), ("1100", -9_800), ("4100", -200)]);
        assert_eq!(cash_that_moved(&e), vec![("1300-0002".to_string(), 9_800)]);
    }

    #[test]
    fn a_repayment_is_received_in_full_under_each_component() {
        let e = lines(&[
            ("1100", 1_120),
            ("4200", -20),
            ("4100", -100),
            ("1300-0001", -1_000),
        ]);
        assert_eq!(
            cash_that_moved(&e),
            vec![
                ("4200".to_string(), -20),
                ("4100".to_string(), -100),
                ("1300-0001".to_string(), -1_000)
            ]
        );
    }

    #[test]
    fn an_exit_with_everything_set_off_moves_no_cash() {
        let e = lines(&[("2100-0001", 500), ("1300-0001", -500)]);
        assert!(cash_that_moved(&e).is_empty());
    }
}
