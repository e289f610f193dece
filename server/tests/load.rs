//! The load generator runs against the real server with its faults (duplicate
//! sends, unread answers, connections dropped mid-request), and the server's
//! chains verify after it. Its figures are printed, never asserted.

mod support;

use std::process::Command;

use support::*;

#[test]
fn the_load_generator_pushes_every_phones_year_through_faults_and_the_chains_verify() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db, dir.path(), &[]);
    let out = Command::new(env!("CARGO_BIN_EXE_daftar-load"))
        .args([
            "--server",
            &server.url,
            "--database",
            &db,
            "--phones",
            "3",
            "--weeks",
            "6",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("raw COPY of the same rows"), "{text}");
    let report = admin(&db, &["verify"]);
    assert!(report.ends_with("3 chains, 0 not intact"), "{report}");
    // Every phone's whole year is there, once.
    let events: u64 = sql(&db, "SELECT count(*) FROM events")[0].parse().unwrap();
    let heads: u64 = sql(&db, "SELECT sum(head_seq) FROM chains")[0]
        .parse()
        .unwrap();
    assert_eq!(events, heads);
    assert!(text.contains(&format!("{events} events in")), "{text}");
    // The raw baseline's table is gone again.
    assert!(sql(&db, "SELECT to_regclass('raw_events')::text")[0].is_empty());
}
