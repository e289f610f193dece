//! Reports built from the maintained balances, never from a scan of history.

use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::book::Book;
use crate::chart::AccountClass;
use crate::error::Result;
use crate::money::from_minor;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialBalanceRow {
    pub code: String,
    pub name: String,
    pub class: AccountClass,
    pub member_no: Option<u32>,
    pub member_name: Option<String>,
    pub debit: Decimal,
    pub credit: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialBalance {
    pub org_id: Uuid,
    pub org_name: String,
    pub currency: String,
    pub rows: Vec<TrialBalanceRow>,
    pub total_debit: Decimal,
    pub total_credit: Decimal,
}

impl TrialBalance {
    /// Debits equal credits: the book balances.
    pub fn is_balanced(&self) -> bool {
        self.total_debit == self.total_credit
    }
}

impl Book {
    /// Each account's debit or credit balance, leaving out accounts at zero, and the totals.
    pub fn trial_balance(&self, org: Uuid) -> Result<TrialBalance> {
        let o = self.organisation(org)?;
        let mut rows = Vec::new();
        // Zero at the currency's scale, so totals print as 0.00 for INR.
        let zero = from_minor(0, o.currency.scale);
        let (mut dr, mut cr) = (zero, zero);
        for a in self.accounts(org)? {
            if a.balance.is_zero() {
                continue;
            }
            let (debit, credit) = if a.balance > Decimal::ZERO {
                (a.balance, zero)
            } else {
                (zero, -a.balance)
            };
            dr += debit;
            cr += credit;
            rows.push(TrialBalanceRow {
                code: a.code,
                name: a.name,
                class: a.class,
                member_no: a.member_no,
                member_name: a.member_name,
                debit,
                credit,
            });
        }
        Ok(TrialBalance {
            org_id: org,
            org_name: o.name,
            currency: o.currency.code,
            rows,
            total_debit: dr,
            total_credit: cr,
        })
    }
}
