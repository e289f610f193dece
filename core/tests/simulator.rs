//! A simulator of phones, the server and faults, after TigerBeetle's VOPR: a
//! seed decides everything (which phone writes, what the network drops,
//! duplicates or reorders, which acknowledgement is lost, which phone is lost
//! or restarted, who hands over to whom), the world runs, and after every step
//! the invariants are checked against a model of what must be true. At the
//! end, one clean exchange must make every book agree with the model.
//!
//! The server is `daftar-sync`'s reference model of a receiver (the real
//! server comes with its own simulator part). A failure names its seed and
//! steps, and `scripts/sim.sh --seed N` replays exactly that run;
//! `scripts/sim.sh --seeds 500` runs more seeds (CI runs 200).

mod common;

use std::path::PathBuf;

use common::*;
use daftar_core::event::SavingsFund;
use daftar_core::exchange::Chunk;
use daftar_core::lending::{LoanRequest, Repayment};
use daftar_core::loan::{Frequency, Method, RatePeriod};
use daftar_core::meetings::MeetingStatus;
use daftar_core::policy::Policy;
use daftar_core::*;
use daftar_sync::chunk::Receiver;
use daftar_sync::model::ModelServer;
use daftar_sync::signing::recovery_message;
use daftar_sync::DeviceKey;
use rust_decimal::Decimal;
use uuid::Uuid;

const PHONES: usize = 3;
const ORGS: usize = 2;
const MEMBERS: u32 = 3;
const STEPS: usize = 60;

/// One savings entry, or its reversal, as the model sees it.
#[derive(Clone, Debug)]
struct Entry {
    /// The seq its event got; 0 while only planned.
    seq: u64,
    account: String,
    /// What it did to the member's savings and to cash in hand, in rupees.
    amount: i64,
    cash: i64,
    reverses: Option<u64>,
    /// The loan a payout or a repayment moved.
    loan: Option<u32>,
}

/// What must be true of one organisation, whatever the faults: a model kept
/// apart from the core, of every member's savings and the cash in hand.
#[derive(Default, Clone)]
struct OrgModel {
    /// The phone that holds custody, and so alone writes.
    custodian: usize,
    entries: Vec<Entry>,
    /// Events a phone wrote after losing custody: never in the chain.
    stale_writes: u32,
}

impl OrgModel {
    fn balance(&self, account: &str) -> i64 {
        self.entries
            .iter()
            .filter(|e| e.account == account)
            .map(|e| e.amount)
            .sum()
    }
    fn cash(&self) -> i64 {
        self.entries.iter().map(|e| e.cash).sum()
    }
    fn reversed(&self, seq: u64) -> bool {
        self.entries.iter().any(|e| e.reverses == Some(seq))
    }
    /// Each loan still outstanding: its number, member's loan account, and
    /// what is left of its principal.
    fn open_loans(&self) -> Vec<(u32, String, i64)> {
        let mut loans: std::collections::BTreeMap<u32, (String, i64)> = Default::default();
        for e in self.entries.iter().filter(|e| e.loan.is_some()) {
            let l = loans
                .entry(e.loan.unwrap_or_default())
                .or_insert((e.account.clone(), 0));
            l.1 += e.amount;
        }
        loans
            .into_iter()
            .filter(|(_, l)| l.1 > 0)
            .map(|(n, (a, left))| (n, a, left))
            .collect()
    }
}

struct Phone {
    path: PathBuf,
    book: Option<Book>,
    name: String,
}

struct World {
    _dir: tempfile::TempDir,
    rng: fastrand::Rng,
    phones: Vec<Phone>,
    /// Phones lost with custody: their books live on, stale, and may still write.
    lost: Vec<Phone>,
    server: ModelServer,
    orgs: Vec<Uuid>,
    model: Vec<OrgModel>,
    admin: DeviceKey,
    date: chrono::NaiveDate,
    log: Vec<String>,
    stats: Stats,
}

/// What a run exercised, so a test can insist the faults really happened.
#[derive(Default, Debug, Clone, Copy)]
struct Stats {
    writes: u32,
    refused_writes: u32,
    refused_chunks: u32,
    lost_acks: u32,
    hand_overs: u32,
    lost_phones: u32,
    stale_writes_refused: u32,
    restarts: u32,
    meetings: u32,
    meetings_left_open: u32,
    crashes: u32,
    loans: u32,
    refused_commands: u32,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, o: Stats) {
        self.writes += o.writes;
        self.refused_writes += o.refused_writes;
        self.refused_chunks += o.refused_chunks;
        self.lost_acks += o.lost_acks;
        self.hand_overs += o.hand_overs;
        self.lost_phones += o.lost_phones;
        self.stale_writes_refused += o.stale_writes_refused;
        self.restarts += o.restarts;
        self.meetings += o.meetings;
        self.meetings_left_open += o.meetings_left_open;
        self.loans += o.loans;
        self.refused_commands += o.refused_commands;
        self.crashes += o.crashes;
    }
}

fn on(phone: &Phone) -> CommandMeta {
    CommandMeta {
        device: phone.name.clone(),
        ..meta()
    }
}

fn savings_account(fund: SavingsFund, member: u32) -> String {
    match fund {
        SavingsFund::Compulsory => format!("2100-{member:04}"),
        SavingsFund::Voluntary => format!("2110-{member:04}"),
    }
}

impl World {
    fn new(seed: u64) -> World {
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
            server: ModelServer::default(),
            orgs: Vec::new(),
            model: Vec::new(),
            admin,
            date: date("2025-04-08"),
            log: Vec::new(),
            stats: Stats::default(),
        };
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
            book.claim_custody(&on(&w.phones[p]), org, date("2025-04-01"))
                .unwrap();
            w.orgs.push(org);
            w.model.push(OrgModel {
                custodian: p,
                ..OrgModel::default()
            });
            // The new group's book reaches the server before anything else.
            w.push(p, o, true);
        }
        w
    }

    fn book(&self, p: usize) -> &Book {
        self.phones[p].book.as_ref().unwrap()
    }

    fn holds(&self, p: usize, o: usize) -> bool {
        self.book(p)
            .chain_head(self.orgs[o])
            .map(|h| h.0 > 0)
            .unwrap_or(false)
    }

    /// The next command a book keeper might give, valid against `model`: a
    /// deposit, a withdrawal the savings and the cash allow, or the reversal of
    /// an earlier entry; with what it does to the model.
    fn plan(&mut self, o: usize, model: &OrgModel) -> (Command, Entry) {
        let org = self.orgs[o];
        let reversible: Vec<&Entry> = model
            .entries
            .iter()
            .filter(|e| {
                e.seq > 0 && e.loan.is_none() && e.reverses.is_none() && !model.reversed(e.seq)
            })
            .filter(|e| {
                e.amount < 0 || (model.balance(&e.account) >= e.amount && model.cash() >= e.cash)
            })
            .collect();
        if !reversible.is_empty() && self.rng.u8(0..6) == 0 {
            let e = reversible[self.rng.usize(0..reversible.len())];
            let command = Command::ReverseEntry {
                org,
                seq: e.seq,
                date: self.date,
                reason: "entered twice".into(),
            };
            let undo = Entry {
                seq: 0,
                account: e.account.clone(),
                amount: -e.amount,
                cash: -e.cash,
                reverses: Some(e.seq),
                loan: None,
            };
            return (command, undo);
        }
        let loans = model.open_loans();
        if !loans.is_empty() && self.rng.u8(0..4) == 0 {
            let (loan_no, account, left) = loans[self.rng.usize(0..loans.len())].clone();
            let amount = 1 + self.rng.i64(0..left);
            let command = Command::RepayLoan {
                org,
                loan_no,
                repayment: Repayment {
                    date: self.date,
                    via: Via::Cash,
                    amount: Decimal::from(amount),
                },
            };
            // Lent free of interest and penalties: all of it is principal.
            let effect = Entry {
                seq: 0,
                account,
                amount: -amount,
                cash: amount,
                reverses: None,
                loan: Some(loan_no),
            };
            return (command, effect);
        }
        let member = 1 + self.rng.u32(0..MEMBERS);
        let fund = if self.rng.bool() {
            SavingsFund::Compulsory
        } else {
            SavingsFund::Voluntary
        };
        let account = savings_account(fund, member);
        let most = model.balance(&account).min(model.cash());
        let withdraw = most > 0 && self.rng.u8(0..4) == 0;
        let amount = if withdraw {
            1 + self.rng.i64(0..most)
        } else {
            1 + self.rng.i64(0..500)
        };
        let entry = SavingsEntry {
            date: self.date,
            member_no: member,
            via: Via::Cash,
            amount: Decimal::from(amount),
            fund,
        };
        let signed = if withdraw { -amount } else { amount };
        let command = if withdraw {
            Command::WithdrawSavings { org, entry }
        } else {
            Command::DepositSavings { org, entry }
        };
        let effect = Entry {
            seq: 0,
            account,
            amount: signed,
            cash: signed,
            reverses: None,
            loan: None,
        };
        (command, effect)
    }

    /// A command the book must refuse, changing nothing: a withdrawal of more
    /// than the member's savings, or a repayment of more than is owed.
    fn invalid(&mut self, o: usize) {
        let (org, c) = (self.orgs[o], self.model[o].custodian);
        let member = 1 + self.rng.u32(0..MEMBERS);
        let account = savings_account(SavingsFund::Voluntary, member);
        let too_much = self.model[o].balance(&account) + 1 + self.rng.i64(0..100);
        let command = match self.model[o].open_loans().first() {
            Some((loan_no, _, left)) if self.rng.bool() => Command::RepayLoan {
                org,
                loan_no: *loan_no,
                repayment: Repayment {
                    date: self.date,
                    via: Via::Cash,
                    amount: Decimal::from(left + 1),
                },
            },
            _ => Command::WithdrawSavings {
                org,
                entry: SavingsEntry {
                    date: self.date,
                    member_no: member,
                    via: Via::Cash,
                    amount: Decimal::from(too_much),
                    fund: SavingsFund::Voluntary,
                },
            },
        };
        let head = self.book(c).chain_head(org).unwrap();
        let e = self.book(c).execute(&on(&self.phones[c]), command.clone());
        assert!(e.is_err(), "{command:?} was recorded");
        assert_eq!(
            self.book(c).chain_head(org).unwrap(),
            head,
            "a refusal wrote"
        );
        self.stats.refused_commands += 1;
    }

    /// One command by the custodian, which the model records with its seq; and
    /// now and then the same by another phone that holds the book, refused.
    fn write(&mut self, o: usize) {
        let c = self.model[o].custodian;
        let model = self.model[o].clone();
        let (command, mut effect) = self.plan(o, &model);
        let out = self
            .book(c)
            .execute(&on(&self.phones[c]), command.clone())
            .unwrap_or_else(|e| {
                panic!("the custodian phone-{c} could not record {command:?}: {e}")
            });
        effect.seq = out.seq;
        self.model[o].entries.push(effect);
        self.stats.writes += 1;
        let other = (c + 1 + self.rng.usize(0..PHONES - 1)) % PHONES;
        if self.holds(other, o) {
            let e = self
                .book(other)
                .execute(&on(&self.phones[other]), command)
                .unwrap_err();
            assert!(
                e.to_string().contains("not_writer"),
                "phone-{other} wrote without custody: {e}"
            );
            self.stats.refused_writes += 1;
        }
    }

    /// A meeting: opened, a command or two inside it, closed with the cash
    /// counted as the model has it, so no excess or shortage.
    fn meeting(&mut self, o: usize) {
        let (org, c) = (self.orgs[o], self.model[o].custodian);
        let opened = self
            .book(c)
            .open_meeting(&on(&self.phones[c]), org, self.date);
        let Ok(opened) = opened else {
            return; // a meeting on this date already: tomorrow, then
        };
        for _ in 0..self.rng.u8(0..3) {
            self.write(o);
        }
        let cash = self.model[o].cash();
        if cash > 0 && self.rng.bool() {
            let member = 1 + self.rng.u32(0..MEMBERS);
            let principal = 1 + self.rng.i64(0..cash);
            let terms = LoanRequest {
                principal: Decimal::from(principal),
                rate: Decimal::ZERO,
                rate_period: RatePeriod::Year,
                term: 4,
                frequency: Frequency::Monthly,
                method: Method::Flat,
            };
            let out = self
                .book(c)
                .sanction_loan(
                    &on(&self.phones[c]),
                    org,
                    member,
                    self.date,
                    terms,
                    Via::Cash,
                )
                .unwrap_or_else(|e| panic!("a loan of {principal} with {cash} in hand: {e}"));
            self.model[o].entries.push(Entry {
                seq: out.seq,
                account: format!("1300-{member:04}"),
                amount: principal,
                cash: -principal,
                reverses: None,
                loan: out.number,
            });
            self.stats.loans += 1;
        }
        let counted = Decimal::from(self.model[o].cash());
        self.book(c)
            .close_meeting(
                &on(&self.phones[c]),
                org,
                opened.number.unwrap(),
                counted,
                None,
            )
            .unwrap_or_else(|e| panic!("closing a meeting with the model's cash: {e}"));
        self.stats.meetings += 1;
    }

    /// The custodian's app is killed right after the `j`-th of `k` commands
    /// commits (a child process that aborts), then reopens its book and gives
    /// all `k` again with the same op_ids, as an app retries unanswered work:
    /// the first `j` are answered as before, the rest recorded once.
    fn crash(&mut self, o: usize) {
        let c = self.model[o].custodian;
        let k = 1 + self.rng.usize(0..5);
        let j = self.rng.usize(0..=k);
        let mut tentative = self.model[o].clone();
        let mut planned = Vec::new();
        for _ in 0..k {
            let (command, effect) = self.plan(o, &tentative);
            tentative.entries.push(effect.clone());
            planned.push((on(&self.phones[c]), command, effect));
        }
        let file = self.phones[c].path.with_extension("commands.jsonl");
        let lines: Vec<String> = planned
            .iter()
            .map(|(m, command, _)| {
                serde_json::json!({"op_id": m.op_id, "device": m.device, "command": command})
                    .to_string()
            })
            .collect();
        std::fs::write(&file, lines.join("\n")).unwrap();
        let org = self.orgs[o];
        let before = self.book(c).chain_head(org).unwrap().0;
        self.phones[c].book.take().unwrap().close().unwrap();
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "simulator_crash_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("DAFTAR_SIM_CHILD_BOOK", &self.phones[c].path)
            .env("DAFTAR_SIM_CHILD_COMMANDS", &file)
            .env("DAFTAR_SIM_CHILD_ABORT_AFTER", j.to_string())
            .output()
            .unwrap();
        assert_eq!(
            child.status.success(),
            j == k,
            "{}",
            String::from_utf8_lossy(&child.stderr)
        );
        self.phones[c].book = Some(Book::open(&self.phones[c].path).unwrap());
        let after = self.book(c).chain_head(org).unwrap().0;
        assert_eq!(
            after,
            before + j as u64,
            "the killed app recorded other than its {j} commits: {}",
            String::from_utf8_lossy(&child.stderr)
        );
        for (i, (m, command, mut effect)) in planned.into_iter().enumerate() {
            let out = self.book(c).execute(&m, command).unwrap();
            assert_eq!(
                out.replayed,
                i < j,
                "command {i} of {k} after a crash at {j}"
            );
            effect.seq = out.seq;
            self.model[o].entries.push(effect);
        }
        self.stats.crashes += 1;
    }

    /// A push through a faulty network: chunks dropped from some point on, one
    /// sent twice, two swapped, and the acknowledgement maybe lost.
    fn push(&mut self, p: usize, o: usize, clean: bool) {
        let org = self.orgs[o];
        if !self.holds(p, o) {
            return;
        }
        let book = self.book(p);
        let after = book
            .sync_state(org)
            .unwrap()
            .acknowledged
            .map_or(0, |h| h.seq);
        let size = if clean {
            1 << 20
        } else {
            200 + self.rng.usize(0..3000)
        };
        let mut chunks = self
            .book(p)
            .bundle_sized(org, after, size)
            .unwrap_or_default();
        if !clean {
            if self.rng.u8(0..4) == 0 {
                let keep = self.rng.usize(0..=chunks.len());
                chunks.truncate(keep);
            }
            if !chunks.is_empty() && self.rng.bool() {
                let i = self.rng.usize(0..chunks.len());
                chunks.insert(i, chunks[i].clone());
            }
            if chunks.len() >= 2 && self.rng.u8(0..3) == 0 {
                let i = self.rng.usize(0..chunks.len() - 1);
                chunks.swap(i, i + 1);
            }
        }
        let mut acked = None;
        for c in &chunks {
            let c = Chunk::parse(c.to_line().as_bytes()).unwrap();
            match self.server.receive(&c) {
                Ok(head) => acked = Some(head),
                Err(r) => {
                    assert!(!clean, "a clean push from phone-{p} was refused: {r}");
                    assert_eq!(r.code(), "gap", "phone-{p}'s chunk: {r}");
                    self.stats.refused_chunks += 1;
                }
            }
        }
        let lose_ack = !clean && self.rng.u8(0..3) == 0;
        self.stats.lost_acks += (lose_ack && acked.is_some()) as u32;
        if let (Some(head), false) = (acked, lose_ack) {
            // The server holds this head of this chain: it is the phone's too.
            self.book(p)
                .acknowledge(org, head, None)
                .unwrap_or_else(|e| panic!("phone-{p} does not hold the server's head: {e}"));
        }
    }

    /// A phone fetches what the server has after its own head, maybe twice.
    fn pull(&mut self, p: usize, o: usize) {
        let org = self.orgs[o];
        let after = self.book(p).chain_head(org).map_or(0, |h| h.0);
        if let Some(c) = self.server.pull(org, after) {
            let twice = self.rng.u8(0..4) == 0;
            for _ in 0..(1 + twice as u8) {
                let c = Chunk::parse(c.to_line().as_bytes()).unwrap();
                self.book(p)
                    .ingest(&c)
                    .unwrap_or_else(|e| panic!("phone-{p} refused the server's chain: {e}"));
            }
        }
    }

    /// The custodian hands the book to a phone that has it up to the server's
    /// head, after pushing everything cleanly.
    fn hand_over(&mut self, o: usize) {
        let org = self.orgs[o];
        let from = self.model[o].custodian;
        let to = (from + 1 + self.rng.usize(0..PHONES - 1)) % PHONES;
        self.push(from, o, true);
        self.pull(to, o);
        let id = self.book(to).device().unwrap().unwrap();
        self.book(from)
            .hand_over(
                &on(&self.phones[from]),
                org,
                self.date,
                &id.device,
                id.public_key,
            )
            .unwrap();
        self.model[o].custodian = to;
        // The hand-over travels through the network like anything else.
        let clean = self.rng.bool();
        self.push(from, o, clean);
        self.push(from, o, true);
        self.pull(to, o);
        assert_eq!(
            self.book(to).custody(org).unwrap().unwrap().device,
            self.phones[to].name
        );
        self.stats.hand_overs += 1;
    }

    /// The custodian's phone is lost: what it never pushed is gone with it. A
    /// new phone takes its place, restores every book from the server, and the
    /// administrator signs the recovery of the lost phone's organisations.
    fn lose(&mut self, p: usize) {
        let server_heads: Vec<u64> = self
            .orgs
            .iter()
            .map(|org| self.server.chains.get(org).map_or(0, |c| c.head().seq))
            .collect();
        let name = format!("{}-new{}", self.phones[p].name, self.lost.len());
        let path = self.phones[p]
            .path
            .with_extension(format!("new{}", self.lost.len()));
        let book = Book::open(&path).unwrap();
        book.device_identity(&name).unwrap();
        let old = std::mem::replace(
            &mut self.phones[p],
            Phone {
                path,
                book: Some(book),
                name,
            },
        );
        self.stats.lost_phones += 1;
        self.lost.push(old);
        for (o, &held) in server_heads.iter().enumerate() {
            if held > 0 {
                self.pull(p, o);
            }
            if self.model[o].custodian != p {
                continue;
            }
            // Writes the server never acknowledged are lost with the phone.
            self.model[o].entries.retain(|e| e.seq <= held);
            let org = self.orgs[o];
            let id = self.book(p).device().unwrap().unwrap();
            let epoch = self.book(p).custody(org).unwrap().unwrap().epoch + 1;
            let sig = self
                .admin
                .sign(&recovery_message(&org, epoch, &id.public_key, &id.device));
            self.book(p)
                .recover_custody(&on(&self.phones[p]), org, self.date, sig)
                .unwrap();
            // A meeting whose closing was lost with the phone stays open in the
            // restored book: the new book keeper closes it, counting the cash
            // the book holds.
            let book = self.book(p);
            let open = book
                .meetings(org)
                .unwrap()
                .into_iter()
                .find(|m| m.status == MeetingStatus::Open);
            if let Some(m) = open {
                let cash = book.balance(org, "1100").unwrap();
                book.close_meeting(&on(&self.phones[p]), org, m.meeting_no, cash, None)
                    .unwrap();
                self.stats.meetings_left_open += 1;
            }
            self.push(p, o, true);
        }
    }

    /// A lost phone turns up and writes and pushes as if nothing happened.
    fn stale_write(&mut self, l: usize, o: usize) {
        let org = self.orgs[o];
        let phone = &self.lost[l];
        let book = phone.book.as_ref().unwrap();
        if book.chain_head(org).map_or(true, |h| h.0 == 0) {
            return;
        }
        if book
            .deposit_savings(&on(phone), org, deposit(1, "7"))
            .is_ok()
        {
            self.model[o].stale_writes += 1;
            let before = self.server.chains.get(&org).map(|c| c.head());
            let after = book
                .sync_state(org)
                .unwrap()
                .acknowledged
                .map_or(0, |h| h.seq);
            for c in book.bundle(org, after).unwrap_or_default() {
                if let Err(r) = self.server.receive(&c) {
                    assert!(["not_writer", "fork", "gap"].contains(&r.code()), "{r}");
                    self.stats.stale_writes_refused += (r.code() != "gap") as u32;
                }
            }
            assert_eq!(
                self.server.chains.get(&org).map(|c| c.head()),
                before,
                "a stale write reached the chain"
            );
        }
    }

    fn restart(&mut self, p: usize) {
        let phone = &mut self.phones[p];
        phone.book.take().unwrap().close().unwrap();
        phone.book = Some(Book::open(&phone.path).unwrap());
        self.stats.restarts += 1;
    }

    /// After every step: the custodian's balances are the model's; the
    /// server's chain is the custodian's, up to its head; whatever a phone holds
    /// as acknowledged, the server holds.
    fn check(&self) {
        for (o, org) in self.orgs.iter().enumerate() {
            self.check_balances(o);
            let Some(chain) = self.server.chains.get(org) else {
                continue;
            };
            let s = chain.head();
            let c = self.book(self.model[o].custodian);
            let (c_seq, _) = c.chain_head(*org).unwrap();
            assert!(s.seq <= c_seq, "the server is ahead of the custodian");
            for (p, phone) in self.phones.iter().enumerate() {
                let book = phone.book.as_ref().unwrap();
                if let Ok(Some(ack)) = book.sync_state(*org).map(|st| st.acknowledged) {
                    assert_eq!(
                        chain.hash_at(ack.seq),
                        Some(ack.hash),
                        "phone-{p}'s acknowledged head is not the server's"
                    );
                }
            }
        }
    }

    fn check_balances(&self, o: usize) {
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
    }

    fn step(&mut self) {
        let o = self.rng.usize(0..ORGS);
        let p = self.rng.usize(0..PHONES);
        let what = self.rng.u8(0..100);
        self.log.push(format!("{what} p{p} o{o}"));
        match what {
            0..=31 => self.write(o),
            32..=34 => self.invalid(o),
            35..=38 => self.meeting(o),
            39..=44 => self.crash(o),
            45..=64 => {
                let c = self.model[o].custodian;
                self.push(c, o, false)
            }
            65..=79 => {
                if self.server.chains.contains_key(&self.orgs[o]) {
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
        self.check();
    }

    /// One clean exchange; then every book that holds an organisation holds the
    /// custodian's chain, its balances are the model's, and it verifies.
    fn finish(&mut self) {
        for o in 0..ORGS {
            let c = self.model[o].custodian;
            self.push(c, o, true);
            for p in 0..PHONES {
                self.pull(p, o);
            }
        }
        for (o, org) in self.orgs.iter().enumerate() {
            let custodian = self.book(self.model[o].custodian);
            let head = custodian.chain_head(*org).unwrap();
            assert_eq!(
                self.server.chains[org].head().seq,
                head.0,
                "the server lacks the custodian's events"
            );
            self.check_balances(o);
            for p in 0..PHONES {
                assert_eq!(self.book(p).chain_head(*org).unwrap(), head, "phone-{p}");
                let diffs = custodian
                    .projection_differences(self.book(p), *org)
                    .unwrap();
                assert!(diffs.is_empty(), "phone-{p}: {diffs:?}");
            }
            let aside = self.server.chains[org].aside.len();
            if self.model[o].stale_writes == 0 {
                assert_eq!(aside, 0, "events kept aside without a stale write");
            }
        }
        for p in 0..PHONES {
            let report = self.book(p).verify(&mut |_, _| true).unwrap();
            assert!(report.is_intact(), "phone-{p}: {report:?}");
        }
    }
}

fn run(seed: u64) -> Stats {
    let mut w = World::new(seed);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        for _ in 0..STEPS {
            w.step();
        }
        w.finish();
    }));
    if let Err(e) = result {
        let why = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        panic!(
            "seed {seed} failed after steps {:?}: {why}\nreplay: scripts/sim.sh --seed {seed}",
            w.log
        );
    }
    w.stats
}

/// The custodian's app as a child process: records the commands of a file,
/// and aborts right after the commit of the one the parent chose.
#[test]
fn simulator_crash_child() {
    let (Ok(book), Ok(file), Ok(abort)) = (
        std::env::var("DAFTAR_SIM_CHILD_BOOK"),
        std::env::var("DAFTAR_SIM_CHILD_COMMANDS"),
        std::env::var("DAFTAR_SIM_CHILD_ABORT_AFTER"),
    ) else {
        return; // run as an ordinary test: nothing to do
    };
    let abort: usize = abort.parse().unwrap();
    let book = Book::open(book).unwrap();
    let lines = std::fs::read_to_string(file).unwrap();
    for (i, line) in lines.lines().enumerate() {
        if i == abort {
            std::process::abort();
        }
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let meta = CommandMeta {
            op_id: v["op_id"].as_str().unwrap().parse().unwrap(),
            device: v["device"].as_str().unwrap().into(),
            ..meta()
        };
        let command: Command = serde_json::from_value(v["command"].clone()).unwrap();
        book.execute(&meta, command).unwrap();
    }
}

#[test]
fn phones_the_server_and_a_faulty_network_never_lose_acknowledged_work_and_converge() {
    let seeds: Vec<u64> = match std::env::var("DAFTAR_SIM_SEED") {
        Ok(s) => vec![s.parse().expect("DAFTAR_SIM_SEED is a number")],
        Err(_) => {
            let n: u64 = std::env::var("DAFTAR_SIM_SEEDS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(4);
            (1..=n).collect()
        }
    };
    // Many seeds must between them exercise every fault, or the run proves little.
    let several = seeds.len() >= 100;
    let mut total = Stats::default();
    for seed in seeds {
        total += run(seed);
    }
    eprintln!("{total:?}");
    if several {
        let t = total;
        for (what, n) in [
            ("writes", t.writes),
            (
                "writes refused to a phone without custody",
                t.refused_writes,
            ),
            ("chunks refused after a reorder or a drop", t.refused_chunks),
            ("lost acknowledgements", t.lost_acks),
            ("hand-overs", t.hand_overs),
            ("lost phones", t.lost_phones),
            ("stale writes refused", t.stale_writes_refused),
            ("restarts", t.restarts),
            ("meetings", t.meetings),
            ("crashes", t.crashes),
            ("loans", t.loans),
            ("refused commands", t.refused_commands),
        ] {
            assert!(n > 0, "no {what} in these seeds: {t:?}");
        }
    }
}
