//! One group's books on a day: its trial balance, the month's report, its
//! loan portfolio, its grading with the workings, and each member's passbook
//! totals. Every figure is the core's own report on the server's replica of
//! the book, brought up to the chain the server holds first: the same code,
//! and so the same figures, as the phone's.

use axum::extract::{Path, State as Shared};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use chrono::{Datelike, NaiveDate, Utc};
use daftar_core::books::{MonthlyReport, Period, Portfolio};
use daftar_core::catalogue::{name, Term};
use daftar_core::grading::Grading;
use daftar_core::report::TrialBalance;
use daftar_core::{chart, Book};
use maud::{html, Markup};
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use super::node::as_of_form;
use super::plot::{self, Series};
use super::{failure, may_see, shell, visitor, PageError, PageResult, Reader, St, Text};
use crate::consolidate::{consolidate, replica_path};
use crate::error::Error;
use crate::rollup;
use crate::store::hierarchy;

#[derive(Deserialize, Default)]
pub struct OrgQuery {
    as_of: Option<String>,
}

/// A member's passbook totals to the day.
struct MemberTotals {
    member_no: u32,
    name: String,
    compulsory: Decimal,
    voluntary: Decimal,
    loan: Decimal,
    paid: Decimal,
    received: Decimal,
}

/// What the core's reports say of the group on `day`.
struct Books {
    day: NaiveDate,
    currency: String,
    head: (u64, [u8; 32]),
    trial: TrialBalance,
    monthly: MonthlyReport,
    portfolio: Portfolio,
    grading: Option<Grading>,
    members: Vec<MemberTotals>,
    par30_by_month: Vec<(NaiveDate, Decimal)>,
}

fn books_of(book: &Book, org: Uuid, asked: Option<NaiveDate>) -> daftar_core::Result<Books> {
    let o = book.organisation(org)?;
    let today = Utc::now().date_naive();
    let day = asked.unwrap_or_else(|| book.last_business_date(org).unwrap_or(today).min(today));
    let grading = if day < o.opened_on {
        None
    } else {
        match daftar_core::books::fiscal_year(&o, day) {
            Ok(year) => Some(book.grade(org, Period::new(year.from, day)?)?),
            Err(_) => None,
        }
    };
    let from = o.opened_on.min(day);
    let mut members = Vec::new();
    for m in book.members(org)? {
        if m.joined_on > day {
            continue;
        }
        let p = book.passbook(org, m.member_no, Period::new(from, day)?)?;
        members.push(MemberTotals {
            member_no: m.member_no,
            name: m.name,
            compulsory: p.closing_compulsory,
            voluntary: p.closing_voluntary,
            loan: p.closing_loan,
            paid: p.total_paid,
            received: p.total_received,
        });
    }
    let mut par30_by_month = Vec::new();
    for end in rollup::month_ends(day) {
        let share = if end < o.opened_on {
            Decimal::ZERO
        } else {
            book.portfolio(org, end)?.par30
        };
        par30_by_month.push((end, share));
    }
    Ok(Books {
        day,
        currency: o.currency.code.clone(),
        head: book.chain_head(org)?,
        trial: book.trial_balance_as_of(org, day)?,
        monthly: book.monthly_report(org, day.year(), day.month())?,
        portfolio: book.portfolio(org, day)?,
        grading,
        members,
        par30_by_month,
    })
}

pub async fn page(
    Shared(state): St,
    Path(key): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let result: PageResult = async {
        let v = visitor(&state, &uri, &headers).await?;
        let q: OrgQuery = super::query(&uri)?;
        let org = Uuid::parse_str(&key).map_err(|_| PageError::NotFound)?;
        may_see(&state, &v.session.user, org).await?;
        let node = {
            let client = state.pool.get().await?;
            hierarchy::find(&**client, &org.to_string()).await?
        };
        if !node.has_book {
            return Err(PageError::NotFound);
        }
        let asked = super::asked_day(v.locale, q.as_of.as_deref())?;
        consolidate(&state.pool, &state.books_dir, org).await?;
        let path = replica_path(&state.books_dir, org);
        let b = tokio::task::spawn_blocking(move || -> Result<Books, Error> {
            let book = Book::open_existing(path)?;
            Ok(books_of(&book, org, asked)?)
        })
        .await
        .map_err(|e| PageError::Failed(e.to_string()))??;
        let trend = rollup::by_month(&state.pool, org, b.day).await?;
        let held = {
            let client = state.pool.get().await?;
            client
                .query_opt("SELECT head_seq FROM chains WHERE org_id = $1", &[&org])
                .await?
                .map(|row| row.get::<_, i64>(0))
                .unwrap_or(0)
        };
        let r = v.reader()?;
        let body = html! {
            (as_of_form(&r, b.day))
            @if let Some(parent) = node.parent {
                p { a href={ "/web/nodes/" (parent) "?" (r.carry(b.day)) } { "↑ " (r.term(Term::Under)) } }
            }
            p.head data-head-seq=(b.head.0) {
                (r.term(Term::ChainHead)) ": " (r.count(b.head.0 as i64)) " · " code { (daftar_sync::hex(&b.head.1)) } " "
                @if b.head.0 as i64 == held { span.ok { "✓ " (r.t(Text::Verified)) } }
                @else { span.pending { (r.t(Text::NotYetConsolidated)) } }
            }
            p.note { (r.t(Text::ComputedByCore)) }
            (plots(&r, &b, &trend))
            (trial_balance(&r, &b))
            (monthly(&r, &b))
            (portfolio(&r, &b))
            (grading(&r, &b))
            (passbooks(&r, &b))
        };
        Ok(shell(&r, &node.name, body))
    }
    .await;
    result.unwrap_or_else(|e| failure(e, &uri, &headers))
}

fn plots(
    r: &Reader,
    b: &Books,
    trend: &std::collections::BTreeMap<String, Vec<rollup::MonthPoint>>,
) -> Markup {
    let months: Vec<NaiveDate> = b.par30_by_month.iter().map(|p| p.0).collect();
    html! {
        section.plots {
            @if let Some(points) = trend.get(&b.currency) {
                (plot::lines(r, r.t(Text::SavingsAndLoansByMonth), &months, &[
                    Series { name: r.term(Term::Savings), points: points.iter().map(|p| p.savings).collect() },
                    Series { name: r.term(Term::LoansOutstanding), points: points.iter().map(|p| p.loans_outstanding).collect() },
                ], false))
            }
            (plot::lines(r, r.t(Text::Par30ByMonth), &months, &[
                Series { name: r.term(Term::Par30), points: b.par30_by_month.iter().map(|p| p.1).collect() },
            ], true))
        }
    }
}

fn trial_balance(r: &Reader, b: &Books) -> Markup {
    html! {
        section #trial-balance {
            h2 { (r.term(Term::TrialBalance)) }
            table {
                thead { tr { th { (r.term(Term::Account)) } th { (r.term(Term::Debit)) } th { (r.term(Term::Credit)) } } }
                tbody { @for row in &b.trial.rows {
                    tr data-code=(row.code) {
                        td { (row.code) " " (account_name(row, r))
                             @if let Some(m) = &row.member_name { " · " (m) } }
                        td.num data-value=(row.debit) { (r.amount(row.debit)) }
                        td.num data-value=(row.credit) { (r.amount(row.credit)) }
                    }
                } }
                tfoot { tr.total {
                    th { (r.term(Term::Total)) }
                    td.num data-field="total-debit" data-value=(b.trial.total_debit) { (r.amount(b.trial.total_debit)) }
                    td.num data-field="total-credit" data-value=(b.trial.total_credit) { (r.amount(b.trial.total_credit)) }
                } }
            }
        }
    }
}

/// An account's name in the reader's language: a member's own account is
/// named by its header (loans to members, compulsory or voluntary savings).
fn account_name(row: &daftar_core::report::TrialBalanceRow, r: &Reader) -> String {
    let english = match row.member_no {
        Some(_) => chart::member_header_name(&row.code).unwrap_or(&row.name),
        None => &row.name,
    };
    name(english, r.locale).to_string()
}

/// A line of the monthly report: what kind of figure it is decides how it shows.
enum Figure {
    Count(i64),
    Share(Decimal),
    Amount(Decimal),
}

fn monthly(r: &Reader, b: &Books) -> Markup {
    let m = &b.monthly;
    use Figure::*;
    let rows = [
        (Term::Meetings, Count(m.meetings.len() as i64)),
        (Term::Attendance, Share(m.attendance)),
        (Term::CompulsorySavings, Amount(m.compulsory_savings)),
        (Term::VoluntarySavings, Amount(m.voluntary_savings)),
        (Term::Withdrawals, Amount(m.withdrawals)),
        (Term::SavingsReturned, Amount(m.savings_returned)),
        (Term::LoansDisbursed, Count(m.loans_disbursed.into())),
        (Term::AmountDisbursed, Amount(m.amount_disbursed)),
        (Term::PrincipalRepaid, Amount(m.principal_repaid)),
        (Term::InterestCollected, Amount(m.interest_collected)),
        (Term::PenaltiesCollected, Amount(m.penalties_collected)),
        (Term::FinesAndFees, Amount(m.fines_and_fees)),
        (Term::ClosingCash, Amount(m.closing_cash)),
        (Term::ClosingBank, Amount(m.closing_bank)),
    ];
    html! {
        section #monthly-report {
            h2 { (r.term(Term::MonthlyReport)) " · " (r.date(m.period.from)) " – " (r.date(m.period.to)) }
            table { tbody { @for (t, figure) in &rows {
                @let (value, shown) = match figure {
                    Count(n) => (Decimal::from(*n), r.count(*n)),
                    Share(d) => (*d, r.percent(*d)),
                    Amount(d) => (*d, r.amount(*d)),
                };
                tr { th { (r.term(*t)) } td.num data-value=(value) { (shown) } }
            } } }
        }
    }
}

fn portfolio(r: &Reader, b: &Books) -> Markup {
    let p = &b.portfolio;
    html! {
        section #portfolio {
            h2 { (r.term(Term::LoanPortfolio)) }
            table {
                thead { tr { th { (r.term(Term::Loan)) } th { (r.term(Term::Member)) } th { (r.term(Term::Outstanding)) }
                             th { (r.term(Term::Arrears)) } th { (r.term(Term::DaysPastDue)) } th { (r.term(Term::Bucket)) } } }
                tbody { @for l in &p.loans {
                    tr data-loan=(l.loan_no) {
                        td.num { (r.count(l.loan_no.into())) }
                        td { (l.member_name) }
                        td.num data-value=(l.outstanding) { (r.amount(l.outstanding)) }
                        td.num data-value=(l.arrears) { (r.amount(l.arrears)) }
                        td.num { (r.count(l.days_past_due)) }
                        td { (name(&l.bucket, r.locale)) }
                    }
                } }
                tfoot { tr.total {
                    th colspan="2" { (r.term(Term::Total)) " · " (r.term(Term::Par30)) " " span data-field="par30" data-value=(p.par30) { (r.percent(p.par30)) } }
                    td.num data-field="outstanding" data-value=(p.outstanding) { (r.amount(p.outstanding)) }
                    td.num data-field="arrears" data-value=(p.arrears) { (r.amount(p.arrears)) }
                    td {} td {}
                } }
            }
        }
    }
}

fn grading(r: &Reader, b: &Books) -> Markup {
    html! {
        section #grading {
            h2 { (r.term(Term::Grading)) }
            @if let Some(g) = &b.grading {
                p { (r.date(g.period.from)) " – " (r.date(g.period.to)) " · " (r.term(Term::Grade)) " "
                    strong data-field="grade" data-value=(g.grade) { (g.grade) }
                    " (" span data-field="score" data-value=(g.total) { (r.amount(g.total)) } " / " (r.count(100)) ")" }
                table {
                    thead { tr { th { (r.term(Term::Norm)) } th { (r.term(Term::Score)) } th { (r.term(Term::Workings)) } } }
                    tbody { @for n in &g.norms {
                        tr { td { (name(n.name, r.locale)) } td.num data-value=(n.score) { (r.amount(n.score)) } td { (n.basis) } }
                    } }
                }
            } @else {
                p { "–" }
            }
        }
    }
}

fn passbooks(r: &Reader, b: &Books) -> Markup {
    html! {
        section #passbooks {
            h2 { (r.term(Term::Passbooks)) }
            table {
                thead { tr { th { (r.term(Term::Member)) } th { (r.term(Term::CompulsorySavings)) } th { (r.term(Term::VoluntarySavings)) }
                             th { (r.term(Term::Outstanding)) } th { (r.term(Term::PaidIn)) } th { (r.term(Term::Received)) } } }
                tbody { @for m in &b.members {
                    tr data-member=(m.member_no) {
                        td { (r.count(m.member_no.into())) " · " (m.name) }
                        td.num data-field="compulsory" data-value=(m.compulsory) { (r.amount(m.compulsory)) }
                        td.num data-field="voluntary" data-value=(m.voluntary) { (r.amount(m.voluntary)) }
                        td.num data-field="loan" data-value=(m.loan) { (r.amount(m.loan)) }
                        td.num data-field="paid" data-value=(m.paid) { (r.amount(m.paid)) }
                        td.num data-field="received" data-value=(m.received) { (r.amount(m.received)) }
                    }
                } }
            }
        }
    }
}
