use proptest::prelude::*;

use super::*;

fn every_kind(n: u32, seq: u64, text: &str) -> Vec<Narration> {
    use Narration as N;
    vec![
        N::Receipt,
        N::Payment,
        N::Transfer,
        N::SavingsDeposit { member: n },
        N::SavingsWithdrawal { member: n },
        N::CashDifference {
            meeting: n,
            reason: text.into(),
        },
        N::CashDifferenceReversed { meeting: n },
        N::LoanPaidOut {
            loan: n,
            member: n + 1,
        },
        N::LoanRepaid { loan: n },
        N::BorrowingRepaid { loan: n },
        N::LoanWrittenOff {
            loan: n,
            reason: text.into(),
        },
        N::BorrowingReceived {
            loan: n,
            source: "cif".into(),
        },
        N::MembershipFee { member: n },
        N::AbsenceFine { member: n },
        N::Cutoff,
        N::MemberExit { member: n },
        N::Reversal {
            entry: seq,
            reason: text.into(),
        },
        N::Other {
            kind: "loan.approved".into(),
        },
    ]
}

proptest! {
    /// What is stored reads back as the same narration, whatever a person typed.
    #[test]
    fn every_narration_reads_back_from_its_stored_form(
        n in 1u32..100_000,
        seq in 1u64..u64::MAX,
        text in "[^\\p{Cc}]{0,40}",
    ) {
        for narration in every_kind(n, seq, &text) {
            let stored = narration.to_stored();
            prop_assert_eq!(Narration::from_stored(&stored), narration);
        }
        // A person's words are kept as typed, even words that look like a form.
        if !text.is_empty() {
            let words = Narration::Words(text.clone());
            prop_assert_eq!(words.to_stored(), text.clone());
            prop_assert_eq!(Narration::from_stored(&text), words);
        }
    }
}

#[test]
fn a_damaged_stored_form_is_shown_as_it_is_not_misread() {
    for bad in [
        "\u{1f}deposit",
        "\u{1f}deposit\u{1f}x",
        "\u{1f}deposit\u{1f}1\u{1f}2",
        "\u{1f}nonsense\u{1f}1",
        "\u{1f}",
    ] {
        assert_eq!(Narration::from_stored(bad), Narration::Words(bad.into()));
    }
}

#[test]
fn english_narrations_read_as_they_always_have() {
    let en = LocalFormat::new(Locale::EnIn).unwrap();
    let cases = [
        (
            Narration::SavingsDeposit { member: 3 },
            "Savings deposit, member 3",
        ),
        (
            Narration::LoanPaidOut { loan: 2, member: 7 },
            "Loan 2 paid out to member 7",
        ),
        (
            Narration::AbsenceFine { member: 4 },
            "Absence fine from member 4",
        ),
        (
            Narration::Reversal {
                entry: 120,
                reason: "typed 500 for 50".into(),
            },
            "Reversal of entry 120: typed 500 for 50",
        ),
        (
            Narration::CashDifference {
                meeting: 9,
                reason: "short".into(),
            },
            "Cash difference at meeting 9: short",
        ),
    ];
    for (n, text) in cases {
        assert_eq!(n.render(&en), text);
    }
}

#[test]
fn hindi_and_persian_narrations_have_no_english_words_and_use_their_own_digits() {
    for locale in [Locale::HiIn, Locale::FaIr] {
        let fmt = LocalFormat::new(locale).unwrap();
        for n in every_kind(37, 1205, "") {
            if matches!(n, Narration::Other { .. }) {
                continue;
            }
            let text = n.render(&fmt);
            assert!(
                !text.chars().any(|c| c.is_ascii_alphanumeric()),
                "{locale:?}: {n:?} reads {text:?}"
            );
        }
        let deposit = Narration::SavingsDeposit { member: 37 }.render(&fmt);
        let digits = if locale == Locale::HiIn {
            "३७"
        } else {
            "۳۷"
        };
        assert!(deposit.contains(digits), "{deposit}");
    }
}
