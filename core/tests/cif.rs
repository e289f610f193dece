//! The federation's side of CIF: a VO lends to its member groups as loans with
//! schedules, each carrying a reference the group's book shares, and the
//! reconciliation lists both sides of each loan. Figures worked by hand.

mod common;

use common::*;
use daftar_core::books::{cif_reconciliation, CifMatch};
use daftar_core::event::FacilitySource;
use daftar_core::lending::{LoanRequest, Repayment};
use daftar_core::loan::{Frequency, Method, RatePeriod};
use daftar_core::*;
use uuid::Uuid;

/// CIF terms: 12% a year on the reducing balance, monthly over 10 months, so
/// the first instalment is a tenth of the principal and 1% interest.
fn cif(principal: &str, reference: &str) -> LoanRequest {
    LoanRequest {
        principal: dec(principal),
        rate: dec("12"),
        rate_period: RatePeriod::Year,
        term: 10,
        frequency: Frequency::Monthly,
        method: Method::Reducing,
        reference: Some(reference.into()),
    }
}

fn org(book: &Book, kind: OrgKind, name: &str) -> Uuid {
    let o = NewOrganisation {
        name: name.into(),
        ..new_org(kind, "INR")
    };
    let id = o.id;
    book.create_organisation(&meta(), o).unwrap();
    id
}

fn borrow(book: &Book, shg: Uuid, req: LoanRequest) -> u32 {
    book.receive_borrowing(
        &meta(),
        shg,
        FacilitySource::Cif,
        date("2025-04-10"),
        Via::Bank,
        req,
    )
    .unwrap()
    .number
    .unwrap()
}

fn pay(day: &str, amount: &str) -> Repayment {
    Repayment {
        date: date(day),
        via: Via::Bank,
        amount: dec(amount),
    }
}

struct Federation {
    _dir: tempfile::TempDir,
    book: Book,
    other: Book,
    vo: Uuid,
    groups: Vec<Uuid>,
}

/// A VO that borrowed 2,00,000 of CIF and lent it on 10 April 2025 to three
/// member groups: A 50,000 (CIF/25/001), B 30,000 (CIF/25/002) and C 20,000
/// (CIF/25/003). A and B keep their books in the VO's file, C and D in another.
/// On 10 May A pays its first instalment, 5,500, recorded on both sides; B's
/// 3,300 is in the VO's book only. D's book holds a CIF/25/009 nobody lent.
fn federation() -> Federation {
    let dir = tempfile::tempdir().unwrap();
    let book = Book::open(dir.path().join("vo.daftar")).unwrap();
    let other = Book::open(dir.path().join("groups.daftar")).unwrap();
    let vo = org(&book, OrgKind::Vo, "ज्योति ग्राम संगठन");
    book.receive_borrowing(
        &meta(),
        vo,
        FacilitySource::Cif,
        date("2025-04-01"),
        Via::Bank,
        LoanRequest {
            reference: None,
            ..cif("200000", "-")
        },
    )
    .unwrap();
    for name in ["आशा SHG", "दीपा SHG", "सखी SHG"] {
        book.add_member(&meta(), vo, member(name)).unwrap();
    }
    let m = book
        .open_meeting(&meta(), vo, date("2025-04-10"))
        .unwrap()
        .number
        .unwrap();
    let lend = |no: u32, req: LoanRequest| {
        book.sanction_loan(&meta(), vo, no, date("2025-04-10"), req, Via::Bank)
            .unwrap()
            .number
            .unwrap()
    };
    let (la, lb) = (
        lend(1, cif("50000", "CIF/25/001")),
        lend(2, cif("30000", "CIF/25/002")),
    );
    lend(3, cif("20000", "CIF/25/003"));
    let bank = book.balance(vo, "1100").unwrap();
    book.close_meeting(&meta(), vo, m, bank, None).unwrap();
    book.repay_loan(&meta(), vo, la, pay("2025-05-10", "5500"))
        .unwrap();
    book.repay_loan(&meta(), vo, lb, pay("2025-05-10", "3300"))
        .unwrap();

    let a = org(&book, OrgKind::Shg, "आशा SHG");
    let b = org(&book, OrgKind::Shg, "दीपा SHG");
    let c = org(&other, OrgKind::Shg, "सखी SHG");
    let d = org(&other, OrgKind::Shg, "मीरा SHG");
    let a_loan = borrow(&book, a, cif("50000", "CIF/25/001"));
    borrow(&book, b, cif("30000", "CIF/25/002"));
    borrow(&other, c, cif("20000", "CIF/25/003"));
    borrow(&other, d, cif("10000", "CIF/25/009"));
    book.repay_borrowing(&meta(), a, a_loan, pay("2025-05-10", "5500"))
        .unwrap();
    Federation {
        _dir: dir,
        book,
        other,
        vo,
        groups: vec![a, b, c, d],
    }
}

#[test]
fn a_vo_lends_cif_as_loans_to_its_member_groups_with_schedules_and_par() {
    let f = federation();
    let loans = f.book.loans(f.vo).unwrap();
    let lent: Vec<_> = loans.iter().filter(|l| l.member_no.is_some()).collect();
    assert_eq!(lent.len(), 3);
    assert_eq!(lent[0].reference.as_deref(), Some("CIF/25/001"));
    assert_eq!(lent[0].instalments.len(), 10);
    // Member loans, not a voucher to 1400: 1300 carries what is owed.
    assert_eq!(f.book.balance(f.vo, "1300-0001").unwrap(), dec("45000.00"));
    assert_eq!(f.book.balance(f.vo, "1400").unwrap(), dec("0.00"));
    // Interest came back: 500 + 300.
    assert_eq!(f.book.balance(f.vo, "4100").unwrap(), dec("-800.00"));
    // C paid nothing by 10 June: its first instalment is 31 days late, so the
    // VO's PAR30 is C's 20,000 of the 92,000 outstanding.
    let p = f.book.portfolio(f.vo, date("2025-06-10")).unwrap();
    assert_eq!(p.outstanding, dec("92000.00"));
    assert_eq!(p.par30_outstanding, dec("20000.00"));
}

#[test]
fn the_reconciliation_lists_each_cif_loan_on_both_sides_with_the_difference() {
    let f = federation();
    let (a, b, c, d) = (f.groups[0], f.groups[1], f.groups[2], f.groups[3]);
    let groups = [(&f.book, a), (&f.book, b), (&f.other, c), (&f.other, d)];
    let r = cif_reconciliation((&f.book, f.vo), &groups, date("2025-05-31")).unwrap();
    let got: Vec<_> = r
        .lines
        .iter()
        .map(|l| {
            (
                l.reference.clone().unwrap_or_default(),
                l.lender.as_ref().map(|s| s.outstanding),
                l.borrower.as_ref().map(|s| s.outstanding),
                l.difference,
                l.status,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "CIF/25/001".into(),
                Some(dec("45000.00")),
                Some(dec("45000.00")),
                dec("0.00"),
                CifMatch::Agrees
            ),
            (
                "CIF/25/002".into(),
                Some(dec("27000.00")),
                Some(dec("30000.00")),
                dec("-3000.00"),
                CifMatch::Differs
            ),
            (
                "CIF/25/003".into(),
                Some(dec("20000.00")),
                Some(dec("20000.00")),
                dec("0.00"),
                CifMatch::Agrees
            ),
            (
                "CIF/25/009".into(),
                None,
                Some(dec("10000.00")),
                dec("-10000.00"),
                CifMatch::OnlyBorrower
            ),
        ]
    );
    assert_eq!(
        r.lines[0].lender.as_ref().unwrap().member_name.as_deref(),
        Some("आशा SHG")
    );
    assert_eq!(r.lines[2].borrower.as_ref().unwrap().org_name, "सखी SHG");
    assert_eq!(
        (r.lender_outstanding, r.borrowers_outstanding, r.difference),
        (dec("92000.00"), dec("105000.00"), dec("-13000.00"))
    );
    // Before 10 May nothing was repaid on either side: B agrees then.
    let early = cif_reconciliation((&f.book, f.vo), &groups, date("2025-05-01")).unwrap();
    assert_eq!(early.lines[1].status, CifMatch::Agrees);
    // Without the groups' books, every loan is the lender's alone.
    let alone = cif_reconciliation((&f.book, f.vo), &[], date("2025-05-31")).unwrap();
    assert!(alone.lines.iter().all(|l| l.status == CifMatch::OnlyLender));
}

#[test]
fn a_loan_reference_is_unique_in_the_organisation_and_checked_like_typed_text() {
    let f = federation();
    let a = f.groups[0];
    let e = f
        .book
        .receive_borrowing(
            &meta(),
            a,
            FacilitySource::Cif,
            date("2025-05-10"),
            Via::Bank,
            cif("1000", "CIF/25/001"),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains("CIF/25/001"), "{e}");
    let long = "X".repeat(41);
    let e = f
        .book
        .receive_borrowing(
            &meta(),
            a,
            FacilitySource::Cif,
            date("2025-05-10"),
            Via::Bank,
            cif("1000", &long),
        )
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "reference"),
        "{e}"
    );
    // Only a VO or CLF lends CIF, and only SHGs are reconciled against it.
    let e = cif_reconciliation((&f.book, a), &[], date("2025-05-31")).unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "org"),
        "{e}"
    );
    let e =
        cif_reconciliation((&f.book, f.vo), &[(&f.book, f.vo)], date("2025-05-31")).unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "group"),
        "{e}"
    );
}
