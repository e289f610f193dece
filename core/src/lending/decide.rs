//! Decisions on loans: applications, approval, payout, repayments split by the
//! allocation order after late penalties, write-offs, and the group's borrowing.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use super::*;
use crate::admin::{require_org, OrgContext};
use crate::chart::{member_account, MEMBER_LOANS};
use crate::checks::{active_member, money_date};
use crate::commands::Via;
use crate::error::{Error, Result};
use crate::event::{EventBody, FacilitySource};
use crate::loan::allocation::{self, Allocation, Component, InstalmentState};
use crate::loan::schedule::schedule;
use crate::loan::Method;
use crate::money::positive_minor;
use crate::text::person_text;

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
    let available = allocation::collectable(&states, date);
    if amount > available {
        return Err(Error::invalid(
            "amount",
            format!(
                "{} is more than the {} that can be paid on this loan on {date}",
                ctx.money(amount),
                ctx.money(available)
            ),
        ));
    }
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

fn facility_account(source: &str) -> Result<&'static str> {
    match source {
        "cif" => Ok(FacilitySource::Cif.account()),
        "bank-loan" => Ok(FacilitySource::BankLoan.account()),
        "vrf" => Ok(FacilitySource::Vrf.account()),
        other => Err(Error::Storage {
            reason: format!("unknown borrowing source {other}"),
        }),
    }
}

/// A loan reference names one loan of the organisation: a second loan under
/// the same one is refused, so reconciling by it cannot match two.
fn unused_reference(
    tx: &Connection,
    org: Uuid,
    reference: Option<String>,
) -> Result<Option<String>> {
    if let Some(r) = &reference {
        let held: Option<u32> = tx
            .prepare_cached("SELECT loan_no FROM loans WHERE org_id = ?1 AND reference = ?2")?
            .query_row(rusqlite::params![org.to_string(), r], |row| row.get(0))
            .optional()?;
        if let Some(loan_no) = held {
            return Err(Error::conflict(format!(
                "loan {loan_no} already has the reference {r:?}"
            )));
        }
    }
    Ok(reference)
}

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
    let reference = unused_reference(tx, org, req.checked_reference()?)?;
    Ok(EventBody::LoanApplied {
        loan_no: next_loan_no(tx, org)?,
        member_no,
        terms,
        reference,
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
    let schedule = schedule(&l.terms, date, ctx.org.calendar, scale, rounding)?;
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
    // The policy of daftar: a write-off forgives with the principal the
    // interest fallen due and the penalties due by then, all recorded here.
    // Interest not yet due was never owed. Income is booked when paid, so
    // forgiving it posts nothing.
    let (charged, _) = with_penalties_due(&states, date, &ctx.policy, &ctx.org)?;
    let interest_forgiven = charged
        .iter()
        .filter(|s| s.due_on <= date)
        .map(|s| s.unpaid(Component::Interest))
        .sum();
    let penalty_forgiven = charged.iter().map(|s| s.unpaid(Component::Penalty)).sum();
    Ok(EventBody::LoanWrittenOff {
        loan_no,
        loan_account: member_account(MEMBER_LOANS, member_no),
        amount,
        reason,
        interest_forgiven,
        penalty_forgiven,
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
    crate::checks::account_exists(tx, org, source.account()).map_err(|_| {
        Error::invalid(
            "source",
            format!(
                "a {} does not borrow {}: its chart has no account for it",
                ctx.org.kind.as_str(),
                source.as_str()
            ),
        )
    })?;
    let schedule = schedule(
        &terms,
        date,
        ctx.org.calendar,
        ctx.org.currency.scale,
        ctx.org.rounding,
    )?;
    let reference = unused_reference(tx, org, req.checked_reference()?)?;
    Ok(EventBody::FacilityReceived {
        loan_no: next_loan_no(tx, org)?,
        source,
        via: via.account().into(),
        terms,
        schedule,
        reference,
    })
}
