//! Commands as values: `Book::execute` with a `Command`, the one write entry point.

mod common;

use common::*;
use daftar_core::lending::LoanRequest;
use daftar_core::loan::{Frequency, Method, RatePeriod};
use daftar_core::*;

fn open() -> (tempfile::TempDir, std::path::PathBuf, Book) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.daftar");
    let book = Book::open(&p).unwrap();
    (dir, p, book)
}

fn terms(principal: &str) -> LoanRequest {
    LoanRequest {
        principal: dec(principal),
        rate: dec("24"),
        rate_period: RatePeriod::Year,
        term: 10,
        frequency: Frequency::Monthly,
        method: Method::Flat,
        reference: None,
    }
}

fn sanction(org: uuid::Uuid, principal: &str) -> Command {
    Command::SanctionLoan {
        org,
        member_no: 1,
        date: date("2025-04-08"),
        terms: terms(principal),
        via: Via::Cash,
    }
}

#[test]
fn a_sanction_applies_approves_and_pays_out_and_a_retry_makes_no_second_loan() {
    let (_d, _p, book) = open();
    let org = shg_with_members(&book, 3, "1000");
    book.open_meeting(&meta(), org, date("2025-04-08")).unwrap();
    let m = meta();
    let first = book.execute(&m, sanction(org, "2000")).unwrap();
    assert_eq!(first.number, Some(1));
    let loans = book.loans(org).unwrap();
    assert_eq!(loans.len(), 1);
    assert_eq!(loans[0].status, lending::LoanStatus::Active);
    assert_eq!(book.balance(org, "1100").unwrap(), dec("1000.00"));
    // The acknowledgement was lost; the phone sends the same command again.
    let retry = book.execute(&m, sanction(org, "2000")).unwrap();
    assert!(retry.replayed);
    assert_eq!(
        (retry.seq, retry.hash, retry.number),
        (first.seq, first.hash, first.number)
    );
    assert_eq!(book.loans(org).unwrap().len(), 1);
}

#[test]
fn a_sanction_that_cannot_be_paid_out_leaves_no_application_behind() {
    let (_d, p, book) = open();
    let org = shg_with_members(&book, 2, "100");
    book.open_meeting(&meta(), org, date("2025-04-08")).unwrap();
    let before = snapshot(&p);
    let e = book.execute(&meta(), sanction(org, "5000")).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InsufficientFunds, "{e}");
    assert_eq!(snapshot(&p), before, "the refused sanction left a trace");
    assert!(book.loans(org).unwrap().is_empty());
}

#[test]
fn a_sanction_outside_an_open_meeting_is_refused() {
    let (_d, p, book) = open();
    let org = shg_with_members(&book, 2, "1000");
    let before = snapshot(&p);
    let e = book.execute(&meta(), sanction(org, "500")).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
    assert_eq!(snapshot(&p), before);
}

#[test]
fn the_same_op_id_sent_by_another_actor_is_a_conflict() {
    let (_d, _p, book) = open();
    let org = shg_with_members(&book, 1, "0");
    let m = meta();
    let c = Command::DepositSavings {
        org,
        entry: deposit(1, "50"),
    };
    book.execute(&m, c.clone()).unwrap();
    let other = CommandMeta {
        actor: "someone-else".into(),
        ..m.clone()
    };
    let e = book.execute(&other, c.clone()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
    assert!(book.execute(&m, c).unwrap().replayed);
}

#[test]
fn a_command_reads_its_meetings_date_inside_its_own_transaction() {
    let (_d, _p, book) = open();
    let org = shg_with_members(&book, 1, "0");
    // No meeting 1 yet: the date cannot be read, and nothing is written.
    let e = book
        .execute(
            &meta(),
            Command::MarkAttendance {
                org,
                meeting_no: 1,
                member_no: 1,
                present: true,
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
    book.open_meeting(&meta(), org, date("2025-04-09")).unwrap();
    let o = book
        .execute(
            &meta(),
            Command::MarkAttendance {
                org,
                meeting_no: 1,
                member_no: 1,
                present: true,
            },
        )
        .unwrap();
    assert!(!o.replayed);
}
