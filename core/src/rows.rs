//! Reading stored values back: ids, dates and hashes as the book writes them,
//! and rows mapped by named `from_row` functions.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::event::Hash;

/// Every row of a query, each mapped by a named `from_row` function.
pub(crate) fn collect_rows<T>(
    mut rows: rusqlite::Rows<'_>,
    from_row: impl Fn(&rusqlite::Row<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(from_row(r)?);
    }
    Ok(out)
}

pub(crate) fn parse_stored_uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| Error::Storage {
        reason: format!("stored id {s:?} is not a UUID: {e}"),
    })
}

pub(crate) fn parse_stored_date(s: &str) -> Result<NaiveDate> {
    s.parse().map_err(|e| Error::Storage {
        reason: format!("stored date {s:?}: {e}"),
    })
}

pub(crate) fn to_hash(b: &[u8]) -> Result<Hash> {
    b.try_into().map_err(|_| Error::Storage {
        reason: format!("stored hash has {} bytes, not 32", b.len()),
    })
}
