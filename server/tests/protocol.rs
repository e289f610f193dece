//! The sync protocol over HTTP against the real server and a real
//! PostgreSQL: pushes, retries, every refusal with its status and code, pulls
//! that restore a book, receipts, and who may do what.

mod support;

use daftar_core::CommandMeta;
use daftar_sync::api::{Receipt, ServerInfo};
use daftar_sync::{DeviceKey, Head};
use support::*;

fn server_key(url: &str) -> daftar_sync::PublicKey {
    let (status, info) = call(url, "GET", "/v1/server", b"", As::Nobody);
    assert_eq!(status, 200);
    serde_json::from_value::<ServerInfo>(info).unwrap().key
}

#[test]
fn a_push_is_stored_with_a_signed_receipt_and_its_retry_is_answered_the_same_writing_nothing() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db, dir.path(), &[]);
    let (book, org) = phone(dir.path(), "phone-a", 1, 6);
    claim(&book, org);
    register(&server.url, &book);
    let chunks = book.unacknowledged(org).unwrap();
    assert_eq!(chunks.len(), 1);
    let (status, first) = push(&server.url, &book, &chunks[0]);
    assert_eq!(status, 200, "{first}");
    let receipt: Receipt = serde_json::from_value(first.clone()).unwrap();
    assert_eq!(receipt.head, chunks[0].head);
    assert!(receipt.verifies_with(&server_key(&server.url)));
    let stored = sql(
        &db,
        &format!("SELECT count(*) FROM events WHERE org_id = '{org}'"),
    );
    assert_eq!(stored, vec![chunks[0].head.seq.to_string()]);

    let (status, again) = push(&server.url, &book, &chunks[0]);
    assert_eq!(status, 200);
    assert_eq!(again, first, "a retry gets the first answer");
    assert_eq!(
        sql(
            &db,
            &format!("SELECT count(*) FROM events WHERE org_id = '{org}'")
        ),
        stored
    );
    // The head answer carries custody and the same receipt.
    let (status, head) = call(
        &server.url,
        "GET",
        &format!("/v1/orgs/{org}/head"),
        b"",
        As::Device(&book),
    );
    assert_eq!(status, 200);
    assert_eq!(head["receipt"], first);
    assert_eq!(head["custody"]["device"], "phone-a");
}

#[test]
fn forks_gaps_bad_signatures_and_late_writes_are_refused_with_their_codes_and_kept_aside() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db, dir.path(), &[]);
    let (a, org) = phone(dir.path(), "phone-a", 2, 6);
    claim(&a, org);
    register(&server.url, &a);
    push_all(&server.url, &a, org);
    let held = a.chain_head(org).unwrap().0;

    // A copy of the book, taken before the push, writes its own next event: a fork.
    let copy_path = dir.path().join("copy.daftar");
    std::fs::copy(a.path(), &copy_path).unwrap();
    let wal = |p: &std::path::Path| std::path::PathBuf::from(format!("{}-wal", p.display()));
    if wal(a.path()).exists() {
        std::fs::copy(wal(a.path()), wal(&copy_path)).unwrap();
    }
    let copy = daftar_core::Book::open(&copy_path).unwrap();
    let day = a.last_business_date(org).unwrap();
    let m = a.members(org).unwrap()[0].member_no;
    let deposit = |book: &daftar_core::Book| {
        book.deposit_savings(&meta(book), org, voluntary(day, m, 1000))
            .unwrap();
    };
    deposit(&a);
    deposit(&copy);
    push_all(&server.url, &a, org);
    let fork = copy.bundle(org, held).unwrap();
    let (status, answer) = push(&server.url, &copy, &fork[0]);
    assert_eq!(
        (status, answer["code"].as_str()),
        (409, Some("fork")),
        "{answer}"
    );
    assert_eq!(answer["details"]["seq"], held + 1);
    let aside = sql(
        &db,
        &format!("SELECT code FROM set_aside WHERE org_id = '{org}'"),
    );
    assert_eq!(aside, vec!["fork".to_string()]);

    // A chunk that starts past the server's head: a gap naming the head.
    deposit(&a);
    deposit(&a);
    let head_now = a.chain_head(org).unwrap().0;
    let ahead = a.bundle(org, head_now - 1).unwrap();
    let (status, answer) = push(&server.url, &a, &ahead[0]);
    assert_eq!(
        (status, answer["code"].as_str()),
        (409, Some("gap")),
        "{answer}"
    );
    assert_eq!(answer["details"]["head"]["seq"], held + 1);

    // The same chunk signed by another key: a forgery.
    let mut forged = a.bundle(org, held + 1).unwrap().remove(0);
    let thief = DeviceKey::generate().unwrap();
    forged.signature = thief.sign_head(&org, &forged.head);
    let (status, answer) = push(&server.url, &a, &forged);
    assert_eq!(
        (status, answer["code"].as_str()),
        (403, Some("bad_signature")),
        "{answer}"
    );

    // Every refusal is logged with who and what.
    let logged = sql(
        &db,
        "SELECT code || ' ' || action || ' ' || who FROM refusals ORDER BY id",
    );
    assert_eq!(logged.len(), 3, "{logged:?}");
    assert!(
        logged[0].starts_with("fork push device \"phone-a\""),
        "{logged:?}"
    );
    assert!(logged[1].starts_with("gap push"), "{logged:?}");
    assert!(logged[2].starts_with("bad_signature push"), "{logged:?}");
    // Nothing refused was stored.
    assert_eq!(
        sql(
            &db,
            &format!("SELECT max(seq) FROM events WHERE org_id = '{org}'")
        ),
        vec![(held + 1).to_string()]
    );
}

#[test]
fn a_device_without_custody_unsigned_or_stale_requests_and_oversized_chunks_are_refused() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db, dir.path(), &[]);
    let (a, org) = phone(dir.path(), "phone-a", 3, 4);
    claim(&a, org);
    register(&server.url, &a);
    let chunk = a.unacknowledged(org).unwrap().remove(0);

    // Another registered device relays the custodian's chunk: it holds no custody.
    let (b, _) = phone(dir.path(), "phone-b", 4, 1);
    register(&server.url, &b);
    let (status, answer) = push(&server.url, &b, &chunk);
    assert_eq!(
        (status, answer["code"].as_str()),
        (403, Some("forbidden")),
        "{answer}"
    );

    let path = format!("/v1/orgs/{org}/chunks");
    let body = chunk.to_line();
    let (status, answer) = call(&server.url, "POST", &path, body.as_bytes(), As::Nobody);
    assert_eq!(
        (status, answer["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    let (status, _) = call(
        &server.url,
        "POST",
        &path,
        body.as_bytes(),
        As::DeviceAt(&a, now() - 3600),
    );
    assert_eq!(status, 401, "an hour-old signature is a replay");
    // A signature over other bytes than those sent.
    let auth = sign(&a, "POST", &path, now(), b"{}");
    let answer = agent()
        .post(format!("{}{path}", server.url))
        .header(daftar_sync::api::AUTH_HEADER, &auth)
        .send(body.as_bytes())
        .unwrap();
    assert_eq!(answer.status().as_u16(), 401);
    // An unregistered device.
    let (c, _) = phone(dir.path(), "phone-c", 5, 1);
    let (status, answer) = call(
        &server.url,
        "GET",
        &format!("/v1/orgs/{org}/head"),
        b"",
        As::Device(&c),
    );
    assert_eq!(status, 401, "{answer}");

    let huge = vec![b' '; 17 << 20];
    let (status, answer) = call(&server.url, "POST", &path, &huge, As::Device(&a));
    assert_eq!(
        (status, answer["code"].as_str()),
        (413, Some("too_large")),
        "{answer}"
    );
    let (status, answer) = call(
        &server.url,
        "POST",
        &path,
        b"{\"format\":1}",
        As::Device(&a),
    );
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("malformed")),
        "{answer}"
    );
    // Pushed to another organisation's address.
    let other = format!("/v1/orgs/{}/chunks", uuid::Uuid::now_v7());
    let (status, _) = call(&server.url, "POST", &other, body.as_bytes(), As::Device(&a));
    assert_eq!(status, 400);
    assert_eq!(
        sql(&db, "SELECT count(*) FROM events"),
        vec!["0".to_string()]
    );
    assert_eq!(
        sql(&db, "SELECT count(*) FROM chains"),
        vec!["0".to_string()]
    );
}

#[test]
fn restoring_from_the_server_onto_an_empty_book_gives_the_same_head_and_verifies() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db, dir.path(), &[]);
    let (a, org) = phone(dir.path(), "phone-a", 6, 30);
    claim(&a, org);
    register(&server.url, &a);
    // Small chunks, so the pull crosses several signed heads.
    for chunk in a.bundle_sized(org, 0, 16 << 10).unwrap() {
        let (status, answer) = push(&server.url, &a, &chunk);
        assert_eq!(status, 200, "{answer}");
    }
    let fresh = daftar_core::Book::open(dir.path().join("new-phone.daftar")).unwrap();
    fresh.device_identity("new-phone").unwrap();
    register(&server.url, &fresh);
    // Not the custodian, not granted: refused.
    let (status, _) = call(
        &server.url,
        "GET",
        &format!("/v1/orgs/{org}/events?after=0"),
        b"",
        As::Device(&fresh),
    );
    assert_eq!(status, 403);
    let key = fresh.device().unwrap().unwrap().public_key.to_string();
    admin(&db, &["grant", "--org", &org.to_string(), "--device", &key]);
    let applied = pull_all(&server.url, &fresh, org, &fresh);
    assert_eq!(applied, a.chain_head(org).unwrap().0);
    assert_eq!(fresh.chain_head(org).unwrap(), a.chain_head(org).unwrap());
    assert!(fresh.projection_differences(&a, org).unwrap().is_empty());
    assert!(fresh.verify(&mut |_, _| true).unwrap().is_intact());
    // Pulling again brings nothing.
    assert_eq!(pull_all(&server.url, &fresh, org, &fresh), 0);
}

#[test]
fn a_hand_over_moves_who_may_push_and_read_to_the_new_phone() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db, dir.path(), &[]);
    let (a, org) = phone(dir.path(), "phone-a", 7, 4);
    claim(&a, org);
    register(&server.url, &a);
    push_all(&server.url, &a, org);
    let b = daftar_core::Book::open(dir.path().join("phone-b.daftar")).unwrap();
    let b_id = b.device_identity("phone-b").unwrap();
    register(&server.url, &b);
    let day = a.last_business_date(org).unwrap();
    // A hand-over is the group's approver's to make.
    let approver = CommandMeta {
        actor: daftar_core::demo::DEMO_APPROVER.into(),
        ..meta(&a)
    }
    .with_pin(daftar_core::demo::DEMO_APPROVER_PIN);
    a.hand_over(&approver, org, day, &b_id.device, b_id.public_key)
        .unwrap();
    push_all(&server.url, &a, org);
    // B now holds custody on the server, and may read the chain.
    pull_all(&server.url, &b, org, &b);
    assert_eq!(b.chain_head(org).unwrap(), a.chain_head(org).unwrap());
    let (_, head) = call(
        &server.url,
        "GET",
        &format!("/v1/orgs/{org}/head"),
        b"",
        As::Device(&b),
    );
    assert_eq!(head["custody"]["device"], "phone-b");
    // A can no longer read it.
    let (status, _) = call(
        &server.url,
        "GET",
        &format!("/v1/orgs/{org}/head"),
        b"",
        As::Device(&a),
    );
    assert_eq!(status, 403);
    // B writes and pushes.
    let m = b.members(org).unwrap()[0].member_no;
    b.deposit_savings(&meta(&b), org, voluntary(day, m, 500))
        .unwrap();
    let receipts = push_all(&server.url, &b, org);
    let (seq, hash) = b.chain_head(org).unwrap();
    assert_eq!(receipts.last().unwrap().head, Head { seq, hash });
}

#[test]
fn a_new_holder_pushes_the_old_phones_history_it_never_synced_joined_up_to_its_custody() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db, dir.path(), &[]);
    // Phone A keeps a book for weeks and never reaches the server.
    let (a, org) = phone(dir.path(), "phone-a", 21, 10);
    claim(&a, org);
    let day = a.last_business_date(org).unwrap();
    let m = a.members(org).unwrap()[0].member_no;
    for i in 1..=30 {
        a.deposit_savings(&meta(&a), org, voluntary(day, m, 100 * i))
            .unwrap();
    }
    let b = daftar_core::Book::open(dir.path().join("phone-b.daftar")).unwrap();
    let b_id = b.device_identity("phone-b").unwrap();
    let approver = CommandMeta {
        actor: daftar_core::demo::DEMO_APPROVER.into(),
        ..meta(&a)
    }
    .with_pin(daftar_core::demo::DEMO_APPROVER_PIN);
    a.hand_over(&approver, org, day, &b_id.device, b_id.public_key)
        .unwrap();
    // The hand-over reaches B as many small chunks, each signed by A.
    let handed = a.bundle_sized(org, 0, 2_000).unwrap();
    assert!(handed.len() > 3, "{} chunks", handed.len());
    for c in &handed {
        b.ingest(c).unwrap();
    }
    // B writes after the hand-over.
    let m = b.members(org).unwrap()[0].member_no;
    b.deposit_savings(&meta(&b), org, voluntary(day, m, 500))
        .unwrap();
    // A chunk of A's that ends before B's custody is not B's to push alone.
    register(&server.url, &b);
    let (status, refusal) = push(&server.url, &b, &handed[0]);
    assert_eq!((status, refusal["code"].as_str()), (403, Some("forbidden")));
    // B's sync, in small chunks too, joins A's up to the hand-over.
    let options = daftar_core::exchange::SyncOptions {
        chunk_bytes: 2_000,
        ..Default::default()
    };
    let report = b
        .sync_with_server(&Http(server.url.clone()), &options, &mut |_, _| true)
        .unwrap();
    let done = &report.orgs[0];
    assert_eq!(done.refused, None);
    let (seq, hash) = b.chain_head(org).unwrap();
    assert_eq!(done.server_head, Head { seq, hash });
    assert_eq!(done.events_pushed, seq);
    // A's history goes joined to B's first chunk, which ends at B's own head.
    assert_eq!(done.chunks_pushed, 1);
    assert_eq!(
        b.sync_state(org).unwrap().acknowledged,
        Some(Head { seq, hash })
    );
    let (status, _) = call(
        &server.url,
        "GET",
        &format!("/v1/orgs/{org}/head"),
        b"",
        As::Device(&b),
    );
    assert_eq!(status, 200);
    assert!(a.chain_head(org).unwrap().0 < seq);
}

#[test]
fn a_federation_user_reads_only_their_subtree_and_a_device_reads_no_rollup() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let vo1 = admin(
        &db,
        &[
            "node", "add", "--kind", "vo", "--name", "VO one", "--code", "VO-1",
        ],
    );
    admin(
        &db,
        &[
            "node", "add", "--kind", "vo", "--name", "VO two", "--code", "VO-2",
        ],
    );
    let server = Server::start(&db, dir.path(), &["--new-orgs-under", "VO-1"]);
    let (a, org) = phone(dir.path(), "phone-a", 8, 10);
    claim(&a, org);
    register(&server.url, &a);
    push_all(&server.url, &a, org);
    let staff_one = admin(&db, &["user", "--name", "vo1-staff", "--node", "VO-1"]);
    let staff_two = admin(&db, &["user", "--name", "vo2-staff", "--node", "VO-2"]);
    let month = a
        .last_business_date(org)
        .unwrap()
        .format("%Y-%m")
        .to_string();
    let path = format!("/v1/nodes/{vo1}/rollup?month={month}");
    let (status, rollup) = call(&server.url, "GET", &path, b"", As::Token(&staff_one));
    assert_eq!(status, 200, "{rollup}");
    assert_eq!(rollup["organisations"][0]["org"], org.to_string());
    let (status, _) = call(&server.url, "GET", &path, b"", As::Token(&staff_two));
    assert_eq!(status, 403);
    let (status, _) = call(
        &server.url,
        "GET",
        &format!("/v1/orgs/{org}/events?after=0"),
        b"",
        As::Token(&staff_two),
    );
    assert_eq!(status, 403);
    let (status, _) = call(
        &server.url,
        "GET",
        &format!("/v1/orgs/{org}/events?after=0"),
        b"",
        As::Token(&staff_one),
    );
    assert_eq!(status, 200);
    let (status, _) = call(&server.url, "GET", &path, b"", As::Device(&a));
    assert_eq!(status, 403);
    let (status, _) = call(&server.url, "GET", &path, b"", As::Token("not-a-token"));
    assert_eq!(status, 401);
}

#[test]
fn the_servers_verify_finds_a_changed_event_a_dropped_signature_and_a_moved_head() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db, dir.path(), &[]);
    let (a, org) = phone(dir.path(), "phone-a", 9, 4);
    claim(&a, org);
    register(&server.url, &a);
    for chunk in a.bundle_sized(org, 0, 4 << 10).unwrap() {
        assert_eq!(push(&server.url, &a, &chunk).0, 200);
    }
    let verify = |expect_ok: bool| {
        let out = std::process::Command::new(SERVER)
            .args(["--database", &db, "verify"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(if expect_ok { 0 } else { 3 }));
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(verify(true).contains("1 chains, 0 not intact"));
    // The events table refuses changes; an insider with the triggers off does not.
    let tampered = sql(
        &db,
        &format!(
            "ALTER TABLE events DISABLE TRIGGER ALL;
             UPDATE events SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), '\"amount\":', '\"amount\":1'), 'UTF8')
              WHERE org_id = '{org}' AND seq = (SELECT min(seq) FROM events WHERE org_id = '{org}' AND kind = 'savings.deposit')
              RETURNING seq"
        ),
    );
    assert_eq!(tampered.len(), 1);
    let report = verify(false);
    assert!(
        report.contains(&format!(
            "seq {}: the stored hash is not the chain's",
            tampered[0]
        )),
        "{report}"
    );
    sql(&db, "ALTER TABLE events ENABLE TRIGGER ALL");
    sql(&db, &format!("DELETE FROM signed_heads WHERE org_id = '{org}' AND seq = (SELECT max(seq) FROM signed_heads)"));
    let report = verify(false);
    assert!(
        report.contains("no writer's signature is kept for the head"),
        "{report}"
    );
    sql(
        &db,
        &format!("UPDATE chains SET head_seq = head_seq - 1 WHERE org_id = '{org}'"),
    );
    let report = verify(false);
    assert!(report.contains("but its head is recorded as"), "{report}");
    // The refusal of changes holds while the trigger is on.
    let refused = std::process::Command::new("psql")
        .args([
            &db,
            "-c",
            &format!("DELETE FROM events WHERE org_id = '{org}'"),
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("append-only"));
}
