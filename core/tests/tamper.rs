//! Tampering with a demo book, one change at a time: verification must detect
//! each change and name where it is.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use daftar_core::verify::{Checkpoint, VerifyReport};
use daftar_core::*;
use rusqlite::Connection;

/// The demo book, built once and copied for each tampering.
fn demo_book() -> &'static PathBuf {
    static BOOK: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &BOOK
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("demo.daftar");
            let book = Book::open(&p).unwrap();
            daftar_core::demo::build(&book, 1, &mut |_, _| true).unwrap();
            book.close().unwrap();
            (dir, p)
        })
        .1
}

fn copy_of_demo(dir: &Path) -> PathBuf {
    let p = dir.join("copy.daftar");
    std::fs::copy(demo_book(), &p).unwrap();
    p
}

/// Opens the copy as a forger would: without the append-only guards.
fn forge(p: &Path, sql: &str) {
    let c = Connection::open(p).unwrap();
    c.execute_batch(
        "PRAGMA foreign_keys = OFF;
         DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;
         DROP TRIGGER postings_no_update; DROP TRIGGER postings_no_delete;",
    )
    .unwrap();
    let n = c.execute_batch(sql);
    n.unwrap();
}

fn verify(p: &Path) -> VerifyReport {
    let book = Book::open(p).unwrap();
    book.verify(&mut |_, _| true).unwrap()
}

fn first_org(p: &Path) -> String {
    let c = Connection::open(p).unwrap();
    c.query_row(
        "SELECT id FROM organisations ORDER BY id LIMIT 1",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

fn scalar(p: &Path, sql: &str) -> i64 {
    Connection::open(p)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// The report must name exactly one organisation as tampered, with `needle`
/// in a chain problem or a projection difference.
fn assert_named(report: &VerifyReport, org: &str, needle: &str) {
    assert!(!report.is_intact(), "tampering went unnoticed");
    let bad: Vec<_> = report.orgs.iter().filter(|o| !o.is_intact()).collect();
    assert_eq!(bad.len(), 1, "{report:#?}");
    assert_eq!(bad[0].chain.org_id.to_string(), org);
    let text = format!("{:?} {:?}", bad[0].chain.problem, bad[0].differences);
    assert!(text.contains(needle), "expected {needle:?} in {text}");
}

#[test]
fn the_untouched_demo_book_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let r = verify(&copy_of_demo(dir.path()));
    assert!(r.is_intact(), "{r:#?}");
    assert_eq!(r.integrity, "ok");
}

#[test]
fn one_changed_byte_of_an_event_payload_is_detected_at_its_seq() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_demo(dir.path());
    let org = first_org(&p);
    // Turn a deposit of 50 into 60: one byte.
    forge(&p, &format!(
        "UPDATE events SET canonical = CAST(replace(CAST(canonical AS TEXT), '\"amount\":5000', '\"amount\":6000') AS BLOB)
         WHERE org_id = '{org}' AND seq = 40"
    ));
    assert_named(&verify(&p), &org, "seq: 40, reason: \"stored hash");
}

#[test]
fn a_changed_posting_amount_is_detected_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_demo(dir.path());
    let org = first_org(&p);
    let seq = scalar(
        &p,
        &format!("SELECT min(seq) FROM postings WHERE org_id = '{org}' AND seq > 100"),
    );
    forge(&p, &format!("UPDATE postings SET amount = amount + 100 WHERE org_id = '{org}' AND seq = {seq} AND line = 0"));
    assert_named(
        &verify(&p),
        &org,
        &format!("table: \"postings\", key: \"seq={seq}, line=0\""),
    );
}

#[test]
fn a_changed_balance_row_is_detected_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_demo(dir.path());
    let org = first_org(&p);
    forge(&p, &format!("UPDATE accounts SET balance = balance + 100000 WHERE org_id = '{org}' AND code = '1100'"));
    assert_named(
        &verify(&p),
        &org,
        "table: \"accounts\", key: \"code=\\\"1100\\\"\"",
    );
}

#[test]
fn a_changed_member_name_is_detected_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_demo(dir.path());
    let org = first_org(&p);
    forge(
        &p,
        &format!(
            "UPDATE members SET name = 'किसी और का नाम' WHERE org_id = '{org}' AND member_no = 3"
        ),
    );
    assert_named(
        &verify(&p),
        &org,
        "table: \"members\", key: \"member_no=3\"",
    );
}

#[test]
fn an_event_deleted_in_the_middle_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_demo(dir.path());
    let org = first_org(&p);
    forge(
        &p,
        &format!("DELETE FROM events WHERE org_id = '{org}' AND seq = 200"),
    );
    assert_named(&verify(&p), &org, "event 200 is missing");
}

#[test]
fn the_last_event_deleted_is_detected_by_its_leftover_projections() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_demo(dir.path());
    let org = first_org(&p);
    let last = scalar(
        &p,
        &format!("SELECT max(seq) FROM events WHERE org_id = '{org}' AND kind = 'money.payment'"),
    );
    let rest = scalar(
        &p,
        &format!("SELECT max(seq) FROM events WHERE org_id = '{org}'"),
    );
    forge(
        &p,
        &format!(
            "DELETE FROM events WHERE org_id = '{org}' AND seq > {last} - 1 AND seq <= {rest}"
        ),
    );
    assert_named(
        &verify(&p),
        &org,
        &format!("key: \"seq={last}\", detail: \"the row is in the book but no event creates it\""),
    );
}

#[test]
fn two_swapped_events_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_demo(dir.path());
    let org = first_org(&p);
    forge(
        &p,
        &format!(
            "UPDATE events SET seq = 999999 WHERE org_id = '{org}' AND seq = 300;
         UPDATE events SET seq = 300 WHERE org_id = '{org}' AND seq = 301;
         UPDATE events SET seq = 301 WHERE org_id = '{org}' AND seq = 999999;"
        ),
    );
    assert_named(&verify(&p), &org, "seq: 300");
}

/// The forger appends a different last event through the software itself, so
/// chain and projections are all consistent: only a checkpoint taken earlier,
/// when the real last event was recorded, reveals it.
#[test]
fn a_forged_event_with_a_recomputed_chain_is_caught_only_against_an_earlier_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let real = copy_of_demo(dir.path());
    let forged = dir.path().join("forged.daftar");
    std::fs::copy(&real, &forged).unwrap();
    let truncated = dir.path().join("truncated.daftar");
    std::fs::copy(&real, &truncated).unwrap();
    let org: uuid::Uuid = first_org(&real).parse().unwrap();

    let pay = |p: &Path, amount: &str| {
        let book = Book::open(p).unwrap();
        let v = Voucher {
            date: date("2025-06-01"),
            ..voucher(Via::Cash, "5900", amount)
        };
        book.record_payment(
            &CommandMeta {
                actor: "bookkeeper-asha".into(),
                ..meta()
            },
            org,
            v,
        )
        .unwrap();
        book
    };
    let book = pay(&real, "20");
    let checkpoint = book.checkpoint(org).unwrap();
    let printed = checkpoint.to_string();
    assert_eq!(
        Checkpoint::parse(&printed.to_lowercase()).unwrap(),
        checkpoint
    );
    assert!(book.verify_against(&checkpoint).unwrap().problem.is_none());
    drop(book);

    let book = pay(&forged, "2000");
    assert!(
        book.verify(&mut |_, _| true).unwrap().is_intact(),
        "the forgery is internally consistent"
    );
    let check = book
        .verify_against(&Checkpoint::parse(&printed).unwrap())
        .unwrap();
    assert!(
        check
            .problem
            .as_deref()
            .unwrap_or("")
            .contains("history was rewritten"),
        "{check:?}"
    );

    let book = Book::open(&truncated).unwrap();
    let check = book.verify_against(&checkpoint).unwrap();
    assert!(
        check.problem.as_deref().unwrap_or("").contains("truncated"),
        "{check:?}"
    );
}

#[test]
fn a_malformed_checkpoint_is_refused_with_a_clear_error() {
    for text in [
        "",
        "daftar2 x 1 AAAA",
        "daftar1 not-an-id 3 AAAA-AAAA-AAAA-AAAA",
        "daftar1 01930000-0000-7000-8000-000000000001 0 AAAA-AAAA-AAAA-AAAA",
        "daftar1 01930000-0000-7000-8000-000000000001 5 AAAA",
    ] {
        let e = Checkpoint::parse(text).unwrap_err();
        assert!(
            matches!(e, Error::InvalidInput { ref field, .. } if field == "checkpoint"),
            "{text}: {e}"
        );
    }
}

/// Changes that leave every chain and every projection row as they were, and
/// touch only the book's structure.
fn forge_structure(p: &Path, sql: &str) -> VerifyReport {
    Connection::open(p).unwrap().execute_batch(sql).unwrap();
    verify(p)
}

#[test]
fn a_dropped_trigger_an_extra_table_or_an_altered_check_is_named_as_schema_tampering() {
    let dir = tempfile::tempdir().unwrap();
    for (sql, needle) in [
        (
            "DROP TRIGGER events_no_update;",
            "trigger events_no_update is missing",
        ),
        (
            "CREATE TABLE notes (x TEXT);",
            "table notes is not daftar's",
        ),
        (
            "CREATE INDEX members_by_phone ON members (phone);",
            "index members_by_phone is not daftar's",
        ),
        (
            "ALTER TABLE members ADD COLUMN nickname TEXT;",
            "table members was altered",
        ),
        (
            "ALTER TABLE members DROP COLUMN phone;",
            "table members was altered",
        ),
        (
            "DROP TRIGGER events_no_update; ALTER TABLE events DROP COLUMN device;",
            "table events was altered",
        ),
    ] {
        let p = copy_of_demo(dir.path());
        let report = forge_structure(&p, sql);
        assert!(!report.is_intact(), "{sql}");
        assert!(
            report.structure.iter().any(|s| s.contains(needle)),
            "{sql}: {:?}",
            report.structure
        );
        assert!(
            report.orgs.iter().all(|o| o.is_intact()) || sql.contains("DROP COLUMN"),
            "{sql}: the chains are untouched"
        );
    }
}

#[test]
fn rows_of_an_organisation_with_no_chain_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_demo(dir.path());
    let report = forge_structure(
        &p,
        "PRAGMA foreign_keys = OFF;
         INSERT INTO actors (org_id, actor, role) VALUES ('ghost-org', 'mallory', 'approver');",
    );
    assert!(!report.is_intact());
    assert!(
        report
            .structure
            .iter()
            .any(|s| s.contains("table actors holds rows of organisation ghost-org")),
        "{:?}",
        report.structure
    );
}

#[test]
fn the_demo_book_has_daftars_own_schema_and_no_stray_rows() {
    let report = verify(demo_book());
    assert!(report.structure.is_empty(), "{:?}", report.structure);
    assert!(report.is_intact());
}

#[test]
fn an_edited_command_digest_is_tampering_named_at_its_seq() {
    // The digest decides whether a retry is the same command; version 2 chains
    // it, so editing it is caught like any chained value.
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_demo(dir.path());
    let org = first_org(&p);
    forge(
        &p,
        &format!(
            "UPDATE events SET command_digest = zeroblob(32) WHERE org_id = '{org}' AND seq = 40"
        ),
    );
    assert_named(&verify(&p), &org, "command_digest");
}

#[test]
fn one_organisation_verified_alone_names_its_own_tampering_and_not_anothers() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_demo(dir.path());
    let book = Book::open(&p).unwrap();
    let orgs: Vec<uuid::Uuid> = book
        .organisations()
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert!(orgs.len() >= 2);
    for &org in &orgs {
        let v = book.verify_org(org, &mut |_, _| true).unwrap();
        assert!(v.is_intact(), "{v:?}");
        let events = scalar(
            &p,
            &format!("SELECT count(*) FROM events WHERE org_id = '{org}'"),
        );
        assert_eq!(v.chain.events, events as u64);
    }
    book.close().unwrap();

    let (a, b) = (orgs[0], orgs[1]);
    forge(
        &p,
        &format!(
            "UPDATE accounts SET balance = balance + 100000 WHERE org_id = '{a}' AND code = '1100'"
        ),
    );
    let book = Book::open(&p).unwrap();
    let tampered = book.verify_org(a, &mut |_, _| true).unwrap();
    assert!(!tampered.is_intact());
    assert_eq!(tampered.differences[0].table, "accounts");
    assert!(book.verify_org(b, &mut |_, _| true).unwrap().is_intact());
}

#[test]
fn one_organisation_verified_alone_finds_a_broken_chain_and_refuses_an_unknown_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_demo(dir.path());
    let org = first_org(&p);
    forge(&p, &format!("UPDATE events SET canonical = CAST(upper(CAST(canonical AS TEXT)) AS BLOB) WHERE org_id = '{org}' AND seq = 5"));
    let book = Book::open(&p).unwrap();
    let v = book
        .verify_org(org.parse().unwrap(), &mut |_, _| true)
        .unwrap();
    assert_eq!(v.chain.problem.map(|p| p.seq), Some(5));
    let unknown = book.verify_org(uuid::Uuid::now_v7(), &mut |_, _| true);
    assert!(
        matches!(unknown, Err(Error::NotFound { .. })),
        "{unknown:?}"
    );
    // Cancelled from its progress: an error, not a report.
    let other = book
        .organisations()
        .unwrap()
        .into_iter()
        .find(|o| o.id.to_string() != org)
        .unwrap();
    assert!(matches!(
        book.verify_org(other.id, &mut |_, _| false),
        Err(Error::Cancelled)
    ));
}

#[test]
fn each_copied_column_edited_alone_is_named_by_the_chain_check() {
    // The columns are compared with the chained envelope as bytes; a mismatch
    // must still name the column, including a value that needs escaping.
    let cases = [
        ("kind", "'savings.withdrawal'"),
        ("op_id", "'01930000-0000-7000-8000-00000000dead'"),
        ("actor", "'asha \"the clerk\"'"),
        ("device", "'another-phone'"),
        ("recorded_at", "'2025-01-01T00:00:00Z'"),
        ("business_date", "'2024-01-01'"),
    ];
    for (column, value) in cases {
        let dir = tempfile::tempdir().unwrap();
        let p = copy_of_demo(dir.path());
        let org = first_org(&p);
        forge(
            &p,
            &format!("UPDATE events SET {column} = {value} WHERE org_id = '{org}' AND seq = 40"),
        );
        let book = Book::open(&p).unwrap();
        let chains = book.verify_chains(&mut |_, _| true).unwrap();
        let bad = chains.iter().find(|c| c.org_id.to_string() == org).unwrap();
        let problem = bad.problem.as_ref().expect(column);
        assert_eq!(problem.seq, 40, "{column}");
        assert!(
            problem.reason.contains(&format!("column {column} ")),
            "{column}: {}",
            problem.reason
        );
    }
}
