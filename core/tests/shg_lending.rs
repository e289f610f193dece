//! An SHG's lending and outside money: loans from application to closing,
//! repayments and penalties, outside funds, the cut-off and exits.

mod common;

use common::shg::*;
use common::*;
use daftar_core::event::{FacilitySource, SavingsFund};
use daftar_core::lending::{LoanStatus, Repayment};
use daftar_core::loan::{Component, LatePenalty, Method, RatePeriod};
use daftar_core::policy::Policy;
use daftar_core::*;

#[test]
fn a_loan_goes_from_application_to_approval_in_a_meeting_to_disbursement() {
    let s = shg(2, Policy::default());
    let l = s
        .book
        .apply_for_loan(
            &meta(),
            s.org,
            1,
            date("2025-04-07"),
            loan("1200", "2", RatePeriod::Month, 12, Method::Flat),
        )
        .unwrap()
        .number
        .unwrap();
    assert_eq!(s.book.loan(s.org, l).unwrap().status, LoanStatus::Applied);
    // No meeting open: approval refused; payout before approval refused.
    let e = s
        .book
        .disburse_loan(&meta(), s.org, l, date("2025-04-07"), Via::Cash)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    let m = s
        .book
        .open_meeting(&meta(), s.org, date("2025-04-07"))
        .unwrap()
        .number
        .unwrap();
    s.book.approve_loan(&meta(), s.org, l, m).unwrap();
    s.book
        .disburse_loan(&meta(), s.org, l, date("2025-04-07"), Via::Cash)
        .unwrap();
    let loan = s.book.loan(s.org, l).unwrap();
    assert_eq!(
        (loan.status, loan.approved_meeting),
        (LoanStatus::Active, Some(m))
    );
    assert_eq!(loan.instalments.len(), 12);
    assert!(loan
        .instalments
        .iter()
        .all(|i| i.principal == 10000 && i.interest == 2400));
    assert_eq!(s.book.balance(s.org, "1300-0001").unwrap(), dec("1200.00"));
    assert_eq!(s.book.balance(s.org, "1100").unwrap(), dec("800.00"));
}

#[test]
fn a_disbursement_beyond_the_cash_in_hand_is_refused() {
    let s = shg(1, Policy::default()); // ₹1,000 in cash
    let m = s
        .book
        .open_meeting(&meta(), s.org, date("2025-04-07"))
        .unwrap()
        .number
        .unwrap();
    let l = s
        .book
        .apply_for_loan(
            &meta(),
            s.org,
            1,
            date("2025-04-07"),
            loan("1000.01", "1", RatePeriod::Month, 10, Method::Emi),
        )
        .unwrap()
        .number
        .unwrap();
    s.book.approve_loan(&meta(), s.org, l, m).unwrap();
    let before = snapshot(&s.path);
    let e = s
        .book
        .disburse_loan(&meta(), s.org, l, date("2025-04-07"), Via::Cash)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InsufficientFunds);
    assert!(e.to_string().contains("1100"), "{e}");
    let e = s
        .book
        .disburse_loan(&meta(), s.org, l, date("2025-04-07"), Via::Bank)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InsufficientFunds);
    assert_eq!(snapshot(&s.path), before);
}

#[test]
fn repayments_go_to_penalty_then_interest_then_principal_oldest_first() {
    let s = shg(
        2,
        Policy {
            late_penalty: LatePenalty::Fixed { amount: 2000 },
            grace_days: 3,
            ..Policy::default()
        },
    );
    let (m, l) = lend(
        &s,
        "2025-04-07",
        loan("1200", "2", RatePeriod::Month, 12, Method::Flat),
    );
    close_even(&s, m);
    // Nothing paid on 7 May; on 20 June two instalments are late, each with a ₹20 penalty.
    let st = s.book.loan_standing(s.org, l, date("2025-06-20")).unwrap();
    assert_eq!(
        (st.overdue_principal, st.overdue_interest, st.penalty_due),
        (dec("200.00"), dec("48.00"), dec("40.00"))
    );
    assert_eq!(st.days_past_due, 44);
    assert_eq!(st.due_now, dec("288.00"));
    let m = s
        .book
        .open_meeting(&meta(), s.org, date("2025-06-20"))
        .unwrap()
        .number
        .unwrap();
    repay(&s, l, "2025-06-20", "150").unwrap();
    // ₹40 penalties, ₹24 + ₹24 interest, then ₹62 of the first instalment's principal.
    assert_eq!(s.book.balance(s.org, "4200").unwrap(), dec("-40.00"));
    assert_eq!(s.book.balance(s.org, "4100").unwrap(), dec("-48.00"));
    assert_eq!(s.book.balance(s.org, "1300-0001").unwrap(), dec("1138.00"));
    let loan = s.book.loan(s.org, l).unwrap();
    assert_eq!(
        (
            loan.instalments[0].principal_paid,
            loan.instalments[1].principal_paid
        ),
        (6200, 0)
    );
    close_even(&s, m);
}

#[test]
fn the_allocation_order_is_configurable() {
    let order = [
        Component::Principal,
        Component::Interest,
        Component::Penalty,
    ];
    let s = shg(
        2,
        Policy {
            allocation_order: order,
            ..Policy::default()
        },
    );
    let (_, l) = lend(
        &s,
        "2025-04-07",
        loan("1200", "2", RatePeriod::Month, 12, Method::Flat),
    );
    close_even(&s, 1);
    repay(&s, l, "2025-05-07", "110").unwrap();
    let loan = s.book.loan(s.org, l).unwrap();
    assert_eq!(
        (
            loan.instalments[0].principal_paid,
            loan.instalments[0].interest_paid
        ),
        (10000, 1000)
    );
}

#[test]
fn prepayment_is_allowed_and_a_loan_closes_when_repaid_but_overpaying_is_refused() {
    let s = shg(2, Policy::default());
    let (m, l) = lend(
        &s,
        "2025-04-07",
        loan("1000", "24", RatePeriod::Year, 4, Method::Reducing),
    );
    close_even(&s, m);
    // On the first due date: ₹250 + ₹20 due, and ₹750 of later principal may be prepaid.
    let st = s.book.loan_standing(s.org, l, date("2025-05-07")).unwrap();
    assert_eq!(
        (st.due_now, st.payable_now),
        (dec("270.00"), dec("1020.00"))
    );
    let before = snapshot(&s.path);
    let e = repay(&s, l, "2025-05-07", "1020.01").unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "amount"),
        "{e}"
    );
    assert_eq!(snapshot(&s.path), before);
    repay(&s, l, "2025-05-07", "500").unwrap();
    assert_eq!(s.book.loan(s.org, l).unwrap().status, LoanStatus::Active);
    repay(&s, l, "2025-05-07", "520").unwrap();
    let loan = s.book.loan(s.org, l).unwrap();
    assert_eq!(
        (loan.status, loan.closed_on),
        (LoanStatus::Closed, Some(date("2025-05-07")))
    );
    assert_eq!(s.book.balance(s.org, "1300-0001").unwrap(), dec("0.00"));
    let e = repay(&s, l, "2025-05-08", "1").unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
}

#[test]
fn percentage_penalties_and_fee_loans_post_to_their_income_accounts() {
    let s = shg(
        2,
        Policy {
            late_penalty: LatePenalty::Percent { percent: dec("10") },
            ..Policy::default()
        },
    );
    let (m, l) = lend(
        &s,
        "2025-04-07",
        loan("600", "5", RatePeriod::Year, 6, Method::FeeDeducted),
    );
    // The ₹30 fee stays with the group: the member received ₹570.
    assert_eq!(s.book.balance(s.org, "1100").unwrap(), dec("1430.00"));
    assert_eq!(s.book.balance(s.org, "4100").unwrap(), dec("-30.00"));
    assert_eq!(s.book.balance(s.org, "1300-0001").unwrap(), dec("600.00"));
    close_even(&s, m);
    // The first ₹100 instalment, unpaid a day late: 10% penalty.
    assert_eq!(
        s.book
            .loan_standing(s.org, l, date("2025-05-08"))
            .unwrap()
            .penalty_due,
        dec("10.00")
    );
    repay(&s, l, "2025-05-08", "110").unwrap();
    assert_eq!(s.book.balance(s.org, "4200").unwrap(), dec("-10.00"));
}

#[test]
fn outside_funds_revolving_fund_cif_bank_loan_and_cash_credit() {
    let s = shg(1, Policy::default());
    // Revolving Fund: a grant, recorded as capital.
    s.book
        .record_receipt(&meta(), s.org, voucher(Via::Bank, "3100", "15000"))
        .unwrap();
    // CIF from the VO: a payable with its own schedule.
    let cif = s
        .book
        .receive_borrowing(
            &meta(),
            s.org,
            FacilitySource::Cif,
            date("2025-04-08"),
            Via::Bank,
            loan("50000", "9", RatePeriod::Year, 10, Method::Reducing),
        )
        .unwrap()
        .number
        .unwrap();
    assert_eq!(s.book.balance(s.org, "2200").unwrap(), dec("-50000.00"));
    assert_eq!(s.book.loan(s.org, cif).unwrap().instalments.len(), 10);
    let pay = Repayment {
        date: date("2025-05-08"),
        via: Via::Bank,
        amount: dec("5375"),
    };
    s.book
        .repay_borrowing(&meta(), s.org, cif, pay.clone())
        .unwrap();
    // ₹5,000 principal and ₹375 interest (9%/12 of ₹50,000) as an expense.
    assert_eq!(s.book.balance(s.org, "2200").unwrap(), dec("-45000.00"));
    assert_eq!(s.book.balance(s.org, "5500").unwrap(), dec("375.00"));
    // A member-loan repayment command is refused on a borrowing, and the reverse.
    let e = s.book.repay_loan(&meta(), s.org, cif, pay).unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "loan_no"));
    // A bank term loan, and cash credit drawn and repaid as vouchers on 2300.
    s.book
        .receive_borrowing(
            &meta(),
            s.org,
            FacilitySource::BankLoan,
            date("2025-05-08"),
            Via::Bank,
            loan("100000", "11", RatePeriod::Year, 24, Method::Emi),
        )
        .unwrap();
    s.book
        .record_receipt(
            &meta(),
            s.org,
            Voucher {
                date: date("2025-05-09"),
                ..voucher(Via::Bank, "2300", "20000")
            },
        )
        .unwrap();
    s.book
        .record_payment(
            &meta(),
            s.org,
            Voucher {
                date: date("2025-05-10"),
                ..voucher(Via::Bank, "2300", "20000")
            },
        )
        .unwrap();
    s.book
        .record_payment(
            &meta(),
            s.org,
            Voucher {
                date: date("2025-05-10"),
                ..voucher(Via::Bank, "5100", "59")
            },
        )
        .unwrap();
    s.book
        .record_receipt(
            &meta(),
            s.org,
            Voucher {
                date: date("2025-05-10"),
                ..voucher(Via::Bank, "4400", "12.50")
            },
        )
        .unwrap();
    assert_eq!(s.book.balance(s.org, "2300").unwrap(), dec("-100000.00"));
    assert!(s.book.trial_balance(s.org).unwrap().is_balanced());
}

#[test]
fn a_cut_off_opens_the_books_from_paper_and_must_balance() {
    let s = fresh_shg_for_cutoff();
    // Assets 1,500 + 20,000 + 6,000 = 27,500; liabilities 6,500 + 5,000; RF 15,000.
    let before = snapshot(&s.path);
    let e = s
        .book
        .record_cutoff(&meta(), s.org, cutoff("0"))
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "cutoff"));
    assert!(
        e.to_string()
            .contains("assets exceed liabilities and equity by 1000.00"),
        "{e}"
    );
    assert_eq!(snapshot(&s.path), before);
    s.book
        .record_cutoff(&meta(), s.org, cutoff("1000"))
        .unwrap();
    assert!(s.book.trial_balance(s.org).unwrap().is_balanced());
    assert_eq!(s.book.balance(s.org, "2110-0001").unwrap(), dec("-500.00"));
    assert_eq!(s.book.balance(s.org, "1300-0001").unwrap(), dec("6000.00"));
    // The carried-over arrears are overdue from 1 March.
    let st = s.book.loan_standing(s.org, 1, date("2025-04-01")).unwrap();
    assert_eq!(
        (st.overdue_principal, st.days_past_due),
        (dec("1000.00"), 31)
    );
    assert_eq!(s.book.loan(s.org, 1).unwrap().instalments.len(), 6);
    assert_eq!(s.book.loan(s.org, 2).unwrap().source, "cif");
    // Only once, on a new book.
    let e = s
        .book
        .record_cutoff(&meta(), s.org, cutoff("1000"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
}

#[test]
fn an_exit_pays_back_savings_net_of_loans() {
    let s = shg(2, Policy::default());
    s.book
        .deposit_savings(
            &meta(),
            s.org,
            SavingsEntry {
                fund: SavingsFund::Voluntary,
                ..deposit(1, "200")
            },
        )
        .unwrap();
    let (m, l) = lend(
        &s,
        "2025-04-07",
        loan("600", "2", RatePeriod::Month, 6, Method::Flat),
    );
    close_even(&s, m);
    repay(&s, l, "2025-05-07", "112").unwrap();
    // Savings ₹1,200; loan: ₹500 principal left, nothing overdue on 8 May.
    s.book
        .exit_member(&meta(), s.org, 1, date("2025-05-08"), Via::Cash)
        .unwrap();
    assert_eq!(s.book.loan(s.org, l).unwrap().status, LoanStatus::Closed);
    assert_eq!(
        s.book.member(s.org, 1).unwrap().exited_on,
        Some(date("2025-05-08"))
    );
    for a in ["2100-0001", "2110-0001", "1300-0001"] {
        assert_eq!(s.book.balance(s.org, a).unwrap(), dec("0.00"), "{a}");
    }
    // Cash: 2,000 + 200 − 600 + 112 − 700 refund.
    assert_eq!(s.book.balance(s.org, "1100").unwrap(), dec("1012.00"));
    let e = s
        .book
        .deposit_savings(&meta(), s.org, deposit(1, "1"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains("exited"));
}

#[test]
fn an_exit_is_refused_while_a_loan_is_in_arrears_unless_an_approver_writes_it_off() {
    let s = shg(2, Policy::default());
    let (m, l) = lend(
        &s,
        "2025-04-07",
        loan("600", "2", RatePeriod::Month, 6, Method::Flat),
    );
    close_even(&s, m);
    let before = snapshot(&s.path);
    let e = s
        .book
        .exit_member(&meta(), s.org, 1, date("2025-06-01"), Via::Cash)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains("in arrears"), "{e}");
    let e = s
        .book
        .write_off_loan(&meta(), s.org, l, date("2025-06-01"), "migrated")
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
    assert_eq!(snapshot(&s.path), before);
    s.book
        .write_off_loan(
            &approver(),
            s.org,
            l,
            date("2025-06-01"),
            "migrated to the city",
        )
        .unwrap();
    assert_eq!(s.book.balance(s.org, "5600").unwrap(), dec("600.00"));
    s.book
        .exit_member(&meta(), s.org, 1, date("2025-06-01"), Via::Cash)
        .unwrap();
    assert_eq!(
        s.book.loan(s.org, l).unwrap().status,
        LoanStatus::WrittenOff
    );
    assert!(s.book.trial_balance(s.org).unwrap().is_balanced());
}
