//! A group that used paper books for years before the app: its members keep
//! their real joining dates, and its cut-off carries the interest that had
//! fallen due and was not paid, worked by hand.

mod common;

use common::shg::*;
use common::*;
use daftar_core::books::{PassbookEntry, Period};
use daftar_core::policy::Policy;
use daftar_core::settlement::Cutoff;
use daftar_core::*;

fn joined(name: &str, on: &str) -> NewMember {
    NewMember {
        joined_on: date(on),
        ..member(name)
    }
}

/// The two-member cut-off of `common::shg::cutoff`, with member 1's loan also
/// owing 240 of interest fallen due since 1 March. The 240 is not money the
/// group holds (interest is income when paid), so the balances are unchanged.
fn cutoff_with_overdue_interest() -> Cutoff {
    let mut c = cutoff("1000");
    c.members[0].loans[0].overdue_interest = Some(dec("240"));
    c
}

#[test]
fn members_who_joined_before_the_app_keep_their_joining_date_until_the_book_begins() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("paper.daftar");
    let book = Book::open(&path).unwrap();
    let o = new_org(OrgKind::Shg, "INR"); // books open on 1 April 2025
    let org = o.id;
    book.create_organisation(&meta(), o).unwrap();
    book.set_policy(
        &meta(),
        org,
        date("2025-04-01"),
        Policy {
            compulsory_savings: 10_000,
            ..Policy::default()
        },
    )
    .unwrap();
    // Sita joined in 2016 and Gita in 2019, years before the app.
    book.add_member(&meta(), org, joined("सीता", "2016-06-05"))
        .unwrap();
    book.add_member(&meta(), org, joined("गीता", "2019-01-13"))
        .unwrap();
    book.record_cutoff(&meta(), org, cutoff("1000")).unwrap();
    assert_eq!(book.member(org, 1).unwrap().joined_on, date("2016-06-05"));
    assert_eq!(book.member(org, 2).unwrap().joined_on, date("2019-01-13"));

    // Once the book has begun, a member joins on or after its opening: a date
    // before it is refused and nothing is written.
    let before = snapshot(&path);
    let err = book
        .add_member(&meta(), org, joined("रीता", "2024-12-01"))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    assert!(err.to_string().contains("joined_on"), "{err}");
    assert_eq!(snapshot(&path), before);
    book.add_member(&meta(), org, joined("रीता", "2025-04-01"))
        .unwrap();

    // Savings are owed from the first meeting the book holds, never for the
    // years on paper: one weekly meeting on 8 April, one deposit of 100 owed.
    let m = book
        .open_meeting(&meta(), org, date("2025-04-08"))
        .unwrap()
        .number
        .unwrap();
    let cash = book.balance(org, "1100").unwrap();
    book.close_meeting(&meta(), org, m, cash, None).unwrap();
    assert_eq!(
        book.savings_arrears(org, 1, date("2025-04-08")).unwrap(),
        dec("100.00")
    );
    assert!(book.verify(&mut |_, _| true).unwrap().is_intact());
}

#[test]
fn a_member_joined_before_the_opening_is_refused_once_money_has_moved() {
    let s = shg(1, Policy::default()); // a deposit on 1 April: the book has begun
    let before = snapshot(&s.path);
    let err = s
        .book
        .add_member(&meta(), s.org, joined("रीता", "2020-01-01"))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    assert_eq!(snapshot(&s.path), before);
}

#[test]
fn the_cut_off_carries_overdue_interest_owed_with_the_arrears_and_income_only_when_paid() {
    let s = fresh_shg_for_cutoff();
    s.book
        .record_cutoff(&meta(), s.org, cutoff_with_overdue_interest())
        .unwrap();

    // On the cut-off: 1,000 of principal and 240 of interest overdue since
    // 1 March, 31 days; nothing is income yet.
    let st = s.book.loan_standing(s.org, 1, date("2025-04-01")).unwrap();
    assert_eq!(st.outstanding_principal, dec("6000.00"));
    assert_eq!(st.overdue_principal, dec("1000.00"));
    assert_eq!(st.overdue_interest, dec("240.00"));
    assert_eq!(st.days_past_due, 31);
    assert_eq!(s.book.balance(s.org, "4100").unwrap(), dec("0.00"));
    assert_eq!(s.book.balance(s.org, "1100").unwrap(), dec("1500.00"));

    // Paying 1,240 on 2 April clears the arrears: 240 interest, 1,000 principal.
    repay(&s, 1, "2025-04-02", "1240").unwrap();
    let st = s.book.loan_standing(s.org, 1, date("2025-04-02")).unwrap();
    assert_eq!(
        (
            st.outstanding_principal,
            st.overdue_interest,
            st.days_past_due
        ),
        (dec("5000.00"), dec("0.00"), 0)
    );
    assert_eq!(s.book.balance(s.org, "4100").unwrap(), dec("-240.00"));
    assert_eq!(s.book.balance(s.org, "1100").unwrap(), dec("2740.00"));

    let p = s
        .book
        .passbook(
            s.org,
            1,
            Period::new(date("2025-04-01"), date("2025-04-30")).unwrap(),
        )
        .unwrap();
    let line = &p.lines[0];
    assert_eq!(line.entry, PassbookEntry::Repayment);
    assert_eq!(
        (line.paid, line.principal, line.interest, line.penalty),
        (dec("1240.00"), dec("1000.00"), dec("240.00"), dec("0.00"))
    );
    assert!(s.book.verify(&mut |_, _| true).unwrap().is_intact());
}

#[test]
fn overdue_interest_alone_is_owed_from_its_date() {
    let s = fresh_shg_for_cutoff();
    let mut c = cutoff("1000");
    let l = &mut c.members[0].loans[0];
    (l.arrears, l.overdue_interest) = (dec("0"), Some(dec("120")));
    s.book.record_cutoff(&meta(), s.org, c).unwrap();
    let st = s.book.loan_standing(s.org, 1, date("2025-04-01")).unwrap();
    assert_eq!(
        (st.overdue_principal, st.overdue_interest, st.days_past_due),
        (dec("0.00"), dec("120.00"), 31)
    );
}

#[test]
fn overdue_interest_without_its_date_or_below_zero_is_refused_and_nothing_written() {
    for (interest, since, says) in [
        ("240", None, "overdue_since"),
        ("-1", Some("2025-03-01"), "overdue_interest"),
        ("240", Some("2025-04-02"), "after the cut-off"),
        ("0.001", Some("2025-03-01"), "overdue_interest"),
    ] {
        let s = fresh_shg_for_cutoff();
        let mut c = cutoff("1000");
        let l = &mut c.members[0].loans[0];
        l.arrears = dec("0");
        l.overdue_interest = Some(dec(interest));
        l.overdue_since = since.map(date);
        let before = snapshot(&s.path);
        let err = s.book.record_cutoff(&meta(), s.org, c).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{interest}: {err}");
        assert!(err.to_string().contains(says), "{interest}: {err}");
        assert_eq!(snapshot(&s.path), before, "{interest}");
    }
}

#[test]
fn a_cut_off_without_overdue_interest_reads_and_records_as_before() {
    // The field may be left out of a command, and is left out of its digest
    // and JSON when absent, so commands written before it keep their meaning.
    let c = cutoff("1000");
    let json = serde_json::to_string(&c).unwrap();
    assert!(!json.contains("overdue_interest"), "{json}");
    let back: Cutoff = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    let with = serde_json::to_string(&cutoff_with_overdue_interest()).unwrap();
    assert!(with.contains(r#""overdue_interest":"240""#), "{with}");
}
