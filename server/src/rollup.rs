//! Consolidated figures for a node of the hierarchy as of any date: each
//! organisation with a book under it, and totals per currency. Every figure
//! is the core's own, as of that date, on the server's replica of each book
//! (`figures_on`: members, savings, loans, meetings, PAR30, the grade), once
//! the replica holds the whole chain. For a book whose last push is not yet
//! consolidated, balances, members and meetings are summed from the journal:
//! the months before the date (`month_totals`, `month_activity`) and the days
//! of its own month (`day_totals`, `day_activity`).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, Months, NaiveDate};
use daftar_core::chart;
use daftar_core::locale::check_supported_date;
use deadpool_postgres::Pool;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

pub use crate::consolidate::month_ends;
use crate::error::{Error, Result};
use crate::store::hierarchy::Node;

#[derive(Debug, Clone, Serialize)]
pub struct OrgLine {
    pub org: Uuid,
    pub kind: String,
    pub name: String,
    pub code: Option<String>,
    pub parent: Option<String>,
    pub currency: Option<String>,
    pub members: i64,
    pub savings: Decimal,
    pub loans_outstanding: Decimal,
    /// Meetings held in the three months up to the date.
    pub meetings_last_3_months: i64,
    /// From the core's portfolio on the server's replica, as of the date.
    pub par30: Option<Decimal>,
    /// The Panchasutra grade of the fiscal year up to the date.
    pub grade: Option<String>,
    pub grade_score: Option<Decimal>,
    /// The latest business date in the server's replica of the book.
    pub last_business_date: Option<NaiveDate>,
    pub head_seq: i64,
    pub head_hash: String,
    /// Whether the core's figures cover the whole chain the server holds.
    pub consolidated: bool,
    pub last_sync: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub organisations: i64,
    pub members: i64,
    pub savings: Decimal,
    pub loans_outstanding: Decimal,
    pub par30_outstanding: Decimal,
    pub par30: Decimal,
    pub meetings_last_3_months: i64,
    pub grades: BTreeMap<String, i64>,
    /// The outstanding PAR30 is a share of: the core's, as of each book's date.
    #[serde(skip)]
    figures_outstanding: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rollup {
    pub node: Node,
    /// Every figure is as of the end of this day.
    pub as_of: NaiveDate,
    pub organisations: Vec<OrgLine>,
    /// By currency: rupees and rials are never added together.
    pub totals: BTreeMap<String, Totals>,
}

/// The day a rollup is as of: `as_of` (YYYY-MM-DD), or the last day of
/// `month` (YYYY-MM), or today (UTC) when neither is given.
pub fn as_of_day(as_of: Option<&str>, month: Option<&str>) -> Result<NaiveDate> {
    let day = match (as_of, month) {
        (Some(_), Some(_)) => {
            return Err(Error::BadRequest(
                "give as_of or month, not both".to_string(),
            ))
        }
        (Some(d), None) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| Error::BadRequest(format!("as_of {d:?} is not a date (YYYY-MM-DD)")))?,
        (None, Some(m)) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .ok()
            .filter(|_| m.len() == 7)
            .and_then(|first| first.checked_add_months(Months::new(1)))
            .and_then(|next| next.pred_opt())
            .ok_or_else(|| Error::BadRequest(format!("month {m:?} is not a month (YYYY-MM)")))?,
        (None, None) => chrono::Utc::now().date_naive(),
    };
    check_supported_date("as_of", day).map_err(|e| Error::BadRequest(e.to_string()))
}

fn decimal(minor: i64, scale: i16) -> Decimal {
    Decimal::new(minor, scale.max(0) as u32)
}

/// The subtree of `$1`, as a recursive CTE named `t`.
const SUBTREE: &str = "WITH RECURSIVE t(id) AS (
    SELECT $1::uuid
    UNION SELECT o.org_id FROM orgs o JOIN t ON o.parent_id = t.id)";

/// The rollup of `node` as of the end of `as_of`. The core's figures of each
/// book are computed on its replica for that day unless kept from before at
/// the replica's present head.
pub async fn rollup(pool: &Pool, books: &Path, node: Node, as_of: NaiveDate) -> Result<Rollup> {
    let client = pool.get().await?;
    let missing: Vec<Uuid> = client
        .query(
            &format!(
                "{SUBTREE}
                 SELECT o.org_id FROM t JOIN orgs o ON o.org_id = t.id AND o.has_book
                   JOIN org_figures f ON f.org_id = o.org_id
                   LEFT JOIN figures_on fo ON fo.org_id = o.org_id AND fo.as_of = $2
                  WHERE fo.org_id IS NULL OR fo.consolidated_seq < f.consolidated_seq
                  ORDER BY o.org_id"
            ),
            &[&node.id, &as_of],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    crate::consolidate::figures_on(pool, books, &missing, as_of).await?;
    let month = as_of.with_day(1).unwrap_or(as_of);
    // A book whose figures for the day were computed by the core at the
    // chain's head (`fresh`) is read from that one row. Only the others (a
    // push not yet consolidated, figures from before schema 4) are summed
    // from the journal, each sum one pass grouped by organisation.
    let sql = format!(
        "{SUBTREE},
         books AS MATERIALIZED (
             SELECT o.org_id,
                    coalesce(fo.members IS NOT NULL
                             AND fo.consolidated_seq >= coalesce(c.head_seq, 0), false) AS fresh
               FROM t JOIN orgs o ON o.org_id = t.id AND o.has_book
               LEFT JOIN chains c ON c.org_id = o.org_id
               LEFT JOIN figures_on fo ON fo.org_id = o.org_id AND fo.as_of = $2),
         stale AS MATERIALIZED (SELECT org_id FROM books WHERE NOT fresh),
         money AS (
             SELECT org_id,
                    sum(net) FILTER (WHERE account IN ($5, $6)) AS savings,
                    sum(net) FILTER (WHERE account = $7) AS loans
               FROM (SELECT m.org_id, m.account, m.net FROM month_totals m JOIN stale USING (org_id)
                      WHERE m.month < $3 AND m.account IN ($5, $6, $7)
                     UNION ALL
                     SELECT d.org_id, d.account, d.net FROM day_totals d JOIN stale USING (org_id)
                      WHERE d.day >= $3 AND d.day <= $2 AND d.account IN ($5, $6, $7)) x
              GROUP BY org_id),
         people AS (
             SELECT org_id, sum(added - exited) AS members
               FROM (SELECT m.org_id, m.members_added AS added, m.members_exited AS exited
                       FROM month_activity m JOIN stale USING (org_id) WHERE m.month < $3
                     UNION ALL
                     SELECT d.org_id, d.members_added, d.members_exited
                       FROM day_activity d JOIN stale USING (org_id)
                      WHERE d.day >= $3 AND d.day <= $2) y
              GROUP BY org_id),
         met AS (
             SELECT a.org_id, sum(a.meetings) AS meetings
               FROM day_activity a JOIN stale USING (org_id)
              WHERE a.day > $4 AND a.day <= $2
              GROUP BY a.org_id)
         SELECT o.org_id, o.kind, o.name, o.code, p.name, o.currency, coalesce(o.scale, 0::smallint),
                CASE WHEN b.fresh THEN fo.members ELSE coalesce(pe.members, 0) END::bigint,
                CASE WHEN b.fresh THEN -fo.savings ELSE coalesce(mo.savings, 0) END::bigint,
                CASE WHEN b.fresh THEN fo.loans_outstanding ELSE coalesce(mo.loans, 0) END::bigint,
                CASE WHEN b.fresh THEN fo.meetings_3m ELSE coalesce(me.meetings, 0) END::bigint,
                fo.par30_outstanding, fo.loans_outstanding, fo.grade, fo.grade_score,
                f.as_of,
                coalesce(c.head_seq, 0), c.head_hash,
                -- Consolidated: the replica and the core's figures for this
                -- day both cover the whole chain.
                least(coalesce(f.consolidated_seq, 0), coalesce(fo.consolidated_seq, 0)),
                to_char(c.last_push_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
           FROM books b JOIN orgs o ON o.org_id = b.org_id
           LEFT JOIN orgs p ON p.org_id = o.parent_id
           LEFT JOIN money mo ON mo.org_id = o.org_id
           LEFT JOIN people pe ON pe.org_id = o.org_id
           LEFT JOIN met me ON me.org_id = o.org_id
           LEFT JOIN chains c ON c.org_id = o.org_id
           LEFT JOIN org_figures f ON f.org_id = o.org_id
           LEFT JOIN figures_on fo ON fo.org_id = o.org_id AND fo.as_of = $2
          ORDER BY o.name, o.org_id"
    );
    let rows = client
        .query(
            &sql,
            &[
                &node.id,
                &as_of,
                &month,
                &(as_of - Months::new(3)),
                &chart::MEMBER_SAVINGS,
                &chart::MEMBER_VOLUNTARY,
                &chart::MEMBER_LOANS,
            ],
        )
        .await?;
    let mut organisations = Vec::with_capacity(rows.len());
    let mut totals: BTreeMap<String, Totals> = BTreeMap::new();
    for r in &rows {
        let scale: i16 = r.get(6);
        let currency: Option<String> = r.get(5);
        let par30_minor: Option<i64> = r.get(11);
        let figures_loans: Option<i64> = r.get(12);
        let par30 = match (par30_minor, figures_loans) {
            (Some(p), Some(l)) if l > 0 => Some((Decimal::from(p) / Decimal::from(l)).round_dp(4)),
            (Some(_), Some(_)) => Some(Decimal::ZERO),
            _ => None,
        };
        let head_seq: i64 = r.get(16);
        let line = OrgLine {
            org: r.get(0),
            kind: r.get(1),
            name: r.get(2),
            code: r.get(3),
            parent: r.get(4),
            currency: currency.clone(),
            members: r.get(7),
            savings: -decimal(r.get(8), scale),
            loans_outstanding: decimal(r.get(9), scale),
            meetings_last_3_months: r.get(10),
            par30,
            grade: r.get(13),
            grade_score: r.get(14),
            last_business_date: r.get(15),
            head_seq,
            head_hash: r
                .get::<_, Option<&[u8]>>(17)
                .map(daftar_sync::hex)
                .unwrap_or_default(),
            consolidated: r.get::<_, i64>(18) >= head_seq,
            last_sync: r.get(19),
        };
        let t = totals.entry(currency.unwrap_or_default()).or_default();
        t.organisations += 1;
        t.members += line.members;
        t.savings += line.savings;
        t.loans_outstanding += line.loans_outstanding;
        t.meetings_last_3_months += line.meetings_last_3_months;
        if let (Some(p), Some(l)) = (par30_minor, figures_loans) {
            t.par30_outstanding += decimal(p, scale);
            t.figures_outstanding += decimal(l, scale);
        }
        if let Some(g) = &line.grade {
            *t.grades.entry(g.clone()).or_default() += 1;
        }
        organisations.push(line);
    }
    for t in totals.values_mut() {
        t.par30 = if t.figures_outstanding > Decimal::ZERO {
            (t.par30_outstanding / t.figures_outstanding).round_dp(4)
        } else {
            Decimal::ZERO
        };
    }
    Ok(Rollup {
        node,
        as_of,
        organisations,
        totals,
    })
}

/// The latest business date of any book under `node`, if the server holds one:
/// the day a page shows when none is asked for (never after today).
pub async fn latest_day(pool: &Pool, node: Uuid) -> Result<Option<NaiveDate>> {
    let client = pool.get().await?;
    let row = client
        .query_one(
            &format!(
                "{SUBTREE}
                 SELECT max(f.as_of) FROM t JOIN org_figures f ON f.org_id = t.id"
            ),
            &[&node],
        )
        .await?;
    let today = chrono::Utc::now().date_naive();
    Ok(row.get::<_, Option<NaiveDate>>(0).map(|d| d.min(today)))
}

/// Members' savings and loans outstanding under `node` at one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthPoint {
    pub day: NaiveDate,
    pub savings: Decimal,
    pub loans_outstanding: Decimal,
}

/// Savings and loans outstanding under `node` at each of [`month_ends`], by
/// currency. A book with the core's figures for a day at its chain's head
/// (`figures_on`, computed ahead by the consolidation worker) gives that row;
/// any other is summed from the journal: whole months from `month_totals`,
/// and the last point's own month from `day_totals`.
pub async fn by_month(
    pool: &Pool,
    node: Uuid,
    as_of: NaiveDate,
) -> Result<BTreeMap<String, Vec<MonthPoint>>> {
    let client = pool.get().await?;
    let days = month_ends(as_of);
    let first_of_month = as_of.with_day(1).unwrap_or(as_of);
    // Each book on each day: the core's row if fresh; the rest listed, to be
    // summed from the journal below (usually none: the worker keeps them).
    let cells = client
        .query(
            &format!(
                "{SUBTREE},
                 cells AS MATERIALIZED (
                     SELECT coalesce(o.currency, '') AS currency,
                            coalesce(o.scale, 0::smallint) AS scale, d.day, o.org_id,
                            coalesce(fo.savings IS NOT NULL
                                     AND fo.consolidated_seq >= coalesce(c.head_seq, 0), false) AS fresh,
                            fo.savings, fo.loans_outstanding
                       FROM t JOIN orgs o ON o.org_id = t.id AND o.has_book
                       LEFT JOIN chains c ON c.org_id = o.org_id
                       CROSS JOIN unnest($2::date[]) AS d(day)
                       LEFT JOIN figures_on fo ON fo.org_id = o.org_id AND fo.as_of = d.day)
                 SELECT currency, scale, day, NULL::uuid, true,
                        sum(savings)::bigint, sum(loans_outstanding)::bigint
                   FROM cells WHERE fresh GROUP BY 1, 2, 3
                 UNION ALL
                 SELECT currency, scale, day, org_id, false, NULL::bigint, NULL::bigint
                   FROM cells WHERE NOT fresh"
            ),
            &[&node, &days],
        )
        .await?;
    // (currency, day) -> (scale, savings net, loans net), in minor units.
    let mut sums: BTreeMap<(String, NaiveDate), (i16, i64, i64)> = BTreeMap::new();
    let mut stale: BTreeMap<Uuid, Vec<(String, i16, NaiveDate)>> = BTreeMap::new();
    for r in &cells {
        let (currency, scale, day): (String, i16, NaiveDate) = (r.get(0), r.get(1), r.get(2));
        let e = sums.entry((currency.clone(), day)).or_insert((scale, 0, 0));
        if r.get::<_, bool>(4) {
            // Savings are owed to members: a credit, negative in the journal.
            e.1 -= r.get::<_, Option<i64>>(5).unwrap_or(0);
            e.2 += r.get::<_, Option<i64>>(6).unwrap_or(0);
        } else {
            stale
                .entry(r.get(3))
                .or_default()
                .push((currency, scale, day));
        }
    }
    if !stale.is_empty() {
        let orgs: Vec<Uuid> = stale.keys().copied().collect();
        let nets = client
            .query(
                "SELECT m.org_id, m.month,
                        coalesce(sum(m.net) FILTER (WHERE m.account IN ($2, $3)), 0)::bigint,
                        coalesce(sum(m.net) FILTER (WHERE m.account = $4), 0)::bigint
                   FROM month_totals m
                  WHERE m.org_id = ANY($1) AND m.month < $5 GROUP BY 1, 2
                 UNION ALL
                 SELECT d.org_id, $5::date,
                        coalesce(sum(d.net) FILTER (WHERE d.account IN ($2, $3)), 0)::bigint,
                        coalesce(sum(d.net) FILTER (WHERE d.account = $4), 0)::bigint
                   FROM day_totals d
                  WHERE d.org_id = ANY($1) AND d.day >= $5 AND d.day <= $6 GROUP BY 1",
                &[
                    &orgs,
                    &chart::MEMBER_SAVINGS,
                    &chart::MEMBER_VOLUNTARY,
                    &chart::MEMBER_LOANS,
                    &first_of_month,
                    &as_of,
                ],
            )
            .await?;
        let mut by_org: BTreeMap<Uuid, Vec<(NaiveDate, i64, i64)>> = BTreeMap::new();
        for r in &nets {
            by_org
                .entry(r.get(0))
                .or_default()
                .push((r.get(1), r.get(2), r.get(3)));
        }
        for (org, cells) in &stale {
            let months = by_org.get(org).map(Vec::as_slice).unwrap_or(&[]);
            for (currency, scale, day) in cells {
                let e = sums
                    .entry((currency.clone(), *day))
                    .or_insert((*scale, 0, 0));
                for (_, s, l) in months.iter().filter(|m| m.0 <= *day) {
                    e.1 += s;
                    e.2 += l;
                }
            }
        }
    }
    let mut out: BTreeMap<String, Vec<MonthPoint>> = BTreeMap::new();
    for ((currency, day), (scale, s, l)) in sums {
        out.entry(currency).or_default().push(MonthPoint {
            day,
            savings: -decimal(s, scale),
            loans_outstanding: decimal(l, scale),
        });
    }
    Ok(out)
}

/// PAR30 under `node` at each of `days`, by currency: the outstanding of
/// loans more than 30 days late over all loans outstanding, summed from the
/// core's portfolio of each book as of each day (`figures_on`, computed for
/// any book that lacks the day at its present head).
pub async fn par30_by_day(
    pool: &Pool,
    books: &Path,
    node: Uuid,
    days: &[NaiveDate],
) -> Result<BTreeMap<String, Vec<(NaiveDate, Decimal)>>> {
    let client = pool.get().await?;
    // Which books lack which days at their present head, in one query.
    let mut missing: BTreeMap<NaiveDate, Vec<Uuid>> = BTreeMap::new();
    for r in client
        .query(
            &format!(
                "{SUBTREE}
                 SELECT d.day, o.org_id
                   FROM t JOIN orgs o ON o.org_id = t.id AND o.has_book
                   JOIN org_figures f ON f.org_id = o.org_id
                   CROSS JOIN unnest($2::date[]) AS d(day)
                   LEFT JOIN figures_on fo ON fo.org_id = o.org_id AND fo.as_of = d.day
                  WHERE fo.org_id IS NULL OR fo.consolidated_seq < f.consolidated_seq"
            ),
            &[&node, &days],
        )
        .await?
    {
        missing.entry(r.get(0)).or_default().push(r.get(1));
    }
    for (day, orgs) in &missing {
        crate::consolidate::figures_on(pool, books, orgs, *day).await?;
    }
    let rows = client
        .query(
            &format!(
                "{SUBTREE}
                 SELECT coalesce(o.currency, ''), fo.as_of,
                        sum(fo.par30_outstanding)::bigint, sum(fo.loans_outstanding)::bigint
                   FROM t JOIN orgs o ON o.org_id = t.id AND o.has_book
                   JOIN figures_on fo ON fo.org_id = o.org_id AND fo.as_of = ANY($2)
                  GROUP BY 1, 2 ORDER BY 1, 2"
            ),
            &[&node, &days],
        )
        .await?;
    let mut out: BTreeMap<String, Vec<(NaiveDate, Decimal)>> = BTreeMap::new();
    for r in &rows {
        let (par30, loans): (i64, i64) = (r.get(2), r.get(3));
        let share = if loans > 0 {
            (Decimal::from(par30) / Decimal::from(loans)).round_dp(4)
        } else {
            Decimal::ZERO
        };
        out.entry(r.get(0)).or_default().push((r.get(1), share));
    }
    // A day no book had figures for (before any began) is no risk at all.
    for series in out.values_mut() {
        let known: BTreeMap<NaiveDate, Decimal> = series.iter().copied().collect();
        *series = days
            .iter()
            .map(|d| (*d, known.get(d).copied().unwrap_or(Decimal::ZERO)))
            .collect();
    }
    Ok(out)
}
