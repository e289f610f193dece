//! Internal lending and the organisation's own borrowing: applications, approval
//! in a meeting, disbursement with a stored schedule, repayments allocated by
//! policy, write-offs, and where each loan stands on any date.

mod apply;
mod decide;

pub(crate) use apply::{apply, undo};
pub(crate) use decide::{
    decide_apply_for_loan, decide_approve_loan, decide_disburse_loan, decide_receive_borrowing,
    decide_repay, decide_write_off_loan, payable_on, plan_payment, with_penalties_due,
};

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::book::Book;
use crate::commands::Via;
use crate::error::{Error, Result};
use crate::loan::allocation::{self, Allocation, InstalmentState, StandingFigures};
use crate::loan::schedule::LoanTerms;
use crate::loan::{Frequency, Method, RatePeriod};
use crate::money::{from_minor, positive_minor};
use crate::rows::parse_stored_date;

/// Terms as a person gives them, in major units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoanRequest {
    #[serde(with = "crate::money::amount")]
    pub principal: Decimal,
    /// Percent per `rate_period`; for fee methods, percent of the principal, once.
    #[serde(with = "crate::money::amount")]
    pub rate: Decimal,
    pub rate_period: RatePeriod,
    pub term: u32,
    pub frequency: Frequency,
    pub method: Method,
    /// The loan's reference shared with the other side: a CIF loan's, the same
    /// in the VO's book and the SHG's, so either side or the server can
    /// reconcile them; or a bank loan's account number. Unique in the organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// The longest loan reference, in characters.
pub const MAX_REFERENCE_CHARS: usize = 40;

impl LoanRequest {
    /// The reference as the book keeps it: trimmed and normalised like any
    /// text a person types, refused if empty or too long.
    pub fn checked_reference(&self) -> Result<Option<String>> {
        self.reference
            .as_deref()
            .map(|r| crate::text::person_text("reference", r, MAX_REFERENCE_CHARS))
            .transpose()
    }

    /// The terms in minor units of a currency of `scale`, validated.
    pub fn terms(&self, scale: u32) -> Result<LoanTerms> {
        let principal = positive_minor("principal", self.principal, scale)?;
        if principal > crate::loan::schedule::MAX_PRINCIPAL_MINOR {
            return Err(Error::invalid(
                "principal",
                format!(
                    "{} is above the largest loan a book holds, {}",
                    self.principal,
                    from_minor(crate::loan::schedule::MAX_PRINCIPAL_MINOR, scale)
                ),
            ));
        }
        let t = LoanTerms {
            principal,
            rate: self.rate.normalize(),
            rate_period: self.rate_period,
            term: self.term,
            frequency: self.frequency,
            method: self.method,
        };
        t.validate()?;
        Ok(t)
    }
}

/// A payment on a loan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repayment {
    pub date: NaiveDate,
    pub via: Via,
    #[serde(with = "crate::money::amount")]
    pub amount: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LoanStatus {
    Applied,
    Approved,
    Active,
    Closed,
    WrittenOff,
}

impl LoanStatus {
    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "applied" => LoanStatus::Applied,
            "approved" => LoanStatus::Approved,
            "active" => LoanStatus::Active,
            "closed" => LoanStatus::Closed,
            "written-off" => LoanStatus::WrittenOff,
            _ => {
                return Err(Error::Storage {
                    reason: format!("unknown loan status {s}"),
                })
            }
        })
    }
}

/// A loan as the book holds it, with its schedule and what was paid on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Loan {
    pub loan_no: u32,
    /// `None` for the organisation's own borrowing.
    pub member_no: Option<u32>,
    /// `member`, `cif`, `vrf` or `bank-loan`.
    pub source: String,
    pub status: LoanStatus,
    pub terms: LoanTerms,
    pub applied_on: NaiveDate,
    pub approved_meeting: Option<u32>,
    pub disbursed_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    /// The reference shared with the other side of the loan, if one was given.
    pub reference: Option<String>,
    pub instalments: Vec<InstalmentState>,
}

/// Where a loan stands on a date, in major units, including penalties that
/// would be charged on a payment that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanStanding {
    pub loan_no: u32,
    pub as_of: NaiveDate,
    pub outstanding_principal: Decimal,
    pub overdue_principal: Decimal,
    #[serde(with = "crate::money::amount")]
    pub overdue_interest: Decimal,
    pub penalty_due: Decimal,
    #[serde(with = "crate::money::amount")]
    pub arrears: Decimal,
    pub days_past_due: i64,
    /// The amount to pre-fill at a meeting on `as_of`.
    pub due_now: Decimal,
    /// The most a payment on `as_of` may be (everything due, plus prepaying principal).
    pub payable_now: Decimal,
}

pub(crate) struct LoanRow {
    pub source: String,
    pub member_no: Option<u32>,
    pub status: LoanStatus,
    pub terms: LoanTerms,
    pub applied_on: NaiveDate,
    pub approved_meeting: Option<u32>,
    pub disbursed_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub reference: Option<String>,
}

pub(crate) fn loan_row(conn: &Connection, org: Uuid, loan_no: u32) -> Result<LoanRow> {
    let mut st = conn.prepare_cached(
        "SELECT source, member_no, status, terms, applied_on, approved_meeting, disbursed_on, closed_on,
                reference
         FROM loans WHERE org_id = ?1 AND loan_no = ?2",
    )?;
    let mut rows = st.query(params![org.to_string(), loan_no])?;
    let r = rows
        .next()?
        .ok_or_else(|| Error::not_found(format!("loan {loan_no}")))?;
    LoanRow::from_row(loan_no, r)
}

impl LoanRow {
    /// A loan from its row, by column name.
    fn from_row(loan_no: u32, r: &rusqlite::Row<'_>) -> Result<LoanRow> {
        let date = |col: &str| -> Result<Option<NaiveDate>> {
            r.get::<_, Option<String>>(col)?
                .as_deref()
                .map(parse_stored_date)
                .transpose()
        };
        Ok(LoanRow {
            source: r.get("source")?,
            member_no: r.get("member_no")?,
            status: LoanStatus::parse(&r.get::<_, String>("status")?)?,
            terms: crate::event::parse_stored_json(
                &format!("loan {loan_no} terms"),
                &r.get::<_, String>("terms")?,
            )?,
            applied_on: parse_stored_date(&r.get::<_, String>("applied_on")?)?,
            approved_meeting: r.get("approved_meeting")?,
            disbursed_on: date("disbursed_on")?,
            closed_on: date("closed_on")?,
            reference: r.get("reference")?,
        })
    }
}

pub(crate) fn instalment_states(
    conn: &Connection,
    org: Uuid,
    loan_no: u32,
) -> Result<Vec<InstalmentState>> {
    let mut st = conn.prepare_cached(
        "SELECT no, due_on, principal, interest, penalty, principal_paid, interest_paid,
                penalty_paid, penalty_assessed
         FROM instalments WHERE org_id = ?1 AND loan_no = ?2 ORDER BY no",
    )?;
    let mut rows = st.query(params![org.to_string(), loan_no])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(instalment_from_row(r)?);
    }
    Ok(out)
}

/// An instalment and what was charged and paid on it, by column name.
fn instalment_from_row(r: &rusqlite::Row<'_>) -> Result<InstalmentState> {
    Ok(InstalmentState {
        no: r.get("no")?,
        due_on: parse_stored_date(&r.get::<_, String>("due_on")?)?,
        principal: r.get("principal")?,
        interest: r.get("interest")?,
        penalty: r.get("penalty")?,
        principal_paid: r.get("principal_paid")?,
        interest_paid: r.get("interest_paid")?,
        penalty_paid: r.get("penalty_paid")?,
        penalty_assessed: r.get("penalty_assessed")?,
    })
}

/// A loan with its schedule and payments, read on `conn`.
fn load_loan(conn: &Connection, org: Uuid, loan_no: u32) -> Result<Loan> {
    let l = loan_row(conn, org, loan_no)?;
    Ok(Loan {
        loan_no,
        member_no: l.member_no,
        source: l.source,
        status: l.status,
        terms: l.terms,
        applied_on: l.applied_on,
        approved_meeting: l.approved_meeting,
        disbursed_on: l.disbursed_on,
        closed_on: l.closed_on,
        reference: l.reference,
        instalments: instalment_states(conn, org, loan_no)?,
    })
}

impl Book {
    /// A loan with its schedule and payments.
    pub fn loan(&self, org: Uuid, loan_no: u32) -> Result<Loan> {
        self.organisation(org)?;
        self.with_reader(|conn| load_loan(conn, org, loan_no))
    }

    /// Every loan of the organisation (member loans and its own borrowing), by number.
    pub fn loans(&self, org: Uuid) -> Result<Vec<Loan>> {
        self.loans_where(
            "SELECT loan_no FROM loans WHERE org_id = ?1 ORDER BY loan_no",
            org,
            params![org.to_string()],
        )
    }

    /// A member's loans, oldest first (from the index, not a scan of all loans).
    pub fn member_loans(&self, org: Uuid, member_no: u32) -> Result<Vec<Loan>> {
        self.loans_where(
            "SELECT loan_no FROM loans WHERE org_id = ?1 AND member_no = ?2 ORDER BY loan_no",
            org,
            params![org.to_string(), member_no],
        )
    }

    /// The loans being repaid now, oldest first: what a meeting collects on.
    pub fn active_loans(&self, org: Uuid) -> Result<Vec<Loan>> {
        self.loans_where(
            "SELECT loan_no FROM loans WHERE org_id = ?1 AND status = 'active' ORDER BY loan_no",
            org,
            params![org.to_string()],
        )
    }

    /// Member loans paid out by `as_of` and not closed before it: those that
    /// may have been running that day ([`Book::loan_active_on`] decides), by number.
    pub(crate) fn member_loans_paid_out_by(
        &self,
        org: Uuid,
        as_of: NaiveDate,
    ) -> Result<Vec<Loan>> {
        self.loans_where(
            "SELECT loan_no FROM loans WHERE org_id = ?1 AND member_no IS NOT NULL
               AND disbursed_on IS NOT NULL AND disbursed_on <= ?2
               AND (closed_on IS NULL OR closed_on > ?2)
             ORDER BY loan_no",
            org,
            params![org.to_string(), as_of.to_string()],
        )
    }

    /// The loans `sql` chooses, all read in one read transaction.
    fn loans_where(
        &self,
        sql: &str,
        org: Uuid,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<Loan>> {
        self.organisation(org)?;
        self.with_reader(|conn| {
            let nos: Vec<u32> = {
                let mut st = conn.prepare_cached(sql)?;
                let rows = st.query_map(args, |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            nos.into_iter().map(|n| load_loan(conn, org, n)).collect()
        })
    }

    /// Whether a loan was running on `as_of`: paid out by then, and not yet closed
    /// or written off.
    pub fn loan_active_on(loan: &Loan, as_of: NaiveDate) -> bool {
        loan.disbursed_on.is_some_and(|d| d <= as_of)
            && matches!(
                loan.status,
                LoanStatus::Active | LoanStatus::Closed | LoanStatus::WrittenOff
            )
            && loan.closed_on.is_none_or(|c| c > as_of)
    }

    /// The instalments as they stood at the end of `as_of`: payments dated later
    /// are taken back, and payments whose reversal is dated later are restored.
    pub(crate) fn instalments_on(
        &self,
        org: Uuid,
        loan_no: u32,
        as_of: NaiveDate,
        states: &mut [InstalmentState],
    ) -> Result<()> {
        let changed = self.with_reader(|conn| {
            crate::movements::payments_changed_after(conn, &org.to_string(), loan_no, as_of)
        })?;
        let apply = |states: &mut [InstalmentState], a: &Allocation, sign: i64| {
            for l in &a.lines {
                if let Some(s) = states.iter_mut().find(|s| s.no == l.instalment) {
                    s.penalty_paid += sign * l.penalty;
                    s.interest_paid += sign * l.interest;
                    s.principal_paid += sign * l.principal;
                }
            }
            for c in &a.penalties {
                if let Some(s) = states.iter_mut().find(|s| s.no == c.instalment) {
                    s.penalty += sign * c.amount;
                    s.penalty_assessed = sign > 0 || s.penalty > 0;
                }
            }
        };
        for m in changed {
            let Some(a) = &m.allocation else { continue };
            // Today's instalments count a payment if it stands unreversed; take
            // back what did not count on `as_of`, restore what did.
            let now = m.reversed_on.is_none();
            let then = m.counted_on(as_of);
            match (now, then) {
                (true, false) => apply(states, a, -1),
                (false, true) => apply(states, a, 1),
                _ => {}
            }
        }
        Ok(())
    }

    /// Arrears, days past due and the amount due on `as_of`, as things stood that day.
    pub fn loan_standing(&self, org: Uuid, loan_no: u32, as_of: NaiveDate) -> Result<LoanStanding> {
        let o = self.organisation(org)?;
        let policy = self.policy(org)?;
        let loan = self.loan(org, loan_no)?;
        self.standing_of(&o, &policy, &loan, as_of)
    }

    /// [`Book::loan_standing`] of a loan already read, with its organisation
    /// and policy: what a report over many loans uses, reading each once.
    pub(crate) fn standing_of(
        &self,
        o: &crate::org::Organisation,
        policy: &crate::policy::Policy,
        loan: &Loan,
        as_of: NaiveDate,
    ) -> Result<LoanStanding> {
        let member_loan = loan.member_no.is_some();
        let running = Self::loan_active_on(loan, as_of);
        let mut states = loan.instalments.clone();
        if running {
            self.instalments_on(o.id, loan.loan_no, as_of, &mut states)?;
            if member_loan {
                states = with_penalties_due(&states, as_of, policy, o)?.0;
            }
        } else {
            states.clear();
        }
        let f: StandingFigures = allocation::standing(&states, as_of);
        let payable = allocation::collectable(&states, as_of);
        let d = |m: i64| from_minor(m, o.currency.scale);
        Ok(LoanStanding {
            loan_no: loan.loan_no,
            as_of,
            outstanding_principal: d(f.outstanding_principal),
            overdue_principal: d(f.overdue_principal),
            overdue_interest: d(f.overdue_interest),
            penalty_due: d(f.penalty_due),
            arrears: d(f.arrears),
            days_past_due: f.days_past_due,
            due_now: d(f.due_now),
            payable_now: d(payable),
        })
    }
}
