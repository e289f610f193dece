//! The meeting screens' one-call reads agree with the figures read one by one.

mod common;

use common::*;
use daftar_core::lending::LoanStatus;
use daftar_core::meeting_sheet::Presence;
use daftar_core::meetings::MeetingStatus;
use daftar_core::*;

#[test]
fn with_no_meeting_open_the_sheet_has_the_latest_meeting_and_no_members() {
    let (_dir, book, org) = demo_shg();
    let last = book.meetings(org).unwrap().pop().unwrap();
    assert_eq!(last.status, MeetingStatus::Closed);
    let far = last.held_on + chrono::Duration::days(30);
    let sheet = book.meeting_sheet(org, far).unwrap();
    assert_eq!(sheet.latest.as_ref(), Some(&last));
    assert!(sheet.open().is_none() && sheet.members.is_empty());
    assert_eq!(sheet.cash_in_hand, book.cash_in_hand(org).unwrap());
    assert_eq!(
        sheet.next_date, far,
        "today, when the clock is ahead of the book"
    );
    // A phone whose clock is behind the book starts the day after the latest meeting.
    let behind = book
        .meeting_sheet(org, last.held_on - chrono::Duration::days(3))
        .unwrap();
    assert_eq!(behind.next_date, last.held_on.succ_opt().unwrap());
    let err = book.member_sheet(org, 1).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
}

#[test]
fn an_open_meetings_sheet_holds_each_active_members_marks_and_dues_as_read_one_by_one() {
    let (_dir, book, org) = demo_shg();
    let day = book
        .meeting_sheet(org, date("2020-01-01"))
        .unwrap()
        .next_date;
    let m = book
        .open_meeting(&meta(), org, day)
        .unwrap()
        .number
        .unwrap();
    let members = book.members(org).unwrap();
    let active: Vec<_> = members.iter().filter(|x| x.exited_on.is_none()).collect();
    assert!(
        active.len() < members.len(),
        "the demo has a member who left"
    );
    book.mark_attendance(&meta(), org, m, active[0].member_no, true)
        .unwrap();
    book.mark_attendance(&meta(), org, m, active[1].member_no, false)
        .unwrap();

    let sheet = book.meeting_sheet(org, day).unwrap();
    assert_eq!(sheet.open().map(|o| o.meeting_no), Some(m));
    let nos: Vec<u32> = sheet.members.iter().map(|s| s.member_no).collect();
    assert_eq!(nos, active.iter().map(|x| x.member_no).collect::<Vec<_>>());
    let mut with_loans = 0;
    for s in &sheet.members {
        let dues = book.member_dues(org, s.member_no, day).unwrap();
        assert_eq!(s.savings_due, dues.savings_arrears);
        assert_eq!(s.fines_due, dues.absence_fines_due);
        let due: Vec<_> = s.loans.iter().map(|l| (l.loan_no, l.due_now)).collect();
        assert_eq!(due, dues.loans_due);
        for l in &s.loans {
            let standing = book.loan_standing(org, l.loan_no, day).unwrap();
            assert_eq!(l.outstanding_principal, standing.outstanding_principal);
            assert_eq!(l.payable_now, standing.payable_now);
            assert_eq!(l.days_past_due, standing.days_past_due);
        }
        let unfinished: Vec<u32> = book
            .member_loans(org, s.member_no)
            .unwrap()
            .into_iter()
            .filter(|l| matches!(l.status, LoanStatus::Applied | LoanStatus::Approved))
            .map(|l| l.loan_no)
            .collect();
        assert_eq!(s.unfinished_loans, unfinished);
        with_loans += usize::from(!s.loans.is_empty());
        assert_eq!(&book.member_sheet(org, s.member_no).unwrap(), s);
    }
    assert!(with_loans > 0, "the demo's members have loans running");
    assert_eq!(sheet.members[0].presence, Presence::Present);
    assert_eq!(sheet.members[1].presence, Presence::Absent);
    assert!(sheet.members[2..]
        .iter()
        .all(|s| s.presence == Presence::Unmarked));

    let err = book.member_sheet(org, 999).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
}

#[test]
fn a_saving_recorded_at_the_meeting_shows_on_the_next_sheet() {
    let (_dir, book, org) = demo_shg();
    let day = book
        .meeting_sheet(org, date("2020-01-01"))
        .unwrap()
        .next_date;
    book.open_meeting(&meta(), org, day).unwrap();
    let before = book.meeting_sheet(org, day).unwrap();
    let who = before.members[0].member_no;
    let mut entry = deposit(who, "35");
    entry.date = day;
    book.deposit_savings(&meta(), org, entry).unwrap();
    let after = book.meeting_sheet(org, day).unwrap();
    assert_eq!(after.cash_in_hand, before.cash_in_hand + dec("35"));
    assert_eq!(
        after.latest.unwrap().entries.len(),
        before.latest.unwrap().entries.len() + 1
    );
}
