//! The federation's side of CIF, reconciled: each CIF loan as the VO's (or
//! CLF's) book records it, a loan to a member group, beside the same loan in
//! the group's book, a CIF borrowing, matched by the reference both carry.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::book::Book;
use crate::error::{Error, Result};
use crate::lending::Loan;
use crate::org::OrgKind;

/// How the two sides of a CIF loan compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CifMatch {
    /// Both books hold it, with the same principal and the same outstanding.
    Agrees,
    /// Both books hold it, and the principal or the outstanding differ.
    Differs,
    /// The federation lent it; no group's book given holds the reference.
    OnlyLender,
    /// A group borrowed it; the federation's book holds no such reference.
    OnlyBorrower,
    /// A second group's book holds a reference already matched.
    Duplicate,
    /// A loan with no reference, which nothing can be matched by.
    NoReference,
}

/// One side of a CIF loan: whose book, which loan, and its figures on the date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CifSide {
    pub org: Uuid,
    pub org_name: String,
    pub loan_no: u32,
    /// The lender's member (the group it lent to); none on the borrower's side.
    pub member_no: Option<u32>,
    pub member_name: Option<String>,
    pub principal: Decimal,
    pub outstanding: Decimal,
    pub days_past_due: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CifLine {
    pub reference: Option<String>,
    pub lender: Option<CifSide>,
    pub borrower: Option<CifSide>,
    /// The lender's outstanding less the borrower's; a missing side counts as nothing.
    pub difference: Decimal,
    pub status: CifMatch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CifReconciliation {
    pub lender: Uuid,
    pub as_of: NaiveDate,
    pub lines: Vec<CifLine>,
    pub lender_outstanding: Decimal,
    pub borrowers_outstanding: Decimal,
    pub difference: Decimal,
}

/// The federation's CIF loans (`lender`, a VO or CLF, in its book) beside the
/// CIF borrowings of the groups given (each an SHG, in its own book or the
/// same one), on `as_of`: paid out by then, with what was outstanding then.
pub fn cif_reconciliation(
    lender: (&Book, Uuid),
    groups: &[(&Book, Uuid)],
    as_of: NaiveDate,
) -> Result<CifReconciliation> {
    let (book, vo) = lender;
    let o = book.organisation(vo)?;
    if !matches!(o.kind, OrgKind::Vo | OrgKind::Clf) {
        return Err(Error::invalid(
            "org",
            format!(
                "{} is a {}; CIF is lent by a VO or CLF",
                o.name,
                o.kind.as_str()
            ),
        ));
    }
    let zero = crate::money::from_minor(0, o.currency.scale);
    let mut lines = Vec::new();
    let mut by_reference: BTreeMap<String, usize> = BTreeMap::new();
    for l in lent_by_then(book, vo, as_of, |l| l.member_no.is_some())? {
        let side = side(book, vo, &l, as_of)?;
        if let Some(r) = &l.reference {
            by_reference.insert(r.clone(), lines.len());
        }
        lines.push(CifLine {
            status: if l.reference.is_some() {
                CifMatch::OnlyLender
            } else {
                CifMatch::NoReference
            },
            reference: l.reference,
            difference: side.outstanding,
            lender: Some(side),
            borrower: None,
        });
    }
    for &(gbook, shg) in groups {
        let g = gbook.organisation(shg)?;
        if g.kind != OrgKind::Shg {
            return Err(Error::invalid(
                "group",
                format!("{} is a {}, not an SHG", g.name, g.kind.as_str()),
            ));
        }
        if g.currency != o.currency {
            return Err(Error::invalid(
                "group",
                format!(
                    "{} keeps {}, the lender {}",
                    g.name, g.currency.code, o.currency.code
                ),
            ));
        }
        for l in lent_by_then(gbook, shg, as_of, |l| l.source == "cif")? {
            let side = side(gbook, shg, &l, as_of)?;
            let matched = l
                .reference
                .as_ref()
                .and_then(|r| by_reference.get(r))
                .copied();
            match matched {
                Some(i) if lines[i].borrower.is_none() => {
                    let line = &mut lines[i];
                    let lent = line.lender.as_ref().map_or(zero, |s| s.outstanding);
                    line.difference = lent - side.outstanding;
                    let agree = line.lender.as_ref().is_some_and(|s| {
                        s.principal == side.principal && s.outstanding == side.outstanding
                    });
                    line.status = if agree {
                        CifMatch::Agrees
                    } else {
                        CifMatch::Differs
                    };
                    line.borrower = Some(side);
                }
                other => lines.push(CifLine {
                    status: match (other, &l.reference) {
                        (Some(_), _) => CifMatch::Duplicate,
                        (None, Some(_)) => CifMatch::OnlyBorrower,
                        (None, None) => CifMatch::NoReference,
                    },
                    reference: l.reference,
                    difference: -side.outstanding,
                    lender: None,
                    borrower: Some(side),
                }),
            }
        }
    }
    let sum = |f: &dyn Fn(&CifLine) -> Option<Decimal>| -> Decimal {
        lines.iter().filter_map(f).fold(zero, |a, b| a + b)
    };
    let lender_outstanding = sum(&|l| l.lender.as_ref().map(|s| s.outstanding));
    let borrowers_outstanding = sum(&|l| l.borrower.as_ref().map(|s| s.outstanding));
    Ok(CifReconciliation {
        lender: vo,
        as_of,
        difference: lender_outstanding - borrowers_outstanding,
        lender_outstanding,
        borrowers_outstanding,
        lines,
    })
}

/// The organisation's loans that `which` picks, paid out on or before `as_of`.
fn lent_by_then(
    book: &Book,
    org: Uuid,
    as_of: NaiveDate,
    which: impl Fn(&Loan) -> bool,
) -> Result<Vec<Loan>> {
    Ok(book
        .loans(org)?
        .into_iter()
        .filter(|l| which(l) && l.disbursed_on.is_some_and(|d| d <= as_of))
        .collect())
}

fn side(book: &Book, org: Uuid, l: &Loan, as_of: NaiveDate) -> Result<CifSide> {
    let o = book.organisation(org)?;
    let standing = book.loan_standing(org, l.loan_no, as_of)?;
    let member_name = l
        .member_no
        .map(|m| book.member(org, m).map(|m| m.name))
        .transpose()?;
    Ok(CifSide {
        org,
        org_name: o.name,
        loan_no: l.loan_no,
        member_no: l.member_no,
        member_name,
        principal: crate::money::from_minor(l.terms.principal, o.currency.scale),
        outstanding: standing.outstanding_principal,
        days_past_due: standing.days_past_due,
    })
}
