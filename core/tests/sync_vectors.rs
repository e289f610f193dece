//! The published sync vectors (tests/vectors/sync-v1.json): the chain
//! vectors' organisation carried on with custody claimed, handed over and
//! written by the new device, as a bundle of three signed chunks, with chunks
//! a receiver must refuse and the code it refuses them with. The file is the
//! contract, like the chain vectors: this test fails if the library would
//! make other bytes or judge any case otherwise. Regenerate it deliberately
//! with DAFTAR_WRITE_VECTORS=1.

mod common;

use common::*;
use daftar_core::event::{Event, EventBody};
use daftar_core::exchange::Chunk;
use daftar_core::*;
use daftar_sync::custody::CustodyGrant;
use daftar_sync::model::ModelServer;
use daftar_sync::{chain_hash, hex, DeviceKey, Head};
use serde_json::{json, Value};
use uuid::Uuid;

const CHAIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/vectors/chain-v1.json"
);
const SYNC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/sync-v1.json");

/// Fixed keys: the vectors are deterministic (Ed25519 signatures are).
fn key(n: u8) -> DeviceKey {
    DeviceKey::from_secret(&[n; 32])
}

fn event(org: Uuid, n: u128, device: &str, body: EventBody) -> String {
    let e = Event {
        org,
        op_id: Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_5000 + n),
        actor: "asha".into(),
        device: device.into(),
        recorded_at: "2025-05-01T10:00:00Z".into(),
        date: date("2025-05-01"),
        body,
        // The sync vectors extend the version 1 chain of chain-v1.json: a
        // book written before version 2 still syncs.
        command: None,
    };
    String::from_utf8(e.canonical_bytes().unwrap()).unwrap()
}

fn receipt(amount: i64) -> EventBody {
    EventBody::Receipt {
        via: "1100".into(),
        account: "4900".into(),
        amount,
        narration: "vector".into(),
    }
}

fn head_after(events: &[String], upto: usize) -> Head {
    let mut h = Head::EMPTY;
    for e in &events[..upto] {
        h.seq += 1;
        h.hash = chain_hash(&h.hash, h.seq, e.as_bytes());
    }
    h
}

fn chunk(org: Uuid, events: &[String], from: usize, to: usize, k: &DeviceKey) -> Chunk {
    Chunk::sign(org, head_after(events, from), events[from..to].to_vec(), k)
}

fn vectors() -> Value {
    let chain: Value = serde_json::from_str(&std::fs::read_to_string(CHAIN).unwrap()).unwrap();
    let org: Uuid = chain["org"].as_str().unwrap().parse().unwrap();
    let mut events: Vec<String> = chain["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| String::from_utf8(unhex(e["canonical_hex"].as_str().unwrap())).unwrap())
        .collect();
    let n0 = events.len();
    let (k1, k2, forger) = (key(1), key(2), key(3));
    let grant = |device: &str, k: &DeviceKey, epoch| CustodyGrant {
        device: device.into(),
        key: k.public(),
        epoch,
    };
    events.push(event(
        org,
        1,
        "vector-phone",
        EventBody::CustodyClaimed(grant("vector-phone", &k1, 1)),
    ));
    events.push(event(org, 2, "vector-phone", receipt(5000)));
    events.push(event(
        org,
        3,
        "vector-phone",
        EventBody::CustodyTransferred(grant("vector-phone-2", &k2, 2)),
    ));
    events.push(event(org, 4, "vector-phone-2", receipt(7000)));
    // Phone 2 names an administrator's recovery key; phone 2 is lost, and
    // phone 3 takes custody with the administrator's signature.
    let (k3, admin) = (key(4), key(9));
    let mut policy: daftar_core::policy::Policy = chain["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "org.policy")
        .map(|e| {
            let text = String::from_utf8(unhex(e["canonical_hex"].as_str().unwrap())).unwrap();
            let v: Value = serde_json::from_str(&text).unwrap();
            serde_json::from_value(v["body"].clone()).unwrap()
        })
        .unwrap();
    policy.recovery_key = Some(admin.public());
    events.push(event(
        org,
        7,
        "vector-phone-2",
        EventBody::PolicySet(policy),
    ));
    let recovery = daftar_sync::Recovery {
        device: "vector-phone-3".into(),
        key: k3.public(),
        epoch: 3,
        signature: admin.sign(&daftar_sync::signing::recovery_message(
            &org,
            3,
            &k3.public(),
            "vector-phone-3",
        )),
    };
    events.push(event(
        org,
        8,
        "vector-phone-3",
        EventBody::CustodyRecovered(recovery),
    ));
    events.push(event(org, 9, "vector-phone-3", receipt(3000)));
    let n = events.len();
    let bundle = [
        chunk(org, &events, 0, n0 + 1, &k1),
        chunk(org, &events, n0 + 1, n0 + 3, &k1),
        chunk(org, &events, n0 + 3, n0 + 5, &k2),
        chunk(org, &events, n0 + 5, n, &k3),
    ];
    let mut refused = Vec::new();
    let mut case = |why: &str, after: usize, c: Chunk, code: &str| {
        refused.push(json!({"why": why, "after": after, "chunk": c, "code": code}));
    };
    let mut flipped = bundle[1].clone();
    flipped.events[0] = flipped.events[0].replace("5000", "5001");
    case(
        "a digit of an amount changed in transit",
        1,
        flipped,
        "broken_chain",
    );
    case("the chunks out of order", 1, bundle[2].clone(), "gap");
    let mut other = bundle[0].clone();
    other.org = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_9999);
    case("said to be of another organisation", 0, other, "wrong_org");
    case(
        "signed by a key custody never named",
        2,
        chunk(org, &events, n0 + 3, n0 + 5, &forger),
        "bad_signature",
    );
    case(
        "signed by the old holder after the hand-over",
        2,
        chunk(org, &events, n0 + 3, n0 + 5, &k1),
        "bad_signature",
    );
    let mut forged = events[..n0 + 5].to_vec();
    let bad = daftar_sync::Recovery {
        device: "vector-phone-3".into(),
        key: k3.public(),
        epoch: 3,
        signature: forger.sign(&daftar_sync::signing::recovery_message(
            &org,
            3,
            &k3.public(),
            "vector-phone-3",
        )),
    };
    forged.push(event(
        org,
        8,
        "vector-phone-3",
        EventBody::CustodyRecovered(bad),
    ));
    case(
        "a recovery not signed by the policy's recovery key",
        3,
        chunk(org, &forged, n0 + 5, n0 + 6, &k3),
        "custody",
    );
    let mut late = events[..n0 + 3].to_vec();
    late.push(event(org, 5, "vector-phone", receipt(100)));
    case(
        "written by the old holder after the hand-over",
        2,
        chunk(org, &late, n0 + 3, n0 + 4, &k1),
        "not_writer",
    );
    let mut fork = events[..n0 + 1].to_vec();
    fork.push(event(org, 6, "vector-phone", receipt(9000)));
    case(
        "another event where the receiver holds one",
        3,
        chunk(org, &fork, n0 + 1, n0 + 2, &k1),
        "fork",
    );
    case(
        "history before custody was claimed, which nobody can sign",
        0,
        chunk(org, &events, 0, n0, &k1),
        "no_custody",
    );
    let k1_head = head_after(&events, n0 + 1);
    json!({
        "format": "daftar sync vectors v1",
        "org": org.to_string(),
        "keys": {
            "vector-phone": {"secret_hex": hex(&k1.secret()), "public": k1.public().to_string()},
            "vector-phone-2": {"secret_hex": hex(&k2.secret()), "public": k2.public().to_string()},
            "vector-phone-3": {"secret_hex": hex(&k3.secret()), "public": k3.public().to_string()},
            "administrator": {"secret_hex": hex(&admin.secret()), "public": admin.public().to_string()},
        },
        "head_message_hex_of_first_chunk": hex(&daftar_sync::signing::head_message(&org, &k1_head)),
        "bundle": bundle,
        "final_head": head_after(&events, n),
        "refused": refused,
    })
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn the_published_sync_vectors_are_what_the_library_makes() {
    let now = vectors();
    if std::env::var_os("DAFTAR_WRITE_VECTORS").is_some() {
        std::fs::write(SYNC, serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
    }
    let published: Value = serde_json::from_str(&std::fs::read_to_string(SYNC).unwrap()).unwrap();
    assert_eq!(
        now, published,
        "the sync vectors changed: see the header of this test"
    );
}

fn chunks_of(v: &Value) -> Vec<Chunk> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| Chunk::parse(c.to_string().as_bytes()).unwrap())
        .collect()
}

#[test]
fn the_vectors_bundle_builds_a_book_that_verifies_and_each_refused_case_is_refused_by_its_code() {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(SYNC).unwrap()).unwrap();
    let bundle = chunks_of(&v["bundle"]);
    let dir = tempfile::tempdir().unwrap();
    let book = Book::open(dir.path().join("v.daftar")).unwrap();
    for c in &bundle {
        book.ingest(c).unwrap();
    }
    let org: Uuid = v["org"].as_str().unwrap().parse().unwrap();
    let (seq, hash) = book.chain_head(org).unwrap();
    assert_eq!(json!({"seq": seq, "hash": hex(&hash)}), v["final_head"]);
    assert!(book.verify(&mut |_, _| true).unwrap().is_intact());
    assert_eq!(book.custody(org).unwrap().unwrap().device, "vector-phone-3");
    for case in v["refused"].as_array().unwrap() {
        let after = case["after"].as_u64().unwrap() as usize;
        let bad = Chunk::parse(case["chunk"].to_string().as_bytes()).unwrap();
        let code = case["code"].as_str().unwrap();
        // By the model receiver, and by a real book.
        let mut server = ModelServer::default();
        for c in &bundle[..after] {
            server.receive(c).unwrap();
        }
        assert_eq!(
            server.receive(&bad).unwrap_err().code(),
            code,
            "{}",
            case["why"]
        );
        let b = Book::open(dir.path().join(format!("r{after}{code}.daftar"))).unwrap();
        for c in &bundle[..after] {
            b.ingest(c).unwrap();
        }
        match b.ingest(&bad) {
            Err(Error::Refused { code: got, .. }) => assert_eq!(got, code, "{}", case["why"]),
            other => panic!("{}: {other:?}", case["why"]),
        }
    }
}
