//! `daftar report cif-reconciliation`: a VO's or CLF's CIF loans beside the
//! CIF borrowings of the SHGs in its own book and in the books given by --with.

use daftar_core::books::{cif_reconciliation, CifMatch, CifSide};
use daftar_core::org::OrgKind;
use daftar_core::{Book, Error};
use uuid::Uuid;

use super::{emit, Args, Cell, Context, Grid};

pub(super) fn reconciliation(
    book: &Book,
    org: Uuid,
    a: &Args,
    c: &Context<'_>,
) -> Result<String, Error> {
    let others = a
        .with
        .iter()
        .map(crate::open::existing)
        .collect::<Result<Vec<_>, _>>()?;
    let mut groups = Vec::new();
    for b in std::iter::once(book).chain(others.iter()) {
        for o in b.organisations()? {
            if o.kind == OrgKind::Shg {
                groups.push((b, o.id));
            }
        }
    }
    let r = cif_reconciliation((book, org), &groups, c.as_of)?;
    emit(c.view, &r, || {
        let mut g = Grid::new(
            "CIF reconciliation",
            format!("{} · {}", c.o.name, c.on),
            vec![
                "reference",
                "lent to",
                "loan",
                "principal",
                "outstanding (lender)",
                "borrower",
                "loan",
                "principal",
                "outstanding (borrower)",
                "difference",
                "status",
            ],
        );
        let side = |s: &Option<CifSide>, who: fn(&CifSide) -> String| -> [Cell; 4] {
            match s {
                Some(s) => [
                    who(s).into(),
                    s.loan_no.into(),
                    s.principal.into(),
                    s.outstanding.into(),
                ],
                None => [Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty],
            }
        };
        for l in &r.lines {
            let mut row = vec![l.reference.clone().unwrap_or_default().into()];
            row.extend(side(&l.lender, |s| {
                format!(
                    "{} {}",
                    s.member_no.unwrap_or_default(),
                    s.member_name.clone().unwrap_or_default()
                )
            }));
            row.extend(side(&l.borrower, |s| s.org_name.clone()));
            row.push(l.difference.into());
            row.push(status(l.status).into());
            g.row(row);
        }
        let mut total: Vec<Cell> = vec!["total".into(), Cell::Empty, Cell::Empty, Cell::Empty];
        total.push(r.lender_outstanding.into());
        total.extend([Cell::Empty, Cell::Empty, Cell::Empty]);
        total.push(r.borrowers_outstanding.into());
        total.push(r.difference.into());
        total.push(Cell::Empty);
        g.row(total);
        g
    })
}

fn status(m: CifMatch) -> &'static str {
    match m {
        CifMatch::Agrees => "agrees",
        CifMatch::Differs => "differs",
        CifMatch::OnlyLender => "not in any group's book",
        CifMatch::OnlyBorrower => "not in the lender's book",
        CifMatch::Duplicate => "reference held twice",
        CifMatch::NoReference => "no reference",
    }
}
