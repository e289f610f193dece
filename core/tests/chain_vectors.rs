//! The published chain format's test vectors (tests/vectors/chain-v1.json): a
//! small book's events as canonical bytes with their hashes. The file is the
//! contract: this test fails if the library would write different bytes.
//! Regenerate it deliberately with DAFTAR_WRITE_VECTORS=1 (and bump the version
//! in docs/chain-format.md if any existing kind's bytes change).

mod common;

use common::*;
use daftar_core::event::{chain_hash, hex, Event, DOMAIN_TAG, GENESIS};
use daftar_core::lending::{LoanRequest, Repayment};
use daftar_core::loan::{Frequency, Method, RatePeriod};
use daftar_core::policy::{ActorRole, Policy};
use daftar_core::*;
use serde_json::{json, Value};
use uuid::Uuid;

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/vectors/chain-v1.json"
);

fn m(n: u128, actor: &str) -> CommandMeta {
    CommandMeta {
        op_id: Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000 + n),
        actor: actor.into(),
        device: "vector-phone".into(),
        recorded_at: Some(format!("2025-04-{:02}T10:{:02}:00Z", 1 + n / 50, n % 50)),
    }
}

/// A small book touching most event kinds, fully determined by its inputs.
fn build(book: &Book) -> Uuid {
    let org = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001);
    let o = NewOrganisation {
        id: org,
        opened_on: date("2025-04-01"),
        ..new_org(OrgKind::Shg, "INR")
    };
    book.create_organisation(&m(1, "asha"), o).unwrap();
    book.set_policy(
        &m(2, "asha"),
        org,
        date("2025-04-01"),
        Policy {
            compulsory_savings: 5000,
            ..Policy::default()
        },
    )
    .unwrap();
    book.set_role(
        &m(3, "asha"),
        org,
        date("2025-04-01"),
        "cc-meena",
        ActorRole::Approver,
    )
    .unwrap();
    book.add_member(
        &m(4, "asha"),
        org,
        NewMember {
            phone: Some("+91 98765 43210".into()),
            ..member("सीता देवी")
        },
    )
    .unwrap();
    book.add_member(&m(5, "asha"), org, member("علي \"رضا\" كريمي"))
        .unwrap();
    let mo = book
        .open_meeting(&m(6, "asha"), org, date("2025-04-07"))
        .unwrap()
        .number
        .unwrap();
    book.mark_attendance(&m(7, "asha"), org, mo, 1, true)
        .unwrap();
    book.mark_attendance(&m(8, "asha"), org, mo, 2, false)
        .unwrap();
    book.deposit_savings(
        &m(9, "asha"),
        org,
        SavingsEntry {
            date: date("2025-04-07"),
            ..deposit(1, "1000")
        },
    )
    .unwrap();
    book.deposit_savings(
        &m(10, "asha"),
        org,
        SavingsEntry {
            date: date("2025-04-07"),
            fund: event::SavingsFund::Voluntary,
            ..deposit(1, "25.50")
        },
    )
    .unwrap();
    let req = LoanRequest {
        principal: dec("600"),
        rate: dec("24"),
        rate_period: RatePeriod::Year,
        term: 3,
        frequency: Frequency::Monthly,
        method: Method::Reducing,
    };
    let l = book
        .apply_for_loan(&m(11, "asha"), org, 1, date("2025-04-07"), req)
        .unwrap()
        .number
        .unwrap();
    book.approve_loan(&m(12, "asha"), org, l, mo).unwrap();
    book.disburse_loan(&m(13, "asha"), org, l, date("2025-04-07"), Via::Cash)
        .unwrap();
    book.close_meeting(&m(14, "asha"), org, mo, dec("425.50"), None)
        .unwrap();
    let pay = book
        .repay_loan(
            &m(15, "asha"),
            org,
            l,
            Repayment {
                date: date("2025-05-07"),
                via: Via::Cash,
                amount: dec("212"),
            },
        )
        .unwrap();
    book.record_payment(
        &m(16, "asha"),
        org,
        Voucher {
            date: date("2025-05-07"),
            narration: "रजिस्टर \\ pen/पेन".into(),
            ..voucher(Via::Cash, "5200", "40")
        },
    )
    .unwrap();
    book.reverse_entry(
        &m(17, "asha"),
        org,
        pay.seq,
        date("2025-05-08"),
        "counted twice",
    )
    .unwrap();
    org
}

fn current_vectors() -> Value {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.daftar");
    let book = Book::open(&p).unwrap();
    let org = build(&book);
    drop(book);
    let c = rusqlite::Connection::open(&p).unwrap();
    let mut st = c.prepare("SELECT seq, kind, prev_hash, hash, canonical FROM events WHERE org_id = ?1 ORDER BY seq").unwrap();
    let events: Vec<Value> = st
        .query_map([org.to_string()], |r| {
            Ok(json!({
                "seq": r.get::<_, i64>(0)?,
                "kind": r.get::<_, String>(1)?,
                "prev_hash": hex(&r.get::<_, Vec<u8>>(2)?),
                "hash": hex(&r.get::<_, Vec<u8>>(3)?),
                "canonical_hex": hex(&r.get::<_, Vec<u8>>(4)?),
            }))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    json!({
        "format": "daftar event chain, version 1 (docs/chain-format.md)",
        "domain_tag_hex": hex(DOMAIN_TAG),
        "org": org.to_string(),
        "events": events,
    })
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn the_library_writes_exactly_the_published_vectors() {
    let now = current_vectors();
    if std::env::var_os("DAFTAR_WRITE_VECTORS").is_some() {
        std::fs::write(VECTORS, serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
    }
    let published: Value =
        serde_json::from_str(&std::fs::read_to_string(VECTORS).unwrap()).unwrap();
    assert_eq!(
        now, published,
        "the canonical bytes changed: see the header of this test"
    );
}

#[test]
fn the_published_vectors_verify_by_the_documented_rule() {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(VECTORS).unwrap()).unwrap();
    assert_eq!(unhex(v["domain_tag_hex"].as_str().unwrap()), DOMAIN_TAG);
    let mut prev = GENESIS;
    let events = v["events"].as_array().unwrap();
    assert!(events.len() >= 15);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["seq"].as_u64().unwrap(), i as u64 + 1);
        assert_eq!(unhex(e["prev_hash"].as_str().unwrap()), prev);
        let bytes = unhex(e["canonical_hex"].as_str().unwrap());
        let h = chain_hash(&prev, i as u64 + 1, &bytes);
        assert_eq!(hex(&h), e["hash"].as_str().unwrap());
        // The bytes decode, and re-encode to themselves.
        let ev = Event::from_canonical_bytes(&bytes).unwrap();
        assert_eq!(ev.canonical_bytes().unwrap(), bytes);
        assert_eq!(ev.body.kind(), e["kind"].as_str().unwrap());
        prev = h;
    }
}
