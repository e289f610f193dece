//! Members' fees and fines as paid, each with the date of any reversal, so a
//! member's dues on any date come from an index, never from the event log.
//! Owns the `member_charges` table.

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use crate::error::Result;
use crate::event::{EventBody, MemberCharge};

/// Keeps a member's fee or fine in `member_charges`, for dues as of any date.
pub(crate) fn record_charge(
    tx: &Connection,
    org: &str,
    seq: u64,
    date: NaiveDate,
    body: &EventBody,
) -> Result<()> {
    if let EventBody::ChargeCollected {
        member_no,
        charge,
        amount,
        ..
    } = body
    {
        let charge = match charge {
            MemberCharge::MembershipFee => "membership-fee",
            MemberCharge::AbsenceFine => "absence-fine",
        };
        tx.prepare_cached(
            "INSERT INTO member_charges (org_id, seq, member_no, charge, amount, business_date)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            org,
            seq as i64,
            member_no,
            charge,
            amount,
            date.to_string()
        ])?;
    }
    Ok(())
}

/// A reversed fee or fine no longer counts as paid from the reversal's date.
pub(crate) fn mark_reversed(tx: &Connection, org: &str, seq: u64, on: NaiveDate) -> Result<()> {
    tx.prepare_cached("UPDATE member_charges SET reversed_on = ?3 WHERE org_id = ?1 AND seq = ?2")?
        .execute(params![org, seq as i64, on.to_string()])?;
    Ok(())
}
