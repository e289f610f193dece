//! Encrypted books from the command line (`--features encrypted-system-openssl`):
//! a key made in a private file, given through the environment only; a book
//! made, read and verified with it; a wrong or missing key told as such; a
//! plain book encrypted by copy and a key changed.
#![cfg(any(feature = "encrypted", feature = "encrypted-system-openssl"))]

use std::path::Path;
use std::process::{Command, Output};

fn daftar(key_file: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_daftar"));
    c.args(args)
        .env_remove("DAFTAR_KEY")
        .env_remove("DAFTAR_KEY_FILE");
    if let Some(k) = key_file {
        c.env("DAFTAR_KEY_FILE", k);
    }
    c.output().unwrap()
}

fn ok(key_file: Option<&Path>, args: &[&str]) -> String {
    let o = daftar(key_file, args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn err(key_file: Option<&Path>, args: &[&str]) -> String {
    let o = daftar(key_file, args);
    assert!(!o.status.success(), "{args:?} succeeded");
    String::from_utf8(o.stderr).unwrap()
}

#[test]
fn a_book_is_made_read_verified_converted_and_rekeyed_with_keys_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let s = |n: &str| p(n).display().to_string();

    ok(None, &["key-new", "--out", &s("k1")]);
    let k1 = std::fs::read_to_string(p("k1")).unwrap();
    assert_eq!(k1.trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(p("k1")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(err(None, &["key-new", "--out", &s("k1")]).contains("never written over"));
    assert_eq!(std::fs::read_to_string(p("k1")).unwrap(), k1);
    ok(None, &["key-new", "--out", &s("k2")]);

    let k1f = p("k1");
    ok(Some(&k1f), &["demo", "--db", &s("enc.daftar")]);
    let bytes = std::fs::read(p("enc.daftar")).unwrap();
    assert_ne!(&bytes[..16], b"SQLite format 3\0");
    assert!(ok(Some(&k1f), &["orgs", "--db", &s("enc.daftar")]).contains("IRR"));
    assert!(ok(Some(&k1f), &["verify", "--db", &s("enc.daftar")]).contains("verified"));

    let before = std::fs::read(p("enc.daftar")).unwrap();
    let none = err(None, &["orgs", "--db", &s("enc.daftar")]);
    assert!(
        none.contains("not_a_book") && none.contains("needs its key"),
        "{none}"
    );
    let k2f = p("k2");
    let wrong = err(Some(&k2f), &["orgs", "--db", &s("enc.daftar")]);
    assert!(
        wrong.contains("wrong_key") && !wrong.contains("corrupt"),
        "{wrong}"
    );
    assert_eq!(std::fs::read(p("enc.daftar")).unwrap(), before);

    // A plain book, encrypted by copy; the plain one stays as it was.
    ok(None, &["demo", "--db", &s("plain.daftar")]);
    let plain = std::fs::read(p("plain.daftar")).unwrap();
    assert!(err(
        None,
        &[
            "encrypt",
            "--db",
            &s("plain.daftar"),
            "--out",
            &s("copy.daftar")
        ]
    )
    .contains("DAFTAR_KEY_FILE"));
    ok(
        Some(&k1f),
        &[
            "encrypt",
            "--db",
            &s("plain.daftar"),
            "--out",
            &s("copy.daftar"),
        ],
    );
    assert_eq!(std::fs::read(p("plain.daftar")).unwrap(), plain);
    let tb = |key: Option<&Path>, db: &str| {
        let orgs = ok(key, &["orgs", "--db", db]);
        let org = orgs.split_whitespace().next().unwrap().to_string();
        ok(key, &["report", "trial-balance", "--db", db, "--org", &org])
    };
    assert_eq!(
        tb(Some(&k1f), &s("copy.daftar")),
        tb(None, &s("plain.daftar"))
    );

    // A new key: the old one opens it no more.
    ok(
        Some(&k1f),
        &[
            "rekey",
            "--db",
            &s("copy.daftar"),
            "--new-key-file",
            &s("k2"),
        ],
    );
    assert!(err(Some(&k1f), &["orgs", "--db", &s("copy.daftar")]).contains("wrong_key"));
    assert!(ok(Some(&k2f), &["verify", "--db", &s("copy.daftar")]).contains("verified"));
}
