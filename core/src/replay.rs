//! Verification by replay: each organisation's events are replayed into fresh
//! projections in a scratch file beside the book, and every projection table is
//! compared row by row with the stored one. Both sides are read in key order
//! and merged, so memory stays constant in the size of the book.

use std::path::PathBuf;

use rusqlite::types::Value;
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::event::Event;
use crate::{projection, store};

/// A stored projection row that replay does not reproduce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub table: String,
    /// The row's key, e.g. `seq=42, line=1`.
    pub key: String,
    pub detail: String,
}

/// At most this many differences are kept per organisation; the first tells
/// where to look, and a bound keeps memory constant.
pub const MAX_DIFFERENCES: usize = 20;

/// Projection tables and their keys (after `org_id`), in comparison order.
pub(crate) const TABLES: &[(&str, &str, &[&str])] = &[
    ("organisations", "id", &[]),
    ("policies", "org_id", &[]),
    ("actors", "org_id", &["actor"]),
    ("members", "org_id", &["member_no"]),
    ("accounts", "org_id", &["code"]),
    ("entries", "org_id", &["seq"]),
    ("postings", "org_id", &["seq", "line"]),
    ("meetings", "org_id", &["meeting_no"]),
    ("attendance", "org_id", &["meeting_no", "member_no"]),
    ("meeting_entries", "org_id", &["seq"]),
    ("loans", "org_id", &["loan_no"]),
    ("instalments", "org_id", &["loan_no", "no"]),
    ("loan_movements", "org_id", &["seq", "loan_no"]),
    ("corrections", "org_id", &["request_seq"]),
    ("reversals", "org_id", &["original_seq"]),
    ("member_charges", "org_id", &["seq"]),
    ("custody", "org_id", &[]),
];

/// Where one organisation is replayed: in memory for an organisation of up to
/// [`IN_MEMORY_MAX_EVENTS`] events (an SHG's years of meetings), else a file in
/// the system's temporary folder that removes itself. Never a file beside the
/// book, and never the size of the whole book: one organisation at a time.
pub(crate) struct Scratch {
    pub conn: Connection,
    path: Option<PathBuf>,
}

/// The largest organisation replayed in memory, in events (about 20 MB).
pub const IN_MEMORY_MAX_EVENTS: u64 = 20_000;

impl Scratch {
    /// An encrypted book's scratch file is encrypted too (`encrypted`).
    pub fn for_org(events: u64, encrypted: bool) -> Result<Scratch> {
        if events <= IN_MEMORY_MAX_EVENTS {
            return Ok(Scratch {
                conn: store::create_scratch(None, false)?,
                path: None,
            });
        }
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("daftar-replay-{}-{n}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        // Members' names are in it: readable by this user alone.
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        opts.open(&path)?;
        let conn = store::create_scratch(Some(&path), encrypted)?;
        Ok(Scratch {
            conn,
            path: Some(path),
        })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(p) = &self.path {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Replays `org`'s events from `book` into `scratch`. An event that cannot be
/// applied is itself a sign of tampering: returns its seq and why.
pub(crate) fn replay_org(
    book: &Connection,
    scratch: &mut Connection,
    org: &str,
    progress: &mut dyn FnMut() -> bool,
) -> Result<std::result::Result<(), (u64, String)>> {
    let tx = scratch.transaction()?;
    let mut st = book.prepare(
        "SELECT seq, prev_hash, hash, kind, op_id, command_digest, actor, device, recorded_at,
                business_date, canonical
         FROM events WHERE org_id = ?1 ORDER BY seq",
    )?;
    let mut rows = st.query([org])?;
    let mut custody = CustodyCheck::default();
    {
        let mut ins = tx.prepare(
            "INSERT INTO events (org_id, seq, prev_hash, hash, kind, op_id, command_digest, actor,
                 device, recorded_at, business_date, canonical)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let canonical: Vec<u8> = r.get(10)?;
            let event = match Event::from_canonical_bytes(&canonical) {
                Ok(e) => e,
                Err(e) => return Ok(Err((seq as u64, e.to_string()))),
            };
            if let Err(why) = custody.follow(&event, &canonical, seq as u64) {
                return Ok(Err((seq as u64, why)));
            }
            let cols: Vec<Value> = (1..10)
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<_>>()?;
            ins.execute(params![
                org, seq, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7],
                cols[8], canonical
            ])?;
            if let Err(e) = projection::apply(&tx, seq as u64, &event) {
                return Ok(Err((seq as u64, format!("the event does not replay: {e}"))));
            }
            if !progress() {
                return Err(Error::Cancelled);
            }
        }
    }
    tx.commit()?;
    Ok(Ok(()))
}

/// Custody's rules followed along a chain as it is replayed: after a claim,
/// only the holder's device writes, and every hand-over and recovery keeps
/// the rules. A forger who rewrote a device and every hash after it is caught here.
#[derive(Default)]
struct CustodyCheck(daftar_sync::custody::CustodyState);

impl CustodyCheck {
    fn follow(
        &mut self,
        event: &Event,
        canonical: &[u8],
        seq: u64,
    ) -> std::result::Result<(), String> {
        use daftar_sync::custody::{EventView, CLAIMED, POLICY, RECOVERED, TRANSFERRED};
        let kind = event.body.kind();
        // Only the kinds that change custody or the recovery key need their body.
        let body = if [CLAIMED, TRANSFERRED, RECOVERED, POLICY].contains(&kind) {
            serde_json::from_slice::<serde_json::Value>(canonical)
                .ok()
                .and_then(|v| v.get("body").cloned())
                .unwrap_or_default()
        } else {
            serde_json::Value::Null
        };
        let view = EventView {
            org: event.org,
            device: event.device.clone(),
            kind: kind.to_string(),
            body,
        };
        self.0
            .step(&event.org, seq, &view)
            .map(|_| ())
            .map_err(|r| format!("custody: {r}"))
    }
}

/// The columns daftar's schema gives `table`, as the fresh scratch has them.
fn daftar_columns(scratch: &Connection, table: &str) -> Result<Vec<String>> {
    Ok(scratch
        .prepare(&format!("SELECT * FROM {table} LIMIT 0"))?
        .column_names()
        .iter()
        .map(|s| s.to_string())
        .collect())
}

/// Which columns of a row differ, stored against replayed.
fn row_difference(names: &[String], stored: &[Value], replayed: &[Value]) -> String {
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| stored[*i] != replayed[*i])
        .map(|(i, n)| {
            format!(
                "{n} is {} but the events give {}",
                show_value(&stored[i]),
                show_value(&replayed[i])
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Compares the stored projections of `org` with the replayed ones.
pub(crate) fn compare_org(
    book: &Connection,
    scratch: &Connection,
    org: &str,
) -> Result<Vec<Difference>> {
    let mut out = Vec::new();
    for (table, org_col, keys) in TABLES {
        let order: Vec<&str> = std::iter::once(*org_col)
            .chain(keys.iter().copied())
            .collect();
        // daftar's own columns, read by name from both: a column a forger added
        // is the schema check's to report, and a missing one is a difference here.
        let names = daftar_columns(scratch, table)?;
        let sql = format!(
            "SELECT {} FROM {table} WHERE {org_col} = ?1 ORDER BY {}",
            names.join(", "),
            order.join(", ")
        );
        let mut a_st = match book.prepare(&sql) {
            Ok(st) => st,
            Err(e) => {
                out.push(Difference {
                    table: table.to_string(),
                    key: String::new(),
                    detail: format!("the table cannot be read as daftar's: {e}"),
                });
                continue;
            }
        };
        let mut b_st = scratch.prepare(&sql)?;
        let key_idx: Vec<usize> = keys
            .iter()
            .map(|k| names.iter().position(|n| n == k))
            .collect::<Option<_>>()
            .ok_or_else(|| Error::Storage {
                reason: format!("table {table} lacks its key columns"),
            })?;
        let mut a = a_st.query([org])?;
        let mut b = b_st.query([org])?;
        let read = |r: Option<&rusqlite::Row<'_>>| -> Result<Option<Vec<Value>>> {
            r.map(|r| {
                (0..names.len())
                    .map(|i| r.get::<_, Value>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .transpose()
            .map_err(Error::from)
        };
        let mut ra = read(a.next()?)?;
        let mut rb = read(b.next()?)?;
        let key_of =
            |row: &[Value]| -> Vec<Value> { key_idx.iter().map(|&i| row[i].clone()).collect() };
        let show = |k: &[Value]| -> String {
            keys.iter()
                .zip(k)
                .map(|(n, v)| format!("{n}={}", show_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        while ra.is_some() || rb.is_some() {
            if out.len() >= MAX_DIFFERENCES {
                return Ok(out);
            }
            let ord = match (&ra, &rb) {
                (Some(x), Some(y)) => cmp_keys(&key_of(x), &key_of(y)),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            match (ord, &ra, &rb) {
                (std::cmp::Ordering::Equal, Some(x), Some(y)) => {
                    if x != y {
                        out.push(Difference {
                            table: table.to_string(),
                            key: show(&key_of(x)),
                            detail: row_difference(&names, x, y),
                        });
                    }
                    ra = read(a.next()?)?;
                    rb = read(b.next()?)?;
                }
                (std::cmp::Ordering::Less, Some(x), _) => {
                    out.push(Difference {
                        table: table.to_string(),
                        key: show(&key_of(x)),
                        detail: "the row is in the book but no event creates it".into(),
                    });
                    ra = read(a.next()?)?;
                }
                (_, _, Some(y)) => {
                    out.push(Difference {
                        table: table.to_string(),
                        key: show(&key_of(y)),
                        detail: "the events create this row but it is missing from the book".into(),
                    });
                    rb = read(b.next()?)?;
                }
                _ => break,
            }
        }
    }
    Ok(out)
}

fn cmp_keys(a: &[Value], b: &[Value]) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = match (x, y) {
            (Value::Integer(p), Value::Integer(q)) => p.cmp(q),
            (Value::Text(p), Value::Text(q)) => p.as_bytes().cmp(q.as_bytes()),
            _ => format!("{x:?}").cmp(&format!("{y:?}")),
        };
        if o != std::cmp::Ordering::Equal {
            return o;
        }
    }
    std::cmp::Ordering::Equal
}

fn show_value(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => format!("{t:?}"),
        Value::Blob(b) => format!("{} bytes", b.len()),
    }
}

impl crate::book::Book {
    /// Every projection row of `org` in this book against `other`'s, compared as
    /// `verify` compares a replay: what restoring a book from bundles must equal.
    pub fn projection_differences(
        &self,
        other: &crate::book::Book,
        org: uuid::Uuid,
    ) -> Result<Vec<Difference>> {
        if self.path() == other.path() {
            return Ok(Vec::new());
        }
        self.with_conn(|a| other.with_conn(|b| compare_org(a, b, &org.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_organisation_is_replayed_in_a_private_temporary_file_that_goes_away() {
        let scratch = Scratch::for_org(IN_MEMORY_MAX_EVENTS + 1, false).unwrap();
        let path = scratch.path.clone().unwrap();
        assert!(path.starts_with(std::env::temp_dir()));
        assert!(path.exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "scratch is private: {mode:o}");
        }
        drop(scratch);
        assert!(!path.exists());
        assert!(
            Scratch::for_org(10, false).unwrap().path.is_none(),
            "small ones stay in memory"
        );
    }
}
