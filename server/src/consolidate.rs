//! Consolidation: each organisation's books computed by daftar-core itself,
//! so the server's figures are the phone's. The server keeps a replica book
//! per organisation (a cache, rebuilt from PostgreSQL whenever it is missing or
//! disagrees) and ingests the accepted chunks into it, noting in `org_figures`
//! how far each replica has got. It runs apart from the push, one
//! organisation at a time; a crash leaves it behind, never wrong, and startup
//! catches up. What the core's reports say as of a day a rollup asks for
//! (PAR30, the Panchasutra grade) is computed on the replica then, and kept
//! in `figures_on`; the days a rollup or a page asks by default (today, and
//! the book's latest date) are computed ahead, as each push is consolidated.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Months, NaiveDate};
use daftar_core::books::{fiscal_year, Period};
use daftar_core::chart;
use daftar_core::meetings::MeetingStatus;
use daftar_core::money::to_minor;
use daftar_core::Book;
use daftar_sync::Chunk;
use deadpool_postgres::Pool;
use rust_decimal::Decimal;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::chains;

/// How far an organisation's replica has got: its head, and the latest
/// business date in it. The figures themselves are computed for the day a
/// rollup asks ([`figures_on`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Consolidated {
    pub seq: u64,
    pub as_of: NaiveDate,
}

/// Where `org`'s replica book lives.
pub fn replica_path(dir: &Path, org: Uuid) -> PathBuf {
    dir.join(format!("{org}.daftar"))
}

/// The replica's head, or 0 when it has no chain of `org` yet.
fn replica_head(path: &Path, org: Uuid) -> Result<u64> {
    if !path.exists() {
        return Ok(0);
    }
    let book = Book::open_existing(path)?;
    Ok(match book.chain_head(org) {
        Ok((seq, _)) => seq,
        Err(e) if e.code() == daftar_core::ErrorCode::NotFound => 0,
        Err(e) => return Err(e.into()),
    })
}

fn consolidated(book: &Book, org: Uuid) -> Result<Consolidated> {
    let (seq, _) = book.chain_head(org)?;
    Ok(Consolidated {
        seq,
        as_of: book.last_business_date(org)?,
    })
}

/// The Panchasutra grade of the fiscal year to `day`: what the group has done
/// so far, not a year still to come. None before the organisation opened.
pub(crate) fn grade_to(
    book: &Book,
    o: &daftar_core::Organisation,
    org: Uuid,
    day: NaiveDate,
) -> Result<Option<(String, Decimal)>> {
    if day < o.opened_on {
        return Ok(None);
    }
    let Ok(year) = fiscal_year(o, day) else {
        return Ok(None);
    };
    let g = book.grade(org, Period::new(year.from, day)?)?;
    Ok(Some((g.grade.to_string(), g.total)))
}

/// What the core's reports say of one organisation as of a day asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct FiguresOn {
    /// The replica's head when they were computed.
    pub seq: u64,
    pub loans_outstanding: i64,
    pub par30_outstanding: i64,
    pub grade: Option<(String, Decimal)>,
    /// Members in the group on the day.
    pub members: i64,
    /// Members' savings, both funds, in minor units.
    pub savings: i64,
    /// Meetings closed in the three months up to the day.
    pub meetings_3m: i64,
}

fn figures_on_of(path: &Path, org: Uuid, as_of: NaiveDate) -> Result<FiguresOn> {
    let book = Book::open_existing(path)?;
    figures_of_book(&book, org, as_of)
}

fn figures_of_book(book: &Book, org: Uuid, as_of: NaiveDate) -> Result<FiguresOn> {
    let o = book.organisation(org)?;
    let minor = |d: Decimal| to_minor("amount", d, o.currency.scale).map_err(Error::Core);
    let portfolio = book.portfolio(org, as_of)?;
    let (seq, _) = book.chain_head(org)?;
    let sheet = book.balance_sheet(org, as_of)?;
    let savings: Decimal = sheet
        .liabilities
        .iter()
        .filter(|l| l.code == chart::MEMBER_SAVINGS || l.code == chart::MEMBER_VOLUNTARY)
        .map(|l| l.amount)
        .sum();
    let members = book
        .members(org)?
        .iter()
        .filter(|m| m.joined_on <= as_of && !matches!(m.exited_on, Some(e) if e <= as_of))
        .count();
    let since = as_of - Months::new(3);
    let meetings = book
        .meetings(org)?
        .iter()
        .filter(|m| m.status == MeetingStatus::Closed && m.held_on > since && m.held_on <= as_of)
        .count();
    Ok(FiguresOn {
        seq,
        loans_outstanding: minor(portfolio.outstanding)?,
        par30_outstanding: minor(portfolio.par30_outstanding)?,
        grade: grade_to(book, &o, org, as_of)?,
        members: members as i64,
        savings: minor(savings)?,
        meetings_3m: meetings as i64,
    })
}

/// Computes and keeps (in `figures_on`) each of `orgs`' figures as of
/// `as_of`, from its replica as it stands. An organisation with no replica yet
/// is left out: the worker has not reached it.
pub async fn figures_on(pool: &Pool, dir: &Path, orgs: &[Uuid], as_of: NaiveDate) -> Result<()> {
    for &org in orgs {
        let path = replica_path(dir, org);
        let f = tokio::task::spawn_blocking(move || -> Result<Option<FiguresOn>> {
            if !path.exists() {
                return Ok(None);
            }
            figures_on_of(&path, org, as_of).map(Some)
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
        let Some(f) = f else { continue };
        store_figures(pool, org, as_of, &f).await?;
    }
    Ok(())
}

/// Keeps `f`, `org`'s figures as of `as_of`, unless newer ones are kept.
async fn store_figures(pool: &Pool, org: Uuid, as_of: NaiveDate, f: &FiguresOn) -> Result<()> {
    let (grade, score) = match &f.grade {
        Some((g, s)) => (Some(g.as_str()), Some(*s)),
        None => (None, None),
    };
    let client = pool.get().await?;
    // Rows of an older head stay: every reader checks a row's head before it
    // uses it, and deleting them here raced a rollup that had just computed
    // one for its own day (it then answered "consolidated" with no PAR30).
    client
        .execute(
            "INSERT INTO figures_on (org_id, as_of, consolidated_seq, loans_outstanding,
                                 par30_outstanding, grade, grade_score,
                                 members, savings, meetings_3m)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (org_id, as_of) DO UPDATE SET
            consolidated_seq = excluded.consolidated_seq,
            loans_outstanding = excluded.loans_outstanding,
            par30_outstanding = excluded.par30_outstanding,
            grade = excluded.grade, grade_score = excluded.grade_score,
            members = excluded.members, savings = excluded.savings,
            meetings_3m = excluded.meetings_3m
         WHERE figures_on.consolidated_seq <= excluded.consolidated_seq",
            &[
                &org,
                &as_of,
                &(f.seq as i64),
                &f.loans_outstanding,
                &f.par30_outstanding,
                &grade,
                &score,
                &(f.members as i32),
                &f.savings,
                &(f.meetings_3m as i32),
            ],
        )
        .await?;

    Ok(())
}

/// The month ends of the eleven months before `as_of`'s month, then `as_of`.
pub fn month_ends(as_of: NaiveDate) -> Vec<NaiveDate> {
    let first = as_of.with_day(1).unwrap_or(as_of);
    let mut days: Vec<NaiveDate> = (1..=11u32)
        .rev()
        .filter_map(|k| first.checked_sub_months(Months::new(k - 1)))
        .filter_map(|d| d.pred_opt())
        .collect();
    days.push(as_of);
    days
}

/// The days whose figures a consolidation computes ahead, while the replica
/// is open: today (a rollup's default), the book's own latest date (a page's
/// default) and the month ends of the year before it (a page's PAR30 by
/// month), so none of them waits for a replica to be opened per group.
fn days_ahead(latest: NaiveDate) -> Vec<NaiveDate> {
    let today = chrono::Utc::now().date_naive();
    let mut days = month_ends(latest.min(today));
    if !days.contains(&today) {
        days.push(today);
    }
    days
}

/// Ingests `chunks` into the replica and reads how far it has got, with its
/// figures on [`days_ahead`]. A replica that refuses the server's own chunks
/// disagrees with PostgreSQL: it is dropped and the caller rebuilds it.
fn apply(
    path: &Path,
    org: Uuid,
    chunks: &[Chunk],
) -> Result<(Consolidated, Vec<(NaiveDate, FiguresOn)>)> {
    let book = Book::open(path)?;
    for c in chunks {
        book.ingest(c)?;
    }
    let c = consolidated(&book, org)?;
    let mut ahead = Vec::new();
    if !chunks.is_empty() {
        for day in days_ahead(c.as_of) {
            ahead.push((day, figures_of_book(&book, org, day)?));
        }
    }
    Ok((c, ahead))
}

/// Brings `org`'s replica up to the server's head and stores its figures.
pub async fn consolidate(pool: &Pool, dir: &Path, org: Uuid) -> Result<Consolidated> {
    let path = replica_path(dir, org);
    for attempt in 0..2 {
        let p = path.clone();
        let mut after = tokio::task::spawn_blocking(move || replica_head(&p, org))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??;
        let mut chunks = Vec::new();
        while let Some(c) = chains::pull(pool, org, after).await? {
            after = c.head.seq;
            chunks.push(c);
        }
        let p = path.clone();
        let result = tokio::task::spawn_blocking(move || apply(&p, org, &chunks))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        match result {
            Ok((f, ahead)) => {
                // The figures first: once `org_figures` says how far the
                // replica has got, its days ahead are there to read.
                for (day, figures) in &ahead {
                    store_figures(pool, org, *day, figures).await?;
                }
                store(pool, org, &f).await?;
                return Ok(f);
            }
            Err(e) if attempt == 0 => {
                tracing::warn!(%org, error = %e.for_log(), "replica disagrees; rebuilding it");
                for suffix in ["", "-wal", "-shm", "-last"] {
                    let mut name = path.clone().into_os_string();
                    name.push(suffix);
                    let _ = std::fs::remove_file(PathBuf::from(name));
                }
            }
            Err(e) => return Err(e),
        }
    }
    Err(Error::Internal(format!(
        "{org}'s replica could not be rebuilt"
    )))
}

async fn store(pool: &Pool, org: Uuid, c: &Consolidated) -> Result<()> {
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO org_figures (org_id, consolidated_seq, as_of, updated_at)
             VALUES ($1, $2, $3, now())
             ON CONFLICT (org_id) DO UPDATE SET
                consolidated_seq = excluded.consolidated_seq, as_of = excluded.as_of,
                updated_at = now()
             WHERE org_figures.consolidated_seq <= excluded.consolidated_seq",
            &[&org, &(c.seq as i64), &c.as_of],
        )
        .await?;
    Ok(())
}

/// The organisations whose figures are behind their chain (after a crash).
pub async fn behind(pool: &Pool) -> Result<Vec<Uuid>> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT c.org_id FROM chains c LEFT JOIN org_figures f USING (org_id)
              WHERE c.head_seq > 0 AND (f.org_id IS NULL OR f.consolidated_seq < c.head_seq)",
            &[],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The worker: consolidates each organisation sent to it, one at a time.
pub fn spawn_worker(pool: Pool, dir: PathBuf) -> mpsc::UnboundedSender<Uuid> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Uuid>();
    tokio::spawn(async move {
        while let Some(org) = rx.recv().await {
            // Later requests for the same organisation are served by this run.
            let mut queued = vec![org];
            while let Ok(more) = rx.try_recv() {
                if !queued.contains(&more) {
                    queued.push(more);
                }
            }
            for org in queued {
                if let Err(e) = consolidate(&pool, &dir, org).await {
                    tracing::error!(%org, error = %e.for_log(), "consolidation failed");
                }
            }
        }
    });
    tx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ends_are_the_eleven_months_before_then_the_day() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let ends = month_ends(d("2025-03-15"));
        assert_eq!(ends.len(), 12);
        assert_eq!(ends[0], d("2024-04-30"));
        assert_eq!(ends[9], d("2025-01-31"));
        assert_eq!(ends[10], d("2025-02-28"));
        assert_eq!(ends[11], d("2025-03-15"));
    }
}
