//! `DaftarBook`'s writes: one method per user action, each a command recorded
//! by the core and committed before it returns.

use chrono::NaiveDate;
use daftar_core as core;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::DaftarBook;
use crate::error::{DaftarError, Result};
use crate::types::crossing::{crossed, IntoCore};
use crate::types::*;
use core::event::FacilitySource;
use core::lending::Repayment;
use core::policy::ActorRole;
use core::{CashTransfer, MemberChange, Via, Voucher};

#[uniffi::export]
impl DaftarBook {
    pub fn create_organisation(
        &self,
        meta: CommandMeta,
        org: NewOrganisation,
    ) -> Result<CommandResult> {
        let org = org.into_core("org")?;
        crossed(self.book.create_organisation(&meta.core(), org)?)
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
            late_penalty: policy.late_penalty.into_core(scale)?,
            grace_days: policy.grace_days.into_core("grace_days")?,
            absence_fine: fine,
            exit_nets_loans: policy.exit_nets_loans,
            reversal_needs_approval: policy.reversal_needs_approval,
            recovery_key: policy
                .recovery_key
                .as_deref()
                .map(crate::types::sync::public_key)
                .transpose()?,
            days_ahead_allowed: policy.days_ahead_allowed.into_core("days_ahead_allowed")?,
        };
        crossed(self.book.set_policy(&meta.core(), org, date, p)?)
    }

    pub fn set_role(
        &self,
        meta: CommandMeta,
        org: Uuid,
        date: NaiveDate,
        person: String,
        role: ActorRole,
    ) -> Result<CommandResult> {
        crossed(self.book.set_role(&meta.core(), org, date, &person, role)?)
    }

    /// Sets `person`'s PIN: her own (the old one in `meta.pin` to change
    /// it), or another's as an approver with her own PIN in `meta.pin`.
    pub fn set_pin(
        &self,
        meta: CommandMeta,
        org: Uuid,
        date: NaiveDate,
        person: String,
        new_pin: String,
    ) -> Result<CommandResult> {
        let new_pin = zeroize::Zeroizing::new(new_pin);
        crossed(
            self.book
                .set_pin(&meta.core(), org, date, &person, &new_pin)?,
        )
    }

    /// Whether `pin` is `person`'s: the app's lock screen asks this on
    /// opening a book and after a few idle minutes.
    pub fn pin_matches(&self, org: Uuid, person: String, pin: String) -> Result<bool> {
        let pin = zeroize::Zeroizing::new(pin);
        Ok(self.book.pin_matches(org, &person, &pin)?)
    }

    pub fn add_member(
        &self,
        meta: CommandMeta,
        org: Uuid,
        member: NewMember,
    ) -> Result<CommandResult> {
        let member = member.into_core("member")?;
        crossed(self.book.add_member(&meta.core(), org, member)?)
    }

    pub fn change_member(
        &self,
        meta: CommandMeta,
        org: Uuid,
        member_no: i32,
        date: NaiveDate,
        change: MemberChange,
    ) -> Result<CommandResult> {
        let member_no = member_no.into_core("member_no")?;
        crossed(
            self.book
                .change_member(&meta.core(), org, member_no, date, change)?,
        )
    }

    pub fn open_meeting(
        &self,
        meta: CommandMeta,
        org: Uuid,
        date: NaiveDate,
    ) -> Result<CommandResult> {
        crossed(self.book.open_meeting(&meta.core(), org, date)?)
    }

    pub fn mark_attendance(
        &self,
        meta: CommandMeta,
        org: Uuid,
        meeting_no: i32,
        member_no: i32,
        present: bool,
    ) -> Result<CommandResult> {
        let meeting_no = meeting_no.into_core("meeting_no")?;
        let member_no = member_no.into_core("member_no")?;
        crossed(
            self.book
                .mark_attendance(&meta.core(), org, meeting_no, member_no, present)?,
        )
    }

    /// Closes a meeting with the counted cash; a difference needs a reason.
    pub fn close_meeting(
        &self,
        meta: CommandMeta,
        org: Uuid,
        meeting_no: i32,
        counted_cash: Decimal,
        discrepancy_reason: Option<String>,
    ) -> Result<CommandResult> {
        let meeting_no = meeting_no.into_core("meeting_no")?;
        crossed(self.book.close_meeting(
            &meta.core(),
            org,
            meeting_no,
            counted_cash,
            discrepancy_reason,
        )?)
    }

    pub fn reopen_meeting(
        &self,
        meta: CommandMeta,
        org: Uuid,
        meeting_no: i32,
        reason: String,
    ) -> Result<CommandResult> {
        let meeting_no = meeting_no.into_core("meeting_no")?;
        crossed(
            self.book
                .reopen_meeting(&meta.core(), org, meeting_no, &reason)?,
        )
    }

    pub fn deposit_savings(
        &self,
        meta: CommandMeta,
        org: Uuid,
        entry: SavingsEntry,
    ) -> Result<CommandResult> {
        let entry = entry.into_core("entry")?;
        crossed(self.book.deposit_savings(&meta.core(), org, entry)?)
    }

    pub fn withdraw_savings(
        &self,
        meta: CommandMeta,
        org: Uuid,
        entry: SavingsEntry,
    ) -> Result<CommandResult> {
        let entry = entry.into_core("entry")?;
        crossed(self.book.withdraw_savings(&meta.core(), org, entry)?)
    }

    pub fn record_receipt(
        &self,
        meta: CommandMeta,
        org: Uuid,
        voucher: Voucher,
    ) -> Result<CommandResult> {
        crossed(self.book.record_receipt(&meta.core(), org, voucher)?)
    }

    pub fn record_payment(
        &self,
        meta: CommandMeta,
        org: Uuid,
        voucher: Voucher,
    ) -> Result<CommandResult> {
        crossed(self.book.record_payment(&meta.core(), org, voucher)?)
    }

    pub fn transfer(
        &self,
        meta: CommandMeta,
        org: Uuid,
        transfer: CashTransfer,
    ) -> Result<CommandResult> {
        crossed(self.book.transfer(&meta.core(), org, transfer)?)
    }

    pub fn collect_charge(
        &self,
        meta: CommandMeta,
        org: Uuid,
        charge: ChargeEntry,
    ) -> Result<CommandResult> {
        let charge = charge.into_core("charge")?;
        crossed(self.book.collect_charge(&meta.core(), org, charge)?)
    }

    pub fn apply_for_loan(
        &self,
        meta: CommandMeta,
        org: Uuid,
        member_no: i32,
        date: NaiveDate,
        request: LoanRequest,
    ) -> Result<CommandResult> {
        let member_no = member_no.into_core("member_no")?;
        let request = request.into_core("request")?;
        crossed(
            self.book
                .apply_for_loan(&meta.core(), org, member_no, date, request)?,
        )
    }

    /// A new loan applied for, approved at the open meeting and paid out, in one
    /// all-or-nothing command: a retry never leaves a second, half-made loan.
    pub fn sanction_loan(
        &self,
        meta: CommandMeta,
        org: Uuid,
        member_no: i32,
        date: NaiveDate,
        request: LoanRequest,
        via: Via,
    ) -> Result<CommandResult> {
        let member_no = member_no.into_core("member_no")?;
        let request = request.into_core("request")?;
        crossed(
            self.book
                .sanction_loan(&meta.core(), org, member_no, date, request, via)?,
        )
    }

    pub fn approve_loan(
        &self,
        meta: CommandMeta,
        org: Uuid,
        loan_no: i32,
        meeting_no: i32,
    ) -> Result<CommandResult> {
        let loan_no = loan_no.into_core("loan_no")?;
        let meeting_no = meeting_no.into_core("meeting_no")?;
        crossed(
            self.book
                .approve_loan(&meta.core(), org, loan_no, meeting_no)?,
        )
    }

    pub fn disburse_loan(
        &self,
        meta: CommandMeta,
        org: Uuid,
        loan_no: i32,
        date: NaiveDate,
        via: Via,
    ) -> Result<CommandResult> {
        let loan_no = loan_no.into_core("loan_no")?;
        crossed(
            self.book
                .disburse_loan(&meta.core(), org, loan_no, date, via)?,
        )
    }

    pub fn repay_loan(
        &self,
        meta: CommandMeta,
        org: Uuid,
        loan_no: i32,
        repayment: Repayment,
    ) -> Result<CommandResult> {
        let loan_no = loan_no.into_core("loan_no")?;
        crossed(
            self.book
                .repay_loan(&meta.core(), org, loan_no, repayment)?,
        )
    }

    pub fn write_off_loan(
        &self,
        meta: CommandMeta,
        org: Uuid,
        loan_no: i32,
        date: NaiveDate,
        reason: String,
    ) -> Result<CommandResult> {
        let loan_no = loan_no.into_core("loan_no")?;
        crossed(
            self.book
                .write_off_loan(&meta.core(), org, loan_no, date, &reason)?,
        )
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
        let request = request.into_core("request")?;
        crossed(
            self.book
                .receive_borrowing(&meta.core(), org, source, date, via, request)?,
        )
    }

    pub fn repay_borrowing(
        &self,
        meta: CommandMeta,
        org: Uuid,
        loan_no: i32,
        repayment: Repayment,
    ) -> Result<CommandResult> {
        let loan_no = loan_no.into_core("loan_no")?;
        crossed(
            self.book
                .repay_borrowing(&meta.core(), org, loan_no, repayment)?,
        )
    }

    pub fn record_cutoff(
        &self,
        meta: CommandMeta,
        org: Uuid,
        cutoff: Cutoff,
    ) -> Result<CommandResult> {
        let cutoff = cutoff.into_core("cutoff")?;
        crossed(self.book.record_cutoff(&meta.core(), org, cutoff)?)
    }

    pub fn exit_member(
        &self,
        meta: CommandMeta,
        org: Uuid,
        member_no: i32,
        date: NaiveDate,
        via: Via,
    ) -> Result<CommandResult> {
        let member_no = member_no.into_core("member_no")?;
        crossed(
            self.book
                .exit_member(&meta.core(), org, member_no, date, via)?,
        )
    }

    pub fn reverse_entry(
        &self,
        meta: CommandMeta,
        org: Uuid,
        seq: i64,
        date: NaiveDate,
        reason: String,
    ) -> Result<CommandResult> {
        let seq = seq.into_core("seq")?;
        crossed(
            self.book
                .reverse_entry(&meta.core(), org, seq, date, &reason)?,
        )
    }

    pub fn approve_correction(
        &self,
        meta: CommandMeta,
        org: Uuid,
        request_seq: i64,
        date: NaiveDate,
    ) -> Result<CommandResult> {
        let request_seq = request_seq.into_core("request_seq")?;
        crossed(
            self.book
                .approve_correction(&meta.core(), org, request_seq, date)?,
        )
    }

    pub fn reject_correction(
        &self,
        meta: CommandMeta,
        org: Uuid,
        request_seq: i64,
        date: NaiveDate,
        reason: String,
    ) -> Result<CommandResult> {
        let request_seq = request_seq.into_core("request_seq")?;
        crossed(
            self.book
                .reject_correction(&meta.core(), org, request_seq, date, &reason)?,
        )
    }
}
