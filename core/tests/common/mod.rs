//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod shg;

use std::path::Path;
use std::str::FromStr;

use chrono::NaiveDate;
use daftar_core::*;
use rust_decimal::Decimal;
use uuid::Uuid;

pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The tests' approvers' PIN.
pub const APPROVER_PIN: &str = "2468";

/// Names `person` an approver of `org` as the app does: she sets her PIN on
/// the phone, then the book keeper (or `by`, an approver) names her.
pub fn name_approver(book: &Book, by: &CommandMeta, org: Uuid, on: NaiveDate, person: &str) {
    let own = CommandMeta {
        actor: person.into(),
        op_id: Uuid::now_v7(),
        pin: None,
        ..meta()
    };
    book.set_pin(&own, org, on, person, APPROVER_PIN).unwrap();
    let by = CommandMeta {
        op_id: Uuid::now_v7(),
        ..by.clone()
    };
    book.set_role(
        &by,
        org,
        on,
        person,
        daftar_core::policy::ActorRole::Approver,
    )
    .unwrap();
}

/// The demo book (seed 5) in a temporary directory, and its first SHG.
pub fn demo_shg() -> (tempfile::TempDir, Book, Uuid) {
    let dir = tempfile::tempdir().unwrap();
    let book = Book::open(dir.path().join("demo.daftar")).unwrap();
    daftar_core::demo::build(&book, 5, &mut |_, _| true).unwrap();
    let org = book
        .organisations()
        .unwrap()
        .into_iter()
        .find(|o| o.kind == OrgKind::Shg)
        .unwrap()
        .id;
    (dir, book, org)
}

pub fn meta() -> CommandMeta {
    CommandMeta {
        op_id: Uuid::now_v7(),
        actor: "tester".into(),
        device: "test-device".into(),
        // The phone's clock: after every business date the tests use, which
        // may run ahead of the clock by a day at most.
        recorded_at: Some("2030-12-31T10:00:00Z".into()),
        pin: None,
    }
}

pub fn new_org(kind: OrgKind, currency: &str) -> NewOrganisation {
    let persian = currency == "IRR";
    NewOrganisation {
        id: Uuid::now_v7(),
        kind,
        name: if persian {
            "صندوق نمونه".into()
        } else {
            "आशा स्वयं सहायता समूह".into()
        },
        currency: Currency::new(currency, None).unwrap(),
        calendar: if persian {
            Calendar::Persian
        } else {
            Calendar::Gregorian
        },
        fiscal_year_start: if persian {
            FiscalYearStart { month: 1, day: 1 }
        } else {
            FiscalYearStart { month: 4, day: 1 }
        },
        locale: if persian { Locale::FaIr } else { Locale::HiIn },
        rounding: RoundingRule::default(),
        opened_on: date("2025-04-01"),
    }
}

pub fn member(name: &str) -> NewMember {
    NewMember {
        member_no: None,
        name: name.into(),
        role: MemberRole::Member,
        phone: None,
        joined_on: date("2025-04-01"),
    }
}

/// An SHG in INR with `n` members, each with `savings` deposited in cash.
pub fn shg_with_members(book: &Book, n: u32, savings: &str) -> Uuid {
    let org = new_org(OrgKind::Shg, "INR");
    let id = org.id;
    book.create_organisation(&meta(), org).unwrap();
    let policy = policy::Policy {
        withdrawals: policy::Withdrawals::All,
        ..Default::default()
    };
    book.set_policy(&meta(), id, date("2025-04-01"), policy)
        .unwrap();
    for i in 0..n {
        book.add_member(&meta(), id, member(&format!("सदस्य {i}")))
            .unwrap();
        if dec(savings) > Decimal::ZERO {
            book.deposit_savings(&meta(), id, deposit(i + 1, savings))
                .unwrap();
        }
    }
    id
}

pub fn deposit(member_no: u32, amount: &str) -> SavingsEntry {
    SavingsEntry {
        date: date("2025-04-08"),
        member_no,
        via: Via::Cash,
        amount: dec(amount),
        fund: event::SavingsFund::Compulsory,
    }
}

pub fn voucher(via: Via, account: &str, amount: &str) -> Voucher {
    Voucher {
        date: date("2025-04-08"),
        via,
        account: account.into(),
        amount: dec(amount),
        narration: "test".into(),
    }
}

/// Every row of every table of the book, in a fixed order: two equal snapshots
/// mean the book did not change.
pub fn snapshot(path: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        out += &format!("== {t}\n");
        let cols = conn
            .prepare(&format!("SELECT * FROM {t}"))
            .unwrap()
            .column_count();
        let order: Vec<String> = (1..=cols).map(|i| i.to_string()).collect();
        let mut st = conn
            .prepare(&format!("SELECT * FROM {t} ORDER BY {}", order.join(", ")))
            .unwrap();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let vals: Vec<String> = (0..cols)
                .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect();
            out += &vals.join("|");
            out.push('\n');
        }
    }
    out
}

/// A short digest of `snapshot`, for assertions whose failure should stay readable.
pub fn snapshot_digest(path: &Path) -> String {
    use sha2::Digest;
    daftar_core::event::hex(&sha2::Sha256::digest(snapshot(path).as_bytes()))
}
