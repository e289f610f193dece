//! Applies an event to the projections (organisations, members, accounts, entries,
//! postings). Live commands and replay both come through here, so the stored
//! projections are exactly what the log implies.

use rusqlite::Connection;

use crate::error::Result;
use crate::event::{Event, EventBody};
use crate::ledger;

pub(crate) fn apply(tx: &Connection, seq: u64, ev: &Event) -> Result<()> {
    let org = ev.org.to_string();
    match &ev.body {
        EventBody::OrgCreated(_)
        | EventBody::MemberAdded { .. }
        | EventBody::MemberChanged { .. } => crate::registry::apply(tx, &org, ev.date, &ev.body)?,
        EventBody::PolicySet(_) | EventBody::RoleSet { .. } | EventBody::PinSet { .. } => {
            crate::admin::apply(tx, &org, &ev.body)?
        }
        EventBody::CustodyClaimed(_)
        | EventBody::CustodyTransferred(_)
        | EventBody::CustodyRecovered(_) => crate::custody::apply(tx, &org, seq, &ev.body)?,
        body => {
            if let EventBody::MeetingReopened { meeting_no, .. } = body {
                // Reopen first, so the reversal of the closing discrepancy belongs to it.
                crate::meetings::reopen(tx, &org, *meeting_no)?;
            }
            if let Some(lines) = body.journal().filter(|l| !l.is_empty()) {
                let scale: u32 = tx
                    .prepare_cached("SELECT scale FROM organisations WHERE id = ?1")?
                    .query_row([&org], |r| r.get(0))?;
                let head = ledger::EntryHead {
                    org: &org,
                    seq,
                    date: &ev.date.to_string(),
                    narration: &narration(body),
                    kind: body.kind(),
                };
                ledger::post(tx, &head, scale, &lines)?;
                crate::meetings::attach_entry(tx, &org, seq)?;
            }
            crate::lending::apply(tx, &org, ev.date, body)?;
            crate::movements::record(tx, &org, seq, ev.date, body)?;
            crate::meetings::apply(tx, &org, ev.date, body)?;
            crate::registry::apply(tx, &org, ev.date, body)?;
            crate::charges::record_charge(tx, &org, seq, ev.date, body)?;
            crate::corrections::apply(tx, seq, ev)?;
        }
    }
    Ok(())
}

/// The narration stored with an entry: the user's words, or a description.
fn narration(body: &EventBody) -> String {
    match body {
        EventBody::Receipt { narration, .. }
        | EventBody::Payment { narration, .. }
        | EventBody::Transfer { narration, .. }
            if !narration.is_empty() =>
        {
            narration.clone()
        }
        EventBody::Receipt { .. } => "Receipt".into(),
        EventBody::Payment { .. } => "Payment".into(),
        EventBody::Transfer { .. } => "Transfer between cash and bank".into(),
        EventBody::SavingsDeposit { member_no, .. } => {
            format!("Savings deposit, member {member_no}")
        }
        EventBody::SavingsWithdrawal { member_no, .. } => {
            format!("Savings withdrawal, member {member_no}")
        }
        EventBody::MeetingClosed {
            meeting_no,
            discrepancy_reason,
            ..
        } => format!(
            "Cash difference at meeting {meeting_no}: {}",
            discrepancy_reason.as_deref().unwrap_or("")
        ),
        EventBody::MeetingReopened { meeting_no, .. } => {
            format!("Reversal of the cash difference of meeting {meeting_no}, reopened")
        }
        EventBody::LoanDisbursed {
            loan_no, member_no, ..
        } => {
            format!("Loan {loan_no} paid out to member {member_no}")
        }
        EventBody::LoanRepaid {
            loan_no,
            payable: false,
            ..
        } => format!("Repayment of loan {loan_no}"),
        EventBody::LoanRepaid {
            loan_no,
            payable: true,
            ..
        } => format!("Repayment of borrowing {loan_no}"),
        EventBody::LoanWrittenOff {
            loan_no, reason, ..
        } => format!("Loan {loan_no} written off: {reason}"),
        EventBody::FacilityReceived {
            loan_no, source, ..
        } => {
            format!("Borrowing {loan_no} received ({})", source.as_str())
        }
        EventBody::ChargeCollected {
            member_no, charge, ..
        } => match charge {
            crate::event::MemberCharge::MembershipFee => {
                format!("Membership fee from member {member_no}")
            }
            crate::event::MemberCharge::AbsenceFine => {
                format!("Absence fine from member {member_no}")
            }
        },
        EventBody::CutoffRecorded(_) => "Opening balances at cut-off from the paper books".into(),
        EventBody::MemberExited(x) => format!("Exit settlement of member {}", x.member_no),
        EventBody::EntryReversed {
            original_seq,
            reason,
            ..
        } => {
            format!("Reversal of entry {original_seq}: {reason}")
        }
        other => other.kind().to_string(),
    }
}
