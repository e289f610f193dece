//! `verify` reads one snapshot: another connection writing all the while never
//! makes an intact book look tampered.

mod common;

use common::*;
use daftar_core::*;

#[test]
fn verify_while_another_connection_writes_finds_the_book_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.daftar");
    let book = Book::open(&path).unwrap();
    daftar_core::demo::build(&book, 3, &mut |_, _| true).unwrap();
    let org = book.organisations().unwrap()[0].id;
    let day = book.last_business_date(org).unwrap();
    let member = book.members(org).unwrap()[0].member_no;

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (path, stop) = (path.clone(), stop.clone());
        std::thread::spawn(move || {
            let other = Book::open_existing(&path).unwrap();
            let mut written = 0u32;
            // Bounded: at most a few hundred writes, and it stops when asked.
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && written < 400 {
                let entry = SavingsEntry {
                    date: day,
                    member_no: member,
                    via: Via::Cash,
                    amount: dec("10"),
                    fund: event::SavingsFund::Voluntary,
                };
                other.deposit_savings(&meta(), org, entry).unwrap();
                written += 1;
            }
            written
        })
    };
    for _ in 0..3 {
        let report = book.verify(&mut |_, _| true).unwrap();
        assert!(report.is_intact(), "{report:?}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 0, "the writer wrote while verify ran");
    assert!(book.verify(&mut |_, _| true).unwrap().is_intact());
}
