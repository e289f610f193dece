//! The server's books equal the phone's: the rollup of a VO's SHGs, summed
//! from the core's journal lines and computed by the core's own reports on the
//! server's replica, against the same reports run on each phone's book.

mod support;

use chrono::{Datelike, NaiveDate};
use daftar_core::books::{fiscal_year, Period};
use daftar_core::meetings::MeetingStatus;
use daftar_core::{chart, Book};
use rust_decimal::Decimal;
use support::*;
use uuid::Uuid;

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn a_vos_rollup_equals_the_core_reports_of_each_shgs_own_book() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let block = admin(
        &db,
        &[
            "node", "add", "--kind", "block", "--name", "Block", "--code", "BLK-1",
        ],
    );
    admin(
        &db,
        &[
            "node", "add", "--kind", "vo", "--name", "VO", "--code", "VO-1", "--parent", "BLK-1",
        ],
    );
    let server = Server::start(&db, dir.path(), &[]);
    let mut phones = vec![];
    for (i, weeks) in [(0u64, 30u32), (1, 52)] {
        let (book, org) = phone(dir.path(), &format!("phone-{i}"), 40 + i, weeks);
        claim(&book, org);
        register(&server.url, &book);
        push_all(&server.url, &book, org);
        admin(
            &db,
            &[
                "node",
                "place",
                "--org",
                &org.to_string(),
                "--parent",
                "VO-1",
                "--code",
                &format!("LOKOS-{i}"),
            ],
        );
        phones.push((book, org));
    }
    let token = admin(&db, &["user", "--name", "block-staff", "--node", "BLK-1"]);
    let last = phones
        .iter()
        .map(|(b, o)| b.last_business_date(*o).unwrap())
        .max()
        .unwrap();
    // The end of the books, a day in the middle of a month of the shorter
    // book, and a day after every book ended (loans go on ageing).
    let middle = phones[0].0.last_business_date(phones[0].1).unwrap() - chrono::Days::new(45);
    for day in [last, middle, last + chrono::Days::new(75)] {
        let r = consolidated(
            &server.url,
            &token,
            &format!("/v1/nodes/{block}/rollup?as_of={day}"),
        );
        assert_eq!(r["as_of"], day.to_string());
        the_rollup_is_the_core_s_on(&r, &phones, day);
        for line in r["organisations"].as_array().unwrap() {
            assert!(line["code"].as_str().unwrap().starts_with("LOKOS-"));
        }
    }
    // month=YYYY-MM is the same as the month's last day.
    let month_end = NaiveDate::from_ymd_opt(middle.year(), middle.month(), 1)
        .unwrap()
        .checked_add_months(chrono::Months::new(1))
        .unwrap()
        .pred_opt()
        .unwrap();
    let by_month = consolidated(
        &server.url,
        &token,
        &format!("/v1/nodes/{block}/rollup?month={}", middle.format("%Y-%m")),
    );
    assert_eq!(by_month["as_of"], month_end.to_string());
    the_rollup_is_the_core_s_on(&by_month, &phones, month_end);
    // A month before any book began holds nothing.
    let (_, early) = call(
        &server.url,
        "GET",
        &format!("/v1/nodes/{block}/rollup?month=2000-01"),
        b"",
        As::Token(&token),
    );
    assert_eq!(dec(&early["totals"]["INR"]["savings"]), Decimal::ZERO);
    assert_eq!(early["totals"]["INR"]["members"], 0);
    for query in [
        "month=2025-13",
        "month=2025-1",
        "as_of=2025-02-30",
        "as_of=9999-04-01",
        "as_of=2025-01-01&month=2025-01",
    ] {
        let (status, bad) = call(
            &server.url,
            "GET",
            &format!("/v1/nodes/{block}/rollup?{query}"),
            b"",
            As::Token(&token),
        );
        assert_eq!(
            (status, bad["code"].as_str()),
            (400, Some("bad_request")),
            "{query}: {bad}"
        );
    }
}

/// Each organisation's line, and the totals, against the core's own reports
/// on the phone's book as of `day`: the balance sheet for savings and loans,
/// the members on the day, the portfolio and the grade of the year to date.
fn the_rollup_is_the_core_s_on(r: &serde_json::Value, phones: &[(Book, Uuid)], day: NaiveDate) {
    let lines = r["organisations"].as_array().unwrap();
    assert_eq!(lines.len(), phones.len());
    let (mut savings_total, mut loans_total, mut members_total) = (Decimal::ZERO, Decimal::ZERO, 0);
    for (book, org) in phones {
        let line = lines.iter().find(|l| l["org"] == org.to_string()).unwrap();
        let members = book
            .members(*org)
            .unwrap()
            .iter()
            .filter(|m| m.joined_on <= day && !matches!(m.exited_on, Some(e) if e <= day))
            .count() as i64;
        assert_eq!(line["members"], members, "{day}");
        let sheet = book.balance_sheet(*org, day).unwrap();
        let savings: Decimal = sheet
            .liabilities
            .iter()
            .filter(|l| l.code == chart::MEMBER_SAVINGS || l.code == chart::MEMBER_VOLUNTARY)
            .map(|l| l.amount)
            .sum();
        let loans: Decimal = sheet
            .assets
            .iter()
            .filter(|l| l.code == chart::MEMBER_LOANS)
            .map(|l| l.amount)
            .sum();
        assert_eq!(dec(&line["savings"]), savings, "{day}");
        assert_eq!(dec(&line["loans_outstanding"]), loans, "{day}");
        let portfolio = book.portfolio(*org, day).unwrap();
        assert_eq!(portfolio.outstanding, loans, "{day}");
        assert_eq!(dec(&line["par30"]), portfolio.par30, "{day}");
        let o = book.organisation(*org).unwrap();
        let year = fiscal_year(&o, day).unwrap();
        let grading = book
            .grade(*org, Period::new(year.from, day).unwrap())
            .unwrap();
        assert_eq!(line["grade"], grading.grade, "{day}");
        assert_eq!(dec(&line["grade_score"]), grading.total, "{day}");
        let from = day.checked_sub_months(chrono::Months::new(3)).unwrap();
        let meetings = book
            .meetings(*org)
            .unwrap()
            .iter()
            .filter(|m| m.status == MeetingStatus::Closed && m.held_on > from && m.held_on <= day)
            .count() as i64;
        assert_eq!(line["meetings_last_3_months"], meetings, "{day}");
        assert_eq!(line["parent"], "VO");
        let (seq, hash) = book.chain_head(*org).unwrap();
        assert_eq!(line["head_seq"], seq);
        assert_eq!(line["head_hash"], daftar_sync::hex(&hash));
        assert_eq!(
            line["last_business_date"],
            book.last_business_date(*org).unwrap().to_string()
        );
        savings_total += savings;
        loans_total += loans;
        members_total += members;
    }
    let inr = &r["totals"]["INR"];
    assert_eq!(inr["organisations"], phones.len());
    assert_eq!(inr["members"], members_total);
    assert_eq!(dec(&inr["savings"]), savings_total);
    assert_eq!(dec(&inr["loans_outstanding"]), loans_total);
}

/// A server with a VO under which new books are placed, one phone's book of
/// `weeks` pushed to it, and an administrator's token.
fn one_phone_under_a_vo(
    seed: u64,
    weeks: u32,
) -> (String, tempfile::TempDir, Server, Book, Uuid, String) {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    admin(
        &db,
        &[
            "node", "add", "--kind", "vo", "--name", "VO", "--code", "VO-1",
        ],
    );
    let server = Server::start(&db, dir.path(), &["--new-orgs-under", "VO-1"]);
    let (book, org) = phone(dir.path(), "phone-a", seed, weeks);
    claim(&book, org);
    register(&server.url, &book);
    push_all(&server.url, &book, org);
    let token = admin(&db, &["user", "--name", "admin", "--admin"]);
    (db, dir, server, book, org, token)
}

#[test]
fn the_replica_is_rebuilt_when_lost_and_startup_catches_up_on_figures_left_behind() {
    let (db, dir, mut server, _book, _org, token) = one_phone_under_a_vo(77, 12);
    let path = "/v1/nodes/VO-1/rollup?month=2030-01";
    let before = consolidated(&server.url, &token, path);
    // The figures and the replicas are lost; a restart makes them again.
    server.kill();
    sql(&db, "DELETE FROM org_figures");
    std::fs::remove_dir_all(dir.path().join("books")).unwrap();
    server.restart();
    let after = consolidated(&server.url, &token, path);
    assert_eq!(before["organisations"], after["organisations"]);
}

#[test]
fn a_book_pushed_under_schema_1_gets_its_day_sums_when_the_server_upgrades() {
    let (db, _dir, mut server, book, org, token) = one_phone_under_a_vo(91, 20);
    let day = book.last_business_date(org).unwrap() - chrono::Days::new(40);
    let path = format!("/v1/nodes/VO-1/rollup?as_of={day}");
    let before = consolidated(&server.url, &token, &path);
    the_rollup_is_the_core_s_on(&before, &[(book, org)], day);
    // Back to schema 1 as it was shipped: month sums only (and no web sessions).
    server.kill();
    sql(
        &db,
        "DROP TABLE day_totals, day_activity, figures_on, totals_to_rebuild, web_sessions;
         ALTER TABLE org_figures
             ADD COLUMN currency text NOT NULL DEFAULT 'INR',
             ADD COLUMN scale smallint NOT NULL DEFAULT 2,
             ADD COLUMN members integer NOT NULL DEFAULT 0,
             ADD COLUMN savings bigint NOT NULL DEFAULT 0,
             ADD COLUMN loans_outstanding bigint NOT NULL DEFAULT 0,
             ADD COLUMN par30_outstanding bigint NOT NULL DEFAULT 0,
             ADD COLUMN grade text, ADD COLUMN grade_score numeric;
         DELETE FROM schema_version WHERE version >= 2;",
    );
    assert_eq!(sql(&db, "SELECT max(version) FROM schema_version"), ["1"]);
    server.restart();
    let after = consolidated(&server.url, &token, &path);
    assert_eq!(before["organisations"], after["organisations"]);
    assert_eq!(before["totals"], after["totals"]);
    assert_eq!(sql(&db, "SELECT count(*) FROM totals_to_rebuild"), ["0"]);
    let days = sql(
        &db,
        &format!("SELECT count(*) FROM day_totals WHERE org_id = '{org}'"),
    );
    assert_ne!(days, ["0"]);
}

/// Before a push is consolidated (here: never, the worker is off), a book's
/// balances, members and meetings come from the journal summed in
/// PostgreSQL; they must be the core's all the same.
#[test]
fn a_book_not_yet_consolidated_is_summed_from_the_journal_to_the_same_figures() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    admin(
        &db,
        &[
            "node", "add", "--kind", "vo", "--name", "VO", "--code", "VO-1",
        ],
    );
    let server = Server::start(
        &db,
        dir.path(),
        &["--new-orgs-under", "VO-1", "--no-consolidation"],
    );
    let (book, org) = phone(dir.path(), "phone-j", 23, 30);
    claim(&book, org);
    register(&server.url, &book);
    push_all(&server.url, &book, org);
    let token = admin(&db, &["user", "--name", "admin", "--admin"]);
    let last = book.last_business_date(org).unwrap();
    for day in [last, last - chrono::Days::new(40)] {
        let (status, r) = call(
            &server.url,
            "GET",
            &format!("/v1/nodes/VO-1/rollup?as_of={day}"),
            b"",
            As::Token(&token),
        );
        assert_eq!(status, 200, "{r}");
        let line = &r["organisations"][0];
        assert_eq!(line["consolidated"], false, "{line}");
        assert!(line["par30"].is_null() && line["grade"].is_null(), "{line}");
        let sheet = book.balance_sheet(org, day).unwrap();
        let sum = |codes: &[&str], lines: &[daftar_core::books::AccountLine]| -> Decimal {
            lines
                .iter()
                .filter(|l| codes.contains(&l.code.as_str()))
                .map(|l| l.amount)
                .sum()
        };
        assert_eq!(
            dec(&line["savings"]),
            sum(
                &[chart::MEMBER_SAVINGS, chart::MEMBER_VOLUNTARY],
                &sheet.liabilities
            ),
            "{day}"
        );
        assert_eq!(
            dec(&line["loans_outstanding"]),
            sum(&[chart::MEMBER_LOANS], &sheet.assets),
            "{day}"
        );
        let members = book
            .members(org)
            .unwrap()
            .iter()
            .filter(|m| m.joined_on <= day && !matches!(m.exited_on, Some(e) if e <= day))
            .count() as i64;
        assert_eq!(line["members"], members, "{day}");
        let from = day.checked_sub_months(chrono::Months::new(3)).unwrap();
        let meetings = book
            .meetings(org)
            .unwrap()
            .iter()
            .filter(|m| m.status == MeetingStatus::Closed && m.held_on > from && m.held_on <= day)
            .count() as i64;
        assert_eq!(line["meetings_last_3_months"], meetings, "{day}");
    }
}
