//! A VO's (or CLF's) CIF reconciliation: each CIF loan as the federation's
//! book and the group's book record it, and any difference, from the core's
//! `cif_reconciliation` on the server's replicas (`crate::cif`).

use axum::extract::{Path, State as Shared};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use daftar_core::books::{CifMatch, CifSide};
use daftar_core::catalogue::Term;
use maud::{html, Markup};
use serde::Deserialize;

use super::node::as_of_form;
use super::{failure, shell, visible_node, visitor, PageResult, Reader, St};

#[derive(Deserialize, Default)]
pub struct CifQuery {
    as_of: Option<String>,
}

fn status(s: CifMatch) -> Term {
    match s {
        CifMatch::Agrees => Term::Agrees,
        CifMatch::Differs => Term::Differs,
        CifMatch::OnlyLender => Term::OnlyLender,
        CifMatch::OnlyBorrower => Term::OnlyBorrower,
        CifMatch::Duplicate => Term::Duplicate,
        CifMatch::NoReference => Term::NoReference,
    }
}

fn side(r: &Reader, s: Option<&CifSide>) -> Markup {
    html! {
        @match s {
            Some(s) => {
                td { (s.org_name) " · " (r.term(Term::Loan)) " " (r.count(s.loan_no.into())) }
                td.num data-value=(s.principal) { (r.amount(s.principal)) }
                td.num data-value=(s.outstanding) { (r.amount(s.outstanding)) }
            }
            None => { td { "–" } td {} td {} }
        }
    }
}

pub async fn page(
    Shared(state): St,
    Path(key): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let result: PageResult = async {
        let v = visitor(&state, &uri, &headers).await?;
        let q: CifQuery = super::query(&uri)?;
        let node = visible_node(&state, &v.session.user, &key).await?;
        let typed = super::asked_day(v.locale, q.as_of.as_deref())?;
        let rec = crate::cif::reconcile(&state.pool, state.books_dir.clone(), &node, typed).await?;
        let r = v.reader()?;
        let body = html! {
            (as_of_form(&r, rec.as_of))
            p { a href={ "/web/nodes/" (node.id) "?" (r.carry(rec.as_of)) } { "↑ " (node.name) } }
            table.cif {
                thead {
                    tr { th rowspan="2" { (r.term(Term::Reference)) }
                         th colspan="3" { (r.term(Term::Lender)) } th colspan="3" { (r.term(Term::Borrower)) }
                         th rowspan="2" { (r.term(Term::Difference)) } th rowspan="2" { (r.term(Term::Status)) } }
                    tr { @for _ in 0..2 { th { (r.term(Term::Loan)) } th { (r.term(Term::Principal)) } th { (r.term(Term::Outstanding)) } } }
                }
                tbody { @for l in &rec.lines {
                    tr data-reference=(l.reference.as_deref().unwrap_or("")) data-status=(format!("{:?}", l.status)) {
                        td { (l.reference.as_deref().unwrap_or("–")) }
                        (side(&r, l.lender.as_ref()))
                        (side(&r, l.borrower.as_ref()))
                        td.num data-field="difference" data-value=(l.difference) { (r.amount(l.difference)) }
                        td class=(if l.status == CifMatch::Agrees { "ok" } else { "pending" }) { (r.term(status(l.status))) }
                    }
                } }
                tfoot { tr.total {
                    th { (r.term(Term::Total)) }
                    td {} td {} td.num data-field="lender" data-value=(rec.lender_outstanding) { (r.amount(rec.lender_outstanding)) }
                    td {} td {} td.num data-field="borrowers" data-value=(rec.borrowers_outstanding) { (r.amount(rec.borrowers_outstanding)) }
                    td.num data-field="difference" data-value=(rec.difference) { (r.amount(rec.difference)) }
                    td {}
                } }
            }
        };
        Ok(shell(&r, &format!("{} · {}", r.term(Term::CifReconciliation), node.name), body))
    }
    .await;
    result.unwrap_or_else(|e| failure(e, &uri, &headers))
}
