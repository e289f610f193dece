//! The server's books equal the phone's: the rollup of a VO's SHGs, summed
//! from the core's journal lines and computed by the core's own reports on the
//! server's replica, against the same reports run on each phone's book.

mod support;

use std::time::{Duration, Instant};

use daftar_core::books::fiscal_year;
use rust_decimal::Decimal;
use support::*;

/// Waits until the server's figures cover every organisation's whole chain.
fn consolidated(url: &str, token: &str, path: &str) -> serde_json::Value {
    let start = Instant::now();
    loop {
        let (status, r) = call(url, "GET", path, b"", As::Token(token));
        assert_eq!(status, 200, "{r}");
        let orgs = r["organisations"].as_array().unwrap();
        if !orgs.is_empty() && orgs.iter().all(|o| o["consolidated"] == true) {
            return r;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "never consolidated: {r}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

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
    let month = last.format("%Y-%m").to_string();
    let r = consolidated(
        &server.url,
        &token,
        &format!("/v1/nodes/{block}/rollup?month={month}"),
    );
    let lines = r["organisations"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    let (mut savings_total, mut loans_total) = (Decimal::ZERO, Decimal::ZERO);
    for (book, org) in &phones {
        let line = lines.iter().find(|l| l["org"] == org.to_string()).unwrap();
        let members = book
            .members(*org)
            .unwrap()
            .iter()
            .filter(|m| m.exited_on.is_none())
            .count();
        assert_eq!(line["members"], members as i64);
        let savings: Decimal = book
            .accounts(*org)
            .unwrap()
            .iter()
            .filter(|a| a.code.starts_with("2100") || a.code.starts_with("2110"))
            .map(|a| -a.balance)
            .sum();
        assert_eq!(dec(&line["savings"]), savings);
        let as_of = book.last_business_date(*org).unwrap();
        let portfolio = book.portfolio(*org, as_of).unwrap();
        assert_eq!(dec(&line["loans_outstanding"]), portfolio.outstanding);
        assert_eq!(dec(&line["par30"]), portfolio.par30);
        let o = book.organisation(*org).unwrap();
        let grading = book.grade(*org, fiscal_year(&o, as_of).unwrap()).unwrap();
        assert_eq!(line["grade"], grading.grade);
        assert_eq!(dec(&line["grade_score"]), grading.total);
        assert_eq!(line["parent"], "VO");
        let (seq, hash) = book.chain_head(*org).unwrap();
        assert_eq!(line["head_seq"], seq);
        assert_eq!(line["head_hash"], daftar_sync::hex(&hash));
        assert!(line["code"].as_str().unwrap().starts_with("LOKOS-"));
        savings_total += savings;
        loans_total += portfolio.outstanding;
    }
    let inr = &r["totals"]["INR"];
    assert_eq!(inr["organisations"], 2);
    assert_eq!(dec(&inr["savings"]), savings_total);
    assert_eq!(dec(&inr["loans_outstanding"]), loans_total);
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
    let (status, bad) = call(
        &server.url,
        "GET",
        &format!("/v1/nodes/{block}/rollup?month=2025-13"),
        b"",
        As::Token(&token),
    );
    assert_eq!((status, bad["code"].as_str()), (400, Some("bad_request")));
}

#[test]
fn the_replica_is_rebuilt_when_lost_and_startup_catches_up_on_figures_left_behind() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    admin(
        &db,
        &[
            "node", "add", "--kind", "vo", "--name", "VO", "--code", "VO-1",
        ],
    );
    let mut server = Server::start(&db, dir.path(), &["--new-orgs-under", "VO-1"]);
    let (book, org) = phone(dir.path(), "phone-a", 77, 12);
    claim(&book, org);
    register(&server.url, &book);
    push_all(&server.url, &book, org);
    let token = admin(&db, &["user", "--name", "admin", "--admin"]);
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
