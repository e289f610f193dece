//! A seed's run, the seeds asked for, what many seeds must exercise between
//! them, and the child process that plays the custodian's app being killed.

use super::*;
use crate::common::*;

/// Runs one seed against `server`; a failure names the seed, its steps, and
/// the command that replays it.
pub(crate) fn run(seed: u64, server: Box<dyn Server>, replay: &str) -> Stats {
    let mut w = World::new(seed, server);
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
            "seed {seed} failed after steps {:?}: {why}\nreplay: {replay} --seed {seed}",
            w.log
        );
    }
    w.stats
}

/// The seeds asked for: `DAFTAR_SIM_SEED` (one, replayed), or 1 to
/// `DAFTAR_SIM_SEEDS`, or 1 to `default`.
pub(crate) fn seeds(default: u64) -> Vec<u64> {
    match std::env::var("DAFTAR_SIM_SEED") {
        Ok(s) => vec![s.parse().expect("DAFTAR_SIM_SEED is a number")],
        Err(_) => {
            let n: u64 = std::env::var("DAFTAR_SIM_SEEDS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(default);
            (1..=n).collect()
        }
    }
}

/// Runs every seed, each against a server `make` gives it. When there are at
/// least `several`, they must between them exercise every fault, or the run
/// proves little.
pub(crate) fn run_seeds(
    seeds: &[u64],
    several: usize,
    replay: &str,
    mut make: impl FnMut(u64) -> Box<dyn Server>,
) -> Stats {
    let mut total = Stats::default();
    for &seed in seeds {
        total += run(seed, make(seed), replay);
    }
    eprintln!("{total:?}");
    if seeds.len() >= several {
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
    total
}

/// The custodian's app as a child process (the test binary run again with
/// `simulator_crash_child`): records the commands of a file, and aborts right
/// after the commit of the one the parent chose. Run as an ordinary test, it
/// does nothing.
pub(crate) fn crash_child() {
    let (Ok(book), Ok(file), Ok(abort)) = (
        std::env::var("DAFTAR_SIM_CHILD_BOOK"),
        std::env::var("DAFTAR_SIM_CHILD_COMMANDS"),
        std::env::var("DAFTAR_SIM_CHILD_ABORT_AFTER"),
    ) else {
        return;
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
