//! Schedules worked by hand, limits, and a proptest of their invariants.

use super::*;
use proptest::prelude::*;

fn terms(
    principal: i64,
    rate: &str,
    period: RatePeriod,
    term: u32,
    f: Frequency,
    m: Method,
) -> LoanTerms {
    LoanTerms {
        principal,
        rate: rate.parse().unwrap(),
        rate_period: period,
        term,
        frequency: f,
        method: m,
    }
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn flat_interest_is_on_the_original_principal_every_period() {
    // ₹12,000 at 2% a month flat for 12 months: ₹1,000 principal + ₹240 interest each month.
    let t = terms(
        1_200_000,
        "2",
        RatePeriod::Month,
        12,
        Frequency::Monthly,
        Method::Flat,
    );
    let s = schedule(
        &t,
        day("2025-01-31"),
        Calendar::Gregorian,
        2,
        RoundingRule::default(),
    )
    .unwrap();
    assert!(s
        .iter()
        .all(|i| i.principal == 100_000 && i.interest == 24_000));
    assert_eq!(s[0].due_on, day("2025-02-28"));
    assert_eq!(s[11].due_on, day("2026-01-31"));
}

#[test]
fn reducing_balance_charges_interest_on_what_is_left() {
    // ₹10,000 at 24% a year, 4 monthly: principal 2,500; interest 2% of 10,000, 7,500, 5,000, 2,500.
    let t = terms(
        1_000_000,
        "24",
        RatePeriod::Year,
        4,
        Frequency::Monthly,
        Method::Reducing,
    );
    let s = schedule(
        &t,
        day("2025-04-01"),
        Calendar::Gregorian,
        2,
        RoundingRule::default(),
    )
    .unwrap();
    let interest: Vec<i64> = s.iter().map(|i| i.interest).collect();
    assert_eq!(interest, vec![20_000, 15_000, 10_000, 5_000]);
    assert!(s.iter().all(|i| i.principal == 250_000));
}

#[test]
fn emi_instalments_are_one_number_and_the_last_absorbs_rounding() {
    // ₹10,000 at 1% a month for 12 months: EMI 888.49 (closed form), worked by
    // hand: the interest is the exact schedule's, rounded (100.00, 92.12, …,
    // 8.80), the principal the rest; the last pays 879.67 + 8.80 = 888.47.
    let t = terms(
        1_000_000,
        "1",
        RatePeriod::Month,
        12,
        Frequency::Monthly,
        Method::Emi,
    );
    let s = schedule(
        &t,
        day("2025-04-01"),
        Calendar::Gregorian,
        2,
        RoundingRule::default(),
    )
    .unwrap();
    assert_eq!(s[0].interest, 10_000);
    assert_eq!(s[0].principal + s[0].interest, 88_849);
    assert_eq!(s.iter().map(|i| i.principal).sum::<i64>(), 1_000_000);
    for i in &s[..11] {
        assert_eq!(i.principal + i.interest, 88_849, "{i:?}");
    }
    assert_eq!((s[1].interest, s[1].principal), (9_212, 79_637));
    assert_eq!((s[11].principal, s[11].interest), (87_967, 880));
}

#[test]
fn fee_loans_charge_a_fee_once_either_up_front_or_spread() {
    let t = terms(
        10_000_000,
        "3",
        RatePeriod::Year,
        10,
        Frequency::Monthly,
        Method::FeeDeducted,
    );
    let whole = RoundingRule::parse("half-up/whole").unwrap();
    assert_eq!(t.fee_at_disbursement(0, whole).unwrap(), 300_000);
    let s = schedule(&t, day("2024-03-20"), Calendar::Gregorian, 0, whole).unwrap();
    assert!(s
        .iter()
        .all(|i| i.interest == 0 && i.principal == 1_000_000));
    let added = LoanTerms {
        method: Method::FeeAdded,
        term: 7,
        ..t
    };
    let s = schedule(&added, day("2024-03-20"), Calendar::Gregorian, 0, whole).unwrap();
    assert_eq!(s.iter().map(|i| i.interest).sum::<i64>(), 300_000);
    assert_eq!(s.iter().map(|i| i.principal).sum::<i64>(), 10_000_000);
    assert_eq!(added.fee_at_disbursement(0, whole).unwrap(), 0);
}

#[test]
fn whole_unit_rounding_keeps_every_instalment_in_whole_rupees_but_the_last() {
    let t = terms(
        1_000_000,
        "24",
        RatePeriod::Year,
        3,
        Frequency::Monthly,
        Method::Flat,
    );
    let whole = RoundingRule::parse("half-up/whole").unwrap();
    let s = schedule(&t, day("2025-04-01"), Calendar::Gregorian, 2, whole).unwrap();
    // 10,000 / 3 = 3,333.33 → 3,333, 3,333, then 3,334.
    assert_eq!(
        s.iter().map(|i| i.principal).collect::<Vec<_>>(),
        vec![333_300, 333_300, 333_400]
    );
    assert!(s.iter().all(|i| i.interest == 20_000));
}

#[test]
fn weekly_and_fortnightly_rates_are_the_yearly_rate_over_52_and_26() {
    let t = terms(
        5_200_000,
        "26",
        RatePeriod::Year,
        26,
        Frequency::Weekly,
        Method::Flat,
    );
    assert_eq!(t.period_rate(), Decimal::new(5, 3));
    let f = LoanTerms {
        frequency: Frequency::Fortnightly,
        ..t.clone()
    };
    assert_eq!(f.period_rate(), Decimal::new(1, 2));
    let m = LoanTerms {
        rate_period: RatePeriod::Month,
        rate: "2".parse().unwrap(),
        ..f
    };
    assert_eq!(
        m.period_rate(),
        Decimal::new(2, 2) * Decimal::from(12) / Decimal::from(26)
    );
    let s = schedule(
        &t,
        day("2025-04-07"),
        Calendar::Gregorian,
        2,
        RoundingRule::default(),
    )
    .unwrap();
    assert_eq!(s[1].due_on, day("2025-04-21"));
}

#[test]
fn bad_terms_name_their_field() {
    let ok = terms(
        100,
        "1",
        RatePeriod::Month,
        1,
        Frequency::Monthly,
        Method::Emi,
    );
    for (t, field) in [
        (
            LoanTerms {
                principal: 0,
                ..ok.clone()
            },
            "principal",
        ),
        (
            LoanTerms {
                term: 0,
                ..ok.clone()
            },
            "term",
        ),
        (
            LoanTerms {
                term: MAX_TERM + 1,
                ..ok.clone()
            },
            "term",
        ),
        (
            LoanTerms {
                rate: "-1".parse().unwrap(),
                ..ok.clone()
            },
            "rate",
        ),
        (
            LoanTerms {
                rate: "11".parse().unwrap(),
                ..ok.clone()
            },
            "rate",
        ),
    ] {
        let e = t.validate().unwrap_err();
        assert!(
            matches!(e, Error::InvalidInput { field: ref f, .. } if f == field),
            "{e}"
        );
    }
}

proptest! {
    #[test]
    fn the_principal_column_always_sums_to_the_loan(
        principal in 1_000i64..100_000_000,
        rate in 0u32..=3000,
        term in 1u32..=60,
        method in prop_oneof![Just(Method::Flat), Just(Method::Reducing), Just(Method::Emi), Just(Method::FeeDeducted), Just(Method::FeeAdded)],
        whole in any::<bool>(),
    ) {
        let t = LoanTerms {
            principal, rate: Decimal::new(rate as i64, 2), rate_period: RatePeriod::Year,
            term, frequency: Frequency::Monthly, method,
        };
        let rule = if whole { RoundingRule::parse("half-up/whole").unwrap() } else { RoundingRule::default() };
        if let Ok(s) = schedule(&t, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), Calendar::Gregorian, 2, rule) {
            prop_assert_eq!(s.iter().map(|i| i.principal).sum::<i64>(), principal);
            prop_assert!(s.iter().all(|i| i.principal >= 0 && i.interest >= 0));
        } else {
            // Only whole-unit rounding of tiny loans may refuse.
            prop_assert!(whole);
        }
    }
}

#[test]
fn a_solar_hijri_loan_falls_due_on_the_same_persian_day_or_the_months_last() {
    // Paid out on 31 Farvardin 1404 (20 April 2025), monthly for 12 months:
    // the 31st through Shahrivar, then the 30th, 29 Esfand (1404 is not a
    // leap year), and 31 Farvardin 1405 again. Worked with jdatetime.
    let t = terms(
        1_200_000,
        "0",
        RatePeriod::Year,
        12,
        Frequency::Monthly,
        Method::Flat,
    );
    let s = schedule(
        &t,
        day("2025-04-20"),
        Calendar::Persian,
        0,
        RoundingRule::default(),
    )
    .unwrap();
    let due: Vec<String> = s.iter().map(|i| i.due_on.to_string()).collect();
    assert_eq!(
        due,
        [
            "2025-05-21",
            "2025-06-21",
            "2025-07-22",
            "2025-08-22",
            "2025-09-22",
            "2025-10-22",
            "2025-11-21",
            "2025-12-21",
            "2026-01-20",
            "2026-02-19",
            "2026-03-20",
            "2026-04-20",
        ]
    );
    // The same loan in the Gregorian calendar keeps the 20th.
    let g = schedule(
        &t,
        day("2025-04-20"),
        Calendar::Gregorian,
        0,
        RoundingRule::default(),
    )
    .unwrap();
    assert!(g.iter().all(|i| i.due_on.format("%d").to_string() == "20"));
}
