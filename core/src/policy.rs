//! An organisation's rules (meetings, savings, lending, penalties) and the roles
//! of the people who keep its books.

use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::book::{Book, OrgContext};
use crate::error::{Error, Result};
use crate::event::EventBody;
use crate::loan::allocation::{check_order, Component, LatePenalty, DEFAULT_ORDER};
use crate::loan::Frequency;
use crate::money::{from_minor, to_minor};

/// The longest grace period before a late penalty, in days.
pub const MAX_GRACE_DAYS: u32 = 90;

/// Which savings members may withdraw while they remain members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Withdrawals {
    None,
    VoluntaryOnly,
    All,
}

/// The rules an organisation keeps its books by. Amounts in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub meeting_frequency: Frequency,
    /// Compulsory savings each member owes at every meeting.
    pub compulsory_savings: i64,
    pub withdrawals: Withdrawals,
    /// How a repayment is split within each instalment, oldest instalment first.
    pub allocation_order: [Component; 3],
    pub late_penalty: LatePenalty,
    pub grace_days: u32,
    /// The fine a member owes for missing a meeting.
    pub absence_fine: i64,
    /// At exit, whether savings settle the member's loans before the rest is paid back.
    pub exit_nets_loans: bool,
    /// Whether reversing an entry needs a second person (maker-checker).
    #[serde(default, skip_serializing_if = "is_false")]
    pub reversal_needs_approval: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            meeting_frequency: Frequency::Weekly,
            compulsory_savings: 0,
            withdrawals: Withdrawals::VoluntaryOnly,
            allocation_order: DEFAULT_ORDER,
            late_penalty: LatePenalty::None,
            grace_days: 0,
            absence_fine: 0,
            exit_nets_loans: true,
            reversal_needs_approval: false,
        }
    }
}

impl Policy {
    fn validate(&self) -> Result<()> {
        check_order(&self.allocation_order)?;
        if self.compulsory_savings < 0 {
            return Err(Error::invalid("compulsory_savings", "must not be negative"));
        }
        if self.absence_fine < 0 {
            return Err(Error::invalid("absence_fine", "must not be negative"));
        }
        if self.grace_days > MAX_GRACE_DAYS {
            return Err(Error::invalid(
                "grace_days",
                format!("at most {MAX_GRACE_DAYS}"),
            ));
        }
        match &self.late_penalty {
            LatePenalty::Fixed { amount } if *amount <= 0 => Err(Error::invalid(
                "late_penalty",
                "a fixed penalty must be more than zero",
            )),
            LatePenalty::Percent { percent }
                if *percent <= Decimal::ZERO || *percent > Decimal::ONE_HUNDRED =>
            {
                Err(Error::invalid(
                    "late_penalty",
                    "a percentage must be above 0 and at most 100",
                ))
            }
            _ => Ok(()),
        }
    }

    /// Converts major-unit amounts (as people type them) for a currency of `scale`.
    pub fn amounts(
        compulsory_savings: Decimal,
        absence_fine: Decimal,
        scale: u32,
    ) -> Result<(i64, i64)> {
        Ok((
            to_minor("compulsory_savings", compulsory_savings, scale)?,
            to_minor("absence_fine", absence_fine, scale)?,
        ))
    }

    pub fn compulsory_savings_amount(&self, scale: u32) -> Decimal {
        from_minor(self.compulsory_savings, scale)
    }
}

/// What a person may do in an organisation's books.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActorRole {
    /// Records entries. Anyone not given another role is a book keeper.
    Bookkeeper,
    /// Also reopens meetings, writes loans off, approves corrections.
    Approver,
    /// Reads only.
    Auditor,
}

impl ActorRole {
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bookkeeper" | "book-keeper" => Ok(ActorRole::Bookkeeper),
            "approver" => Ok(ActorRole::Approver),
            "auditor" => Ok(ActorRole::Auditor),
            _ => Err(Error::invalid(
                "role",
                format!("{s:?} is not bookkeeper, approver or auditor"),
            )),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ActorRole::Bookkeeper => "bookkeeper",
            ActorRole::Approver => "approver",
            ActorRole::Auditor => "auditor",
        }
    }
}

pub(crate) fn load_policy(conn: &Connection, org: Uuid) -> Result<Policy> {
    let text: Option<String> = conn
        .prepare_cached("SELECT policy FROM policies WHERE org_id = ?1")?
        .query_row([org.to_string()], |r| r.get(0))
        .optional()?;
    match text {
        None => Ok(Policy::default()),
        Some(t) => crate::event::parse_stored_json(&format!("stored policy of {org}"), &t),
    }
}

pub(crate) fn role_of(conn: &Connection, org: Uuid, actor: &str) -> Result<ActorRole> {
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM actors WHERE org_id = ?1 AND actor = ?2")?
        .query_row(rusqlite::params![org.to_string(), actor], |r| r.get(0))
        .optional()?;
    role.map_or(Ok(ActorRole::Bookkeeper), |r| ActorRole::parse(&r))
}

pub(crate) fn require_approver(ctx: &OrgContext, what: &str) -> Result<()> {
    if ctx.role != ActorRole::Approver {
        return Err(Error::PermissionDenied {
            reason: format!(
                "{what} needs an approver; {} is a {}",
                ctx.actor,
                ctx.role.as_str()
            ),
        });
    }
    Ok(())
}

impl Book {
    pub fn policy(&self, org: Uuid) -> Result<Policy> {
        self.organisation(org)?;
        self.with_conn(|conn| load_policy(conn, org))
    }

    pub fn role(&self, org: Uuid, actor: &str) -> Result<ActorRole> {
        self.with_conn(|conn| role_of(conn, org, actor))
    }
}

// Decisions: each validates a command against the book, read-only, and
// returns the event to record.

/// Sets the organisation's rules from `date` on.
pub(crate) fn decide_set_policy(
    _view: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    policy: Policy,
) -> Result<EventBody> {
    policy.validate()?;

    crate::commands::require_org(ctx, org)?;
    Ok(EventBody::PolicySet(policy))
}

/// Gives `actor` a role. Only an approver may, except for the organisation's
/// first approver, whom any book keeper may name.
pub(crate) fn decide_set_role(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    actor: &str,
    role: ActorRole,
) -> Result<EventBody> {
    let actor = crate::text::person_text("actor", actor, crate::book::MAX_ACTOR_CHARS)?;

    let ctx = crate::commands::require_org(ctx, org)?;
    let approvers: i64 = tx
        .prepare_cached("SELECT count(*) FROM actors WHERE org_id = ?1 AND role = 'approver'")?
        .query_row([org.to_string()], |r| r.get(0))?;
    if approvers > 0 {
        require_approver(ctx, "giving a role")?;
    }
    Ok(EventBody::RoleSet { actor, role })
}
