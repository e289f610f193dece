//! Applying loan events to `loans` and `instalments`, and undoing a reversed one.

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use crate::error::{Error, Result};
use crate::event::EventBody;
use crate::loan::allocation::Allocation;
use crate::loan::schedule::{Instalment, LoanTerms};

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
            reference,
        } => {
            tx.prepare_cached("INSERT INTO loans (org_id, loan_no, source, member_no, status, terms, principal, applied_on, reference)
                 VALUES (?1, ?2, 'member', ?3, 'applied', ?4, ?5, ?6, ?7)")?.execute(
                params![org, loan_no, member_no, terms_json(terms)?, terms.principal, date.to_string(), reference],
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
            loan_no,
            amount,
            interest_forgiven,
            penalty_forgiven,
            ..
        } => {
            tx.prepare_cached(
                "UPDATE loans SET status = 'written-off', written_off = ?3, closed_on = ?4,
                        interest_forgiven = ?5, penalty_forgiven = ?6
                 WHERE org_id = ?1 AND loan_no = ?2",
            )?
            .execute(params![
                org,
                loan_no,
                amount,
                date.to_string(),
                interest_forgiven,
                penalty_forgiven
            ])?;
        }
        EventBody::FacilityReceived {
            loan_no,
            source,
            terms,
            schedule,
            reference,
            ..
        } => {
            tx.prepare_cached("INSERT INTO loans (org_id, loan_no, source, status, terms, principal, applied_on, disbursed_on, reference)
                 VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?6, ?6, ?7)")?.execute(
                params![org, loan_no, source.as_str(), terms_json(terms)?, terms.principal, date.to_string(), reference],
            )?;
            insert_schedule(tx, org, *loan_no, schedule)?;
        }
        _ => {}
    }
    Ok(())
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
                tx.prepare_cached("UPDATE loans SET status = 'active', written_off = 0, interest_forgiven = 0, penalty_forgiven = 0, closed_on = NULL WHERE org_id = ?1 AND loan_no = ?2")?.execute(
                    params![org, loan_no],
                )?;
            }
            _ => {}
        }
    }
    Ok(())
}
