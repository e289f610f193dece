//! `daftar apply`: commands as JSON lines, from the documentation's examples to a
//! whole SHG year, checked against the same book built through the Rust API.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use daftar_core::{Book, CommandMeta};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn daftar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_daftar"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn outcomes(o: &Output) -> Vec<serde_json::Value> {
    text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The JSON lines of every ```json block of docs/commands.md, in order.
fn documented_examples() -> String {
    let doc = std::fs::read_to_string(root().join("docs/commands.md")).unwrap();
    let mut out = String::new();
    let mut inside = false;
    for line in doc.lines() {
        match (inside, line.trim()) {
            (false, "```json") => inside = true,
            (true, "```") => inside = false,
            (true, l) => {
                out.push_str(l);
                out.push('\n');
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_example_in_the_commands_document_runs_and_a_rerun_writes_nothing() {
    let examples = documented_examples();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("examples.jsonl");
    std::fs::write(&file, &examples).unwrap();
    let db = dir.path().join("b.daftar");
    let (db, file) = (db.to_str().unwrap(), file.to_str().unwrap());
    let o = daftar(&["apply", "--db", db, file]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let first = outcomes(&o);
    assert_eq!(first.len(), examples.lines().count());
    assert!(first.iter().all(|v| v["replayed"] == false));
    // Every action of the API is shown at least once.
    for action in [
        "create_organisation",
        "add_member",
        "change_member",
        "open_meeting",
        "mark_attendance",
        "close_meeting",
        "reopen_meeting",
        "deposit_savings",
        "withdraw_savings",
        "sanction_loan",
        "apply_for_loan",
        "approve_loan",
        "disburse_loan",
        "repay_loan",
        "write_off_loan",
        "receive_borrowing",
        "repay_borrowing",
        "record_receipt",
        "record_payment",
        "transfer",
        "collect_charge",
        "record_cutoff",
        "exit_member",
        "reverse_entry",
        "approve_correction",
        "reject_correction",
        "set_policy",
        "set_role",
    ] {
        assert!(
            examples.contains(&format!("\"action\": \"{action}\"")),
            "docs/commands.md has no example of {action}"
        );
    }
    let again = daftar(&["apply", "--db", db, file]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    let second = outcomes(&again);
    assert!(second.iter().all(|v| v["replayed"] == true));
    for (a, b) in first.iter().zip(&second) {
        assert_eq!((&a["seq"], &a["hash"]), (&b["seq"], &b["hash"]));
    }
    assert!(daftar(&["verify", "--db", db]).status.success());
}

/// The year file's lines, executed through `Book::execute` as an app would.
fn build_through_the_rust_api(path: &Path) {
    #[derive(serde::Deserialize)]
    struct Line {
        op_id: uuid::Uuid,
        actor: String,
        device: String,
        recorded_at: Option<String>,
        command: daftar_core::Command,
    }
    let book = Book::open(path).unwrap();
    let year = std::fs::read_to_string(root().join("tests/commands/shg-year.jsonl")).unwrap();
    for l in year
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let line: Line = serde_json::from_str(l).unwrap();
        let meta = CommandMeta {
            op_id: line.op_id,
            actor: line.actor,
            device: line.device,
            recorded_at: line.recorded_at,
            pin: None,
        };
        book.execute(&meta, line.command).unwrap();
    }
    book.close().unwrap();
}

#[test]
fn a_year_applied_from_a_file_equals_the_same_year_built_through_the_rust_api() {
    let dir = tempfile::tempdir().unwrap();
    let cli_db = dir.path().join("cli.daftar");
    let api_db = dir.path().join("api.daftar");
    let year = root().join("tests/commands/shg-year.jsonl");
    let o = daftar(&[
        "apply",
        "--db",
        cli_db.to_str().unwrap(),
        year.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    build_through_the_rust_api(&api_db);
    let org = "01930000-0000-7000-8000-0000000000a1";
    let cli = Book::open_existing(&cli_db).unwrap();
    let api = Book::open_existing(&api_db).unwrap();
    let org_id = uuid::Uuid::parse_str(org).unwrap();
    assert_eq!(
        cli.chain_head(org_id).unwrap(),
        api.chain_head(org_id).unwrap()
    );
    drop((cli, api));
    for report in [
        vec!["report", "trial-balance", "--as-of", "2026-03-31"],
        vec!["report", "portfolio", "--as-of", "2026-03-31"],
        vec![
            "report",
            "receipts-payments",
            "--from",
            "2025-04-01",
            "--to",
            "2026-03-31",
        ],
        vec!["report", "passbook", "--member", "1"],
        vec!["loan", "list", "--as-of", "2026-03-31"],
    ] {
        let run = |db: &Path| {
            let mut args = report.clone();
            args.extend(["--db", db.to_str().unwrap(), "--org", org]);
            let o = daftar(&args);
            assert!(o.status.success(), "{report:?}: {}", text(&o.stderr));
            text(&o.stdout)
        };
        assert_eq!(run(&cli_db), run(&api_db), "{report:?}");
    }
    // The year as a person checks it: both loans repaid on time, cash as counted.
    let tb = daftar(&[
        "report",
        "trial-balance",
        "--db",
        cli_db.to_str().unwrap(),
        "--org",
        org,
        "--format",
        "json",
        "--as-of",
        "2026-03-31",
    ]);
    let tb: serde_json::Value = serde_json::from_slice(&tb.stdout).unwrap();
    let balance = |code: &str| {
        tb["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("no account {code} in {tb}"))
    };
    assert_eq!(balance("1100")["debit"], "20700.00", "cash in hand");
    assert!(daftar(&["verify", "--db", cli_db.to_str().unwrap()])
        .status
        .success());
}

#[test]
fn a_refused_line_names_its_number_and_keeps_the_lines_before_it() {
    let examples = documented_examples();
    let good: Vec<&str> = examples.lines().take(6).collect();
    let bad = r#"{"op_id":"01930000-0000-7000-8000-00000000ffff","actor":"asha","device":"phone-1","command":{"action":"open_meeting","org":"01930000-0000-7000-8000-0000000000d0","date":"2025-03-01"}}"#;
    let after = examples.lines().nth(6).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.jsonl");
    std::fs::write(&file, format!("{}\n\n{bad}\n{after}\n", good.join("\n"))).unwrap();
    let db = dir.path().join("b.daftar");
    let (db, file) = (db.to_str().unwrap(), file.to_str().unwrap());
    let o = daftar(&["apply", "--db", db, file]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("line 8:"), "{}", text(&o.stderr));
    let lines = outcomes(&o);
    assert_eq!(lines.len(), 7, "six outcomes and the refusal");
    assert_eq!(lines[6]["line"], 8);
    assert_eq!(lines[6]["code"], "invalid_input");
    let book = Book::open_existing(db).unwrap();
    assert_eq!(
        book.event_count().unwrap(),
        6,
        "what came before stays; the refused line wrote nothing"
    );
    drop(book);
    let o = daftar(&["apply", "--keep-going", "--db", db, file]);
    assert_eq!(o.status.code(), Some(1));
    let book = Book::open_existing(db).unwrap();
    assert_eq!(
        book.event_count().unwrap(),
        7,
        "--keep-going records the line after"
    );
}

#[test]
fn the_same_op_id_from_another_actor_or_with_a_float_amount_is_refused() {
    let examples = documented_examples();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.jsonl");
    let first: Vec<&str> = examples.lines().take(6).collect();
    let mut stolen: serde_json::Value = serde_json::from_str(first[3]).unwrap();
    stolen["actor"] = "someone-else".into();
    std::fs::write(&file, format!("{}\n{stolen}\n", first.join("\n"))).unwrap();
    let db = dir.path().join("b.daftar");
    let o = daftar(&[
        "apply",
        "--db",
        db.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(outcomes(&o)[6]["code"], "conflict");
    let float = r#"{"op_id":"01930000-0000-7000-8000-00000000fffe","actor":"asha","device":"p","command":{"action":"deposit_savings","org":"01930000-0000-7000-8000-0000000000d0","entry":{"date":"2025-04-01","member_no":1,"via":"cash","amount":100.1,"fund":"compulsory"}}}"#;
    std::fs::write(&file, format!("{float}\n")).unwrap();
    let o = daftar(&[
        "apply",
        "--db",
        db.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert_eq!(outcomes(&o)[0]["code"], "invalid_input");
    assert!(
        text(&o.stderr).contains("must be a string"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn support_staff_add_and_change_a_member_from_the_command_line() {
    let examples = documented_examples();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.jsonl");
    std::fs::write(
        &file,
        examples.lines().take(5).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let db = dir.path().join("b.daftar");
    let db = db.to_str().unwrap();
    assert!(daftar(&["apply", "--db", db, file.to_str().unwrap()])
        .status
        .success());
    let org = "01930000-0000-7000-8000-0000000000d0";
    let who = [
        "--db",
        db,
        "--org",
        org,
        "--actor",
        "asha",
        "--date",
        "2025-04-02",
    ];
    let run = |extra: &[&str]| {
        let mut args = vec!["member"];
        args.extend_from_slice(&extra[..1]);
        args.extend_from_slice(&who);
        args.extend_from_slice(&extra[1..]);
        daftar(&args)
    };
    let o = run(&["add", "--name", "गीता देवी", "--phone", "९८७६५४३२१०"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("member 2 added"));
    let o = run(&[
        "change",
        "--member",
        "1",
        "--name",
        "Sita Kumari",
        "--role",
        "treasurer",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = run(&["change", "--member", "2", "--remove-phone"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let before = std::fs::read(db).unwrap();
    for bad in [
        vec!["change", "--member", "1", "--phone", "not a phone"],
        vec!["change", "--member", "9", "--name", "Nobody"],
        vec!["change", "--member", "1", "--role", "queen"],
        vec!["change", "--member", "1"],
    ] {
        let o = run(&bad);
        assert_eq!(o.status.code(), Some(1), "{bad:?}: {}", text(&o.stderr));
    }
    assert_eq!(
        std::fs::read(db).unwrap(),
        before,
        "a refused change wrote nothing"
    );
    let list = text(&daftar(&["members", "--db", db, "--org", org]).stdout);
    assert!(list.contains("Sita Kumari"), "{list}");
    assert!(list.contains("treasurer"), "{list}");
    assert!(list.contains("गीता देवी"), "{list}");
    let gita = list.lines().find(|l| l.contains("गीता देवी")).unwrap();
    assert!(!gita.contains("987"), "her phone was removed: {gita}");
}
