//! The typed write API: one method per user action, each a thin call to
//! `Book::execute` with its `Command`. Nothing here decides or writes.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::book::{Book, CommandMeta, Outcome};
use crate::command::Command;
use crate::commands::{CashTransfer, SavingsEntry, Via, Voucher};
use crate::error::Result;
use crate::event::FacilitySource;
use crate::lending::{LoanRequest, Repayment};
use crate::member::{MemberChange, NewMember};
use crate::org::NewOrganisation;
use crate::policy::{ActorRole, Policy};
use crate::settlement::{ChargeEntry, Cutoff};

impl Book {
    /// Creates an organisation with its default chart of accounts.
    pub fn create_organisation(&self, meta: &CommandMeta, new: NewOrganisation) -> Result<Outcome> {
        self.execute(meta, Command::CreateOrganisation { organisation: new })
    }

    /// Adds a member; returns the member's number in `Outcome::number`.
    pub fn add_member(&self, meta: &CommandMeta, org: Uuid, member: NewMember) -> Result<Outcome> {
        self.execute(meta, Command::AddMember { org, member })
    }

    /// Sets `person`'s PIN (kept only as an Argon2id verifier). The person
    /// sets her own, the first time or with the old PIN in `meta`; an approver
    /// resets another's with her own PIN in `meta`.
    pub fn set_pin(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        date: NaiveDate,
        person: &str,
        new_pin: &str,
    ) -> Result<Outcome> {
        let verifier =
            crate::pins::verifier_for(&crate::pins::Pin::new(new_pin), meta.op_id, org, person)?;
        self.execute(
            meta,
            Command::SetPin {
                org,
                date,
                person: person.to_string(),
                verifier,
            },
        )
    }

    /// Whether `pin` is `person`'s in `org` (for an app's lock screen); false
    /// when she has none.
    pub fn pin_matches(&self, org: Uuid, person: &str, pin: &str) -> Result<bool> {
        let verifier = self.with_reader(|c| crate::confirmation::verifier_of(c, org, person))?;
        match verifier {
            Some(v) => crate::pins::matches(&v, &crate::pins::Pin::new(pin), &self.pins_seen),
            None => Ok(false),
        }
    }

    /// Changes a member's name, role, phone or exit date.
    pub fn change_member(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        member_no: u32,
        date: NaiveDate,
        change: MemberChange,
    ) -> Result<Outcome> {
        let c = Command::ChangeMember {
            org,
            member_no,
            date,
            change,
        };
        self.execute(meta, c)
    }

    /// Money received into cash or bank, credited to an income, liability or equity account.
    pub fn record_receipt(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        voucher: Voucher,
    ) -> Result<Outcome> {
        self.execute(meta, Command::RecordReceipt { org, voucher })
    }

    /// Money paid from cash or bank, debited to an expense, asset or liability account.
    pub fn record_payment(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        voucher: Voucher,
    ) -> Result<Outcome> {
        self.execute(meta, Command::RecordPayment { org, voucher })
    }

    /// Moves money between cash in hand and the bank.
    pub fn transfer(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        transfer: CashTransfer,
    ) -> Result<Outcome> {
        self.execute(meta, Command::Transfer { org, transfer })
    }

    /// A member's savings deposit.
    pub fn deposit_savings(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        entry: SavingsEntry,
    ) -> Result<Outcome> {
        self.execute(meta, Command::DepositSavings { org, entry })
    }

    /// A member's savings withdrawal; never beyond the member's balance.
    pub fn withdraw_savings(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        entry: SavingsEntry,
    ) -> Result<Outcome> {
        self.execute(meta, Command::WithdrawSavings { org, entry })
    }

    /// Sets the organisation's rules from `date` on.
    pub fn set_policy(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        date: NaiveDate,
        policy: Policy,
    ) -> Result<Outcome> {
        self.execute(meta, Command::SetPolicy { org, date, policy })
    }

    /// Gives a person a role in the organisation.
    pub fn set_role(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        date: NaiveDate,
        person: &str,
        role: ActorRole,
    ) -> Result<Outcome> {
        let c = Command::SetRole {
            org,
            date,
            person: person.to_string(),
            role,
        };
        self.execute(meta, c)
    }

    /// Opens the next meeting on `date`; returns its number in `Outcome::number`.
    pub fn open_meeting(&self, meta: &CommandMeta, org: Uuid, date: NaiveDate) -> Result<Outcome> {
        self.execute(meta, Command::OpenMeeting { org, date })
    }

    /// Marks a member present or absent at an open meeting.
    pub fn mark_attendance(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        meeting_no: u32,
        member_no: u32,
        present: bool,
    ) -> Result<Outcome> {
        let c = Command::MarkAttendance {
            org,
            meeting_no,
            member_no,
            present,
        };
        self.execute(meta, c)
    }

    /// Closes an open meeting with the cash counted in hand.
    pub fn close_meeting(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        meeting_no: u32,
        counted_cash: Decimal,
        discrepancy_reason: Option<String>,
    ) -> Result<Outcome> {
        let c = Command::CloseMeeting {
            org,
            meeting_no,
            counted_cash,
            discrepancy_reason,
        };
        self.execute(meta, c)
    }

    /// Reopens the latest meeting. Needs an approver.
    pub fn reopen_meeting(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        meeting_no: u32,
        reason: &str,
    ) -> Result<Outcome> {
        let c = Command::ReopenMeeting {
            org,
            meeting_no,
            reason: reason.to_string(),
        };
        self.execute(meta, c)
    }

    /// A member applies for a loan; returns the loan number in `Outcome::number`.
    pub fn apply_for_loan(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        member_no: u32,
        date: NaiveDate,
        terms: LoanRequest,
    ) -> Result<Outcome> {
        let c = Command::ApplyForLoan {
            org,
            member_no,
            date,
            terms,
        };
        self.execute(meta, c)
    }

    /// The group approves an application at an open meeting.
    pub fn approve_loan(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        loan_no: u32,
        meeting_no: u32,
    ) -> Result<Outcome> {
        let c = Command::ApproveLoan {
            org,
            loan_no,
            meeting_no,
        };
        self.execute(meta, c)
    }

    /// Pays out an approved loan from cash or bank, storing its schedule.
    pub fn disburse_loan(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        loan_no: u32,
        date: NaiveDate,
        via: Via,
    ) -> Result<Outcome> {
        let c = Command::DisburseLoan {
            org,
            loan_no,
            date,
            via,
        };
        self.execute(meta, c)
    }

    /// A new loan applied for, approved at the open meeting and paid out, all or
    /// nothing; returns the loan number in `Outcome::number`.
    pub fn sanction_loan(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        member_no: u32,
        date: NaiveDate,
        terms: LoanRequest,
        via: Via,
    ) -> Result<Outcome> {
        let c = Command::SanctionLoan {
            org,
            member_no,
            date,
            terms,
            via,
        };
        self.execute(meta, c)
    }

    /// A member's repayment, split by the allocation order after late penalties.
    pub fn repay_loan(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        loan_no: u32,
        repayment: Repayment,
    ) -> Result<Outcome> {
        let c = Command::RepayLoan {
            org,
            loan_no,
            repayment,
        };
        self.execute(meta, c)
    }

    /// A repayment of the organisation's own borrowing (CIF or bank loan).
    pub fn repay_borrowing(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        loan_no: u32,
        repayment: Repayment,
    ) -> Result<Outcome> {
        let c = Command::RepayBorrowing {
            org,
            loan_no,
            repayment,
        };
        self.execute(meta, c)
    }

    /// Writes off what is left of a member loan's principal. Needs an approver.
    pub fn write_off_loan(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        loan_no: u32,
        date: NaiveDate,
        reason: &str,
    ) -> Result<Outcome> {
        let c = Command::WriteOffLoan {
            org,
            loan_no,
            date,
            reason: reason.to_string(),
        };
        self.execute(meta, c)
    }

    /// Money the organisation borrows: CIF from its VO, or a bank term loan.
    pub fn receive_borrowing(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        source: FacilitySource,
        date: NaiveDate,
        via: Via,
        terms: LoanRequest,
    ) -> Result<Outcome> {
        let c = Command::ReceiveBorrowing {
            org,
            source,
            date,
            via,
            terms,
        };
        self.execute(meta, c)
    }

    /// A membership fee or an absence fine paid by a member.
    pub fn collect_charge(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        charge: ChargeEntry,
    ) -> Result<Outcome> {
        self.execute(meta, Command::CollectCharge { org, charge })
    }

    /// Opening balances from the paper books.
    pub fn record_cutoff(&self, meta: &CommandMeta, org: Uuid, cutoff: Cutoff) -> Result<Outcome> {
        self.execute(meta, Command::RecordCutoff { org, cutoff })
    }

    /// A member leaves: savings paid back net of loans settled from them.
    pub fn exit_member(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        member_no: u32,
        date: NaiveDate,
        via: Via,
    ) -> Result<Outcome> {
        let c = Command::ExitMember {
            org,
            member_no,
            date,
            via,
        };
        self.execute(meta, c)
    }

    /// Reverses money event `seq` in full, or asks for it where policy needs a second person.
    pub fn reverse_entry(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        seq: u64,
        date: NaiveDate,
        reason: &str,
    ) -> Result<Outcome> {
        let c = Command::ReverseEntry {
            org,
            seq,
            date,
            reason: reason.to_string(),
        };
        self.execute(meta, c)
    }

    /// A second person approves a pending correction: the reversal is recorded now.
    pub fn approve_correction(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        request_seq: u64,
        date: NaiveDate,
    ) -> Result<Outcome> {
        let c = Command::ApproveCorrection {
            org,
            request_seq,
            date,
        };
        self.execute(meta, c)
    }

    /// A second person rejects a pending correction; nothing moves.
    pub fn reject_correction(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        request_seq: u64,
        date: NaiveDate,
        reason: &str,
    ) -> Result<Outcome> {
        let c = Command::RejectCorrection {
            org,
            request_seq,
            date,
            reason: reason.to_string(),
        };
        self.execute(meta, c)
    }
}

impl Book {
    /// This book's device becomes `org`'s first custodian (epoch 1), with the
    /// key made for it now if it has none. Needed before the chain first leaves
    /// the phone; after it only this device writes `org`.
    pub fn claim_custody(&self, meta: &CommandMeta, org: Uuid, date: NaiveDate) -> Result<Outcome> {
        self.execute(meta, Command::ClaimCustody { org, date })
    }

    /// Hands `org` to the device named `to_device` with public key `to_key` (as
    /// its book's `device_identity` gives them). Only that device writes after.
    pub fn hand_over(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        date: NaiveDate,
        to_device: &str,
        to_key: daftar_sync::PublicKey,
    ) -> Result<Outcome> {
        let c = Command::HandOver {
            org,
            date,
            to_device: to_device.to_string(),
            to_key,
        };
        self.execute(meta, c)
    }

    /// This book's device takes custody of `org` from a lost phone, with an
    /// administrator's signature by the policy's recovery key over
    /// `daftar_sync::signing::recovery_message`.
    pub fn recover_custody(
        &self,
        meta: &CommandMeta,
        org: Uuid,
        date: NaiveDate,
        signature: daftar_sync::Signature,
    ) -> Result<Outcome> {
        self.execute(
            meta,
            Command::RecoverCustody {
                org,
                date,
                signature,
            },
        )
    }
}
