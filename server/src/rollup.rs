//! Consolidated figures for a node of the hierarchy: each organisation with a
//! book under it, and totals per currency. Balances and members are as of the
//! end of the month asked for, summed from `month_totals` and
//! `month_activity`; PAR30 and the grade are the core's, as of each book's
//! last business date (`org_figures`).

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use daftar_core::chart;
use rust_decimal::Decimal;
use serde::Serialize;
use tokio_postgres::GenericClient;
use uuid::Uuid;

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
    pub meetings_last_3_months: i64,
    /// From the core's portfolio, as of `figures_as_of`.
    pub par30: Option<Decimal>,
    pub grade: Option<String>,
    pub grade_score: Option<Decimal>,
    pub figures_as_of: Option<NaiveDate>,
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
    /// Balances and members are as of the end of this month.
    pub month: String,
    pub organisations: Vec<OrgLine>,
    /// By currency: rupees and rials are never added together.
    pub totals: BTreeMap<String, Totals>,
}

/// The first day of `YYYY-MM`, or of this month when none is given.
pub fn month_start(month: Option<&str>) -> Result<NaiveDate> {
    match month {
        None => {
            let today = chrono::Utc::now().date_naive();
            Ok(today.with_day(1).unwrap_or(today))
        }
        Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .map_err(|_| Error::BadRequest(format!("{m:?} is not a month (YYYY-MM)"))),
    }
}

fn decimal(minor: i64, scale: i16) -> Decimal {
    Decimal::new(minor, scale.max(0) as u32)
}

/// The rollup of `node` at the end of `month` (its first day).
pub async fn rollup(client: &impl GenericClient, node: Node, month: NaiveDate) -> Result<Rollup> {
    let rows = client
        .query(
            "WITH RECURSIVE t(id) AS (
                 SELECT $1::uuid
                 UNION SELECT o.org_id FROM orgs o JOIN t ON o.parent_id = t.id)
             SELECT o.org_id, o.kind, o.name, o.code, p.name, o.currency, coalesce(o.scale, 0::smallint),
                    coalesce((SELECT sum(members_added - members_exited) FROM month_activity a
                               WHERE a.org_id = o.org_id AND a.month <= $2), 0)::bigint,
                    coalesce((SELECT sum(net) FROM month_totals m
                               WHERE m.org_id = o.org_id AND m.month <= $2
                                 AND m.account IN ($4, $5)), 0)::bigint,
                    coalesce((SELECT sum(net) FROM month_totals m
                               WHERE m.org_id = o.org_id AND m.month <= $2
                                 AND m.account = $6), 0)::bigint,
                    coalesce((SELECT sum(meetings) FROM month_activity a
                               WHERE a.org_id = o.org_id AND a.month > $3 AND a.month <= $2), 0)::bigint,
                    f.par30_outstanding, f.loans_outstanding, f.grade, f.grade_score, f.as_of,
                    coalesce(c.head_seq, 0), c.head_hash, coalesce(f.consolidated_seq, 0),
                    to_char(c.last_push_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
               FROM t JOIN orgs o ON o.org_id = t.id AND o.has_book
               LEFT JOIN orgs p ON p.org_id = o.parent_id
               LEFT JOIN chains c ON c.org_id = o.org_id
               LEFT JOIN org_figures f ON f.org_id = o.org_id
              ORDER BY o.name, o.org_id",
            &[
                &node.id,
                &month,
                &(month - Months::new(3)),
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
            figures_as_of: r.get(15),
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
        month: month.format("%Y-%m").to_string(),
        organisations,
        totals,
    })
}
