//! Internal lending and the organisation's own borrowing: applications, approval
//! in a meeting, disbursement with a stored schedule, repayments allocated by
//! policy, write-offs, and where each loan stands on any date.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::admin::require_approver;
use crate::admin::require_org;
use crate::admin::OrgContext;
use crate::book::Book;
use crate::chart::{member_account, MEMBER_LOANS};
use crate::checks::{active_member, money_date};
use crate::commands::Via;
use crate::error::{Error, Result};
use crate::event::{EventBody, FacilitySource};
use crate::loan::allocation::{self, Allocation, Component, InstalmentState, StandingFigures};
use crate::loan::schedule::{schedule, Instalment, LoanTerms};
use crate::loan::{Frequency, Method, RatePeriod};
use crate::money::{from_minor, positive_minor};
use crate::store::parse_stored_date;
use crate::text::person_text;

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
}

impl LoanRequest {
    /// The terms in minor units of a currency of `scale`, validated.
    pub fn terms(&self, scale: u32) -> Result<LoanTerms> {
        let t = LoanTerms {
            principal: positive_minor("principal", self.principal, scale)?,
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
    /// `member`, `cif` or `bank-loan`.
    pub source: String,
    pub status: LoanStatus,
    pub terms: LoanTerms,
    pub applied_on: NaiveDate,
    pub approved_meeting: Option<u32>,
    pub disbursed_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
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
}

pub(crate) fn loan_row(conn: &Connection, org: Uuid, loan_no: u32) -> Result<LoanRow> {
    type Row = (
        String,
        Option<u32>,
        String,
        String,
        String,
        Option<u32>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> = conn.prepare_cached("SELECT source, member_no, status, terms, applied_on, approved_meeting, disbursed_on, closed_on
             FROM loans WHERE org_id = ?1 AND loan_no = ?2")?.query_row(
            params![org.to_string(), loan_no],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
        )
        .optional()?;
    let (source, member_no, status, terms, applied, approved, disbursed, closed) =
        row.ok_or_else(|| Error::not_found(format!("loan {loan_no}")))?;
    Ok(LoanRow {
        source,
        member_no,
        status: LoanStatus::parse(&status)?,
        terms: crate::event::parse_stored_json(&format!("loan {loan_no} terms"), &terms)?,
        applied_on: parse_stored_date(&applied)?,
        approved_meeting: approved,
        disbursed_on: disbursed.as_deref().map(parse_stored_date).transpose()?,
        closed_on: closed.as_deref().map(parse_stored_date).transpose()?,
    })
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
    type Row = (u32, String, i64, i64, i64, i64, i64, i64, bool);
    let rows: Vec<Row> = st
        .query_map(params![org.to_string(), loan_no], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(
            |(no, due, principal, interest, penalty, pp, ip, pep, assessed)| {
                Ok(InstalmentState {
                    no,
                    due_on: parse_stored_date(&due)?,
                    principal,
                    interest,
                    penalty,
                    principal_paid: pp,
                    interest_paid: ip,
                    penalty_paid: pep,
                    penalty_assessed: assessed,
                })
            },
        )
        .collect()
}

fn next_loan_no(tx: &Connection, org: Uuid) -> Result<u32> {
    let max: u32 = tx
        .prepare_cached("SELECT COALESCE(MAX(loan_no), 0) FROM loans WHERE org_id = ?1")?
        .query_row([org.to_string()], |r| r.get(0))?;
    Ok(max + 1)
}

/// The split of a payment of `amount` on `date`, with the penalties it triggers.
pub(crate) fn plan_payment(
    ctx: &OrgContext,
    states: &[InstalmentState],
    date: NaiveDate,
    amount: i64,
    member_loan: bool,
) -> Result<Allocation> {
    let (states, penalties) = if member_loan {
        with_penalties_due(states, date, &ctx.policy, &ctx.org)?
    } else {
        (states.to_vec(), Vec::new())
    };
    // A bank or a VO takes interest before principal; a group follows its own policy.
    let order = if member_loan {
        ctx.policy.allocation_order
    } else {
        [
            Component::Interest,
            Component::Principal,
            Component::Penalty,
        ]
    };
    let lines = allocation::allocate(&states, date, amount, &order)?;
    Ok(Allocation { penalties, lines })
}

/// A member loan's instalments with the late penalties due on `date` charged,
/// and those charges: the one place a book assesses penalties, for a payment,
/// for what is payable, for a loan's standing and for an exit.
pub(crate) fn with_penalties_due(
    states: &[InstalmentState],
    date: NaiveDate,
    policy: &crate::policy::Policy,
    org: &crate::org::Organisation,
) -> Result<(Vec<InstalmentState>, Vec<allocation::PenaltyCharge>)> {
    let mut states = states.to_vec();
    let charges = allocation::assess_penalties(
        &states,
        date,
        policy.grace_days,
        &policy.late_penalty,
        org.currency.scale,
        org.rounding,
    )?;
    allocation::charge_penalties(&mut states, &charges);
    Ok((states, charges))
}

/// Everything payable on `date`, including penalties a payment would trigger.
pub(crate) fn payable_on(
    ctx: &OrgContext,
    states: &[InstalmentState],
    date: NaiveDate,
    member_loan: bool,
) -> Result<i64> {
    let states = if member_loan {
        with_penalties_due(states, date, &ctx.policy, &ctx.org)?.0
    } else {
        states.to_vec()
    };
    Ok(allocation::collectable(&states, date))
}

impl Book {
    /// A loan with its schedule and payments.
    pub fn loan(&self, org: Uuid, loan_no: u32) -> Result<Loan> {
        self.organisation(org)?;
        self.with_conn(|conn| {
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
                instalments: instalment_states(conn, org, loan_no)?,
            })
        })
    }

    /// Every loan of the organisation (member loans and its own borrowing), by number.
    pub fn loans(&self, org: Uuid) -> Result<Vec<Loan>> {
        let nos: Vec<u32> = self.with_conn(|conn| {
            let mut st =
                conn.prepare("SELECT loan_no FROM loans WHERE org_id = ?1 ORDER BY loan_no")?;
            let v = st
                .query_map([org.to_string()], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(v)
        })?;
        nos.into_iter().map(|n| self.loan(org, n)).collect()
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

    fn loans_where(
        &self,
        sql: &str,
        org: Uuid,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<Loan>> {
        let nos: Vec<u32> = self.with_conn(|conn| {
            let mut st = conn.prepare_cached(sql)?;
            let rows = st.query_map(args, |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        nos.into_iter().map(|n| self.loan(org, n)).collect()
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
    fn instalments_on(
        &self,
        org: Uuid,
        loan_no: u32,
        as_of: NaiveDate,
        states: &mut [InstalmentState],
    ) -> Result<()> {
        let changed = self.with_conn(|conn| {
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
        let member_loan = loan.member_no.is_some();
        let running = Self::loan_active_on(&loan, as_of);
        let mut states = loan.instalments.clone();
        if running {
            self.instalments_on(org, loan_no, as_of, &mut states)?;
            if member_loan {
                states = with_penalties_due(&states, as_of, &policy, &o)?.0;
            }
        } else {
            states.clear();
        }
        let f: StandingFigures = allocation::standing(&states, as_of);
        let payable = allocation::collectable(&states, as_of);
        let d = |m: i64| from_minor(m, o.currency.scale);
        Ok(LoanStanding {
            loan_no,
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

fn facility_account(source: &str) -> Result<&'static str> {
    match source {
        "cif" => Ok(FacilitySource::Cif.account()),
        "bank-loan" => Ok(FacilitySource::BankLoan.account()),
        other => Err(Error::Storage {
            reason: format!("unknown borrowing source {other}"),
        }),
    }
}

pub(crate) fn insert_schedule(
    tx: &Connection,
    org: &str,
    loan_no: u32,
    schedule: &[Instalment],
) -> Result<()> {
    let mut ins = tx.prepare_cached(
        "INSERT INTO instalments (org_id, loan_no, no, due_on, principal, interest) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for i in schedule {
        ins.execute(params![
            org,
            loan_no,
            i.no,
            i.due_on.to_string(),
            i.principal,
            i.interest
        ])?;
    }
    Ok(())
}

/// Records penalties charged and payments made on a loan, and closes it once its
/// principal and everything due are paid. Interest of instalments not yet due is
/// not owed on a loan prepaid in full.
pub(crate) fn apply_payment(
    tx: &Connection,
    org: &str,
    loan_no: u32,
    date: NaiveDate,
    a: &Allocation,
) -> Result<()> {
    for c in &a.penalties {
        tx.prepare_cached(
            "UPDATE instalments SET penalty = penalty + ?4, penalty_assessed = 1
             WHERE org_id = ?1 AND loan_no = ?2 AND no = ?3",
        )?
        .execute(params![org, loan_no, c.instalment, c.amount])?;
    }
    for l in &a.lines {
        let n = tx.prepare_cached("UPDATE instalments SET penalty_paid = penalty_paid + ?4, interest_paid = interest_paid + ?5,
                 principal_paid = principal_paid + ?6
             WHERE org_id = ?1 AND loan_no = ?2 AND no = ?3")?.execute(
            params![org, loan_no, l.instalment, l.penalty, l.interest, l.principal],
        )?;
        if n != 1 {
            return Err(Error::not_found(format!(
                "instalment {} of loan {loan_no}",
                l.instalment
            )));
        }
    }
    let owing: i64 = tx.prepare_cached("SELECT COALESCE(SUM(principal - principal_paid
                 + CASE WHEN due_on <= ?3 THEN interest - interest_paid + penalty - penalty_paid ELSE 0 END), 0)
         FROM instalments WHERE org_id = ?1 AND loan_no = ?2")?.query_row(
        params![org, loan_no, date.to_string()],
        |r| r.get(0),
    )?;
    if owing == 0 {
        tx.prepare_cached(
            "UPDATE loans SET status = 'closed', closed_on = ?3 WHERE org_id = ?1 AND loan_no = ?2",
        )?
        .execute(params![org, loan_no, date.to_string()])?;
    }
    Ok(())
}

/// Applies lending events to the projections.
pub(crate) fn apply(tx: &Connection, org: &str, date: NaiveDate, body: &EventBody) -> Result<()> {
    let terms_json = |t: &LoanTerms| crate::event::stored_json("loan terms", t);
    match body {
        EventBody::CutoffRecorded(c) => {
            // Loans carried over from the paper books, active from the cut-off.
            for m in &c.members {
                for l in &m.loans {
                    tx.prepare_cached("INSERT INTO loans (org_id, loan_no, source, member_no, status, terms, principal, applied_on, disbursed_on)
                         VALUES (?1, ?2, 'member', ?3, 'active', ?4, ?5, ?6, ?6)")?.execute(
                        params![org, l.loan_no, m.member_no, terms_json(&l.terms)?, l.terms.principal, date.to_string()],
                    )?;
                    insert_schedule(tx, org, l.loan_no, &l.schedule)?;
                }
            }
            for f in &c.facilities {
                tx.prepare_cached("INSERT INTO loans (org_id, loan_no, source, status, terms, principal, applied_on, disbursed_on)
                     VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?6, ?6)")?.execute(
                    params![org, f.loan_no, f.source.as_str(), terms_json(&f.terms)?, f.terms.principal, date.to_string()],
                )?;
                insert_schedule(tx, org, f.loan_no, &f.schedule)?;
            }
        }
        EventBody::MemberExited(x) => {
            // Loans settled from the member's savings at her exit.
            for s in &x.settled {
                apply_payment(tx, org, s.loan_no, date, &s.allocation)?;
            }
        }
        EventBody::LoanApplied {
            loan_no,
            member_no,
            terms,
        } => {
            tx.prepare_cached("INSERT INTO loans (org_id, loan_no, source, member_no, status, terms, principal, applied_on)
                 VALUES (?1, ?2, 'member', ?3, 'applied', ?4, ?5, ?6)")?.execute(
                params![org, loan_no, member_no, terms_json(terms)?, terms.principal, date.to_string()],
            )?;
        }
        EventBody::LoanApproved {
            loan_no,
            meeting_no,
        } => {
            tx.prepare_cached("UPDATE loans SET status = 'approved', approved_meeting = ?3 WHERE org_id = ?1 AND loan_no = ?2")?.execute(
                params![org, loan_no, meeting_no],
            )?;
        }
        EventBody::LoanDisbursed {
            loan_no,
            fee,
            schedule,
            ..
        } => {
            tx.prepare_cached("UPDATE loans SET status = 'active', disbursed_on = ?3, fee = ?4 WHERE org_id = ?1 AND loan_no = ?2")?.execute(
                params![org, loan_no, date.to_string(), fee],
            )?;
            insert_schedule(tx, org, *loan_no, schedule)?;
        }
        EventBody::LoanRepaid {
            loan_no,
            allocation,
            ..
        } => apply_payment(tx, org, *loan_no, date, allocation)?,
        EventBody::LoanWrittenOff {
            loan_no, amount, ..
        } => {
            tx.prepare_cached(
                "UPDATE loans SET status = 'written-off', written_off = ?3, closed_on = ?4
                 WHERE org_id = ?1 AND loan_no = ?2",
            )?
            .execute(params![org, loan_no, amount, date.to_string()])?;
        }
        EventBody::FacilityReceived {
            loan_no,
            source,
            terms,
            schedule,
            ..
        } => {
            tx.prepare_cached("INSERT INTO loans (org_id, loan_no, source, status, terms, principal, applied_on, disbursed_on)
                 VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?6, ?6)")?.execute(
                params![org, loan_no, source.as_str(), terms_json(terms)?, terms.principal, date.to_string()],
            )?;
            insert_schedule(tx, org, *loan_no, schedule)?;
        }
        _ => {}
    }
    Ok(())
}

// Decisions: each validates a command against the book, read-only, and
// returns the event to record.

/// A member applies for a loan. Returns the loan number in `Outcome::number`.
pub(crate) fn decide_apply_for_loan(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    member_no: u32,
    date: NaiveDate,
    req: LoanRequest,
) -> Result<EventBody> {
    let ctx = require_org(ctx, org)?;
    crate::checks::not_before_opening(ctx, date, "date")?;
    active_member(tx, org, member_no, date)?;
    let terms = req.terms(ctx.org.currency.scale)?;
    Ok(EventBody::LoanApplied {
        loan_no: next_loan_no(tx, org)?,
        member_no,
        terms,
    })
}

/// The group approves an application at an open meeting.
pub(crate) fn decide_approve_loan(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    loan_no: u32,
    meeting_no: u32,
) -> Result<EventBody> {
    require_org(ctx, org)?;
    let open: Option<u32> = tx
        .prepare_cached("SELECT meeting_no FROM meetings WHERE org_id = ?1 AND status = 'open'")?
        .query_row([org.to_string()], |r| r.get(0))
        .optional()?;
    if open != Some(meeting_no) {
        return Err(Error::conflict(format!(
            "a loan is approved in an open meeting; meeting {meeting_no} is not open"
        )));
    }
    let l = loan_row(tx, org, loan_no)?;
    if l.status != LoanStatus::Applied {
        return Err(Error::conflict(format!(
            "loan {loan_no} is {:?}, not awaiting approval",
            l.status
        )));
    }
    Ok(EventBody::LoanApproved {
        loan_no,
        meeting_no,
    })
}

/// Pays out an approved loan from cash or bank, storing its schedule. A
/// disbursement beyond the money available is refused.
pub(crate) fn decide_disburse_loan(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    loan_no: u32,
    date: NaiveDate,
    via: Via,
) -> Result<EventBody> {
    let ctx = require_org(ctx, org)?;
    money_date(tx, ctx, date)?;
    let l = loan_row(tx, org, loan_no)?;
    if l.status != LoanStatus::Approved {
        return Err(Error::conflict(format!(
            "loan {loan_no} is {:?}; only an approved loan is paid out",
            l.status
        )));
    }
    let member_no = l
        .member_no
        .ok_or_else(|| Error::conflict(format!("loan {loan_no} is not a member loan")))?;
    active_member(tx, org, member_no, date)?;
    let (scale, rounding) = (ctx.org.currency.scale, ctx.org.rounding);
    let schedule = schedule(&l.terms, date, scale, rounding)?;
    Ok(EventBody::LoanDisbursed {
        loan_no,
        member_no,
        via: via.account().into(),
        principal: l.terms.principal,
        fee: l.terms.fee_at_disbursement(scale, rounding)?,
        schedule,
    })
}

pub(crate) fn decide_repay(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    loan_no: u32,
    r: Repayment,
    member_loan: bool,
) -> Result<EventBody> {
    let ctx = require_org(ctx, org)?;
    let amount = positive_minor("amount", r.amount, ctx.org.currency.scale)?;
    money_date(tx, ctx, r.date)?;
    let l = loan_row(tx, org, loan_no)?;
    if (l.source == "member") != member_loan {
        return Err(Error::invalid(
            "loan_no",
            format!(
                "loan {loan_no} is {}",
                if member_loan {
                    "the organisation's borrowing"
                } else {
                    "a member loan"
                }
            ),
        ));
    }
    if l.status != LoanStatus::Active {
        return Err(Error::conflict(format!(
            "loan {loan_no} is {:?}; only an active loan is repaid",
            l.status
        )));
    }
    let loan_account = match l.member_no {
        Some(m) => {
            active_member(tx, org, m, r.date)?;
            member_account(MEMBER_LOANS, m)
        }
        None => facility_account(&l.source)?.to_string(),
    };
    let states = instalment_states(tx, org, loan_no)?;
    let allocation = plan_payment(ctx, &states, r.date, amount, member_loan)?;
    Ok(EventBody::LoanRepaid {
        loan_no,
        loan_account,
        payable: !member_loan,
        via: r.via.account().into(),
        amount,
        allocation,
    })
}

/// Writes off what is left of a member loan's principal. Needs an approver.
pub(crate) fn decide_write_off_loan(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    loan_no: u32,
    date: NaiveDate,
    reason: &str,
) -> Result<EventBody> {
    let reason = person_text("reason", reason, crate::meetings::MAX_REASON_CHARS)?;

    let ctx = require_org(ctx, org)?;
    require_approver(ctx, "writing a loan off")?;
    money_date(tx, ctx, date)?;
    let l = loan_row(tx, org, loan_no)?;
    let member_no = l
        .member_no
        .ok_or_else(|| Error::invalid("loan_no", format!("loan {loan_no} is not a member loan")))?;
    if l.status != LoanStatus::Active {
        return Err(Error::conflict(format!(
            "loan {loan_no} is {:?}; only an active loan is written off",
            l.status
        )));
    }
    let states = instalment_states(tx, org, loan_no)?;
    let amount: i64 = states.iter().map(|s| s.unpaid(Component::Principal)).sum();
    Ok(EventBody::LoanWrittenOff {
        loan_no,
        loan_account: member_account(MEMBER_LOANS, member_no),
        amount,
        reason,
    })
}

/// Money the organisation borrows: CIF from its VO, or a bank term loan, with
/// its own repayment schedule. Returns the loan number in `Outcome::number`.
pub(crate) fn decide_receive_borrowing(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    source: FacilitySource,
    date: NaiveDate,
    via: Via,
    req: LoanRequest,
) -> Result<EventBody> {
    let ctx = require_org(ctx, org)?;
    money_date(tx, ctx, date)?;
    let terms = req.terms(ctx.org.currency.scale)?;
    if matches!(terms.method, Method::FeeDeducted) {
        return Err(Error::invalid(
            "method",
            "a borrowing's fee is recorded as a payment, not deducted",
        ));
    }
    crate::checks::account_exists(tx, org, source.account())?;
    let schedule = schedule(&terms, date, ctx.org.currency.scale, ctx.org.rounding)?;
    Ok(EventBody::FacilityReceived {
        loan_no: next_loan_no(tx, org)?,
        source,
        via: via.account().into(),
        terms,
        schedule,
    })
}

/// Undoes what reversed event `seq` did to loans and instalments (a payment's
/// split, a payout, a borrowing received, a write-off), as `loan_movements`
/// recorded it: the event log is not read.
pub(crate) fn undo(tx: &Connection, org: &str, seq: u64, date: NaiveDate) -> Result<()> {
    for m in crate::movements::of_event(tx, org, seq)? {
        let loan_no = m.loan_no;
        match (m.kind.as_str(), &m.allocation) {
            ("loan.repaid", Some(allocation)) => {
                for l in &allocation.lines {
                    tx.prepare_cached("UPDATE instalments SET penalty_paid = penalty_paid - ?4, interest_paid = interest_paid - ?5,
                             principal_paid = principal_paid - ?6
                         WHERE org_id = ?1 AND loan_no = ?2 AND no = ?3")?.execute(
                        params![org, loan_no, l.instalment, l.penalty, l.interest, l.principal],
                    )?;
                }
                for c in &allocation.penalties {
                    tx.prepare_cached(
                        "UPDATE instalments SET penalty = penalty - ?4, penalty_assessed = 0
                         WHERE org_id = ?1 AND loan_no = ?2 AND no = ?3",
                    )?
                    .execute(params![org, loan_no, c.instalment, c.amount])?;
                }
                tx.prepare_cached(
                    "UPDATE loans SET status = 'active', closed_on = NULL
                     WHERE org_id = ?1 AND loan_no = ?2 AND status = 'closed'",
                )?
                .execute(params![org, loan_no])?;
            }
            ("loan.disbursed", _) => {
                tx.prepare_cached("DELETE FROM instalments WHERE org_id = ?1 AND loan_no = ?2")?
                    .execute(params![org, loan_no])?;
                tx.prepare_cached("UPDATE loans SET status = 'approved', disbursed_on = NULL, fee = 0 WHERE org_id = ?1 AND loan_no = ?2")?.execute(
                    params![org, loan_no],
                )?;
            }
            ("facility.received", _) => {
                tx.prepare_cached("DELETE FROM instalments WHERE org_id = ?1 AND loan_no = ?2")?
                    .execute(params![org, loan_no])?;
                tx.prepare_cached("UPDATE loans SET status = 'closed', closed_on = ?3 WHERE org_id = ?1 AND loan_no = ?2")?.execute(
                    params![org, loan_no, date.to_string()],
                )?;
            }
            ("loan.written_off", _) => {
                tx.prepare_cached("UPDATE loans SET status = 'active', written_off = 0, closed_on = NULL WHERE org_id = ?1 AND loan_no = ?2")?.execute(
                    params![org, loan_no],
                )?;
            }
            _ => {}
        }
    }
    Ok(())
}
