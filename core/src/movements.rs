//! What each event did to each loan: principal paid out or carried over, a
//! payment's split, a write-off, and the date of any reversal. Undoing a
//! reversed event, rewinding a loan to a past date and listing its ledger read
//! this projection, never the event log. Owns the `loan_movements` table.

use chrono::NaiveDate;
use rusqlite::{params, Connection, Row};

use crate::error::Result;
use crate::event::{parse_stored_json, stored_json, EventBody};
use crate::loan::Allocation;
use crate::rows::{collect_rows, parse_stored_date};

/// One event's effect on one loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanMovement {
    pub seq: u64,
    pub loan_no: u32,
    /// The event's kind, as the log names it.
    pub kind: String,
    pub date: NaiveDate,
    /// Principal paid out or carried over, or written off; 0 for a payment.
    pub amount: i64,
    /// A payment's split; `None` for anything else.
    pub allocation: Option<Allocation>,
    pub reversed_on: Option<NaiveDate>,
}

impl LoanMovement {
    const COLUMNS: &'static str =
        "seq, loan_no, kind, business_date, amount, allocation, reversed_on";

    fn from_row(r: &Row<'_>) -> Result<LoanMovement> {
        let allocation: Option<String> = r.get("allocation")?;
        let reversed_on: Option<String> = r.get("reversed_on")?;
        Ok(LoanMovement {
            seq: r.get::<_, i64>("seq")? as u64,
            loan_no: r.get("loan_no")?,
            kind: r.get("kind")?,
            date: parse_stored_date(&r.get::<_, String>("business_date")?)?,
            amount: r.get("amount")?,
            allocation: allocation
                .map(|a| parse_stored_json("loan payment", &a))
                .transpose()?,
            reversed_on: reversed_on.as_deref().map(parse_stored_date).transpose()?,
        })
    }

    /// Whether the movement counted at the end of `day`: made by then, and not
    /// reversed by then.
    pub fn counted_on(&self, day: NaiveDate) -> bool {
        self.date <= day && self.reversed_on.is_none_or(|r| r > day)
    }
}

/// Records what `body` did to loans, if anything.
pub(crate) fn record(
    tx: &Connection,
    org: &str,
    seq: u64,
    date: NaiveDate,
    body: &EventBody,
) -> Result<()> {
    let kind = body.kind();
    let put = |loan_no: u32, amount: i64, allocation: Option<&Allocation>| -> Result<()> {
        let allocation = allocation
            .map(|a| stored_json("loan payment", a))
            .transpose()?;
        tx.prepare_cached(
            "INSERT INTO loan_movements (org_id, seq, loan_no, kind, business_date, amount, allocation)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            org,
            seq as i64,
            loan_no,
            kind,
            date.to_string(),
            amount,
            allocation
        ])?;
        Ok(())
    };
    match body {
        EventBody::LoanDisbursed {
            loan_no, principal, ..
        } => put(*loan_no, *principal, None)?,
        EventBody::FacilityReceived { loan_no, terms, .. } => put(*loan_no, terms.principal, None)?,
        EventBody::CutoffRecorded(c) => {
            for l in c.members.iter().flat_map(|m| &m.loans) {
                put(l.loan_no, l.terms.principal, None)?;
            }
            for f in &c.facilities {
                put(f.loan_no, f.terms.principal, None)?;
            }
        }
        EventBody::LoanRepaid {
            loan_no,
            allocation,
            ..
        } => put(*loan_no, 0, Some(allocation))?,
        EventBody::MemberExited(x) => {
            for s in &x.settled {
                put(s.loan_no, 0, Some(&s.allocation))?;
            }
        }
        EventBody::LoanWrittenOff {
            loan_no, amount, ..
        } => put(*loan_no, *amount, None)?,
        _ => {}
    }
    Ok(())
}

/// Marks event `seq`'s movements reversed from `on`.
pub(crate) fn mark_reversed(tx: &Connection, org: &str, seq: u64, on: NaiveDate) -> Result<()> {
    tx.prepare_cached("UPDATE loan_movements SET reversed_on = ?3 WHERE org_id = ?1 AND seq = ?2")?
        .execute(params![org, seq as i64, on.to_string()])?;
    Ok(())
}

/// What event `seq` did to loans.
pub(crate) fn of_event(conn: &Connection, org: &str, seq: u64) -> Result<Vec<LoanMovement>> {
    let sql = format!(
        "SELECT {} FROM loan_movements WHERE org_id = ?1 AND seq = ?2 ORDER BY loan_no",
        LoanMovement::COLUMNS
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = collect_rows(st.query(params![org, seq as i64])?, LoanMovement::from_row)?;
    Ok(rows)
}

/// A loan's movements in the order they were recorded.
pub(crate) fn of_loan(conn: &Connection, org: &str, loan_no: u32) -> Result<Vec<LoanMovement>> {
    let sql = format!(
        "SELECT {} FROM loan_movements WHERE org_id = ?1 AND loan_no = ?2 ORDER BY seq",
        LoanMovement::COLUMNS
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = collect_rows(st.query(params![org, loan_no])?, LoanMovement::from_row)?;
    Ok(rows)
}

/// A loan's payments whose standing on `day` differs from today's: made after
/// it, or reversed after it.
pub(crate) fn payments_changed_after(
    conn: &Connection,
    org: &str,
    loan_no: u32,
    day: NaiveDate,
) -> Result<Vec<LoanMovement>> {
    let sql = format!(
        "SELECT {} FROM loan_movements
          WHERE org_id = ?1 AND loan_no = ?2 AND allocation IS NOT NULL
            AND (business_date > ?3 OR reversed_on > ?3) ORDER BY seq",
        LoanMovement::COLUMNS
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = collect_rows(
        st.query(params![org, loan_no, day.to_string()])?,
        LoanMovement::from_row,
    )?;
    Ok(rows)
}
