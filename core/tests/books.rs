//! The books, checked against a small SHG whose figures are worked out by hand.
//!
//! April 2025: two members each save ₹500 (meeting 1, 7 Apr; Gita absent at 14 Apr).
//! Member 1 borrows ₹600 flat at 2% a month for 3 months (₹200 + ₹12 a month).
//! Stationery ₹40; ₹300 banked; bank interest ₹5.
//! May: member 1 repays the first instalment in full on 7 May; the second,
//! due 7 June, is never paid, so on 31 July it is 54 days late.

mod common;

use chrono::Datelike;
use common::*;
use daftar_core::books::{fiscal_year, Period};
use daftar_core::lending::{LoanRequest, Repayment};
use daftar_core::loan::{Frequency, Method, RatePeriod};
use daftar_core::*;

fn book() -> (tempfile::TempDir, Book, uuid::Uuid) {
    let dir = tempfile::tempdir().unwrap();
    let book = Book::open(dir.path().join("b.daftar")).unwrap();
    let o = new_org(OrgKind::Shg, "INR");
    let org = o.id;
    book.create_organisation(&meta(), o).unwrap();
    book.add_member(&meta(), org, member("सीता")).unwrap();
    book.add_member(&meta(), org, member("गीता")).unwrap();
    let d = date("2025-04-07");
    let m = book.open_meeting(&meta(), org, d).unwrap().number.unwrap();
    book.mark_attendance(&meta(), org, m, 1, true).unwrap();
    book.mark_attendance(&meta(), org, m, 2, true).unwrap();
    for no in [1, 2] {
        book.deposit_savings(
            &meta(),
            org,
            SavingsEntry {
                date: d,
                ..deposit(no, "500")
            },
        )
        .unwrap();
    }
    let req = LoanRequest {
        principal: dec("600"),
        rate: dec("2"),
        rate_period: RatePeriod::Month,
        term: 3,
        frequency: Frequency::Monthly,
        method: Method::Flat,
        reference: None,
    };
    let l = book
        .apply_for_loan(&meta(), org, 1, d, req)
        .unwrap()
        .number
        .unwrap();
    book.approve_loan(&meta(), org, l, m).unwrap();
    book.disburse_loan(&meta(), org, l, d, Via::Cash).unwrap();
    book.close_meeting(&meta(), org, m, dec("400"), None)
        .unwrap();
    let m = book
        .open_meeting(&meta(), org, date("2025-04-14"))
        .unwrap()
        .number
        .unwrap();
    book.mark_attendance(&meta(), org, m, 1, true).unwrap();
    book.mark_attendance(&meta(), org, m, 2, false).unwrap();
    book.close_meeting(&meta(), org, m, dec("400"), None)
        .unwrap();
    book.record_payment(
        &meta(),
        org,
        Voucher {
            date: date("2025-04-15"),
            ..voucher(Via::Cash, "5200", "40")
        },
    )
    .unwrap();
    book.transfer(
        &meta(),
        org,
        CashTransfer {
            date: date("2025-04-16"),
            from: Via::Cash,
            to: Via::Bank,
            amount: dec("300"),
            narration: String::new(),
        },
    )
    .unwrap();
    book.record_receipt(
        &meta(),
        org,
        Voucher {
            date: date("2025-04-30"),
            ..voucher(Via::Bank, "4400", "5")
        },
    )
    .unwrap();
    book.repay_loan(
        &meta(),
        org,
        l,
        Repayment {
            date: date("2025-05-07"),
            via: Via::Cash,
            amount: dec("212"),
        },
    )
    .unwrap();
    (dir, book, org)
}

fn april() -> Period {
    Period::new(date("2025-04-01"), date("2025-04-30")).unwrap()
}

#[test]
fn the_passbook_shows_savings_and_loan_with_running_balances() {
    let (_d, book, org) = book();
    let p = book
        .passbook(
            org,
            1,
            Period::new(date("2025-04-01"), date("2025-05-31")).unwrap(),
        )
        .unwrap();
    assert_eq!(p.lines.len(), 3);
    assert_eq!(
        (p.lines[0].compulsory, p.lines[0].compulsory_balance),
        (dec("500"), dec("500"))
    );
    assert_eq!(
        (p.lines[1].loan, p.lines[1].loan_balance),
        (dec("600"), dec("600"))
    );
    assert_eq!(
        (p.lines[2].loan, p.lines[2].loan_balance),
        (dec("-200"), dec("400"))
    );
    assert_eq!(
        (p.closing_compulsory, p.closing_loan),
        (dec("500"), dec("400"))
    );
    // From May, April's figures are the opening.
    let may = book
        .passbook(
            org,
            1,
            Period::new(date("2025-05-01"), date("2025-05-31")).unwrap(),
        )
        .unwrap();
    assert_eq!(
        (may.opening_compulsory, may.opening_loan, may.lines.len()),
        (dec("500"), dec("600"), 1)
    );
}

#[test]
fn the_cash_book_and_bank_book_run_day_by_day() {
    let (_d, book, org) = book();
    let c = book.cash_book(org, false, april()).unwrap();
    // 7 Apr: +500 +500 −600; 15 Apr: −40; 16 Apr: −300.
    assert_eq!(
        (c.opening, c.receipts, c.payments, c.closing),
        (dec("0"), dec("1000"), dec("940"), dec("60"))
    );
    assert_eq!(c.days.len(), 3);
    assert_eq!(
        (c.days[0].date, c.days[0].closing),
        (date("2025-04-07"), dec("400"))
    );
    assert_eq!(c.days[1].opening, dec("400"));
    let b = book.cash_book(org, true, april()).unwrap();
    assert_eq!((b.receipts, b.closing), (dec("305"), dec("305")));
}

#[test]
fn the_loan_ledger_and_portfolio_show_arrears_and_par30() {
    let (_d, book, org) = book();
    let ledger = book.loan_ledger(org, 1).unwrap();
    assert_eq!(ledger.lines.len(), 2);
    assert_eq!(
        (ledger.lines[0].disbursed, ledger.lines[0].outstanding),
        (dec("600"), dec("600"))
    );
    assert_eq!(
        (
            ledger.lines[1].principal,
            ledger.lines[1].interest,
            ledger.outstanding
        ),
        (dec("200"), dec("12"), dec("400"))
    );
    let may = book.portfolio(org, date("2025-05-31")).unwrap();
    assert_eq!(
        (may.outstanding, may.arrears, may.par30),
        (dec("400"), dec("0"), dec("0"))
    );
    // 31 July: instalment 2 (7 Jun) is 54 days late and instalment 3 (7 Jul) too.
    let july = book.portfolio(org, date("2025-07-31")).unwrap();
    assert_eq!(july.loans[0].days_past_due, 54);
    assert_eq!(july.loans[0].bucket, "31-60 days");
    assert_eq!(
        (july.arrears, july.par30_outstanding, july.par30),
        (dec("424"), dec("400"), dec("1"))
    );
}

#[test]
fn receipts_and_payments_balance_against_opening_and_closing_cash() {
    let (_d, book, org) = book();
    let r = book.receipts_and_payments(org, april()).unwrap();
    let rec: Vec<_> = r
        .receipts
        .iter()
        .map(|l| (l.code.as_str(), l.amount))
        .collect();
    let pay: Vec<_> = r
        .payments
        .iter()
        .map(|l| (l.code.as_str(), l.amount))
        .collect();
    assert_eq!(rec, vec![("2100", dec("1000")), ("4400", dec("5"))]);
    assert_eq!(pay, vec![("1300", dec("600")), ("5200", dec("40"))]);
    assert_eq!((r.closing_cash, r.closing_bank), (dec("60"), dec("305")));
    assert_eq!(
        r.opening_cash + r.opening_bank + r.total_receipts - r.total_payments,
        r.closing_cash + r.closing_bank
    );
}

#[test]
fn income_and_expenditure_and_the_balance_sheet_agree() {
    let (_d, book, org) = book();
    let fy = fiscal_year(&book.organisation(org).unwrap(), date("2025-06-01")).unwrap();
    assert_eq!((fy.from, fy.to), (date("2025-04-01"), date("2026-03-31")));
    let ie = book.income_and_expenditure(org, fy).unwrap();
    // Interest 12 + bank interest 5 − stationery 40.
    assert_eq!(
        (ie.total_income, ie.total_expenditure, ie.surplus),
        (dec("17"), dec("40"), dec("-23"))
    );
    let bs = book.balance_sheet(org, date("2025-05-31")).unwrap();
    assert_eq!(bs.total_assets, bs.total_liabilities_and_equity);
    assert_eq!(bs.accumulated_surplus, dec("-23"));
    let assets: Vec<_> = bs
        .assets
        .iter()
        .map(|l| (l.code.as_str(), l.amount))
        .collect();
    assert_eq!(
        assets,
        vec![
            ("1100", dec("272")),
            ("1200", dec("305")),
            ("1300", dec("400"))
        ]
    );
    assert_eq!(
        bs.liabilities,
        vec![daftar_core::books::AccountLine {
            code: "2100".into(),
            name: "Members' compulsory savings".into(),
            amount: dec("1000")
        }]
    );
}

#[test]
fn the_trial_balance_on_a_past_date_uses_the_postings_up_to_it() {
    let (_d, book, org) = book();
    let tb = book.trial_balance_as_of(org, date("2025-04-07")).unwrap();
    assert!(tb.is_balanced());
    assert_eq!(tb.total_debit, dec("1000"));
    let now = book.trial_balance(org).unwrap();
    let then = book.trial_balance_as_of(org, date("2030-01-01")).unwrap();
    assert_eq!(now, then);
}

#[test]
fn the_monthly_report_sums_the_months_meetings_and_money() {
    let (_d, book, org) = book();
    let r = book.monthly_report(org, 2025, 4).unwrap();
    assert_eq!(r.meetings, vec![date("2025-04-07"), date("2025-04-14")]);
    assert_eq!(r.attendance, dec("0.75"));
    assert_eq!(
        (r.compulsory_savings, r.loans_disbursed, r.amount_disbursed),
        (dec("1000"), 1, dec("600"))
    );
    assert_eq!(
        (r.closing_cash, r.closing_bank, r.portfolio.outstanding),
        (dec("60"), dec("305"), dec("600"))
    );
    let may = book.monthly_report(org, 2025, 5).unwrap();
    assert_eq!(
        (may.principal_repaid, may.interest_collected),
        (dec("200"), dec("12"))
    );
    assert!(book.monthly_report(org, 2025, 13).is_err());
}

#[test]
fn panchasutra_grading_scores_each_norm_and_says_how() {
    let (_d, book, org) = book();
    let g = book.grade(org, april()).unwrap();
    let scores: Vec<_> = g.norms.iter().map(|n| (n.name, n.score)).collect();
    assert_eq!(
        scores,
        vec![
            // 2 weekly meetings held of the 4 due in 30 days.
            ("meeting regularity", dec("10")),
            // The default policy sets no compulsory savings.
            ("savings regularity", dec("20")),
            // 1 of 2 members borrowed.
            ("internal lending", dec("10")),
            // No instalment fell due in April.
            ("repayment", dec("20")),
            // Last closed meeting 14 April: 16 days before the end, two intervals late.
            ("books up to date", dec("10")),
        ]
    );
    assert_eq!((g.total, g.grade), (dec("70"), "B"));
    // The workings are in the group's language (Hindi here), or the one asked.
    assert_eq!(g.norms[0].basis, "४ में से २ बैठकें हुईं (साप्ताहिक, ३० दिनों में)");
    book.read_in(Some(Locale::EnIn));
    let en = book.grade(org, april()).unwrap();
    assert!(
        en.norms[0].basis.contains("2 meetings held of 4 due"),
        "{}",
        en.norms[0].basis
    );
    // June: instalment 2 (₹212, due 7 June) was never paid.
    let june = book
        .grade(
            org,
            Period::new(date("2025-06-01"), date("2025-06-30")).unwrap(),
        )
        .unwrap();
    assert_eq!(june.norms[3].score, dec("0"));
    assert!(
        june.norms[3].basis.contains("0.00 of 212.00"),
        "{}",
        june.norms[3].basis
    );
}

#[test]
fn an_iranian_fund_counts_its_fiscal_year_and_months_in_the_solar_hijri_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let book = Book::open(dir.path().join("fund.daftar")).unwrap();
    let o = new_org(OrgKind::Fund, "IRR");
    let org = o.id;
    book.create_organisation(&meta(), o).unwrap();
    book.add_member(&meta(), org, member("زهرا")).unwrap();
    // 1 Mordad 1404 is 2025-07-23; 31 Mordad is 2025-08-22.
    for (day, amount) in [
        ("2025-07-22", "1000"),
        ("2025-07-23", "20000"),
        ("2025-08-22", "300000"),
        ("2025-08-23", "4000000"),
    ] {
        book.deposit_savings(
            &meta(),
            org,
            SavingsEntry {
                date: date(day),
                ..deposit(1, amount)
            },
        )
        .unwrap();
    }
    let fy = fiscal_year(&book.organisation(org).unwrap(), date("2025-08-01")).unwrap();
    // 1404 AP: 1 Farvardin (2025-03-21) to 29 Esfand (2026-03-20).
    assert_eq!((fy.from, fy.to), (date("2025-03-21"), date("2026-03-20")));
    let mordad = book.monthly_report(org, 1404, 5).unwrap();
    assert_eq!(mordad.compulsory_savings, dec("320000"));
    assert!(book.monthly_report(org, 1404, 0).is_err());
}

/// The portfolio reads only the loans that may be running on its date; on
/// every month end of the demo's year it holds exactly the member loans
/// running that day, each as `loan_standing` tells it one by one.
#[test]
fn the_portfolio_on_any_date_holds_the_loans_running_that_day_as_each_stands() {
    let (_dir, book, org) = demo_shg();
    let last = book.last_business_date(org).unwrap();
    let mut day = date("2024-04-30");
    let mut seen_closed = false;
    while day <= last + chrono::Duration::days(40) {
        let p = book.portfolio(org, day).unwrap();
        let expected: Vec<_> = book
            .loans(org)
            .unwrap()
            .into_iter()
            .filter(|l| l.member_no.is_some() && Book::loan_active_on(l, day))
            .map(|l| {
                let st = book.loan_standing(org, l.loan_no, day).unwrap();
                (
                    l.loan_no,
                    st.outstanding_principal,
                    st.arrears,
                    st.days_past_due,
                )
            })
            .collect();
        let got: Vec<_> = p
            .loans
            .iter()
            .map(|l| (l.loan_no, l.outstanding, l.arrears, l.days_past_due))
            .collect();
        assert_eq!(got, expected, "portfolio on {day}");
        seen_closed |= book
            .loans(org)
            .unwrap()
            .iter()
            .any(|l| l.closed_on.is_some_and(|c| c <= day));
        day = (day + chrono::Duration::days(5))
            .with_day(1)
            .unwrap()
            .checked_add_months(chrono::Months::new(1))
            .unwrap()
            .pred_opt()
            .unwrap();
    }
    assert!(seen_closed, "the year has loans that closed");
}
