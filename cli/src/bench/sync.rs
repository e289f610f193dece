//! Sync's rows: making a bundle of one SHG's whole history, against raw reads
//! of the same event rows; and a new phone's book taking that bundle in,
//! against raw SQLite writing the same rows into the book's own schema (and the
//! event rows alone, the floor).

use std::path::Path;
use std::time::Instant;

use daftar_core::demo::Scale;
use daftar_core::*;

use super::reads::median_of;
use super::writes::{copy_rows, tables_and_rows};
use super::*;

pub(super) fn sync(dir: &Path, scale: Scale, n: usize) -> Result<Vec<Row>, Error> {
    let phone = dir.join("sync-phone.daftar");
    let book = Book::open(&phone)?;
    let one = Scale { shgs: 1, ..scale };
    daftar_core::demo::build_scaled_in_custody(&book, 1, one, &mut |_, _| true)?;
    let org = book
        .organisations()?
        .first()
        .map(|o| o.id)
        .ok_or_else(|| not_found("the SHG"))?;
    let events = book.event_count()?;

    let ours = median_of(n, || book.bundle(org, 0).map(drop))?;
    let src =
        rusqlite::Connection::open_with_flags(&phone, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let raw = median_of(n, || {
        let mut st = src.prepare_cached(
            "SELECT seq, hash, canonical FROM events WHERE org_id = ?1 ORDER BY seq",
        )?;
        let rows = st.query_map([org.to_string()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let got = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        if got.len() as u64 != events {
            return Err(not_found("every event"));
        }
        Ok(())
    })?;
    let chunks = book.bundle(org, 0)?;
    let bytes: usize = chunks.iter().flat_map(|c| &c.events).map(String::len).sum();
    let mut rows = vec![Row::new(
        format!(
            "bundle of one SHG: {events} events, {:.1} MB, {} chunks",
            bytes as f64 / 1e6,
            chunks.len()
        ),
        ms(ours),
        format!("{} raw reads of the same event rows", ms(raw)),
        ratio(ours, raw),
    )];

    // A new phone's book takes the bundle in, chunk by chunk.
    let mut times = Vec::new();
    let mut received = dir.join("sync-in-0.daftar");
    for i in 0..n.min(5) {
        received = dir.join(format!("sync-in-{i}.daftar"));
        let b = Book::open(&received)?;
        let t = Instant::now();
        for c in &chunks {
            b.ingest(c)?;
        }
        times.push(t.elapsed());
        b.close()?;
    }
    let ours = pct(&mut times, 0.5);
    let src = rusqlite::Connection::open_with_flags(
        &received,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let (tables, total) = tables_and_rows(&src)?;
    let per_chunk = total.div_ceil(chunks.len().max(1) as u64);
    let (copied, same) = copy_rows(&src, &dir.join("sync-same.db"), &tables, per_chunk)?;
    let (copied_events, floor) = copy_rows(
        &src,
        &dir.join("sync-events.db"),
        &["events".to_string()],
        events.div_ceil(chunks.len().max(1) as u64),
    )?;
    if copied != total || copied_events != events {
        return Err(Error::Storage {
            reason: format!("copied {copied} of {total} rows, {copied_events} of {events} events"),
        });
    }
    rows.push(Row::new(
        format!("a new phone takes the bundle in ({} chunks)", chunks.len()),
        ms(ours),
        format!("{} raw, same {total} rows, tx per chunk", ms(same)),
        ratio(ours, same),
    ));
    rows.push(Row::new(
        "  floor: the event rows alone",
        String::new(),
        format!("{} raw inserts", ms(floor)),
        ratio(ours, floor),
    ));
    Ok(rows)
}
