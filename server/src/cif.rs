//! The CIF reconciliation between a VO (or CLF) and the groups under it,
//! computed by the core's own `cif_reconciliation` on the server's replica
//! books, each first brought up to the chain the server holds.

use std::path::PathBuf;

use chrono::NaiveDate;
use daftar_core::books::{cif_reconciliation, CifReconciliation};
use daftar_core::Book;
use deadpool_postgres::Pool;
use uuid::Uuid;

use crate::consolidate::{consolidate, replica_path};
use crate::error::{Error, Result};
use crate::store::hierarchy::Node;

/// The lender's CIF loans beside the CIF borrowings of every organisation with
/// a book placed directly under it, on `as_of` (default: the lender's latest
/// business date).
pub async fn reconcile(
    pool: &Pool,
    books: PathBuf,
    lender: &Node,
    as_of: Option<NaiveDate>,
) -> Result<CifReconciliation> {
    if !matches!(lender.kind.as_str(), "vo" | "clf") || !lender.has_book {
        return Err(Error::BadRequest(format!(
            "{} is a {} {}; CIF is reconciled for a VO or CLF whose book the server holds",
            lender.name,
            lender.kind,
            if lender.has_book {
                "with a book"
            } else {
                "without a book"
            }
        )));
    }
    let children: Vec<Uuid> = pool
        .get()
        .await?
        .query(
            "SELECT org_id FROM orgs WHERE parent_id = $1 AND has_book ORDER BY org_id",
            &[&lender.id],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for org in std::iter::once(lender.id).chain(children.iter().copied()) {
        consolidate(pool, &books, org).await?;
    }
    let vo = lender.id;
    tokio::task::spawn_blocking(move || -> Result<CifReconciliation> {
        let open = |org: Uuid| Book::open_existing(replica_path(&books, org));
        let lender_book = open(vo)?;
        let group_books = children
            .iter()
            .map(|&o| open(o).map(|b| (b, o)))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        // Only the borrowers: a child that is not an SHG or VO borrows no CIF.
        let mut groups = Vec::new();
        for (b, o) in &group_books {
            let kind = b.organisation(*o)?.kind;
            if matches!(kind, daftar_core::OrgKind::Shg | daftar_core::OrgKind::Vo) {
                groups.push((b, *o));
            }
        }
        let as_of = match as_of {
            Some(d) => d,
            None => lender_book.last_business_date(vo)?,
        };
        Ok(cif_reconciliation((&lender_book, vo), &groups, as_of)?)
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?
}
