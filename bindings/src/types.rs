//! The types Kotlin sees. Most are daftar-core's own, declared here as UniFFI
//! "remote" types (their definitions repeated for the bindings generator);
//! the few whose shape cannot cross the FFI (tuples, fixed arrays) are mirrored.

use chrono::NaiveDate;
use daftar_core as core;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::error::DaftarError;
use core::chart::AccountClass;
use core::corrections::{Correction, CorrectionStatus};
use core::event::{FacilitySource, MemberCharge, SavingsFund};
use core::lending::{Loan, LoanRequest, LoanStanding, LoanStatus, Repayment};
use core::loan::{
    Component, Frequency, InstalmentState, LatePenalty, LoanTerms, Method, RatePeriod,
};
use core::meetings::{Meeting, MeetingStatus};
use core::money::{RoundingMode, RoundingUnit};
use core::policy::{ActorRole, Withdrawals};
use core::queries::AccountBalance;
use core::replay::Difference;
use core::report::{TrialBalance, TrialBalanceRow};
use core::settlement::{ChargeEntry, Cutoff, OpeningBorrowing, OpeningLoan, OpeningMember};
use core::{
    Calendar, CashTransfer, CommandMeta, Currency, FiscalYearStart, Locale, Member, MemberChange,
    MemberRole, NewMember, NewOrganisation, OrgKind, Organisation, RoundingRule, SavingsEntry, Via,
    Voucher,
};

// Decimal ↔ java.math.BigDecimal, as plain decimal text. A value that fails to
// lift becomes DaftarException.InvalidInput, never a panic.
uniffi::custom_type!(Decimal, String, {
    remote,
    lower: |d| d.to_string(),
    try_lift: |s| core::money::parse_decimal("amount", &s)
        .map_err(|e| DaftarError::from(e).into()),
});

// NaiveDate ↔ java.time.LocalDate, as ISO 8601 text.
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

#[uniffi::remote(Enum)]
pub enum LatePenalty {
    None,
    Fixed { amount: i64 },
    Percent { percent: Decimal },
}

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

#[uniffi::remote(Record)]
pub struct CommandMeta {
    pub op_id: Uuid,
    pub actor: String,
    pub device: String,
    pub recorded_at: Option<String>,
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

#[uniffi::remote(Record)]
pub struct AccountBalance {
    pub code: String,
    pub name: String,
    pub class: AccountClass,
    pub member_no: Option<u32>,
    pub member_name: Option<String>,
    pub balance: Decimal,
}

#[uniffi::remote(Record)]
pub struct TrialBalanceRow {
    pub code: String,
    pub name: String,
    pub class: AccountClass,
    pub member_no: Option<u32>,
    pub member_name: Option<String>,
    pub debit: Decimal,
    pub credit: Decimal,
}

#[uniffi::remote(Record)]
pub struct TrialBalance {
    pub org_id: Uuid,
    pub org_name: String,
    pub currency: String,
    pub rows: Vec<TrialBalanceRow>,
    pub total_debit: Decimal,
    pub total_credit: Decimal,
}

#[uniffi::remote(Record)]
pub struct Meeting {
    pub meeting_no: u32,
    pub held_on: NaiveDate,
    pub status: MeetingStatus,
    pub counted_cash: Option<Decimal>,
    pub discrepancy: Decimal,
    pub discrepancy_reason: Option<String>,
    pub present: Vec<u32>,
    pub absent: Vec<u32>,
    pub entries: Vec<u64>,
}

#[uniffi::remote(Record)]
pub struct LoanTerms {
    pub principal: i64,
    pub rate: Decimal,
    pub rate_period: RatePeriod,
    pub term: u32,
    pub frequency: Frequency,
    pub method: Method,
}

#[uniffi::remote(Record)]
pub struct InstalmentState {
    pub no: u32,
    pub due_on: NaiveDate,
    pub principal: i64,
    pub interest: i64,
    pub penalty: i64,
    pub principal_paid: i64,
    pub interest_paid: i64,
    pub penalty_paid: i64,
    pub penalty_assessed: bool,
}

#[uniffi::remote(Record)]
pub struct Loan {
    pub loan_no: u32,
    pub member_no: Option<u32>,
    pub source: String,
    pub status: LoanStatus,
    pub terms: LoanTerms,
    pub applied_on: NaiveDate,
    pub approved_meeting: Option<u32>,
    pub disbursed_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub instalments: Vec<InstalmentState>,
}

#[uniffi::remote(Record)]
pub struct LoanStanding {
    pub loan_no: u32,
    pub as_of: NaiveDate,
    pub outstanding_principal: Decimal,
    pub overdue_principal: Decimal,
    pub overdue_interest: Decimal,
    pub penalty_due: Decimal,
    pub arrears: Decimal,
    pub days_past_due: i64,
    pub due_now: Decimal,
    pub payable_now: Decimal,
}

#[uniffi::remote(Record)]
pub struct Correction {
    pub request_seq: u64,
    pub original_seq: u64,
    pub reason: String,
    pub maker: String,
    pub status: CorrectionStatus,
    pub checker: Option<String>,
    pub decided_seq: Option<u64>,
}

#[uniffi::remote(Record)]
pub struct Difference {
    pub table: String,
    pub key: String,
    pub detail: String,
}

/// What a command did. `replayed` is true when the op_id was seen before and
/// nothing was written.
#[derive(uniffi::Record)]
pub struct CommandResult {
    pub org_id: Uuid,
    pub seq: u64,
    pub hash_hex: String,
    /// The number the command gave: a new member's, meeting's or loan's.
    pub number: Option<u32>,
    pub replayed: bool,
}

impl From<core::Outcome> for CommandResult {
    fn from(o: core::Outcome) -> Self {
        CommandResult {
            org_id: o.org_id,
            seq: o.seq,
            hash_hex: core::event::hex(&o.hash),
            number: o.number,
            replayed: o.replayed,
        }
    }
}

/// An organisation's rules; `allocation_order` names each component once.
#[derive(uniffi::Record)]
pub struct Policy {
    pub meeting_frequency: Frequency,
    pub compulsory_savings: Decimal,
    pub withdrawals: Withdrawals,
    pub allocation_order: Vec<Component>,
    pub late_penalty: LatePenalty,
    pub grace_days: u32,
    pub absence_fine: Decimal,
    pub exit_nets_loans: bool,
    pub reversal_needs_approval: bool,
}

/// A journal line: account code and signed amount (debit positive).
#[derive(uniffi::Record)]
pub struct JournalLine {
    pub account: String,
    pub amount: Decimal,
}

#[derive(uniffi::Record)]
pub struct JournalEntry {
    pub seq: u64,
    pub date: NaiveDate,
    pub kind: String,
    pub narration: String,
    pub actor: String,
    pub reverses: Option<u64>,
    pub reversed_by: Option<u64>,
    pub lines: Vec<JournalLine>,
}

#[derive(uniffi::Record)]
pub struct LoanDue {
    pub loan_no: u32,
    pub due_now: Decimal,
}

/// What a member owes at a meeting: shown and pre-filled on the member's screen.
#[derive(uniffi::Record)]
pub struct MemberDues {
    pub member_no: u32,
    pub as_of: NaiveDate,
    pub savings_arrears: Decimal,
    pub absence_fines_due: Decimal,
    pub loans_due: Vec<LoanDue>,
}

#[derive(uniffi::Record)]
pub struct ChainStatus {
    pub org_id: Uuid,
    pub org_name: Option<String>,
    pub events: u64,
    pub head_seq: u64,
    pub head_hash_hex: String,
    /// The first broken link, as "seq N: reason"; None when intact.
    pub problem: Option<String>,
}

#[derive(uniffi::Record)]
pub struct OrgVerification {
    pub chain: ChainStatus,
    pub differences: Vec<Difference>,
    pub intact: bool,
}

#[derive(uniffi::Record)]
pub struct VerifyReport {
    pub integrity: String,
    pub orgs: Vec<OrgVerification>,
    pub intact: bool,
}

#[derive(uniffi::Record)]
pub struct CheckpointCheck {
    pub checkpoint: String,
    pub head_seq: u64,
    pub problem: Option<String>,
}

#[derive(uniffi::Record)]
pub struct ScheduleRow {
    pub no: u32,
    pub due_on: NaiveDate,
    pub principal: Decimal,
    pub interest: Decimal,
}

#[derive(uniffi::Record)]
pub struct DemoInfo {
    pub organisations: Vec<Uuid>,
    pub events: u64,
}
