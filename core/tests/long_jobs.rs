//! A long job (an export, a verify, a chain check) holds no lock that the
//! book's other calls wait on: while one runs on one thread, another thread
//! reads reports and saves entries, and the job still sees one snapshot.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use common::*;
use daftar_core::export::ExportFormat;
use daftar_core::*;

/// Runs `job` on a thread whose progress callback, the first time it is
/// called, hands over to `meanwhile` on this thread and waits for it. Returns
/// whether `meanwhile` finished while the job was paused half-way, and the
/// job's result.
fn while_paused<T: Send>(
    job: impl FnOnce(&mut dyn FnMut(u64, u64) -> bool) -> T + Send,
    meanwhile: impl FnOnce(),
) -> (bool, T) {
    let (started_tx, started_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        let handle = s.spawn(move || {
            let mut first = true;
            let mut waited_ok = false;
            let result = job(&mut |_, _| {
                if first {
                    first = false;
                    started_tx.send(()).unwrap();
                    // Were the other calls held up behind this job, they could
                    // not finish, and this wait would run out.
                    waited_ok = done_rx.recv_timeout(Duration::from_secs(30)).is_ok();
                }
                true
            });
            (waited_ok, result)
        });
        started_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the job never reported progress");
        meanwhile();
        let _ = done_tx.send(());
        handle.join().unwrap()
    })
}

fn demo_book() -> (tempfile::TempDir, Book, uuid::Uuid) {
    let dir = tempfile::tempdir().unwrap();
    let book = Book::open(dir.path().join("b.daftar")).unwrap();
    daftar_core::demo::build(&book, 5, &mut |_, _| true).unwrap();
    let org = book.organisations().unwrap()[0].id;
    (dir, book, org)
}

fn deposit(book: &Book, org: uuid::Uuid) {
    let day = book.last_business_date(org).unwrap();
    let member = book.members(org).unwrap()[0].member_no;
    let entry = SavingsEntry {
        date: day,
        member_no: member,
        via: Via::Cash,
        amount: dec("25"),
        fund: event::SavingsFund::Voluntary,
    };
    book.deposit_savings(&meta(), org, entry).unwrap();
}

#[test]
fn an_export_half_way_lets_reports_and_saves_go_on_and_exports_its_snapshot() {
    let (_dir, book, org) = demo_book();
    let before = book.trial_balance(org).unwrap();
    let mut first = Vec::new();
    book.export(org, ExportFormat::Csv, &mut first, &mut |_, _| true)
        .unwrap();
    let mut during = Vec::new();
    let (paused, summary) = while_paused(
        |progress| book.export(org, ExportFormat::Csv, &mut during, progress),
        || {
            assert_eq!(book.trial_balance(org).unwrap(), before);
            book.members(org).unwrap();
            deposit(&book, org);
        },
    );
    assert!(paused, "reads and a save waited for the export");
    summary.unwrap();
    // The export is of the book as it was when it began: without the deposit.
    assert_eq!(during, first);
    let mut after = Vec::new();
    book.export(org, ExportFormat::Csv, &mut after, &mut |_, _| true)
        .unwrap();
    assert_ne!(after, first);
}

#[test]
fn a_verify_or_a_chain_check_half_way_lets_reports_and_saves_go_on() {
    let (_dir, book, org) = demo_book();
    let (paused, report) = while_paused(
        |progress| book.verify(progress),
        || {
            book.trial_balance(org).unwrap();
            deposit(&book, org);
        },
    );
    assert!(paused, "reads and a save waited for the verify");
    assert!(report.unwrap().is_intact());
    let (paused, chains) = while_paused(
        |progress| book.verify_chains(progress),
        || {
            book.passbook(
                org,
                1,
                books::fiscal_year(
                    &book.organisation(org).unwrap(),
                    book.last_business_date(org).unwrap(),
                )
                .unwrap(),
            )
            .unwrap();
            deposit(&book, org);
        },
    );
    assert!(paused, "reads and a save waited for the chain check");
    assert!(chains.unwrap().iter().all(|c| c.problem.is_none()));
}

#[test]
fn in_bulk_mode_an_export_and_a_chain_check_see_what_the_load_has_not_committed() {
    let (_dir, book, org) = demo_book();
    let mut before = Vec::new();
    book.export(org, ExportFormat::Csv, &mut before, &mut |_, _| true)
        .unwrap();
    book.begin_bulk().unwrap();
    deposit(&book, org);
    let mut during = Vec::new();
    book.export(org, ExportFormat::Csv, &mut during, &mut |_, _| true)
        .unwrap();
    assert_ne!(during, before);
    let (head, _) = book.chain_head(org).unwrap();
    let chains = book.verify_chains(&mut |_, _| true).unwrap();
    let mine = chains.iter().find(|c| c.org_id == org).unwrap();
    assert_eq!((mine.head_seq, mine.problem.is_none()), (head, true));
    book.finish_bulk().unwrap();
}
