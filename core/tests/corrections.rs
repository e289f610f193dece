//! Corrections by reversal, with maker-checker where the policy asks for it.

mod common;

use common::*;
use daftar_core::corrections::CorrectionStatus;
use daftar_core::lending::{LoanRequest, LoanStatus, Repayment};
use daftar_core::loan::{Frequency, Method, RatePeriod};
use daftar_core::policy::{ActorRole, Policy};
use daftar_core::*;

/// `actor`'s meta; the approvers maya and ravi confirm with their PINs.
fn who(actor: &str) -> CommandMeta {
    let m = CommandMeta {
        actor: actor.into(),
        ..meta()
    };
    if ["maya", "ravi"].contains(&actor) {
        m.with_pin(APPROVER_PIN)
    } else {
        m
    }
}

/// An SHG with two members who saved ₹500 each; "maya" and "ravi" are approvers.
fn setup(needs_approval: bool) -> (tempfile::TempDir, std::path::PathBuf, Book, uuid::Uuid) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.daftar");
    let book = Book::open(&p).unwrap();
    let id = shg_with_members(&book, 2, "500");
    let policy = Policy {
        reversal_needs_approval: needs_approval,
        withdrawals: policy::Withdrawals::All,
        ..Policy::default()
    };
    book.set_policy(&meta(), id, date("2025-04-01"), policy)
        .unwrap();
    name_approver(&book, &meta(), id, date("2025-04-01"), "maya");
    name_approver(&book, &who("maya"), id, date("2025-04-01"), "ravi");
    (dir, p, book, id)
}

fn intact(book: &Book) -> bool {
    book.verify(&mut |_, _| true).unwrap().is_intact()
}

#[test]
fn a_reversal_undoes_a_money_event_in_full_and_the_original_stays() {
    let (_d, _p, book, id) = setup(false);
    let wrong = book
        .deposit_savings(&meta(), id, deposit(1, "250"))
        .unwrap();
    assert_eq!(book.balance(id, "2100-0001").unwrap(), dec("-750.00"));
    let r = book
        .reverse_entry(
            &meta(),
            id,
            wrong.seq,
            date("2025-04-09"),
            "typed 250 for 25",
        )
        .unwrap();
    assert_eq!(book.balance(id, "2100-0001").unwrap(), dec("-500.00"));
    assert_eq!(book.balance(id, "1100").unwrap(), dec("1000.00"));
    let journal = book
        .journal(id, date("2025-04-01"), date("2025-04-30"))
        .unwrap();
    let original = journal.iter().find(|e| e.seq == wrong.seq).unwrap();
    let reversal = journal.iter().find(|e| e.seq == r.seq).unwrap();
    assert_eq!(original.reversed_by, Some(r.seq));
    assert_eq!(reversal.reverses, Some(wrong.seq));
    assert!(reversal.narration.contains("typed 250 for 25"));
    assert_eq!(
        reversal
            .lines
            .iter()
            .map(|l| l.1)
            .sum::<rust_decimal::Decimal>(),
        dec("0")
    );
    assert!(intact(&book));
}

#[test]
fn reversing_a_reversal_twice_or_a_non_money_event_is_refused() {
    let (_d, p, book, id) = setup(false);
    let wrong = book
        .deposit_savings(&meta(), id, deposit(1, "250"))
        .unwrap();
    let r = book
        .reverse_entry(&meta(), id, wrong.seq, date("2025-04-09"), "mistake")
        .unwrap();
    let before = snapshot_digest(&p);
    let e = book
        .reverse_entry(&meta(), id, r.seq, date("2025-04-09"), "undo")
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains("reversing a reversal"), "{e}");
    let e = book
        .reverse_entry(&meta(), id, wrong.seq, date("2025-04-09"), "again")
        .unwrap_err();
    assert!(e.to_string().contains("already reversed"), "{e}");
    let e = book
        .reverse_entry(&meta(), id, 3, date("2025-04-09"), "not money")
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "seq"),
        "{e}"
    );
    let e = book
        .reverse_entry(&meta(), id, 99_999, date("2025-04-09"), "nothing")
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert_eq!(snapshot_digest(&p), before);
}

#[test]
fn a_reversal_that_would_overdraw_savings_is_refused() {
    let (_d, p, book, id) = setup(false);
    let d = book
        .deposit_savings(&meta(), id, deposit(1, "250"))
        .unwrap();
    book.withdraw_savings(&meta(), id, deposit(1, "700"))
        .unwrap();
    let before = snapshot_digest(&p);
    let e = book
        .reverse_entry(&meta(), id, d.seq, date("2025-04-09"), "late")
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InsufficientFunds);
    assert_eq!(snapshot_digest(&p), before);
}

#[test]
fn reversing_a_loan_repayment_reopens_the_loan_and_its_instalments() {
    let (_d, _p, book, id) = setup(false);
    let m = book
        .open_meeting(&meta(), id, date("2025-04-08"))
        .unwrap()
        .number
        .unwrap();
    let req = LoanRequest {
        principal: dec("300"),
        rate: dec("2"),
        rate_period: RatePeriod::Month,
        term: 3,
        frequency: Frequency::Monthly,
        method: Method::Flat,
        reference: None,
    };
    let l = book
        .apply_for_loan(&meta(), id, 1, date("2025-04-08"), req)
        .unwrap()
        .number
        .unwrap();
    book.approve_loan(&meta(), id, l, m).unwrap();
    let disbursed = book
        .disburse_loan(&meta(), id, l, date("2025-04-08"), Via::Cash)
        .unwrap();
    let paid = book
        .repay_loan(
            &meta(),
            id,
            l,
            Repayment {
                date: date("2025-04-08"),
                via: Via::Cash,
                amount: dec("300"),
            },
        )
        .unwrap();
    assert_eq!(book.loan(id, l).unwrap().status, LoanStatus::Closed);
    book.close_meeting(&meta(), id, m, book.balance(id, "1100").unwrap(), None)
        .unwrap();
    // The disbursement cannot be reversed while a repayment stands.
    let e = book
        .reverse_entry(&meta(), id, disbursed.seq, date("2025-04-09"), "x")
        .unwrap_err();
    assert!(e.to_string().contains("reverse them first"), "{e}");
    book.reverse_entry(&meta(), id, paid.seq, date("2025-04-09"), "cheque bounced")
        .unwrap();
    let loan = book.loan(id, l).unwrap();
    assert_eq!((loan.status, loan.closed_on), (LoanStatus::Active, None));
    assert!(loan.instalments.iter().all(|i| i.principal_paid == 0));
    assert_eq!(book.balance(id, "1300-0001").unwrap(), dec("300.00"));
    book.reverse_entry(
        &meta(),
        id,
        disbursed.seq,
        date("2025-04-09"),
        "paid to the wrong member",
    )
    .unwrap();
    let loan = book.loan(id, l).unwrap();
    assert_eq!(
        (loan.status, loan.instalments.len()),
        (LoanStatus::Approved, 0)
    );
    assert!(intact(&book));
}

#[test]
fn with_maker_checker_a_pending_correction_moves_no_money_until_another_approver_approves() {
    let (_d, p, book, id) = setup(true);
    let wrong = book.deposit_savings(&meta(), id, deposit(2, "90")).unwrap();
    let req = book
        .reverse_entry(
            &who("maya"),
            id,
            wrong.seq,
            date("2025-04-09"),
            "member 1 paid, not 2",
        )
        .unwrap();
    assert_eq!(book.balance(id, "2100-0002").unwrap(), dec("-590.00"));
    let c = &book.corrections(id).unwrap()[0];
    assert_eq!(
        (c.status, c.maker.as_str(), c.original_seq),
        (CorrectionStatus::Pending, "maya", wrong.seq)
    );

    let before = snapshot_digest(&p);
    // A book keeper cannot approve, and neither can the maker herself.
    let e = book
        .approve_correction(&meta(), id, req.seq, date("2025-04-09"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
    let e = book
        .approve_correction(&who("maya"), id, req.seq, date("2025-04-09"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
    assert!(e.to_string().contains("different approver"), "{e}");
    let e = book
        .reverse_entry(&who("ravi"), id, wrong.seq, date("2025-04-09"), "twice")
        .unwrap_err();
    assert!(e.to_string().contains("already waiting"), "{e}");
    assert_eq!(snapshot_digest(&p), before);

    let done = book
        .approve_correction(&who("ravi"), id, req.seq, date("2025-04-09"))
        .unwrap();
    assert_eq!(book.balance(id, "2100-0002").unwrap(), dec("-500.00"));
    let c = &book.corrections(id).unwrap()[0];
    assert_eq!(
        (c.status, c.checker.as_deref(), c.decided_seq),
        (CorrectionStatus::Approved, Some("ravi"), Some(done.seq))
    );
    let e = book
        .approve_correction(&who("ravi"), id, req.seq, date("2025-04-09"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(intact(&book));
}

#[test]
fn a_rejected_correction_moves_nothing_and_an_auditor_cannot_correct() {
    let (_d, _p, book, id) = setup(true);
    let entry = book.deposit_savings(&meta(), id, deposit(1, "10")).unwrap();
    let req = book
        .reverse_entry(&meta(), id, entry.seq, date("2025-04-09"), "looks wrong")
        .unwrap();
    book.reject_correction(
        &who("ravi"),
        id,
        req.seq,
        date("2025-04-09"),
        "the receipt is right",
    )
    .unwrap();
    assert_eq!(book.balance(id, "2100-0001").unwrap(), dec("-510.00"));
    assert_eq!(
        book.corrections(id).unwrap()[0].status,
        CorrectionStatus::Rejected
    );
    book.set_role(
        &who("maya"),
        id,
        date("2025-04-09"),
        "audit-office",
        ActorRole::Auditor,
    )
    .unwrap();
    let e = book
        .reverse_entry(&who("audit-office"), id, entry.seq, date("2025-04-09"), "x")
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
    assert!(intact(&book));
}
