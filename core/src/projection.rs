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
                    narration: &crate::narration::Narration::of(body).to_stored(),
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
