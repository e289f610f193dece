//! The server serves the CIF reconciliation of a VO with the groups under it,
//! from its replicas of their books, equal to the core's own on the phones'.

mod support;

use chrono::NaiveDate;
use daftar_core::books::cif_reconciliation;
use daftar_core::event::FacilitySource;
use daftar_core::lending::{LoanRequest, Repayment};
use daftar_core::loan::{Frequency, Method, RatePeriod};
use daftar_core::money::{Currency, RoundingRule};
use daftar_core::org::{Calendar, FiscalYearStart, NewOrganisation, OrgKind};
use daftar_core::{Book, Locale, Via};
use rust_decimal::Decimal;
use support::*;
use uuid::Uuid;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn cif(principal: i64, reference: &str) -> LoanRequest {
    LoanRequest {
        principal: Decimal::from(principal),
        rate: Decimal::from(12),
        rate_period: RatePeriod::Year,
        term: 10,
        frequency: Frequency::Monthly,
        method: Method::Reducing,
        reference: Some(reference.into()),
    }
}

fn found(book: &Book, kind: OrgKind, name: &str) -> Uuid {
    let o = NewOrganisation {
        id: Uuid::now_v7(),
        kind,
        name: name.into(),
        currency: Currency::new("INR", None).unwrap(),
        calendar: Calendar::Gregorian,
        fiscal_year_start: FiscalYearStart { month: 4, day: 1 },
        locale: Locale::EnIn,
        rounding: RoundingRule::default(),
        opened_on: day("2025-04-01"),
    };
    let id = o.id;
    book.create_organisation(&meta(book), o).unwrap();
    id
}

#[test]
fn a_vos_cif_reconciliation_is_served_from_the_replicas_as_the_core_computes_it() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    // The VO's phone: 60,000 of CIF lent on 10 April to two member groups;
    // the first instalment of the 40,000 (4,400) comes back on 10 May.
    let vo_book = Book::open(dir.path().join("vo.daftar")).unwrap();
    vo_book.device_identity("vo-phone").unwrap();
    let m = || meta(&vo_book);
    let vo = found(&vo_book, OrgKind::Vo, "Jyoti VO");
    vo_book
        .receive_borrowing(
            &m(),
            vo,
            FacilitySource::Cif,
            day("2025-04-01"),
            Via::Bank,
            LoanRequest {
                reference: None,
                ..cif(100_000, "-")
            },
        )
        .unwrap();
    for name in ["Asha SHG", "Deepa SHG"] {
        vo_book
            .add_member(
                &m(),
                vo,
                daftar_core::NewMember {
                    member_no: None,
                    name: name.into(),
                    role: daftar_core::MemberRole::Member,
                    phone: None,
                    joined_on: day("2025-04-01"),
                },
            )
            .unwrap();
    }
    let meeting = vo_book
        .open_meeting(&m(), vo, day("2025-04-10"))
        .unwrap()
        .number
        .unwrap();
    let first = vo_book
        .sanction_loan(
            &m(),
            vo,
            1,
            day("2025-04-10"),
            cif(40_000, "CIF/25/001"),
            Via::Bank,
        )
        .unwrap()
        .number
        .unwrap();
    vo_book
        .sanction_loan(
            &m(),
            vo,
            2,
            day("2025-04-10"),
            cif(20_000, "CIF/25/002"),
            Via::Bank,
        )
        .unwrap();
    vo_book
        .close_meeting(&m(), vo, meeting, Decimal::ZERO, None)
        .unwrap();
    let back = Repayment {
        date: day("2025-05-10"),
        via: Via::Bank,
        amount: Decimal::from(4_400),
    };
    vo_book.repay_loan(&m(), vo, first, back.clone()).unwrap();
    // The groups' phone: Asha recorded its repayment; Deepa wrote 2,000 short.
    let groups = Book::open(dir.path().join("groups.daftar")).unwrap();
    groups.device_identity("groups-phone").unwrap();
    let g = || meta(&groups);
    let asha = found(&groups, OrgKind::Shg, "Asha SHG");
    let deepa = found(&groups, OrgKind::Shg, "Deepa SHG");
    let borrowed = groups
        .receive_borrowing(
            &g(),
            asha,
            FacilitySource::Cif,
            day("2025-04-10"),
            Via::Bank,
            cif(40_000, "CIF/25/001"),
        )
        .unwrap()
        .number
        .unwrap();
    groups.repay_borrowing(&g(), asha, borrowed, back).unwrap();
    groups
        .receive_borrowing(
            &g(),
            deepa,
            FacilitySource::Cif,
            day("2025-04-10"),
            Via::Bank,
            cif(18_000, "CIF/25/002"),
        )
        .unwrap();

    let server = Server::start(&db, dir.path(), &[]);
    for (book, orgs) in [(&vo_book, vec![vo]), (&groups, vec![asha, deepa])] {
        register(&server.url, book);
        for org in orgs {
            claim(book, org);
            push_all(&server.url, book, org);
        }
    }
    admin(
        &db,
        &[
            "node", "add", "--kind", "block", "--name", "Block", "--code", "BLK-1",
        ],
    );
    admin(
        &db,
        &[
            "node",
            "place",
            "--org",
            &vo.to_string(),
            "--parent",
            "BLK-1",
            "--code",
            "VO-7",
        ],
    );
    for org in [asha, deepa] {
        admin(
            &db,
            &[
                "node",
                "place",
                "--org",
                &org.to_string(),
                "--parent",
                "VO-7",
            ],
        );
    }
    let staff = admin(&db, &["user", "--name", "vo-staff", "--node", "VO-7"]);
    let (status, r) = call(
        &server.url,
        "GET",
        "/v1/nodes/VO-7/cif?as_of=2025-05-31",
        b"",
        As::Token(&staff),
    );
    assert_eq!(status, 200, "{r}");
    let want = cif_reconciliation(
        (&vo_book, vo),
        &[(&groups, asha), (&groups, deepa)],
        day("2025-05-31"),
    )
    .unwrap();
    assert_eq!(r, serde_json::to_value(&want).unwrap());
    let statuses: Vec<&str> = r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["agrees", "differs"]);
    assert_eq!(r["difference"], "2000.00");

    // The VO's page shows the same lines and totals, in the reader's language.
    let cookies = web_sign_in(&server.url, &staff);
    let (status, page) = web_page(
        &server.url,
        "/web/nodes/VO-7/cif?as_of=2025-05-31&lang=hi",
        &cookies,
    );
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("data-status=\"Agrees\""), "{page}");
    assert!(page.contains("data-status=\"Differs\""), "{page}");
    assert!(page.contains(&format!(
        "data-field=\"difference\" data-value=\"{}\"",
        want.difference
    )));
    assert!(page.contains(&format!(
        "data-field=\"lender\" data-value=\"{}\"",
        want.lender_outstanding
    )));
    assert!(page.contains("सीआईएफ मिलान"), "the Hindi title");
    // Without a session the page sends the reader to sign in; another VO's staff is refused.
    let (status, _) = web_page(&server.url, "/web/nodes/VO-7/cif", "");
    assert_eq!(status, 303);

    // Another VO's staff may not read it; an SHG is not a lender; a bad date is refused.
    admin(
        &db,
        &[
            "node", "add", "--kind", "vo", "--name", "Other VO", "--code", "VO-8",
        ],
    );
    let other = admin(&db, &["user", "--name", "other-staff", "--node", "VO-8"]);
    let (status, _) = call(
        &server.url,
        "GET",
        "/v1/nodes/VO-7/cif",
        b"",
        As::Token(&other),
    );
    assert_eq!(status, 403);
    let other_cookies = web_sign_in(&server.url, &other);
    let (status, _) = web_page(&server.url, "/web/nodes/VO-7/cif", &other_cookies);
    assert_eq!(status, 403);
    let (status, r) = call(
        &server.url,
        "GET",
        &format!("/v1/nodes/{asha}/cif"),
        b"",
        As::Token(&staff),
    );
    assert_eq!(
        (status, r["code"].as_str()),
        (400, Some("bad_request")),
        "{r}"
    );
    let (status, _) = call(
        &server.url,
        "GET",
        "/v1/nodes/VO-7/cif?as_of=2025-13-01",
        b"",
        As::Token(&staff),
    );
    assert_eq!(status, 400);
}
