//! Reports against figures an accountant worked out by hand: the cut-off is an
//! opening balance, a reversed entry stops counting, reports count what
//! happened by their dates, and a passbook shows all a member paid and got.

mod common;

use common::shg::*;
use common::*;
use daftar_core::books::{PassbookEntry, Period};
use daftar_core::event::{FacilitySource, MemberCharge, SavingsFund};
use daftar_core::loan::{Frequency, Method, RatePeriod};
use daftar_core::policy::Policy;
use daftar_core::settlement::ChargeEntry;
use daftar_core::*;

fn period(from: &str, to: &str) -> Period {
    Period::new(date(from), date(to)).unwrap()
}

/// The cut-off's SHG (see `cutoff`), and on 8 April member 2 saves 100 in cash.
fn cut_off_shg() -> Shg {
    let s = fresh_shg_for_cutoff();
    s.book
        .record_cutoff(&meta(), s.org, cutoff("1000"))
        .unwrap();
    s.book
        .deposit_savings(&meta(), s.org, deposit(2, "100"))
        .unwrap();
    s
}

#[test]
fn receipts_and_payments_start_from_the_cut_off_and_count_only_the_months_money() {
    let s = cut_off_shg();
    let r = s
        .book
        .receipts_and_payments(s.org, period("2025-04-01", "2025-04-30"))
        .unwrap();
    // Opening: the paper books' cash and bank. Receipts: only the 100 saved.
    assert_eq!(
        (r.opening_cash, r.opening_bank),
        (dec("1500.00"), dec("20000.00"))
    );
    let receipts: Vec<_> = r
        .receipts
        .iter()
        .map(|l| (l.code.as_str(), l.amount))
        .collect();
    assert_eq!(receipts, vec![("2100", dec("100.00"))]);
    assert!(r.payments.is_empty(), "{:?}", r.payments);
    assert_eq!(
        (r.total_receipts, r.total_payments),
        (dec("100.00"), dec("0.00"))
    );
    assert_eq!(
        (r.closing_cash, r.closing_bank),
        (dec("1600.00"), dec("20000.00"))
    );
}

#[test]
fn the_cash_book_and_bank_book_open_with_the_cut_offs_balances() {
    let s = cut_off_shg();
    let april = period("2025-04-01", "2025-04-30");
    let cash = s.book.cash_book(s.org, false, april).unwrap();
    assert_eq!(cash.opening, dec("1500.00"));
    assert_eq!(cash.days.len(), 1);
    assert_eq!(cash.days[0].date, date("2025-04-08"));
    assert_eq!(
        (cash.receipts, cash.payments, cash.closing),
        (dec("100.00"), dec("0.00"), dec("1600.00"))
    );
    let bank = s.book.cash_book(s.org, true, april).unwrap();
    assert_eq!(
        (bank.opening, bank.receipts, bank.closing),
        (dec("20000.00"), dec("0.00"), dec("20000.00"))
    );
    assert!(bank.days.is_empty());
}

#[test]
fn a_passbook_opens_with_the_balances_carried_from_paper() {
    let s = cut_off_shg();
    let p = s
        .book
        .passbook(s.org, 1, period("2025-04-01", "2025-04-30"))
        .unwrap();
    assert_eq!(
        (p.opening_compulsory, p.opening_voluntary, p.opening_loan),
        (dec("3000.00"), dec("500.00"), dec("6000.00"))
    );
    assert!(p.lines.is_empty(), "{:?}", p.lines);
    assert_eq!((p.total_paid, p.total_received), (dec("0.00"), dec("0.00")));
}

#[test]
fn grading_counts_a_loan_carried_from_paper_as_existing_lending() {
    let s = cut_off_shg();
    // The hand-worked workings are read in English.
    s.book.read_in(Some(Locale::EnIn));
    let g = s
        .book
        .grade(s.org, period("2025-04-01", "2025-04-30"))
        .unwrap();
    let lending = g
        .norms
        .iter()
        .find(|n| n.name == "internal lending")
        .unwrap();
    assert_eq!(lending.basis, "0 of 2 members borrowed in the period");
    assert_eq!(lending.score, dec("0"));
}

/// An SHG owing 100 a week in compulsory savings, with member 1's deposit of
/// 100 at the meeting of 8 April reversed on 9 April.
fn reversed_deposit_shg() -> Shg {
    let policy = Policy {
        compulsory_savings: 10_000,
        ..Policy::default()
    };
    let s = fresh_shg_for_cutoff();
    s.book
        .set_policy(&meta(), s.org, date("2025-04-01"), policy)
        .unwrap();
    let m = s
        .book
        .open_meeting(&meta(), s.org, date("2025-04-08"))
        .unwrap()
        .number
        .unwrap();
    let d1 = s
        .book
        .deposit_savings(&meta(), s.org, deposit(1, "100"))
        .unwrap();
    s.book
        .deposit_savings(&meta(), s.org, deposit(2, "100"))
        .unwrap();
    close_even(&s, m);
    s.book
        .reverse_entry(
            &meta(),
            s.org,
            d1.seq,
            date("2025-04-09"),
            "entered for the wrong member",
        )
        .unwrap();
    s
}

#[test]
fn a_reversed_compulsory_deposit_is_unpaid_again_in_arrears_dues_and_grading() {
    let s = reversed_deposit_shg();
    // The hand-worked workings are read in English.
    s.book.read_in(Some(Locale::EnIn));
    // One meeting held (8 April): each owes 100. Member 1's deposit was taken back.
    assert_eq!(
        s.book
            .savings_arrears(s.org, 1, date("2025-04-10"))
            .unwrap(),
        dec("100.00")
    );
    assert_eq!(
        s.book
            .savings_arrears(s.org, 2, date("2025-04-10"))
            .unwrap(),
        dec("0.00")
    );
    assert_eq!(
        s.book
            .member_dues(s.org, 1, date("2025-04-10"))
            .unwrap()
            .savings_arrears,
        dec("100.00")
    );
    // On 8 April itself, before the reversal, the deposit stood.
    assert_eq!(
        s.book
            .savings_arrears(s.org, 1, date("2025-04-08"))
            .unwrap(),
        dec("0.00")
    );
    let g = s
        .book
        .grade(s.org, period("2025-04-01", "2025-04-14"))
        .unwrap();
    let savings = g
        .norms
        .iter()
        .find(|n| n.name == "savings regularity")
        .unwrap();
    // Of 200 owed, 100 stands paid: 10 of 20.
    assert_eq!(savings.basis, "100.00 of 200.00 compulsory savings paid");
    assert_eq!(savings.score, dec("10.00"));
}

#[test]
fn the_repayment_norm_counts_what_was_paid_by_the_period_end() {
    let s = shg(2, Policy::default());
    // The hand-worked workings are read in English.
    s.book.read_in(Some(Locale::EnIn));
    // 600 flat at 2% a month over 6 months: 112 a month from 7 May.
    let (m, l) = lend(
        &s,
        "2025-04-07",
        loan("600", "2", RatePeriod::Month, 6, Method::Flat),
    );
    close_even(&s, m);
    repay(&s, l, "2025-06-10", "112").unwrap();
    let may = s
        .book
        .grade(s.org, period("2025-04-01", "2025-05-31"))
        .unwrap();
    let norm = may.norms.iter().find(|n| n.name == "repayment").unwrap();
    assert_eq!(
        norm.basis,
        "0.00 of 112.00 due in the period repaid by its end"
    );
    assert_eq!(norm.score, dec("0.00"));
    let june = s
        .book
        .grade(s.org, period("2025-04-01", "2025-06-30"))
        .unwrap();
    let norm = june.norms.iter().find(|n| n.name == "repayment").unwrap();
    // Two instalments due by 30 June (7 May, 7 June); one paid, on 10 June.
    assert_eq!(
        norm.basis,
        "112.00 of 224.00 due in the period repaid by its end"
    );
}

/// Member 1 saves 1,000 compulsory on 1 April, borrows 600 on 7 April (flat,
/// 2% a month, 6 months), saves 200 voluntary on 8 April, repays 112 on 7 May
/// and leaves on 8 May: 500 of her loan is settled from her 1,200 of savings
/// and 700 is paid to her in cash.
fn exit_shg() -> Shg {
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
    s.book
        .exit_member(&meta(), s.org, 1, date("2025-05-08"), Via::Cash)
        .unwrap();
    s
}

#[test]
fn the_monthly_report_counts_an_exits_settlement_in_its_month() {
    let s = exit_shg();
    let may = s.book.monthly_report(s.org, 2025, 5).unwrap();
    // Principal: 100 repaid on 7 May and 500 settled from savings on 8 May.
    assert_eq!(may.principal_repaid, dec("600.00"));
    assert_eq!(may.interest_collected, dec("12.00"));
    assert_eq!(may.savings_returned, dec("1200.00"));
    assert_eq!(may.withdrawals, dec("0.00"));
    let april = s.book.monthly_report(s.org, 2025, 4).unwrap();
    assert_eq!(
        (april.principal_repaid, april.savings_returned),
        (dec("0.00"), dec("0.00"))
    );
}

#[test]
fn receipts_and_payments_show_an_exit_as_the_cash_paid_out() {
    let s = exit_shg();
    let r = s
        .book
        .receipts_and_payments(s.org, period("2025-05-01", "2025-05-31"))
        .unwrap();
    let lines = |v: &[daftar_core::books::AccountLine]| -> Vec<(String, rust_decimal::Decimal)> {
        v.iter().map(|l| (l.code.clone(), l.amount)).collect()
    };
    // In: the 7 May instalment. Out: the 700 refunded; the 500 set off never moved.
    assert_eq!(
        lines(&r.receipts),
        vec![
            ("1300".into(), dec("100.00")),
            ("4100".into(), dec("12.00"))
        ]
    );
    assert_eq!(lines(&r.payments), vec![("2100".into(), dec("700.00"))]);
    // Cash: 2,000 + 200 − 600 = 1,600 at the start of May; + 112 − 700.
    assert_eq!(
        (r.opening_cash, r.closing_cash),
        (dec("1600.00"), dec("1012.00"))
    );
}

#[test]
fn a_passbook_shows_each_payment_with_its_split_and_the_exit_settlement() {
    let s = exit_shg();
    let p = s
        .book
        .passbook(s.org, 1, period("2025-04-01", "2025-05-31"))
        .unwrap();
    let got: Vec<_> = p
        .lines
        .iter()
        .map(|l| (l.entry, l.paid, l.received, l.principal, l.interest))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                PassbookEntry::Deposit,
                dec("1000.00"),
                dec("0.00"),
                dec("0.00"),
                dec("0.00")
            ),
            (
                PassbookEntry::LoanPaidOut,
                dec("0.00"),
                dec("600.00"),
                dec("0.00"),
                dec("0.00")
            ),
            (
                PassbookEntry::Deposit,
                dec("200.00"),
                dec("0.00"),
                dec("0.00"),
                dec("0.00")
            ),
            (
                PassbookEntry::Repayment,
                dec("112.00"),
                dec("0.00"),
                dec("100.00"),
                dec("12.00")
            ),
            (
                PassbookEntry::ExitSettlement,
                dec("0.00"),
                dec("700.00"),
                dec("500.00"),
                dec("0.00")
            ),
        ]
    );
    let exit = &p.lines[4];
    assert_eq!(
        (exit.compulsory, exit.voluntary, exit.loan),
        (dec("-1000.00"), dec("-200.00"), dec("-500.00"))
    );
    // What she paid and got, to match the cash: 1,000 + 200 + 112 in; 600 + 700 out.
    assert_eq!(
        (p.total_paid, p.total_received),
        (dec("1312.00"), dec("1300.00"))
    );
    assert_eq!(
        (p.closing_compulsory, p.closing_voluntary, p.closing_loan),
        (dec("0.00"), dec("0.00"), dec("0.00"))
    );
}

#[test]
fn a_passbook_shows_fines_fees_and_the_fee_deducted_at_payout() {
    let s = shg(2, Policy::default());
    let charge = |charge, amount: &str| ChargeEntry {
        date: date("2025-04-08"),
        member_no: 2,
        charge,
        via: Via::Cash,
        amount: dec(amount),
    };
    s.book
        .collect_charge(&meta(), s.org, charge(MemberCharge::MembershipFee, "50"))
        .unwrap();
    let fine = s
        .book
        .collect_charge(&meta(), s.org, charge(MemberCharge::AbsenceFine, "10"))
        .unwrap();
    s.book
        .reverse_entry(
            &meta(),
            s.org,
            fine.seq,
            date("2025-04-09"),
            "she was present",
        )
        .unwrap();
    // A 1,000 loan with a 4% service fee taken at payout: 960 paid out.
    let m = s
        .book
        .open_meeting(&meta(), s.org, date("2025-04-14"))
        .unwrap()
        .number
        .unwrap();
    let l = s
        .book
        .apply_for_loan(
            &meta(),
            s.org,
            2,
            date("2025-04-14"),
            loan("1000", "4", RatePeriod::Year, 10, Method::FeeDeducted),
        )
        .unwrap()
        .number
        .unwrap();
    s.book.approve_loan(&meta(), s.org, l, m).unwrap();
    s.book
        .disburse_loan(&meta(), s.org, l, date("2025-04-14"), Via::Cash)
        .unwrap();
    let p = s
        .book
        .passbook(s.org, 2, period("2025-04-01", "2025-04-30"))
        .unwrap();
    let got: Vec<_> = p
        .lines
        .iter()
        .map(|l| (l.entry, l.paid, l.received, l.charges, l.loan))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                PassbookEntry::Deposit,
                dec("1000.00"),
                dec("0.00"),
                dec("0.00"),
                dec("0.00")
            ),
            (
                PassbookEntry::Fee,
                dec("50.00"),
                dec("0.00"),
                dec("50.00"),
                dec("0.00")
            ),
            (
                PassbookEntry::Fine,
                dec("10.00"),
                dec("0.00"),
                dec("10.00"),
                dec("0.00")
            ),
            (
                PassbookEntry::Reversal,
                dec("0.00"),
                dec("10.00"),
                dec("-10.00"),
                dec("0.00")
            ),
            (
                PassbookEntry::LoanPaidOut,
                dec("0.00"),
                dec("960.00"),
                dec("40.00"),
                dec("1000.00")
            ),
        ]
    );
    // The fee is income of the payout's month, beside the fee collected; the
    // reversed fine is not.
    let april = s.book.monthly_report(s.org, 2025, 4).unwrap();
    assert_eq!(april.fines_and_fees, dec("90.00"));
}

#[test]
fn vrf_from_the_vo_is_a_payable_of_its_own_and_a_fund_cannot_take_it() {
    let s = shg(2, Policy::default());
    let vrf = loan("10000", "0", RatePeriod::Year, 10, Method::Flat);
    s.book
        .receive_borrowing(
            &meta(),
            s.org,
            FacilitySource::Vrf,
            date("2025-04-08"),
            Via::Bank,
            vrf.clone(),
        )
        .unwrap();
    assert_eq!(s.book.balance(s.org, "2250").unwrap(), dec("-10000.00"));
    assert_eq!(s.book.balance(s.org, "2200").unwrap(), dec("0.00"));
    assert_eq!(s.book.balance(s.org, "1200").unwrap(), dec("10000.00"));
    let bs = s.book.balance_sheet(s.org, date("2025-04-30")).unwrap();
    assert!(bs
        .liabilities
        .iter()
        .any(|l| l.code == "2250" && l.amount == dec("10000.00")));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fund.daftar");
    let book = Book::open(&path).unwrap();
    let o = new_org(OrgKind::Fund, "IRR");
    let fund = o.id;
    book.create_organisation(&meta(), o).unwrap();
    let before = snapshot(&path);
    let e = book
        .receive_borrowing(
            &meta(),
            fund,
            FacilitySource::Vrf,
            date("2025-04-08"),
            Via::Bank,
            loan("10000", "0", RatePeriod::Year, 10, Method::Flat),
        )
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "source"),
        "{e}"
    );
    assert!(e.to_string().contains("does not borrow vrf"), "{e}");
    assert_eq!(snapshot(&path), before);
}

/// A group owing 100 a meeting period in compulsory savings, meeting on
/// `days`, with member 1 paying nothing.
fn owing_group(frequency: Frequency, days: &[&str]) -> Shg {
    let s = fresh_shg_for_cutoff();
    let policy = Policy {
        meeting_frequency: frequency,
        compulsory_savings: 10_000,
        ..Policy::default()
    };
    s.book
        .set_policy(&meta(), s.org, date("2025-04-01"), policy)
        .unwrap();
    for d in days {
        let m = s
            .book
            .open_meeting(&meta(), s.org, date(d))
            .unwrap()
            .number
            .unwrap();
        close_even(&s, m);
    }
    s
}

#[test]
fn a_monthly_group_owes_savings_once_a_month_however_many_meetings_it_holds() {
    // April has a second, extra meeting; May one: two months, 200 owed.
    let s = owing_group(
        Frequency::Monthly,
        &["2025-04-05", "2025-04-20", "2025-05-05"],
    );
    // The hand-worked workings are read in English.
    s.book.read_in(Some(Locale::EnIn));
    assert_eq!(
        s.book
            .savings_arrears(s.org, 1, date("2025-05-10"))
            .unwrap(),
        dec("200.00")
    );
    let g = s
        .book
        .grade(s.org, period("2025-04-01", "2025-05-31"))
        .unwrap();
    let savings = g
        .norms
        .iter()
        .find(|n| n.name == "savings regularity")
        .unwrap();
    assert_eq!(savings.basis, "0.00 of 400.00 compulsory savings paid");
}

#[test]
fn a_weekly_group_owes_once_a_week_even_when_its_meeting_day_moves() {
    // Mon 14, Thu 17 (extra, same week), Wed 23, Mon 28 April: three weeks.
    let s = owing_group(
        Frequency::Weekly,
        &["2025-04-14", "2025-04-17", "2025-04-23", "2025-04-28"],
    );
    assert_eq!(
        s.book
            .savings_arrears(s.org, 1, date("2025-04-30"))
            .unwrap(),
        dec("300.00")
    );
}

#[test]
fn an_overpayment_is_refused_in_rupees_as_the_group_writes_them() {
    let s = shg(2, Policy::default());
    // 600 flat at 2% a month: on 7 May 112 is due and 500 more may be prepaid.
    let (m, l) = lend(
        &s,
        "2025-04-07",
        loan("600", "2", RatePeriod::Month, 6, Method::Flat),
    );
    close_even(&s, m);
    let before = snapshot(&s.path);
    let e = repay(&s, l, "2025-05-07", "50000").unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "amount"),
        "{e}"
    );
    // The group's locale is hi-IN: Devanagari digits, Indian grouping.
    assert!(
        e.to_string().contains(
            "५०,०००.०० INR is more than the ६१२.०० INR that can be paid on this loan on 2025-05-07"
        ),
        "{e}"
    );
    assert_eq!(snapshot(&s.path), before);
}

#[test]
fn an_overdraft_names_the_amounts_in_the_groups_currency_and_writing() {
    let s = shg(1, Policy::default());
    let before = snapshot(&s.path);
    let e = s
        .book
        .record_payment(&meta(), s.org, voucher(Via::Cash, "5200", "1500.50"))
        .unwrap_err();
    match e {
        Error::InsufficientFunds(s) => {
            let daftar_core::error::Shortfall {
                account,
                balance,
                needed,
                currency,
                balance_shown,
                needed_shown,
            } = *s;
            assert!(account.starts_with("1100"), "{account}");
            assert_eq!(
                (balance, needed, currency.as_str()),
                (dec("1000.00"), dec("1500.50"), "INR")
            );
            assert_eq!(
                (balance_shown.as_str(), needed_shown.as_str()),
                ("१,०००.०० INR", "१,५००.५० INR")
            );
        }
        other => panic!("{other}"),
    }
    assert_eq!(snapshot(&s.path), before);
}

#[test]
fn a_business_date_past_the_phones_clock_and_the_policys_tolerance_is_refused() {
    let s = shg(1, Policy::default());
    let on = |clock: &str| CommandMeta {
        recorded_at: Some(format!("{clock}T09:00:00Z")),
        ..meta()
    };
    let saving = |day: &str| SavingsEntry {
        date: date(day),
        ..deposit(1, "10")
    };
    // The phone says 10 May: 11 May is a day ahead, allowed; 13 May is not.
    s.book
        .deposit_savings(&on("2025-05-10"), s.org, saving("2025-05-11"))
        .unwrap();
    let before = snapshot(&s.path);
    let e = s
        .book
        .deposit_savings(&on("2025-05-10"), s.org, saving("2025-05-13"))
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "date"),
        "{e}"
    );
    assert!(
        e.to_string().contains("after the device's date 2025-05-10"),
        "{e}"
    );
    assert_eq!(snapshot(&s.path), before);
    // A policy may allow more, up to a month; the approver changes it.
    let by_approver = |day: &str| {
        CommandMeta {
            actor: "cc-meena".into(),
            ..on(day)
        }
        .with_pin(APPROVER_PIN)
    };
    let week = Policy {
        days_ahead_allowed: 7,
        ..Policy::default()
    };
    s.book
        .set_policy(&by_approver("2025-05-12"), s.org, date("2025-05-12"), week)
        .unwrap();
    s.book
        .deposit_savings(&on("2025-05-12"), s.org, saving("2025-05-19"))
        .unwrap();
    let too_lax = Policy {
        days_ahead_allowed: 40,
        ..Policy::default()
    };
    let e = s
        .book
        .set_policy(
            &by_approver("2025-05-20"),
            s.org,
            date("2025-05-20"),
            too_lax,
        )
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "days_ahead_allowed"),
        "{e}"
    );
}

#[test]
fn a_write_off_forgives_the_principal_interest_fallen_due_and_penalties_and_says_so() {
    let policy = Policy {
        late_penalty: daftar_core::loan::LatePenalty::Fixed { amount: 2_500 },
        ..Policy::default()
    };
    let s = shg(2, policy);
    // 600 flat at 2% a month: 112 due on 7 May and on 7 June, neither paid.
    let (m, l) = lend(
        &s,
        "2025-04-07",
        loan("600", "2", RatePeriod::Month, 6, Method::Flat),
    );
    close_even(&s, m);
    s.book
        .write_off_loan(
            &approver(),
            s.org,
            l,
            date("2025-06-10"),
            "left the village",
        )
        .unwrap();
    // Forgiven: principal 600, interest 12 + 12 fallen due, penalties 25 + 25.
    // Interest not yet due (July to October) was never owed.
    let p = s
        .book
        .passbook(s.org, 1, period("2025-04-01", "2025-06-30"))
        .unwrap();
    let w = p.lines.last().unwrap();
    assert_eq!(w.entry, PassbookEntry::WriteOff);
    assert_eq!(
        (
            w.principal,
            w.interest,
            w.penalty,
            w.loan,
            w.paid,
            w.received
        ),
        (
            dec("600.00"),
            dec("24.00"),
            dec("50.00"),
            dec("-600.00"),
            dec("0.00"),
            dec("0.00")
        )
    );
    // Only the principal moves the books: income is booked when it is paid.
    assert_eq!(s.book.balance(s.org, "5600").unwrap(), dec("600.00"));
    assert_eq!(s.book.balance(s.org, "4100").unwrap(), dec("0.00"));
    assert_eq!(s.book.balance(s.org, "4200").unwrap(), dec("0.00"));
    let st = s.book.loan_standing(s.org, l, date("2025-06-10")).unwrap();
    assert_eq!((st.arrears, st.due_now), (dec("0.00"), dec("0.00")));
}
