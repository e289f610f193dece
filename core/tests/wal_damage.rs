//! A damaged write-ahead log can drop committed commands without SQLite
//! noticing. The witness of the last commit (`BOOK-last`) makes the loss visible.

mod common;

use common::*;
use daftar_core::*;

#[test]
fn a_commit_lost_with_a_damaged_wal_is_reported_by_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.daftar");
    let book = Book::open(&path).unwrap();
    let org = shg_with_members(&book, 2, "100");
    let (seq, _) = book.chain_head(org).unwrap();
    assert!(
        last_commit::path_for(&path).exists(),
        "every durable save is witnessed"
    );
    // The process dies with the last commits still in the log (no checkpoint).
    std::mem::forget(book);

    // A copy of the files, the log cut short: its last frames are lost.
    let copy = dir.path().join("copy.daftar");
    std::fs::copy(&path, &copy).unwrap();
    std::fs::copy(last_commit::path_for(&path), last_commit::path_for(&copy)).unwrap();
    let wal = std::fs::read(format!("{}-wal", path.display())).unwrap();
    assert!(
        wal.len() > 32 + 24 + 4096,
        "the commits are still in the log"
    );
    let frame = 24 + 4096;
    std::fs::write(format!("{}-wal", copy.display()), &wal[..wal.len() - frame]).unwrap();

    let damaged = Book::open_existing(&copy).unwrap();
    let (head, _) = damaged.chain_head(org).unwrap();
    assert!(
        head < seq,
        "the damaged log dropped the last commit ({head} < {seq})"
    );
    let report = damaged.verify(&mut |_, _| true).unwrap();
    assert!(
        !report.is_intact(),
        "a lost commit must not pass for an intact book"
    );
    assert!(
        report
            .structure
            .iter()
            .any(|s| s.contains("committed events were lost")),
        "{:?}",
        report.structure
    );
}

#[test]
fn an_intact_book_agrees_with_its_witness_and_a_retry_does_not_move_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.daftar");
    let book = Book::open(&path).unwrap();
    let org = shg_with_members(&book, 1, "0");
    let m = meta();
    book.deposit_savings(&m, org, deposit(1, "5")).unwrap();
    let witnessed = std::fs::read_to_string(last_commit::path_for(&path)).unwrap();
    book.deposit_savings(&m, org, deposit(1, "5")).unwrap(); // a retry
    assert_eq!(
        std::fs::read_to_string(last_commit::path_for(&path)).unwrap(),
        witnessed
    );
    assert!(book.verify(&mut |_, _| true).unwrap().is_intact());
}
