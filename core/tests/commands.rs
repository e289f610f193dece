//! Organisations, members, the ledger and idempotency, through the public API.

mod common;

use common::*;
use daftar_core::*;

fn open() -> (tempfile::TempDir, std::path::PathBuf, Book) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("book.daftar");
    let book = Book::open(&p).unwrap();
    (dir, p, book)
}

#[test]
fn an_organisation_gets_the_default_chart_of_its_kind() {
    let (_d, _p, book) = open();
    let shg = new_org(OrgKind::Shg, "INR");
    let fund = new_org(OrgKind::Fund, "IRR");
    let (shg_id, fund_id) = (shg.id, fund.id);
    book.create_organisation(&meta(), shg).unwrap();
    book.create_organisation(&meta(), fund).unwrap();
    let codes = |id| {
        book.accounts(id)
            .unwrap()
            .into_iter()
            .map(|a| a.code)
            .collect::<Vec<_>>()
    };
    assert!(codes(shg_id).contains(&"3100".to_string()));
    assert_eq!(
        book.accounts(shg_id)
            .unwrap()
            .iter()
            .find(|a| a.code == "3100")
            .unwrap()
            .name,
        "Revolving Fund"
    );
    assert_eq!(
        book.accounts(fund_id)
            .unwrap()
            .iter()
            .find(|a| a.code == "4100")
            .unwrap()
            .name,
        "Service fees (qard al-hasan)"
    );
    let o = book.organisation(fund_id).unwrap();
    assert_eq!((o.currency.code.as_str(), o.currency.scale), ("IRR", 0));
    assert_eq!(o.calendar, Calendar::Persian);
    assert_eq!(o.locale, Locale::FaIr);
}

#[test]
fn any_iso_currency_needs_its_scale_and_uses_it() {
    let (_d, _p, book) = open();
    let mut o = new_org(OrgKind::Ngo, "INR");
    o.currency = Currency {
        code: "KWD".into(),
        scale: 3,
    };
    let id = o.id;
    book.create_organisation(&meta(), o).unwrap();
    book.record_receipt(&meta(), id, voucher(Via::Cash, "4500", "1.125"))
        .unwrap();
    assert_eq!(book.balance(id, "1100").unwrap().to_string(), "1.125");
}

#[test]
fn members_get_numbers_sub_ledgers_and_nfc_names() {
    let (_d, _p, book) = open();
    let org = new_org(OrgKind::Shg, "INR");
    let id = org.id;
    book.create_organisation(&meta(), org).unwrap();
    let a = book
        .add_member(&meta(), id, member("  Re\u{301}ma  "))
        .unwrap();
    assert_eq!(a.number, Some(1));
    let mut m = member("सीता");
    m.member_no = Some(10);
    m.role = MemberRole::Treasurer;
    m.phone = Some("+91 98765 43210".into());
    assert_eq!(book.add_member(&meta(), id, m).unwrap().number, Some(10));
    assert_eq!(
        book.add_member(&meta(), id, member("गीता")).unwrap().number,
        Some(11)
    );
    let r = book.member(id, 1).unwrap();
    assert_eq!(r.name, "R\u{e9}ma");
    let s = book.member(id, 10).unwrap();
    assert_eq!(
        (s.role, s.phone.as_deref()),
        (MemberRole::Treasurer, Some("+919876543210"))
    );
    let codes: Vec<_> = book
        .accounts(id)
        .unwrap()
        .into_iter()
        .map(|a| a.code)
        .collect();
    for c in ["1300-0010", "2100-0010", "1300-0001", "2100-0011"] {
        assert!(codes.contains(&c.to_string()), "{c}");
    }
}

#[test]
fn a_member_number_is_unique_within_its_organisation_only() {
    let (_d, p, book) = open();
    let id1 = shg_with_members(&book, 2, "0");
    let id2 = shg_with_members(&book, 0, "0");
    let mut m = member("x");
    m.member_no = Some(2);
    let before = snapshot(&p);
    let e = book.add_member(&meta(), id1, m.clone()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert_eq!(snapshot(&p), before);
    assert_eq!(book.add_member(&meta(), id2, m).unwrap().number, Some(2));
}

#[test]
fn search_finds_persian_names_typed_with_arabic_letters() {
    let (_d, _p, book) = open();
    let org = new_org(OrgKind::Fund, "IRR");
    let id = org.id;
    book.create_organisation(&meta(), org).unwrap();
    book.add_member(&meta(), id, member("علی کریمی")).unwrap();
    book.add_member(&meta(), id, member("زهرا احمدی")).unwrap();
    // Arabic yeh and kaf in the query.
    let found = book.find_members(id, "علي كريمي").unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "علی کریمی");
    // And the other way round: a name stored with Arabic letters is found by Persian ones.
    book.add_member(&meta(), id, member("مهدي")).unwrap();
    assert_eq!(book.find_members(id, "مهدی").unwrap()[0].name, "مهدي");
}

#[test]
fn member_changes_apply_and_an_exit_needs_settled_accounts() {
    let (_d, p, book) = open();
    let id = shg_with_members(&book, 2, "100");
    let d = date("2025-05-01");
    book.change_member(
        &meta(),
        id,
        1,
        d,
        MemberChange {
            name: Some("सीता देवी".into()),
            role: Some(MemberRole::President),
            phone: Some(Some("9876543210".into())),
            exited_on: None,
        },
    )
    .unwrap();
    let m = book.member(id, 1).unwrap();
    assert_eq!(
        (m.name.as_str(), m.role, m.phone.as_deref()),
        ("सीता देवी", MemberRole::President, Some("9876543210"))
    );
    book.change_member(
        &meta(),
        id,
        1,
        d,
        MemberChange {
            phone: Some(None),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(book.member(id, 1).unwrap().phone, None);

    let before = snapshot(&p);
    let exit = MemberChange {
        exited_on: Some(d),
        ..Default::default()
    };
    let e = book
        .change_member(&meta(), id, 2, d, exit.clone())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
    assert_eq!(snapshot(&p), before);

    book.withdraw_savings(&meta(), id, deposit(2, "100"))
        .unwrap();
    book.change_member(&meta(), id, 2, d, exit).unwrap();
    assert_eq!(book.member(id, 2).unwrap().exited_on, Some(d));
    let e = book
        .deposit_savings(&meta(), id, deposit(2, "10"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains("exited"));
}

#[test]
fn receipts_payments_transfers_and_savings_post_balanced_entries() {
    let (_d, _p, book) = open();
    let id = shg_with_members(&book, 2, "250.50");
    book.record_receipt(&meta(), id, voucher(Via::Cash, "4300", "20"))
        .unwrap();
    book.record_payment(&meta(), id, voucher(Via::Cash, "5200", "35.25"))
        .unwrap();
    book.transfer(
        &meta(),
        id,
        CashTransfer {
            date: date("2025-04-09"),
            from: Via::Cash,
            to: Via::Bank,
            amount: dec("400"),
            narration: String::new(),
        },
    )
    .unwrap();
    book.record_receipt(&meta(), id, voucher(Via::Bank, "4400", "3.10"))
        .unwrap();
    book.record_payment(&meta(), id, voucher(Via::Bank, "5100", "1.18"))
        .unwrap();
    book.withdraw_savings(&meta(), id, deposit(1, "50.50"))
        .unwrap();

    assert_eq!(book.balance(id, "1100").unwrap(), dec("35.25")); // 501 + 20 - 35.25 - 400 - 50.50
    assert_eq!(book.balance(id, "1200").unwrap(), dec("401.92"));
    assert_eq!(book.balance(id, "2100-0001").unwrap(), dec("-200.00"));
    assert_eq!(book.balance(id, "2100-0002").unwrap(), dec("-250.50"));
    let tb = book.trial_balance(id).unwrap();
    assert!(tb.is_balanced());
    // Cash 35.25 + bank 401.92 + stationery 35.25 + bank charges 1.18.
    assert_eq!(tb.total_debit, dec("473.60"));
    let cash = tb.rows.iter().find(|r| r.code == "1100").unwrap();
    assert_eq!((cash.debit, cash.credit), (dec("35.25"), dec("0")));
}

#[test]
fn the_same_op_id_with_the_same_content_returns_the_first_result_and_writes_nothing() {
    let (_d, p, book) = open();
    let id = shg_with_members(&book, 1, "0");
    let m = meta();
    let first = book.deposit_savings(&m, id, deposit(1, "100")).unwrap();
    assert!(!first.replayed);
    let before = snapshot(&p);
    // A retry from another clock time is still the same command.
    let mut retry = m.clone();
    retry.recorded_at = Some("2025-04-02T08:00:00Z".into());
    let again = book
        .deposit_savings(&retry, id, deposit(1, "100.00"))
        .unwrap();
    assert!(again.replayed);
    assert_eq!(
        (again.seq, again.hash, again.org_id),
        (first.seq, first.hash, first.org_id)
    );
    assert_eq!(snapshot(&p), before);

    // A retried member addition returns the number it was given the first time.
    let mm = meta();
    let a = book.add_member(&mm, id, member("राधा")).unwrap();
    let b = book.add_member(&mm, id, member("राधा")).unwrap();
    assert_eq!((a.number, b.replayed), (Some(2), true));
    assert_eq!(book.members(id).unwrap().len(), 2);
}

#[test]
fn the_same_op_id_with_other_content_is_a_conflict_and_writes_nothing() {
    let (_d, p, book) = open();
    let id = shg_with_members(&book, 2, "0");
    let m = meta();
    book.deposit_savings(&m, id, deposit(1, "100")).unwrap();
    let before = snapshot(&p);
    for other in [deposit(1, "101"), deposit(2, "100")] {
        let e = book.deposit_savings(&m, id, other).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Conflict);
    }
    let e = book
        .withdraw_savings(&m, id, deposit(1, "100"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert_eq!(snapshot(&p), before);
}

/// Each bad command, and the error field or code it must be refused with.
#[test]
fn every_bad_input_is_refused_and_leaves_the_book_exactly_as_it_was() {
    let (_d, p, book) = open();
    let id = shg_with_members(&book, 2, "100");
    let fund = new_org(OrgKind::Fund, "IRR");
    let fund_id = fund.id;
    book.create_organisation(&meta(), fund).unwrap();
    book.add_member(&meta(), fund_id, member("زهرا")).unwrap();
    let before = snapshot(&p);
    let heads = (
        book.chain_head(id).unwrap(),
        book.chain_head(fund_id).unwrap(),
    );

    let field = |e: Error| match e {
        Error::InvalidInput { field, .. } => field,
        other => other.code().to_string(),
    };
    let cases: Vec<(&str, Result<Outcome>)> = vec![
        (
            "amount",
            book.deposit_savings(&meta(), id, deposit(1, "10.005")),
        ),
        (
            "amount",
            book.deposit_savings(&meta(), fund_id, deposit(1, "10.5")),
        ),
        ("amount", book.deposit_savings(&meta(), id, deposit(1, "0"))),
        (
            "amount",
            book.deposit_savings(&meta(), id, deposit(1, "-5")),
        ),
        (
            "amount",
            book.record_receipt(
                &meta(),
                id,
                voucher(Via::Cash, "4300", "92233720368547758.08"),
            ),
        ),
        (
            "insufficient_funds",
            book.withdraw_savings(&meta(), id, deposit(1, "100.01")),
        ),
        (
            "insufficient_funds",
            book.record_payment(&meta(), id, voucher(Via::Cash, "5200", "200.01")),
        ),
        (
            "insufficient_funds",
            book.record_payment(&meta(), id, voucher(Via::Bank, "5100", "1")),
        ),
        (
            "not_found",
            book.deposit_savings(&meta(), id, deposit(9, "10")),
        ),
        (
            "not_found",
            book.record_receipt(&meta(), id, voucher(Via::Cash, "4999", "1")),
        ),
        (
            "not_found",
            book.deposit_savings(&meta(), uuid::Uuid::now_v7(), deposit(1, "10")),
        ),
        (
            "account",
            book.record_receipt(&meta(), id, voucher(Via::Cash, "5200", "1")),
        ),
        (
            "account",
            book.record_payment(&meta(), id, voucher(Via::Cash, "4300", "1")),
        ),
        (
            "account",
            book.record_receipt(&meta(), id, voucher(Via::Cash, "2100-0001", "1")),
        ),
        (
            "account",
            book.record_payment(&meta(), id, voucher(Via::Cash, "1200", "1")),
        ),
        (
            "date",
            book.record_receipt(
                &meta(),
                id,
                Voucher {
                    date: date("2025-03-31"),
                    ..voucher(Via::Cash, "4300", "1")
                },
            ),
        ),
        (
            "to",
            book.transfer(
                &meta(),
                id,
                CashTransfer {
                    date: date("2025-04-09"),
                    from: Via::Cash,
                    to: Via::Cash,
                    amount: dec("1"),
                    narration: String::new(),
                },
            ),
        ),
        ("name", book.add_member(&meta(), id, member("   "))),
        (
            "phone",
            book.add_member(
                &meta(),
                id,
                NewMember {
                    phone: Some("12ab".into()),
                    ..member("x")
                },
            ),
        ),
        (
            "member_no",
            book.add_member(
                &meta(),
                id,
                NewMember {
                    member_no: Some(0),
                    ..member("x")
                },
            ),
        ),
        (
            "joined_on",
            book.add_member(
                &meta(),
                id,
                NewMember {
                    joined_on: date("2020-01-01"),
                    ..member("x")
                },
            ),
        ),
        (
            "change",
            book.change_member(&meta(), id, 1, date("2025-05-01"), MemberChange::default()),
        ),
        (
            "actor",
            book.deposit_savings(
                &CommandMeta {
                    actor: "".into(),
                    ..meta()
                },
                id,
                deposit(1, "1"),
            ),
        ),
        (
            "recorded_at",
            book.deposit_savings(
                &CommandMeta {
                    recorded_at: Some("yesterday".into()),
                    ..meta()
                },
                id,
                deposit(1, "1"),
            ),
        ),
        (
            "conflict",
            book.create_organisation(
                &meta(),
                NewOrganisation {
                    id,
                    ..new_org(OrgKind::Shg, "INR")
                },
            ),
        ),
        (
            "currency_scale",
            book.create_organisation(
                &meta(),
                NewOrganisation {
                    currency: Currency {
                        code: "KWD".into(),
                        scale: 9,
                    },
                    ..new_org(OrgKind::Shg, "INR")
                },
            ),
        ),
        (
            "fiscal_year_start",
            book.create_organisation(
                &meta(),
                NewOrganisation {
                    fiscal_year_start: FiscalYearStart { month: 2, day: 30 },
                    ..new_org(OrgKind::Shg, "INR")
                },
            ),
        ),
    ];
    for (i, (want, got)) in cases.into_iter().enumerate() {
        let e = got.expect_err(&format!("case {i} ({want}) must be refused"));
        assert_eq!(field(e.clone()), want, "case {i}: {e}");
    }
    assert_eq!(snapshot(&p), before);
    assert_eq!(
        (
            book.chain_head(id).unwrap(),
            book.chain_head(fund_id).unwrap()
        ),
        heads
    );
}

#[test]
fn cash_and_savings_never_go_negative_but_an_error_names_the_account() {
    let (_d, _p, book) = open();
    let id = shg_with_members(&book, 1, "10");
    let e = book
        .withdraw_savings(&meta(), id, deposit(1, "11"))
        .unwrap_err();
    match e {
        Error::InsufficientFunds(s) => {
            let daftar_core::error::Shortfall {
                account,
                balance,
                needed,
                currency,
                balance_shown,
                needed_shown,
            } = *s;
            assert!(account.starts_with("2100-0001"), "{account}");
            assert_eq!((balance, needed), (dec("10.00"), dec("11.00")));
            assert_eq!(currency, "INR");
            // The organisation writes money in hi-IN: Devanagari digits.
            assert_eq!(
                (balance_shown.as_str(), needed_shown.as_str()),
                ("१०.०० INR", "११.०० INR")
            );
        }
        other => panic!("{other}"),
    }
}

#[test]
fn events_and_postings_cannot_be_updated_or_deleted() {
    let (_d, p, book) = open();
    shg_with_members(&book, 1, "10");
    let c = rusqlite::Connection::open(&p).unwrap();
    for sql in [
        "UPDATE events SET actor = 'x'",
        "DELETE FROM events",
        "UPDATE postings SET amount = amount + 1",
        "DELETE FROM postings",
    ] {
        let e = c.execute(sql, []).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
}

#[test]
fn a_book_holds_several_organisations_each_with_its_own_chain() {
    let (_d, _p, book) = open();
    let a = shg_with_members(&book, 2, "10");
    let b = shg_with_members(&book, 3, "10");
    // Creation, policy, then an addition and a deposit per member.
    assert_eq!(book.chain_head(a).unwrap().0, 2 + 2 * 2);
    assert_eq!(book.chain_head(b).unwrap().0, 2 + 3 * 2);
    let chains = book.verify_chains(&mut |_, _| true).unwrap();
    assert_eq!(chains.len(), 2);
    assert!(chains.iter().all(|c| c.is_intact()));
    assert_eq!(book.resolve_org(&a.to_string()).unwrap(), a);
    let e = book.resolve_org(&a.to_string()[..4]).unwrap_err();
    assert!(e.to_string().contains("more than one"), "{e}");
}

#[test]
fn the_book_can_be_shared_between_threads() {
    let (_d, _p, book) = open();
    let id = shg_with_members(&book, 4, "0");
    let book = std::sync::Arc::new(book);
    let handles: Vec<_> = (1..=4u32)
        .map(|no| {
            let book = book.clone();
            std::thread::spawn(move || {
                for _ in 0..10 {
                    book.deposit_savings(&meta(), id, deposit(no, "1")).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(book.balance(id, "1100").unwrap(), dec("40.00"));
    assert!(book
        .verify_chains(&mut |_, _| true)
        .unwrap()
        .iter()
        .all(|c| c.is_intact()));
}
