//! PINs make an actor's name mean a person: what an approver does needs her
//! PIN, typed on the device; a wrong or missing one changes nothing; only the
//! person (or an approver, with hers) sets a PIN; the book keeps a slow
//! verifier, never the PIN.

mod common;

use common::shg::*;
use common::*;
use daftar_core::policy::{ActorRole, Policy};
use daftar_core::*;

fn as_person(actor: &str) -> CommandMeta {
    CommandMeta {
        actor: actor.into(),
        ..meta()
    }
}

fn stricter() -> Policy {
    Policy {
        reversal_needs_approval: true,
        ..Policy::default()
    }
}

#[test]
fn a_bare_name_or_a_wrong_pin_cannot_approve_and_changes_nothing() {
    let s = shg(2, Policy::default());
    let day = date("2025-04-02");
    let before = snapshot(&s.path);
    let no_pin = s
        .book
        .set_policy(&as_person("cc-meena"), s.org, day, stricter())
        .unwrap_err();
    assert_eq!(no_pin.code(), ErrorCode::PermissionDenied, "{no_pin}");
    assert!(
        no_pin.to_string().contains("needs cc-meena's PIN"),
        "{no_pin}"
    );
    let wrong = s
        .book
        .set_policy(
            &as_person("cc-meena").with_pin("1357"),
            s.org,
            day,
            stricter(),
        )
        .unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::PermissionDenied, "{wrong}");
    assert!(wrong.to_string().contains("wrong PIN"), "{wrong}");
    assert_eq!(snapshot(&s.path), before);

    s.book
        .set_policy(&approver(), s.org, day, stricter())
        .unwrap();
    assert!(s.book.policy(s.org).unwrap().reversal_needs_approval);
    // A book keeper who gives a PIN she does not have proves nothing either.
    let e = s
        .book
        .deposit_savings(&meta().with_pin("2468"), s.org, deposit(1, "10"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied, "{e}");
    assert!(s.book.verify(&mut |_, _| true).unwrap().is_intact());
}

#[test]
fn an_approver_is_named_only_once_she_has_a_pin() {
    let s = shg(1, Policy::default());
    let day = date("2025-04-02");
    let before = snapshot(&s.path);
    let e = s
        .book
        .set_role(&approver(), s.org, day, "ravi", ActorRole::Approver)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
    assert!(e.to_string().contains("ravi has no PIN yet"), "{e}");
    assert_eq!(snapshot(&s.path), before);
    s.book
        .set_pin(&as_person("ravi"), s.org, day, "ravi", "8642")
        .unwrap();
    s.book
        .set_role(&approver(), s.org, day, "ravi", ActorRole::Approver)
        .unwrap();
    s.book
        .set_policy(&as_person("ravi").with_pin("8642"), s.org, day, stricter())
        .unwrap();
}

#[test]
fn a_pin_is_set_by_its_person_changed_with_the_old_one_or_reset_by_an_approver() {
    let s = shg(1, Policy::default());
    let day = date("2025-04-02");
    let before = snapshot(&s.path);
    // The book keeper may not set another person's PIN, nor may an approver
    // without confirming with her own.
    for by in [meta(), as_person("cc-meena")] {
        let e = s.book.set_pin(&by, s.org, day, "ravi", "1111").unwrap_err();
        assert_eq!(e.code(), ErrorCode::PermissionDenied, "{e}");
    }
    assert_eq!(snapshot(&s.path), before);

    s.book
        .set_pin(&as_person("ravi"), s.org, day, "ravi", "1111")
        .unwrap();
    assert!(s.book.pin_matches(s.org, "ravi", "1111").unwrap());
    // Changing it needs the old one.
    let e = s
        .book
        .set_pin(&as_person("ravi"), s.org, day, "ravi", "2222")
        .unwrap_err();
    assert!(e.to_string().contains("with the old one"), "{e}");
    let e = s
        .book
        .set_pin(
            &as_person("ravi").with_pin("9999"),
            s.org,
            day,
            "ravi",
            "2222",
        )
        .unwrap_err();
    assert!(e.to_string().contains("wrong PIN"), "{e}");
    s.book
        .set_pin(
            &as_person("ravi").with_pin("1111"),
            s.org,
            day,
            "ravi",
            "2222",
        )
        .unwrap();
    assert!(!s.book.pin_matches(s.org, "ravi", "1111").unwrap());
    // Forgotten: the approver resets it, confirming with her own.
    s.book
        .set_pin(&approver(), s.org, day, "ravi", "3333")
        .unwrap();
    assert!(s.book.pin_matches(s.org, "ravi", "3333").unwrap());
    // The book names him now, with his PIN, beside the approver.
    let people = s.book.people(s.org).unwrap();
    let ravi = people.iter().find(|p| p.name == "ravi").unwrap();
    assert_eq!((ravi.role, ravi.has_pin), (ActorRole::Bookkeeper, true));
    assert!(people
        .iter()
        .any(|p| p.name == "cc-meena" && p.role == ActorRole::Approver && p.has_pin));
    assert!(!people.iter().any(|p| p.name == "sita"));
    // Too short.
    let e = s
        .book
        .set_pin(&as_person("sita"), s.org, day, "sita", "12")
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
    assert!(s.book.verify(&mut |_, _| true).unwrap().is_intact());
}

#[test]
fn the_book_keeps_a_slow_verifier_never_the_pin_and_digits_in_any_script_are_one_pin() {
    let s = shg(1, Policy::default());
    let day = date("2025-04-02");
    let op = as_person("asha");
    let first = s.book.set_pin(&op, s.org, day, "asha", "۹۷۵۳۱۸۶۴").unwrap();
    // A retry of the same command is the same command: the salt comes from its op_id.
    let again = s.book.set_pin(&op, s.org, day, "asha", "۹۷۵۳۱۸۶۴").unwrap();
    assert!(again.replayed && again.seq == first.seq);
    assert!(s.book.pin_matches(s.org, "asha", "97531864").unwrap());
    assert!(s.book.pin_matches(s.org, "asha", "९७५३१८६४").unwrap());
    s.book.close().unwrap();
    let bytes: Vec<u8> = daftar_core::files::book_files(&s.path)
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .flatten()
        .collect();
    for pin in ["97531864", "۹۷۵۳۱۸۶۴"] {
        assert!(
            !bytes.windows(pin.len()).any(|w| w == pin.as_bytes()),
            "{pin}"
        );
    }
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("$argon2id$v=19$m=19456,t=2,p=1$"));
}

#[test]
fn a_weak_or_malformed_verifier_is_refused() {
    let s = shg(1, Policy::default());
    let day = date("2025-04-02");
    let before = snapshot(&s.path);
    for verifier in [
        "2468",
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
        "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
        // 4 GiB: every check would exhaust the phone.
        "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
    ] {
        let e = s
            .book
            .execute(
                &as_person("ravi"),
                Command::SetPin {
                    org: s.org,
                    date: day,
                    person: "ravi".into(),
                    verifier: verifier.into(),
                },
            )
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{verifier}: {e}");
    }
    assert_eq!(snapshot(&s.path), before);
}
