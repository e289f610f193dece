//! The protocol's rules, each pinned on hand-made chains: what a receiver
//! accepts, what it answers a retry, and each refusal with its code.

use daftar_sync::chunk::check;
use daftar_sync::jcs::canonical_json;
use daftar_sync::model::ModelServer;
use daftar_sync::{Chunk, DeviceKey, Head};
use serde_json::{json, Value};
use uuid::Uuid;

const ORG: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001);

fn event(org: Uuid, device: &str, kind: &str, body: Value, n: u64) -> String {
    let v = json!({"v": 1, "org": org.to_string(), "op_id": Uuid::from_u128(n as u128).to_string(),
        "actor": "asha", "device": device, "recorded_at": "2025-04-01T10:00:00Z",
        "date": "2025-04-01", "kind": kind, "body": body});
    String::from_utf8(canonical_json(&v).unwrap()).unwrap()
}

/// A phone's chain: its events and the key that signs them.
struct Phone {
    org: Uuid,
    device: String,
    key: DeviceKey,
    events: Vec<String>,
}

impl Phone {
    fn new(org: Uuid, device: &str, secret: u8) -> Phone {
        Phone {
            org,
            device: device.into(),
            key: DeviceKey::from_secret(&[secret; 32]),
            events: vec![],
        }
    }
    fn founding(org: Uuid, device: &str, secret: u8) -> Phone {
        let mut p = Phone::new(org, device, secret);
        p.write("org.created", json!({"name": "Laxmi SHG"}));
        let grant = json!({"device": device, "key": p.key.public().to_string(), "epoch": 1});
        p.write("custody.claimed", grant);
        p
    }
    fn write(&mut self, kind: &str, body: Value) {
        let n = self.events.len() as u64 + 1;
        self.events
            .push(event(self.org, &self.device, kind, body, n));
    }
    fn deposit(&mut self, amount: i64) {
        self.write(
            "savings.deposit",
            json!({"member_no": 1, "via": "1100", "amount": amount}),
        );
    }
    fn head_at(&self, seq: u64) -> Head {
        let c = Chunk::sign(
            self.org,
            Head::EMPTY,
            self.events[..seq as usize].to_vec(),
            &self.key,
        );
        c.head
    }
    /// Events `after+1 ..= upto`, signed by this phone.
    fn chunk(&self, after: u64, upto: u64) -> Chunk {
        let base = if after == 0 {
            Head::EMPTY
        } else {
            self.head_at(after)
        };
        Chunk::sign(
            self.org,
            base,
            self.events[after as usize..upto as usize].to_vec(),
            &self.key,
        )
    }
}

#[test]
fn a_retry_after_a_lost_acknowledgement_is_answered_as_the_first_push_and_writes_nothing() {
    let mut a = Phone::founding(ORG, "A", 1);
    a.deposit(100);
    let mut server = ModelServer::default();
    let first = server.receive(&a.chunk(0, 3)).unwrap();
    // The acknowledgement was lost: the phone pushes the same events again.
    assert_eq!(server.receive(&a.chunk(0, 3)).unwrap(), first);
    assert_eq!(server.chains[&ORG].events.len(), 3);
    // A push overlapping what is held appends only the new part.
    a.deposit(200);
    let second = server.receive(&a.chunk(1, 4)).unwrap();
    assert_eq!(second.seq, 4);
    assert_eq!(server.chains[&ORG].events, a.events);
}

#[test]
fn a_duplicate_chunk_is_a_no_op() {
    let mut a = Phone::founding(ORG, "A", 1);
    a.deposit(100);
    a.deposit(200);
    let mut server = ModelServer::default();
    let c1 = a.chunk(0, 2);
    let c2 = a.chunk(2, 4);
    server.receive(&c1).unwrap();
    server.receive(&c2).unwrap();
    let before = server.chains[&ORG].events.clone();
    server.receive(&c1).unwrap();
    server.receive(&c2).unwrap();
    assert_eq!(server.chains[&ORG].events, before);
}

#[test]
fn chunks_in_the_wrong_order_are_refused_as_a_gap_naming_the_head_then_accepted_in_order() {
    let mut a = Phone::founding(ORG, "A", 1);
    a.deposit(100);
    a.deposit(200);
    let mut server = ModelServer::default();
    server.receive(&a.chunk(0, 2)).unwrap();
    let e = server.receive(&a.chunk(3, 4)).unwrap_err();
    assert_eq!(e.code(), "gap");
    assert!(e.to_string().contains("head is seq 2"), "{e}");
    server.receive(&a.chunk(2, 3)).unwrap();
    server.receive(&a.chunk(3, 4)).unwrap();
    assert_eq!(server.chains[&ORG].events, a.events);
}

#[test]
fn a_truncated_chunk_is_refused_and_changes_nothing() {
    let mut a = Phone::founding(ORG, "A", 1);
    a.deposit(100);
    let line = a.chunk(0, 3).to_line();
    let cut = &line.as_bytes()[..line.len() / 2];
    assert_eq!(Chunk::parse(cut).unwrap_err().code(), "malformed");
    // Dropping the last event but keeping the head breaks the chain.
    let mut short = a.chunk(0, 3);
    short.events.pop();
    let mut server = ModelServer::default();
    assert_eq!(server.receive(&short).unwrap_err().code(), "broken_chain");
    assert!(server.chains.is_empty());
}

#[test]
fn a_bit_flipped_anywhere_in_a_chunk_is_refused() {
    let mut a = Phone::founding(ORG, "A", 1);
    a.deposit(100);
    let line = a.chunk(0, 3).to_line().into_bytes();
    let mut refused = 0;
    for i in 0..line.len() {
        for bit in [0x01u8, 0x20] {
            let mut bad = line.clone();
            bad[i] ^= bit;
            let mut server = ModelServer::default();
            let outcome = Chunk::parse(&bad).and_then(|c| server.receive(&c));
            match outcome {
                Err(_) => refused += 1,
                // A flip that leaves the same chunk (e.g. JSON escapes) is harmless.
                Ok(_) => assert_eq!(Chunk::parse(&bad).unwrap(), a.chunk(0, 3), "byte {i}"),
            }
        }
    }
    assert!(refused > line.len(), "{refused} of {}", 2 * line.len());
}

#[test]
fn a_fork_is_refused_naming_the_seq_and_both_hashes_and_is_kept_aside() {
    let mut a = Phone::founding(ORG, "A", 1);
    a.deposit(100);
    let mut twin = Phone {
        events: a.events[..2].to_vec(),
        ..Phone::new(ORG, "A", 1)
    };
    twin.deposit(999);
    let mut server = ModelServer::default();
    server.receive(&a.chunk(0, 3)).unwrap();
    let e = server.receive(&twin.chunk(2, 3)).unwrap_err();
    assert_eq!(e.code(), "fork");
    let text = e.to_string();
    assert!(text.contains("seq 3"), "{text}");
    assert!(
        text.contains(&daftar_sync::hex(&a.head_at(3).hash)),
        "{text}"
    );
    assert!(
        text.contains(&daftar_sync::hex(&twin.head_at(3).hash)),
        "{text}"
    );
    assert_eq!(server.chains[&ORG].events, a.events);
    assert_eq!(server.chains[&ORG].aside, vec![(3, twin.events[2].clone())]);
}

#[test]
fn a_write_after_a_hand_over_is_refused_as_not_writer_and_kept_aside() {
    let mut a = Phone::founding(ORG, "A", 1);
    a.deposit(100);
    let stale = Phone {
        events: a.events.clone(),
        ..Phone::new(ORG, "A", 1)
    };
    let b_key = DeviceKey::from_secret(&[2; 32]);
    a.write(
        "custody.transferred",
        json!({"device": "B", "key": b_key.public().to_string(), "epoch": 2}),
    );
    let mut server = ModelServer::default();
    server.receive(&a.chunk(0, 4)).unwrap();
    // B writes after the hand-over; it signs its own head.
    let mut b = Phone {
        events: a.events.clone(),
        ..Phone::new(ORG, "B", 2)
    };
    b.deposit(300);
    server.receive(&b.chunk(4, 5)).unwrap();
    // A's stale copy wrote at seq 4 as though it still held custody.
    let mut late = stale;
    late.deposit(50);
    let e = server.receive(&late.chunk(3, 4)).unwrap_err();
    assert_eq!(e.code(), "not_writer", "{e}");
    assert_eq!(server.chains[&ORG].aside, vec![(4, late.events[3].clone())]);
    // And A writing after the hand-over on top of it is refused too.
    let mut after = Phone {
        events: b.events[..4].to_vec(),
        ..Phone::new(ORG, "A", 1)
    };
    after.deposit(1);
    let c = Chunk::sign(ORG, b.head_at(4), vec![after.events[4].clone()], &after.key);
    assert_eq!(server.receive(&c).unwrap_err().code(), "not_writer");
    assert_eq!(server.chains[&ORG].events, b.events);
}

#[test]
fn a_forged_signature_is_refused() {
    let mut a = Phone::founding(ORG, "A", 1);
    a.deposit(100);
    let mut server = ModelServer::default();
    // Signed by a key custody never named.
    let forger = DeviceKey::from_secret(&[66; 32]);
    let forged = Chunk::sign(ORG, Head::EMPTY, a.events.clone(), &forger);
    assert_eq!(server.receive(&forged).unwrap_err().code(), "bad_signature");
    // The holder's key named, but the signature of another head.
    let mut swapped = a.chunk(0, 3);
    swapped.signature = a.chunk(0, 2).signature;
    assert_eq!(
        server.receive(&swapped).unwrap_err().code(),
        "bad_signature"
    );
    assert!(server.chains.is_empty());
}

#[test]
fn a_bundle_from_another_organisation_is_refused() {
    let a = Phone::founding(ORG, "A", 1);
    let mut c = a.chunk(0, 2);
    c.org = Uuid::from_u128(42);
    let e = check(&c, &daftar_sync::model::ModelChain::default()).unwrap_err();
    assert_eq!(e.code(), "wrong_org");
}

#[test]
fn an_organisation_created_twice_with_the_same_id_is_a_fork_at_seq_1() {
    let a = Phone::founding(ORG, "A", 1);
    let mut other = Phone::new(ORG, "Z", 9);
    other.write("org.created", json!({"name": "Another SHG"}));
    let grant = json!({"device": "Z", "key": other.key.public().to_string(), "epoch": 1});
    other.write("custody.claimed", grant);
    let mut server = ModelServer::default();
    server.receive(&a.chunk(0, 2)).unwrap();
    let e = server.receive(&other.chunk(0, 2)).unwrap_err();
    assert_eq!(e.code(), "fork");
    assert!(e.to_string().contains("seq 1"), "{e}");
}

#[test]
fn a_chunk_ending_before_custody_was_claimed_cannot_be_signed() {
    let mut a = Phone::new(ORG, "A", 1);
    a.write("org.created", json!({}));
    a.deposit(5);
    let mut server = ModelServer::default();
    assert_eq!(
        server.receive(&a.chunk(0, 2)).unwrap_err().code(),
        "no_custody"
    );
    let grant = json!({"device": "A", "key": a.key.public().to_string(), "epoch": 1});
    a.write("custody.claimed", grant);
    server.receive(&a.chunk(0, 3)).unwrap();
}

#[test]
fn a_chunk_of_an_unknown_version_or_format_is_refused_by_code() {
    let a = Phone::founding(ORG, "A", 1);
    let line = a.chunk(0, 2).to_line();
    let v2 = line.replace("\"version\":1", "\"version\":2");
    assert_eq!(
        Chunk::parse(v2.as_bytes()).unwrap_err().code(),
        "unsupported_version"
    );
    let other = line.replace("daftar.chunk", "daftar.other");
    assert_eq!(
        Chunk::parse(other.as_bytes()).unwrap_err().code(),
        "malformed"
    );
    let extra = line.replacen('{', "{\"extra\":1,", 1);
    assert_eq!(
        Chunk::parse(extra.as_bytes()).unwrap_err().code(),
        "malformed"
    );
}

#[test]
fn two_chunks_joined_are_the_one_chunk_signed_at_the_later_head_and_a_stranger_is_given_back() {
    let mut a = Phone::founding(ORG, "A", 1);
    a.deposit(100);
    a.deposit(200);
    let mut joined = a.chunk(0, 2);
    joined.extend_with(a.chunk(2, 4)).unwrap();
    assert_eq!(joined, a.chunk(0, 4));
    let mut server = ModelServer::default();
    assert_eq!(server.receive(&joined).unwrap().seq, 4);
    // A chunk that does not start at the head is not joined, and nothing changes.
    let mut first = a.chunk(0, 2);
    let skipping = a.chunk(3, 4);
    assert_eq!(first.extend_with(skipping.clone()), Err(Box::new(skipping)));
    assert_eq!(first, a.chunk(0, 2));
    let other = Phone::founding(Uuid::from_u128(7), "A", 1).chunk(0, 2);
    let mut first = a.chunk(0, 2);
    assert_eq!(first.extend_with(other.clone()), Err(Box::new(other)));
}
