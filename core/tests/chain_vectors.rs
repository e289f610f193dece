//! The published chain format's test vectors (tests/vectors/chain-v2.json): a
//! small book's events as canonical bytes with their hashes. The file is the
//! contract: this test fails if the library would write different bytes.
//! Regenerate it deliberately with DAFTAR_WRITE_VECTORS=1 (and bump the version
//! in docs/chain-format.md if any existing kind's bytes change). The version 1
//! vectors (chain-v1*.json) are frozen: books written then must still verify.

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
    "/../tests/vectors/chain-v2.json"
);
const OPENING_VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/vectors/chain-v2-opening.json"
);
/// Version 1's vectors, written before commands were chained; never rewritten.
const V1_VECTORS: [&str; 2] = [
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/chain-v1.json"
    ),
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/chain-v1-opening.json"
    ),
];

fn m(n: u128, actor: &str) -> CommandMeta {
    CommandMeta {
        op_id: Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000 + n),
        actor: actor.into(),
        device: "vector-phone".into(),
        // After every business date of the vectors: a date may not run ahead of
        // the device's clock.
        recorded_at: Some(format!("2025-05-{:02}T10:{:02}:00Z", 14 + n / 50, n % 50)),
        // The vectors' approver confirms with her PIN.
        pin: (actor == "cc-meena").then(|| daftar_core::pins::Pin::new("2468")),
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
    // The approver sets her PIN on the phone before she is named.
    let first = CommandMeta {
        pin: None,
        ..m(100, "cc-meena")
    };
    book.set_pin(&first, org, date("2025-04-01"), "cc-meena", "2468")
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
        reference: None,
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
    more_kinds(book, org);
    org
}

/// The kinds the first part does not reach, appended so that the events above
/// keep their bytes and hashes.
fn more_kinds(book: &Book, org: Uuid) {
    let day = date("2025-05-08");
    let change = MemberChange {
        phone: Some(Some("+98 912 345 6789".into())),
        ..MemberChange::default()
    };
    book.change_member(&m(18, "asha"), org, 2, day, change)
        .unwrap();
    let out = SavingsEntry {
        date: day,
        fund: event::SavingsFund::Voluntary,
        ..deposit(1, "10")
    };
    book.withdraw_savings(&m(19, "asha"), org, out).unwrap();
    let meeting_day = date("2025-05-14");
    let mo = book
        .open_meeting(&m(20, "asha"), org, meeting_day)
        .unwrap()
        .number
        .unwrap();
    let cash = book.balance(org, "1100").unwrap();
    book.close_meeting(
        &m(21, "asha"),
        org,
        mo,
        cash - dec("1"),
        Some("a coin short".into()),
    )
    .unwrap();
    book.reopen_meeting(&m(22, "cc-meena"), org, mo, "the coin was found")
        .unwrap();
    book.write_off_loan(&m(23, "cc-meena"), org, 1, meeting_day, "moved away")
        .unwrap();
    let cif = LoanRequest {
        principal: dec("5000"),
        rate: dec("12"),
        rate_period: RatePeriod::Year,
        term: 12,
        frequency: Frequency::Monthly,
        method: Method::Reducing,
        reference: None,
    };
    book.receive_borrowing(
        &m(24, "asha"),
        org,
        event::FacilitySource::Cif,
        meeting_day,
        Via::Bank,
        cif,
    )
    .unwrap();
    let policy = Policy {
        compulsory_savings: 5000,
        reversal_needs_approval: true,
        ..Policy::default()
    };
    book.set_policy(&m(25, "cc-meena"), org, meeting_day, policy)
        .unwrap();
    let request = book
        .reverse_entry(&m(26, "asha"), org, 20, meeting_day, "withdrawn twice")
        .unwrap();
    book.reject_correction(
        &m(27, "cc-meena"),
        org,
        request.seq,
        meeting_day,
        "it was withdrawn once",
    )
    .unwrap();
    let interest = Voucher {
        date: meeting_day,
        narration: "bank interest".into(),
        ..voucher(Via::Bank, "4400", "12.40")
    };
    book.record_receipt(&m(28, "asha"), org, interest).unwrap();
    let to_bank = CashTransfer {
        date: meeting_day,
        from: Via::Cash,
        to: Via::Bank,
        amount: dec("100"),
        narration: String::new(),
    };
    book.transfer(&m(29, "asha"), org, to_bank).unwrap();
    let fine = settlement::ChargeEntry {
        date: meeting_day,
        member_no: 2,
        charge: event::MemberCharge::AbsenceFine,
        via: Via::Cash,
        amount: dec("10"),
    };
    book.collect_charge(&m(30, "asha"), org, fine).unwrap();
    book.exit_member(&m(31, "asha"), org, 2, meeting_day, Via::Cash)
        .unwrap();
}

/// A second book opened from paper records: the cut-off.
fn build_opening(book: &Book) -> Uuid {
    let org = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0c01);
    let o = NewOrganisation {
        id: org,
        opened_on: date("2025-04-01"),
        ..new_org(OrgKind::Shg, "INR")
    };
    book.create_organisation(&m(101, "asha"), o).unwrap();
    book.add_member(&m(102, "asha"), org, member("कमला"))
        .unwrap();
    let cutoff = settlement::Cutoff {
        date: date("2025-04-01"),
        cash: dec("1500"),
        bank: dec("8000"),
        revolving_fund: dec("15000"),
        surplus: dec("500"),
        members: vec![settlement::OpeningMember {
            member_no: 1,
            compulsory: dec("4000"),
            voluntary: dec("0"),
            loans: vec![settlement::OpeningLoan {
                outstanding: dec("10000"),
                arrears: dec("0"),
                overdue_since: None,
                rate: dec("12"),
                rate_period: RatePeriod::Year,
                remaining_term: 10,
                frequency: Frequency::Monthly,
                method: Method::Reducing,
                overdue_interest: None,
            }],
        }],
        borrowings: vec![],
    };
    book.record_cutoff(&m(103, "asha"), org, cutoff).unwrap();
    org
}

fn current_vectors() -> Value {
    vectors_of(build)
}

fn vectors_of(build: fn(&Book) -> Uuid) -> Value {
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
    for (file, now) in [
        (VECTORS, current_vectors()),
        (OPENING_VECTORS, vectors_of(build_opening)),
    ] {
        if std::env::var_os("DAFTAR_WRITE_VECTORS").is_some() {
            std::fs::write(file, serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
        }
        let published: Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        assert_eq!(
            now, published,
            "the canonical bytes of {file} changed: see the header of this test"
        );
    }
}

#[test]
fn the_vectors_hold_every_documented_event_kind() {
    let mut kinds = std::collections::BTreeSet::new();
    for file in [VECTORS, OPENING_VECTORS] {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for e in v["events"].as_array().unwrap() {
            kinds.insert(e["kind"].as_str().unwrap().to_string());
        }
    }
    // Custody's kinds are in the sync vectors' chunks.
    let sync: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/vectors/sync-v1.json"
        ))
        .unwrap(),
    )
    .unwrap();
    for chunk in sync["bundle"].as_array().unwrap() {
        for e in chunk["events"].as_array().unwrap() {
            let e: Value = serde_json::from_str(e.as_str().unwrap()).unwrap();
            kinds.insert(e["kind"].as_str().unwrap().to_string());
        }
    }
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/chain-format.md"
    ))
    .unwrap();
    let documented: std::collections::BTreeSet<String> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|k| k.contains('.') && !k.contains(' '))
        .map(String::from)
        .collect();
    assert_eq!(documented.len(), 30, "{documented:?}");
    assert_eq!(kinds, documented, "every documented kind has a vector");
}

/// Checks a vectors file by the documented rule; returns its events.
fn verify_vectors(file: &str) -> Vec<Event> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(unhex(v["domain_tag_hex"].as_str().unwrap()), DOMAIN_TAG);
    let mut prev = GENESIS;
    let events = v["events"].as_array().unwrap();
    let mut out = Vec::new();
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
        out.push(ev);
        prev = h;
    }
    out
}

#[test]
fn the_published_vectors_verify_by_the_documented_rule_and_chain_their_commands() {
    for file in [VECTORS, OPENING_VECTORS] {
        let events = verify_vectors(file);
        assert!(events.len() >= 3, "{file}");
        assert!(events.iter().all(|e| e.command.is_some()), "{file}");
    }
}

#[test]
fn the_version_1_vectors_still_verify_and_re_encode_to_themselves() {
    for file in V1_VECTORS {
        let events = verify_vectors(file);
        assert!(events.len() >= 3, "{file}");
        assert!(events.iter().all(|e| e.command.is_none()), "{file}");
    }
}
