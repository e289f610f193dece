//! `daftar device`, `custody` and `bundle` as a support person runs them:
//! a book carried phone to phone in a file, and what is refused on the way.

use std::path::Path;
use std::process::{Command, Output};

fn daftar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_daftar"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let o = daftar(args);
    assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
    text(&o.stdout)
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// Records one command (docs/commands.md) as written on `device`.
fn apply(db: &str, device: &str, n: u32, command: &str) -> Output {
    let line = format!(
        r#"{{"op_id":"01930000-0000-7000-8000-{n:012x}","actor":"asha","device":"{device}","recorded_at":"2025-04-01T10:00:00Z","command":{command}}}"#
    );
    let file = format!("{db}.{n}.jsonl");
    std::fs::write(&file, line).unwrap();
    daftar(&["apply", "--db", db, &file])
}

/// A small book: an SHG with a member, created on the CLI.
fn small_book(dir: &Path, name: &str) -> (String, String) {
    let db = path(dir, name);
    let org = "01930000-0000-7000-8000-00000000abcd";
    for (n, command) in [
        format!(r#"{{"action":"create_organisation","organisation":{{"id":"{org}","kind":"shg","name":"Asha SHG","currency":{{"code":"INR","scale":2}},"calendar":"gregorian","fiscal_year_start":{{"month":4,"day":1}},"locale":"en-IN","rounding":{{"unit":"minor","mode":"half-even"}},"opened_on":"2025-04-01"}}}}"#),
        format!(r#"{{"action":"add_member","org":"{org}","member":{{"member_no":null,"name":"Sita","role":"member","phone":null,"joined_on":"2025-04-01"}}}}"#),
    ]
    .iter()
    .enumerate()
    {
        let o = apply(&db, "phone-a", n as u32 + 1, command);
        assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    }
    (db, org.to_string())
}

fn deposit(db: &str, device: &str, n: u32, org: &str, amount: &str) -> Output {
    let command = format!(
        r#"{{"action":"deposit_savings","org":"{org}","entry":{{"date":"2025-04-02","member_no":1,"via":"cash","amount":"{amount}","fund":"compulsory"}}}}"#
    );
    apply(db, device, n, &command)
}

#[test]
fn a_book_goes_phone_to_phone_in_a_file_and_a_second_import_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (a, org) = small_book(dir.path(), "a.daftar");
    let file = path(dir.path(), "a.bundle");
    // Not before custody is claimed, and the message says how.
    let o = daftar(&[
        "bundle", "export", "--db", &a, "--org", &org, "--out", &file,
    ]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("daftar custody claim"),
        "{}",
        text(&o.stderr)
    );
    assert!(!Path::new(&file).exists());

    ok(&[
        "custody", "claim", "--db", &a, "--org", &org, "--actor", "asha",
    ]);
    ok(&[
        "bundle", "export", "--db", &a, "--org", &org, "--out", &file,
    ]);
    let b = path(dir.path(), "b.daftar");
    let first = ok(&["bundle", "import", "--db", &b, &file]);
    assert!(first.contains("3 events added"), "{first}");
    let bytes = std::fs::read(&b).unwrap();
    let again = ok(&["bundle", "import", "--db", &b, &file]);
    assert!(
        again.contains("0 events added") && again.contains("1 chunks were already held"),
        "{again}"
    );
    assert_eq!(std::fs::read(&b).unwrap(), bytes);
    assert!(ok(&["verify", "--db", &b]).contains("chain and replay verified"));
}

#[test]
fn a_hand_over_moves_the_pen_and_the_old_phones_late_write_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (a, org) = small_book(dir.path(), "a.daftar");
    ok(&["device", "--db", &a, "--name", "phone-a"]);
    ok(&[
        "custody", "claim", "--db", &a, "--org", &org, "--actor", "asha",
    ]);
    let start = path(dir.path(), "start.bundle");
    ok(&[
        "bundle", "export", "--db", &a, "--org", &org, "--out", &start,
    ]);
    let b = path(dir.path(), "b.daftar");
    ok(&["bundle", "import", "--db", &b, &start]);
    let id = ok(&["device", "--db", &b, "--name", "phone-b"]);
    let key = id
        .lines()
        .find_map(|l| l.strip_prefix("key"))
        .unwrap()
        .trim()
        .to_string();

    ok(&[
        "custody",
        "hand-over",
        "--db",
        &a,
        "--org",
        &org,
        "--actor",
        "asha",
        "--to-device",
        "phone-b",
        "--to-key",
        &key,
    ]);
    let hand = path(dir.path(), "hand.bundle");
    ok(&[
        "bundle", "export", "--db", &a, "--org", &org, "--after", "3", "--out", &hand,
    ]);
    // Sealed to phone B: another phone's book cannot read it, and is unchanged.
    let sealed = std::fs::read(&hand).unwrap();
    assert!(sealed.starts_with(b"daftar.sealed.v1\n"));
    let c = path(dir.path(), "c.daftar");
    ok(&["bundle", "import", "--db", &c, &start]);
    ok(&["device", "--db", &c, "--name", "phone-c"]);
    let before = std::fs::read(&c).unwrap();
    let o = daftar(&["bundle", "import", "--db", &c, &hand]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("wrong_device") && text(&o.stderr).contains(&key),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(std::fs::read(&c).unwrap(), before);
    // Nor can a book that does not exist yet, and none is left behind.
    let d = path(dir.path(), "d.daftar");
    let o = daftar(&["bundle", "import", "--db", &d, &hand]);
    assert!(
        text(&o.stderr).contains("wrong_device"),
        "{}",
        text(&o.stderr)
    );
    assert!(!Path::new(&d).exists());
    // The whole chain for B, sealed too: no member's name in the file.
    let whole = path(dir.path(), "whole.bundle");
    ok(&[
        "bundle", "export", "--db", &a, "--org", &org, "--out", &whole,
    ]);
    let whole_bytes = std::fs::read(&whole).unwrap();
    assert!(!whole_bytes.windows(4).any(|w| w == b"Sita"));

    ok(&["bundle", "import", "--db", &b, &hand]);
    let shown = ok(&["custody", "show", "--db", &b, "--org", &org]);
    assert!(
        shown.contains("device phone-b") && shown.contains("epoch 2"),
        "{shown}"
    );

    // B writes; A may not.
    let by_b = deposit(&b, "phone-b", 10, &org, "10");
    assert!(
        by_b.status.success(),
        "{}{}",
        text(&by_b.stdout),
        text(&by_b.stderr)
    );
    let late = deposit(&a, "phone-a", 11, &org, "5");
    assert!(!late.status.success());
    assert!(
        text(&late.stdout).contains("not_writer") || text(&late.stderr).contains("not_writer"),
        "{}{}",
        text(&late.stdout),
        text(&late.stderr)
    );
}

#[test]
fn a_damaged_bundle_is_refused_and_leaves_no_book_behind() {
    let dir = tempfile::tempdir().unwrap();
    let (a, org) = small_book(dir.path(), "a.daftar");
    ok(&[
        "custody", "claim", "--db", &a, "--org", &org, "--actor", "asha",
    ]);
    let file = path(dir.path(), "a.bundle");
    ok(&[
        "bundle", "export", "--db", &a, "--org", &org, "--out", &file,
    ]);
    let good = std::fs::read_to_string(&file).unwrap();
    let bad = path(dir.path(), "bad.bundle");
    std::fs::write(&bad, good.replacen("Sita", "Gita", 1)).unwrap();
    let c = path(dir.path(), "c.daftar");
    let o = daftar(&["bundle", "import", "--db", &c, &bad]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("broken_chain"),
        "{}",
        text(&o.stderr)
    );
    assert!(!Path::new(&c).exists());
    // And the bundle may never be written over the book.
    let o = daftar(&["bundle", "export", "--db", &a, "--org", &org, "--out", &a]);
    assert!(!o.status.success());
    assert!(ok(&["verify", "--db", &a]).contains("verified"));
}
