//! The book's structure as `verify` checks it: its schema against the one this
//! daftar writes, and rows of an organisation that has no chain.

use crate::error::Result;

/// The schema as stored, one line per object, whitespace normalised.
fn schema_lines(conn: &rusqlite::Connection) -> Result<std::collections::BTreeMap<String, String>> {
    let mut st = conn.prepare(
        "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )?;
    let rows = st.query_map([], |r| {
        let sql: Option<String> = r.get(2)?;
        let sql = sql
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Ok((
            format!("{} {}", r.get::<_, String>(0)?, r.get::<_, String>(1)?),
            sql,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The book's schema against the one this daftar writes (a dropped trigger,
/// an altered CHECK, an extra table or column), and rows of an organisation
/// that has no chain, which no replay would compare.
pub(crate) fn structure_problems(snapshot: &rusqlite::Connection) -> Result<Vec<String>> {
    let ours = schema_lines(&crate::store::create_scratch(None, false)?)?;
    let book = schema_lines(snapshot)?;
    let mut problems = Vec::new();
    for (object, sql) in &ours {
        match book.get(object) {
            None => problems.push(format!("schema: the {object} is missing")),
            Some(b) if b != sql => problems.push(format!("schema: the {object} was altered")),
            Some(_) => {}
        }
    }
    for object in book.keys().filter(|o| !ours.contains_key(*o)) {
        problems.push(format!("schema: the {object} is not daftar's"));
    }
    for (table, org_col, _) in crate::replay::TABLES {
        if !ours.contains_key(&format!("table {table}")) {
            continue;
        }
        let sql = format!(
            "SELECT DISTINCT {org_col} FROM {table}
              WHERE {org_col} NOT IN (SELECT DISTINCT org_id FROM events) LIMIT 5"
        );
        let mut st = snapshot.prepare(&sql)?;
        let orphans: Vec<String> = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for org in orphans {
            problems.push(format!(
                "table {table} holds rows of organisation {org}, which has no chain"
            ));
        }
    }
    Ok(problems)
}
