//! Sync on real books: bundles out of one book and into another, restore from
//! nothing, custody and hand-over, recovery of a lost phone, and the sync
//! state that a failed push cannot get stuck in.

mod common;

use common::*;
use daftar_core::exchange::Chunk;
use daftar_core::policy::Policy;
use daftar_core::*;
use daftar_sync::signing::recovery_message;
use daftar_sync::DeviceKey;
use uuid::Uuid;

fn meta_on(device: &str) -> CommandMeta {
    CommandMeta {
        device: device.into(),
        ..meta()
    }
}

fn open(dir: &tempfile::TempDir, name: &str) -> Book {
    Book::open(dir.path().join(name)).unwrap()
}

/// Every chunk of `from`'s `org` after `after`, into `to`.
fn send(from: &Book, to: &Book, org: Uuid, after: u64) -> u64 {
    let mut applied = 0;
    for chunk in from.bundle(org, after).unwrap() {
        // Through the wire form, as a file or the network carries it.
        let chunk = Chunk::parse(chunk.to_line().as_bytes()).unwrap();
        applied += to.ingest(&chunk).unwrap().applied;
    }
    applied
}

fn assert_same(a: &Book, b: &Book, org: Uuid) {
    assert_eq!(a.chain_head(org).unwrap(), b.chain_head(org).unwrap());
    let diffs = a.projection_differences(b, org).unwrap();
    assert!(diffs.is_empty(), "{diffs:?}");
}

#[test]
fn the_demo_books_organisations_round_trip_through_bundles_into_an_empty_book() {
    let dir = tempfile::tempdir().unwrap();
    let original = open(&dir, "demo.daftar");
    let made = demo::build(&original, 1, &mut |_, _| true).unwrap();
    assert_eq!(made.organisations.len(), 3);
    for &org in &made.organisations {
        original
            .claim_custody(&meta_on("demo-phone"), org, date("2025-04-01"))
            .unwrap();
    }
    let restored = open(&dir, "restored.daftar");
    for &org in &made.organisations {
        let sent = send(&original, &restored, org, 0);
        assert_eq!(sent, original.chain_head(org).unwrap().0);
        assert_same(&original, &restored, org);
    }
    let report = restored.verify(&mut |_, _| true).unwrap();
    assert!(report.is_intact(), "{report:?}");
    // A second import writes nothing.
    for &org in &made.organisations {
        assert_eq!(send(&original, &restored, org, 0), 0);
    }
}

#[test]
fn a_scaled_book_of_three_years_of_meetings_round_trips_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let original = open(&dir, "scaled.daftar");
    let scale = demo::Scale {
        shgs: 1,
        members: 12,
        weeks: 156,
    };
    let made = demo::build_scaled(&original, 3, scale, &mut |_, _| true).unwrap();
    let restored = open(&dir, "restored.daftar");
    for &org in &made.organisations {
        original
            .claim_custody(&meta_on("demo-phone"), org, date("2027-04-01"))
            .unwrap();
        send(&original, &restored, org, 0);
        assert_same(&original, &restored, org);
    }
    assert!(restored.verify(&mut |_, _| true).unwrap().is_intact());
}

#[test]
fn a_long_history_after_the_claim_goes_in_chunks_of_about_a_megabyte() {
    let dir = tempfile::tempdir().unwrap();
    let original = open(&dir, "long.daftar");
    let org = shg_with_members(&original, 3, "10");
    original
        .claim_custody(&meta_on("test-device"), org, date("2025-04-01"))
        .unwrap();
    original.begin_bulk().unwrap();
    for i in 0..4000 {
        original
            .deposit_savings(&meta(), org, deposit(1 + i % 3, "1"))
            .unwrap();
    }
    original.finish_bulk().unwrap();
    let chunks = original.bundle(org, 0).unwrap();
    assert!(chunks.len() >= 2, "{}", chunks.len());
    let restored = open(&dir, "restored.daftar");
    for (i, c) in chunks.iter().enumerate() {
        let bytes: usize = c.events.iter().map(|e| e.len()).sum();
        assert!(bytes < (1 << 20) + 4096, "chunk {i}: {bytes} bytes");
        if i > 0 {
            assert_eq!(c.base, chunks[i - 1].head);
        }
        restored.ingest(c).unwrap();
    }
    assert_same(&original, &restored, org);
}

/// A founding book: an SHG with a member and a deposit, custody claimed by A.
fn founded(dir: &tempfile::TempDir) -> (Book, Uuid) {
    let a = open(dir, "a.daftar");
    let o = new_org(OrgKind::Shg, "INR");
    let org = o.id;
    a.create_organisation(&meta_on("A"), o).unwrap();
    a.add_member(&meta_on("A"), org, member("Sita")).unwrap();
    a.deposit_savings(&meta_on("A"), org, deposit(1, "100"))
        .unwrap();
    a.claim_custody(&meta_on("A"), org, date("2025-04-01"))
        .unwrap();
    (a, org)
}

#[test]
fn after_a_hand_over_only_the_new_device_writes_and_a_late_write_is_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let (a, org) = founded(&dir);
    let b = open(&dir, "b.daftar");
    let b_id = b.device_identity("B").unwrap();
    // A copy of A's book from before the hand-over: the phone's old backup.
    a.close().unwrap();
    std::fs::copy(dir.path().join("a.daftar"), dir.path().join("stale.daftar")).unwrap();
    let a = open(&dir, "a.daftar");

    a.hand_over(&meta_on("A"), org, date("2025-04-02"), "B", b_id.public_key)
        .unwrap();
    send(&a, &b, org, 0);
    assert_eq!(b.custody(org).unwrap().unwrap().device, "B");
    b.deposit_savings(&meta_on("B"), org, deposit(1, "50"))
        .unwrap();

    // A may no longer write.
    let e = a
        .deposit_savings(&meta_on("A"), org, deposit(1, "7"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Refused);
    assert!(e.to_string().contains("not_writer"), "{e}");

    // The stale copy writes as though it still held custody, and sends it.
    let stale = open(&dir, "stale.daftar");
    let head_before = stale.chain_head(org).unwrap().0;
    stale
        .deposit_savings(&meta_on("A"), org, deposit(1, "9"))
        .unwrap();
    let before = b.chain_head(org).unwrap();
    for chunk in stale.bundle(org, head_before).unwrap() {
        let e = b.ingest(&chunk).unwrap_err();
        assert!(e.to_string().contains("not_writer"), "{e}");
    }
    assert_eq!(b.chain_head(org).unwrap(), before);
    let aside = b.set_aside(org).unwrap();
    assert_eq!(aside.len(), 1);
    assert_eq!(aside[0].kind, "savings.deposit");
    assert_eq!(aside[0].device, "A");
    assert!(
        aside[0].refusal.starts_with("not_writer"),
        "{}",
        aside[0].refusal
    );
    // And back at A, B's writes arrive after the hand-over A itself wrote.
    let a_head = a.chain_head(org).unwrap().0;
    assert_eq!(send(&b, &a, org, a_head), 1);
    assert_same(&a, &b, org);
}

#[test]
fn a_lost_phones_organisation_is_recovered_with_the_policys_recovery_key() {
    let dir = tempfile::tempdir().unwrap();
    let (a, org) = founded(&dir);
    let admin = DeviceKey::from_secret(&[42; 32]);
    let policy = Policy {
        recovery_key: Some(admin.public()),
        ..Policy::default()
    };
    a.set_policy(&meta_on("A"), org, date("2025-04-01"), policy)
        .unwrap();
    // The server (here, a book) had everything; then phone A was lost.
    let c = open(&dir, "c.daftar");
    send(&a, &c, org, 0);
    let c_id = c.device_identity("C").unwrap();
    let epoch = c.custody(org).unwrap().unwrap().epoch + 1;
    // A signature by another key is refused, and writes nothing.
    let wrong = DeviceKey::from_secret(&[1; 32]).sign(&recovery_message(
        &org,
        epoch,
        &c_id.public_key,
        "C",
    ));
    let head = c.chain_head(org).unwrap();
    let e = c
        .recover_custody(&meta_on("C"), org, date("2025-04-03"), wrong)
        .unwrap_err();
    assert!(e.to_string().contains("custody"), "{e}");
    assert_eq!(c.chain_head(org).unwrap(), head);
    let signature = admin.sign(&recovery_message(&org, epoch, &c_id.public_key, "C"));
    c.recover_custody(&meta_on("C"), org, date("2025-04-03"), signature)
        .unwrap();
    c.deposit_savings(&meta_on("C"), org, deposit(1, "25"))
        .unwrap();
    assert_eq!(c.custody(org).unwrap().unwrap().epoch, 2);

    // The lost phone turns up and sends what it wrote meanwhile: kept aside.
    a.deposit_savings(&meta_on("A"), org, deposit(1, "30"))
        .unwrap();
    let a_head = a.chain_head(org).unwrap().0;
    let chunk = a.bundle(org, a_head - 1).unwrap().remove(0);
    assert!(c
        .ingest(&chunk)
        .unwrap_err()
        .to_string()
        .contains("not_writer"));
    assert_eq!(c.set_aside(org).unwrap().len(), 1);
    // Another book restored from C's bundles verifies, recovery included.
    let d = open(&dir, "d.daftar");
    send(&c, &d, org, 0);
    assert_same(&c, &d, org);
    assert!(d.verify(&mut |_, _| true).unwrap().is_intact());
}

#[test]
fn a_retried_chunk_writes_nothing_and_answers_the_same_head() {
    let dir = tempfile::tempdir().unwrap();
    let (a, org) = founded(&dir);
    let b = open(&dir, "b.daftar");
    let chunks = a.bundle(org, 0).unwrap();
    let first = b.ingest(&chunks[0]).unwrap();
    b.close().unwrap();
    let before = snapshot(&dir.path().join("b.daftar"));
    let b = open(&dir, "b.daftar");
    let again = b.ingest(&chunks[0]).unwrap();
    assert_eq!(again.head, first.head);
    assert_eq!(again.applied, 0);
    b.close().unwrap();
    assert_eq!(snapshot(&dir.path().join("b.daftar")), before);
}

/// The device key a book holds, read from its file as a thief of the phone could.
fn stolen_key(path: &std::path::Path) -> DeviceKey {
    let c = rusqlite::Connection::open(path).unwrap();
    let secret: Vec<u8> = c
        .query_row("SELECT secret FROM device_identity", [], |r| r.get(0))
        .unwrap();
    DeviceKey::from_secret(&secret.try_into().unwrap())
}

#[test]
fn a_signed_chunk_whose_events_do_not_apply_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (a, org) = founded(&dir);
    let b = open(&dir, "b.daftar");
    send(&a, &b, org, 0);
    a.deposit_savings(&meta_on("A"), org, deposit(1, "5"))
        .unwrap();
    let good = a.bundle(org, 4).unwrap().remove(0);
    // A withdrawal that would take the member's savings below zero, chained
    // after a good deposit and signed with A's own key: only the books refuse it.
    let forged = good.events[0]
        .replace("savings.deposit", "savings.withdrawal")
        .replace("\"amount\":500", "\"amount\":99999900")
        .replace("\"op_id\":\"0", "\"op_id\":\"f");
    let key = stolen_key(&dir.path().join("a.daftar"));
    let chunk = Chunk::sign(org, good.base, vec![good.events[0].clone(), forged], &key);
    let e = b.ingest(&chunk).unwrap_err();
    assert!(e.to_string().contains("does_not_apply"), "{e}");
    assert!(e.to_string().contains("seq 6"), "{e}");
    // Neither the good deposit before it nor anything else was written.
    assert_eq!(b.chain_head(org).unwrap().0, 4);
    // The good event alone is accepted.
    b.ingest(&good).unwrap();
}

#[test]
fn the_sync_state_keeps_the_acknowledged_head_and_a_push_resends_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let (a, org) = founded(&dir);
    assert_eq!(a.sync_state(org).unwrap().acknowledged, None);
    let first = a.unacknowledged(org).unwrap();
    assert_eq!(first.last().unwrap().head.seq, 4);
    a.acknowledge(org, first.last().unwrap().head, Some("receipt-1"))
        .unwrap();
    assert!(a.unacknowledged(org).unwrap().is_empty());
    a.deposit_savings(&meta_on("A"), org, deposit(1, "5"))
        .unwrap();
    let next = a.unacknowledged(org).unwrap();
    assert_eq!(next[0].base.seq, 4);
    // An older acknowledgement arriving late changes nothing.
    a.acknowledge(org, first[0].head, None).unwrap();
    assert_eq!(a.sync_state(org).unwrap().acknowledged.unwrap().seq, 4);
    // A head this book does not hold is refused.
    let bogus = daftar_sync::Head {
        seq: 5,
        hash: [7; 32],
    };
    assert_eq!(
        a.acknowledge(org, bogus, None).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
}

#[test]
fn a_book_is_one_device_and_an_unclaimed_organisation_cannot_be_bundled() {
    let dir = tempfile::tempdir().unwrap();
    let a = open(&dir, "a.daftar");
    let o = new_org(OrgKind::Shg, "INR");
    let org = o.id;
    a.create_organisation(&meta_on("A"), o).unwrap();
    assert!(a
        .bundle(org, 0)
        .unwrap_err()
        .to_string()
        .contains("no_custody"));
    a.device_identity("A").unwrap();
    assert_eq!(
        a.device_identity("Z").unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    let e = a
        .claim_custody(&meta_on("Z"), org, date("2025-04-01"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    a.claim_custody(&meta_on("A"), org, date("2025-04-01"))
        .unwrap();
    // Claimed once only.
    let e = a
        .claim_custody(&meta_on("A"), org, date("2025-04-01"))
        .unwrap_err();
    assert!(e.to_string().contains("custody"), "{e}");
}

#[test]
fn a_book_refuses_each_bad_chunk_by_its_code_and_stays_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (a, org) = founded(&dir);
    for n in 0..6 {
        a.deposit_savings(&meta_on("A"), org, deposit(1, &format!("{}", n + 1)))
            .unwrap();
    }
    let chunks = a.bundle_sized(org, 0, 600).unwrap();
    assert!(chunks.len() >= 3, "{}", chunks.len());
    let b = open(&dir, "b.daftar");
    b.ingest(&chunks[0]).unwrap();
    let held = b.chain_head(org).unwrap();
    let code = |c: &Chunk| match b.ingest(c) {
        Err(Error::Refused { code, .. }) => code,
        other => panic!("{other:?}"),
    };
    // Chunks in the wrong order: a gap.
    assert_eq!(code(&chunks[2]), "gap");
    // A bit flipped in an event.
    let mut flipped = chunks[1].clone();
    flipped.events[0] = flipped.events[0].replacen("\"amount\":", "\"amount\":9", 1);
    assert_eq!(code(&flipped), "broken_chain");
    // Truncated: an event dropped.
    let mut short = chunks[1].clone();
    short.events.pop();
    assert_eq!(code(&short), "broken_chain");
    // Signed by a key custody never named.
    let forger = DeviceKey::from_secret(&[66; 32]);
    let forged = Chunk::sign(org, chunks[1].base, chunks[1].events.clone(), &forger);
    assert_eq!(code(&forged), "bad_signature");
    // Said to be of another organisation.
    let mut other = chunks[0].clone();
    other.org = Uuid::now_v7();
    assert_eq!(code(&other), "wrong_org");
    assert_eq!(b.chain_head(org).unwrap(), held);
    // An organisation created twice with the same id: a fork at seq 1.
    let c = open(&dir, "c.daftar");
    let twin = NewOrganisation {
        id: org,
        name: "Another SHG".into(),
        ..new_org(OrgKind::Shg, "INR")
    };
    c.create_organisation(&meta_on("C"), twin).unwrap();
    let e = c.ingest(&chunks[0]).unwrap_err();
    assert!(e.to_string().contains("fork at seq 1"), "{e}");
    assert_eq!(c.chain_head(org).unwrap().0, 1);
    // The good chunks, in order, then apply.
    for ch in &chunks[1..] {
        b.ingest(ch).unwrap();
    }
    assert_same(&a, &b, org);
}

#[test]
fn a_signed_chunk_whose_org_created_names_another_organisation_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (a, org) = founded(&dir);
    let good = a.bundle(org, 0).unwrap().remove(0);
    let other = Uuid::now_v7();
    let mut events = good.events.clone();
    events[0] = events[0].replacen(
        &format!("\"id\":\"{org}\""),
        &format!("\"id\":\"{other}\""),
        1,
    );
    assert_ne!(events[0], good.events[0]);
    let key = stolen_key(&dir.path().join("a.daftar"));
    let forged = Chunk::sign(org, good.base, events, &key);
    let b = open(&dir, "b.daftar");
    let e = b.ingest(&forged).unwrap_err();
    assert!(e.to_string().contains("does_not_apply"), "{e}");
    assert!(b.organisations().unwrap().is_empty());
}

#[test]
fn verify_reports_an_event_by_a_device_without_custody_even_when_the_books_agree() {
    let dir = tempfile::tempdir().unwrap();
    let (a, org) = founded(&dir);
    a.close().unwrap();
    let p = dir.path().join("a.daftar");
    // A forger hides custody, writes as another device, and puts custody back:
    // the chain and every projection then agree with each other.
    let c = rusqlite::Connection::open(&p).unwrap();
    let saved: (i64, String, String, i64) = c
        .query_row(
            "SELECT epoch, device, public_key, since_seq FROM custody",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    c.execute("DELETE FROM custody", []).unwrap();
    let book = Book::open(&p).unwrap();
    book.deposit_savings(&meta_on("Z"), org, deposit(1, "1"))
        .unwrap();
    book.close().unwrap();
    c.execute(
        "INSERT INTO custody (org_id, epoch, device, public_key, since_seq) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![org.to_string(), saved.0, saved.1, saved.2, saved.3],
    )
    .unwrap();
    let report = Book::open(&p).unwrap().verify(&mut |_, _| true).unwrap();
    assert!(!report.is_intact());
    let text = format!("{report:?}");
    assert!(text.contains("custody: not the writer: seq 5"), "{text}");
}

#[test]
fn a_command_retried_on_the_phone_the_book_was_handed_to_answers_as_the_first_did() {
    let dir = tempfile::tempdir().unwrap();
    let (a, org) = founded(&dir);
    // A records a deposit, then hands the book to B; the app on B (or a
    // support person) retries the same command with the same op_id.
    let on_a = meta_on("A");
    let first = a.deposit_savings(&on_a, org, deposit(1, "25")).unwrap();
    let b = open(&dir, "b.daftar");
    let b_id = b.device_identity("B").unwrap();
    a.hand_over(&meta_on("A"), org, date("2025-04-02"), "B", b_id.public_key)
        .unwrap();
    send(&a, &b, org, 0);
    let head = b.chain_head(org).unwrap();
    let retry = CommandMeta {
        device: "B".into(),
        ..on_a.clone()
    };
    let again = b.deposit_savings(&retry, org, deposit(1, "25")).unwrap();
    assert!(again.replayed);
    assert_eq!((again.seq, again.hash), (first.seq, first.hash));
    assert_eq!(b.chain_head(org).unwrap(), head);
    // The same op_id for a different command is still a conflict.
    let e = b
        .deposit_savings(&retry, org, deposit(1, "26"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
    assert_eq!(b.chain_head(org).unwrap(), head);
}
