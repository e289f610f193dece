//! Applies an event to the projections (organisations, members, accounts, entries,
//! postings). Live commands and replay both come through here, so the stored
//! projections are exactly what the log implies.

use rusqlite::{params, Connection};

use crate::chart;
use crate::error::{Error, Result};
use crate::event::{Event, EventBody};
use crate::ledger;
use crate::text::search_key;

pub(crate) fn apply(tx: &Connection, seq: u64, ev: &Event) -> Result<()> {
    let org = ev.org.to_string();
    match &ev.body {
        EventBody::OrgCreated(o) => {
            tx.prepare_cached(
                "INSERT INTO organisations (id, kind, name, currency, scale, calendar,
                     fy_start_month, fy_start_day, locale, rounding, opened_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                org,
                o.kind.as_str(),
                o.name,
                o.currency.code,
                o.currency.scale,
                o.calendar.as_str(),
                o.fiscal_year_start.month,
                o.fiscal_year_start.day,
                o.locale.as_str(),
                o.rounding.as_text(),
                o.opened_on.to_string(),
            ])?;
            insert_accounts(tx, &org, Accounts::Chart(o.kind), false)?;
        }
        EventBody::MemberAdded {
            member_no,
            name,
            role,
            phone,
            joined_on,
        } => {
            tx.prepare_cached(
                "INSERT INTO members (org_id, member_no, name, name_search, role, phone, joined_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                org,
                member_no,
                name,
                search_key(name),
                role.as_str(),
                phone,
                joined_on.to_string()
            ])?;
            insert_accounts(tx, &org, Accounts::Member(*member_no), false)?;
        }
        EventBody::PolicySet(policy) => {
            let text = crate::event::stored_json("policy", policy)?;
            tx.prepare_cached("INSERT OR REPLACE INTO policies (org_id, policy) VALUES (?1, ?2)")?
                .execute(params![org, text])?;
        }
        EventBody::RoleSet { actor, role } => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO actors (org_id, actor, role) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![org, actor, role.as_str()])?;
        }
        EventBody::MemberChanged { member_no, change } => {
            let n = tx
                .prepare_cached(
                    "UPDATE members SET
                    name = COALESCE(?3, name),
                    name_search = COALESCE(?4, name_search),
                    role = COALESCE(?5, role),
                    phone = CASE WHEN ?6 THEN ?7 ELSE phone END,
                    exited_on = COALESCE(?8, exited_on)
                 WHERE org_id = ?1 AND member_no = ?2",
                )?
                .execute(params![
                    org,
                    member_no,
                    change.name,
                    change.name.as_deref().map(search_key),
                    change.role.map(|r| r.as_str()),
                    change.phone.is_some(),
                    change.phone.clone().flatten(),
                    change.exited_on.map(|d| d.to_string()),
                ])?;
            if n != 1 {
                return Err(Error::not_found(format!("member {member_no}")));
            }
        }
        body => {
            if let EventBody::MeetingReopened { meeting_no, .. } = body {
                // Reopen first, so the reversal of the closing discrepancy belongs to it.
                tx.prepare_cached(
                    "UPDATE meetings SET status = 'open', counted_cash = NULL, discrepancy = 0,
                         discrepancy_reason = NULL
                     WHERE org_id = ?1 AND meeting_no = ?2",
                )?
                .execute(params![org, meeting_no])?;
            }
            if let Some(lines) = body.journal().filter(|l| !l.is_empty()) {
                let scale: u32 = tx
                    .prepare_cached("SELECT scale FROM organisations WHERE id = ?1")?
                    .query_row([&org], |r| r.get(0))?;
                ledger::post(
                    tx,
                    &org,
                    scale,
                    seq,
                    &ev.date.to_string(),
                    &narration(body),
                    &lines,
                )?;
                // An entry made while a meeting is open belongs to that meeting.
                tx.prepare_cached("INSERT INTO meeting_entries (org_id, seq, meeting_no)
                     SELECT org_id, ?2, meeting_no FROM meetings WHERE org_id = ?1 AND status = 'open'")?.execute(
                    params![org, seq as i64],
                )?;
            }
            crate::lending::apply(tx, &org, ev.date, body)?;
            crate::meetings::apply(tx, &org, ev.date, body)?;
            crate::settlement::apply(tx, &org, ev.date, body)?;
            crate::settlement::record_charge(tx, &org, seq, ev.date, body)?;
            crate::corrections::apply(tx, seq, ev)?;
        }
    }
    Ok(())
}

/// Which accounts `insert_accounts` adds.
pub(crate) enum Accounts {
    /// The default chart of an organisation of this kind.
    Chart(crate::org::OrgKind),
    /// A member's sub-ledgers.
    Member(u32),
}

/// Adds accounts to an organisation. With `keep_existing` (an upgrade adding a
/// newer chart's accounts), accounts already there are left as they are.
pub(crate) fn insert_accounts(
    conn: &rusqlite::Connection,
    org: &str,
    which: Accounts,
    keep_existing: bool,
) -> Result<()> {
    let or_ignore = if keep_existing { "OR IGNORE" } else { "" };
    let mut ins = conn.prepare_cached(&format!(
        "INSERT {or_ignore} INTO accounts (org_id, code, name, class, floor, parent, member_no)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    ))?;
    let rows: Vec<(chart::AccountSpec, Option<&str>, Option<u32>)> = match which {
        Accounts::Chart(kind) => chart::default_chart(kind)
            .into_iter()
            .map(|a| (a, None, None))
            .collect(),
        Accounts::Member(no) => chart::member_accounts(no)
            .into_iter()
            .zip(chart::MEMBER_HEADERS)
            .map(|(a, parent)| (a, Some(parent), Some(no)))
            .collect(),
    };
    for (a, parent, member_no) in rows {
        ins.execute(params![
            org,
            a.code,
            a.name,
            a.class.as_str(),
            a.floor.as_str(),
            parent,
            member_no
        ])?;
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
        } => format!("{charge:?} from member {member_no}"),
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
