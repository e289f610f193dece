//! The records reads return: balances, meetings, loans and their standing,
//! corrections, verification, and every report.

use chrono::NaiveDate;
use daftar_core as core;
use rust_decimal::Decimal;
use uuid::Uuid;

use core::books::{
    AccountLine, BalanceSheet, IncomeAndExpenditure, PassbookEntry, Period, ReceiptsAndPayments,
};
use core::chart::AccountClass;
use core::corrections::CorrectionStatus;
use core::loan::{Component, Frequency};

use super::crossing::{mirrored, Crossing, FromCore};
use super::LatePenalty;
use core::meeting_sheet::Presence;
use core::meetings::MeetingStatus;
use core::policy::Withdrawals;
use core::replay::Difference;

mirrored! {
    pub struct AccountBalance mirrors core::queries::AccountBalance {
        pub code: String,
        pub name: String,
        pub class: AccountClass,
        pub member_no: Option<i32>,
        pub member_name: Option<String>,
        pub balance: Decimal,
    }
}

mirrored! {
    pub struct TrialBalanceRow mirrors core::report::TrialBalanceRow {
        pub code: String,
        pub name: String,
        pub class: AccountClass,
        pub member_no: Option<i32>,
        pub member_name: Option<String>,
        pub debit: Decimal,
        pub credit: Decimal,
    }
}

mirrored! {
    pub struct TrialBalance mirrors core::report::TrialBalance {
        pub org_id: Uuid,
        pub org_name: String,
        pub currency: String,
        pub rows: Vec<TrialBalanceRow>,
        pub total_debit: Decimal,
        pub total_credit: Decimal,
    }
}

mirrored! {
    pub struct Meeting mirrors core::meetings::Meeting {
        pub meeting_no: i32,
        pub held_on: NaiveDate,
        pub status: MeetingStatus,
        pub counted_cash: Option<Decimal>,
        pub discrepancy: Decimal,
        pub discrepancy_reason: Option<String>,
        pub present: Vec<i32>,
        pub absent: Vec<i32>,
        pub entries: Vec<i64>,
    }
}

#[uniffi::remote(Enum)]
pub enum Presence {
    Present,
    Absent,
    Unmarked,
}

mirrored! {
    pub struct DueLoan mirrors core::meeting_sheet::DueLoan {
        pub loan_no: i32,
        pub outstanding_principal: Decimal,
        pub due_now: Decimal,
        pub payable_now: Decimal,
        pub days_past_due: i64,
    }
}

mirrored! {
    pub struct MemberSheet mirrors core::meeting_sheet::MemberSheet {
        pub meeting_no: i32,
        pub held_on: NaiveDate,
        pub member_no: i32,
        pub name: String,
        pub presence: Presence,
        pub savings_due: Decimal,
        pub fines_due: Decimal,
        pub loans: Vec<DueLoan>,
        pub unfinished_loans: Vec<i32>,
    }
}

mirrored! {
    /// The meeting screen in one call: the latest meeting (open or not), where a
    /// new one starts, cash in hand, and while one is open each active member's
    /// mark and dues.
    pub struct MeetingSheet mirrors core::meeting_sheet::MeetingSheet {
        pub latest: Option<Meeting>,
        pub next_date: NaiveDate,
        pub cash_in_hand: Decimal,
        pub members: Vec<MemberSheet>,
    }
}

mirrored! {
    pub struct LoanStanding mirrors core::lending::LoanStanding {
        pub loan_no: i32,
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
}

mirrored! {
    pub struct Correction mirrors core::corrections::Correction {
        pub request_seq: i64,
        pub original_seq: i64,
        pub reason: String,
        pub maker: String,
        pub status: CorrectionStatus,
        pub checker: Option<String>,
        pub decided_seq: Option<i64>,
    }
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
    pub seq: i64,
    pub hash_hex: String,
    /// The number the command gave: a new member's, meeting's or loan's.
    pub number: Option<i32>,
    pub replayed: bool,
}

impl FromCore<core::Outcome> for CommandResult {
    fn from_core(o: core::Outcome, _: &'static str) -> Crossing<Self> {
        Ok(CommandResult {
            org_id: o.org_id,
            seq: FromCore::from_core(o.seq, "seq")?,
            hash_hex: core::event::hex(&o.hash),
            number: FromCore::from_core(o.number, "number")?,
            replayed: o.replayed,
        })
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
    pub grace_days: i32,
    pub absence_fine: Decimal,
    pub exit_nets_loans: bool,
    pub reversal_needs_approval: bool,
    /// An administrator's public key (64 hex digits) that may sign a recovery
    /// of custody for a lost phone; none if nobody may.
    #[uniffi(default = None)]
    pub recovery_key: Option<String>,
    /// How many days past the phone's date a business date may be (1 unless set).
    #[uniffi(default = 1)]
    pub days_ahead_allowed: i32,
}

/// A journal line: account code and signed amount (debit positive).
#[derive(uniffi::Record)]
pub struct JournalLine {
    pub account: String,
    pub amount: Decimal,
}

#[derive(uniffi::Record)]
pub struct JournalEntry {
    pub seq: i64,
    pub date: NaiveDate,
    pub kind: String,
    pub narration: String,
    pub actor: String,
    pub reverses: Option<i64>,
    pub reversed_by: Option<i64>,
    pub lines: Vec<JournalLine>,
}

impl FromCore<core::corrections::JournalEntry> for JournalEntry {
    fn from_core(e: core::corrections::JournalEntry, _: &'static str) -> Crossing<Self> {
        Ok(JournalEntry {
            seq: FromCore::from_core(e.seq, "seq")?,
            date: e.date,
            kind: e.kind,
            narration: e.narration,
            actor: e.actor,
            reverses: FromCore::from_core(e.reverses, "reverses")?,
            reversed_by: FromCore::from_core(e.reversed_by, "reversed_by")?,
            lines: e
                .lines
                .into_iter()
                .map(|(account, amount)| JournalLine { account, amount })
                .collect(),
        })
    }
}

#[derive(uniffi::Record)]
pub struct LoanDue {
    pub loan_no: i32,
    pub due_now: Decimal,
}

/// What a member owes at a meeting: shown and pre-filled on the member's screen.
#[derive(uniffi::Record)]
pub struct MemberDues {
    pub member_no: i32,
    pub as_of: NaiveDate,
    pub savings_arrears: Decimal,
    pub absence_fines_due: Decimal,
    pub loans_due: Vec<LoanDue>,
}

impl FromCore<core::settlement::MemberDues> for MemberDues {
    fn from_core(d: core::settlement::MemberDues, _: &'static str) -> Crossing<Self> {
        let mut loans_due = Vec::with_capacity(d.loans_due.len());
        for (loan_no, due_now) in d.loans_due {
            let loan_no = FromCore::from_core(loan_no, "loan_no")?;
            loans_due.push(LoanDue { loan_no, due_now });
        }
        Ok(MemberDues {
            member_no: FromCore::from_core(d.member_no, "member_no")?,
            as_of: d.as_of,
            savings_arrears: d.savings_arrears,
            absence_fines_due: d.absence_fines_due,
            loans_due,
        })
    }
}

#[derive(uniffi::Record)]
pub struct ChainStatus {
    pub org_id: Uuid,
    pub org_name: Option<String>,
    pub events: i64,
    pub head_seq: i64,
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
    pub head_seq: i64,
    pub problem: Option<String>,
}

#[derive(uniffi::Record)]
pub struct ScheduleRow {
    pub no: i32,
    pub due_on: NaiveDate,
    pub principal: Decimal,
    pub interest: Decimal,
}

#[derive(uniffi::Record)]
pub struct DemoInfo {
    pub organisations: Vec<Uuid>,
    pub events: i64,
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

mirrored! {
    pub struct PassbookLine mirrors core::books::PassbookLine {
        pub seq: i64,
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
}

mirrored! {
    pub struct Passbook mirrors core::books::Passbook {
        pub member_no: i32,
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
}

mirrored! {
    pub struct CashBookLine mirrors core::books::CashBookLine {
        pub seq: i64,
        pub narration: String,
        pub receipt: Decimal,
        pub payment: Decimal,
    }
}

mirrored! {
    pub struct CashBookDay mirrors core::books::CashBookDay {
        pub date: NaiveDate,
        pub opening: Decimal,
        pub lines: Vec<CashBookLine>,
        pub receipts: Decimal,
        pub payments: Decimal,
        pub closing: Decimal,
    }
}

mirrored! {
    pub struct CashBook mirrors core::books::CashBook {
        pub account: String,
        pub period: Period,
        pub opening: Decimal,
        pub days: Vec<CashBookDay>,
        pub receipts: Decimal,
        pub payments: Decimal,
        pub closing: Decimal,
    }
}

mirrored! {
    pub struct LoanLedgerLine mirrors core::books::LoanLedgerLine {
        pub seq: i64,
        pub date: NaiveDate,
        pub kind: String,
        pub disbursed: Decimal,
        pub principal: Decimal,
        pub interest: Decimal,
        pub penalty: Decimal,
        pub written_off: Decimal,
        pub outstanding: Decimal,
    }
}

mirrored! {
    pub struct LoanLedger mirrors core::books::LoanLedger {
        pub loan_no: i32,
        pub member_no: Option<i32>,
        pub principal: Decimal,
        pub lines: Vec<LoanLedgerLine>,
        pub outstanding: Decimal,
    }
}

mirrored! {
    pub struct PortfolioLoan mirrors core::books::PortfolioLoan {
        pub loan_no: i32,
        pub member_no: i32,
        pub member_name: String,
        pub outstanding: Decimal,
        pub arrears: Decimal,
        pub days_past_due: i64,
        pub bucket: String,
    }
}

mirrored! {
    pub struct Bucket mirrors core::books::Bucket {
        pub label: String,
        pub loans: i32,
        pub outstanding: Decimal,
    }
}

mirrored! {
    pub struct Portfolio mirrors core::books::Portfolio {
        pub as_of: NaiveDate,
        pub loans: Vec<PortfolioLoan>,
        pub buckets: Vec<Bucket>,
        pub outstanding: Decimal,
        pub arrears: Decimal,
        pub par30_outstanding: Decimal,
        pub par30: Decimal,
    }
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

mirrored! {
    pub struct MonthlyReport mirrors core::books::MonthlyReport {
        pub period: Period,
        pub meetings: Vec<NaiveDate>,
        pub attendance: Decimal,
        pub compulsory_savings: Decimal,
        pub voluntary_savings: Decimal,
        pub withdrawals: Decimal,
        pub savings_returned: Decimal,
        pub loans_disbursed: i32,
        pub amount_disbursed: Decimal,
        pub principal_repaid: Decimal,
        pub interest_collected: Decimal,
        pub penalties_collected: Decimal,
        pub fines_and_fees: Decimal,
        pub closing_cash: Decimal,
        pub closing_bank: Decimal,
        pub portfolio: Portfolio,
    }
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
