//! The checks that many decisions share: the books are open on a date (the
//! latest meeting decides), a member may transact, an account exists. Read-only.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use crate::admin::OrgContext;
use crate::error::{Error, Result};
use crate::rows::parse_stored_date;

/// Money may move on the open meeting's date, or between meetings after the last
/// closed one: a closed meeting's books are never changed by a back-dated entry.
pub(crate) fn money_date(tx: &Connection, ctx: &OrgContext, date: NaiveDate) -> Result<()> {
    not_before_opening(ctx, date, "date")?;
    if let Some(l) = latest(tx, ctx.org.id)? {
        if l.open && date != l.held_on {
            return Err(Error::invalid(
                "date",
                format!(
                    "meeting {} is open on {}; entries made during it carry its date",
                    l.no, l.held_on
                ),
            ));
        }
        if !l.open && date < l.held_on {
            return Err(Error::conflict(format!(
                "meeting {} on {} is closed; an entry dated {date} would change it",
                l.no, l.held_on
            )));
        }
    }
    Ok(())
}

pub(crate) fn not_before_opening(ctx: &OrgContext, date: NaiveDate, field: &str) -> Result<()> {
    if date < ctx.org.opened_on {
        return Err(Error::invalid(
            field,
            format!(
                "{date} is before the organisation's books open on {}",
                ctx.org.opened_on
            ),
        ));
    }
    Ok(())
}

/// Whether the organisation's book has begun: any entry or meeting. Before
/// that, the book is still being set up from paper (members, then a cut-off).
pub(crate) fn book_started(tx: &Connection, org: Uuid) -> Result<bool> {
    let n: i64 = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM entries WHERE org_id = ?1)
                 OR EXISTS (SELECT 1 FROM meetings WHERE org_id = ?1)",
        )?
        .query_row([org.to_string()], |r| r.get(0))?;
    Ok(n != 0)
}

pub(crate) fn member_dates(
    tx: &Connection,
    org: Uuid,
    no: u32,
) -> Result<(NaiveDate, Option<NaiveDate>)> {
    let row: Option<(String, Option<String>)> = tx
        .prepare_cached(
            "SELECT joined_on, exited_on FROM members WHERE org_id = ?1 AND member_no = ?2",
        )?
        .query_row(rusqlite::params![org.to_string(), no], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (j, e) = row.ok_or_else(|| Error::not_found(format!("member {no}")))?;
    Ok((
        crate::rows::parse_stored_date(&j)?,
        e.as_deref()
            .map(crate::rows::parse_stored_date)
            .transpose()?,
    ))
}

/// A member who may transact on `date`: joined by then and not exited.
pub(crate) fn active_member(tx: &Connection, org: Uuid, no: u32, date: NaiveDate) -> Result<()> {
    let (joined, exited) = member_dates(tx, org, no)?;
    if let Some(e) = exited {
        return Err(Error::conflict(format!(
            "member {no} exited on {e} and cannot transact"
        )));
    }
    if date < joined {
        return Err(Error::invalid(
            "date",
            format!("{date} is before member {no} joined on {joined}"),
        ));
    }
    Ok(())
}

pub(crate) fn account_exists(tx: &Connection, org: Uuid, code: &str) -> Result<()> {
    tx.prepare_cached("SELECT 1 FROM accounts WHERE org_id = ?1 AND code = ?2")?
        .query_row(rusqlite::params![org.to_string(), code], |_| Ok(()))
        .optional()?
        .ok_or_else(|| Error::not_found(format!("account {code} in this organisation's chart")))
}

/// The latest meeting of an organisation: the one money entries are checked against.
pub(crate) struct Latest {
    pub no: u32,
    pub held_on: NaiveDate,
    pub open: bool,
}

/// The latest meeting, open or closed. The one home of this query.
pub(crate) fn latest(tx: &Connection, org: Uuid) -> Result<Option<Latest>> {
    let mut st = tx.prepare_cached(
        "SELECT meeting_no, held_on, status FROM meetings WHERE org_id = ?1
         ORDER BY meeting_no DESC LIMIT 1",
    )?;
    let mut rows = st.query([org.to_string()])?;
    rows.next()?.map(Latest::from_row).transpose()
}

impl Latest {
    fn from_row(r: &rusqlite::Row<'_>) -> Result<Latest> {
        Ok(Latest {
            no: r.get("meeting_no")?,
            held_on: parse_stored_date(&r.get::<_, String>("held_on")?)?,
            open: r.get::<_, String>("status")? == "open",
        })
    }
}
