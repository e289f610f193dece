//! A phone, the server (`daftar-sync`'s model of it) and a second phone,
//! with a network that drops, duplicates and reorders chunks and loses
//! acknowledgements, in random interleavings. Nothing acknowledged is lost,
//! nothing is applied twice, and after one clean exchange everything converges.

mod common;

use common::*;
use daftar_core::exchange::Chunk;
use daftar_core::*;
use daftar_sync::chunk::Receiver;
use daftar_sync::model::ModelServer;
use proptest::prelude::*;
use uuid::Uuid;

#[derive(Debug, Clone)]
enum Step {
    /// Phone A records this many deposits.
    Write(u8),
    /// A pushes what the server has not acknowledged, in chunks of about this
    /// many bytes; the network loses chunks from `drop_from` on, sends chunk
    /// `dup` twice, swaps two chunks if `swap`, and loses the acknowledgement.
    Push {
        size: u16,
        drop_from: Option<u8>,
        dup: Option<u8>,
        swap: bool,
        lose_ack: bool,
    },
    /// Phone B pulls what the server has after its own head, maybe twice.
    Pull { twice: bool },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1u8..6).prop_map(Step::Write),
        (
            200u16..2000,
            proptest::option::of(0u8..4),
            proptest::option::of(0u8..4),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(size, drop_from, dup, swap, lose_ack)| Step::Push {
                size,
                drop_from,
                dup,
                swap,
                lose_ack
            }),
        any::<bool>().prop_map(|twice| Step::Pull { twice }),
    ]
}

struct World {
    _dir: tempfile::TempDir,
    a: Book,
    b: Book,
    server: ModelServer,
    org: Uuid,
    writes: u32,
}

fn meta_a() -> CommandMeta {
    CommandMeta {
        device: "A".into(),
        ..meta()
    }
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let a = Book::open(dir.path().join("a.daftar")).unwrap();
        let b = Book::open(dir.path().join("b.daftar")).unwrap();
        let o = new_org(OrgKind::Shg, "INR");
        let org = o.id;
        a.create_organisation(&meta_a(), o).unwrap();
        a.add_member(&meta_a(), org, member("Sita")).unwrap();
        a.claim_custody(&meta_a(), org, date("2025-04-01")).unwrap();
        World {
            _dir: dir,
            a,
            b,
            server: ModelServer::default(),
            org,
            writes: 0,
        }
    }

    fn push(
        &mut self,
        size: usize,
        drop_from: Option<u8>,
        dup: Option<u8>,
        swap: bool,
        lose_ack: bool,
    ) {
        let mut sent: Vec<Chunk> = self.a.bundle_sized(self.org, self.acked(), size).unwrap();
        if let Some(d) = drop_from {
            sent.truncate(d as usize);
        }
        if let Some(i) = dup.map(usize::from).filter(|&i| i < sent.len()) {
            sent.insert(i, sent[i].clone());
        }
        if swap && sent.len() >= 2 {
            sent.swap(0, 1);
        }
        let mut last_ok = None;
        for c in &sent {
            // Through the wire form; a refusal (a gap after a swap) is the
            // server's answer, and the phone simply pushes again later.
            let c = Chunk::parse(c.to_line().as_bytes()).unwrap();
            if let Ok(head) = self.server.receive(&c) {
                last_ok = Some(head);
            }
        }
        if let (Some(head), false) = (last_ok, lose_ack) {
            self.a.acknowledge(self.org, head, None).unwrap();
        }
    }

    fn acked(&self) -> u64 {
        self.a
            .sync_state(self.org)
            .unwrap()
            .acknowledged
            .map_or(0, |h| h.seq)
    }

    fn pull(&mut self, twice: bool) {
        let after = self.b.chain_head(self.org).map_or(0, |h| h.0);
        if let Some(c) = self.server.pull(self.org, after) {
            for _ in 0..(1 + twice as u8) {
                self.b.ingest(&c).unwrap();
            }
        }
    }

    /// The invariants that hold after every step.
    fn check(&self) {
        let (a_seq, _) = self.a.chain_head(self.org).unwrap();
        let server = self.server.chains.get(&self.org);
        let s_seq = server.map_or(0, |c| c.head().seq);
        assert!(s_seq <= a_seq);
        // The server's chain is A's, event for event: nothing doubled or forked.
        let mut a_hash = daftar_sync::GENESIS;
        let a_events: Vec<String> = self
            .a
            .bundle(self.org, 0)
            .unwrap()
            .into_iter()
            .flat_map(|c| c.events)
            .collect();
        for (i, e) in a_events.iter().enumerate().take(s_seq as usize) {
            let seq = i as u64 + 1;
            a_hash = daftar_sync::chain_hash(&a_hash, seq, e.as_bytes());
            assert_eq!(server.unwrap().hash_at(seq), Some(a_hash), "seq {seq}");
        }
        // Whatever A holds as acknowledged, the server holds.
        if let Some(ack) = self.a.sync_state(self.org).unwrap().acknowledged {
            assert!(ack.seq <= s_seq);
            assert_eq!(server.unwrap().hash_at(ack.seq), Some(ack.hash));
        }
        // B holds a prefix of the server's chain.
        if let Ok((b_seq, b_hash)) = self.b.chain_head(self.org) {
            assert!(b_seq <= s_seq);
            if b_seq > 0 {
                assert_eq!(server.unwrap().hash_at(b_seq), Some(b_hash));
            }
        }
        assert!(server.is_none_or(|c| c.aside.is_empty()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_pushes_drops_duplicates_and_reorders_lose_nothing_and_converge(
        steps in proptest::collection::vec(step(), 1..20)
    ) {
        let mut w = World::new();
        for s in steps {
            match s {
                Step::Write(n) => {
                    for _ in 0..n {
                        w.writes += 1;
                        let amount = format!("{}", w.writes);
                        w.a.deposit_savings(&meta_a(), w.org, deposit(1, &amount)).unwrap();
                    }
                }
                Step::Push { size, drop_from, dup, swap, lose_ack } => {
                    w.push(size as usize, drop_from, dup, swap, lose_ack)
                }
                Step::Pull { twice } => w.pull(twice),
            }
            w.check();
        }
        // One clean exchange, and all three agree.
        w.push(1 << 20, None, None, false, false);
        w.pull(false);
        w.check();
        let head = w.a.chain_head(w.org).unwrap();
        prop_assert_eq!(w.b.chain_head(w.org).unwrap(), head);
        prop_assert_eq!(w.acked(), head.0);
        let diffs = w.a.projection_differences(&w.b, w.org).unwrap();
        prop_assert!(diffs.is_empty(), "{:?}", diffs);
    }
}
