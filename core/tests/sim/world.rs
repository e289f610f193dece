//! The world made from a seed, its steps, and the checks after each step and at the end.

use super::*;
use crate::common::*;
use daftar_core::event::SavingsFund;
use daftar_core::policy::Policy;
use daftar_core::*;
use daftar_sync::DeviceKey;
use rust_decimal::Decimal;

impl World {
    pub(crate) fn new(seed: u64, server: Box<dyn Server>) -> World {
        let dir = tempfile::tempdir().unwrap();
        let mut phones = Vec::new();
        for i in 0..PHONES {
            let path = dir.path().join(format!("phone-{i}.daftar"));
            let book = Book::open(&path).unwrap();
            let name = format!("phone-{i}");
            book.device_identity(&name).unwrap();
            phones.push(Phone {
                path,
                book: Some(book),
                name,
            });
        }
        let admin = DeviceKey::from_secret(&[seed as u8 ^ 0x5a; 32]);
        let mut w = World {
            _dir: dir,
            rng: fastrand::Rng::with_seed(seed),
            phones,
            lost: Vec::new(),
            server,
            orgs: Vec::new(),
            model: Vec::new(),
            admin,
            date: date("2025-04-08"),
            log: Vec::new(),
            stats: Stats::default(),
        };
        for phone in &w.phones {
            w.server.join(phone.book.as_ref().unwrap());
        }
        for o in 0..ORGS {
            let p = o % PHONES;
            let book = w.phones[p].book.as_ref().unwrap();
            let new = new_org(OrgKind::Shg, "INR");
            let org = new.id;
            book.create_organisation(&on(&w.phones[p]), new).unwrap();
            let policy = Policy {
                withdrawals: policy::Withdrawals::All,
                recovery_key: Some(w.admin.public()),
                ..Policy::default()
            };
            book.set_policy(&on(&w.phones[p]), org, date("2025-04-01"), policy)
                .unwrap();
            for m in 0..MEMBERS {
                book.add_member(&on(&w.phones[p]), org, member(&format!("सदस्य {m}")))
                    .unwrap();
            }
            let mut model = OrgModel {
                custodian: p,
                ..OrgModel::default()
            };
            // Half the groups come from paper books, opened by a cut-off.
            if w.rng.bool() {
                w.cutoff(p, org, &mut model);
            }
            w.book(p)
                .claim_custody(&on(&w.phones[p]), org, date("2025-04-01"))
                .unwrap();
            w.orgs.push(org);
            w.model.push(model);
            // The new group's book reaches the server before anything else.
            w.push(p, o, true);
        }
        // Every phone may read every group: any of them may be handed its book.
        for &org in &w.orgs {
            for phone in &w.phones {
                w.server.grant(phone.book.as_ref().unwrap(), org);
            }
        }
        w
    }

    /// Opening balances from paper: each member's savings, a Revolving Fund,
    /// and now and then an interest-free loan to member 1 carried over (loan 1);
    /// the cash is what balances them.
    fn cutoff(&mut self, p: usize, org: Uuid, model: &mut OrgModel) {
        let mut members = Vec::new();
        let mut effects = Vec::new();
        for m in 1..=MEMBERS {
            let (compulsory, voluntary) = (self.rng.i64(0..400), self.rng.i64(0..100));
            for (fund, amount) in [
                (SavingsFund::Compulsory, compulsory),
                (SavingsFund::Voluntary, voluntary),
            ] {
                effects.push((savings_account(fund, m), amount, amount, None));
            }
            members.push(settlement::OpeningMember {
                member_no: m,
                compulsory: Decimal::from(compulsory),
                voluntary: Decimal::from(voluntary),
                loans: Vec::new(),
            });
        }
        let revolving_fund = 1 + self.rng.i64(0..1000);
        effects.push(("3000".into(), 0, revolving_fund, None));
        if self.rng.bool() {
            let outstanding = 1 + self.rng.i64(0..revolving_fund);
            members[0].loans.push(settlement::OpeningLoan {
                outstanding: Decimal::from(outstanding),
                arrears: Decimal::ZERO,
                overdue_since: None,
                rate: Decimal::ZERO,
                rate_period: loan::RatePeriod::Year,
                remaining_term: 4,
                frequency: loan::Frequency::Monthly,
                method: loan::Method::Flat,
                overdue_interest: None,
            });
            effects.push(("1300-0001".into(), outstanding, -outstanding, Some(1)));
        }
        let cash: i64 = effects.iter().map(|e| e.2).sum();
        let c = settlement::Cutoff {
            date: date("2025-04-01"),
            cash: Decimal::from(cash),
            bank: Decimal::ZERO,
            revolving_fund: Decimal::from(revolving_fund),
            surplus: Decimal::ZERO,
            members,
            borrowings: Vec::new(),
        };
        let out = self.phones[p]
            .book
            .as_ref()
            .unwrap()
            .record_cutoff(&on(&self.phones[p]), org, c)
            .unwrap_or_else(|e| panic!("the cut-off was refused: {e}"));
        for (account, amount, cash, loan) in effects {
            model.entries.push(Entry {
                seq: out.seq,
                account,
                amount,
                cash,
                reverses: None,
                loan,
            });
        }
        model.settled.push(out.seq);
        self.stats.cutoffs += 1;
    }

    pub(crate) fn book(&self, p: usize) -> &Book {
        self.phones[p].book.as_ref().unwrap()
    }

    pub(crate) fn holds(&self, p: usize, o: usize) -> bool {
        self.book(p)
            .chain_head(self.orgs[o])
            .map(|h| h.0 > 0)
            .unwrap_or(false)
    }

    /// After every step: the custodian's balances are the model's; the
    /// server's chain is the custodian's, up to its head; whatever a phone holds
    /// as acknowledged, the server holds.
    pub(crate) fn check(&mut self) {
        for (o, &org) in self.orgs.iter().enumerate() {
            self.check_balances(o);
            let Some(s) = self.server.head(org) else {
                continue;
            };
            let c = self.book(self.model[o].custodian);
            let (c_seq, _) = c.chain_head(org).unwrap();
            assert!(s.seq <= c_seq, "the server is ahead of the custodian");
            for (p, phone) in self.phones.iter().enumerate() {
                let book = phone.book.as_ref().unwrap();
                if let Ok(Some(ack)) = book.sync_state(org).map(|st| st.acknowledged) {
                    assert_eq!(
                        self.server.hash_at(org, ack.seq),
                        Some(ack.hash),
                        "phone-{p}'s acknowledged head is not the server's"
                    );
                }
            }
        }
    }

    pub(crate) fn check_balances(&self, o: usize) {
        let (org, model) = (self.orgs[o], &self.model[o]);
        let book = self.book(model.custodian);
        for m in 1..=MEMBERS {
            for fund in [SavingsFund::Compulsory, SavingsFund::Voluntary] {
                let account = savings_account(fund, m);
                // Savings are owed to members: a credit, shown negative.
                assert_eq!(
                    -book.balance(org, &account).unwrap(),
                    Decimal::from(model.balance(&account)),
                    "{account}"
                );
            }
        }
        for m in 1..=MEMBERS {
            let account = format!("1300-{m:04}");
            assert_eq!(
                book.balance(org, &account).unwrap(),
                Decimal::from(model.balance(&account)),
                "{account}"
            );
        }
        assert_eq!(
            book.balance(org, "1100").unwrap(),
            Decimal::from(model.cash()),
            "cash"
        );
        let active: Vec<u32> = book
            .members(org)
            .unwrap()
            .iter()
            .filter(|m| m.exited_on.is_none())
            .map(|m| m.member_no)
            .collect();
        assert_eq!(active, model.active(), "members still in the group");
    }

    pub(crate) fn step(&mut self) {
        let o = self.rng.usize(0..ORGS);
        let p = self.rng.usize(0..PHONES);
        let what = self.rng.u8(0..100);
        self.log.push(format!("{what} p{p} o{o}"));
        match what {
            0..=29 => self.write(o),
            30..=31 => self.exit(o),
            32..=34 => self.invalid(o),
            35..=38 => self.meeting(o),
            39..=44 => self.crash(o),
            45..=64 => {
                let c = self.model[o].custodian;
                self.push(c, o, false)
            }
            65..=79 => {
                if self.server.head(self.orgs[o]).is_some() {
                    self.pull(p, o)
                }
            }
            80..=85 => self.hand_over(o),
            86..=89 => self.restart(p),
            90..=93 => {
                let c = self.model[o].custodian;
                self.lose(c)
            }
            _ => {
                if !self.lost.is_empty() {
                    let l = self.rng.usize(0..self.lost.len());
                    self.stale_write(l, o)
                }
            }
        }
        if self.rng.u8(0..10) == 0 {
            self.date = self.date.succ_opt().unwrap();
        }
        if self.server.between_steps(&mut self.rng) {
            self.log.push("server crashed".into());
            self.stats.server_crashes += 1;
        }
        self.check();
    }

    /// One clean exchange; then every book that holds an organisation holds the
    /// custodian's chain, its balances are the model's, and it verifies.
    pub(crate) fn finish(&mut self) {
        for o in 0..ORGS {
            let c = self.model[o].custodian;
            self.push(c, o, true);
            for p in 0..PHONES {
                self.pull(p, o);
            }
        }
        let mut expected = Vec::new();
        for (o, &org) in self.orgs.iter().enumerate() {
            let custodian = self.phones[self.model[o].custodian].book.as_ref().unwrap();
            let head = custodian.chain_head(org).unwrap();
            assert_eq!(
                self.server.head(org).map(|h| (h.seq, h.hash)),
                Some(head),
                "the server lacks the custodian's events"
            );
            let org = &org;
            self.check_balances(o);
            for p in 0..PHONES {
                assert_eq!(self.book(p).chain_head(*org).unwrap(), head, "phone-{p}");
                let diffs = custodian
                    .projection_differences(self.book(p), *org)
                    .unwrap();
                assert!(diffs.is_empty(), "phone-{p}: {diffs:?}");
            }
            let aside = self.server.aside(*org);
            if self.model[o].stale_writes == 0 {
                assert_eq!(aside, 0, "events kept aside without a stale write");
            }
            expected.push(self.model[o].expected(*org));
        }
        self.server.agrees(&expected, self.date);
        for p in 0..PHONES {
            let report = self.book(p).verify(&mut |_, _| true).unwrap();
            assert!(report.is_intact(), "phone-{p}: {report:?}");
        }
    }
}
