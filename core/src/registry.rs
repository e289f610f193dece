//! The organisations and members a book holds: reading them, finding one by a
//! prefix of its id, and applying the events that create or change them. Owns
//! the `organisations` and `members` tables.

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use uuid::Uuid;

use crate::book::Book;
use crate::error::{Error, Result};
use crate::event::EventBody;
use crate::ledger::{insert_accounts, Accounts};
use crate::money::{Currency, RoundingRule};
use crate::org::{Calendar, FiscalYearStart, Locale, OrgKind, Organisation};
use crate::rows::{parse_stored_date, parse_stored_uuid};
use crate::text::search_key;

pub(crate) fn load_org(conn: &Connection, id: Uuid) -> Result<Option<Organisation>> {
    let mut st = conn.prepare_cached(
        "SELECT kind, name, currency, scale, calendar, fy_start_month, fy_start_day,
                locale, rounding, opened_on
         FROM organisations WHERE id = ?1",
    )?;
    let mut rows = st.query([id.to_string()])?;
    rows.next()?
        .map(|r| organisation_from_row(id, r))
        .transpose()
}

/// An organisation from its row, by column name.
fn organisation_from_row(id: Uuid, r: &rusqlite::Row<'_>) -> Result<Organisation> {
    let text = |col: &str| -> Result<String> { Ok(r.get::<_, String>(col)?) };
    let calendar = Calendar::parse(&text("calendar")?)?;
    Ok(Organisation {
        id,
        kind: OrgKind::parse(&text("kind")?)?,
        name: text("name")?,
        currency: Currency::new(&text("currency")?, Some(r.get("scale")?))?,
        calendar,
        fiscal_year_start: FiscalYearStart::new(
            r.get("fy_start_month")?,
            r.get("fy_start_day")?,
            calendar,
        )?,
        locale: Locale::parse(&text("locale")?)?,
        rounding: RoundingRule::parse(&text("rounding")?)?,
        opened_on: parse_stored_date(&text("opened_on")?)?,
    })
}

impl Book {
    /// Every organisation in the book, by name.
    pub fn organisations(&self) -> Result<Vec<Organisation>> {
        self.with_reader(|conn| {
            let mut st = conn.prepare("SELECT id FROM organisations ORDER BY name, id")?;
            let ids: Vec<String> = st
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            ids.iter()
                .map(|id| {
                    let u = parse_stored_uuid(id)?;
                    load_org(conn, u)?.ok_or_else(|| Error::not_found(format!("organisation {id}")))
                })
                .collect()
        })
    }

    pub fn organisation(&self, id: Uuid) -> Result<Organisation> {
        self.with_reader(|conn| {
            load_org(conn, id)?.ok_or_else(|| Error::not_found(format!("organisation {id}")))
        })
    }

    /// Finds an organisation by its id or a unique prefix of it (as typed in the CLI).
    pub fn resolve_org(&self, id_or_prefix: &str) -> Result<Uuid> {
        let p = id_or_prefix.trim().to_ascii_lowercase();
        if p.len() < 4 {
            return Err(Error::invalid(
                "org",
                "give at least the first 4 characters of the id",
            ));
        }
        let matches: Vec<String> = self.with_reader(|conn| {
            let mut st = conn.prepare(
                "SELECT id FROM organisations WHERE substr(id, 1, length(?1)) = ?1 LIMIT 2",
            )?;
            let v = st
                .query_map([&p], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(v)
        })?;
        match matches.as_slice() {
            [one] => parse_stored_uuid(one),
            [] => Err(Error::not_found(format!("organisation {p}"))),
            _ => Err(Error::invalid(
                "org",
                format!("{p} matches more than one organisation"),
            )),
        }
    }
}

/// Applies the events that create an organisation or a member, or change a member.
pub(crate) fn apply(tx: &Connection, org: &str, date: NaiveDate, body: &EventBody) -> Result<()> {
    match body {
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
            insert_accounts(tx, org, Accounts::Chart(o.kind), false)?;
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
            insert_accounts(tx, org, Accounts::Member(*member_no), false)?;
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
        EventBody::MemberExited(x) => {
            tx.prepare_cached(
                "UPDATE members SET exited_on = ?3 WHERE org_id = ?1 AND member_no = ?2",
            )?
            .execute(params![org, x.member_no, date.to_string()])?;
        }
        _ => {}
    }
    Ok(())
}
