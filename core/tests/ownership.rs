//! ARCHITECTURE.md's "Who writes each table" is true: every INSERT, UPDATE and
//! DELETE in the source names a table whose owner, by that table, is the file
//! it stands in. A write from anywhere else fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// table -> files allowed to write it, from ARCHITECTURE.md.
fn owners() -> BTreeMap<String, BTreeSet<String>> {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let section = doc
        .split("## Who writes each table")
        .nth(1)
        .expect("ARCHITECTURE.md has a section \"Who writes each table\"");
    let section = section.split("\n## ").next().unwrap();
    let ticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, s)| s.to_string())
            .collect()
    };
    let mut map = BTreeMap::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').collect();
        for table in ticked(cells[1]) {
            map.insert(table, ticked(cells[2]).into_iter().collect());
        }
    }
    assert!(
        map.len() >= 10,
        "too few rows read from ARCHITECTURE.md: {map:?}"
    );
    map
}

fn tables_of_the_schema() -> BTreeSet<String> {
    let sql = std::fs::read_to_string(root().join("core/src/schema/create.sql")).unwrap();
    sql.split("CREATE TABLE ")
        .skip(1)
        .map(|s| {
            s.split(|c: char| !c.is_alphanumeric() && c != '_')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// (file, table) for every write statement outside comments and test modules.
fn writes() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for d in ["core/src", "cli/src", "bindings/src"] {
        rust_files(&root().join(d), &mut files);
    }
    let mut found = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        for line in code.lines() {
            let t = line.trim_start();
            if t.starts_with("//") {
                continue;
            }
            let words: Vec<&str> = t
                .split(|c: char| !c.is_alphanumeric() && c != '_' && c != '{' && c != '}')
                .filter(|w| !w.is_empty())
                .collect();
            for (i, w) in words.iter().enumerate() {
                let table = match *w {
                    "INTO" if i > 0 && words[..i].contains(&"INSERT") => words.get(i + 1),
                    "UPDATE" => words.get(i + 1),
                    "FROM" if i > 0 && words[i - 1] == "DELETE" => words.get(i + 1),
                    _ => None,
                };
                if let Some(table) = table {
                    found.push((rel.clone(), table.to_string()));
                }
            }
        }
    }
    found
}

#[test]
fn every_table_is_written_only_by_its_owner() {
    let owners = owners();
    let schema = tables_of_the_schema();
    for t in &schema {
        assert!(
            owners.contains_key(t),
            "ARCHITECTURE.md names no owner for table {t}"
        );
    }
    let mut wrong = Vec::new();
    let mut seen = BTreeSet::new();
    for (file, table) in writes() {
        if !schema.contains(&table) {
            continue; // a benchmark's or a test's own table
        }
        seen.insert(table.clone());
        // An owner may be a folder (`core/src/lending/`): any file under it.
        let owned = owners[&table]
            .iter()
            .any(|o| *o == file || (o.ends_with('/') && file.starts_with(o.as_str())));
        if !owned {
            wrong.push(format!(
                "{file} writes {table}, owned by {:?}",
                owners[&table]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "writes outside their owner:\n{}",
        wrong.join("\n")
    );
    assert_eq!(
        seen, schema,
        "every table of the schema is written somewhere"
    );
}

#[test]
fn the_scanner_sees_a_write_in_each_form() {
    // The test above is only as good as the scan; check the scan on the owners' own files.
    let w = writes();
    for (file, table) in [
        ("core/src/ledger.rs", "accounts"),
        ("core/src/lending/apply.rs", "instalments"),
        ("core/src/admin.rs", "policies"),
        ("core/src/write.rs", "events"),
    ] {
        assert!(
            w.iter().any(|(f, t)| f == file && t == table),
            "no write of {table} seen in {file}"
        );
    }
}
