//! Commands as values: their JSON form, digests and dates.
use super::*;

#[test]
fn the_same_command_by_another_actor_has_another_digest() {
    let c = Command::OpenMeeting {
        org: Uuid::nil(),
        date: NaiveDate::from_ymd_opt(2025, 4, 7).unwrap(),
    };
    assert_ne!(c.digest("asha").unwrap(), c.digest("bina").unwrap());
    assert_eq!(c.digest("asha").unwrap(), c.clone().digest("asha").unwrap());
}

#[test]
fn amounts_that_read_the_same_give_the_same_digest() {
    let line = |amount: &str| {
        format!(
            r#"{{"action":"deposit_savings","org":"{}","entry":{{"date":"2025-04-07","member_no":1,"via":"cash","amount":{amount},"fund":"compulsory"}}}}"#,
            Uuid::nil()
        )
    };
    let a: Command = serde_json::from_str(&line("\"100.00\"")).unwrap();
    let b: Command = serde_json::from_str(&line("100")).unwrap();
    assert_eq!(a.digest("x").unwrap(), b.digest("x").unwrap());
    let e = serde_json::from_str::<Command>(&line("100.5")).unwrap_err();
    assert!(e.to_string().contains("must be a string"), "{e}");
}

#[test]
fn unknown_fields_and_actions_are_refused() {
    let org = Uuid::nil();
    for line in [
        format!(r#"{{"action":"open_meeting","org":"{org}","date":"2025-04-07","extra":1}}"#),
        format!(r#"{{"action":"open_meetings","org":"{org}","date":"2025-04-07"}}"#),
        format!(r#"{{"org":"{org}","date":"2025-04-07"}}"#),
    ] {
        assert!(serde_json::from_str::<Command>(&line).is_err(), "{line}");
    }
}

#[test]
fn the_action_is_the_variants_snake_case_name() {
    let c = Command::SanctionLoan {
        org: Uuid::nil(),
        member_no: 1,
        date: NaiveDate::from_ymd_opt(2025, 4, 7).unwrap(),
        terms: LoanRequest {
            principal: Decimal::from(1000),
            rate: Decimal::from(12),
            rate_period: crate::loan::RatePeriod::Year,
            term: 10,
            frequency: crate::loan::Frequency::Monthly,
            method: crate::loan::Method::Flat,
            reference: None,
        },
        via: Via::Cash,
    };
    assert_eq!(c.action().unwrap(), "sanction_loan");
}
