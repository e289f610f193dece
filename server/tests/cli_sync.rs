//! `daftar sync` as a book keeper or support person runs it: the demo book's
//! three organisations onto the server and into a VO's rollup, a restore onto
//! a new book, and a sync killed part-way and run again.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use support::*;

/// The `daftar` binary, built beside the server's by `cargo test --workspace`.
fn daftar_bin() -> PathBuf {
    let p = Path::new(SERVER).with_file_name("daftar");
    assert!(
        p.exists(),
        "{} is missing: build it (cargo build -p daftar)",
        p.display()
    );
    p
}

fn daftar(args: &[&str]) -> Output {
    Command::new(daftar_bin()).args(args).output().unwrap()
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_demo_book_syncs_into_a_vo_rollup_and_restores_onto_a_new_book() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    admin(
        &db,
        &[
            "node", "add", "--kind", "vo", "--name", "Demo VO", "--code", "DEMO-VO",
        ],
    );
    let server = Server::start(&db, dir.path(), &["--new-orgs-under", "DEMO-VO"]);
    let book = dir.path().join("demo.daftar");
    let book_s = book.to_str().unwrap();
    ok(daftar(&["demo", "--db", book_s]));
    let first = daftar(&[
        "sync",
        "--db",
        book_s,
        "--server",
        &server.url,
        "--actor",
        "asha",
    ]);
    let progress = String::from_utf8_lossy(&first.stderr).into_owned();
    let out = ok(first);
    assert_eq!(out.matches("claimed custody").count(), 3, "{out}");
    for i in 1..=3 {
        assert!(
            progress.contains(&format!("syncing organisation {i} of 3")),
            "{progress}"
        );
    }
    // A second run has nothing to send.
    let again = ok(daftar(&["sync", "--db", book_s, "--server", &server.url]));
    assert_eq!(
        again
            .matches("0 events pushed in 0 chunks, 0 pulled")
            .count(),
        3,
        "{again}"
    );

    let token = admin(&db, &["user", "--name", "admin", "--admin"]);
    let rollup = loop {
        let (status, r) = call(
            &server.url,
            "GET",
            "/v1/nodes/DEMO-VO/rollup",
            b"",
            As::Token(&token),
        );
        assert_eq!(status, 200);
        let orgs = r["organisations"].as_array().unwrap();
        if orgs.len() == 3 && orgs.iter().all(|o| o["consolidated"] == true) {
            break r;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(rollup["totals"]["INR"]["organisations"], 2);
    assert_eq!(rollup["totals"]["IRR"]["organisations"], 1);

    // Restore one organisation onto a new book: the device must be granted first.
    let org = rollup["organisations"][0]["org"]
        .as_str()
        .unwrap()
        .to_string();
    let restored = dir.path().join("restored.daftar");
    let restored_s = restored.to_str().unwrap();
    let refused = daftar(&[
        "sync",
        "--db",
        restored_s,
        "--server",
        &server.url,
        "--org",
        &org,
        "--device",
        "new-phone",
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("forbidden"));
    let key = ok(daftar(&["device", "--db", restored_s]));
    let key = key
        .lines()
        .find_map(|l| l.strip_prefix("key"))
        .unwrap()
        .trim()
        .to_string();
    admin(&db, &["grant", "--org", &org, "--device", &key]);
    ok(daftar(&[
        "sync",
        "--db",
        restored_s,
        "--server",
        &server.url,
        "--org",
        &org,
    ]));
    let original = daftar_core::Book::open_existing(&book).unwrap();
    let copy = daftar_core::Book::open_existing(&restored).unwrap();
    let org = uuid::Uuid::parse_str(&org).unwrap();
    assert_eq!(
        copy.chain_head(org).unwrap(),
        original.chain_head(org).unwrap()
    );
    assert!(copy
        .projection_differences(&original, org)
        .unwrap()
        .is_empty());
    let verify = daftar(&["verify", "--db", restored_s]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

#[test]
fn a_sync_killed_part_way_and_run_again_leaves_server_and_book_agreeing() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db, dir.path(), &[]);
    let book = dir.path().join("demo.daftar");
    let book_s = book.to_str().unwrap();
    ok(daftar(&["demo", "--db", book_s]));
    let mut rng = fastrand::Rng::with_seed(3);
    for _ in 0..6 {
        let mut child = Command::new(daftar_bin())
            .args([
                "sync",
                "--db",
                book_s,
                "--server",
                &server.url,
                "--actor",
                "asha",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.u64(20..400)));
        let _ = child.kill();
        let _ = child.wait();
    }
    ok(daftar(&[
        "sync",
        "--db",
        book_s,
        "--server",
        &server.url,
        "--actor",
        "asha",
    ]));
    let b = daftar_core::Book::open_existing(&book).unwrap();
    for o in b.organisations().unwrap() {
        let (seq, hash) = b.chain_head(o.id).unwrap();
        let held = sql(
            &db,
            &format!("SELECT head_seq || ' ' || encode(head_hash, 'hex') FROM chains WHERE org_id = '{}'", o.id),
        );
        assert_eq!(held, vec![format!("{seq} {}", daftar_sync::hex(&hash))]);
        assert_eq!(
            b.sync_state(o.id).unwrap().acknowledged.map(|h| h.seq),
            Some(seq)
        );
    }
    assert!(daftar(&["verify", "--db", book_s]).status.success());
}
