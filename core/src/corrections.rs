//! Corrections: never edit history, reverse it. Any money event can be reversed
//! in full, with a reason; the original stays. Where the organisation's policy
//! asks for it, a maker requests the reversal and a different approver decides.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use crate::admin::require_org;
use crate::admin::OrgContext;
use crate::book::Book;
use crate::checks::money_date;
use crate::error::{Error, Result};
use crate::event::{Event, EventBody, Line};
use crate::meetings::MAX_REASON_CHARS;
use crate::money::from_minor;
use crate::rows::parse_stored_date;
use crate::text::person_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CorrectionStatus {
    Pending,
    Approved,
    Rejected,
}

/// A requested correction and its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Correction {
    pub request_seq: u64,
    pub original_seq: u64,
    pub reason: String,
    pub maker: String,
    pub status: CorrectionStatus,
    pub checker: Option<String>,
    pub decided_seq: Option<u64>,
}

/// A journal entry as reports show it: reversals and reversed entries both appear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalEntry {
    pub seq: u64,
    pub date: NaiveDate,
    pub kind: String,
    pub narration: String,
    pub actor: String,
    /// Set on a reversal: the entry it reverses.
    pub reverses: Option<u64>,
    /// Set on a reversed entry: the reversal.
    pub reversed_by: Option<u64>,
    /// (account, amount) in major units, debit positive.
    pub lines: Vec<(String, rust_decimal::Decimal)>,
}

fn load_event(tx: &Connection, org: Uuid, seq: u64) -> Result<(Event, String)> {
    let row: Option<(Vec<u8>, String)> = tx
        .prepare_cached("SELECT canonical, actor FROM events WHERE org_id = ?1 AND seq = ?2")?
        .query_row(params![org.to_string(), seq as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (bytes, actor) = row.ok_or_else(|| Error::not_found(format!("event {seq}")))?;
    Ok((Event::from_canonical_bytes(&bytes)?, actor))
}

/// Checks that event `seq` may be reversed and returns its reversal lines.
/// `approving` is the request being approved, which is itself pending.
fn reversible(
    tx: &Connection,
    org: Uuid,
    seq: u64,
    approving: Option<u64>,
) -> Result<(String, Vec<Line>)> {
    let (ev, _) = load_event(tx, org, seq)?;
    let kind = ev.body.kind().to_string();
    let refuse = |why: &str| {
        Err(Error::conflict(format!(
            "event {seq} ({kind}) cannot be reversed: {why}"
        )))
    };
    match &ev.body {
        EventBody::EntryReversed { .. } => {
            return refuse("reversing a reversal is refused; record a new entry instead")
        }
        EventBody::MemberExited(_) => {
            return refuse("an exit is settled for good; admit the member again instead")
        }
        EventBody::CutoffRecorded(_) => {
            return refuse("opening balances are corrected by new entries")
        }
        EventBody::MeetingClosed { .. } | EventBody::MeetingReopened { .. } => {
            return refuse("a meeting's cash difference is undone by reopening the meeting")
        }
        EventBody::LoanDisbursed { loan_no, .. } | EventBody::FacilityReceived { loan_no, .. } => {
            let paid: i64 = tx.prepare_cached("SELECT COALESCE(SUM(principal_paid + interest_paid + penalty_paid), 0) FROM instalments
                 WHERE org_id = ?1 AND loan_no = ?2")?.query_row(
                params![org.to_string(), loan_no],
                |r| r.get(0),
            )?;
            if paid > 0 {
                return refuse(&format!(
                    "loan {loan_no} has repayments; reverse them first"
                ));
            }
        }
        _ => {}
    }
    let Some(lines) = ev.body.journal().filter(|l| !l.is_empty()) else {
        return Err(Error::invalid(
            "seq",
            format!("event {seq} is a {kind}, which moves no money"),
        ));
    };
    let already: Option<i64> = tx
        .prepare_cached(
            "SELECT reversal_seq FROM reversals WHERE org_id = ?1 AND original_seq = ?2",
        )?
        .query_row(params![org.to_string(), seq as i64], |r| r.get(0))
        .optional()?;
    if let Some(r) = already {
        return Err(Error::conflict(format!(
            "event {seq} was already reversed by event {r}"
        )));
    }
    let pending: Option<i64> = tx.prepare_cached("SELECT request_seq FROM corrections WHERE org_id = ?1 AND original_seq = ?2 AND status = 'pending'")?.query_row(
            params![org.to_string(), seq as i64],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(p) = pending.filter(|p| Some(*p as u64) != approving) {
        return Err(Error::conflict(format!(
            "a correction of event {seq} is already waiting for approval (request {p})"
        )));
    }
    let negated = lines
        .into_iter()
        .map(|l| Line {
            account: l.account,
            amount: -l.amount,
        })
        .collect();
    Ok((kind, negated))
}

/// A correction request that waits for a second person.
struct PendingRequest {
    original_seq: u64,
    reason: String,
    maker: String,
}

fn pending_request(tx: &Connection, org: Uuid, request_seq: u64) -> Result<PendingRequest> {
    let mut st = tx.prepare_cached(
        "SELECT original_seq, reason, maker, status FROM corrections WHERE org_id = ?1 AND request_seq = ?2",
    )?;
    let mut rows = st.query(params![org.to_string(), request_seq as i64])?;
    let r = rows
        .next()?
        .ok_or_else(|| Error::not_found(format!("correction request {request_seq}")))?;
    let status: String = r.get("status")?;
    if status != "pending" {
        return Err(Error::conflict(format!(
            "correction request {request_seq} was already {status}"
        )));
    }
    Ok(PendingRequest {
        original_seq: r.get::<_, i64>("original_seq")? as u64,
        reason: r.get("reason")?,
        maker: r.get("maker")?,
    })
}

fn checker(ctx: &OrgContext, maker: &str) -> Result<()> {
    // Only an approver gets here (permissions.rs); the maker may not check.
    if ctx.actor == maker {
        return Err(Error::PermissionDenied {
            reason: format!("{maker} made this correction; a different approver must decide it"),
        });
    }
    Ok(())
}

impl Book {
    /// Every correction request of an organisation, oldest first.
    pub fn corrections(&self, org: Uuid) -> Result<Vec<Correction>> {
        self.organisation(org)?;
        self.with_reader(|conn| {
            let mut st = conn.prepare(
                "SELECT request_seq, original_seq, reason, maker, status, checker, decided_seq
                 FROM corrections WHERE org_id = ?1 ORDER BY request_seq",
            )?;
            let rows = st.query_map([org.to_string()], |r| {
                let status: String = r.get(4)?;
                Ok(Correction {
                    request_seq: r.get::<_, i64>(0)? as u64,
                    original_seq: r.get::<_, i64>(1)? as u64,
                    reason: r.get(2)?,
                    maker: r.get(3)?,
                    status: match status.as_str() {
                        "pending" => CorrectionStatus::Pending,
                        "approved" => CorrectionStatus::Approved,
                        _ => CorrectionStatus::Rejected,
                    },
                    checker: r.get(5)?,
                    decided_seq: r.get::<_, Option<i64>>(6)?.map(|s| s as u64),
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The journal between two dates (inclusive), with reversals shown beside
    /// the entries they reverse.
    pub fn journal(&self, org: Uuid, from: NaiveDate, to: NaiveDate) -> Result<Vec<JournalEntry>> {
        let o = self.organisation(org)?;
        let scale = o.currency.scale;
        let words = self.narrator(&o)?;
        self.with_reader(|conn| {
            let o = org.to_string();
            let mut st = conn.prepare(
                "SELECT n.seq, n.business_date, e.kind, n.narration, e.actor,
                        (SELECT original_seq FROM reversals r WHERE r.org_id = n.org_id AND r.reversal_seq = n.seq) AS reverses,
                        (SELECT reversal_seq FROM reversals r WHERE r.org_id = n.org_id AND r.original_seq = n.seq) AS reversed_by
                 FROM entries n JOIN events e ON e.org_id = n.org_id AND e.seq = n.seq
                 WHERE n.org_id = ?1 AND n.business_date BETWEEN ?2 AND ?3
                 ORDER BY n.business_date, n.seq",
            )?;
            let mut lines_st = conn.prepare(
                "SELECT account, amount FROM postings WHERE org_id = ?1 AND seq = ?2 ORDER BY line",
            )?;
            let mut rows = st.query(params![o, from.to_string(), to.to_string()])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let seq: i64 = r.get("seq")?;
                let lines = lines_st
                    .query_map(params![o, seq], |l| {
                        Ok((l.get::<_, String>("account")?, l.get::<_, i64>("amount")?))
                    })?
                    .map(|l| l.map(|(a, m)| (a, from_minor(m, scale))))
                    .collect::<rusqlite::Result<_>>()?;
                out.push(JournalEntry {
                    seq: seq as u64,
                    date: parse_stored_date(&r.get::<_, String>("business_date")?)?,
                    kind: r.get("kind")?,
                    narration: words.say(&r.get::<_, String>("narration")?),
                    actor: r.get("actor")?,
                    reverses: r.get::<_, Option<i64>>("reverses")?.map(|s| s as u64),
                    reversed_by: r.get::<_, Option<i64>>("reversed_by")?.map(|s| s as u64),
                    lines,
                });
            }
            Ok(out)
        })
    }
}

/// Applies correction events to the projections, undoing what a reversed event
/// did to loans.
pub(crate) fn apply(tx: &Connection, seq: u64, ev: &Event) -> Result<()> {
    let org = ev.org.to_string();
    match &ev.body {
        EventBody::CorrectionRequested {
            original_seq,
            reason,
        } => {
            tx.prepare_cached(
                "INSERT INTO corrections (org_id, request_seq, original_seq, reason, maker, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'pending')",
            )?
            .execute(params![
                org,
                seq as i64,
                *original_seq as i64,
                reason,
                ev.actor
            ])?;
        }
        EventBody::CorrectionRejected { request_seq, .. } => {
            tx.prepare_cached(
                "UPDATE corrections SET status = 'rejected', checker = ?3, decided_seq = ?4
                 WHERE org_id = ?1 AND request_seq = ?2",
            )?
            .execute(params![org, *request_seq as i64, ev.actor, seq as i64])?;
        }
        EventBody::EntryReversed {
            original_seq,
            request_seq,
            ..
        } => {
            tx.prepare_cached(
                "INSERT INTO reversals (org_id, original_seq, reversal_seq) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![org, *original_seq as i64, seq as i64])?;
            if let Some(r) = request_seq {
                tx.prepare_cached(
                    "UPDATE corrections SET status = 'approved', checker = ?3, decided_seq = ?4
                     WHERE org_id = ?1 AND request_seq = ?2",
                )?
                .execute(params![org, *r as i64, ev.actor, seq as i64])?;
            }
            crate::lending::undo(tx, &org, *original_seq, ev.date)?;
            crate::movements::mark_reversed(tx, &org, *original_seq, ev.date)?;
            crate::charges::mark_reversed(tx, &org, *original_seq, ev.date)?;
        }
        _ => {}
    }
    Ok(())
}

// Decisions: each validates a command against the book, read-only, and
// returns the event to record.

/// Reverses money event `seq` in full, or, when the policy asks for a second
/// person, records a pending request that moves no money.
pub(crate) fn decide_reverse_entry(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    seq: u64,
    date: NaiveDate,
    reason: &str,
) -> Result<EventBody> {
    let reason = person_text("reason", reason, MAX_REASON_CHARS)?;
    let ctx = require_org(ctx, org)?;
    money_date(tx, ctx, date)?;
    let (original_kind, lines) = reversible(tx, org, seq, None)?;
    if ctx.policy.reversal_needs_approval {
        Ok(EventBody::CorrectionRequested {
            original_seq: seq,
            reason,
        })
    } else {
        Ok(EventBody::EntryReversed {
            original_seq: seq,
            original_kind,
            reason,
            lines,
            request_seq: None,
        })
    }
}

/// A second person approves a pending correction: the reversal is recorded now.
pub(crate) fn decide_approve_correction(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    request_seq: u64,
    date: NaiveDate,
) -> Result<EventBody> {
    let ctx = require_org(ctx, org)?;
    let PendingRequest {
        original_seq: original,
        reason,
        maker,
    } = pending_request(tx, org, request_seq)?;
    checker(ctx, &maker)?;
    money_date(tx, ctx, date)?;
    let (original_kind, lines) = reversible(tx, org, original, Some(request_seq))?;
    Ok(EventBody::EntryReversed {
        original_seq: original,
        original_kind,
        reason,
        lines,
        request_seq: Some(request_seq),
    })
}

/// A second person rejects a pending correction; nothing moves.
pub(crate) fn decide_reject_correction(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    request_seq: u64,
    reason: &str,
) -> Result<EventBody> {
    let reason = person_text("reason", reason, MAX_REASON_CHARS)?;

    let ctx = require_org(ctx, org)?;
    let maker = pending_request(tx, org, request_seq)?.maker;
    checker(ctx, &maker)?;
    Ok(EventBody::CorrectionRejected {
        request_seq,
        reason,
    })
}
