//! A node of the hierarchy (state → district → block → CLF → VO): its groups
//! in a table sorted by any column, the node's totals, filters for the groups
//! that need a visit, and plots of savings and loans by month and of grades.

use std::cmp::Ordering;

use axum::extract::{Path, State as Shared};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use daftar_core::catalogue::Term;
use maud::{html, Markup};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::plot::{self, Series};
use super::{failure, shell, visible_node, visitor, PageResult, Reader, St, Text};
use crate::rollup::{self, OrgLine, Rollup};

#[derive(Deserialize, Default)]
pub struct NodeQuery {
    as_of: Option<String>,
    sort: Option<String>,
    desc: Option<String>,
    stale: Option<String>,
    weak: Option<String>,
    risky: Option<String>,
    page: Option<usize>,
}

/// Columns a reader may sort by, as named in the link.
const SORTS: [&str; 9] = [
    "name", "members", "savings", "loans", "par30", "grade", "meetings", "sync", "head",
];

/// Not synced for this many days: the group needs a visit.
const STALE_DAYS: i64 = 30;
/// Groups on one page of the table: a block's 2,000 stay quick to send and
/// to read on a phone. Sorting and filters apply to all of them first.
const PAGE: usize = 250;
/// PAR30 above this share is a portfolio at risk.
const RISKY_PAR30: Decimal = Decimal::from_parts(10, 0, 0, false, 2);

fn last_sync(line: &OrgLine) -> Option<DateTime<Utc>> {
    line.last_sync
        .as_deref()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc))
}

fn compare(sort: &str, a: &OrgLine, b: &OrgLine) -> Ordering {
    match sort {
        "members" => a.members.cmp(&b.members),
        "savings" => a.savings.cmp(&b.savings),
        "loans" => a.loans_outstanding.cmp(&b.loans_outstanding),
        "par30" => a.par30.cmp(&b.par30),
        "grade" => a.grade_score.cmp(&b.grade_score),
        "meetings" => a.meetings_last_3_months.cmp(&b.meetings_last_3_months),
        "sync" => last_sync(a).cmp(&last_sync(b)),
        "head" => a.head_seq.cmp(&b.head_seq),
        _ => a.name.cmp(&b.name),
    }
    .then_with(|| a.org.cmp(&b.org))
}

pub async fn page(
    Shared(state): St,
    Path(key): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let result: PageResult = async {
        let v = visitor(&state, &uri, &headers).await?;
        let q: NodeQuery = super::query(&uri)?;
        let node = visible_node(&state, &v.session.user, &key).await?;
        let started = std::time::Instant::now();
        let default_day = rollup::latest_day(&state.pool, node.id)
            .await?
            .unwrap_or_else(|| Utc::now().date_naive());
        let day = super::as_of(v.locale, q.as_of.as_deref(), default_day)?;
        let at_rollup = started.elapsed();
        let roll = rollup::rollup(&state.pool, &state.books_dir, node.clone(), day).await?;
        let at_trend = started.elapsed();
        let trend = rollup::by_month(&state.pool, node.id, day).await?;
        let at_par30 = started.elapsed();
        let par30 = rollup::par30_by_day(
            &state.pool,
            &state.books_dir,
            node.id,
            &rollup::month_ends(day),
        )
        .await?;
        let children = {
            let client = state.pool.get().await?;
            client
                .query(
                    "SELECT org_id, kind, name FROM orgs
                      WHERE parent_id = $1 AND kind IN ('state','district','block','clf','vo')
                      ORDER BY name, org_id",
                    &[&node.id],
                )
                .await?
                .iter()
                .map(|c| (c.get::<_, uuid::Uuid>(0), c.get::<_, String>(1), c.get::<_, String>(2)))
                .collect::<Vec<_>>()
        };
        let at_children = started.elapsed();
        let r = v.reader()?;
        let title = format!("{} ({})", node.name, super::text::kind(&node.kind, r.locale));
        let body = html! {
            (as_of_form(&r, day))
            @if !children.is_empty() {
                section.children {
                    h2 { (r.t(Text::SubNodes)) }
                    ul { @for (id, kind, name) in &children {
                        li { a href={ "/web/nodes/" (id) "?" (r.carry(day)) } { (name) } " (" (super::text::kind(kind, r.locale)) ")" }
                    } }
                }
            }
            @if matches!(node.kind.as_str(), "vo" | "clf") && node.has_book {
                p { a href={ "/web/nodes/" (node.id) "/cif?" (r.carry(day)) } { (r.term(Term::CifReconciliation)) } }
            }
            (totals(&r, &roll))
            (plots(&r, &roll, &trend, &par30))
            (groups(&r, &roll, &q, day))
        };
        let page = shell(&r, &title, body);
        // Where a page's time goes, for scripts/web-bench.sh.
        tracing::info!(
            groups = roll.organisations.len(),
            latest_day_ms = at_rollup.as_millis() as u64,
            rollup_ms = (at_trend - at_rollup).as_millis() as u64,
            by_month_ms = (at_par30 - at_trend).as_millis() as u64,
            par30_and_children_ms = (at_children - at_par30).as_millis() as u64,
            render_ms = (started.elapsed() - at_children).as_millis() as u64,
            "node page"
        );
        Ok(page)
    }
    .await;
    result.unwrap_or_else(|e| failure(e, &uri, &headers))
}

/// The date picker: the date in the reader's calendar and digits.
pub fn as_of_form(r: &Reader, day: NaiveDate) -> Markup {
    html! {
        form.asof method="get" {
            label for="as_of" { (r.term(Term::AsOf)) }
            input #as_of type="text" name="as_of" value=(r.date(day)) size="10";
            input type="hidden" name="lang" value=(super::lang_code(r.locale));
            button type="submit" { (r.t(Text::Show)) }
        }
    }
}

fn totals(r: &Reader, roll: &Rollup) -> Markup {
    html! {
        table.totals {
            thead { tr {
                th { (r.term(Term::Total)) }
                th { (r.term(Term::Organisations)) } th { (r.term(Term::Members)) }
                th { (r.term(Term::Savings)) } th { (r.term(Term::LoansOutstanding)) }
                th { (r.term(Term::Par30)) } th { (r.term(Term::MeetingsLast3Months)) }
            } }
            tbody { @for (currency, t) in &roll.totals {
                tr data-currency=(currency) {
                    th { (currency) }
                    td.num data-field="organisations" { (r.count(t.organisations)) }
                    td.num data-field="members" data-value=(t.members) { (r.count(t.members)) }
                    td.num data-field="savings" data-value=(t.savings) { (r.amount(t.savings)) }
                    td.num data-field="loans" data-value=(t.loans_outstanding) { (r.amount(t.loans_outstanding)) }
                    td.num data-field="par30" data-value=(t.par30) { (r.percent(t.par30)) }
                    td.num data-field="meetings" { (r.count(t.meetings_last_3_months)) }
                }
            } }
        }
    }
}

fn plots(
    r: &Reader,
    roll: &Rollup,
    trend: &std::collections::BTreeMap<String, Vec<rollup::MonthPoint>>,
    par30: &std::collections::BTreeMap<String, Vec<(NaiveDate, Decimal)>>,
) -> Markup {
    let mut grades: std::collections::BTreeMap<String, i64> =
        ["A", "B", "C"].iter().map(|g| (g.to_string(), 0)).collect();
    for t in roll.totals.values() {
        for (g, n) in &t.grades {
            *grades.entry(g.clone()).or_default() += n;
        }
    }
    let grades: Vec<(String, i64)> = grades.into_iter().collect();
    html! {
        section.plots {
            @for (currency, points) in trend {
                (plot::lines(
                    r,
                    &format!("{} ({currency})", r.t(Text::SavingsAndLoansByMonth)),
                    &points.iter().map(|p| p.day).collect::<Vec<_>>(),
                    &[
                        Series { name: r.term(Term::Savings), points: points.iter().map(|p| p.savings).collect() },
                        Series { name: r.term(Term::LoansOutstanding), points: points.iter().map(|p| p.loans_outstanding).collect() },
                    ],
                    false,
                ))
            }
            @for (currency, points) in par30 {
                (plot::lines(
                    r,
                    &format!("{} ({currency})", r.t(Text::Par30ByMonth)),
                    &points.iter().map(|p| p.0).collect::<Vec<_>>(),
                    &[Series { name: r.term(Term::Par30), points: points.iter().map(|p| p.1).collect() }],
                    true,
                ))
            }
            (plot::bars(r, r.t(Text::GradeDistribution), &grades))
        }
    }
}

fn groups(r: &Reader, roll: &Rollup, q: &NodeQuery, day: NaiveDate) -> Markup {
    let sort = q
        .sort
        .as_deref()
        .filter(|s| SORTS.contains(s))
        .unwrap_or("name");
    let desc = q.desc.is_some();
    let stale_before = Utc::now() - chrono::Duration::days(STALE_DAYS);
    let mut lines: Vec<&OrgLine> = roll
        .organisations
        .iter()
        .filter(|l| q.stale.is_none() || last_sync(l).map_or(true, |s| s < stale_before))
        .filter(|l| q.weak.is_none() || matches!(l.grade.as_deref(), Some("C") | Some("D")))
        .filter(|l| q.risky.is_none() || l.par30.is_some_and(|p| p > RISKY_PAR30))
        .collect();
    lines.sort_by(|a, b| {
        let o = compare(sort, a, b);
        if desc {
            o.reverse()
        } else {
            o
        }
    });
    let pages = lines.len().div_ceil(PAGE).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let first = (page - 1) * PAGE;
    let shown = &lines[first.min(lines.len())..(first + PAGE).min(lines.len())];
    let page_link = |p: usize| r.link_with("page", Some(&p.to_string()));
    let header = |key: &str, label: &str| {
        let flip = sort == key && !desc;
        let mut link = r.link_with("sort", Some(key));
        link = with_param(&link, "desc", flip.then_some("1"));
        link = with_param(&link, "page", None);
        let mark = if sort == key {
            if desc {
                " ▼"
            } else {
                " ▲"
            }
        } else {
            ""
        };
        html! { th { a href=(link) { (label) (mark) } } }
    };
    html! {
        section.groups {
            h2 { (r.t(Text::Groups)) " · " (r.count(lines.len() as i64)) " " (r.t(Text::Shown)) }
            form.filters method="get" {
                input type="hidden" name="as_of" value=(day);
                input type="hidden" name="lang" value=(super::lang_code(r.locale));
                input type="hidden" name="sort" value=(sort);
                @if desc { input type="hidden" name="desc" value="1"; }
                label { input type="checkbox" name="stale" value="1" checked[q.stale.is_some()]; " " (r.t(Text::NotSynced30)) }
                label { input type="checkbox" name="weak" value="1" checked[q.weak.is_some()]; " " (r.t(Text::GradeCOrD)) }
                label { input type="checkbox" name="risky" value="1" checked[q.risky.is_some()]; " " (r.t(Text::Par30Above10)) }
                button type="submit" { (r.t(Text::Show)) }
            }
            @if roll.organisations.is_empty() {
                p { (r.t(Text::NoGroups)) }
            } @else {
                div.scroll { table.groups {
                    thead { tr {
                        (header("name", r.term(Term::Name)))
                        th { (r.term(Term::Under)) }
                        (header("members", r.term(Term::Members)))
                        (header("savings", r.term(Term::Savings)))
                        (header("loans", r.term(Term::LoansOutstanding)))
                        (header("par30", r.term(Term::Par30)))
                        (header("grade", r.term(Term::Grade)))
                        (header("meetings", r.term(Term::MeetingsLast3Months)))
                        (header("sync", r.term(Term::LastSync)))
                        (header("head", r.term(Term::ChainHead)))
                    } }
                    tbody { @for l in shown { (group_row(r, l, day)) } }
                } }
                @if pages > 1 {
                    nav.pages {
                        @if page > 1 { a rel="prev" href=(page_link(page - 1)) { "‹" } }
                        span { (r.count((first + 1) as i64)) "–" (r.count((first + shown.len()) as i64))
                               " / " (r.count(lines.len() as i64)) }
                        @if page < pages { a rel="next" href=(page_link(page + 1)) { "›" } }
                    }
                }
            }
        }
    }
}

fn group_row(r: &Reader, l: &OrgLine, day: NaiveDate) -> Markup {
    html! {
        tr data-org=(l.org) {
            td { a href={ "/web/orgs/" (l.org) "?" (r.carry(day)) } { (l.name) }
                 @if let Some(c) = &l.code { br; small { (c) } } }
            td { (l.parent.as_deref().unwrap_or("")) }
            td.num data-field="members" data-value=(l.members) { (r.count(l.members)) }
            td.num data-field="savings" data-value=(l.savings) { (r.amount(l.savings)) }
            td.num data-field="loans" data-value=(l.loans_outstanding) { (r.amount(l.loans_outstanding)) }
            td.num data-field="par30" data-value=(l.par30.map(|p| p.to_string()).unwrap_or_default()) {
                (l.par30.map(|p| r.percent(p)).unwrap_or_default()) }
            td data-field="grade" data-value=(l.grade.as_deref().unwrap_or("")) {
                (l.grade.as_deref().unwrap_or("–"))
                @if let Some(s) = l.grade_score { " (" (r.amount(s)) ")" } }
            td.num data-field="meetings" data-value=(l.meetings_last_3_months) { (r.count(l.meetings_last_3_months)) }
            td data-field="sync" { (last_sync(l).map(|s| r.date(s.date_naive())).unwrap_or_else(|| r.t(Text::Never).to_string())) }
            td data-field="head" data-value=(l.head_seq) {
                (r.count(l.head_seq)) " · " code { (l.head_hash.get(..8).unwrap_or("")) } " "
                @if l.consolidated { span.ok { "✓ " (r.t(Text::Verified)) } }
                @else { span.pending { (r.t(Text::NotYetConsolidated)) } }
            }
        }
    }
}

/// `link` with `key` set to `value`, or removed.
fn with_param(link: &str, key: &str, value: Option<&str>) -> String {
    let (path, query) = link.split_once('?').unwrap_or((link, ""));
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k != key {
            q.append_pair(&k, &v);
        }
    }
    if let Some(v) = value {
        q.append_pair(key, v);
    }
    let q = q.finish();
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{q}")
    }
}
