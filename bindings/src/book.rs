//! `DaftarBook`: one object per open book, one method per user action. Every
//! method delegates to daftar-core; nothing here decides anything.

use std::sync::Arc;

use chrono::NaiveDate;
use daftar_core as core;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::error::{DaftarError, Result};
use crate::types::*;
use core::books::{
    BalanceSheet, CashBook, IncomeAndExpenditure, LoanLedger, MonthlyReport, Passbook, Period,
    Portfolio, ReceiptsAndPayments,
};
use core::corrections::Correction;
use core::event::FacilitySource;
use core::lending::{Loan, LoanRequest, LoanStanding, Repayment};
use core::meetings::Meeting;
use core::policy::ActorRole;
use core::queries::AccountBalance;
use core::report::TrialBalance;
use core::settlement::{ChargeEntry, Cutoff};
use core::{
    Calendar, CashTransfer, CommandMeta, Currency, Locale, Member, MemberChange, NewMember,
    NewOrganisation, Organisation, SavingsEntry, Via, Voucher,
};

/// Progress of a long operation. Return false to cancel it; it then fails with
/// `DaftarException.Cancelled`. An exception thrown here also stops the
/// operation, and reaches the caller (as `DaftarException.Internal` if it is
/// not a `DaftarException`).
#[uniffi::export(with_foreign)]
pub trait ProgressListener: Send + Sync {
    fn on_progress(&self, done: u64, total: u64) -> Result<bool>;
}

/// Runs a core operation with the listener as its progress callback.
fn with_progress<T>(
    listener: &Option<Arc<dyn ProgressListener>>,
    op: impl FnOnce(&mut dyn FnMut(u64, u64) -> bool) -> core::Result<T>,
) -> Result<T> {
    let mut failed: Option<DaftarError> = None;
    let result = op(&mut |done, total| match listener {
        None => true,
        Some(l) => l.on_progress(done, total).unwrap_or_else(|e| {
            failed = Some(e);
            false
        }),
    });
    match (result, failed) {
        (Err(core::Error::Cancelled), Some(e)) => Err(e),
        (r, _) => r.map_err(DaftarError::from),
    }
}

/// An open book. Safe to call from several threads; calls are serialised
/// inside, and each write is committed before the call returns.
#[derive(uniffi::Object)]
pub struct DaftarBook {
    book: core::Book,
}

#[uniffi::export]
impl DaftarBook {
    /// Opens the book at `path`, creating it if the file does not exist.
    #[uniffi::constructor]
    pub fn open(path: String) -> Result<Arc<Self>> {
        Ok(Arc::new(DaftarBook {
            book: core::Book::open(path)?,
        }))
    }

    /// Closes the book now; later calls fail with `DaftarException.Storage`.
    pub fn close_book(&self) -> Result<()> {
        Ok(self.book.close()?)
    }

    pub fn organisations(&self) -> Result<Vec<Organisation>> {
        Ok(self.book.organisations()?)
    }

    pub fn create_organisation(
        &self,
        meta: CommandMeta,
        org: NewOrganisation,
    ) -> Result<CommandResult> {
        Ok(self.book.create_organisation(&meta, org)?.into())
    }

    pub fn policy(&self, org: Uuid) -> Result<Policy> {
        let p = self.book.policy(org)?;
        let scale = self.book.organisation(org)?.currency.scale;
        Ok(Policy {
            meeting_frequency: p.meeting_frequency,
            compulsory_savings: core::money::from_minor(p.compulsory_savings, scale),
            withdrawals: p.withdrawals,
            allocation_order: p.allocation_order.to_vec(),
            late_penalty: p.late_penalty,
            grace_days: p.grace_days,
            absence_fine: core::money::from_minor(p.absence_fine, scale),
            exit_nets_loans: p.exit_nets_loans,
            reversal_needs_approval: p.reversal_needs_approval,
        })
    }

    pub fn set_policy(
        &self,
        meta: CommandMeta,
        org: Uuid,
        date: NaiveDate,
        policy: Policy,
    ) -> Result<CommandResult> {
        let scale = self.book.organisation(org)?.currency.scale;
        let (compulsory, fine) =
            core::policy::Policy::amounts(policy.compulsory_savings, policy.absence_fine, scale)?;
        let order: [core::loan::Component; 3] =
            policy
                .allocation_order
                .try_into()
                .map_err(|_| DaftarError::InvalidInput {
                    field: "allocation_order".into(),
                    reason: "must name penalty, interest and principal once each".into(),
                })?;
        let p = core::policy::Policy {
            meeting_frequency: policy.meeting_frequency,
            compulsory_savings: compulsory,
            withdrawals: policy.withdrawals,
            allocation_order: order,
            late_penalty: policy.late_penalty,
            grace_days: policy.grace_days,
            absence_fine: fine,
            exit_nets_loans: policy.exit_nets_loans,
            reversal_needs_approval: policy.reversal_needs_approval,
        };
        Ok(self.book.set_policy(&meta, org, date, p)?.into())
    }

    pub fn set_role(
        &self,
        meta: CommandMeta,
        org: Uuid,
        date: NaiveDate,
        person: String,
        role: ActorRole,
    ) -> Result<CommandResult> {
        Ok(self.book.set_role(&meta, org, date, &person, role)?.into())
    }

    pub fn add_member(
        &self,
        meta: CommandMeta,
        org: Uuid,
        member: NewMember,
    ) -> Result<CommandResult> {
        Ok(self.book.add_member(&meta, org, member)?.into())
    }

    pub fn change_member(
        &self,
        meta: CommandMeta,
        org: Uuid,
        member_no: u32,
        date: NaiveDate,
        change: MemberChange,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .change_member(&meta, org, member_no, date, change)?
            .into())
    }

    pub fn members(&self, org: Uuid) -> Result<Vec<Member>> {
        Ok(self.book.members(org)?)
    }

    /// Members whose name contains `query`; Arabic and Persian ی/ک match each other.
    pub fn find_members(&self, org: Uuid, query: String) -> Result<Vec<Member>> {
        Ok(self.book.find_members(org, &query)?)
    }

    pub fn open_meeting(
        &self,
        meta: CommandMeta,
        org: Uuid,
        date: NaiveDate,
    ) -> Result<CommandResult> {
        Ok(self.book.open_meeting(&meta, org, date)?.into())
    }

    pub fn mark_attendance(
        &self,
        meta: CommandMeta,
        org: Uuid,
        meeting_no: u32,
        member_no: u32,
        present: bool,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .mark_attendance(&meta, org, meeting_no, member_no, present)?
            .into())
    }

    /// Closes a meeting with the counted cash; a difference needs a reason.
    pub fn close_meeting(
        &self,
        meta: CommandMeta,
        org: Uuid,
        meeting_no: u32,
        counted_cash: Decimal,
        discrepancy_reason: Option<String>,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .close_meeting(&meta, org, meeting_no, counted_cash, discrepancy_reason)?
            .into())
    }

    pub fn reopen_meeting(
        &self,
        meta: CommandMeta,
        org: Uuid,
        meeting_no: u32,
        reason: String,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .reopen_meeting(&meta, org, meeting_no, &reason)?
            .into())
    }

    pub fn meetings(&self, org: Uuid) -> Result<Vec<Meeting>> {
        Ok(self.book.meetings(org)?)
    }

    pub fn deposit_savings(
        &self,
        meta: CommandMeta,
        org: Uuid,
        entry: SavingsEntry,
    ) -> Result<CommandResult> {
        Ok(self.book.deposit_savings(&meta, org, entry)?.into())
    }

    pub fn withdraw_savings(
        &self,
        meta: CommandMeta,
        org: Uuid,
        entry: SavingsEntry,
    ) -> Result<CommandResult> {
        Ok(self.book.withdraw_savings(&meta, org, entry)?.into())
    }

    pub fn record_receipt(
        &self,
        meta: CommandMeta,
        org: Uuid,
        voucher: Voucher,
    ) -> Result<CommandResult> {
        Ok(self.book.record_receipt(&meta, org, voucher)?.into())
    }

    pub fn record_payment(
        &self,
        meta: CommandMeta,
        org: Uuid,
        voucher: Voucher,
    ) -> Result<CommandResult> {
        Ok(self.book.record_payment(&meta, org, voucher)?.into())
    }

    pub fn transfer(
        &self,
        meta: CommandMeta,
        org: Uuid,
        transfer: CashTransfer,
    ) -> Result<CommandResult> {
        Ok(self.book.transfer(&meta, org, transfer)?.into())
    }

    pub fn collect_charge(
        &self,
        meta: CommandMeta,
        org: Uuid,
        charge: ChargeEntry,
    ) -> Result<CommandResult> {
        Ok(self.book.collect_charge(&meta, org, charge)?.into())
    }

    pub fn apply_for_loan(
        &self,
        meta: CommandMeta,
        org: Uuid,
        member_no: u32,
        date: NaiveDate,
        request: LoanRequest,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .apply_for_loan(&meta, org, member_no, date, request)?
            .into())
    }

    pub fn approve_loan(
        &self,
        meta: CommandMeta,
        org: Uuid,
        loan_no: u32,
        meeting_no: u32,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .approve_loan(&meta, org, loan_no, meeting_no)?
            .into())
    }

    pub fn disburse_loan(
        &self,
        meta: CommandMeta,
        org: Uuid,
        loan_no: u32,
        date: NaiveDate,
        via: Via,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .disburse_loan(&meta, org, loan_no, date, via)?
            .into())
    }

    pub fn repay_loan(
        &self,
        meta: CommandMeta,
        org: Uuid,
        loan_no: u32,
        repayment: Repayment,
    ) -> Result<CommandResult> {
        Ok(self.book.repay_loan(&meta, org, loan_no, repayment)?.into())
    }

    pub fn write_off_loan(
        &self,
        meta: CommandMeta,
        org: Uuid,
        loan_no: u32,
        date: NaiveDate,
        reason: String,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .write_off_loan(&meta, org, loan_no, date, &reason)?
            .into())
    }

    pub fn receive_borrowing(
        &self,
        meta: CommandMeta,
        org: Uuid,
        source: FacilitySource,
        date: NaiveDate,
        via: Via,
        request: LoanRequest,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .receive_borrowing(&meta, org, source, date, via, request)?
            .into())
    }

    pub fn repay_borrowing(
        &self,
        meta: CommandMeta,
        org: Uuid,
        loan_no: u32,
        repayment: Repayment,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .repay_borrowing(&meta, org, loan_no, repayment)?
            .into())
    }

    pub fn loans(&self, org: Uuid) -> Result<Vec<Loan>> {
        Ok(self.book.loans(org)?)
    }

    pub fn loan_standing(&self, org: Uuid, loan_no: u32, as_of: NaiveDate) -> Result<LoanStanding> {
        Ok(self.book.loan_standing(org, loan_no, as_of)?)
    }

    /// What a member owes at a meeting on `as_of`, to show and pre-fill.
    pub fn member_dues(&self, org: Uuid, member_no: u32, as_of: NaiveDate) -> Result<MemberDues> {
        let d = self.book.member_dues(org, member_no, as_of)?;
        Ok(MemberDues {
            member_no: d.member_no,
            as_of: d.as_of,
            savings_arrears: d.savings_arrears,
            absence_fines_due: d.absence_fines_due,
            loans_due: d
                .loans_due
                .into_iter()
                .map(|(loan_no, due_now)| LoanDue { loan_no, due_now })
                .collect(),
        })
    }

    pub fn record_cutoff(
        &self,
        meta: CommandMeta,
        org: Uuid,
        cutoff: Cutoff,
    ) -> Result<CommandResult> {
        Ok(self.book.record_cutoff(&meta, org, cutoff)?.into())
    }

    pub fn exit_member(
        &self,
        meta: CommandMeta,
        org: Uuid,
        member_no: u32,
        date: NaiveDate,
        via: Via,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .exit_member(&meta, org, member_no, date, via)?
            .into())
    }

    pub fn reverse_entry(
        &self,
        meta: CommandMeta,
        org: Uuid,
        seq: u64,
        date: NaiveDate,
        reason: String,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .reverse_entry(&meta, org, seq, date, &reason)?
            .into())
    }

    pub fn approve_correction(
        &self,
        meta: CommandMeta,
        org: Uuid,
        request_seq: u64,
        date: NaiveDate,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .approve_correction(&meta, org, request_seq, date)?
            .into())
    }

    pub fn reject_correction(
        &self,
        meta: CommandMeta,
        org: Uuid,
        request_seq: u64,
        date: NaiveDate,
        reason: String,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .reject_correction(&meta, org, request_seq, date, &reason)?
            .into())
    }

    pub fn corrections(&self, org: Uuid) -> Result<Vec<Correction>> {
        Ok(self.book.corrections(org)?)
    }

    pub fn accounts(&self, org: Uuid) -> Result<Vec<AccountBalance>> {
        Ok(self.book.accounts(org)?)
    }

    pub fn trial_balance(&self, org: Uuid) -> Result<TrialBalance> {
        Ok(self.book.trial_balance(org)?)
    }

    /// The trial balance from the postings up to and including `as_of`.
    pub fn trial_balance_as_of(&self, org: Uuid, as_of: NaiveDate) -> Result<TrialBalance> {
        Ok(self.book.trial_balance_as_of(org, as_of)?)
    }

    /// The fiscal year containing `date`, in the organisation's calendar
    /// (1 April in India; 1 Farvardin, Solar Hijri, in Iran).
    pub fn fiscal_year(&self, org: Uuid, date: NaiveDate) -> Result<Period> {
        Ok(core::books::fiscal_year(
            &self.book.organisation(org)?,
            date,
        )?)
    }

    /// The latest business date in the organisation's log: the default "as of".
    pub fn last_business_date(&self, org: Uuid) -> Result<NaiveDate> {
        Ok(self.book.last_business_date(org)?)
    }

    /// A member's passbook: savings and loan with running balances.
    pub fn passbook(
        &self,
        org: Uuid,
        member_no: u32,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Passbook> {
        Ok(self.book.passbook(org, member_no, period(from, to)?)?)
    }

    /// The cash book (`bank` false) or bank book (`bank` true), day by day.
    pub fn cash_book(
        &self,
        org: Uuid,
        bank: bool,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<CashBook> {
        Ok(self.book.cash_book(org, bank, period(from, to)?)?)
    }

    pub fn loan_ledger(&self, org: Uuid, loan_no: u32) -> Result<LoanLedger> {
        Ok(self.book.loan_ledger(org, loan_no)?)
    }

    /// Outstanding, arrears, days-past-due buckets and PAR30 on `as_of`.
    pub fn portfolio(&self, org: Uuid, as_of: NaiveDate) -> Result<Portfolio> {
        Ok(self.book.portfolio(org, as_of)?)
    }

    pub fn receipts_and_payments(
        &self,
        org: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ReceiptsAndPayments> {
        Ok(self.book.receipts_and_payments(org, period(from, to)?)?)
    }

    pub fn income_and_expenditure(
        &self,
        org: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<IncomeAndExpenditure> {
        Ok(self.book.income_and_expenditure(org, period(from, to)?)?)
    }

    pub fn balance_sheet(&self, org: Uuid, as_of: NaiveDate) -> Result<BalanceSheet> {
        Ok(self.book.balance_sheet(org, as_of)?)
    }

    /// The monthly meeting report; `year` and `month` are in the organisation's calendar.
    pub fn monthly_report(&self, org: Uuid, year: i32, month: u32) -> Result<MonthlyReport> {
        Ok(self.book.monthly_report(org, year, month)?)
    }

    /// Panchasutra grading of an SHG over a period, with how each score was computed.
    pub fn grade(&self, org: Uuid, from: NaiveDate, to: NaiveDate) -> Result<Grading> {
        Ok(self.book.grade(org, period(from, to)?)?.into())
    }

    pub fn journal(&self, org: Uuid, from: NaiveDate, to: NaiveDate) -> Result<Vec<JournalEntry>> {
        Ok(self
            .book
            .journal(org, from, to)?
            .into_iter()
            .map(|e| JournalEntry {
                seq: e.seq,
                date: e.date,
                kind: e.kind,
                narration: e.narration,
                actor: e.actor,
                reverses: e.reverses,
                reversed_by: e.reversed_by,
                lines: e
                    .lines
                    .into_iter()
                    .map(|(account, amount)| JournalLine { account, amount })
                    .collect(),
            })
            .collect())
    }

    /// Integrity, every chain, and every projection against a replay of the events.
    pub fn verify(&self, listener: Option<Arc<dyn ProgressListener>>) -> Result<VerifyReport> {
        let report = with_progress(&listener, |p| self.book.verify(p))?;
        let intact = report.is_intact();
        Ok(VerifyReport {
            integrity: report.integrity,
            intact,
            orgs: report
                .orgs
                .into_iter()
                .map(|o| {
                    let intact = o.is_intact();
                    let c = o.chain;
                    OrgVerification {
                        chain: ChainStatus {
                            org_id: c.org_id,
                            org_name: c.org_name,
                            events: c.events,
                            head_seq: c.head_seq,
                            head_hash_hex: core::event::hex(&c.head_hash),
                            problem: c.problem.map(|p| format!("seq {}: {}", p.seq, p.reason)),
                        },
                        differences: o.differences,
                        intact,
                    }
                })
                .collect(),
        })
    }

    /// Like `verify`, but the first problem is thrown as `DaftarException.TamperDetected`.
    pub fn require_intact(&self, listener: Option<Arc<dyn ProgressListener>>) -> Result<()> {
        with_progress(&listener, |p| self.book.require_intact(p)).map(|_| ())
    }

    /// Writes the organisation's ledger to `path`: format `hledger`, `beancount` or
    /// `csv`. Returns the number of entries written. Reports progress; cancellable.
    pub fn export(
        &self,
        org: Uuid,
        format: String,
        path: String,
        listener: Option<Arc<dyn ProgressListener>>,
    ) -> Result<u64> {
        let format = core::export::ExportFormat::parse(&format)?;
        let file = std::fs::File::create(&path).map_err(|e| DaftarError::Storage {
            reason: format!("{path}: {e}"),
        })?;
        let mut out = std::io::BufWriter::new(file);
        let summary = with_progress(&listener, |p| self.book.export(org, format, &mut out, p))?;
        Ok(summary.entries)
    }

    /// The organisation's chain head, printable: `daftar1 ORG SEQ XXXX-XXXX-XXXX-XXXX`.
    pub fn checkpoint(&self, org: Uuid) -> Result<String> {
        Ok(self.book.checkpoint(org)?.to_string())
    }

    pub fn verify_against(&self, checkpoint: String) -> Result<CheckpointCheck> {
        let c = self
            .book
            .verify_against(&core::verify::Checkpoint::parse(&checkpoint)?)?;
        Ok(CheckpointCheck {
            checkpoint: c.checkpoint,
            head_seq: c.head_seq,
            problem: c.problem,
        })
    }
}

fn period(from: NaiveDate, to: NaiveDate) -> Result<Period> {
    Ok(Period::new(from, to)?)
}

/// An amount as the locale writes it: `12,34,567.00` (en-IN), Devanagari digits
/// (hi-IN), Persian digits and separators (fa-IR). Keeps the decimal places given.
#[uniffi::export]
pub fn format_amount(amount: Decimal, locale: Locale) -> Result<String> {
    Ok(core::locale::format_amount(amount, locale)?)
}

/// Reads an amount typed in Latin, Devanagari, Persian or Arabic-Indic digits with
/// any of their separators. Ambiguous input (`12,5`, `1.234.567`) is an
/// `InvalidInput` naming `field`, never a guess.
#[uniffi::export]
pub fn parse_amount(field: String, text: String) -> Result<Decimal> {
    Ok(core::locale::parse_amount(&field, &text)?)
}

/// A date as the locale shows it, in its calendar: `25/11/2026`, `२५/११/२०२६`, `۱۴۰۵/۰۹/۰۴`.
#[uniffi::export]
pub fn format_date(date: NaiveDate, locale: Locale) -> Result<String> {
    Ok(core::locale::format_date(date, locale)?)
}

/// Reads a date typed in `calendar` (year first, any digits): `1405/09/04` for a
/// Solar Hijri organisation, `2026-11-25` or `25/11/2026` for a Gregorian one.
#[uniffi::export]
pub fn parse_date(field: String, text: String, calendar: Calendar) -> Result<NaiveDate> {
    Ok(core::locale::parse_date(&field, &text, calendar)?)
}

/// A fresh op_id (UUID v7) for a new command. Keep it with the command, and send
/// the same one again when retrying, so a retry never records twice.
#[uniffi::export]
pub fn new_op_id() -> Uuid {
    Uuid::now_v7()
}

/// A repayment schedule from terms alone (no book). `rounding` is e.g. `half-up/minor`.
#[uniffi::export]
pub fn loan_schedule(
    request: LoanRequest,
    currency: Currency,
    rounding: String,
    disbursed_on: NaiveDate,
) -> Result<Vec<ScheduleRow>> {
    let currency = core::Currency::new(&currency.code, Some(currency.scale))?;
    let rule = core::RoundingRule::parse(&rounding)?;
    let terms = request.terms(currency.scale)?;
    let rows = core::loan::schedule::schedule(&terms, disbursed_on, currency.scale, rule)?;
    Ok(rows
        .into_iter()
        .map(|i| ScheduleRow {
            no: i.no,
            due_on: i.due_on,
            principal: core::money::from_minor(i.principal, currency.scale),
            interest: core::money::from_minor(i.interest, currency.scale),
        })
        .collect())
}

/// Builds the demo book at `path` (which must not exist yet), reporting progress.
#[uniffi::export]
pub fn build_demo(
    path: String,
    seed: u64,
    listener: Option<Arc<dyn ProgressListener>>,
) -> Result<DemoInfo> {
    if std::path::Path::new(&path).exists() {
        return Err(DaftarError::Conflict {
            reason: format!("{path} exists; the demo is built into a new file"),
        });
    }
    let book = core::Book::open(&path)?;
    let made = with_progress(&listener, |p| core::demo::build(&book, seed, p))?;
    Ok(DemoInfo {
        organisations: made.organisations,
        events: made.events,
    })
}
