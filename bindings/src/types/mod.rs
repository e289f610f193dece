//! The types Kotlin sees. Most are daftar-core's own, declared here as UniFFI
//! "remote" types (their definitions repeated for the bindings generator);
//! the few whose shape cannot cross the FFI (tuples, fixed arrays) are mirrored.

use chrono::NaiveDate;
use daftar_core as core;
use rust_decimal::Decimal;
use uuid::Uuid;

mod commands;
pub(crate) mod crossing;
mod loans;
mod reads;
pub(crate) mod sync;

pub use commands::*;
pub use loans::*;
pub use reads::*;
pub use sync::*;

use crate::error::DaftarError;
use core::chart::AccountClass;
use core::corrections::CorrectionStatus;
use core::event::{FacilitySource, MemberCharge, SavingsFund};
use core::export::ExportFormat;
use core::lending::LoanStatus;
use core::loan::{Component, Frequency, Method, RatePeriod};
use core::meetings::MeetingStatus;
use core::money::{RoundingMode, RoundingUnit};
use core::pins::Pin;
use core::policy::{ActorRole, Withdrawals};
use core::Person;
use core::{Calendar, Locale, MemberRole, OrgKind, Via};
use crossing::unchanged;

// Decimal ↔ java.math.BigDecimal, as plain decimal text. A value that fails to
// lift becomes DaftarException.InvalidInput, never a panic.
uniffi::custom_type!(Decimal, String, {
    remote,
    lower: |d| d.to_string(),
    try_lift: |s| core::money::parse_decimal("amount", &s)
        .map_err(|e| DaftarError::from(e).into()),
});

// NaiveDate ↔ java.time.LocalDate, as ISO 8601 text.
// A PIN crosses as text and is never kept by the bindings.
uniffi::custom_type!(Pin, String, {
    remote,
    lower: |p| p.as_str().to_string(),
    try_lift: |s| Ok(core::pins::Pin::new(&s)),
});

uniffi::custom_type!(NaiveDate, String, {
    remote,
    lower: |d| d.format("%Y-%m-%d").to_string(),
    try_lift: |s| s.parse::<NaiveDate>().map_err(|e| DaftarError::InvalidInput {
        field: "date".into(),
        reason: format!("{s:?} is not a date: {e}"),
    }.into()),
});

// Uuid ↔ java.util.UUID.
uniffi::custom_type!(Uuid, String, {
    remote,
    lower: |u| u.to_string(),
    try_lift: |s| Uuid::parse_str(&s).map_err(|e| DaftarError::InvalidInput {
        field: "id".into(),
        reason: format!("{s:?} is not a UUID: {e}"),
    }.into()),
});

#[uniffi::remote(Enum)]
pub enum OrgKind {
    Shg,
    Vo,
    Clf,
    Ngo,
    Fund,
}

#[uniffi::remote(Enum)]
pub enum Calendar {
    Gregorian,
    Persian,
}

#[uniffi::remote(Enum)]
pub enum Locale {
    EnIn,
    HiIn,
    FaIr,
}

#[uniffi::remote(Enum)]
pub enum MemberRole {
    President,
    Secretary,
    Treasurer,
    Member,
}

#[uniffi::remote(Enum)]
pub enum Via {
    Cash,
    Bank,
}

#[uniffi::remote(Enum)]
pub enum SavingsFund {
    Compulsory,
    Voluntary,
}

#[uniffi::remote(Enum)]
pub enum Frequency {
    Weekly,
    Fortnightly,
    Monthly,
}

#[uniffi::remote(Enum)]
pub enum RatePeriod {
    Year,
    Month,
}

#[uniffi::remote(Enum)]
pub enum Method {
    Flat,
    Reducing,
    Emi,
    FeeDeducted,
    FeeAdded,
}

#[uniffi::remote(Enum)]
pub enum FacilitySource {
    Cif,
    BankLoan,
    Vrf,
}

#[uniffi::remote(Enum)]
pub enum MemberCharge {
    MembershipFee,
    AbsenceFine,
}

#[uniffi::remote(Enum)]
pub enum ActorRole {
    Bookkeeper,
    Approver,
    Auditor,
}

/// A person the book names, with her role and whether she has set a PIN.
#[uniffi::remote(Record)]
pub struct Person {
    pub name: String,
    pub role: ActorRole,
    pub has_pin: bool,
}

#[uniffi::remote(Enum)]
pub enum Withdrawals {
    None,
    VoluntaryOnly,
    All,
}

#[uniffi::remote(Enum)]
pub enum Component {
    Penalty,
    Interest,
    Principal,
}

/// A late instalment's penalty: a fixed amount in the organisation's currency
/// (never minor units), or a percentage of what is overdue.
#[derive(uniffi::Enum)]
pub enum LatePenalty {
    None,
    Fixed { amount: Decimal },
    Percent { percent: Decimal },
}

impl LatePenalty {
    pub(crate) fn from_core(p: core::loan::LatePenalty, scale: u32) -> LatePenalty {
        match p {
            core::loan::LatePenalty::None => LatePenalty::None,
            core::loan::LatePenalty::Fixed { amount } => LatePenalty::Fixed {
                amount: core::money::from_minor(amount, scale),
            },
            core::loan::LatePenalty::Percent { percent } => LatePenalty::Percent { percent },
        }
    }

    pub(crate) fn into_core(self, scale: u32) -> core::Result<core::loan::LatePenalty> {
        Ok(match self {
            LatePenalty::None => core::loan::LatePenalty::None,
            LatePenalty::Fixed { amount } => core::loan::LatePenalty::Fixed {
                amount: core::money::to_minor("late_penalty", amount, scale)?,
            },
            LatePenalty::Percent { percent } => core::loan::LatePenalty::Percent { percent },
        })
    }
}

/// The formats a ledger is exported in.
#[uniffi::remote(Enum)]
pub enum ExportFormat {
    Hledger,
    Beancount,
    Csv,
}

/// A moment in UTC, to the second: `java.time.Instant` in Kotlin. The core
/// keeps it as `YYYY-MM-DDTHH:MM:SSZ`.
pub struct Timestamp(pub(crate) String);

uniffi::custom_type!(Timestamp, String, {
    lower: |t| t.0,
    try_lift: |s| {
        chrono::NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%SZ")
            .map(|_| Timestamp(s.clone()))
            .map_err(|e| DaftarError::InvalidInput {
                field: "recorded_at".into(),
                reason: format!("{s:?} is not a moment in UTC to the second (YYYY-MM-DDTHH:MM:SSZ): {e}"),
            }.into())
    },
});

#[uniffi::remote(Enum)]
pub enum LoanStatus {
    Applied,
    Approved,
    Active,
    Closed,
    WrittenOff,
}

#[uniffi::remote(Enum)]
pub enum MeetingStatus {
    Open,
    Closed,
}

#[uniffi::remote(Enum)]
pub enum CorrectionStatus {
    Pending,
    Approved,
    Rejected,
}

#[uniffi::remote(Enum)]
pub enum AccountClass {
    Asset,
    Liability,
    Equity,
    Income,
    Expense,
}

#[uniffi::remote(Enum)]
pub enum RoundingMode {
    HalfUp,
    HalfEven,
    Down,
    Up,
}

#[uniffi::remote(Enum)]
pub enum RoundingUnit {
    Minor,
    Whole,
}

// The core's enums and number-free records cross as they are.
unchanged!(
    OrgKind,
    Calendar,
    Locale,
    MemberRole,
    Via,
    SavingsFund,
    Frequency,
    RatePeriod,
    Method,
    FacilitySource,
    MemberCharge,
    ActorRole,
    Withdrawals,
    Component,
    ExportFormat,
    LoanStatus,
    MeetingStatus,
    CorrectionStatus,
    AccountClass,
    RoundingMode,
    RoundingUnit,
    core::RoundingRule,
    core::books::Period,
    core::books::AccountLine,
    core::books::PassbookEntry,
    core::meeting_sheet::Presence,
    core::replay::Difference,
);
