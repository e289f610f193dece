//! A simulator of phones, the server and faults, after TigerBeetle's VOPR: a
//! seed decides everything (which phone writes, what the network drops,
//! duplicates or reorders, which acknowledgement is lost, which phone is lost
//! or restarted, who hands over to whom), the world runs, and after every step
//! the invariants are checked against a model of what must be true. At the
//! end, one clean exchange must make every book agree with the model.
//!
//! Here the server is `daftar-sync`'s reference model of a receiver;
//! `server/tests/simulator.rs` runs the same world against the real
//! `daftar-server` on PostgreSQL. A failure names its seed and steps, and
//! `scripts/sim.sh --seed N` replays exactly that run; `scripts/sim.sh
//! --seeds 500` runs more seeds (CI runs 200).

mod common;
mod sim;

use daftar_sync::model::ModelServer;

/// The custodian's app that `sim` kills: see `sim::crash_child`.
#[test]
fn simulator_crash_child() {
    sim::crash_child();
}

#[test]
fn phones_the_server_and_a_faulty_network_never_lose_acknowledged_work_and_converge() {
    let seeds = sim::seeds(4);
    sim::run_seeds(&seeds, 100, "scripts/sim.sh", |_| {
        Box::new(ModelServer::default())
    });
}
