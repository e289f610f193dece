//! The `daftar` binary attacked as a careless or hostile user would: each test
//! repeats one attack that once damaged a book or crashed the tool.

use std::path::Path;
use std::process::{Command, Output};

fn daftar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_daftar"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn demo(dir: &Path) -> String {
    let p = dir.join("b.daftar").display().to_string();
    let o = daftar(&["demo", "--db", &p]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    p
}

fn first_org(db: &str) -> String {
    let o = daftar(&["orgs", "--db", db]);
    text(&o.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

fn verifies(db: &str) -> bool {
    daftar(&["verify", "--db", db]).status.success()
}

/// `daftar policy … --reversal-needs-approval no` as `actor`, with `pin` in
/// DAFTAR_PIN if given.
fn approval_off(db: &str, org: &str, actor: &str, pin: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_daftar"));
    c.args([
        "policy",
        "--db",
        db,
        "--org",
        org,
        "--actor",
        actor,
        "--reversal-needs-approval",
        "no",
    ])
    .env_remove("DAFTAR_PIN");
    if let Some(p) = pin {
        c.env("DAFTAR_PIN", p);
    }
    c.output().unwrap()
}

/// A panic exits 101; a refusal exits 1 with its code on standard error.
fn refused_with(o: &Output, code: &str) {
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains(&format!("[{code}]")),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn export_out_to_the_book_its_wal_or_a_link_to_it_is_refused_and_the_book_survives() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let org = first_org(&db);
    let before = std::fs::read(&db).unwrap();
    let link = dir.path().join("innocent.journal");
    std::os::unix::fs::symlink(&db, &link).unwrap();
    let wal = format!("{db}-wal");
    for out in [db.as_str(), wal.as_str(), link.to_str().unwrap()] {
        let o = daftar(&[
            "export", "--db", &db, "--org", &org, "--format", "hledger", "--out", out,
        ]);
        refused_with(&o, "invalid_input");
        assert_eq!(std::fs::read(&db).unwrap(), before, "export to {out}");
        assert!(
            verifies(&db),
            "the book must still verify after export to {out}"
        );
    }
    // An ordinary output still works, and replaces what was there whole.
    let good = dir.path().join("o.journal");
    std::fs::write(&good, "old").unwrap();
    let o = daftar(&[
        "export",
        "--db",
        &db,
        "--org",
        &org,
        "--format",
        "hledger",
        "--out",
        good.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(std::fs::read_to_string(&good).unwrap().contains("assets"));
}

#[test]
fn an_empty_file_is_not_a_book_and_read_only_commands_leave_it_empty() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("wiped.daftar");
    std::fs::write(&empty, b"").unwrap();
    let p = empty.to_str().unwrap();
    for args in [
        vec!["verify", "--db", p],
        vec!["orgs", "--db", p],
        vec!["members", "--db", p, "--org", "0000"],
        vec!["report", "trial-balance", "--db", p, "--org", "0000"],
    ] {
        let o = daftar(&args);
        refused_with(&o, "not_a_book");
        assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0, "{args:?}");
        assert!(!dir.path().join("wiped.daftar-wal").exists(), "{args:?}");
    }
}

#[test]
fn demo_force_with_a_bad_scale_leaves_the_old_book_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let before = std::fs::read(&db).unwrap();
    let o = daftar(&["demo", "--db", &db, "--force", "--scale", "many"]);
    refused_with(&o, "invalid_input");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // A successful replacement leaves no scratch folder behind.
    let o = daftar(&["demo", "--db", &db, "--force", "--seed", "2"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(verifies(&db));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".daftar-demo-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn loan_schedules_beyond_the_limits_are_refused_never_a_panic() {
    let base = [
        "loan",
        "schedule",
        "--start",
        "2025-01-01",
        "--frequency",
        "monthly",
    ];
    let cases: &[&[&str]] = &[
        // EMI at the highest rate over the longest term.
        &[
            "--principal",
            "100000000000",
            "--rate",
            "120",
            "--term",
            "520",
            "--method",
            "emi",
        ],
        &[
            "--principal",
            "1e15",
            "--rate",
            "10",
            "--term",
            "12",
            "--method",
            "flat",
        ],
        &[
            "--principal",
            "100000000000000000",
            "--rate",
            "10",
            "--term",
            "12",
            "--method",
            "flat",
        ],
        &[
            "--principal",
            "100000000000000000",
            "--rate",
            "10",
            "--term",
            "12",
            "--method",
            "reducing",
        ],
        &[
            "--principal",
            "100000000000000000",
            "--rate",
            "10",
            "--term",
            "12",
            "--method",
            "fee-added",
        ],
        // A fee as large as the loan would pay out nothing or less.
        &[
            "--principal",
            "1000",
            "--rate",
            "100",
            "--term",
            "12",
            "--method",
            "fee",
        ],
        &[
            "--principal",
            "1000",
            "--rate",
            "150",
            "--term",
            "12",
            "--method",
            "fee",
        ],
    ];
    for extra in cases {
        let args: Vec<&str> = base.iter().chain(extra.iter()).copied().collect();
        let o = daftar(&args);
        refused_with(&o, "invalid_input");
    }
}

#[test]
fn dates_beyond_the_supported_range_are_refused_at_the_edge() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let org = first_org(&db);
    for args in [
        vec![
            "report",
            "receipts-payments",
            "--db",
            &db,
            "--org",
            &org,
            "--as-of",
            "9999-04-01",
        ],
        vec![
            "report",
            "trial-balance",
            "--db",
            &db,
            "--org",
            &org,
            "--as-of",
            "1200-01-01",
        ],
        vec![
            "loan",
            "list",
            "--db",
            &db,
            "--org",
            &org,
            "--as-of",
            "9999-12-31",
        ],
    ] {
        refused_with(&daftar(&args), "invalid_input");
    }
    let o = daftar(&[
        "loan",
        "schedule",
        "--principal",
        "1000",
        "--rate",
        "12",
        "--term",
        "12",
        "--method",
        "emi",
        "--start",
        "2199-06-01",
    ]);
    refused_with(&o, "invalid_input");
}

#[test]
fn an_amount_with_more_places_than_a_decimal_holds_is_refused_and_minus_zero_is_zero() {
    refused_with(
        &daftar(&["amount", "0.1234567890123456789012345678901"]),
        "invalid_input",
    );
    let o = daftar(&["amount", "-0", "-0.00", "۰"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "0\n0.00\n0\n");
}

#[test]
fn names_from_a_forged_book_cannot_send_escape_sequences_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "UPDATE organisations SET name = 'Evil' || char(27) || '[2J' || char(7)",
            [],
        )
        .unwrap();
        conn.execute(
            "UPDATE members SET name = 'M' || char(27) || ']0;pwned' || char(7)",
            [],
        )
        .unwrap();
    }
    let org = first_org(&db);
    for args in [
        vec!["orgs", "--db", &db],
        vec!["members", "--db", &db, "--org", &org],
        vec!["report", "trial-balance", "--db", &db, "--org", &org],
        vec!["verify", "--db", &db],
    ] {
        let o = daftar(&args);
        for stream in [&o.stdout, &o.stderr] {
            assert!(
                !stream.iter().any(|b| *b == 0x1b || *b == 0x07),
                "{args:?} printed a control character: {}",
                text(stream)
            );
        }
    }
    let o = daftar(&["orgs", "--db", &db]);
    assert!(
        text(&o.stdout).contains("Evil\\u001b[2J"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn anyone_switching_off_two_person_approval_is_refused_and_the_policy_stands() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let org = first_org(&db);
    let before = std::fs::read(&db).unwrap();
    for actor in ["anyone", "asha"] {
        let o = approval_off(&db, &org, actor, None);
        refused_with(&o, "permission_denied");
        assert!(
            text(&o.stderr).contains("needs an approver"),
            "{}",
            text(&o.stderr)
        );
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(verifies(&db));
}

#[test]
fn the_approvers_name_without_her_pin_cannot_change_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let org = first_org(&db);
    let policy = |pin: Option<&str>| approval_off(&db, &org, "cc-meena", pin);
    let before = std::fs::read(&db).unwrap();
    for pin in [None, Some("1111")] {
        let o = policy(pin);
        refused_with(&o, "permission_denied");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // The demo's approver's PIN is published (a demo only).
    let o = policy(Some("2468"));
    assert!(o.status.success(), "{}", text(&o.stderr));

    // A person sets her PIN from the environment or standard input, never an argument.
    let mut c = Command::new(env!("CARGO_BIN_EXE_daftar"));
    let o = c
        .args(["pin", "--db", &db, "--org", &org, "--actor", "asha"])
        .env("DAFTAR_NEW_PIN", "5555")
        .env_remove("DAFTAR_PIN")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(verifies(&db));
}
