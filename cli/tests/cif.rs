//! `daftar report cif-reconciliation`: a VO's book and its groups' books, made
//! by `daftar apply`, reconciled by the loans' shared references.

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

const VO: &str = "01930000-0000-7000-8000-0000000000e0";

/// One command line of `daftar apply`, numbered `n` for its op_id.
fn line(n: u32, command: &str) -> String {
    format!(
        r#"{{"op_id": "01930000-0000-7000-8000-0000000e{n:04x}", "actor": "asha", "device": "phone-1", "recorded_at": "2025-04-10T10:00:00Z", "command": {command}}}"#
    )
}

fn org(id: &str, kind: &str, name: &str) -> String {
    format!(
        r#"{{"action": "create_organisation", "organisation": {{"id": "{id}", "kind": "{kind}", "name": "{name}", "currency": {{"code": "INR", "scale": 2}}, "calendar": "gregorian", "fiscal_year_start": {{"month": 4, "day": 1}}, "locale": "en-IN", "rounding": {{"mode": "half-up", "unit": "minor"}}, "opened_on": "2025-04-01"}}}}"#
    )
}

fn terms(principal: &str, reference: Option<&str>) -> String {
    let r = reference.map_or(String::new(), |r| format!(r#", "reference": "{r}""#));
    format!(
        r#"{{"principal": "{principal}", "rate": "12", "rate_period": "year", "term": 10, "frequency": "monthly", "method": "reducing"{r}}}"#
    )
}

fn borrow(org: &str, principal: &str, reference: Option<&str>) -> String {
    format!(
        r#"{{"action": "receive_borrowing", "org": "{org}", "source": "cif", "date": "2025-04-10", "via": "bank", "terms": {}}}"#,
        terms(principal, reference)
    )
}

fn apply(dir: &Path, name: &str, commands: &[String]) -> String {
    let file = dir.join(format!("{name}.jsonl"));
    let lines: Vec<String> = commands
        .iter()
        .enumerate()
        .map(|(i, c)| line(i as u32 + 1, c))
        .collect();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let db = dir.join(format!("{name}.daftar"));
    let db = db.to_str().unwrap().to_string();
    let o = daftar(&["apply", "--db", &db, file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    db
}

#[test]
fn the_report_matches_a_vos_cif_loans_to_the_groups_books_by_reference() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        "01930000-0000-7000-8000-0000000000e1",
        "01930000-0000-7000-8000-0000000000e2",
    );
    let sanction = |member: u32, principal: &str, r: &str| {
        format!(
            r#"{{"action": "sanction_loan", "org": "{VO}", "member_no": {member}, "date": "2025-04-10", "terms": {}, "via": "bank"}}"#,
            terms(principal, Some(r))
        )
    };
    let member = |name: &str| {
        format!(
            r#"{{"action": "add_member", "org": "{VO}", "member": {{"member_no": null, "name": "{name}", "role": "member", "phone": null, "joined_on": "2025-04-01"}}}}"#
        )
    };
    let vo = apply(
        dir.path(),
        "vo",
        &[
            org(VO, "vo", "Jyoti VO"),
            member("Asha SHG"),
            member("Deepa SHG"),
            borrow(VO, "100000", None),
            format!(r#"{{"action": "open_meeting", "org": "{VO}", "date": "2025-04-10"}}"#),
            sanction(1, "50000", "CIF/25/001"),
            sanction(2, "30000", "CIF/25/002"),
            format!(
                r#"{{"action": "close_meeting", "org": "{VO}", "meeting_no": 1, "counted_cash": "0"}}"#
            ),
        ],
    );
    // Deepa SHG wrote 25,000 where the VO lent 30,000.
    let groups = apply(
        dir.path(),
        "groups",
        &[
            org(a, "shg", "Asha SHG"),
            borrow(a, "50000", Some("CIF/25/001")),
            org(b, "shg", "Deepa SHG"),
            borrow(b, "25000", Some("CIF/25/002")),
        ],
    );
    let report = |format: &str| {
        daftar(&[
            "report",
            "cif-reconciliation",
            "--db",
            &vo,
            "--org",
            VO,
            "--with",
            &groups,
            "--as-of",
            "2025-04-30",
            "--format",
            format,
        ])
    };
    let o = report("json");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let statuses: Vec<&str> = r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["agrees", "differs"]);
    assert_eq!(r["lines"][1]["difference"], "5000.00");
    assert_eq!(r["difference"], "5000.00");
    let table = text(&report("table").stdout);
    assert!(
        table.contains("CIF/25/002") && table.contains("differs"),
        "{table}"
    );
    assert!(table.contains("Deepa SHG"), "{table}");
    // Without --with, the groups are nowhere to be found.
    let alone = daftar(&[
        "report",
        "cif-reconciliation",
        "--db",
        &vo,
        "--org",
        VO,
        "--format",
        "json",
    ]);
    let r: serde_json::Value = serde_json::from_slice(&alone.stdout).unwrap();
    assert_eq!(r["lines"][0]["status"], "only-lender");
    // A missing book is refused, and not created.
    let missing = dir.path().join("nowhere.daftar");
    let o = daftar(&[
        "report",
        "cif-reconciliation",
        "--db",
        &vo,
        "--org",
        VO,
        "--with",
        missing.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(!missing.exists());
}
