//! The commands a book keeper issues. Each is one call, one transaction, one event.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::admin::require_org;
use crate::admin::OrgContext;
use crate::chart::{AccountClass, BANK, CASH, MEMBER_HEADERS};
use crate::checks::{active_member, member_dates, money_date, not_before_opening};
use crate::error::{Error, Result};
use crate::event::{EventBody, SavingsFund};
use crate::member::{
    check_member_no, normalise_name, normalise_phone, MemberChange, NewMember, MAX_MEMBER_NO,
};
use crate::money::positive_minor;
use crate::org::NewOrganisation;
use crate::policy::Withdrawals;
use crate::text::person_text;

/// The longest narration of a voucher, in characters.
pub const MAX_NARRATION_CHARS: usize = 200;

/// Where money is received or paid: cash in hand or the bank account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    Cash,
    Bank,
}

impl Via {
    pub fn account(self) -> &'static str {
        match self {
            Via::Cash => CASH,
            Via::Bank => BANK,
        }
    }
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cash" => Ok(Via::Cash),
            "bank" => Ok(Via::Bank),
            _ => Err(Error::invalid("via", format!("{s:?} is not cash or bank"))),
        }
    }
}

/// A receipt into, or a payment out of, cash or bank against another account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Voucher {
    pub date: NaiveDate,
    pub via: Via,
    /// The other account's code, e.g. `4400` bank interest or `5200` stationery.
    pub account: String,
    #[serde(with = "crate::money::amount")]
    pub amount: Decimal,
    pub narration: String,
}

/// Cash taken to the bank, or drawn from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CashTransfer {
    pub date: NaiveDate,
    pub from: Via,
    pub to: Via,
    #[serde(with = "crate::money::amount")]
    pub amount: Decimal,
    pub narration: String,
}

/// A member's savings deposit or withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavingsEntry {
    pub date: NaiveDate,
    pub member_no: u32,
    pub via: Via,
    #[serde(with = "crate::money::amount")]
    pub amount: Decimal,
    pub fund: SavingsFund,
}

fn narration(raw: &str) -> Result<String> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    person_text("narration", raw, MAX_NARRATION_CHARS)
}

fn member_exists(tx: &Connection, org: Uuid, no: u32) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM members WHERE org_id = ?1 AND member_no = ?2")?
        .query_row(rusqlite::params![org.to_string(), no], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The class of an account a voucher may name: not cash, bank, a header or a
/// member sub-ledger, which have commands of their own.
fn counter_account_class(tx: &Connection, org: Uuid, code: &str) -> Result<AccountClass> {
    let row: Option<(String, Option<String>)> = tx
        .prepare_cached("SELECT class, parent FROM accounts WHERE org_id = ?1 AND code = ?2")?
        .query_row(rusqlite::params![org.to_string(), code], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (class, parent) = row.ok_or_else(|| Error::not_found(format!("account {code}")))?;
    let header = MEMBER_HEADERS.contains(&code);
    if code == CASH || code == BANK || parent.is_some() || header {
        return Err(Error::invalid(
            "account",
            format!(
                "{code} is moved by its own commands (transfer, savings, loans), not by a voucher"
            ),
        ));
    }
    AccountClass::parse(&class).ok_or_else(|| Error::Storage {
        reason: format!("account {code} has an unknown class {class}"),
    })
}

// Decisions: each validates a command against the book, read-only, and
// returns the event to record.

/// Creates an organisation with its default chart of accounts.
pub(crate) fn decide_create_organisation(
    _view: &Connection,
    ctx: Option<&OrgContext>,
    new: NewOrganisation,
) -> Result<EventBody> {
    let new = new.validated()?;

    if ctx.is_some() {
        return Err(Error::conflict(format!(
            "organisation {} already exists",
            new.id
        )));
    }
    Ok(EventBody::OrgCreated(new))
}

/// Adds a member with savings and loan sub-ledgers.
pub(crate) fn decide_add_member(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    new: NewMember,
) -> Result<EventBody> {
    let name = normalise_name(&new.name)?;
    let phone = new.phone.as_deref().map(normalise_phone).transpose()?;
    if let Some(no) = new.member_no {
        check_member_no(no)?;
    }

    let ctx = require_org(ctx, org)?;
    // Members who joined before the app came with the paper books: while the
    // book is still being set up for its cut-off, their real joining date is
    // kept. Once it has begun, a member joins on or after its opening.
    if crate::checks::book_started(tx, org)? {
        not_before_opening(ctx, new.joined_on, "joined_on")?;
    }
    let member_no = match new.member_no {
        Some(no) => {
            if member_exists(tx, org, no)? {
                return Err(Error::conflict(format!(
                    "member number {no} is already taken in this organisation"
                )));
            }
            no
        }
        None => {
            let max: u32 = tx
                .prepare_cached(
                    "SELECT COALESCE(MAX(member_no), 0) FROM members WHERE org_id = ?1",
                )?
                .query_row([org.to_string()], |r| r.get(0))?;
            if max >= MAX_MEMBER_NO {
                return Err(Error::invalid("member_no", "no member numbers are left"));
            }
            max + 1
        }
    };
    Ok(EventBody::MemberAdded {
        member_no,
        name,
        role: new.role,
        phone,
        joined_on: new.joined_on,
    })
}

/// Changes a member's name, role, phone or exit date.
pub(crate) fn decide_change_member(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    member_no: u32,
    mut change: MemberChange,
) -> Result<EventBody> {
    if change.is_empty() {
        return Err(Error::invalid("change", "names nothing to change"));
    }
    change.name = change.name.as_deref().map(normalise_name).transpose()?;
    change.phone = change
        .phone
        .map(|p| p.as_deref().map(normalise_phone).transpose())
        .transpose()?;

    require_org(ctx, org)?;
    let (joined, exited) = member_dates(tx, org, member_no)?;
    if let Some(exit) = change.exited_on {
        if exited.is_some() {
            return Err(Error::conflict(format!(
                "member {member_no} has already exited"
            )));
        }
        if exit < joined {
            return Err(Error::invalid(
                "exited_on",
                format!("{exit} is before joining on {joined}"),
            ));
        }
        let open: i64 = tx.prepare_cached("SELECT count(*) FROM accounts WHERE org_id = ?1 AND member_no = ?2 AND balance <> 0")?.query_row(
                    rusqlite::params![org.to_string(), member_no],
                    |r| r.get(0),
                )?;
        if open > 0 {
            return Err(Error::conflict(format!(
                "member {member_no} still has savings or a loan; settle them before the exit"
            )));
        }
    }
    Ok(EventBody::MemberChanged { member_no, change })
}

pub(crate) fn decide_voucher(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    v: Voucher,
    receipt: bool,
) -> Result<EventBody> {
    let narration = narration(&v.narration)?;

    let ctx = require_org(ctx, org)?;
    not_before_opening(ctx, v.date, "date")?;
    let amount = positive_minor("amount", v.amount, ctx.org.currency.scale)?;
    money_date(tx, ctx, v.date)?;
    let class = counter_account_class(tx, org, &v.account)?;
    let allowed: &[AccountClass] = if receipt {
        &[
            AccountClass::Income,
            AccountClass::Liability,
            AccountClass::Equity,
        ]
    } else {
        &[
            AccountClass::Expense,
            AccountClass::Asset,
            AccountClass::Liability,
        ]
    };
    if !allowed.contains(&class) {
        return Err(Error::invalid(
            "account",
            format!(
                "{} is an {} account; a {} goes to {}",
                v.account,
                class.as_str(),
                if receipt { "receipt" } else { "payment" },
                allowed
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let (via, account) = (v.via.account().to_string(), v.account.clone());
    Ok(if receipt {
        EventBody::Receipt {
            via,
            account,
            amount,
            narration,
        }
    } else {
        EventBody::Payment {
            via,
            account,
            amount,
            narration,
        }
    })
}

/// Moves money between cash in hand and the bank.
pub(crate) fn decide_transfer(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    t: CashTransfer,
) -> Result<EventBody> {
    let narration = narration(&t.narration)?;
    if t.from == t.to {
        return Err(Error::invalid(
            "to",
            "a transfer needs two different accounts",
        ));
    }

    let ctx = require_org(ctx, org)?;
    not_before_opening(ctx, t.date, "date")?;
    money_date(tx, ctx, t.date)?;
    Ok(EventBody::Transfer {
        from: t.from.account().into(),
        to: t.to.account().into(),
        amount: positive_minor("amount", t.amount, ctx.org.currency.scale)?,
        narration,
    })
}

pub(crate) fn decide_savings(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    s: SavingsEntry,
    deposit: bool,
) -> Result<EventBody> {
    let ctx = require_org(ctx, org)?;
    let amount = positive_minor("amount", s.amount, ctx.org.currency.scale)?;
    money_date(tx, ctx, s.date)?;
    active_member(tx, org, s.member_no, s.date)?;
    if !deposit {
        let allowed = match ctx.policy.withdrawals {
            Withdrawals::None => false,
            Withdrawals::VoluntaryOnly => s.fund == SavingsFund::Voluntary,
            Withdrawals::All => true,
        };
        if !allowed {
            return Err(Error::PermissionDenied {
                reason: format!(
                    "this organisation's policy does not allow withdrawing {} savings",
                    if s.fund == SavingsFund::Voluntary {
                        "voluntary"
                    } else {
                        "compulsory"
                    }
                ),
            });
        }
    }
    let (member_no, via, fund) = (s.member_no, s.via.account().to_string(), s.fund);
    Ok(if deposit {
        EventBody::SavingsDeposit {
            member_no,
            via,
            amount,
            fund,
        }
    } else {
        EventBody::SavingsWithdrawal {
            member_no,
            via,
            amount,
            fund,
        }
    })
}
