//! The records reads return: balances, meetings, loans and their standing,
//! corrections, verification, and every report.

use chrono::NaiveDate;
use daftar_core as core;
use rust_decimal::Decimal;
use uuid::Uuid;

use core::books::{
    AccountLine, BalanceSheet, Bucket, CashBook, CashBookDay, CashBookLine, IncomeAndExpenditure,
    LoanLedger, LoanLedgerLine, MonthlyReport, Passbook, PassbookEntry, PassbookLine, Period,
    Portfolio, PortfolioLoan, ReceiptsAndPayments,
};
use core::chart::AccountClass;
use core::corrections::{Correction, CorrectionStatus};
use core::lending::LoanStanding;
use core::loan::{Component, Frequency};

use super::LatePenalty;
use core::meeting_sheet::{DueLoan, MeetingSheet, MemberSheet, Presence};
use core::meetings::{Meeting, MeetingStatus};
use core::policy::Withdrawals;
use core::queries::AccountBalance;
use core::replay::Difference;
use core::report::{TrialBalance, TrialBalanceRow};

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

#[uniffi::remote(Enum)]
pub enum Presence {
    Present,
    Absent,
    Unmarked,
}

#[uniffi::remote(Record)]
pub struct DueLoan {
    pub loan_no: u32,
    pub outstanding_principal: Decimal,
    pub due_now: Decimal,
    pub payable_now: Decimal,
    pub days_past_due: i64,
}

#[uniffi::remote(Record)]
pub struct MemberSheet {
    pub meeting_no: u32,
    pub held_on: NaiveDate,
    pub member_no: u32,
    pub name: String,
    pub presence: Presence,
    pub savings_due: Decimal,
    pub fines_due: Decimal,
    pub loans: Vec<DueLoan>,
    pub unfinished_loans: Vec<u32>,
}

/// The meeting screen in one call: the latest meeting (open or not), where a
/// new one starts, cash in hand, and while one is open each active member's
/// mark and dues.
#[uniffi::remote(Record)]
pub struct MeetingSheet {
    pub latest: Option<Meeting>,
    pub next_date: NaiveDate,
    pub cash_in_hand: Decimal,
    pub members: Vec<MemberSheet>,
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
    /// An administrator's public key (64 hex digits) that may sign a recovery
    /// of custody for a lost phone; none if nobody may.
    #[uniffi(default = None)]
    pub recovery_key: Option<String>,
    /// How many days past the phone's date a business date may be (1 unless set).
    #[uniffi(default = 1)]
    pub days_ahead_allowed: u32,
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
    /// When each bulk load that never finished began; the book is then not intact.
    pub unfinished_loads: Vec<String>,
    /// What is wrong with the book's schema, or rows of an organisation with no chain.
    pub structure: Vec<String>,
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

#[uniffi::remote(Enum)]
pub enum PassbookEntry {
    Deposit,
    Withdrawal,
    LoanPaidOut,
    Repayment,
    Fine,
    Fee,
    ExitSettlement,
    WriteOff,
    Reversal,
    Other,
}

#[uniffi::remote(Record)]
pub struct PassbookLine {
    pub seq: u64,
    pub date: NaiveDate,
    pub entry: PassbookEntry,
    pub narration: String,
    pub paid: Decimal,
    pub received: Decimal,
    pub principal: Decimal,
    pub interest: Decimal,
    pub penalty: Decimal,
    pub charges: Decimal,
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
    pub total_paid: Decimal,
    pub total_received: Decimal,
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
    pub savings_returned: Decimal,
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
