//! Property: any sequence of commands keeps every trial balance at zero, every
//! chain verifying, cash and savings non-negative, and refused commands harmless.

mod common;

use common::*;
use daftar_core::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
enum Op {
    Deposit {
        org: usize,
        member: u32,
        minor: i64,
        bank: bool,
    },
    Withdraw {
        org: usize,
        member: u32,
        minor: i64,
        bank: bool,
    },
    Receipt {
        org: usize,
        minor: i64,
        bank: bool,
    },
    Payment {
        org: usize,
        minor: i64,
        bank: bool,
    },
    Transfer {
        org: usize,
        minor: i64,
        to_bank: bool,
    },
    AddMember {
        org: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let org = 0usize..2;
    let minor = 1i64..50_000;
    prop_oneof![
        (org.clone(), 1u32..5, minor.clone(), any::<bool>()).prop_map(
            |(org, member, minor, bank)| Op::Deposit {
                org,
                member,
                minor,
                bank
            }
        ),
        (org.clone(), 1u32..5, minor.clone(), any::<bool>()).prop_map(
            |(org, member, minor, bank)| Op::Withdraw {
                org,
                member,
                minor,
                bank
            }
        ),
        (org.clone(), minor.clone(), any::<bool>()).prop_map(|(org, minor, bank)| Op::Receipt {
            org,
            minor,
            bank
        }),
        (org.clone(), minor.clone(), any::<bool>()).prop_map(|(org, minor, bank)| Op::Payment {
            org,
            minor,
            bank
        }),
        (org.clone(), minor, any::<bool>()).prop_map(|(org, minor, to_bank)| Op::Transfer {
            org,
            minor,
            to_bank
        }),
        org.prop_map(|org| Op::AddMember { org }),
    ]
}

fn via(bank: bool) -> Via {
    if bank {
        Via::Bank
    } else {
        Via::Cash
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_commands_keep_books_balanced_and_chains_intact(ops in prop::collection::vec(op(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.daftar");
        let book = Book::open(&p).unwrap();
        let inr = new_org(OrgKind::Shg, "INR");
        let irr = new_org(OrgKind::Fund, "IRR");
        let orgs = [(inr.id, 2u32), (irr.id, 0u32)];
        book.create_organisation(&meta(), inr).unwrap();
        book.create_organisation(&meta(), irr).unwrap();
        for (id, _) in orgs {
            let all = policy::Policy { withdrawals: policy::Withdrawals::All, ..Default::default() };
            book.set_policy(&meta(), id, date("2025-04-01"), all).unwrap();
        }
        for (id, _) in orgs {
            for n in 0..2 {
                book.add_member(&meta(), id, member(&format!("m{n}"))).unwrap();
            }
        }
        for op in ops {
            let before = snapshot_digest(&p);
            let amount = |org: usize, minor: i64| Decimal::new(minor, orgs[org].1);
            let result = match op.clone() {
                Op::Deposit { org, member, minor, bank } => book.deposit_savings(&meta(), orgs[org].0,
                    SavingsEntry { via: via(bank), amount: amount(org, minor), ..deposit(member, "1") }),
                Op::Withdraw { org, member, minor, bank } => book.withdraw_savings(&meta(), orgs[org].0,
                    SavingsEntry { via: via(bank), amount: amount(org, minor), ..deposit(member, "1") }),
                Op::Receipt { org, minor, bank } => book.record_receipt(&meta(), orgs[org].0,
                    Voucher { amount: amount(org, minor), ..voucher(via(bank), "4300", "1") }),
                Op::Payment { org, minor, bank } => book.record_payment(&meta(), orgs[org].0,
                    Voucher { amount: amount(org, minor), ..voucher(via(bank), "5900", "1") }),
                Op::Transfer { org, minor, to_bank } => book.transfer(&meta(), orgs[org].0, CashTransfer {
                    date: date("2025-04-10"), from: via(!to_bank), to: via(to_bank),
                    amount: amount(org, minor), narration: String::new() }),
                Op::AddMember { org } => book.add_member(&meta(), orgs[org].0, member("नया")),
            };
            match result {
                Ok(o) => prop_assert!(!o.replayed),
                Err(e) => {
                    // Valid commands are refused only for want of funds or members.
                    prop_assert!(matches!(e.code(), ErrorCode::InsufficientFunds | ErrorCode::NotFound), "{op:?}: {e}");
                    prop_assert_eq!(snapshot_digest(&p), before, "a refused command changed the book");
                }
            }
            for (id, _) in orgs {
                let tb = book.trial_balance(id).unwrap();
                prop_assert!(tb.is_balanced(), "{:?}", tb);
                for a in book.accounts(id).unwrap() {
                    if a.code == "1100" || a.code == "1200" {
                        prop_assert!(a.balance >= Decimal::ZERO);
                    }
                    if a.code.starts_with("2100-") {
                        prop_assert!(a.balance <= Decimal::ZERO);
                    }
                }
            }
            let intact = book.verify_chains(&mut |_, _| true).unwrap().iter().all(|c| c.is_intact());
            prop_assert!(intact, "a chain stopped verifying");
        }
    }
}
