//! Reading the projections: members and accounts.

use rusqlite::{params, Row};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::book::Book;
use crate::chart::AccountClass;
use crate::error::{Error, Result};
use crate::member::{Member, MemberRole};
use crate::money::from_minor;
use crate::rows::parse_stored_date;
use crate::text::search_key;

/// An account with its maintained balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountBalance {
    pub code: String,
    pub name: String,
    pub class: AccountClass,
    pub member_no: Option<u32>,
    /// The member's name, for a member sub-ledger.
    pub member_name: Option<String>,
    /// Signed, debit positive, in major units of the organisation's currency.
    pub balance: Decimal,
}

type MemberRow = (u32, String, String, Option<String>, String, Option<String>);

const MEMBER_COLUMNS: &str = "member_no, name, role, phone, joined_on, exited_on";

fn member_from_row(r: &Row<'_>) -> rusqlite::Result<MemberRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn to_member((member_no, name, role, phone, joined, exited): MemberRow) -> Result<Member> {
    Ok(Member {
        member_no,
        name,
        role: MemberRole::parse(&role)?,
        phone,
        joined_on: parse_stored_date(&joined)?,
        exited_on: exited.as_deref().map(parse_stored_date).transpose()?,
    })
}

impl Book {
    /// All members of an organisation, by member number.
    pub fn members(&self, org: Uuid) -> Result<Vec<Member>> {
        self.organisation(org)?;
        self.with_reader(|conn| {
            let mut st = conn.prepare(&format!(
                "SELECT {MEMBER_COLUMNS} FROM members WHERE org_id = ?1 ORDER BY member_no"
            ))?;
            let rows = st
                .query_map([org.to_string()], member_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(to_member).collect()
        })
    }

    pub fn member(&self, org: Uuid, member_no: u32) -> Result<Member> {
        self.members(org)?
            .into_iter()
            .find(|m| m.member_no == member_no)
            .ok_or_else(|| Error::not_found(format!("member {member_no}")))
    }

    /// Members whose name contains `query`, matched on the folded search form, so
    /// Arabic and Persian spellings of ی and ک find each other.
    pub fn find_members(&self, org: Uuid, query: &str) -> Result<Vec<Member>> {
        let key = search_key(query);
        if key.is_empty() {
            return Err(Error::invalid("query", "is empty"));
        }
        self.with_reader(|conn| {
            let mut st = conn.prepare(&format!(
                "SELECT {MEMBER_COLUMNS} FROM members
                 WHERE org_id = ?1 AND instr(name_search, ?2) > 0 ORDER BY member_no"
            ))?;
            let rows = st
                .query_map(params![org.to_string(), key], member_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(to_member).collect()
        })
    }

    /// Every account of an organisation with its balance, by code.
    pub fn accounts(&self, org: Uuid) -> Result<Vec<AccountBalance>> {
        let scale = self.organisation(org)?.currency.scale;
        self.with_reader(|conn| {
            let mut st = conn.prepare(
                "SELECT a.code, a.name, a.class, a.member_no, a.balance, m.name
                 FROM accounts a LEFT JOIN members m
                   ON m.org_id = a.org_id AND m.member_no = a.member_no
                 WHERE a.org_id = ?1 ORDER BY a.code",
            )?;
            let rows = st
                .query_map([org.to_string()], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<u32>>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter()
                .map(|(code, name, class, member_no, bal, member_name)| {
                    Ok(AccountBalance {
                        class: AccountClass::parse(&class).ok_or_else(|| Error::Storage {
                            reason: format!("account {code} has an unknown class {class}"),
                        })?,
                        code,
                        name,
                        member_no,
                        member_name,
                        balance: from_minor(bal, scale),
                    })
                })
                .collect()
        })
    }

    /// The cash in hand as the book holds it: what a meeting's count is
    /// checked against. Callers need not know the chart's code for cash.
    pub fn cash_in_hand(&self, org: Uuid) -> Result<Decimal> {
        self.balance(org, crate::chart::CASH)
    }

    /// One account's balance, debit positive.
    pub fn balance(&self, org: Uuid, code: &str) -> Result<Decimal> {
        self.accounts(org)?
            .into_iter()
            .find(|a| a.code == code)
            .map(|a| a.balance)
            .ok_or_else(|| Error::not_found(format!("account {code}")))
    }
}
