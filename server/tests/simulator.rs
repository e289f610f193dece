//! The simulator's world (`core/tests/sim`) against the real `daftar-server`
//! on PostgreSQL, where the core's simulator uses `daftar-sync`'s reference
//! model: the same phones, commands, faulty network, hand-overs, lost phones,
//! recoveries, stale writes and killed apps, and also the server killed with
//! SIGKILL and restarted between steps. Every request is signed by the phone's
//! device and travels over HTTP; what the server holds is read from its
//! database. At the end the server's own `verify` passes, and its rollup
//! (summed from the chains it accepted) equals the model's members, savings
//! and loans for each group.
//!
//! `scripts/sim.sh --server --seeds N` runs more seeds; a failure prints the
//! command that replays it.

#[path = "../../core/tests/common/mod.rs"]
mod common;
#[path = "../../core/tests/sim/mod.rs"]
mod sim;
mod support;

use daftar_core::exchange::Chunk;
use daftar_core::Book;
use daftar_sync::api::{Problem, Receipt};
use daftar_sync::{Hash, Head};
use rust_decimal::Decimal;
use sim::{Expected, Refused};
use support::As;
use uuid::Uuid;

/// Seeds CI runs: each starts its own database and server.
const CI_SEEDS: u64 = 12;
/// One step in this many kills the server between steps.
const SERVER_CRASH_ONE_IN: u32 = 20;

struct RealServer {
    server: support::Server,
    /// The receipt key the server said it has when it first started: every
    /// receipt, after any restart, must verify with it.
    key: daftar_sync::PublicKey,
    admin_token: String,
    node: String,
    rt: tokio::runtime::Runtime,
    db: tokio_postgres::Client,
    _dir: tempfile::TempDir,
}

impl RealServer {
    fn start() -> RealServer {
        let db = support::fresh_database();
        let dir = tempfile::tempdir().unwrap();
        let node = support::admin(
            &db,
            &[
                "node", "add", "--kind", "vo", "--name", "Sim VO", "--code", "SIM-VO",
            ],
        );
        let admin_token = support::admin(&db, &["user", "--name", "sim-admin", "--admin"]);
        let server = support::Server::start(&db, dir.path(), &["--new-orgs-under", "SIM-VO"]);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = rt.block_on(async {
            let (client, conn) = tokio_postgres::connect(&db, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            client
        });
        let (status, info) = support::call(&server.url, "GET", "/v1/server", b"", As::Nobody);
        assert_eq!(status, 200, "{info}");
        let info: daftar_sync::api::ServerInfo = serde_json::from_value(info).unwrap();
        RealServer {
            key: info.key,
            server,
            admin_token,
            node,
            rt,
            db: client,
            _dir: dir,
        }
    }

    fn query(&self, sql: &str, org: Uuid, seq: Option<i64>) -> Vec<tokio_postgres::Row> {
        self.rt.block_on(async {
            match seq {
                Some(s) => self.db.query(sql, &[&org, &s]).await,
                None => self.db.query(sql, &[&org]).await,
            }
            .unwrap()
        })
    }
}

fn hash(bytes: &[u8]) -> Hash {
    bytes.try_into().expect("a stored hash is 32 bytes")
}

impl sim::Server for RealServer {
    fn join(&mut self, phone: &Book) {
        support::register(&self.server.url, phone);
    }

    fn grant(&mut self, phone: &Book, org: Uuid) {
        let device = phone.device().unwrap().unwrap().public_key;
        let body = serde_json::to_vec(&serde_json::json!({ "device": device })).unwrap();
        let (status, answer) = support::call(
            &self.server.url,
            "POST",
            &format!("/v1/orgs/{org}/grants"),
            &body,
            As::Token(&self.admin_token),
        );
        assert_eq!(status, 204, "grant: {answer}");
    }

    fn receive(&mut self, from: &Book, chunk: &Chunk) -> Result<Head, Refused> {
        let (status, answer) = support::push(&self.server.url, from, chunk);
        if status == 200 {
            let receipt: Receipt = serde_json::from_value(answer).unwrap();
            assert!(
                receipt.verifies_with(&self.key),
                "a receipt the server's key did not sign"
            );
            assert_eq!(receipt.org, chunk.org);
            return Ok(receipt.head);
        }
        let problem: Problem = serde_json::from_value(answer.clone())
            .unwrap_or_else(|e| panic!("a refusal that is not a problem ({e}): {answer}"));
        assert!(
            (400..500).contains(&status),
            "the server failed, not refused ({status}): {answer}"
        );
        Err(Refused {
            code: problem.code,
            why: problem.reason,
        })
    }

    fn pull(&mut self, by: &Book, org: Uuid, after: u64) -> Option<Chunk> {
        let path = format!("/v1/orgs/{org}/events?after={after}");
        let (status, answer) = support::call(&self.server.url, "GET", &path, b"", As::Device(by));
        match status {
            204 => None,
            200 => Some(Chunk::parse(&serde_json::to_vec(&answer).unwrap()).unwrap()),
            _ => panic!("a pull after {after} was answered {status}: {answer}"),
        }
    }

    fn head(&mut self, org: Uuid) -> Option<Head> {
        let rows = self.query(
            "SELECT head_seq, head_hash FROM chains WHERE org_id = $1",
            org,
            None,
        );
        rows.first().map(|r| Head {
            seq: r.get::<_, i64>(0) as u64,
            hash: hash(r.get::<_, &[u8]>(1)),
        })
    }

    fn hash_at(&mut self, org: Uuid, seq: u64) -> Option<Hash> {
        let rows = self.query(
            "SELECT hash FROM events WHERE org_id = $1 AND seq = $2",
            org,
            Some(seq as i64),
        );
        rows.first().map(|r| hash(r.get::<_, &[u8]>(0)))
    }

    fn aside(&mut self, org: Uuid) -> usize {
        let rows = self.query(
            "SELECT count(*) FROM set_aside WHERE org_id = $1",
            org,
            None,
        );
        rows[0].get::<_, i64>(0) as usize
    }

    fn between_steps(&mut self, rng: &mut fastrand::Rng) -> bool {
        if rng.u32(0..SERVER_CRASH_ONE_IN) != 0 {
            return false;
        }
        self.server.restart();
        true
    }

    fn agrees(&mut self, expected: &[Expected], on: chrono::NaiveDate) {
        let verified = support::admin(&self.server.db, &["verify"]);
        assert!(
            verified.ends_with(&format!("{} chains, 0 not intact", expected.len())),
            "{verified}"
        );
        let r = support::consolidated(
            &self.server.url,
            &self.admin_token,
            &format!("/v1/nodes/{}/rollup?as_of={on}", self.node),
        );
        let lines = r["organisations"].as_array().unwrap();
        assert_eq!(lines.len(), expected.len(), "{r}");
        let amount = |v: &serde_json::Value| -> Decimal { v.as_str().unwrap().parse().unwrap() };
        for e in expected {
            let line = lines
                .iter()
                .find(|l| l["org"] == e.org.to_string())
                .unwrap_or_else(|| panic!("{} is not in the rollup: {r}", e.org));
            assert_eq!(line["members"], e.members as i64, "{line}");
            assert_eq!(amount(&line["savings"]), Decimal::from(e.savings), "{line}");
            assert_eq!(
                amount(&line["loans_outstanding"]),
                Decimal::from(e.loans),
                "{line}"
            );
        }
    }
}

/// The custodian's app that `sim` kills: see `sim::crash_child`.
#[test]
fn simulator_crash_child() {
    sim::crash_child();
}

#[test]
fn phones_and_the_real_server_killed_between_steps_never_lose_acknowledged_work_and_converge() {
    let seeds = sim::seeds(CI_SEEDS);
    let total = sim::run_seeds(&seeds, CI_SEEDS as usize, "scripts/sim.sh --server", |_| {
        Box::new(RealServer::start())
    });
    if seeds.len() >= CI_SEEDS as usize {
        assert!(
            total.server_crashes > 0,
            "the server never crashed: {total:?}"
        );
    }
}
