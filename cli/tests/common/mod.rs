//! What the `daftar` binary's tests share: running it, and a demo book.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub fn daftar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_daftar"))
        .args(args)
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The demo book of `seed` at `dir/name`; its path.
pub fn demo(dir: &Path, name: &str, seed: &str) -> String {
    let p = dir.join(name).display().to_string();
    let o = daftar(&["demo", "--db", &p, "--seed", seed]);
    assert!(o.status.success(), "{}", stderr(&o));
    p
}

/// Each organisation's id, with its whole line from `daftar orgs`.
pub fn org_ids(db: &str) -> Vec<(String, String)> {
    let o = daftar(&["orgs", "--db", db]);
    assert!(o.status.success());
    stdout(&o)
        .lines()
        .map(|l| {
            let mut parts = l.split_whitespace();
            let id = parts.next().unwrap().to_string();
            (id, l.to_string())
        })
        .collect()
}
