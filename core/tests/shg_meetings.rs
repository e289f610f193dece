//! What an SHG does at its meetings: attendance, the count, savings and
//! withdrawals, fines and fees, and roles, through the public API.

mod common;

use common::shg::*;
use common::*;
use daftar_core::event::{MemberCharge, SavingsFund};
use daftar_core::meetings::MeetingStatus;
use daftar_core::policy::{ActorRole, Policy, Withdrawals};
use daftar_core::settlement::ChargeEntry;
use daftar_core::*;

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
            .contains("differs from the book's २,०००.०० INR by -५.०० INR"),
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
