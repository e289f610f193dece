//! `DaftarBook`'s writes: one method per user action, each a command recorded
//! by the core and committed before it returns.

use chrono::NaiveDate;
use daftar_core as core;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::DaftarBook;
use crate::error::{DaftarError, Result};
use crate::types::*;
use core::event::FacilitySource;
use core::lending::{LoanRequest, Repayment};
use core::policy::ActorRole;
use core::settlement::{ChargeEntry, Cutoff};
use core::{CashTransfer, MemberChange, NewMember, NewOrganisation, SavingsEntry, Via, Voucher};

#[uniffi::export]
impl DaftarBook {
    pub fn create_organisation(
        &self,
        meta: CommandMeta,
        org: NewOrganisation,
    ) -> Result<CommandResult> {
        Ok(self.book.create_organisation(&meta.core(), org)?.into())
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
            grace_days: policy.grace_days,
            absence_fine: fine,
            exit_nets_loans: policy.exit_nets_loans,
            reversal_needs_approval: policy.reversal_needs_approval,
            recovery_key: policy
                .recovery_key
                .as_deref()
                .map(crate::types::sync::public_key)
                .transpose()?,
            days_ahead_allowed: policy.days_ahead_allowed,
        };
        Ok(self.book.set_policy(&meta.core(), org, date, p)?.into())
    }

    pub fn set_role(
        &self,
        meta: CommandMeta,
        org: Uuid,
        date: NaiveDate,
        person: String,
        role: ActorRole,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .set_role(&meta.core(), org, date, &person, role)?
            .into())
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
        Ok(self
            .book
            .set_pin(&meta.core(), org, date, &person, &new_pin)?
            .into())
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
        Ok(self.book.add_member(&meta.core(), org, member)?.into())
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
            .change_member(&meta.core(), org, member_no, date, change)?
            .into())
    }

    pub fn open_meeting(
        &self,
        meta: CommandMeta,
        org: Uuid,
        date: NaiveDate,
    ) -> Result<CommandResult> {
        Ok(self.book.open_meeting(&meta.core(), org, date)?.into())
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
            .mark_attendance(&meta.core(), org, meeting_no, member_no, present)?
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
            .close_meeting(
                &meta.core(),
                org,
                meeting_no,
                counted_cash,
                discrepancy_reason,
            )?
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
            .reopen_meeting(&meta.core(), org, meeting_no, &reason)?
            .into())
    }

    pub fn deposit_savings(
        &self,
        meta: CommandMeta,
        org: Uuid,
        entry: SavingsEntry,
    ) -> Result<CommandResult> {
        Ok(self.book.deposit_savings(&meta.core(), org, entry)?.into())
    }

    pub fn withdraw_savings(
        &self,
        meta: CommandMeta,
        org: Uuid,
        entry: SavingsEntry,
    ) -> Result<CommandResult> {
        Ok(self.book.withdraw_savings(&meta.core(), org, entry)?.into())
    }

    pub fn record_receipt(
        &self,
        meta: CommandMeta,
        org: Uuid,
        voucher: Voucher,
    ) -> Result<CommandResult> {
        Ok(self.book.record_receipt(&meta.core(), org, voucher)?.into())
    }

    pub fn record_payment(
        &self,
        meta: CommandMeta,
        org: Uuid,
        voucher: Voucher,
    ) -> Result<CommandResult> {
        Ok(self.book.record_payment(&meta.core(), org, voucher)?.into())
    }

    pub fn transfer(
        &self,
        meta: CommandMeta,
        org: Uuid,
        transfer: CashTransfer,
    ) -> Result<CommandResult> {
        Ok(self.book.transfer(&meta.core(), org, transfer)?.into())
    }

    pub fn collect_charge(
        &self,
        meta: CommandMeta,
        org: Uuid,
        charge: ChargeEntry,
    ) -> Result<CommandResult> {
        Ok(self.book.collect_charge(&meta.core(), org, charge)?.into())
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
            .apply_for_loan(&meta.core(), org, member_no, date, request)?
            .into())
    }

    /// A new loan applied for, approved at the open meeting and paid out, in one
    /// all-or-nothing command: a retry never leaves a second, half-made loan.
    pub fn sanction_loan(
        &self,
        meta: CommandMeta,
        org: Uuid,
        member_no: u32,
        date: NaiveDate,
        request: LoanRequest,
        via: Via,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .sanction_loan(&meta.core(), org, member_no, date, request, via)?
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
            .approve_loan(&meta.core(), org, loan_no, meeting_no)?
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
            .disburse_loan(&meta.core(), org, loan_no, date, via)?
            .into())
    }

    pub fn repay_loan(
        &self,
        meta: CommandMeta,
        org: Uuid,
        loan_no: u32,
        repayment: Repayment,
    ) -> Result<CommandResult> {
        Ok(self
            .book
            .repay_loan(&meta.core(), org, loan_no, repayment)?
            .into())
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
            .write_off_loan(&meta.core(), org, loan_no, date, &reason)?
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
            .receive_borrowing(&meta.core(), org, source, date, via, request)?
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
            .repay_borrowing(&meta.core(), org, loan_no, repayment)?
            .into())
    }

    pub fn record_cutoff(
        &self,
        meta: CommandMeta,
        org: Uuid,
        cutoff: Cutoff,
    ) -> Result<CommandResult> {
        Ok(self.book.record_cutoff(&meta.core(), org, cutoff)?.into())
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
            .exit_member(&meta.core(), org, member_no, date, via)?
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
            .reverse_entry(&meta.core(), org, seq, date, &reason)?
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
            .approve_correction(&meta.core(), org, request_seq, date)?
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
            .reject_correction(&meta.core(), org, request_seq, date, &reason)?
            .into())
    }
}
