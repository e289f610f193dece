//! The like-for-like baseline: the rows a book's commands wrote, recorded
//! command by command, then written again by raw SQLite into a file with the
//! book's own schema (tables, indexes, triggers) and pragmas. Recording runs
//! on a book of its own, never timed: triggers added to it log the key of
//! every row written, in order, and after each command the recorder reads
//! those rows as they then stand.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use daftar_core::Error;
use rusqlite::types::Value;
use rusqlite::Connection;

/// One row written: inserted, changed (only the columns that changed), or deleted.
enum Change {
    Insert {
        table: usize,
        row: Vec<Value>,
    },
    Update {
        table: usize,
        columns: Vec<usize>,
        values: Vec<Value>,
        key: Vec<Value>,
    },
    Delete {
        table: usize,
        key: Vec<Value>,
    },
}

struct Table {
    name: String,
    columns: Vec<String>,
    /// Indexes into `columns` of the primary key; empty for a rowid table with
    /// no declared key, which is then keyed by its rowid (kept as the last column).
    key: Vec<usize>,
}

impl Table {
    fn key_where(&self) -> String {
        if self.key.is_empty() {
            "rowid = ?1".into()
        } else {
            self.key
                .iter()
                .enumerate()
                .map(|(n, &i)| format!("\"{}\" = ?{}", self.columns[i], n + 1))
                .collect::<Vec<_>>()
                .join(" AND ")
        }
    }

    /// The columns as selected: a keyless rowid table also gives its rowid.
    fn select_list(&self) -> String {
        let mut c: Vec<String> = self.columns.iter().map(|c| format!("\"{c}\"")).collect();
        if self.key.is_empty() {
            c.push("rowid".into());
        }
        c.join(", ")
    }
}

/// The most primary-key columns a table of the book may have here.
const KEY_WIDTH: usize = 6;

/// The rows each command wrote, in order, with the marks where rounds begin.
pub(super) struct Recorder {
    book: std::path::PathBuf,
    log: Connection,
    tables: Vec<Table>,
    ddl: Vec<String>,
    /// Every row written so far, by table and key: what an update changed.
    rows: Vec<HashMap<String, Vec<Value>>>,
    logged: i64,
    groups: Vec<Vec<Change>>,
    rounds: Vec<usize>,
}

impl Recorder {
    /// Starts on a book just created, before any command. The book gets the
    /// log table and its triggers: it is the recording's own book, never timed.
    pub(super) fn new(book: &Path) -> Result<Recorder, Error> {
        let log = Connection::open(book)?;
        log.execute_batch("PRAGMA synchronous = OFF")?;
        let ddl: Vec<(String, String, String)> = log
            .prepare(
                "SELECT type, name, sql FROM sqlite_schema
                  WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
                  ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let keys: String = (1..=KEY_WIDTH).map(|i| format!(", k{i}")).collect();
        let mut script = format!(
            "CREATE TABLE bench_writes (id INTEGER PRIMARY KEY, tbl INTEGER, op TEXT{keys});"
        );
        let mut tables = Vec::new();
        for (kind, name, _) in &ddl {
            if kind != "table" {
                continue;
            }
            let info: Vec<(String, i64)> = log
                .prepare(&format!("PRAGMA table_info(\"{name}\")"))?
                .query_map([], |r| Ok((r.get(1)?, r.get(5)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut key: Vec<(i64, usize)> = info
                .iter()
                .enumerate()
                .filter(|(_, (_, pk))| *pk > 0)
                .map(|(i, (_, pk))| (*pk, i))
                .collect();
            key.sort();
            let table = Table {
                name: name.clone(),
                columns: info.into_iter().map(|(c, _)| c).collect(),
                key: key.into_iter().map(|(_, i)| i).collect(),
            };
            if table.key.len() > KEY_WIDTH {
                return Err(Error::Storage {
                    reason: format!("table {name} has a key wider than {KEY_WIDTH} columns"),
                });
            }
            let t = tables.len();
            let key_of = |row: &str| -> String {
                if table.key.is_empty() {
                    format!("{row}.rowid")
                } else {
                    let k: Vec<String> = table
                        .key
                        .iter()
                        .map(|&i| format!("{row}.\"{}\"", table.columns[i]))
                        .collect();
                    k.join(", ")
                }
            };
            let n = table.key.len().max(1);
            let cols: String = (1..=n).map(|i| format!(", k{i}")).collect();
            for (op, when, row) in [
                ("I", "INSERT", "NEW"),
                ("U", "UPDATE", "NEW"),
                ("D", "DELETE", "OLD"),
            ] {
                script += &format!(
                    "CREATE TRIGGER bench_{op}_{t} AFTER {when} ON \"{name}\" BEGIN
                       INSERT INTO bench_writes (tbl, op{cols}) VALUES ({t}, '{op}', {});
                     END;",
                    key_of(row)
                );
            }
            tables.push(table);
        }
        log.execute_batch(&script)?;
        let rows = tables.iter().map(|_| HashMap::new()).collect();
        let mut r = Recorder {
            book: book.to_path_buf(),
            log,
            tables,
            ddl: ddl.into_iter().map(|(_, _, sql)| sql).collect(),
            rows,
            logged: 0,
            groups: Vec::new(),
            rounds: Vec::new(),
        };
        r.capture()?;
        Ok(r)
    }

    /// Where a round begins: the commands captured after this belong to it.
    pub(super) fn mark_round(&mut self) {
        self.rounds.push(self.groups.len());
    }

    /// What the last command wrote: each logged key, with its row as it now stands.
    pub(super) fn capture(&mut self) -> Result<(), Error> {
        let keys: String = (1..=KEY_WIDTH).map(|i| format!(", k{i}")).collect();
        let logged: Vec<(i64, usize, String, Vec<Value>)> = self
            .log
            .prepare_cached(&format!(
                "SELECT id, tbl, op{keys} FROM bench_writes WHERE id > ?1 ORDER BY id"
            ))?
            .query_map([self.logged], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    (0..KEY_WIDTH)
                        .map(|i| r.get(3 + i))
                        .collect::<rusqlite::Result<_>>()?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut group = Vec::with_capacity(logged.len());
        for (id, t, op, mut key) in logged {
            self.logged = id;
            let table = self.tables.get(t).ok_or_else(|| Error::Storage {
                reason: format!("bench log names table {t}"),
            })?;
            key.truncate(table.key.len().max(1));
            if op == "D" {
                self.rows[t].remove(&format!("{key:?}"));
                group.push(Change::Delete { table: t, key });
                continue;
            }
            let row: Vec<Value> = self
                .log
                .prepare_cached(&format!(
                    "SELECT {} FROM \"{}\" WHERE {}",
                    table.select_list(),
                    table.name,
                    table.key_where()
                ))?
                .query_row(rusqlite::params_from_iter(key.iter()), |r| {
                    (0..table.columns.len() + usize::from(table.key.is_empty()))
                        .map(|i| r.get(i))
                        .collect()
                })?;
            let before = self.rows[t].insert(format!("{key:?}"), row.clone());
            match (op.as_str(), before) {
                ("U", Some(was)) => {
                    let mut columns: Vec<usize> = (0..table.columns.len())
                        .filter(|&i| was[i] != row[i])
                        .collect();
                    if columns.is_empty() {
                        // Written with the same values: the same write again.
                        columns = (0..table.columns.len())
                            .filter(|i| !table.key.contains(i))
                            .collect();
                    }
                    let values = columns.iter().map(|&i| row[i].clone()).collect();
                    group.push(Change::Update {
                        table: t,
                        columns,
                        values,
                        key,
                    });
                }
                ("U", None) => group.push(Change::Update {
                    table: t,
                    columns: (0..table.columns.len()).collect(),
                    values: row[..table.columns.len()].to_vec(),
                    key,
                }),
                _ => group.push(Change::Insert { table: t, row }),
            }
        }
        self.groups.push(group);
        Ok(())
    }

    /// How many rows the rounds wrote (inserted, changed or deleted), per round on average.
    pub(super) fn rows_per_round(&self) -> usize {
        let rounds = self.rounds.len().max(1);
        let first = self.rounds.first().copied().unwrap_or(self.groups.len());
        self.groups[first..].iter().map(Vec::len).sum::<usize>() / rounds
    }

    /// Raw SQLite writes the recorded rows into `path`, a file with the book's
    /// schema and pragmas: first what came before the first round (untimed),
    /// then each round, timed, as one transaction or one per command.
    pub(super) fn replay(&self, path: &Path, per_command: bool) -> Result<Vec<Duration>, Error> {
        let c = Connection::open(path)?;
        c.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON; PRAGMA temp_store = 2;",
        )?;
        c.set_prepared_statement_cache_capacity(128);
        c.execute_batch("BEGIN")?;
        for sql in &self.ddl {
            c.execute_batch(sql)?;
        }
        let first = self.rounds.first().copied().unwrap_or(self.groups.len());
        for g in &self.groups[..first] {
            self.write(&c, g)?;
        }
        c.execute_batch("COMMIT")?;
        let mut times = Vec::with_capacity(self.rounds.len());
        for (n, &start) in self.rounds.iter().enumerate() {
            let end = self.rounds.get(n + 1).copied().unwrap_or(self.groups.len());
            let t = Instant::now();
            if !per_command {
                c.execute_batch("BEGIN IMMEDIATE")?;
            }
            for g in self.groups[start..end].iter().filter(|g| !g.is_empty()) {
                if per_command {
                    c.execute_batch("BEGIN IMMEDIATE")?;
                }
                self.write(&c, g)?;
                if per_command {
                    c.execute_batch("COMMIT")?;
                }
            }
            if !per_command {
                c.execute_batch("COMMIT")?;
            }
            times.push(t.elapsed());
        }
        self.check_same(&c)?;
        Ok(times)
    }

    /// The raw file ends holding exactly the recorded book's rows, table by table.
    fn check_same(&self, c: &Connection) -> Result<(), Error> {
        let uri = format!("file:{}?mode=ro", self.book.display());
        c.execute("ATTACH DATABASE ?1 AS book", [uri])?;
        for t in &self.tables {
            let cols = t.select_list();
            let n = &t.name;
            let differ: i64 = c.query_row(
                &format!(
                    "SELECT (SELECT count(*) FROM (SELECT {cols} FROM main.\"{n}\" EXCEPT SELECT {cols} FROM book.\"{n}\"))
                          + (SELECT count(*) FROM (SELECT {cols} FROM book.\"{n}\" EXCEPT SELECT {cols} FROM main.\"{n}\"))"
                ),
                [],
                |r| r.get(0),
            )?;
            if differ != 0 {
                return Err(Error::Storage {
                    reason: format!(
                        "the raw baseline's {n} differs from the book's in {differ} rows"
                    ),
                });
            }
        }
        c.execute_batch("DETACH DATABASE book")?;
        Ok(())
    }

    fn write(&self, c: &Connection, group: &[Change]) -> Result<(), Error> {
        for change in group {
            match change {
                Change::Insert { table, row } => {
                    let t = &self.tables[*table];
                    let mut cols: Vec<String> =
                        t.columns.iter().map(|c| format!("\"{c}\"")).collect();
                    if t.key.is_empty() {
                        cols.push("rowid".into());
                    }
                    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
                    c.prepare_cached(&format!(
                        "INSERT INTO \"{}\" ({}) VALUES ({})",
                        t.name,
                        cols.join(", "),
                        marks.join(", ")
                    ))?
                    .execute(rusqlite::params_from_iter(row.iter()))?;
                }
                Change::Update {
                    table,
                    columns,
                    values,
                    key,
                } => {
                    let t = &self.tables[*table];
                    let set: Vec<String> = columns
                        .iter()
                        .enumerate()
                        .map(|(n, &i)| format!("\"{}\" = ?{}", t.columns[i], key.len() + n + 1))
                        .collect();
                    c.prepare_cached(&format!(
                        "UPDATE \"{}\" SET {} WHERE {}",
                        t.name,
                        set.join(", "),
                        t.key_where()
                    ))?
                    .execute(rusqlite::params_from_iter(key.iter().chain(values)))?;
                }
                Change::Delete { table, key } => {
                    let t = &self.tables[*table];
                    c.prepare_cached(&format!(
                        "DELETE FROM \"{}\" WHERE {}",
                        t.name,
                        t.key_where()
                    ))?
                    .execute(rusqlite::params_from_iter(key.iter()))?;
                }
            }
        }
        Ok(())
    }
}
