//! The records a command takes: new organisations and members, vouchers, savings,
//! loan terms, repayments, charges and the cut-off.

use chrono::NaiveDate;
use daftar_core as core;
use rust_decimal::Decimal;
use uuid::Uuid;

use core::event::{FacilitySource, MemberCharge, SavingsFund};
use core::lending::{LoanRequest, Repayment};
use core::loan::{Frequency, Method, RatePeriod};
use core::money::{RoundingMode, RoundingUnit};
use core::pins::Pin;

use super::Timestamp;
use core::settlement::{ChargeEntry, Cutoff, OpeningBorrowing, OpeningLoan, OpeningMember};
use core::{
    Calendar, CashTransfer, Currency, FiscalYearStart, Locale, Member, MemberChange, MemberRole,
    NewMember, NewOrganisation, OrgKind, Organisation, RoundingRule, SavingsEntry, Via, Voucher,
};

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

#[uniffi::remote(Record)]
pub struct Currency {
    pub code: String,
    pub scale: u32,
}

#[uniffi::remote(Record)]
pub struct FiscalYearStart {
    pub month: u32,
    pub day: u32,
}

#[uniffi::remote(Record)]
pub struct RoundingRule {
    pub mode: RoundingMode,
    pub unit: RoundingUnit,
}

#[uniffi::remote(Record)]
pub struct NewOrganisation {
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

#[uniffi::remote(Record)]
pub struct Organisation {
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

#[uniffi::remote(Record)]
pub struct NewMember {
    pub member_no: Option<u32>,
    pub name: String,
    pub role: MemberRole,
    pub phone: Option<String>,
    pub joined_on: NaiveDate,
}

#[uniffi::remote(Record)]
pub struct MemberChange {
    pub name: Option<String>,
    pub role: Option<MemberRole>,
    pub phone: Option<Option<String>>,
    pub exited_on: Option<NaiveDate>,
}

#[uniffi::remote(Record)]
pub struct Member {
    pub member_no: u32,
    pub name: String,
    pub role: MemberRole,
    pub phone: Option<String>,
    pub joined_on: NaiveDate,
    pub exited_on: Option<NaiveDate>,
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

#[uniffi::remote(Record)]
pub struct SavingsEntry {
    pub date: NaiveDate,
    pub member_no: u32,
    pub via: Via,
    pub amount: Decimal,
    pub fund: SavingsFund,
}

#[uniffi::remote(Record)]
pub struct LoanRequest {
    pub principal: Decimal,
    pub rate: Decimal,
    pub rate_period: RatePeriod,
    pub term: u32,
    pub frequency: Frequency,
    pub method: Method,
    #[uniffi(default = None)]
    pub reference: Option<String>,
}

#[uniffi::remote(Record)]
pub struct Repayment {
    pub date: NaiveDate,
    pub via: Via,
    pub amount: Decimal,
}

#[uniffi::remote(Record)]
pub struct ChargeEntry {
    pub date: NaiveDate,
    pub member_no: u32,
    pub charge: MemberCharge,
    pub via: Via,
    pub amount: Decimal,
}

#[uniffi::remote(Record)]
pub struct OpeningLoan {
    pub outstanding: Decimal,
    pub arrears: Decimal,
    pub overdue_since: Option<NaiveDate>,
    pub rate: Decimal,
    pub rate_period: RatePeriod,
    pub remaining_term: u32,
    pub frequency: Frequency,
    pub method: Method,
    #[uniffi(default = None)]
    pub overdue_interest: Option<Decimal>,
}

#[uniffi::remote(Record)]
pub struct OpeningMember {
    pub member_no: u32,
    pub compulsory: Decimal,
    pub voluntary: Decimal,
    pub loans: Vec<OpeningLoan>,
}

#[uniffi::remote(Record)]
pub struct OpeningBorrowing {
    pub source: FacilitySource,
    pub outstanding: Decimal,
    pub rate: Decimal,
    pub rate_period: RatePeriod,
    pub remaining_term: u32,
    pub frequency: Frequency,
    pub method: Method,
}

#[uniffi::remote(Record)]
pub struct Cutoff {
    pub date: NaiveDate,
    pub cash: Decimal,
    pub bank: Decimal,
    pub revolving_fund: Decimal,
    pub surplus: Decimal,
    pub members: Vec<OpeningMember>,
    pub borrowings: Vec<OpeningBorrowing>,
}
