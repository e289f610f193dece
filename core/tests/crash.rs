//! Crash safety: a writer process is killed with SIGKILL at random moments,
//! fifty times. After every kill the book reopens with every acknowledged entry
//! present, SQLite's integrity intact, every chain verifying and the books
//! balanced.
//!
//! The writer is this test binary itself, run again with DAFTAR_CRASH_BOOK set.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use daftar_core::*;

/// The writer: records entries forever, printing `ACK <op_id>` after each commit.
#[test]
fn crash_writer_child() {
    let (Some(path), Some(org)) = (
        std::env::var_os("DAFTAR_CRASH_BOOK"),
        std::env::var_os("DAFTAR_CRASH_ORG"),
    ) else {
        return; // run as an ordinary test: nothing to do
    };
    let org: uuid::Uuid = org.to_str().unwrap().parse().unwrap();
    let book = Book::open(path).unwrap();
    let mut out = std::io::stdout();
    for i in 0u64.. {
        let m = meta();
        let r = match i % 4 {
            0 | 1 => book.deposit_savings(&m, org, deposit(1 + (i % 3) as u32, "10")),
            2 => book.record_payment(&m, org, voucher(Via::Cash, "5200", "1")),
            _ => book.transfer(
                &m,
                org,
                CashTransfer {
                    date: date("2025-04-09"),
                    from: Via::Cash,
                    to: Via::Bank,
                    amount: dec("5"),
                    narration: String::new(),
                },
            ),
        };
        if r.is_ok() {
            writeln!(out, "ACK {}", m.op_id).unwrap();
            out.flush().unwrap();
        }
    }
}

#[test]
fn killed_writers_never_lose_an_acknowledged_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.daftar");
    let org = {
        let book = Book::open(&path).unwrap();
        let org = shg_with_members(&book, 3, "100");
        book.close().unwrap();
        org
    };
    let exe = std::env::current_exe().unwrap();
    let mut rng = fastrand::Rng::with_seed(7);
    let mut acked: Vec<String> = Vec::new();
    for round in 0..50 {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_writer_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("DAFTAR_CRASH_BOOK", &path)
            .env("DAFTAR_CRASH_ORG", org.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| l.strip_prefix("ACK ").map(str::to_string))
                .collect::<Vec<_>>()
        });
        std::thread::sleep(Duration::from_millis(rng.u64(10..80)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let this_round = reader.join().unwrap();
        acked.extend(this_round);

        let book = Book::open(&path).unwrap();
        let report = book.verify(&mut |_, _| true).unwrap();
        assert!(report.is_intact(), "round {round}: {report:#?}");
        assert!(
            book.trial_balance(org).unwrap().is_balanced(),
            "round {round}"
        );
        drop(book);
        let c = rusqlite::Connection::open(&path).unwrap();
        let mut st = c
            .prepare("SELECT count(*) FROM events WHERE op_id = ?1")
            .unwrap();
        for op in &acked {
            let n: i64 = st.query_row([op], |r| r.get(0)).unwrap();
            assert_eq!(n, 1, "round {round}: acknowledged op {op} is missing");
        }
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok", "round {round}");
    }
    assert!(
        acked.len() >= 100,
        "the writer acknowledged only {} entries in 50 rounds",
        acked.len()
    );
    eprintln!(
        "{} entries acknowledged across 50 kills, none lost",
        acked.len()
    );
}
