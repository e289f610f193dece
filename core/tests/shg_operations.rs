//! What an SHG does at its meetings: savings, loans, penalties, outside funds,
//! cut-off and exit, through the public API.

mod common;

use common::*;
use daftar_core::event::{FacilitySource, MemberCharge, SavingsFund};
use daftar_core::lending::{LoanRequest, LoanStatus, Repayment};
use daftar_core::loan::{Component, Frequency, LatePenalty, Method, RatePeriod};
use daftar_core::meetings::MeetingStatus;
use daftar_core::policy::{ActorRole, Policy, Withdrawals};
use daftar_core::settlement::{ChargeEntry, Cutoff, OpeningBorrowing, OpeningLoan, OpeningMember};
use daftar_core::*;
use uuid::Uuid;

struct Shg {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    book: Book,
    org: Uuid,
}

/// An SHG with `n` members who each saved ₹1,000 in cash at the opening, and an
/// approver named "cc-meena" (the cluster coordinator).
fn shg(n: u32, policy: Policy) -> Shg {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shg.daftar");
    let book = Book::open(&path).unwrap();
    let o = new_org(OrgKind::Shg, "INR");
    let org = o.id;
    book.create_organisation(&meta(), o).unwrap();
    book.set_policy(&meta(), org, date("2025-04-01"), policy)
        .unwrap();
    book.set_role(
        &meta(),
        org,
        date("2025-04-01"),
        "cc-meena",
        ActorRole::Approver,
    )
    .unwrap();
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

fn approver() -> CommandMeta {
    CommandMeta {
        actor: "cc-meena".into(),
        ..meta()
    }
}

fn loan(principal: &str, rate: &str, period: RatePeriod, term: u32, method: Method) -> LoanRequest {
    LoanRequest {
        principal: dec(principal),
        rate: dec(rate),
        rate_period: period,
        term,
        frequency: Frequency::Monthly,
        method,
    }
}

/// Opens a meeting on `day`, applies, approves and pays out a loan to member 1.
fn lend(s: &Shg, day: &str, req: LoanRequest) -> (u32, u32) {
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

fn close_even(s: &Shg, m: u32) {
    let cash = s.book.balance(s.org, "1100").unwrap();
    s.book.close_meeting(&meta(), s.org, m, cash, None).unwrap();
}

fn repay(s: &Shg, l: u32, day: &str, amount: &str) -> Result<Outcome> {
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

#[test]
fn meetings_are_numbered_in_order_and_one_is_open_at_a_time() {
    let s = shg(2, Policy::default());
    let a = s
        .book
        .open_meeting(&meta(), s.org, date("2025-04-07"))
        .unwrap();
    assert_eq!(a.number, Some(1));
    let e = s
        .book
        .open_meeting(&meta(), s.org, date("2025-04-14"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    close_even(&s, 1);
    assert_eq!(
        s.book
            .open_meeting(&meta(), s.org, date("2025-04-14"))
            .unwrap()
            .number,
        Some(2)
    );
    close_even(&s, 2);
    let e = s
        .book
        .open_meeting(&meta(), s.org, date("2025-04-10"))
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "date"));
}

#[test]
fn a_meeting_records_attendance_and_the_entries_made_while_open() {
    let s = shg(3, Policy::default());
    let m = s
        .book
        .open_meeting(&meta(), s.org, date("2025-04-07"))
        .unwrap()
        .number
        .unwrap();
    s.book.mark_attendance(&meta(), s.org, m, 1, true).unwrap();
    s.book.mark_attendance(&meta(), s.org, m, 2, false).unwrap();
    s.book.mark_attendance(&meta(), s.org, m, 2, true).unwrap(); // arrived late
    s.book.mark_attendance(&meta(), s.org, m, 3, false).unwrap();
    let d = s
        .book
        .deposit_savings(
            &meta(),
            s.org,
            SavingsEntry {
                date: date("2025-04-07"),
                ..deposit(1, "100")
            },
        )
        .unwrap();
    // An entry during the meeting carries its date.
    let e = s
        .book
        .deposit_savings(
            &meta(),
            s.org,
            SavingsEntry {
                date: date("2025-04-08"),
                ..deposit(1, "100")
            },
        )
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "date"),
        "{e}"
    );
    close_even(&s, m);
    let meeting = &s.book.meetings(s.org).unwrap()[0];
    assert_eq!(
        (meeting.present.clone(), meeting.absent.clone()),
        (vec![1, 2], vec![3])
    );
    assert_eq!(meeting.entries, vec![d.seq]);
    assert_eq!(meeting.status, MeetingStatus::Closed);
}

#[test]
fn closing_with_a_cash_difference_needs_a_reason_and_posts_it() {
    let s = shg(2, Policy::default());
    let m = s
        .book
        .open_meeting(&meta(), s.org, date("2025-04-07"))
        .unwrap()
        .number
        .unwrap();
    let before = snapshot(&s.path);
    let e = s
        .book
        .close_meeting(&meta(), s.org, m, dec("1995"), None)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(
        e.to_string()
            .contains("differs from the book's 2000.00 by -5.00"),
        "{e}"
    );
    assert_eq!(snapshot(&s.path), before);
    s.book
        .close_meeting(
            &meta(),
            s.org,
            m,
            dec("1995"),
            Some("a torn ₹5 note".into()),
        )
        .unwrap();
    assert_eq!(s.book.balance(s.org, "1100").unwrap(), dec("1995.00"));
    assert_eq!(s.book.balance(s.org, "5800").unwrap(), dec("5.00"));
    let meeting = &s.book.meetings(s.org).unwrap()[0];
    assert_eq!(
        (meeting.discrepancy, meeting.counted_cash),
        (dec("-5.00"), Some(dec("1995.00")))
    );
    assert!(s.book.trial_balance(s.org).unwrap().is_balanced());
}

#[test]
fn a_closed_meeting_is_immutable() {
    let s = shg(2, Policy::default());
    let m = s
        .book
        .open_meeting(&meta(), s.org, date("2025-04-07"))
        .unwrap()
        .number
        .unwrap();
    close_even(&s, m);
    let before = snapshot(&s.path);
    let e = s
        .book
        .mark_attendance(&meta(), s.org, m, 1, true)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    let e = s
        .book
        .deposit_savings(
            &meta(),
            s.org,
            SavingsEntry {
                date: date("2025-04-06"),
                ..deposit(1, "10")
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains("closed"));
    let e = s
        .book
        .close_meeting(&meta(), s.org, m, dec("2000"), None)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert_eq!(snapshot(&s.path), before);
}

#[test]
fn only_an_approver_reopens_only_the_latest_meeting_and_the_cash_difference_is_reversed() {
    let s = shg(1, Policy::default());
    s.book
        .open_meeting(&meta(), s.org, date("2025-04-07"))
        .unwrap();
    close_even(&s, 1);
    s.book
        .open_meeting(&meta(), s.org, date("2025-04-14"))
        .unwrap();
    s.book
        .close_meeting(
            &meta(),
            s.org,
            2,
            dec("1010"),
            Some("found ₹10 in the box".into()),
        )
        .unwrap();
    assert_eq!(s.book.balance(s.org, "4800").unwrap(), dec("-10.00"));
    let before = snapshot(&s.path);
    let e = s
        .book
        .reopen_meeting(&meta(), s.org, 2, "recount")
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
    let e = s
        .book
        .reopen_meeting(&approver(), s.org, 1, "recount")
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains("only the latest"));
    assert_eq!(snapshot(&s.path), before);

    let head = s.book.chain_head(s.org).unwrap().0;
    s.book
        .reopen_meeting(&approver(), s.org, 2, "recount")
        .unwrap();
    assert_eq!(s.book.chain_head(s.org).unwrap().0, head + 1);
    assert_eq!(s.book.balance(s.org, "4800").unwrap(), dec("0.00"));
    assert_eq!(s.book.balance(s.org, "1100").unwrap(), dec("1000.00"));
    assert_eq!(
        s.book.meetings(s.org).unwrap()[1].status,
        MeetingStatus::Open
    );
    close_even(&s, 2);
}

#[test]
fn compulsory_savings_shortfalls_are_tracked_as_arrears() {
    let s = shg(
        2,
        Policy {
            compulsory_savings: 5000,
            ..Policy::default()
        },
    ); // ₹50 a meeting
    for (day, pay) in [
        ("2025-04-07", true),
        ("2025-04-14", false),
        ("2025-04-21", true),
    ] {
        let m = s
            .book
            .open_meeting(&meta(), s.org, date(day))
            .unwrap()
            .number
            .unwrap();
        if pay {
            s.book
                .deposit_savings(
                    &meta(),
                    s.org,
                    SavingsEntry {
                        date: date(day),
                        ..deposit(2, "50")
                    },
                )
                .unwrap();
        }
        close_even(&s, m);
    }
    // The opening ₹1,000 counts as compulsory savings paid (it was a compulsory deposit).
    assert_eq!(
        s.book
            .savings_arrears(s.org, 1, date("2025-04-21"))
            .unwrap(),
        dec("0.00")
    );
    let zero = shg(
        1,
        Policy {
            compulsory_savings: 5000,
            ..Policy::default()
        },
    );
    for day in ["2025-04-07", "2025-04-14", "2025-04-21"] {
        let m = zero
            .book
            .open_meeting(&meta(), zero.org, date(day))
            .unwrap()
            .number
            .unwrap();
        close_even(&zero, m);
    }
    zero.book
        .add_member(
            &meta(),
            zero.org,
            NewMember {
                joined_on: date("2025-04-10"),
                ..member("नई")
            },
        )
        .unwrap();
    zero.book
        .deposit_savings(
            &meta(),
            zero.org,
            SavingsEntry {
                date: date("2025-04-22"),
                ..deposit(2, "30")
            },
        )
        .unwrap();
    // Joined after the first meeting: two meetings owed, ₹30 paid.
    assert_eq!(
        zero.book
            .savings_arrears(zero.org, 2, date("2025-04-22"))
            .unwrap(),
        dec("70.00")
    );
    assert_eq!(
        zero.book
            .member_dues(zero.org, 2, date("2025-04-22"))
            .unwrap()
            .savings_arrears,
        dec("70.00")
    );
}

#[test]
fn withdrawals_follow_the_policy_and_never_exceed_the_balance() {
    let s = shg(1, Policy::default()); // voluntary only
    let vol = |amount: &str| SavingsEntry {
        fund: SavingsFund::Voluntary,
        ..deposit(1, amount)
    };
    s.book.deposit_savings(&meta(), s.org, vol("300")).unwrap();
    let before = snapshot(&s.path);
    let e = s
        .book
        .withdraw_savings(&meta(), s.org, deposit(1, "10"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
    let e = s
        .book
        .withdraw_savings(&meta(), s.org, vol("300.01"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InsufficientFunds);
    assert_eq!(snapshot(&s.path), before);
    s.book.withdraw_savings(&meta(), s.org, vol("300")).unwrap();
    assert_eq!(s.book.balance(s.org, "2110-0001").unwrap(), dec("0.00"));
    assert_eq!(s.book.balance(s.org, "2100-0001").unwrap(), dec("-1000.00"));

    let none = shg(
        1,
        Policy {
            withdrawals: Withdrawals::None,
            ..Policy::default()
        },
    );
    none.book
        .deposit_savings(
            &meta(),
            none.org,
            SavingsEntry {
                fund: SavingsFund::Voluntary,
                ..deposit(1, "5")
            },
        )
        .unwrap();
    let e = none
        .book
        .withdraw_savings(
            &meta(),
            none.org,
            SavingsEntry {
                fund: SavingsFund::Voluntary,
                ..deposit(1, "5")
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
}

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
fn absence_fines_and_membership_fees_go_to_their_own_income_accounts() {
    let s = shg(
        2,
        Policy {
            absence_fine: 1000,
            ..Policy::default()
        },
    );
    let m = s
        .book
        .open_meeting(&meta(), s.org, date("2025-04-07"))
        .unwrap()
        .number
        .unwrap();
    s.book.mark_attendance(&meta(), s.org, m, 2, false).unwrap();
    assert_eq!(
        s.book
            .member_dues(s.org, 2, date("2025-04-07"))
            .unwrap()
            .absence_fines_due,
        dec("10.00")
    );
    let charge = |no, charge, amount: &str| ChargeEntry {
        date: date("2025-04-07"),
        member_no: no,
        charge,
        via: Via::Cash,
        amount: dec(amount),
    };
    s.book
        .collect_charge(&meta(), s.org, charge(2, MemberCharge::AbsenceFine, "10"))
        .unwrap();
    s.book
        .collect_charge(&meta(), s.org, charge(1, MemberCharge::MembershipFee, "50"))
        .unwrap();
    assert_eq!(s.book.balance(s.org, "4210").unwrap(), dec("-10.00"));
    assert_eq!(s.book.balance(s.org, "4300").unwrap(), dec("-50.00"));
    assert_eq!(
        s.book
            .member_dues(s.org, 2, date("2025-04-07"))
            .unwrap()
            .absence_fines_due,
        dec("0.00")
    );
    close_even(&s, m);
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

fn cutoff(surplus: &str) -> Cutoff {
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

fn fresh_shg_for_cutoff() -> Shg {
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

#[test]
fn an_auditor_cannot_write_and_a_role_is_given_only_by_an_approver() {
    let s = shg(1, Policy::default());
    s.book
        .set_role(
            &approver(),
            s.org,
            date("2025-04-01"),
            "auditor-ravi",
            ActorRole::Auditor,
        )
        .unwrap();
    let auditor = CommandMeta {
        actor: "auditor-ravi".into(),
        ..meta()
    };
    let before = snapshot(&s.path);
    let e = s
        .book
        .deposit_savings(&auditor, s.org, deposit(1, "1"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
    let e = s
        .book
        .set_role(
            &meta(),
            s.org,
            date("2025-04-01"),
            "tester",
            ActorRole::Approver,
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied);
    assert_eq!(snapshot(&s.path), before);
    assert_eq!(
        s.book.role(s.org, "auditor-ravi").unwrap(),
        ActorRole::Auditor
    );
    // Reading still works for everyone.
    assert!(s.book.trial_balance(s.org).unwrap().is_balanced());
}
