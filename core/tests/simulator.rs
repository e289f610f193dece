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
mod sim;

use common::*;
use daftar_core::*;
use sim::*;

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
            ("exits", t.exits),
            ("cut-offs", t.cutoffs),
        ] {
            assert!(n > 0, "no {what} in these seeds: {t:?}");
        }
    }
}
