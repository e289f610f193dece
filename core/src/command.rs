//! Every user action as one value. `Book::execute(meta, command)` is the only way
//! anything is written: the command is decided against a read-only view of the
//! book into one event (or, for `SanctionLoan`, an all-or-nothing run of three),
//! which the projections then apply.
//!
//! The serde form is the one `daftar apply` reads, one JSON object a line:
//! `{"action": "open_meeting", "org": "…", "date": "2025-04-07"}`. Amounts are
//! decimal strings (`"1250.50"`), never JSON numbers with a fraction.

use chrono::NaiveDate;
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::admin::OrgContext;
use crate::admin::{decide_set_pin, decide_set_policy, decide_set_role};
use crate::commands::{
    decide_add_member, decide_change_member, decide_create_organisation, decide_savings,
    decide_transfer, decide_voucher, CashTransfer, SavingsEntry, Via, Voucher,
};
use crate::corrections::{
    decide_approve_correction, decide_reject_correction, decide_reverse_entry,
};
use crate::error::{Error, Result};
use crate::event::{canonical_json, EventBody, FacilitySource, Hash};
use crate::lending::{
    decide_apply_for_loan, decide_approve_loan, decide_disburse_loan, decide_receive_borrowing,
    decide_repay, decide_write_off_loan, LoanRequest, Repayment,
};
use crate::meetings::{
    decide_close_meeting, decide_mark_attendance, decide_open_meeting, decide_reopen_meeting,
    meeting_date,
};
use crate::member::{MemberChange, NewMember};
use crate::org::NewOrganisation;
use crate::policy::{ActorRole, Policy};
use crate::settlement::{
    decide_collect_charge, decide_exit_member, decide_record_cutoff, ChargeEntry, Cutoff,
};

/// One user action. The variant's name (snake case) is its `action` in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// A new organisation with its default chart of accounts; its id is the client's.
    CreateOrganisation {
        organisation: NewOrganisation,
    },
    /// A member, with savings and loan sub-ledgers; `member_no` may be left out.
    AddMember {
        org: Uuid,
        member: NewMember,
    },
    /// A member's name, role, phone or exit date.
    ChangeMember {
        org: Uuid,
        member_no: u32,
        date: NaiveDate,
        change: MemberChange,
    },
    /// Money received into cash or bank, credited to an income, liability or equity account.
    RecordReceipt {
        org: Uuid,
        voucher: Voucher,
    },
    /// Money paid from cash or bank, debited to an expense, asset or liability account.
    RecordPayment {
        org: Uuid,
        voucher: Voucher,
    },
    /// Cash taken to the bank, or drawn from it.
    Transfer {
        org: Uuid,
        transfer: CashTransfer,
    },
    DepositSavings {
        org: Uuid,
        entry: SavingsEntry,
    },
    /// Never beyond the member's balance, and only as the policy allows.
    WithdrawSavings {
        org: Uuid,
        entry: SavingsEntry,
    },
    /// The organisation's rules from `date` on.
    SetPolicy {
        org: Uuid,
        date: NaiveDate,
        policy: Policy,
    },
    /// Gives `person` a role: bookkeeper, approver or auditor.
    SetRole {
        org: Uuid,
        date: NaiveDate,
        person: String,
        role: ActorRole,
    },
    /// Sets `person`'s PIN, given as its Argon2id verifier (`Book::set_pin`
    /// makes it from the PIN; `pins.rs` says who may).
    SetPin {
        org: Uuid,
        date: NaiveDate,
        person: String,
        verifier: String,
    },
    OpenMeeting {
        org: Uuid,
        date: NaiveDate,
    },
    /// Dated by the meeting; a later mark replaces an earlier one.
    MarkAttendance {
        org: Uuid,
        meeting_no: u32,
        member_no: u32,
        present: bool,
    },
    /// A difference between counted cash and the book needs a reason.
    CloseMeeting {
        org: Uuid,
        meeting_no: u32,
        #[serde(with = "crate::money::amount")]
        counted_cash: Decimal,
        #[serde(default)]
        discrepancy_reason: Option<String>,
    },
    /// Only the latest meeting, by an approver.
    ReopenMeeting {
        org: Uuid,
        meeting_no: u32,
        reason: String,
    },
    ApplyForLoan {
        org: Uuid,
        member_no: u32,
        date: NaiveDate,
        terms: LoanRequest,
    },
    /// Approval at the open meeting `meeting_no`, dated by it.
    ApproveLoan {
        org: Uuid,
        loan_no: u32,
        meeting_no: u32,
    },
    DisburseLoan {
        org: Uuid,
        loan_no: u32,
        date: NaiveDate,
        via: Via,
    },
    /// A new member loan applied for, approved at the open meeting and paid out,
    /// all or nothing: a retry can never leave a second, half-made loan.
    SanctionLoan {
        org: Uuid,
        member_no: u32,
        date: NaiveDate,
        terms: LoanRequest,
        via: Via,
    },
    /// A member's repayment, split by the organisation's allocation order.
    RepayLoan {
        org: Uuid,
        loan_no: u32,
        repayment: Repayment,
    },
    /// A repayment of the organisation's own borrowing (CIF or bank loan).
    RepayBorrowing {
        org: Uuid,
        loan_no: u32,
        repayment: Repayment,
    },
    /// Writes off what is left of a member loan's principal. Needs an approver.
    WriteOffLoan {
        org: Uuid,
        loan_no: u32,
        date: NaiveDate,
        reason: String,
    },
    /// CIF from the VO, or a bank term loan, with its own schedule.
    ReceiveBorrowing {
        org: Uuid,
        source: FacilitySource,
        date: NaiveDate,
        via: Via,
        terms: LoanRequest,
    },
    /// A membership fee or an absence fine.
    CollectCharge {
        org: Uuid,
        charge: ChargeEntry,
    },
    /// Opening balances from the paper books.
    RecordCutoff {
        org: Uuid,
        cutoff: Cutoff,
    },
    /// Savings paid back net of loans settled from them.
    ExitMember {
        org: Uuid,
        member_no: u32,
        date: NaiveDate,
        via: Via,
    },
    /// Reverses money event `seq`, or asks for it where a second person must approve.
    ReverseEntry {
        org: Uuid,
        seq: u64,
        date: NaiveDate,
        reason: String,
    },
    ApproveCorrection {
        org: Uuid,
        request_seq: u64,
        date: NaiveDate,
    },
    RejectCorrection {
        org: Uuid,
        request_seq: u64,
        date: NaiveDate,
        reason: String,
    },
    /// This book's device becomes the organisation's first custodian (epoch 1),
    /// before its chain first leaves the phone.
    ClaimCustody {
        org: Uuid,
        date: NaiveDate,
    },
    /// The custodian hands the organisation to another device, named by the
    /// name and public key that device's book gives (`Book::device_identity`).
    HandOver {
        org: Uuid,
        date: NaiveDate,
        to_device: String,
        to_key: daftar_sync::PublicKey,
    },
    /// This book's device takes custody of a lost phone's organisation, with an
    /// administrator's signature by the policy's recovery key.
    RecoverCustody {
        org: Uuid,
        date: NaiveDate,
        signature: daftar_sync::Signature,
    },
}

impl Command {
    /// The organisation whose chain records this command.
    pub fn org(&self) -> Uuid {
        use Command::*;
        match self {
            CreateOrganisation { organisation } => organisation.id,
            AddMember { org, .. }
            | ChangeMember { org, .. }
            | RecordReceipt { org, .. }
            | RecordPayment { org, .. }
            | Transfer { org, .. }
            | DepositSavings { org, .. }
            | WithdrawSavings { org, .. }
            | SetPolicy { org, .. }
            | SetRole { org, .. }
            | SetPin { org, .. }
            | OpenMeeting { org, .. }
            | MarkAttendance { org, .. }
            | CloseMeeting { org, .. }
            | ReopenMeeting { org, .. }
            | ApplyForLoan { org, .. }
            | ApproveLoan { org, .. }
            | DisburseLoan { org, .. }
            | SanctionLoan { org, .. }
            | RepayLoan { org, .. }
            | RepayBorrowing { org, .. }
            | WriteOffLoan { org, .. }
            | ReceiveBorrowing { org, .. }
            | CollectCharge { org, .. }
            | RecordCutoff { org, .. }
            | ExitMember { org, .. }
            | ReverseEntry { org, .. }
            | ApproveCorrection { org, .. }
            | RejectCorrection { org, .. }
            | ClaimCustody { org, .. }
            | HandOver { org, .. }
            | RecoverCustody { org, .. } => *org,
        }
    }

    /// The command's name, as `action` in JSON.
    pub fn action(&self) -> Result<String> {
        match serde_json::to_value(self).map_err(not_encodable)? {
            serde_json::Value::Object(mut m) => match m.remove("action") {
                Some(serde_json::Value::String(s)) => Ok(s),
                _ => Err(not_encodable("no action")),
            },
            _ => Err(not_encodable("not an object")),
        }
    }

    /// What tells a retry from a conflicting reuse of an op_id: the hash of the
    /// command's canonical serialisation together with the actor, so the same
    /// op_id sent by someone else is a conflict.
    pub(crate) fn digest(&self, actor: &str) -> Result<Hash> {
        let v = serde_json::json!({
            "actor": actor,
            "command": serde_json::to_value(self).map_err(not_encodable)?,
        });
        Ok(Sha256::digest(canonical_json(&v)?).into())
    }

    /// The business date of the event: the command's own, or, for what happens
    /// inside a meeting, the meeting's, read in the command's transaction.
    pub(crate) fn date(&self, view: &Connection) -> Result<NaiveDate> {
        use Command::*;
        Ok(match self {
            CreateOrganisation { organisation } => organisation.opened_on,
            AddMember { member, .. } => member.joined_on,
            RecordReceipt { voucher, .. } | RecordPayment { voucher, .. } => voucher.date,
            Transfer { transfer, .. } => transfer.date,
            DepositSavings { entry, .. } | WithdrawSavings { entry, .. } => entry.date,
            RepayLoan { repayment, .. } | RepayBorrowing { repayment, .. } => repayment.date,
            CollectCharge { charge, .. } => charge.date,
            RecordCutoff { cutoff, .. } => cutoff.date,
            MarkAttendance {
                org, meeting_no, ..
            }
            | CloseMeeting {
                org, meeting_no, ..
            }
            | ReopenMeeting {
                org, meeting_no, ..
            }
            | ApproveLoan {
                org, meeting_no, ..
            } => meeting_date(view, *org, *meeting_no)?,
            ChangeMember { date, .. }
            | SetPolicy { date, .. }
            | SetRole { date, .. }
            | SetPin { date, .. }
            | OpenMeeting { date, .. }
            | ApplyForLoan { date, .. }
            | DisburseLoan { date, .. }
            | SanctionLoan { date, .. }
            | WriteOffLoan { date, .. }
            | ReceiveBorrowing { date, .. }
            | ExitMember { date, .. }
            | ReverseEntry { date, .. }
            | ApproveCorrection { date, .. }
            | RejectCorrection { date, .. }
            | ClaimCustody { date, .. }
            | HandOver { date, .. }
            | RecoverCustody { date, .. } => *date,
        })
    }

    /// Validates the command against the book (read-only) and returns its event.
    /// `SanctionLoan` is never decided whole: `Book::execute` runs its steps.
    pub(crate) fn decide(
        self,
        view: &Connection,
        ctx: Option<&OrgContext>,
        date: NaiveDate,
    ) -> Result<EventBody> {
        use Command::*;
        let v = view;
        match self {
            CreateOrganisation { organisation } => decide_create_organisation(v, ctx, organisation),
            AddMember { org, member } => decide_add_member(v, ctx, org, member),
            ChangeMember {
                org,
                member_no,
                change,
                ..
            } => decide_change_member(v, ctx, org, member_no, change),
            RecordReceipt { org, voucher } => decide_voucher(v, ctx, org, voucher, true),
            RecordPayment { org, voucher } => decide_voucher(v, ctx, org, voucher, false),
            Transfer { org, transfer } => decide_transfer(v, ctx, org, transfer),
            DepositSavings { org, entry } => decide_savings(v, ctx, org, entry, true),
            WithdrawSavings { org, entry } => decide_savings(v, ctx, org, entry, false),
            SetPolicy { org, policy, .. } => decide_set_policy(v, ctx, org, policy),
            SetRole {
                org, person, role, ..
            } => decide_set_role(v, ctx, org, &person, role),
            SetPin {
                org,
                person,
                verifier,
                ..
            } => decide_set_pin(ctx, org, &person, verifier),
            OpenMeeting { org, date } => decide_open_meeting(v, ctx, org, date),
            MarkAttendance {
                org,
                meeting_no,
                member_no,
                present,
            } => decide_mark_attendance(v, ctx, org, meeting_no, member_no, present, date),
            CloseMeeting {
                org,
                meeting_no,
                counted_cash,
                discrepancy_reason,
            } => decide_close_meeting(v, ctx, org, meeting_no, counted_cash, discrepancy_reason),
            ReopenMeeting {
                org,
                meeting_no,
                reason,
            } => decide_reopen_meeting(v, ctx, org, meeting_no, &reason),
            c @ (ApplyForLoan { .. }
            | ApproveLoan { .. }
            | DisburseLoan { .. }
            | SanctionLoan { .. }
            | RepayLoan { .. }
            | RepayBorrowing { .. }
            | WriteOffLoan { .. }
            | ReceiveBorrowing { .. }) => c.decide_lending(v, ctx),
            CollectCharge { org, charge } => decide_collect_charge(v, ctx, org, charge),
            RecordCutoff { org, cutoff } => decide_record_cutoff(v, ctx, org, cutoff),
            ExitMember {
                org,
                member_no,
                date,
                via,
            } => decide_exit_member(v, ctx, org, member_no, date, via),
            ReverseEntry {
                org,
                seq,
                date,
                reason,
            } => decide_reverse_entry(v, ctx, org, seq, date, &reason),
            ApproveCorrection {
                org,
                request_seq,
                date,
            } => decide_approve_correction(v, ctx, org, request_seq, date),
            RejectCorrection {
                org,
                request_seq,
                reason,
                ..
            } => decide_reject_correction(v, ctx, org, request_seq, &reason),
            ClaimCustody { .. } | HandOver { .. } | RecoverCustody { .. } => Err(Error::Storage {
                reason: "a custody command is decided for this book's device".into(),
            }),
        }
    }
}

impl Command {
    /// Whether this command changes custody: it is decided for this book's device.
    pub(crate) fn is_custody(&self) -> bool {
        matches!(
            self,
            Command::ClaimCustody { .. }
                | Command::HandOver { .. }
                | Command::RecoverCustody { .. }
        )
    }

    /// The custody commands' decisions, for the device recording them.
    pub(crate) fn decide_custody(
        self,
        v: &Connection,
        ctx: Option<&OrgContext>,
        device: &str,
    ) -> Result<EventBody> {
        use Command::*;
        crate::admin::require_org(ctx, self.org())?;
        match self {
            ClaimCustody { org, .. } => crate::custody::decide_claim(v, org, device),
            HandOver {
                org,
                to_device,
                to_key,
                ..
            } => crate::custody::decide_hand_over(v, org, device, &to_device, to_key),
            RecoverCustody { org, signature, .. } => {
                crate::custody::decide_recover(v, org, device, signature)
            }
            other => Err(Error::Storage {
                reason: format!("{:?} is not a custody command", other.action()),
            }),
        }
    }

    /// The lending commands' decisions (`SanctionLoan` runs as its steps).
    fn decide_lending(self, v: &Connection, ctx: Option<&OrgContext>) -> Result<EventBody> {
        use Command::*;
        match self {
            ApplyForLoan {
                org,
                member_no,
                date,
                terms,
            } => decide_apply_for_loan(v, ctx, org, member_no, date, terms),
            ApproveLoan {
                org,
                loan_no,
                meeting_no,
            } => decide_approve_loan(v, ctx, org, loan_no, meeting_no),
            DisburseLoan {
                org,
                loan_no,
                date,
                via,
            } => decide_disburse_loan(v, ctx, org, loan_no, date, via),
            SanctionLoan { .. } => Err(Error::Storage {
                reason: "a sanction is recorded as its three steps".into(),
            }),
            RepayLoan {
                org,
                loan_no,
                repayment,
            } => decide_repay(v, ctx, org, loan_no, repayment, true),
            RepayBorrowing {
                org,
                loan_no,
                repayment,
            } => decide_repay(v, ctx, org, loan_no, repayment, false),
            WriteOffLoan {
                org,
                loan_no,
                date,
                reason,
            } => decide_write_off_loan(v, ctx, org, loan_no, date, &reason),
            ReceiveBorrowing {
                org,
                source,
                date,
                via,
                terms,
            } => decide_receive_borrowing(v, ctx, org, source, date, via, terms),
            other => Err(Error::Storage {
                reason: format!("{:?} is not a lending command", other.action()),
            }),
        }
    }
}

fn not_encodable(e: impl std::fmt::Display) -> Error {
    Error::Storage {
        reason: format!("a command did not encode: {e}"),
    }
}

#[cfg(test)]
mod tests;
