//! Roles that hold: every policy change, role change, approval, write-off,
//! reopening, hand-over and recovery is tried as a plain book keeper and as an
//! auditor, and refused with the book unchanged; the approver may.

mod common;

use common::shg::*;
use common::*;
use daftar_core::exchange::Chunk;
use daftar_core::loan::{Method, RatePeriod};
use daftar_core::policy::{ActorRole, Policy};
use daftar_core::*;
use daftar_sync::signing::recovery_message;
use daftar_sync::DeviceKey;

const KEEPER: &str = "tester"; // common::meta()'s actor, a book keeper
const AUDITOR: &str = "ravi";
const APPROVER: &str = "cc-meena";

/// `actor`'s meta; the approver's carries her PIN, as the app asks for it.
fn by(actor: &str) -> CommandMeta {
    let m = CommandMeta {
        actor: actor.into(),
        ..meta()
    };
    if actor == APPROVER {
        m.with_pin(APPROVER_PIN)
    } else {
        m
    }
}

fn admin() -> DeviceKey {
    DeviceKey::from_secret(&[42; 32])
}

fn strict() -> Policy {
    Policy {
        reversal_needs_approval: true,
        recovery_key: Some(admin().public()),
        ..Policy::default()
    }
}

struct Set {
    s: Shg,
    meeting: u32,
    loan: u32,
    request: u64,
}

/// An SHG whose approver asks for maker-checker reversals and names an
/// auditor and a recovery key; custody claimed; a loan paid out at a closed
/// meeting; and a reversal the book keeper asked for, waiting for a checker.
fn set_up() -> Set {
    let s = shg(2, Policy::default());
    let b = &s.book;
    b.set_policy(&by(APPROVER), s.org, date("2025-04-01"), strict())
        .unwrap();
    b.set_role(
        &by(APPROVER),
        s.org,
        date("2025-04-01"),
        AUDITOR,
        ActorRole::Auditor,
    )
    .unwrap();
    b.claim_custody(&meta(), s.org, date("2025-04-01")).unwrap();
    let (meeting, loan) = lend(
        &s,
        "2025-04-08",
        loan("1000", "2", RatePeriod::Month, 5, Method::Flat),
    );
    close_even(&s, meeting);
    let wrong = b.deposit_savings(&meta(), s.org, deposit(1, "30")).unwrap();
    let request = b
        .reverse_entry(
            &meta(),
            s.org,
            wrong.seq,
            date("2025-04-08"),
            "typed 30 for 3",
        )
        .unwrap()
        .seq;
    Set {
        s,
        meeting,
        loan,
        request,
    }
}

/// The approver names maya a second approver on 8 April (her PIN set first).
fn name_maya(t: &Set) {
    name_approver(
        &t.s.book,
        &by(APPROVER),
        t.s.org,
        date("2025-04-08"),
        "maya",
    );
}

/// The approver gives `person` a role on 8 April.
fn give_role(t: &Set, person: &str, role: ActorRole) -> Result<Outcome> {
    t.s.book
        .set_role(&by(APPROVER), t.s.org, date("2025-04-08"), person, role)
}

type Attempt = (&'static str, fn(&Set, &CommandMeta) -> Result<Outcome>);

fn attempts() -> Vec<Attempt> {
    vec![
        ("switch off two-person approval", |t, m| {
            let lax = Policy {
                reversal_needs_approval: false,
                ..strict()
            };
            t.s.book.set_policy(m, t.s.org, date("2025-04-08"), lax)
        }),
        ("make themself an approver", |t, m| {
            let me = m.actor.clone();
            t.s.book
                .set_role(m, t.s.org, date("2025-04-08"), &me, ActorRole::Approver)
        }),
        ("demote the approver", |t, m| {
            t.s.book
                .set_role(m, t.s.org, date("2025-04-08"), APPROVER, ActorRole::Auditor)
        }),
        ("approve a correction", |t, m| {
            t.s.book
                .approve_correction(m, t.s.org, t.request, date("2025-04-08"))
        }),
        ("reject a correction", |t, m| {
            t.s.book
                .reject_correction(m, t.s.org, t.request, date("2025-04-08"), "no")
        }),
        ("write a loan off", |t, m| {
            t.s.book
                .write_off_loan(m, t.s.org, t.loan, date("2025-04-08"), "left the village")
        }),
        ("reopen a meeting", |t, m| {
            t.s.book
                .reopen_meeting(m, t.s.org, t.meeting, "forgot a deposit")
        }),
        ("hand the book to another phone", |t, m| {
            let other = DeviceKey::from_secret(&[7; 32]).public();
            t.s.book
                .hand_over(m, t.s.org, date("2025-04-08"), "phone-2", other)
        }),
    ]
}

#[test]
fn a_book_keeper_and_an_auditor_are_refused_every_approvers_command_and_nothing_changes() {
    let t = set_up();
    for actor in [KEEPER, AUDITOR] {
        for (what, attempt) in attempts() {
            let before = snapshot(&t.s.path);
            let e = attempt(&t, &by(actor)).unwrap_err();
            assert_eq!(
                e.code(),
                ErrorCode::PermissionDenied,
                "{actor}: {what}: {e}"
            );
            assert_eq!(snapshot(&t.s.path), before, "{actor}: {what}");
        }
    }
    assert!(t.s.book.policy(t.s.org).unwrap().reversal_needs_approval);
    assert_eq!(
        t.s.book.role(t.s.org, KEEPER).unwrap(),
        ActorRole::Bookkeeper
    );
}

#[test]
fn the_approver_may_do_each_of_them() {
    for (what, attempt) in attempts() {
        let t = set_up();
        // The approver may not demote herself while she is the only one, so
        // the attempt to demote her is made with a second approver named.
        if what == "demote the approver" {
            name_maya(&t);
        }
        attempt(&t, &by(APPROVER)).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            t.s.book.verify(&mut |_, _| true).unwrap().is_intact(),
            "{what}"
        );
    }
}

#[test]
fn the_only_approver_cannot_step_down_until_another_is_named() {
    let t = set_up();
    let before = snapshot(&t.s.path);
    let e = give_role(&t, APPROVER, ActorRole::Bookkeeper).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
    assert!(e.to_string().contains("only approver"), "{e}");
    assert_eq!(snapshot(&t.s.path), before);
    name_maya(&t);
    give_role(&t, APPROVER, ActorRole::Bookkeeper).unwrap();
    // Stepped down, she is a book keeper like any other.
    let e =
        t.s.book
            .set_policy(
                &by(APPROVER),
                t.s.org,
                date("2025-04-08"),
                Policy::default(),
            )
            .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied, "{e}");
}

#[test]
fn before_any_approver_is_named_the_book_keeper_sets_the_group_up() {
    let dir = tempfile::tempdir().unwrap();
    let book = Book::open(dir.path().join("new.daftar")).unwrap();
    let o = new_org(OrgKind::Shg, "INR");
    let org = o.id;
    book.create_organisation(&meta(), o).unwrap();
    book.set_policy(&meta(), org, date("2025-04-01"), strict())
        .unwrap();
    name_approver(&book, &meta(), org, date("2025-04-01"), APPROVER);
    // From the first approver on, the policy is hers to change.
    let e = book
        .set_policy(&meta(), org, date("2025-04-01"), Policy::default())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PermissionDenied, "{e}");
    assert!(
        e.to_string()
            .contains("changing the policy needs an approver"),
        "{e}"
    );
}

#[test]
fn recovering_a_lost_phones_book_needs_the_approver_as_well_as_the_key() {
    let t = set_up();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.daftar");
    let c = Book::open(&path).unwrap();
    for chunk in t.s.book.bundle(t.s.org, 0).unwrap() {
        let chunk = Chunk::parse(chunk.to_line().as_bytes()).unwrap();
        c.ingest(&chunk).unwrap();
    }
    let c_id = c.device_identity("C").unwrap();
    let epoch = c.custody(t.s.org).unwrap().unwrap().epoch + 1;
    let signature = admin().sign(&recovery_message(&t.s.org, epoch, &c_id.public_key, "C"));
    let on_c = |actor: &str| CommandMeta {
        device: "C".into(),
        ..by(actor)
    };
    for actor in [KEEPER, AUDITOR] {
        let before = snapshot(&path);
        let e = c
            .recover_custody(&on_c(actor), t.s.org, date("2025-04-09"), signature)
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::PermissionDenied, "{actor}: {e}");
        assert_eq!(snapshot(&path), before, "{actor}");
    }
    c.recover_custody(&on_c(APPROVER), t.s.org, date("2025-04-09"), signature)
        .unwrap();
    assert_eq!(c.custody(t.s.org).unwrap().unwrap().device, "C");
}

/// An event as a modified app holding the custodian's device key would write
/// it: chained and signed after `t`'s head, but never decided by daftar.
fn forged(
    t: &Set,
    actor: &str,
    body: daftar_core::event::EventBody,
) -> daftar_core::exchange::Chunk {
    let b = &t.s.book;
    let secret: Vec<u8> = rusqlite::Connection::open(&t.s.path)
        .unwrap()
        .query_row("SELECT secret FROM device_identity", [], |r| r.get(0))
        .unwrap();
    let key = DeviceKey::from_secret(&secret.try_into().unwrap());
    let (seq, hash) = b.chain_head(t.s.org).unwrap();
    let event = daftar_core::event::Event {
        org: t.s.org,
        op_id: uuid::Uuid::now_v7(),
        actor: actor.into(),
        device: meta().device,
        recorded_at: "2025-04-08T10:00:00Z".into(),
        date: date("2025-04-08"),
        body,
        command: Some([7; 32]),
    };
    let text = String::from_utf8(event.canonical_bytes().unwrap()).unwrap();
    daftar_core::exchange::Chunk::sign(t.s.org, daftar_sync::Head { seq, hash }, vec![text], &key)
}

#[test]
fn an_approvers_event_written_by_a_book_keeper_is_refused_where_it_is_received() {
    use daftar_core::event::EventBody;
    let t = set_up();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.daftar");
    let other = Book::open(&copy).unwrap();
    for chunk in t.s.book.bundle(t.s.org, 0).unwrap() {
        other.ingest(&chunk).unwrap();
    }
    let lax = Policy {
        reversal_needs_approval: false,
        ..strict()
    };
    let before = snapshot(&copy);
    for (actor, body) in [
        (KEEPER, EventBody::PolicySet(lax.clone())),
        (
            KEEPER,
            EventBody::RoleSet {
                actor: KEEPER.into(),
                role: ActorRole::Approver,
            },
        ),
        (
            KEEPER,
            EventBody::CorrectionRejected {
                request_seq: t.request,
                reason: "mine".into(),
            },
        ),
        (AUDITOR, EventBody::MeetingOpened { meeting_no: 9 }),
        // The book keeper setting the approver's PIN to one she knows.
        (
            KEEPER,
            EventBody::PinSet {
                actor: APPROVER.into(),
                // A verifier of "2468" (docs/commands.md's), strong enough to pass.
                verifier: "$argon2id$v=19$m=19456,t=2,p=1$QbyS1ZbLrpEnr3JINs1QmQ$U/Ge0qdaEk030mbLdwYocv5dj7TRL/BIpk+0StsQaCE".into(),
            },
        ),
    ] {
        let e = other.ingest(&forged(&t, actor, body)).unwrap_err();
        assert!(
            e.to_string().contains("does_not_apply") && e.to_string().contains("needs an approver"),
            "{actor}: {e}"
        );
        assert_eq!(snapshot(&copy), before, "{actor}");
    }
    // The same event by the approver is one daftar could have decided.
    other
        .ingest(&forged(&t, APPROVER, EventBody::PolicySet(lax)))
        .unwrap();
    assert!(!other.policy(t.s.org).unwrap().reversal_needs_approval);
}
