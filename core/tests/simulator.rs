//! A simulator of phones, the server and faults, after TigerBeetle's VOPR: a
//! seed decides everything (which phone writes, what the network drops,
//! duplicates or reorders, which acknowledgement is lost, which phone is lost
//! or restarted, who hands over to whom), the world runs, and after every step
//! the invariants are checked against a model of what must be true. At the
//! end, one clean exchange must make every book agree with the model.
//!
//! The server is `daftar-sync`'s reference model of a receiver (the real
//! server comes with its own simulator part). A failure names its seed and
//! step: `DAFTAR_SIM_SEED=N cargo test -p daftar-core --test simulator`
//! replays exactly that run. `DAFTAR_SIM_SEEDS=500` runs more seeds.

mod common;

use std::path::PathBuf;

use common::*;
use daftar_core::event::SavingsFund;
use daftar_core::exchange::Chunk;
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

/// What must be true of one organisation, whatever the faults.
#[derive(Default, Clone)]
struct OrgModel {
    /// The phone that holds custody, and so alone writes.
    custodian: usize,
    /// Every deposit and withdrawal the custodians made, with the seq it got:
    /// (seq, account, signed amount in rupees).
    writes: Vec<(u64, String, i64)>,
    /// Events a phone wrote after losing custody: never in the chain.
    stale_writes: u32,
}

impl OrgModel {
    fn balance(&self, account: &str) -> i64 {
        self.writes
            .iter()
            .filter(|w| w.1 == account)
            .map(|w| w.2)
            .sum()
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

    /// A savings entry by the custodian, which the model records with its seq;
    /// and now and then one by another phone that holds the book, refused.
    fn write(&mut self, o: usize) {
        let org = self.orgs[o];
        let c = self.model[o].custodian;
        let member = 1 + self.rng.u32(0..MEMBERS);
        let fund = if self.rng.bool() {
            SavingsFund::Compulsory
        } else {
            SavingsFund::Voluntary
        };
        let account = savings_account(fund, member);
        let balance = self.model[o].balance(&account);
        let withdraw = balance > 0 && self.rng.u8(0..4) == 0;
        let amount = if withdraw {
            1 + self.rng.i64(0..balance)
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
        let book = self.book(c);
        let out = if withdraw {
            book.withdraw_savings(&on(&self.phones[c]), org, entry.clone())
        } else {
            book.deposit_savings(&on(&self.phones[c]), org, entry.clone())
        };
        let out = out.unwrap_or_else(|e| panic!("the custodian phone-{c} could not write: {e}"));
        self.model[o]
            .writes
            .push((out.seq, account, if withdraw { -amount } else { amount }));
        self.stats.writes += 1;
        // Another phone holding the book may not write it.
        let other = (c + 1 + self.rng.usize(0..PHONES - 1)) % PHONES;
        if self.holds(other, o) {
            let e = self
                .book(other)
                .deposit_savings(&on(&self.phones[other]), org, entry)
                .unwrap_err();
            assert!(
                e.to_string().contains("not_writer"),
                "phone-{other} wrote without custody: {e}"
            );
            self.stats.refused_writes += 1;
        }
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
            self.model[o].writes.retain(|w| w.0 <= held);
            let org = self.orgs[o];
            let id = self.book(p).device().unwrap().unwrap();
            let epoch = self.book(p).custody(org).unwrap().unwrap().epoch + 1;
            let sig = self
                .admin
                .sign(&recovery_message(&org, epoch, &id.public_key, &id.device));
            self.book(p)
                .recover_custody(&on(&self.phones[p]), org, self.date, sig)
                .unwrap();
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

    /// After every step: the server's chain is the custodian's, up to its head;
    /// whatever a phone holds as acknowledged, the server holds.
    fn check(&self) {
        for (o, org) in self.orgs.iter().enumerate() {
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

    fn step(&mut self) {
        let o = self.rng.usize(0..ORGS);
        let p = self.rng.usize(0..PHONES);
        let what = self.rng.u8(0..100);
        self.log.push(format!("{what} p{p} o{o}"));
        match what {
            0..=44 => self.write(o),
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
            for m in 1..=MEMBERS {
                for fund in [SavingsFund::Compulsory, SavingsFund::Voluntary] {
                    let account = savings_account(fund, m);
                    assert_eq!(
                        // Savings are owed to members: a credit, shown negative.
                        -custodian.balance(*org, &account).unwrap(),
                        Decimal::from(self.model[o].balance(&account)),
                        "{account}"
                    );
                }
            }
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
            "seed {seed} failed after steps {:?}: {why}\nreplay: DAFTAR_SIM_SEED={seed} cargo test -p daftar-core --test simulator",
            w.log
        );
    }
    w.stats
}

#[test]
fn phones_the_server_and_a_faulty_network_never_lose_acknowledged_work_and_converge() {
    let seeds: Vec<u64> = match std::env::var("DAFTAR_SIM_SEED") {
        Ok(s) => vec![s.parse().expect("DAFTAR_SIM_SEED is a number")],
        Err(_) => {
            let n: u64 = std::env::var("DAFTAR_SIM_SEEDS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(8);
            (1..=n).collect()
        }
    };
    let several = seeds.len() > 1;
    let mut total = Stats::default();
    for seed in seeds {
        total += run(seed);
    }
    eprintln!("{total:?}");
    if several {
        // The seeds must have exercised every fault, or the run proves little.
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
        ] {
            assert!(n > 0, "no {what} in these seeds: {t:?}");
        }
    }
}
