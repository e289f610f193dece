//! The double-entry ledger: posting a journal entry, keeping running balances,
//! and refusing any entry that does not balance or that overdraws an account.

use rusqlite::{params, Connection, OptionalExtension};

use crate::chart;
use crate::chart::Floor;
use crate::error::{Error, Result};
use crate::event::Line;
use crate::money::from_minor;

/// What an entry records beside its lines: whose, which event, when, how it
/// reads, and the event's kind.
pub(crate) struct EntryHead<'a> {
    pub org: &'a str,
    pub seq: u64,
    pub date: &'a str,
    pub narration: &'a str,
    pub kind: &'a str,
}

/// Posts `lines` as the entry of event `head.seq`. Called inside the event's transaction.
pub(crate) fn post(
    tx: &Connection,
    head: &EntryHead<'_>,
    scale: u32,
    lines: &[Line],
) -> Result<()> {
    let EntryHead {
        org,
        seq,
        date,
        narration,
        kind,
    } = *head;
    // The entry must balance: checked here in code and again below in SQL.
    assert!(lines.len() >= 2, "a journal entry has at least two lines");
    let total = lines
        .iter()
        .try_fold(0i64, |acc, l| acc.checked_add(l.amount));
    if total != Some(0) {
        return Err(Error::invalid("entry", "postings do not sum to zero"));
    }
    tx.prepare_cached(
        "INSERT INTO entries (org_id, seq, business_date, narration, kind)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![org, seq as i64, date, narration, kind])?;
    let mut get = tx.prepare_cached(
        "SELECT balance, floor, name, member_no FROM accounts WHERE org_id = ?1 AND code = ?2",
    )?;
    let mut set =
        tx.prepare_cached("UPDATE accounts SET balance = ?3 WHERE org_id = ?1 AND code = ?2")?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO postings (org_id, seq, line, account, amount, balance_after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, l) in lines.iter().enumerate() {
        assert!(l.amount != 0, "a posting moves money");
        let (balance, floor, name, member): (i64, String, String, Option<i64>) = get
            .query_row(params![org, l.account], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?
            .ok_or_else(|| Error::not_found(format!("account {}", l.account)))?;
        // Balances are checked in Rust: SQLite would turn an overflowing sum into a float.
        let after = balance
            .checked_add(l.amount)
            .ok_or_else(|| Error::invalid("amount", "the account balance would overflow"))?;
        let floor = Floor::parse(&floor).ok_or_else(|| Error::Storage {
            reason: format!("account {} has an unknown floor", l.account),
        })?;
        if !floor.allows(after) {
            // "Savings of member" names the sub-ledger's kind; the number says whose.
            let account = match member {
                Some(m) => format!("{} {name} {m}", l.account),
                None => format!("{} {name}", l.account),
            };
            return Err(shortfall(
                tx,
                org,
                account,
                balance.abs(),
                l.amount.abs(),
                scale,
            )?);
        }
        set.execute(params![org, l.account, after])?;
        ins.execute(params![
            org, seq as i64, i as i64, l.account, l.amount, after
        ])?;
    }
    let sum: i64 = tx
        .prepare_cached(
            "SELECT COALESCE(SUM(amount), 0) FROM postings WHERE org_id = ?1 AND seq = ?2",
        )?
        .query_row(params![org, seq as i64], |r| r.get(0))?;
    assert_eq!(sum, 0, "entry {seq} of {org} does not balance");
    Ok(())
}

/// The refusal of an entry that would overdraw `account`, with its amounts in
/// the organisation's currency and written as it writes money.
fn shortfall(
    tx: &Connection,
    org: &str,
    account: String,
    balance: i64,
    needed: i64,
    scale: u32,
) -> Result<Error> {
    let (code, locale): (String, String) = tx
        .prepare_cached("SELECT currency, locale FROM organisations WHERE id = ?1")?
        .query_row([org], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let currency = crate::money::Currency {
        code: code.clone(),
        scale,
    };
    let locale = crate::org::Locale::parse(&locale)?;
    let (balance, needed) = (from_minor(balance, scale), from_minor(needed, scale));
    Ok(Error::InsufficientFunds(Box::new(
        crate::error::Shortfall {
            account,
            balance,
            needed,
            currency: code,
            balance_shown: crate::locale::money(balance, &currency, locale),
            needed_shown: crate::locale::money(needed, &currency, locale),
        },
    )))
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

/// Gives an entry its narration anew: only for an upgrade that changes how
/// narrations are kept (`store.rs`, v11), as a replay would write them.
pub(crate) fn set_narration(tx: &Connection, org: &str, seq: i64, narration: &str) -> Result<()> {
    tx.prepare_cached("UPDATE entries SET narration = ?3 WHERE org_id = ?1 AND seq = ?2")?
        .execute(params![org, seq, narration])?;
    Ok(())
}
