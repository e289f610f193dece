//! Applies an event to the projections (organisations, members, accounts, entries,
//! postings). Live commands and replay both come through here, so the stored
//! projections are exactly what the log implies.

use rusqlite::{params, Transaction};

use crate::chart::{self, MEMBER_LOANS, MEMBER_SAVINGS};
use crate::error::{Error, Result};
use crate::event::{Event, EventBody};
use crate::ledger;
use crate::text::search_key;

pub(crate) fn apply(tx: &Transaction<'_>, seq: u64, ev: &Event) -> Result<()> {
    let org = ev.org.to_string();
    match &ev.body {
        EventBody::OrgCreated(o) => {
            tx.execute(
                "INSERT INTO organisations (id, kind, name, currency, scale, calendar,
                     fy_start_month, fy_start_day, locale, rounding, opened_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
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
                ],
            )?;
            let mut ins = tx.prepare_cached(
                "INSERT INTO accounts (org_id, code, name, class, floor) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for a in chart::default_chart(o.kind) {
                ins.execute(params![
                    org,
                    a.code,
                    a.name,
                    a.class.as_str(),
                    a.floor.as_str()
                ])?;
            }
        }
        EventBody::MemberAdded {
            member_no,
            name,
            role,
            phone,
            joined_on,
        } => {
            tx.execute(
                "INSERT INTO members (org_id, member_no, name, name_search, role, phone, joined_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    org,
                    member_no,
                    name,
                    search_key(name),
                    role.as_str(),
                    phone,
                    joined_on.to_string()
                ],
            )?;
            let mut ins = tx.prepare_cached(
                "INSERT INTO accounts (org_id, code, name, class, floor, parent, member_no)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (a, parent) in chart::member_accounts(*member_no)
                .into_iter()
                .zip([MEMBER_LOANS, MEMBER_SAVINGS])
            {
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
        }
        EventBody::MemberChanged { member_no, change } => {
            let n = tx.execute(
                "UPDATE members SET
                    name = COALESCE(?3, name),
                    name_search = COALESCE(?4, name_search),
                    role = COALESCE(?5, role),
                    phone = CASE WHEN ?6 THEN ?7 ELSE phone END,
                    exited_on = COALESCE(?8, exited_on)
                 WHERE org_id = ?1 AND member_no = ?2",
                params![
                    org,
                    member_no,
                    change.name,
                    change.name.as_deref().map(search_key),
                    change.role.map(|r| r.as_str()),
                    change.phone.is_some(),
                    change.phone.clone().flatten(),
                    change.exited_on.map(|d| d.to_string()),
                ],
            )?;
            if n != 1 {
                return Err(Error::not_found(format!("member {member_no}")));
            }
        }
        body => {
            let lines = body.journal().ok_or_else(|| Error::Storage {
                reason: format!("{} has no journal entry", body.kind()),
            })?;
            let scale: u32 = tx.query_row(
                "SELECT scale FROM organisations WHERE id = ?1",
                [&org],
                |r| r.get(0),
            )?;
            ledger::post(
                tx,
                &org,
                scale,
                seq,
                &ev.date.to_string(),
                &narration(body),
                &lines,
            )?;
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
        other => other.kind().to_string(),
    }
}
