//! The types Kotlin sees. Most are daftar-core's own, declared here as UniFFI
//! "remote" types (their definitions repeated for the bindings generator);
//! the few whose shape cannot cross the FFI (tuples, fixed arrays) are mirrored.

use chrono::NaiveDate;
use daftar_core as core;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::error::DaftarError;
use core::books::{
    AccountLine, BalanceSheet, Bucket, CashBook, CashBookDay, CashBookLine, IncomeAndExpenditure,
    LoanLedger, LoanLedgerLine, MonthlyReport, Passbook, PassbookLine, Period, Portfolio,
    PortfolioLoan, ReceiptsAndPayments,
};
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

// The books (daftar_core::books): every report as structured data.

#[uniffi::remote(Record)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[uniffi::remote(Record)]
pub struct AccountLine {
    pub code: String,
    pub name: String,
    pub amount: Decimal,
}

#[uniffi::remote(Record)]
pub struct PassbookLine {
    pub seq: u64,
    pub date: NaiveDate,
    pub narration: String,
    pub compulsory: Decimal,
    pub voluntary: Decimal,
    pub loan: Decimal,
    pub compulsory_balance: Decimal,
    pub voluntary_balance: Decimal,
    pub loan_balance: Decimal,
}

#[uniffi::remote(Record)]
pub struct Passbook {
    pub member_no: u32,
    pub member_name: String,
    pub period: Period,
    pub opening_compulsory: Decimal,
    pub opening_voluntary: Decimal,
    pub opening_loan: Decimal,
    pub lines: Vec<PassbookLine>,
    pub closing_compulsory: Decimal,
    pub closing_voluntary: Decimal,
    pub closing_loan: Decimal,
}

#[uniffi::remote(Record)]
pub struct CashBookLine {
    pub seq: u64,
    pub narration: String,
    pub receipt: Decimal,
    pub payment: Decimal,
}

#[uniffi::remote(Record)]
pub struct CashBookDay {
    pub date: NaiveDate,
    pub opening: Decimal,
    pub lines: Vec<CashBookLine>,
    pub receipts: Decimal,
    pub payments: Decimal,
    pub closing: Decimal,
}

#[uniffi::remote(Record)]
pub struct CashBook {
    pub account: String,
    pub period: Period,
    pub opening: Decimal,
    pub days: Vec<CashBookDay>,
    pub receipts: Decimal,
    pub payments: Decimal,
    pub closing: Decimal,
}

#[uniffi::remote(Record)]
pub struct LoanLedgerLine {
    pub seq: u64,
    pub date: NaiveDate,
    pub kind: String,
    pub disbursed: Decimal,
    pub principal: Decimal,
    pub interest: Decimal,
    pub penalty: Decimal,
    pub written_off: Decimal,
    pub outstanding: Decimal,
}

#[uniffi::remote(Record)]
pub struct LoanLedger {
    pub loan_no: u32,
    pub member_no: Option<u32>,
    pub principal: Decimal,
    pub lines: Vec<LoanLedgerLine>,
    pub outstanding: Decimal,
}

#[uniffi::remote(Record)]
pub struct PortfolioLoan {
    pub loan_no: u32,
    pub member_no: u32,
    pub member_name: String,
    pub outstanding: Decimal,
    pub arrears: Decimal,
    pub days_past_due: i64,
    pub bucket: String,
}

#[uniffi::remote(Record)]
pub struct Bucket {
    pub label: String,
    pub loans: u32,
    pub outstanding: Decimal,
}

#[uniffi::remote(Record)]
pub struct Portfolio {
    pub as_of: NaiveDate,
    pub loans: Vec<PortfolioLoan>,
    pub buckets: Vec<Bucket>,
    pub outstanding: Decimal,
    pub arrears: Decimal,
    pub par30_outstanding: Decimal,
    pub par30: Decimal,
}

#[uniffi::remote(Record)]
pub struct ReceiptsAndPayments {
    pub period: Period,
    pub opening_cash: Decimal,
    pub opening_bank: Decimal,
    pub receipts: Vec<AccountLine>,
    pub payments: Vec<AccountLine>,
    pub total_receipts: Decimal,
    pub total_payments: Decimal,
    pub closing_cash: Decimal,
    pub closing_bank: Decimal,
}

#[uniffi::remote(Record)]
pub struct IncomeAndExpenditure {
    pub period: Period,
    pub income: Vec<AccountLine>,
    pub expenditure: Vec<AccountLine>,
    pub total_income: Decimal,
    pub total_expenditure: Decimal,
    pub surplus: Decimal,
}

#[uniffi::remote(Record)]
pub struct BalanceSheet {
    pub as_of: NaiveDate,
    pub assets: Vec<AccountLine>,
    pub liabilities: Vec<AccountLine>,
    pub equity: Vec<AccountLine>,
    pub accumulated_surplus: Decimal,
    pub total_assets: Decimal,
    pub total_liabilities_and_equity: Decimal,
}

#[uniffi::remote(Record)]
pub struct MonthlyReport {
    pub period: Period,
    pub meetings: Vec<NaiveDate>,
    pub attendance: Decimal,
    pub compulsory_savings: Decimal,
    pub voluntary_savings: Decimal,
    pub withdrawals: Decimal,
    pub loans_disbursed: u32,
    pub amount_disbursed: Decimal,
    pub principal_repaid: Decimal,
    pub interest_collected: Decimal,
    pub penalties_collected: Decimal,
    pub fines_and_fees: Decimal,
    pub closing_cash: Decimal,
    pub closing_bank: Decimal,
    pub portfolio: Portfolio,
}

/// One Panchasutra norm: its score out of 20 and how it was computed.
/// (Mirrored: the core's names are `&'static str`.)
#[derive(uniffi::Record)]
pub struct GradingNorm {
    pub name: String,
    pub score: Decimal,
    pub basis: String,
}

/// A Panchasutra grading over a period: five norms, the total out of 100, A/B/C.
#[derive(uniffi::Record)]
pub struct Grading {
    pub period: Period,
    pub norms: Vec<GradingNorm>,
    pub total: Decimal,
    pub grade: String,
}

impl From<core::grading::Grading> for Grading {
    fn from(g: core::grading::Grading) -> Grading {
        Grading {
            period: g.period,
            norms: g
                .norms
                .into_iter()
                .map(|n| GradingNorm {
                    name: n.name.to_string(),
                    score: n.score,
                    basis: n.basis,
                })
                .collect(),
            total: g.total,
            grade: g.grade.to_string(),
        }
    }
}
