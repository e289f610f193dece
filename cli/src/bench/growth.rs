//! How one SHG's costs grow with the book: a passbook, the trial balance, a
//! meeting and verifying that SHG, on books of 1, 10 and all the scaled
//! book's SHGs, each against the same figure for the same SHG on the book of
//! one SHG. They
//! should stay flat; verifying the whole book grows with it.

use std::path::Path;
use std::time::Duration;

use daftar_core::demo::Scale;
use daftar_core::*;

use super::reads::median_of;
use super::writes::{bench_org, meeting_round, Round};
use super::*;

/// One book's figures.
struct Figures {
    shgs: u32,
    events: u64,
    passbook: Duration,
    trial_balance: Duration,
    meeting: Duration,
    verify_shg: Duration,
    /// Verifying the whole book: measured on the smaller books only (the
    /// scaled book's is the `verify all, scaled book` row).
    verify_book: Option<Duration>,
}

/// Runs last: it adds an SHG of its own to the scaled book for its meetings.
pub(super) fn growth(
    dir: &Path,
    scaled: &Path,
    scale: Scale,
    quick: bool,
) -> Result<Vec<Row>, Error> {
    let n = if quick { 3 } else { 20 };
    let mut sizes: Vec<u32> = [1, if quick { 2 } else { 10 }]
        .into_iter()
        .filter(|&s| s < scale.shgs)
        .collect();
    sizes.push(scale.shgs);
    let mut figures = Vec::new();
    for shgs in sizes {
        let path = if shgs == scale.shgs {
            scaled.to_path_buf()
        } else {
            let p = dir.join(format!("growth-{shgs}.daftar"));
            let book = Book::open(&p)?;
            daftar_core::demo::build_scaled(&book, 1, Scale { shgs, ..scale }, &mut |_, _| true)?;
            book.close()?;
            p
        };
        figures.push(measure(&path, shgs, n, shgs != scale.shgs)?);
    }
    let first = figures.first().ok_or_else(|| not_found("a book"))?;
    let mut rows = Vec::new();
    type Pick = fn(&Figures) -> Option<Duration>;
    let metrics: [(&str, Pick); 5] = [
        ("passbook of one member", |f| Some(f.passbook)),
        ("trial balance of one SHG", |f| Some(f.trial_balance)),
        ("a meeting, one transaction", |f| Some(f.meeting)),
        ("verify one SHG (chain+replay)", |f| Some(f.verify_shg)),
        ("verify the whole book", |f| f.verify_book),
    ];
    for (what, pick) in metrics {
        let Some(base) = pick(first) else { continue };
        for f in &figures {
            let Some(t) = pick(f) else { continue };
            rows.push(Row::new(
                format!(
                    "growth: {what}, {} SHG{} ({} events)",
                    f.shgs,
                    if f.shgs == 1 { "" } else { "s" },
                    f.events
                ),
                ms(t),
                format!("{} on the book of {} SHG", ms(base), first.shgs),
                ratio(t, base),
            ));
        }
    }
    Ok(rows)
}

fn measure(path: &Path, shgs: u32, n: usize, whole: bool) -> Result<Figures, Error> {
    let book = Book::open(path)?;
    let events = book.event_count()?;
    // The first SHG: the same group, with the same history, in every book (the
    // scaled demo makes its SHGs one after another from one seed).
    let first = book
        .organisations()?
        .into_iter()
        .find(|o| o.name.ends_with(" 0001"))
        .ok_or_else(|| not_found("the scaled demo's first SHG"))?;
    let org = first.id;
    let fy = daftar_core::books::fiscal_year(&first, book.last_business_date(org)?)?;
    let passbook = median_of(n, || book.passbook(org, 3, fy).map(drop))?;
    let trial_balance = median_of(n, || book.trial_balance(org).map(drop))?;
    let verify_shg = median_of(n.min(3), || {
        let v = book.verify_org(org, &mut |_, _| true)?;
        if v.is_intact() {
            Ok(())
        } else {
            Err(Error::Storage {
                reason: format!("organisation {org} does not verify"),
            })
        }
    })?;
    let verify_book = if whole {
        Some(median_of(1, || book.verify(&mut |_, _| true).map(drop))?)
    } else {
        None
    };
    let own = bench_org(&book, "growth")?;
    let mut times = Vec::with_capacity(n);
    for r in 0..n as i64 {
        let mut round = Round::new();
        meeting_round(&book, own, day(r), true, &mut round)?;
        times.push(round.spent);
    }
    book.close()?;
    Ok(Figures {
        shgs,
        events,
        passbook,
        trial_balance,
        meeting: pct(&mut times, 0.5),
        verify_shg,
        verify_book,
    })
}
