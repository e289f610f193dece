//! Meetings: numbered, dated, with attendance and the entries made while open.
//! Closing checks counted cash against the book; only the latest meeting may be
//! reopened, by an approver.

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::admin::require_org;
use crate::admin::OrgContext;
use crate::book::Book;
use crate::chart::{member_account, CASH, MEMBER_SAVINGS};
use crate::checks::{active_member, not_before_opening};
use crate::checks::{latest, Latest};
use crate::error::{Error, Result};
use crate::event::EventBody;
use crate::loan::Frequency;
use crate::money::{from_minor, to_minor};
use crate::rows::parse_stored_date;
use crate::text::person_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MeetingStatus {
    Open,
    Closed,
}

/// A meeting as the book holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub meeting_no: u32,
    pub held_on: NaiveDate,
    pub status: MeetingStatus,
    pub counted_cash: Option<Decimal>,
    /// Counted minus book cash at closing; zero when they agreed.
    pub discrepancy: Decimal,
    pub discrepancy_reason: Option<String>,
    pub present: Vec<u32>,
    pub absent: Vec<u32>,
    /// Seqs of the entries made while the meeting was open.
    pub entries: Vec<u64>,
}

/// The open meeting with this number, or a clear refusal.
fn open_meeting_no(tx: &Connection, org: Uuid, meeting_no: u32) -> Result<Latest> {
    match latest(tx, org)? {
        Some(l) if l.no == meeting_no && l.open => Ok(l),
        Some(l) if l.no == meeting_no => {
            Err(Error::conflict(format!("meeting {meeting_no} is closed")))
        }
        Some(l) if meeting_no < l.no => Err(Error::conflict(format!(
            "meeting {meeting_no} is closed; meeting {} came after it",
            l.no
        ))),
        _ => Err(Error::not_found(format!("meeting {meeting_no}"))),
    }
}

/// The number of the meeting open on `date`, where a loan is approved.
pub(crate) fn open_meeting_on(tx: &Connection, org: Uuid, date: NaiveDate) -> Result<u32> {
    match latest(tx, org)? {
        Some(l) if l.open && l.held_on == date => Ok(l.no),
        Some(l) if l.open => Err(Error::invalid(
            "date",
            format!(
                "meeting {} is open on {}; a loan is sanctioned on the meeting's date",
                l.no, l.held_on
            ),
        )),
        _ => Err(Error::conflict(
            "a loan is sanctioned in an open meeting; open one first",
        )),
    }
}

/// Cash in hand by the book, in minor units.
pub(crate) fn book_cash(tx: &Connection, org: Uuid) -> Result<i64> {
    Ok(tx
        .prepare_cached("SELECT balance FROM accounts WHERE org_id = ?1 AND code = ?2")?
        .query_row(params![org.to_string(), CASH], |r| r.get(0))?)
}

/// The longest reason for a discrepancy or a reopening, in characters.
pub const MAX_REASON_CHARS: usize = 200;

/// Meetings chosen by `sql` (its one parameter the organisation), each with
/// its attendance and entries.
fn load_meetings(conn: &Connection, org: Uuid, scale: u32, sql: &str) -> Result<Vec<Meeting>> {
    let o = org.to_string();
    let mut st = conn.prepare_cached(sql)?;
    let mut att = conn.prepare_cached(
        "SELECT member_no, present FROM attendance WHERE org_id = ?1 AND meeting_no = ?2 ORDER BY member_no",
    )?;
    let mut ent = conn.prepare_cached(
        "SELECT seq FROM meeting_entries WHERE org_id = ?1 AND meeting_no = ?2 ORDER BY seq",
    )?;
    let mut rows = st.query([&o])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let no: u32 = r.get("meeting_no")?;
        let marks: Vec<(u32, bool)> = att
            .query_map(params![o, no], |a| {
                Ok((a.get("member_no")?, a.get("present")?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let entries: Vec<i64> = ent
            .query_map(params![o, no], |e| e.get("seq"))?
            .collect::<rusqlite::Result<_>>()?;
        let status: String = r.get("status")?;
        out.push(Meeting {
            meeting_no: no,
            held_on: parse_stored_date(&r.get::<_, String>("held_on")?)?,
            status: if status == "open" {
                MeetingStatus::Open
            } else {
                MeetingStatus::Closed
            },
            counted_cash: r
                .get::<_, Option<i64>>("counted_cash")?
                .map(|c| from_minor(c, scale)),
            discrepancy: from_minor(r.get("discrepancy")?, scale),
            discrepancy_reason: r.get("discrepancy_reason")?,
            present: marks.iter().filter(|m| m.1).map(|m| m.0).collect(),
            absent: marks.iter().filter(|m| !m.1).map(|m| m.0).collect(),
            entries: entries.into_iter().map(|s| s as u64).collect(),
        });
    }
    Ok(out)
}

impl Book {
    /// The organisation's meetings, oldest first, with attendance and entries.
    pub fn meetings(&self, org: Uuid) -> Result<Vec<Meeting>> {
        let scale = self.organisation(org)?.currency.scale;
        self.with_reader(|conn| {
            load_meetings(
                conn,
                org,
                scale,
                "SELECT meeting_no, held_on, status, counted_cash, discrepancy, discrepancy_reason
                 FROM meetings WHERE org_id = ?1 ORDER BY meeting_no",
            )
        })
    }

    /// The latest meeting, the only one that can be open, with its roll and
    /// entries; none before the first meeting. Reads one meeting, however long
    /// the group's history.
    pub fn latest_meeting(&self, org: Uuid) -> Result<Option<Meeting>> {
        let scale = self.organisation(org)?.currency.scale;
        self.with_reader(|conn| {
            Ok(load_meetings(
                conn,
                org,
                scale,
                "SELECT meeting_no, held_on, status, counted_cash, discrepancy, discrepancy_reason
                 FROM meetings WHERE org_id = ?1 ORDER BY meeting_no DESC LIMIT 1",
            )?
            .pop())
        })
    }

    /// Compulsory savings a member owes and has not paid by `as_of`: the policy's
    /// amount for every meeting period (week, fortnight or month) since joining
    /// in which the group met, less compulsory deposits that still stand.
    pub fn savings_arrears(&self, org: Uuid, member_no: u32, as_of: NaiveDate) -> Result<Decimal> {
        let o = self.organisation(org)?;
        let policy = self.policy(org)?;
        let member = self.member(org, member_no)?;
        self.with_reader(|conn| {
            let periods = periods_met(conn, &o, policy.meeting_frequency, member.joined_on, as_of)?;
            let paid = compulsory_paid(conn, org, member_no, NaiveDate::MIN, as_of)?;
            let owed = periods
                .checked_mul(policy.compulsory_savings)
                .ok_or_else(|| Error::invalid("compulsory_savings", "overflows"))?;
            Ok(from_minor((owed - paid).max(0), o.currency.scale))
        })
    }
}

/// The meeting periods from `from` to `to` in which the group met: weeks
/// (Monday to Sunday), fortnights (pairs of weeks from the week the group
/// opened) or months of its calendar, by the policy's frequency. Compulsory
/// savings are owed once a period, however many meetings it held in it.
pub(crate) fn periods_met(
    conn: &Connection,
    org: &crate::org::Organisation,
    every: Frequency,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64> {
    let mut st = conn.prepare_cached(
        "SELECT held_on FROM meetings WHERE org_id = ?1 AND held_on BETWEEN ?2 AND ?3",
    )?;
    let mut rows = st.query(params![
        org.id.to_string(),
        from.to_string(),
        to.to_string()
    ])?;
    let first_monday = org.opened_on
        - chrono::Duration::days(i64::from(org.opened_on.weekday().num_days_from_monday()));
    let mut periods = std::collections::BTreeSet::new();
    while let Some(r) = rows.next()? {
        let day = parse_stored_date(&r.get::<_, String>(0)?)?;
        let week = (day - first_monday).num_days().div_euclid(7);
        periods.insert(match every {
            Frequency::Weekly => week,
            Frequency::Fortnightly => week.div_euclid(2),
            Frequency::Monthly => {
                let c = crate::locale::to_calendar(day, org.calendar)?;
                i64::from(c.year) * 12 + i64::from(c.month)
            }
        });
    }
    Ok(periods.len() as i64)
}

/// A member's compulsory deposits dated from `from` to `to` that still stood
/// at the end of `to`: a deposit reversed by then is unpaid again.
pub(crate) fn compulsory_paid(
    conn: &Connection,
    org: Uuid,
    member_no: u32,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64> {
    // The member's own postings first, by account (CROSS JOIN keeps the order):
    // a few hundred rows, where the organisation's entries are many.
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE(-SUM(p.amount), 0) FROM postings p INDEXED BY postings_by_account
              CROSS JOIN entries n ON n.org_id = p.org_id AND n.seq = p.seq
              WHERE p.org_id = ?1 AND p.account = ?2 AND n.kind = 'savings.deposit'
                AND n.business_date BETWEEN ?3 AND ?4
                AND NOT EXISTS (SELECT 1 FROM reversals r
                                  JOIN entries rn ON rn.org_id = r.org_id AND rn.seq = r.reversal_seq
                                 WHERE r.org_id = p.org_id AND r.original_seq = p.seq
                                   AND rn.business_date <= ?4)",
        )?
        .query_row(
            params![
                org.to_string(),
                member_account(MEMBER_SAVINGS, member_no),
                from.to_string(),
                to.to_string()
            ],
            |r| r.get(0),
        )?)
}

/// Applies meeting events to the projections.
/// Reopens a closed meeting: its counted cash and difference are cleared.
pub(crate) fn reopen(tx: &Connection, org: &str, meeting_no: u32) -> Result<()> {
    tx.prepare_cached(
        "UPDATE meetings SET status = 'open', counted_cash = NULL, discrepancy = 0,
             discrepancy_reason = NULL
         WHERE org_id = ?1 AND meeting_no = ?2",
    )?
    .execute(params![org, meeting_no])?;
    Ok(())
}

/// An entry made while a meeting is open belongs to that meeting.
pub(crate) fn attach_entry(tx: &Connection, org: &str, seq: u64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO meeting_entries (org_id, seq, meeting_no)
         SELECT org_id, ?2, meeting_no FROM meetings WHERE org_id = ?1 AND status = 'open'",
    )?
    .execute(params![org, seq as i64])?;
    Ok(())
}

pub(crate) fn apply(tx: &Connection, org: &str, date: NaiveDate, body: &EventBody) -> Result<()> {
    match body {
        EventBody::MeetingOpened { meeting_no } => {
            tx.prepare_cached("INSERT INTO meetings (org_id, meeting_no, held_on, status) VALUES (?1, ?2, ?3, 'open')")?.execute(
                params![org, meeting_no, date.to_string()],
            )?;
        }
        EventBody::Attendance {
            meeting_no,
            member_no,
            present,
        } => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO attendance (org_id, meeting_no, member_no, present)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![org, meeting_no, member_no, present])?;
        }
        EventBody::MeetingClosed {
            meeting_no,
            counted_cash,
            book_cash,
            discrepancy_reason,
        } => {
            tx.prepare_cached(
                "UPDATE meetings SET status = 'closed', counted_cash = ?3, discrepancy = ?4,
                     discrepancy_reason = ?5
                 WHERE org_id = ?1 AND meeting_no = ?2",
            )?
            .execute(params![
                org,
                meeting_no,
                counted_cash,
                counted_cash - book_cash,
                discrepancy_reason
            ])?;
        }
        _ => {}
    }
    Ok(())
}

// Decisions: each validates a command against the book, read-only, and
// returns the event to record.

/// Opens the next meeting on `date`. Returns its number in `Outcome::number`.
pub(crate) fn decide_open_meeting(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    date: NaiveDate,
) -> Result<EventBody> {
    let ctx = require_org(ctx, org)?;
    not_before_opening(ctx, date, "date")?;
    let next = match latest(tx, org)? {
        Some(l) if l.open => {
            return Err(Error::conflict(format!(
                "meeting {} of {} is still open; close it first",
                l.no, l.held_on
            )))
        }
        Some(l) if date < l.held_on => {
            return Err(Error::invalid(
                "date",
                format!("{date} is before meeting {} on {}", l.no, l.held_on),
            ))
        }
        Some(l) => l.no + 1,
        None => 1,
    };
    Ok(EventBody::MeetingOpened { meeting_no: next })
}

/// Marks a member present or absent at an open meeting; a later mark replaces an earlier one.
pub(crate) fn decide_mark_attendance(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    meeting_no: u32,
    member_no: u32,
    present: bool,
    date: NaiveDate,
) -> Result<EventBody> {
    require_org(ctx, org)?;
    open_meeting_no(tx, org, meeting_no)?;
    active_member(tx, org, member_no, date)?;
    Ok(EventBody::Attendance {
        meeting_no,
        member_no,
        present,
    })
}

/// Closes an open meeting with the cash counted in hand. A difference from the
/// book is refused unless a reason is given; then it is posted to cash
/// excess or shortage.
pub(crate) fn decide_close_meeting(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    meeting_no: u32,
    counted_cash: Decimal,
    discrepancy_reason: Option<String>,
) -> Result<EventBody> {
    let reason = discrepancy_reason
        .filter(|r| !r.trim().is_empty())
        .map(|r| person_text("discrepancy_reason", &r, MAX_REASON_CHARS))
        .transpose()?;

    let ctx = require_org(ctx, org)?;
    open_meeting_no(tx, org, meeting_no)?;
    let scale = ctx.org.currency.scale;
    let counted = to_minor("counted_cash", counted_cash, scale)?;
    if counted < 0 {
        return Err(Error::invalid("counted_cash", "must not be negative"));
    }
    let book = book_cash(tx, org)?;
    if counted != book && reason.is_none() {
        return Err(Error::conflict(format!(
            "counted cash {} differs from the book's {} by {}; record a reason for the difference",
            ctx.money(counted),
            ctx.money(book),
            ctx.money(counted - book)
        )));
    }
    Ok(EventBody::MeetingClosed {
        meeting_no,
        counted_cash: counted,
        book_cash: book,
        discrepancy_reason: if counted == book { None } else { reason },
    })
}

/// Reopens the latest meeting. Needs an approver; the reopening is an event,
/// and any cash difference posted at its closing is reversed.
pub(crate) fn decide_reopen_meeting(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    meeting_no: u32,
    reason: &str,
) -> Result<EventBody> {
    let reason = person_text("reason", reason, MAX_REASON_CHARS)?;

    require_org(ctx, org)?;
    let l = latest(tx, org)?.ok_or_else(|| Error::not_found(format!("meeting {meeting_no}")))?;
    if l.no != meeting_no {
        return Err(Error::conflict(format!(
            "only the latest meeting ({}) can be reopened, not {meeting_no}",
            l.no
        )));
    }
    if l.open {
        return Err(Error::conflict(format!(
            "meeting {meeting_no} is already open"
        )));
    }
    let discrepancy: i64 = tx
        .prepare_cached("SELECT discrepancy FROM meetings WHERE org_id = ?1 AND meeting_no = ?2")?
        .query_row(params![org.to_string(), meeting_no], |r| r.get(0))?;
    Ok(EventBody::MeetingReopened {
        meeting_no,
        reason,
        reversed_discrepancy: discrepancy,
    })
}

/// The date a meeting was held: the business date of everything recorded in it.
pub(crate) fn meeting_date(tx: &Connection, org: Uuid, meeting_no: u32) -> Result<NaiveDate> {
    let d: Option<String> = tx
        .prepare_cached("SELECT held_on FROM meetings WHERE org_id = ?1 AND meeting_no = ?2")?
        .query_row(params![org.to_string(), meeting_no], |r| r.get(0))
        .optional()?;
    d.as_deref()
        .map(parse_stored_date)
        .transpose()?
        .ok_or_else(|| Error::not_found(format!("meeting {meeting_no}")))
}
