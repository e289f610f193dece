//! Who may give which command: the book's one table of permissions, checked
//! for every command (custody's included) before it is decided. An auditor
//! never gets this far: the organisation's context refuses them any write.

use rusqlite::Connection;

use crate::admin::{require_approver, OrgContext};
use crate::command::Command;
use crate::error::{Error, Result};
use crate::event::{Event, EventBody};
use crate::policy::ActorRole;

/// The role a command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// Anyone who may write: a book keeper or an approver.
    Writer,
    /// An approver, always.
    Approver(&'static str),
    /// An approver once the organisation has one. Before that, the book keeper
    /// setting the organisation up may, or it could never be set up.
    ApproverOnceNamed(&'static str),
}

/// The table. Changing who may approve (roles) or whether approval is needed
/// (the policy) needs an approver, as do the decisions a second person makes
/// and the moves of the book from one phone to another.
pub(crate) fn needs(command: &Command) -> Needs {
    use Command::*;
    match command {
        SetPolicy { .. } => Needs::ApproverOnceNamed("changing the policy"),
        SetRole { .. } => Needs::ApproverOnceNamed("giving a role"),
        // Who may set whose PIN is `pins::check`'s: the person, or an approver.
        SetPin { .. } => Needs::Writer,
        HandOver { .. } => Needs::ApproverOnceNamed("handing the book to another phone"),
        RecoverCustody { .. } => Needs::ApproverOnceNamed("recovering a lost phone's book"),
        ReopenMeeting { .. } => Needs::Approver("reopening a meeting"),
        WriteOffLoan { .. } => Needs::Approver("writing a loan off"),
        ApproveCorrection { .. } | RejectCorrection { .. } => {
            Needs::Approver("deciding a correction")
        }
        CreateOrganisation { .. }
        | AddMember { .. }
        | ChangeMember { .. }
        | RecordReceipt { .. }
        | RecordPayment { .. }
        | Transfer { .. }
        | DepositSavings { .. }
        | WithdrawSavings { .. }
        | OpenMeeting { .. }
        | MarkAttendance { .. }
        | CloseMeeting { .. }
        | ApplyForLoan { .. }
        | ApproveLoan { .. }
        | DisburseLoan { .. }
        | SanctionLoan { .. }
        | RepayLoan { .. }
        | RepayBorrowing { .. }
        | ReceiveBorrowing { .. }
        | CollectCharge { .. }
        | RecordCutoff { .. }
        | ExitMember { .. }
        | ReverseEntry { .. }
        | ClaimCustody { .. } => Needs::Writer,
    }
}

/// The same table read from an event's kind, for events received from
/// another device: what its command needed of its actor.
fn needs_for_event(body: &EventBody) -> Needs {
    use EventBody::*;
    match body {
        PolicySet(_) => Needs::ApproverOnceNamed("changing the policy"),
        RoleSet { .. } => Needs::ApproverOnceNamed("giving a role"),
        CustodyTransferred(_) => Needs::ApproverOnceNamed("handing the book to another phone"),
        CustodyRecovered(_) => Needs::ApproverOnceNamed("recovering a lost phone's book"),
        MeetingReopened { .. } => Needs::Approver("reopening a meeting"),
        LoanWrittenOff { .. } => Needs::Approver("writing a loan off"),
        CorrectionRejected { .. }
        | EntryReversed {
            request_seq: Some(_),
            ..
        } => Needs::Approver("deciding a correction"),
        _ => Needs::Writer,
    }
}

/// Refuses an event received from another device (a bundle, the server)
/// whose actor's role, in this book as it stands just before the event,
/// could not have given its command: a modified app holding a device key
/// cannot slip in what only an approver may do, nor write as an auditor.
/// Events of encoding version 1 were written before roles were checked and
/// are taken as they are.
pub(crate) fn check_received(view: &Connection, event: &Event) -> Result<()> {
    if event.command.is_none() || matches!(event.body, EventBody::OrgCreated(_)) {
        return Ok(());
    }
    let role = crate::admin::role_of(view, event.org, &event.actor)?;
    let refuse = |what: &str| {
        Err(Error::PermissionDenied {
            reason: format!(
                "{what} needs an approver; {} is a {}",
                event.actor,
                role.as_str()
            ),
        })
    };
    if role == ActorRole::Auditor {
        return refuse("writing");
    }
    // A PIN's verifier is checked as when it was set: its strength and cost,
    // and that it is the person's own or an approver's doing.
    if let EventBody::PinSet { actor, verifier } = &event.body {
        crate::pins::check_verifier(verifier)?;
        if *actor != event.actor && role != ActorRole::Approver {
            return refuse("setting another person's PIN");
        }
    }
    match needs_for_event(&event.body) {
        Needs::Writer => Ok(()),
        Needs::Approver(what) if role != ActorRole::Approver => refuse(what),
        Needs::ApproverOnceNamed(what)
            if role != ActorRole::Approver && crate::admin::approvers(view, event.org)? > 0 =>
        {
            refuse(what)
        }
        _ => Ok(()),
    }
}

/// Whether `command` must come from an approver in this organisation now,
/// and so be confirmed with her PIN.
pub(crate) fn needs_approver(
    view: &Connection,
    ctx: &OrgContext,
    command: &Command,
) -> Result<bool> {
    Ok(match needs(command) {
        Needs::Writer => false,
        Needs::Approver(_) => true,
        Needs::ApproverOnceNamed(_) => crate::admin::approvers(view, ctx.org.id)? > 0,
    })
}

/// Refuses `command` unless the actor's role allows it.
pub(crate) fn check(view: &Connection, ctx: &OrgContext, command: &Command) -> Result<()> {
    match needs(command) {
        Needs::Writer => Ok(()),
        Needs::Approver(what) => require_approver(ctx, what),
        Needs::ApproverOnceNamed(what) => {
            if crate::admin::approvers(view, ctx.org.id)? > 0 {
                require_approver(ctx, what)
            } else {
                Ok(())
            }
        }
    }
}
