//! An organisation's rules (meetings, savings, lending, penalties) and the roles
//! of the people who keep its books.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
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
    /// An administrator's key that may sign a recovery of custody, for a phone
    /// lost while it held the organisation's chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_key: Option<daftar_sync::PublicKey>,
    /// How many days past the device's clock a business date may be: a phone's
    /// date is often a day off, a meeting dated weeks ahead is a mistake.
    #[serde(
        default = "default_days_ahead",
        skip_serializing_if = "is_default_days_ahead"
    )]
    pub days_ahead_allowed: u32,
}

/// The tolerance a policy gives unless it says otherwise.
pub const DEFAULT_DAYS_AHEAD: u32 = 1;
/// The most a policy may allow: a business date a month past the clock.
pub const MAX_DAYS_AHEAD: u32 = 31;

fn default_days_ahead() -> u32 {
    DEFAULT_DAYS_AHEAD
}

fn is_default_days_ahead(d: &u32) -> bool {
    *d == DEFAULT_DAYS_AHEAD
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
            recovery_key: None,
            days_ahead_allowed: DEFAULT_DAYS_AHEAD,
        }
    }
}

impl Policy {
    pub(crate) fn validate(&self) -> Result<()> {
        check_order(&self.allocation_order)?;
        if self.compulsory_savings < 0 {
            return Err(Error::invalid("compulsory_savings", "must not be negative"));
        }
        if self.days_ahead_allowed > MAX_DAYS_AHEAD {
            return Err(Error::invalid(
                "days_ahead_allowed",
                format!(
                    "{} days is more than the {MAX_DAYS_AHEAD} a policy may allow",
                    self.days_ahead_allowed
                ),
            ));
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

// Decisions: each validates a command against the book, read-only, and
// returns the event to record.
