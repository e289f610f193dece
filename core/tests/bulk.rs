//! Bulk mode (loading many commands in shared transactions) and the scaled demo.

mod common;

use common::*;
use daftar_core::demo::Scale;
use daftar_core::*;

fn events_seen_by_another_reader(p: &std::path::Path) -> i64 {
    let c = rusqlite::Connection::open(p).unwrap();
    c.query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn in_bulk_mode_a_refused_command_changes_nothing_and_the_others_stay() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bulk.daftar");
    let book = Book::open(&p).unwrap();
    let org = shg_with_members(&book, 2, "0");
    book.begin_bulk().unwrap();
    book.deposit_savings(&meta(), org, deposit(1, "100.00"))
        .unwrap();
    let mut too_much = deposit(1, "150.00");
    too_much.date = date("2025-04-09");
    let e = book.withdraw_savings(&meta(), org, too_much).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InsufficientFunds);
    book.deposit_savings(&meta(), org, deposit(2, "40.00"))
        .unwrap();
    book.finish_bulk().unwrap();
    book.close().unwrap();

    let book = Book::open(&p).unwrap();
    assert_eq!(book.balance(org, "1100").unwrap(), dec("140.00"));
    assert_eq!(book.balance(org, "2100-0001").unwrap(), dec("-100.00"));
    assert!(book.verify(&mut |_, _| true).unwrap().is_intact());
}

#[test]
fn bulk_commands_reach_other_readers_only_when_committed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bulk.daftar");
    let book = Book::open(&p).unwrap();
    let org = shg_with_members(&book, 1, "0");
    let before = events_seen_by_another_reader(&p);
    book.begin_bulk().unwrap();
    book.deposit_savings(&meta(), org, deposit(1, "10.00"))
        .unwrap();
    // The writer sees its own work; a reader of the file does not, yet.
    assert_eq!(book.balance(org, "1100").unwrap(), dec("10.00"));
    assert_eq!(events_seen_by_another_reader(&p), before);
    book.finish_bulk().unwrap();
    assert_eq!(events_seen_by_another_reader(&p), before + 1);
    // Back to one durable transaction per command.
    book.deposit_savings(&meta(), org, deposit(1, "5.00"))
        .unwrap();
    assert_eq!(events_seen_by_another_reader(&p), before + 2);
}

#[test]
fn closing_a_book_in_bulk_mode_commits_what_it_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bulk.daftar");
    let book = Book::open(&p).unwrap();
    let org = shg_with_members(&book, 1, "0");
    book.begin_bulk().unwrap();
    book.deposit_savings(&meta(), org, deposit(1, "10.00"))
        .unwrap();
    book.close().unwrap();
    let book = Book::open(&p).unwrap();
    assert_eq!(book.balance(org, "1100").unwrap(), dec("10.00"));
}

#[test]
fn a_retry_in_bulk_mode_returns_the_first_outcome_and_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let book = Book::open(dir.path().join("bulk.daftar")).unwrap();
    let org = shg_with_members(&book, 1, "0");
    book.begin_bulk().unwrap();
    let m = meta();
    let first = book.deposit_savings(&m, org, deposit(1, "10.00")).unwrap();
    let again = book.deposit_savings(&m, org, deposit(1, "10.00")).unwrap();
    assert_eq!((first.seq, first.hash), (again.seq, again.hash));
    assert!(!first.replayed && again.replayed);
    let e = book
        .deposit_savings(&m, org, deposit(1, "11.00"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    book.finish_bulk().unwrap();
    assert_eq!(book.balance(org, "1100").unwrap(), dec("10.00"));
}

#[test]
fn a_scale_is_clf_or_shgs_by_members_by_weeks_within_limits() {
    assert_eq!(
        Scale::parse("clf").unwrap(),
        Scale {
            shgs: 250,
            members: 12,
            weeks: 156
        }
    );
    assert_eq!(
        Scale::parse("3x5x45").unwrap(),
        Scale {
            shgs: 3,
            members: 5,
            weeks: 45
        }
    );
    for bad in [
        "",
        "CLF",
        "3x5",
        "3x5x45x1",
        "0x5x45",
        "3x1x45",
        "3x5x40",
        "9999999x5x45",
        "3x5x-1",
        "3 x5x45",
    ] {
        let e = Scale::parse(bad).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{bad:?}");
        assert!(e.to_string().contains("scale"), "{bad:?}: {e}");
    }
}

#[test]
fn a_scaled_demo_has_the_asked_size_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let book = Book::open(dir.path().join("scaled.daftar")).unwrap();
    let scale = Scale::parse("3x5x45").unwrap();
    let made = demo::build_scaled(&book, 7, scale, &mut |_, _| true).unwrap();
    assert_eq!(made.organisations.len(), 3);
    assert_eq!(book.event_count().unwrap(), made.events);
    for &org in &made.organisations {
        assert_eq!(book.members(org).unwrap().len(), 5);
        assert_eq!(book.meetings(org).unwrap().len(), 45);
        // Loans were made and repaid: the group lends, as the demo's groups do.
        assert!(!book.loans(org).unwrap().is_empty());
    }
    assert!(book.verify(&mut |_, _| true).unwrap().is_intact());
    // Not into a book that has entries.
    let e = demo::build_scaled(&book, 7, scale, &mut |_, _| true).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
}

#[test]
fn a_bulk_load_that_never_finishes_leaves_the_book_marked_unfinished() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.daftar");
    {
        let book = Book::open(&path).unwrap();
        book.begin_bulk().unwrap();
        shg_with_members(&book, 2, "100");
        // Killed before the load finishes: nothing after the last commit is kept,
        // and nothing runs to clear the mark.
        std::mem::forget(book);
    }
    let book = Book::open_existing(&path).unwrap();
    let unfinished = book.unfinished_loads().unwrap();
    assert_eq!(unfinished.len(), 1, "{unfinished:?}");
    let report = book.verify(&mut |_, _| true).unwrap();
    assert!(
        !report.is_intact(),
        "an unfinished load is not an intact book"
    );
    assert_eq!(report.unfinished_loads, unfinished);

    // A load that finishes clears its own mark in its last commit.
    let other = dir.path().join("c.daftar");
    let book = Book::open(&other).unwrap();
    book.begin_bulk().unwrap();
    shg_with_members(&book, 2, "100");
    book.finish_bulk().unwrap();
    assert!(book.unfinished_loads().unwrap().is_empty());
    assert!(book.verify(&mut |_, _| true).unwrap().is_intact());
}
