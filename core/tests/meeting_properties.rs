//! Property: random sequences of meetings keep the trial balance at zero, cash
//! never negative, and each loan's outstanding principal equal to what was paid
//! out less the principal repaid.

mod common;

use std::collections::HashMap;

use chrono::Duration;
use common::*;
use daftar_core::event::SavingsFund;
use daftar_core::lending::{LoanRequest, LoanStatus, Repayment};
use daftar_core::loan::{Frequency, LatePenalty, Method, RatePeriod};
use daftar_core::policy::{Policy, Withdrawals};
use daftar_core::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
enum Act {
    Save {
        member: u32,
        rupees: i64,
        voluntary: bool,
    },
    Withdraw {
        member: u32,
        rupees: i64,
    },
    Borrow {
        member: u32,
        rupees: i64,
        months: u32,
        method: u8,
    },
    /// Pay a share (in percent, over 100 means more than is due) of what is due.
    Repay {
        pick: usize,
        percent: u32,
    },
    Spend {
        rupees: i64,
    },
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        (1u32..5, 1i64..500, any::<bool>()).prop_map(|(member, rupees, voluntary)| Act::Save {
            member,
            rupees,
            voluntary
        }),
        (1u32..5, 1i64..300).prop_map(|(member, rupees)| Act::Withdraw { member, rupees }),
        (1u32..5, 100i64..3000, 1u32..12, 0u8..4).prop_map(|(member, rupees, months, method)| {
            Act::Borrow {
                member,
                rupees,
                months,
                method,
            }
        }),
        (0usize..8, 0u32..150).prop_map(|(pick, percent)| Act::Repay { pick, percent }),
        (1i64..200).prop_map(|rupees| Act::Spend { rupees }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn random_meetings_keep_the_books_whole(meetings in prop::collection::vec(prop::collection::vec(act(), 0..8), 1..10)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.daftar");
        let book = Book::open(&p).unwrap();
        let org = new_org(OrgKind::Shg, "INR");
        let id = org.id;
        book.create_organisation(&meta(), org).unwrap();
        let policy = Policy {
            withdrawals: Withdrawals::All,
            late_penalty: LatePenalty::Percent { percent: dec("5") },
            compulsory_savings: 5000,
            ..Policy::default()
        };
        book.set_policy(&meta(), id, date("2025-04-01"), policy).unwrap();
        for n in 0..4 {
            book.add_member(&meta(), id, member(&format!("m{n}"))).unwrap();
        }
        for (week, acts) in meetings.into_iter().enumerate() {
            let day = date("2025-04-07") + Duration::weeks(week as i64 * 3);
            let mno = book.open_meeting(&meta(), id, day).unwrap().number.unwrap();
            for a in acts {
                let mut before = snapshot_digest(&p);
                let r = match a.clone() {
                    Act::Save { member, rupees, voluntary } => book.deposit_savings(&meta(), id, SavingsEntry {
                        date: day, member_no: member, via: Via::Cash, amount: Decimal::from(rupees),
                        fund: if voluntary { SavingsFund::Voluntary } else { SavingsFund::Compulsory },
                    }),
                    Act::Withdraw { member, rupees } => book.withdraw_savings(&meta(), id, SavingsEntry {
                        date: day, member_no: member, via: Via::Cash, amount: Decimal::from(rupees), fund: SavingsFund::Compulsory,
                    }),
                    Act::Borrow { member, rupees, months, method } => {
                        let method = [Method::Flat, Method::Reducing, Method::Emi, Method::FeeDeducted][method as usize];
                        let req = LoanRequest { principal: Decimal::from(rupees), rate: dec("24"), rate_period: RatePeriod::Year, term: months, frequency: Frequency::Monthly, method, reference: None };
                        let l = book.apply_for_loan(&meta(), id, member, day, req).unwrap().number.unwrap();
                        book.approve_loan(&meta(), id, l, mno).unwrap();
                        before = snapshot_digest(&p);
                        book.disburse_loan(&meta(), id, l, day, Via::Cash)
                    }
                    Act::Repay { pick, percent } => {
                        let active: Vec<u32> = book.loans(id).unwrap().into_iter().filter(|l| l.status == LoanStatus::Active).map(|l| l.loan_no).collect();
                        if active.is_empty() { continue; }
                        let l = active[pick % active.len()];
                        let st = book.loan_standing(id, l, day).unwrap();
                        let amount = (st.payable_now * Decimal::from(percent) / Decimal::from(100)).round_dp(2);
                        book.repay_loan(&meta(), id, l, Repayment { date: day, via: Via::Cash, amount })
                    }
                    Act::Spend { rupees } => book.record_payment(&meta(), id, Voucher { date: day, ..voucher(Via::Cash, "5200", &rupees.to_string()) }),
                };
                if let Err(e) = r {
                    prop_assert!(matches!(e.code(), ErrorCode::InsufficientFunds | ErrorCode::InvalidInput), "{a:?}: {e}");
                    prop_assert_eq!(snapshot_digest(&p), before, "a refused command changed the book");
                }
            }
            let cash = book.balance(id, "1100").unwrap();
            prop_assert!(cash >= Decimal::ZERO);
            book.close_meeting(&meta(), id, mno, cash, None).unwrap();
            prop_assert!(book.trial_balance(id).unwrap().is_balanced());
        }
        // Outstanding per loan = principal paid out − principal repaid, from the postings.
        let mut per_member: HashMap<u32, Decimal> = HashMap::new();
        for l in book.loans(id).unwrap() {
            let paid_out = if l.status == LoanStatus::Applied || l.status == LoanStatus::Approved { 0 } else { l.terms.principal };
            let repaid: i64 = l.instalments.iter().map(|i| i.principal_paid).sum();
            let outstanding: i64 = l.instalments.iter().map(|i| i.principal - i.principal_paid).sum();
            prop_assert_eq!(outstanding, paid_out - repaid, "loan {}", l.loan_no);
            *per_member.entry(l.member_no.unwrap()).or_default() += daftar_core::money::from_minor(outstanding, 2);
        }
        for (m, outstanding) in per_member {
            prop_assert_eq!(book.balance(id, &format!("1300-{m:04}")).unwrap(), outstanding);
        }
        let intact = book.verify_chains(&mut |_, _| true).unwrap().iter().all(|c| c.is_intact());
        prop_assert!(intact, "the chain stopped verifying");
    }
}
