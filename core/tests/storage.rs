//! Opening books: creation, refusal of files that are not books, schema versions.

mod common;

use common::*;
use daftar_core::*;

fn book_path() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("book.daftar");
    (dir, p)
}

#[test]
fn a_missing_file_becomes_a_new_empty_book() {
    let (_d, p) = book_path();
    let book = Book::open(&p).unwrap();
    assert!(p.exists());
    assert_eq!(book.event_count().unwrap(), 0);
    assert!(book.organisations().unwrap().is_empty());
}

#[test]
fn open_existing_refuses_a_missing_file_without_creating_it() {
    let (_d, p) = book_path();
    let e = Book::open_existing(&p).err().unwrap();
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert!(!p.exists());
}

#[test]
fn a_committed_entry_is_there_after_reopening() {
    let (_d, p) = book_path();
    let book = Book::open(&p).unwrap();
    let org = shg_with_members(&book, 1, "100");
    let head = book.chain_head(org).unwrap();
    drop(book);
    let book = Book::open(&p).unwrap();
    assert_eq!(book.chain_head(org).unwrap(), head);
    assert_eq!(book.balance(org, "1100").unwrap(), dec("100.00"));
}

fn assert_refused_untouched(p: &std::path::Path, code: ErrorCode) {
    let before = std::fs::read(p).unwrap();
    let e = Book::open(p).err().expect("the file must be refused");
    assert_eq!(e.code(), code, "{e}");
    assert_eq!(
        std::fs::read(p).unwrap(),
        before,
        "the refused file was changed"
    );
    assert!(!std::path::Path::new(&format!("{}-wal", p.display())).exists());
}

#[test]
fn a_text_file_is_refused_and_left_untouched() {
    let (_d, p) = book_path();
    std::fs::write(&p, "members,savings\nSita,100\n".repeat(20)).unwrap();
    assert_refused_untouched(&p, ErrorCode::NotABook);
}

#[test]
fn a_short_file_is_refused_and_left_untouched() {
    let (_d, p) = book_path();
    std::fs::write(&p, b"SQLite format 3\0").unwrap();
    assert_refused_untouched(&p, ErrorCode::NotABook);
}

#[test]
fn another_programs_sqlite_database_is_refused_and_left_untouched() {
    let (_d, p) = book_path();
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');")
            .unwrap();
    }
    assert_refused_untouched(&p, ErrorCode::NotABook);
}

#[test]
fn a_corrupt_book_is_refused_and_left_untouched() {
    let (_d, p) = book_path();
    {
        let book = Book::open(&p).unwrap();
        shg_with_members(&book, 3, "50");
        book.close().unwrap();
    }
    // Checkpointed on close: scribble over the second page, where tables live.
    let mut bytes = std::fs::read(&p).unwrap();
    assert!(bytes.len() > 8192);
    for b in &mut bytes[4096 + 8..4096 + 400] {
        *b = 0xA5;
    }
    std::fs::write(&p, &bytes).unwrap();
    assert_refused_untouched(&p, ErrorCode::Corrupt);
}

#[test]
fn an_empty_file_is_not_a_book_for_either_open() {
    let (_d, p) = book_path();
    std::fs::write(&p, b"").unwrap();
    assert_refused_untouched(&p, ErrorCode::NotABook);
    let e = Book::open_existing(&p).err().unwrap();
    assert_eq!(e.code(), ErrorCode::NotABook, "{e}");
    assert_eq!(std::fs::metadata(&p).unwrap().len(), 0);
}

#[test]
fn an_sqlite_file_with_no_schema_is_not_taken_for_a_book() {
    let (_d, p) = book_path();
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        // A header and nothing else: version 0, no tables.
        c.execute_batch("PRAGMA page_size = 4096; VACUUM;").unwrap();
    }
    if std::fs::metadata(&p).unwrap().len() >= 100 {
        assert_refused_untouched(&p, ErrorCode::NotABook);
    }
}

#[test]
fn a_negative_schema_version_is_refused_before_anything_is_written() {
    let (_d, p) = book_path();
    Book::open(&p).unwrap().close().unwrap();
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        c.pragma_update(None, "user_version", -1).unwrap();
    }
    assert_refused_untouched(&p, ErrorCode::NotABook);
    let c = rusqlite::Connection::open(&p).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete", "the refused file was switched to WAL");
}

#[test]
fn a_book_from_a_newer_daftar_is_refused() {
    let (_d, p) = book_path();
    Book::open(&p).unwrap().close().unwrap();
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let e = Book::open(&p).err().unwrap();
    assert_eq!(e.code(), ErrorCode::SchemaTooNew);
    assert!(e.to_string().contains("upgrade daftar"), "{e}");
}

fn schema_of(p: &std::path::Path) -> Vec<String> {
    let c = rusqlite::Connection::open(p).unwrap();
    let mut st = c
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")
        .unwrap();
    let mut v: Vec<String> = st
        .query_map([], |r| {
            let sql: Option<String> = r.get(3)?;
            let sql = sql
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            Ok(format!(
                "{}|{}|{}|{sql}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for p in ["user_version", "application_id"] {
        v.push(format!(
            "{p}={}",
            c.query_row(&format!("PRAGMA {p}"), [], |r| r.get::<_, i64>(0))
                .unwrap()
        ));
    }
    v
}

#[test]
fn a_book_upgraded_through_every_migration_equals_a_fresh_one() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.daftar");
    Book::open(&fresh).unwrap().close().unwrap();

    // Each past schema: v1 frozen as it shipped, later ones as v1 plus the
    // migrations that made them (migration files are history and never change).
    let v1 = include_str!("fixtures/schema-v1.sql");
    let migrations = [
        include_str!("../src/schema/migrations/002-meetings-loans.sql"),
        include_str!("../src/schema/migrations/003-corrections.sql"),
        include_str!("../src/schema/migrations/004-events-by-date.sql"),
        include_str!("../src/schema/migrations/005-member-charges.sql"),
        include_str!("../src/schema/migrations/006-loan-movements.sql"),
        include_str!("../src/schema/migrations/007-bulk-loads.sql"),
        include_str!("../src/schema/migrations/008-sync.sql"),
        include_str!("../src/schema/migrations/009-entry-kinds-loans.sql"),
        include_str!("../src/schema/migrations/010-pins.sql"),
        include_str!("../src/schema/migrations/011-narrations.sql"),
    ];
    assert_eq!(
        migrations.len() as i64,
        SCHEMA_VERSION - 1,
        "list the new migration here"
    );
    for version in 1..SCHEMA_VERSION {
        let sql = std::iter::once(v1)
            .chain(migrations[..(version - 1) as usize].iter().copied())
            .collect::<Vec<_>>()
            .join("\n");
        let old = dir.path().join(format!("v{version}.daftar"));
        {
            let c = rusqlite::Connection::open(&old).unwrap();
            c.execute_batch(&sql).unwrap();
            c.pragma_update(None, "user_version", version).unwrap();
            c.pragma_update(None, "application_id", 0x4441_4654)
                .unwrap();
        }
        Book::open(&old).unwrap().close().unwrap();
        assert_eq!(
            schema_of(&old),
            schema_of(&fresh),
            "upgrade from v{version}"
        );
    }
}

#[test]
fn a_closed_book_refuses_calls_with_a_clear_error() {
    let (_d, p) = book_path();
    let book = Book::open(&p).unwrap();
    book.close().unwrap();
    let e = book.organisations().unwrap_err();
    assert_eq!(e.code(), ErrorCode::Storage);
    assert!(e.to_string().contains("closed"));
}

#[test]
fn an_upgraded_v1_book_with_members_gains_the_newer_charts_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v1-with-data.daftar");
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch(include_str!("fixtures/schema-v1.sql"))
            .unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.pragma_update(None, "application_id", 0x4441_4654)
            .unwrap();
        // Rows as a v1 daftar wrote them: an SHG, one member, the v1 accounts.
        c.execute_batch(
            "INSERT INTO organisations VALUES ('o1', 'shg', 'पुराना समूह', 'INR', 2, 'gregorian', 4, 1, 'hi-IN', 'half-up/minor', '2024-04-01');
             INSERT INTO members VALUES ('o1', 1, 'सीता', 'सीता', 'member', NULL, '2024-04-01', NULL);
             INSERT INTO accounts (org_id, code, name, class, floor) VALUES ('o1', '1100', 'Cash in hand', 'asset', 'debit');
             INSERT INTO accounts (org_id, code, name, class, floor, parent, member_no)
                 VALUES ('o1', '2100-0001', 'Savings of member', 'liability', 'credit', '2100', 1);",
        )
        .unwrap();
    }
    Book::open(&p).unwrap().close().unwrap();
    let c = rusqlite::Connection::open(&p).unwrap();
    let has = |code: &str| -> bool {
        c.query_row(
            "SELECT count(*) FROM accounts WHERE org_id = 'o1' AND code = ?1",
            [code],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
            == 1
    };
    // Accounts the later charts added, for the organisation and for its member.
    for code in [
        "2110",
        "4800",
        "5800",
        "5500",
        "5600",
        "2110-0001",
        "1300-0001",
    ] {
        assert!(has(code), "{code} was not added by the upgrade");
    }
    // What was there stays as it was.
    let name: String = c
        .query_row(
            "SELECT name FROM accounts WHERE org_id = 'o1' AND code = '2100-0001'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "Savings of member");
}

#[test]
fn an_upgraded_v4_book_gains_its_members_fees_and_fines_as_recorded_live() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v4.daftar");
    let book = Book::open(&p).unwrap();
    daftar_core::demo::build(&book, 1, &mut |_, _| true).unwrap();
    // One fine reversed, so the upgrade must also carry the reversal's date.
    let (org, seq): (String, i64) = {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.query_row(
            "SELECT org_id, seq FROM events WHERE kind = 'charge.collected' ORDER BY org_id, seq LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let org = uuid::Uuid::parse_str(&org).unwrap();
    let last = book.last_business_date(org).unwrap();
    let r = book
        .reverse_entry(&meta(), org, seq as u64, last, "fined by mistake")
        .unwrap();
    book.close().unwrap();

    let charges = |p: &std::path::Path| -> Vec<String> {
        let c = rusqlite::Connection::open(p).unwrap();
        let mut st = c
            .prepare("SELECT org_id, seq, member_no, charge, amount, business_date, reversed_on FROM member_charges ORDER BY org_id, seq")
            .unwrap();
        st.query_map([], |r| {
            Ok(format!(
                "{}|{}|{}|{}|{}|{}|{:?}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    let live = charges(&p);
    assert!(
        live.len() > 10,
        "the demo collects fees and fines: {live:?}"
    );
    assert_eq!(
        live.iter().filter(|l| !l.ends_with("|None")).count(),
        1,
        "exactly the reversed fine carries a date (reversal {})",
        r.seq
    );

    // Make it a v4 book: what v5 added is gone.
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch(
            "DROP TABLE custody; DROP TABLE device_identity; DROP TABLE signed_heads; DROP TABLE sync_acks; DROP TABLE set_aside;
             DROP TABLE bulk_loads; DROP TABLE loan_movements; DROP TABLE member_charges;
             DROP INDEX meetings_by_date; DROP INDEX meetings_open;
             ALTER TABLE actors DROP COLUMN pin_verifier;
             PRAGMA user_version = 4;",
        )
        .unwrap();
    }
    let book = Book::open(&p).unwrap();
    assert!(book.verify(&mut |_, _| true).unwrap().is_intact());
    book.close().unwrap();
    assert_eq!(charges(&p), live);
}

#[test]
fn an_upgraded_v5_book_gains_its_loan_movements_as_recorded_live() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v5.daftar");
    let book = Book::open(&p).unwrap();
    daftar_core::demo::build(&book, 1, &mut |_, _| true).unwrap();
    // One repayment reversed, so the upgrade must also carry the reversal's date.
    let (org, seq): (String, i64) = {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.query_row(
            "SELECT org_id, seq FROM events WHERE kind = 'loan.repaid' ORDER BY org_id, seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let org = uuid::Uuid::parse_str(&org).unwrap();
    let last = book.last_business_date(org).unwrap();
    book.reverse_entry(&meta(), org, seq as u64, last, "entered twice")
        .unwrap();
    book.close().unwrap();
    let movements = |p: &std::path::Path| -> Vec<String> {
        let c = rusqlite::Connection::open(p).unwrap();
        let mut st = c
            .prepare("SELECT org_id, seq, loan_no, kind, business_date, amount, allocation, reversed_on FROM loan_movements ORDER BY org_id, seq, loan_no")
            .unwrap();
        st.query_map([], |r| {
            Ok(format!(
                "{}|{}|{}|{}|{}|{}|{:?}|{:?}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    let live = movements(&p);
    assert!(live.iter().any(|m| m.contains("|loan.repaid|")), "{live:?}");
    assert!(
        live.iter().any(|m| m.contains("|loan.disbursed|")),
        "{live:?}"
    );
    assert_eq!(
        live.iter().filter(|l| !l.ends_with("|None")).count(),
        1,
        "exactly the reversed repayment carries a date"
    );
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch(
            "DROP TABLE custody; DROP TABLE device_identity; DROP TABLE signed_heads; DROP TABLE sync_acks; DROP TABLE set_aside;
             DROP TABLE bulk_loads; DROP TABLE loan_movements;
             ALTER TABLE actors DROP COLUMN pin_verifier; PRAGMA user_version = 5;",
        )
        .unwrap();
    }
    let book = Book::open(&p).unwrap();
    assert!(book.verify(&mut |_, _| true).unwrap().is_intact());
    book.close().unwrap();
    assert_eq!(movements(&p), live);
}

#[test]
fn an_upgraded_v8_book_gains_each_entrys_kind_and_fees_narrations_as_a_person_writes_them() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v8.daftar");
    let book = Book::open(&p).unwrap();
    daftar_core::demo::build(&book, 1, &mut |_, _| true).unwrap();
    book.close().unwrap();
    let kinds = |p: &std::path::Path| -> Vec<(String, i64, String, String)> {
        let c = rusqlite::Connection::open(p).unwrap();
        let mut st = c
            .prepare("SELECT org_id, seq, kind, narration FROM entries ORDER BY org_id, seq")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let live = kinds(&p);
    assert!(
        live.iter().any(|(_, _, k, _)| k == "member.exited"),
        "{live:?}"
    );
    assert!(
        live.iter()
            .any(|(_, _, _, n)| n.starts_with("\u{1f}absence-fine\u{1f}")),
        "{live:?}"
    );
    // Make it a v8 book: entries as v8 defined them, without a kind, and fees'
    // and fines' narrations as v8 wrote them.
    in_english(&p);
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch(
            "PRAGMA foreign_keys = OFF;
             CREATE TABLE e8 AS SELECT org_id, seq, business_date, narration FROM entries;
             UPDATE e8 SET narration = replace(replace(narration, 'Absence fine from ', 'AbsenceFine from '),
                                               'Membership fee from ', 'MembershipFee from ');
             DROP TABLE entries;
             CREATE TABLE entries (
                 org_id TEXT NOT NULL, seq INTEGER NOT NULL, business_date TEXT NOT NULL,
                 narration TEXT NOT NULL, PRIMARY KEY (org_id, seq),
                 FOREIGN KEY (org_id, seq) REFERENCES events(org_id, seq)) STRICT, WITHOUT ROWID;
             INSERT INTO entries SELECT * FROM e8; DROP TABLE e8;
             CREATE INDEX entries_by_date ON entries (org_id, business_date, seq);
             ALTER TABLE actors DROP COLUMN pin_verifier;
             PRAGMA user_version = 8;",
        )
        .unwrap();
    }
    let book = Book::open(&p).unwrap();
    assert!(book.verify(&mut |_, _| true).unwrap().is_intact());
    book.close().unwrap();
    assert_eq!(kinds(&p), live);
}

/// Rewrites every entry's narration in English, as books before v11 kept them.
fn in_english(p: &std::path::Path) {
    use daftar_core::narration::Narration;
    let en = daftar_core::locale::LocalFormat::new(Locale::EnIn).unwrap();
    let c = rusqlite::Connection::open(p).unwrap();
    let rows: Vec<(String, i64, String)> = c
        .prepare("SELECT org_id, seq, narration FROM entries")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (org, seq, stored) in rows {
        let english = Narration::from_stored(&stored).render(&en);
        c.execute(
            "UPDATE entries SET narration = ?3 WHERE org_id = ?1 AND seq = ?2",
            rusqlite::params![org, seq, english],
        )
        .unwrap();
    }
}

#[test]
fn an_upgraded_v10_book_keeps_its_narrations_as_facts_and_reads_them_in_its_own_language() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v10.daftar");
    let book = Book::open(&p).unwrap();
    daftar_core::demo::build(&book, 1, &mut |_, _| true).unwrap();
    book.close().unwrap();
    let stored = |p: &std::path::Path| -> Vec<(String, i64, String)> {
        let c = rusqlite::Connection::open(p).unwrap();
        let mut st = c
            .prepare("SELECT org_id, seq, narration FROM entries ORDER BY org_id, seq")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let live = stored(&p);
    in_english(&p);
    let english = stored(&p);
    assert!(
        english
            .iter()
            .any(|(_, _, n)| n.starts_with("Savings deposit, member ")),
        "{english:?}"
    );
    rusqlite::Connection::open(&p)
        .unwrap()
        .pragma_update(None, "user_version", 10)
        .unwrap();
    let book = Book::open(&p).unwrap();
    assert!(book.verify(&mut |_, _| true).unwrap().is_intact());
    // The Persian fund's cash book reads Persian after the upgrade.
    let fund = book
        .organisations()
        .unwrap()
        .into_iter()
        .find(|o| o.locale == Locale::FaIr)
        .unwrap();
    let year = daftar_core::books::Period {
        from: fund.opened_on,
        to: book.last_business_date(fund.id).unwrap(),
    };
    let cash = book.cash_book(fund.id, true, year).unwrap();
    let line = &cash
        .days
        .iter()
        .find(|d| !d.lines.is_empty())
        .unwrap()
        .lines[0];
    assert!(
        !line.narration.chars().any(|c| c.is_ascii_alphabetic()),
        "{line:?}"
    );
    book.close().unwrap();
    assert_eq!(stored(&p), live);
}

/// The permission bits of `p`.
#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn a_new_book_its_wal_its_witness_and_an_export_are_readable_by_their_owner_only() {
    let (d, p) = book_path();
    let book = Book::open(&p).unwrap();
    let org = shg_with_members(&book, 2, "100");
    for f in daftar_core::files::book_files(&p) {
        if f.exists() {
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
    }
    assert!(daftar_core::last_commit::path_for(&p).exists());
    let out = d.path().join("ledger.csv");
    book.export_file(org, export::ExportFormat::Csv, &out, &mut |_, _| true)
        .unwrap();
    assert_eq!(mode(&out), 0o600);
}

#[test]
fn an_export_is_never_written_over_the_book_or_its_files() {
    let (_d, p) = book_path();
    let book = Book::open(&p).unwrap();
    let org = shg_with_members(&book, 2, "100");
    let before = snapshot(&p);
    for f in daftar_core::files::book_files(&p) {
        let e = book
            .export_file(org, export::ExportFormat::Csv, &f, &mut |_, _| true)
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{}: {e}", f.display());
    }
    assert_eq!(snapshot(&p), before);
    assert!(book.verify(&mut |_, _| true).unwrap().is_intact());
}
