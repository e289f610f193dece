//! A loan's ledger, from its movements, and the portfolio of member loans with
//! days-past-due buckets and PAR30.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::book::Book;
use crate::error::Result;
use crate::loan::allocation::Component;
use crate::money::from_minor;

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

/// How a movement changes a loan's outstanding principal, in minor units.
fn sign_change(disbursed: i64, principal_paid: i64, written_off: i64) -> i64 {
    disbursed - principal_paid - written_off
}

impl Book {
    /// A loan's history: payout, repayments split by component, write-off, reversals.
    /// Read from `loan_movements`, never from the event log.
    pub fn loan_ledger(&self, org: Uuid, loan_no: u32) -> Result<LoanLedger> {
        let (_, scale) = self.scale_of(org)?;
        let loan = self.loan(org, loan_no)?;
        let o = org.to_string();
        // What each event did to this loan, and the seq of each one's reversal.
        let (movements, reversals) = self.with_reader(|conn| {
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
        let o = self.organisation(org)?;
        let policy = self.policy(org)?;
        for l in self.member_loans_paid_out_by(org, as_of)? {
            let Some(member_no) = l.member_no else {
                continue;
            };
            if !Book::loan_active_on(&l, as_of) {
                continue;
            }
            let st = self.standing_of(&o, &policy, &l, as_of)?;
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
}
