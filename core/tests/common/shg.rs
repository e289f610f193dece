//! An SHG set up for the operation tests, and the steps they repeat.

use super::*;
use daftar_core::event::FacilitySource;
use daftar_core::lending::{LoanRequest, Repayment};
use daftar_core::loan::{Frequency, Method, RatePeriod};
use daftar_core::policy::Policy;
use daftar_core::settlement::{Cutoff, OpeningBorrowing, OpeningLoan, OpeningMember};
use daftar_core::*;
use uuid::Uuid;

pub struct Shg {
    pub _dir: tempfile::TempDir,
    pub path: std::path::PathBuf,
    pub book: Book,
    pub org: Uuid,
}

/// An SHG with `n` members who each saved ₹1,000 in cash at the opening, and an
/// approver named "cc-meena" (the cluster coordinator).
pub fn shg(n: u32, policy: Policy) -> Shg {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shg.daftar");
    let book = Book::open(&path).unwrap();
    let o = new_org(OrgKind::Shg, "INR");
    let org = o.id;
    book.create_organisation(&meta(), o).unwrap();
    book.set_policy(&meta(), org, date("2025-04-01"), policy)
        .unwrap();
    name_approver(&book, &meta(), org, date("2025-04-01"), "cc-meena");
    for i in 0..n {
        book.add_member(&meta(), org, member(&format!("सदस्य {i}")))
            .unwrap();
        book.deposit_savings(
            &meta(),
            org,
            SavingsEntry {
                date: date("2025-04-01"),
                ..deposit(i + 1, "1000")
            },
        )
        .unwrap();
    }
    Shg {
        _dir: dir,
        path,
        book,
        org,
    }
}

pub fn approver() -> CommandMeta {
    CommandMeta {
        actor: "cc-meena".into(),
        ..meta()
    }
    .with_pin(APPROVER_PIN)
}

pub fn loan(
    principal: &str,
    rate: &str,
    period: RatePeriod,
    term: u32,
    method: Method,
) -> LoanRequest {
    LoanRequest {
        principal: dec(principal),
        rate: dec(rate),
        rate_period: period,
        term,
        frequency: Frequency::Monthly,
        method,
        reference: None,
    }
}

/// Opens a meeting on `day`, applies, approves and pays out a loan to member 1.
pub fn lend(s: &Shg, day: &str, req: LoanRequest) -> (u32, u32) {
    let m = s
        .book
        .open_meeting(&meta(), s.org, date(day))
        .unwrap()
        .number
        .unwrap();
    let l = s
        .book
        .apply_for_loan(&meta(), s.org, 1, date(day), req)
        .unwrap()
        .number
        .unwrap();
    s.book.approve_loan(&meta(), s.org, l, m).unwrap();
    s.book
        .disburse_loan(&meta(), s.org, l, date(day), Via::Cash)
        .unwrap();
    (m, l)
}

pub fn close_even(s: &Shg, m: u32) {
    let cash = s.book.balance(s.org, "1100").unwrap();
    s.book.close_meeting(&meta(), s.org, m, cash, None).unwrap();
}

pub fn repay(s: &Shg, l: u32, day: &str, amount: &str) -> Result<Outcome> {
    s.book.repay_loan(
        &meta(),
        s.org,
        l,
        Repayment {
            date: date(day),
            via: Via::Cash,
            amount: dec(amount),
        },
    )
}

/// The paper books of a two-member SHG brought in on 1 April 2025: cash
/// 1,500, bank 20,000, a Revolving Fund of 15,000, member 1's loan of 6,000
/// (1,000 of it overdue since 1 March) and a CIF borrowing of 5,000.
pub fn cutoff(surplus: &str) -> Cutoff {
    Cutoff {
        date: date("2025-04-01"),
        cash: dec("1500"),
        bank: dec("20000"),
        revolving_fund: dec("15000"),
        surplus: dec(surplus),
        members: vec![
            OpeningMember {
                member_no: 1,
                compulsory: dec("3000"),
                voluntary: dec("500"),
                loans: vec![OpeningLoan {
                    outstanding: dec("6000"),
                    arrears: dec("1000"),
                    overdue_since: Some(date("2025-03-01")),
                    rate: dec("2"),
                    rate_period: RatePeriod::Month,
                    remaining_term: 5,
                    frequency: Frequency::Monthly,
                    method: Method::Reducing,
                    overdue_interest: None,
                }],
            },
            OpeningMember {
                member_no: 2,
                compulsory: dec("3000"),
                voluntary: dec("0"),
                loans: vec![],
            },
        ],
        borrowings: vec![OpeningBorrowing {
            source: FacilitySource::Cif,
            outstanding: dec("5000"),
            rate: dec("6"),
            rate_period: RatePeriod::Year,
            remaining_term: 5,
            frequency: Frequency::Monthly,
            method: Method::Flat,
        }],
    }
}

/// An SHG with two members and no money yet, ready for a cut-off.
pub fn fresh_shg_for_cutoff() -> Shg {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.daftar");
    let book = Book::open(&path).unwrap();
    let o = new_org(OrgKind::Shg, "INR");
    let org = o.id;
    book.create_organisation(&meta(), o).unwrap();
    book.add_member(&meta(), org, member("सीता")).unwrap();
    book.add_member(&meta(), org, member("गीता")).unwrap();
    Shg {
        _dir: dir,
        path,
        book,
        org,
    }
}
