//! The `daftar` binary as a user runs it.

mod common;

use std::path::Path;

use common::*;

#[test]
fn demo_builds_two_shgs_and_a_fund_and_prints_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("demo.daftar").display().to_string();
    let o = daftar(&["demo", "--db", &p]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "सरस्वती स्वयं सहायता समूह",
        "صندوق قرض‌الحسنه امید",
        "INR",
        "IRR",
        "chain head: seq",
        "Cash in hand",
        "Compulsory savings of member 1",
        "Loan to member",
    ] {
        assert!(out.contains(needle), "summary lacks {needle}:\n{out}");
    }
    let orgs = org_ids(&p);
    assert_eq!(orgs.len(), 3);
    assert_eq!(orgs.iter().filter(|(_, l)| l.contains(" shg ")).count(), 2);
    assert_eq!(
        orgs.iter()
            .filter(|(_, l)| l.contains(" fund ") && l.contains("IRR"))
            .count(),
        1
    );
}

#[test]
fn demo_at_a_scale_builds_that_many_groups_and_a_bad_scale_writes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("scaled.daftar").display().to_string();
    let o = daftar(&["demo", "--db", &p, "--scale", "2x4x41"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("2 SHGs of 4 members, 41 weeks"),
        "{}",
        stdout(&o)
    );
    let o = daftar(&["orgs", "--db", &p]);
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
    let o = daftar(&["verify", "--db", &p]);
    assert!(o.status.success(), "{}", stdout(&o));

    let bad = dir.path().join("bad.daftar");
    let b = bad.display().to_string();
    for scale in ["CLF", "2x4", "2x1x41", "2x4x40"] {
        let o = daftar(&["demo", "--db", &b, "--scale", scale]);
        assert_eq!(o.status.code(), Some(1), "{scale}");
        assert!(stderr(&o).contains("[invalid_input]"), "{}", stderr(&o));
        assert!(!bad.exists(), "{scale} left a file");
    }
}

#[test]
fn demo_is_deterministic_for_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let heads = |db: &str| {
        let o = daftar(&["verify", "--db", db]);
        assert!(o.status.success());
        stdout(&o)
    };
    let a = demo(dir.path(), "a.daftar", "7");
    let b = demo(dir.path(), "b.daftar", "7");
    let c = demo(dir.path(), "c.daftar", "8");
    assert_eq!(heads(&a), heads(&b));
    assert_ne!(heads(&a), heads(&c));
}

#[test]
fn demo_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.daftar");
    std::fs::write(&p, "precious notes").unwrap();
    let ps = p.display().to_string();
    let o = daftar(&["demo", "--db", &ps]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "precious notes");
    let o = daftar(&["demo", "--db", &ps, "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(org_ids(&ps).len(), 3);
}

#[test]
fn verify_passes_on_the_demo_with_a_line_per_organisation() {
    let dir = tempfile::tempdir().unwrap();
    let p = demo(dir.path(), "d.daftar", "1");
    let o = daftar(&["verify", "--db", &p]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 3);
    assert!(out.lines().all(|l| l.starts_with("ok ")), "{out}");
}

#[test]
fn verify_names_the_organisation_seq_and_reason_of_a_tampered_event() {
    let dir = tempfile::tempdir().unwrap();
    let p = demo(dir.path(), "t.daftar", "1");
    let (victim, _) = org_ids(&p).into_iter().next().unwrap();
    let seq = {
        let c = rusqlite::Connection::open(&p).unwrap();
        // A forger must first remove the append-only guard.
        c.execute_batch("DROP TRIGGER events_no_update").unwrap();
        let seq: i64 = c
            .query_row(
                "SELECT seq FROM events WHERE org_id = ?1 AND kind = 'savings.deposit'
                 ORDER BY seq LIMIT 1 OFFSET 4",
                [&victim],
                |r| r.get(0),
            )
            .unwrap();
        let n = c
            .execute(
                "UPDATE events SET canonical = CAST(replace(CAST(canonical AS TEXT), '\"amount\":', '\"amount\":9') AS BLOB)
                 WHERE org_id = ?1 AND seq = ?2 AND instr(CAST(canonical AS TEXT), '\"amount\":') > 0",
                rusqlite::params![victim, seq],
            )
            .unwrap();
        assert_eq!(n, 1);
        seq
    };
    let o = daftar(&["verify", "--db", &p]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    let out = stdout(&o);
    // The dropped guard is named too: the schema is no longer daftar's.
    assert!(
        out.contains("TAMPERED  schema: the trigger events_no_update is missing"),
        "{out}"
    );
    let bad: Vec<_> = out
        .lines()
        .filter(|l| l.starts_with("TAMPERED") && !l.starts_with("TAMPERED  schema:"))
        .collect();
    assert_eq!(bad.len(), 1, "{out}");
    assert!(
        bad[0].contains(&victim) && bad[0].contains(&format!("seq {seq}:")),
        "{out}"
    );
    assert!(bad[0].contains("bytes were changed"), "{out}");
}

#[test]
fn verify_of_one_organisation_names_its_tampering_and_passes_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let p = demo(dir.path(), "o.daftar", "1");
    let orgs = org_ids(&p);
    let (victim, other) = (&orgs[0].0, &orgs[1].0);
    let o = daftar(&["verify", "--db", &p, "--org", victim]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("ok "), "{}", stdout(&o));
    assert_eq!(stdout(&o).lines().count(), 1);
    rusqlite::Connection::open(&p)
        .unwrap()
        .execute(
            "UPDATE accounts SET balance = balance + 1 WHERE org_id = ?1 AND code = '1100'",
            [victim],
        )
        .unwrap();
    let o = daftar(&["verify", "--db", &p, "--org", victim, "--format", "json"]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["org"]["differences"][0]["table"], "accounts");
    assert_eq!(
        daftar(&["verify", "--db", &p, "--org", other])
            .status
            .code(),
        Some(0)
    );
    // An organisation the book does not hold is a clear error, not a pass.
    let o = daftar(&["verify", "--db", &p, "--org", "no such group"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not_found"), "{}", stderr(&o));
}

#[test]
fn verify_reports_a_deleted_event_in_the_middle() {
    let dir = tempfile::tempdir().unwrap();
    let p = demo(dir.path(), "t.daftar", "1");
    let (victim, _) = org_ids(&p).into_iter().nth(1).unwrap();
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch("PRAGMA foreign_keys = OFF; DROP TRIGGER events_no_delete")
            .unwrap();
        c.execute(
            "DELETE FROM events WHERE org_id = ?1 AND seq = 15",
            [&victim],
        )
        .unwrap();
    }
    let o = daftar(&["verify", "--db", &p, "--format", "json"]);
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let broken: Vec<_> = v["report"]["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["chain"])
        .filter(|c| !c["problem"].is_null())
        .collect();
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0]["org_id"], victim.as_str());
    assert_eq!(broken[0]["problem"]["seq"], 16);
    assert!(broken[0]["problem"]["reason"]
        .as_str()
        .unwrap()
        .contains("event 15 is missing"));
}

#[test]
fn trial_balance_totals_are_equal_for_every_demo_organisation() {
    let dir = tempfile::tempdir().unwrap();
    let p = demo(dir.path(), "tb.daftar", "3");
    for (id, _) in org_ids(&p) {
        let o = daftar(&[
            "report",
            "trial-balance",
            "--db",
            &p,
            "--org",
            &id,
            "--format",
            "json",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["total_debit"], v["total_credit"]);
        assert_ne!(v["total_debit"], "0");
        let table = stdout(&daftar(&[
            "report",
            "trial-balance",
            "--db",
            &p,
            "--org",
            &id,
            "--locale",
            "en-IN",
        ]));
        assert!(table.trim_end().ends_with("balanced"), "{table}");
    }
}

#[test]
fn commands_on_a_missing_book_fail_clearly_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nope.daftar").display().to_string();
    for args in [vec!["verify", "--db", &p], vec!["orgs", "--db", &p]] {
        let o = daftar(&args);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("not found"), "{}", stderr(&o));
    }
    assert!(!Path::new(&p).exists());
}

#[test]
fn an_unknown_organisation_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = demo(dir.path(), "u.daftar", "1");
    let o = daftar(&["report", "trial-balance", "--db", &p, "--org", "ffffffff"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("not found: organisation ffffffff"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_demo_holds_a_year_of_meetings_with_loans_late_payments_and_an_exit() {
    let dir = tempfile::tempdir().unwrap();
    let p = demo(dir.path(), "y.daftar", "1");
    let shgs: Vec<String> = org_ids(&p)
        .into_iter()
        .filter(|(_, l)| l.contains(" shg "))
        .map(|(id, _)| id)
        .collect();
    for id in shgs {
        let meetings = stdout(&daftar(&["meetings", "--db", &p, "--org", &id]));
        assert_eq!(meetings.lines().count(), 52, "{meetings}");
        assert!(meetings.lines().all(|l| l.contains("closed")));
        let loans = stdout(&daftar(&[
            "loan",
            "list",
            "--db",
            &p,
            "--org",
            &id,
            "--as-of",
            "2025-03-31",
        ]));
        assert!(loans.lines().count() > 8, "{loans}");
        assert!(
            loans.contains("closed") && loans.contains("active"),
            "{loans}"
        );
        let members = stdout(&daftar(&["members", "--db", &p, "--org", &id]));
        assert_eq!(
            members.lines().filter(|l| l.contains("exited")).count(),
            1,
            "{members}"
        );
        let tb = stdout(&daftar(&[
            "report",
            "trial-balance",
            "--db",
            &p,
            "--org",
            &id,
            "--locale",
            "en-IN",
        ]));
        assert!(
            tb.contains("4200") && tb.contains("Penalties"),
            "late payments leave penalties:\n{tb}"
        );
    }
}

#[test]
fn checkpoint_and_verify_against_it_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let p = demo(dir.path(), "cp.daftar", "1");
    let (org, line) = org_ids(&p).into_iter().next().unwrap();
    // Dates on the command line are in the organisation's calendar:
    // 2025-06-01 is 11 Khordad 1404 for the Iranian fund.
    let june_first = if line.contains("fa-IR") {
        "1404/03/11"
    } else {
        "2025-06-01"
    };
    let o = daftar(&["checkpoint", "--db", &p, "--org", &org]);
    assert!(o.status.success());
    let cp = stdout(&o).trim().to_string();
    assert!(cp.starts_with("daftar1 ") && cp.contains(&org), "{cp}");
    let o = daftar(&["verify", "--db", &p, "--against", &cp]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("holds"));
    // A reversal through the CLI appends to the chain; the checkpoint still holds.
    let seq: i64 = rusqlite::Connection::open(&p)
        .unwrap()
        .query_row(
            "SELECT min(seq) FROM events WHERE org_id = ?1 AND kind = 'money.payment'",
            [&org],
            |r| r.get(0),
        )
        .unwrap();
    let seq = seq.to_string();
    let o = daftar(&[
        "reverse",
        "--db",
        &p,
        "--org",
        &org,
        "--actor",
        "asha",
        "--seq",
        &seq,
        "--reason",
        "wrong voucher",
        "--date",
        june_first,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = daftar(&["verify", "--db", &p, "--against", &cp]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let journal = stdout(&daftar(&[
        "report", "journal", "--db", &p, "--org", &org, "--from", june_first, "--locale", "en-IN",
    ]));
    assert!(journal.contains(&format!("reverses {seq}")), "{journal}");
    assert!(
        journal.contains(&format!("Reversal of entry {seq}: wrong voucher")),
        "{journal}"
    );
    // A checkpoint from a longer history is not held by this book.
    let longer = cp.replace(&format!(" {} ", cp.split(' ').nth(2).unwrap()), " 999999 ");
    let o = daftar(&["verify", "--db", &p, "--against", &longer]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stdout(&o).contains("truncated"), "{}", stdout(&o));
}

#[test]
fn every_report_is_reachable_in_table_csv_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let p = demo(dir.path(), "reports.daftar", "1");
    let shg = org_ids(&p)
        .into_iter()
        .find(|(_, l)| l.contains(" shg "))
        .unwrap()
        .0;
    let reports: [&[&str]; 12] = [
        &["grading", "--from", "2024-04-01", "--to", "2024-09-30"],
        &["journal", "--from", "2024-04-01", "--to", "2024-04-30"],
        &["trial-balance"],
        &["passbook", "--member", "1"],
        &["cash-book"],
        &["bank-book"],
        &["loan-ledger", "--loan", "1"],
        &["portfolio", "--as-of", "2024-12-31"],
        &["receipts-payments"],
        &["income-expenditure"],
        &["balance-sheet"],
        &["monthly", "--month", "2024-09"],
    ];
    for r in reports {
        for format in ["table", "csv", "json"] {
            let mut args = vec![
                "report", r[0], "--db", &p, "--org", &shg, "--format", format,
            ];
            args.extend_from_slice(&r[1..]);
            let o = daftar(&args);
            assert!(o.status.success(), "{args:?}: {}", stderr(&o));
            let out = stdout(&o);
            assert!(out.lines().count() > 1, "{args:?}: {out}");
            if format == "json" {
                serde_json::from_str::<serde_json::Value>(&out).unwrap();
            }
        }
    }
    let o = daftar(&["report", "passbook", "--db", &p, "--org", &shg]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("needs --member"), "{}", stderr(&o));
}

#[test]
fn the_benchmark_runs_and_prints_its_table() {
    // Timing is never asserted: this only checks the command works end to end.
    let o = daftar(&["bench", "--quick"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "meeting 15x4 entries, one transaction, p50",
        "meeting 15x4 entries, every save durable, p99",
        "bulk load of",
        "verify chains, demo book",
        "verify all, scaled book",
        "trial balance, one SHG",
        "passbook of one member",
        "loan portfolio",
        "cold open",
        "call from Rust: policy",
        "raw SQLite, same",
        "floor: 62 bare rows",
        "cash book, fiscal year",
        "balance sheet, on the last day",
        "bundle of one SHG",
        "a new phone takes the bundle in",
        "growth: verify one SHG",
        "growth: a meeting, one transaction, 3 SHGs",
        "peak RSS",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    // Every workload's process reported its own peak memory.
    assert_eq!(out.matches(" kB\n").count(), 9, "{out}");
}

#[test]
fn a_bench_workload_that_does_not_exist_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_string_lossy().to_string();
    let o = daftar(&["bench", "--workload", "nonsense", "--dir", &d]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not one of meeting"), "{}", stderr(&o));
}
