//! The records a command takes: new organisations and members, vouchers, savings,
//! loan terms, repayments, charges and the cut-off.

use chrono::NaiveDate;
use daftar_core as core;
use rust_decimal::Decimal;
use uuid::Uuid;

use core::event::{FacilitySource, MemberCharge, SavingsFund};
use core::lending::Repayment;
use core::loan::{Frequency, Method, RatePeriod};
use core::money::{RoundingMode, RoundingUnit};
use core::pins::Pin;

use super::crossing::mirrored;
use super::Timestamp;
use core::{Calendar, Locale};
use core::{CashTransfer, MemberChange, MemberRole, OrgKind, RoundingRule, Via, Voucher};

/// Who gives a command, from which device, with its op_id (chosen by the
/// caller, so a retry is recognised). `recorded_at` is the device's clock, now if none.
#[derive(uniffi::Record)]
pub struct CommandMeta {
    pub op_id: Uuid,
    pub actor: String,
    pub device: String,
    pub recorded_at: Option<Timestamp>,
    /// The actor's PIN, typed on this device: what an approver does needs it.
    #[uniffi(default = None)]
    pub pin: Option<Pin>,
}

impl CommandMeta {
    pub(crate) fn core(self) -> core::CommandMeta {
        core::CommandMeta {
            op_id: self.op_id,
            actor: self.actor,
            device: self.device,
            recorded_at: self.recorded_at.map(|t| t.0),
            pin: self.pin,
        }
    }
}

mirrored! {
    pub struct Currency mirrors core::Currency {
        pub code: String,
        pub scale: i32,
    }
}

mirrored! {
    pub struct FiscalYearStart mirrors core::FiscalYearStart {
        pub month: i32,
        pub day: i32,
    }
}

#[uniffi::remote(Record)]
pub struct RoundingRule {
    pub mode: RoundingMode,
    pub unit: RoundingUnit,
}

mirrored! {
    pub struct NewOrganisation mirrors core::NewOrganisation {
        pub id: Uuid,
        pub kind: OrgKind,
        pub name: String,
        pub currency: Currency,
        pub calendar: Calendar,
        pub fiscal_year_start: FiscalYearStart,
        pub locale: Locale,
        pub rounding: RoundingRule,
        pub opened_on: NaiveDate,
    }
}

mirrored! {
    pub struct Organisation mirrors core::Organisation {
        pub id: Uuid,
        pub kind: OrgKind,
        pub name: String,
        pub currency: Currency,
        pub calendar: Calendar,
        pub fiscal_year_start: FiscalYearStart,
        pub locale: Locale,
        pub rounding: RoundingRule,
        pub opened_on: NaiveDate,
    }
}

mirrored! {
    pub struct NewMember mirrors core::NewMember {
        pub member_no: Option<i32>,
        pub name: String,
        pub role: MemberRole,
        pub phone: Option<String>,
        pub joined_on: NaiveDate,
    }
}

#[uniffi::remote(Record)]
pub struct MemberChange {
    pub name: Option<String>,
    pub role: Option<MemberRole>,
    pub phone: Option<Option<String>>,
    pub exited_on: Option<NaiveDate>,
}

mirrored! {
    pub struct Member mirrors core::Member {
        pub member_no: i32,
        pub name: String,
        pub role: MemberRole,
        pub phone: Option<String>,
        pub joined_on: NaiveDate,
        pub exited_on: Option<NaiveDate>,
    }
}

#[uniffi::remote(Record)]
pub struct Voucher {
    pub date: NaiveDate,
    pub via: Via,
    pub account: String,
    pub amount: Decimal,
    pub narration: String,
}

#[uniffi::remote(Record)]
pub struct CashTransfer {
    pub date: NaiveDate,
    pub from: Via,
    pub to: Via,
    pub amount: Decimal,
    pub narration: String,
}

mirrored! {
    pub struct SavingsEntry mirrors core::SavingsEntry {
        pub date: NaiveDate,
        pub member_no: i32,
        pub via: Via,
        pub amount: Decimal,
        pub fund: SavingsFund,
    }
}

mirrored! {
    pub struct LoanRequest mirrors core::lending::LoanRequest {
        pub principal: Decimal,
        pub rate: Decimal,
        pub rate_period: RatePeriod,
        pub term: i32,
        pub frequency: Frequency,
        pub method: Method,
        #[uniffi(default = None)]
        pub reference: Option<String>,
    }
}

#[uniffi::remote(Record)]
pub struct Repayment {
    pub date: NaiveDate,
    pub via: Via,
    pub amount: Decimal,
}

mirrored! {
    pub struct ChargeEntry mirrors core::settlement::ChargeEntry {
        pub date: NaiveDate,
        pub member_no: i32,
        pub charge: MemberCharge,
        pub via: Via,
        pub amount: Decimal,
    }
}

mirrored! {
    pub struct OpeningLoan mirrors core::settlement::OpeningLoan {
        pub outstanding: Decimal,
        pub arrears: Decimal,
        pub overdue_since: Option<NaiveDate>,
        pub rate: Decimal,
        pub rate_period: RatePeriod,
        pub remaining_term: i32,
        pub frequency: Frequency,
        pub method: Method,
        #[uniffi(default = None)]
        pub overdue_interest: Option<Decimal>,
    }
}

mirrored! {
    pub struct OpeningMember mirrors core::settlement::OpeningMember {
        pub member_no: i32,
        pub compulsory: Decimal,
        pub voluntary: Decimal,
        pub loans: Vec<OpeningLoan>,
    }
}

mirrored! {
    pub struct OpeningBorrowing mirrors core::settlement::OpeningBorrowing {
        pub source: FacilitySource,
        pub outstanding: Decimal,
        pub rate: Decimal,
        pub rate_period: RatePeriod,
        pub remaining_term: i32,
        pub frequency: Frequency,
        pub method: Method,
    }
}

mirrored! {
    pub struct Cutoff mirrors core::settlement::Cutoff {
        pub date: NaiveDate,
        pub cash: Decimal,
        pub bank: Decimal,
        pub revolving_fund: Decimal,
        pub surplus: Decimal,
        pub members: Vec<OpeningMember>,
        pub borrowings: Vec<OpeningBorrowing>,
    }
}
