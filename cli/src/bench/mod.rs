//! `daftar bench`: each workload beside a lower bound or a peer measured in the
//! same run. Every workload runs in a child process of its own (`bench
//! --workload NAME`), so that the peak memory printed beside it is its own.
//! Timing lives here, never in tests.

mod growth;
mod reads;
mod same_rows;
mod sync;
mod writes;

use reads::{calls, cold_open, reports, verify};
use writes::{bulk, meeting};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chrono::NaiveDate;
use daftar_core::demo::Scale;
use daftar_core::event::SavingsFund;
use daftar_core::*;
use rust_decimal::Decimal;

/// The workloads, in the order they run. `bulk` builds the scaled book that the
/// later ones read.
pub const WORKLOADS: &[&str] = &[
    "meeting",
    "bulk",
    "verify-demo",
    "verify-scaled",
    "reports",
    "cold-open",
    "calls",
    "sync",
    "growth",
];

/// The scaled book of a quick run: enough to exercise every workload.
const QUICK_SCALE: Scale = Scale {
    shgs: 3,
    members: 12,
    weeks: 52,
};

/// One line of the table, as a child prints it (tab-separated) and the parent reads it.
struct Row {
    workload: String,
    daftar: String,
    baseline: String,
    ratio: String,
}

impl Row {
    fn new(workload: impl Into<String>, daftar: String, baseline: String, ratio: String) -> Row {
        Row {
            workload: workload.into(),
            daftar,
            baseline,
            ratio,
        }
    }

    fn print(&self) {
        println!(
            "row\t{}\t{}\t{}\t{}",
            self.workload, self.daftar, self.baseline, self.ratio
        );
    }
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v.get(((v.len() as f64 - 1.0) * p).round() as usize)
        .copied()
        .unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn ratio(a: Duration, b: Duration) -> String {
    let r = a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    // Two significant digits below 1, so that 0.004x does not print as 0.0x.
    if r < 1.0 {
        let places = 1 + (-r.log10()).ceil().max(0.0) as usize;
        format!("{r:.places$}x")
    } else {
        format!("{r:.1}x")
    }
}

fn meta() -> CommandMeta {
    CommandMeta::new("bench", "bench")
}

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 7).unwrap_or_default() + chrono::Duration::weeks(n)
}

fn not_found(what: &str) -> Error {
    Error::NotFound { what: what.into() }
}

/// The parent: runs each workload in a child process and prints one table.
pub fn run(quick: bool, scale: Option<Scale>) -> Result<String, Error> {
    let dir = tempfile::tempdir()?;
    let scale = scale.unwrap_or(if quick { QUICK_SCALE } else { Scale::CLF });
    let exe = std::env::current_exe()?;
    let mut out = format!(
        "daftar bench{} on {}; scaled book {}x{}x{} (SHGs x members x weeks)\n",
        if quick { " --quick" } else { "" },
        machine(),
        scale.shgs,
        scale.members,
        scale.weeks
    );
    let w = [62usize, 22, 50, 16, 10];
    let line = |c: [&str; 5]| {
        format!(
            "{:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}  {:>w4$}\n",
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4]
        )
    };
    out += &line(["workload", "daftar", "baseline", "ratio", "peak RSS"]);
    for name in WORKLOADS {
        let mut cmd = Command::new(&exe);
        cmd.arg("bench")
            .arg("--workload")
            .arg(name)
            .arg("--dir")
            .arg(dir.path())
            .arg("--scale")
            .arg(format!("{}x{}x{}", scale.shgs, scale.members, scale.weeks));
        if quick {
            cmd.arg("--quick");
        }
        let child = cmd.output()?;
        let stdout = String::from_utf8_lossy(&child.stdout);
        if !child.status.success() {
            return Err(Error::Storage {
                reason: format!(
                    "bench workload {name} failed: {}",
                    String::from_utf8_lossy(&child.stderr).trim()
                ),
            });
        }
        let peak = stdout
            .lines()
            .find_map(|l| l.strip_prefix("peak\t"))
            .unwrap_or("n/a")
            .to_string();
        let mut first = true;
        for l in stdout.lines().filter_map(|l| l.strip_prefix("row\t")) {
            let c: Vec<&str> = l.split('\t').collect();
            if let [a, b, c, d] = c[..] {
                out += &line([a, b, c, d, if first { &peak } else { "" }]);
                first = false;
            }
        }
    }
    out += "ratio: daftar's time over the baseline's (for rates, the baseline's rate over daftar's).\n";
    out += "peak RSS: VmHWM of the workload's own process, setup included.\n";
    Ok(out)
}

/// A child: one workload, its rows, then its peak memory.
pub fn run_workload(name: &str, dir: &Path, quick: bool, scale: Scale) -> Result<(), Error> {
    let scaled = dir.join("scaled.daftar");
    let rows = match name {
        "meeting" => meeting(dir, if quick { 5 } else { 50 })?,
        "bulk" => bulk(dir, &scaled, scale)?,
        "verify-demo" => {
            let p = dir.join("demo.daftar");
            let book = Book::open(&p)?;
            daftar_core::demo::build(&book, 1, &mut |_, _| true)?;
            book.close()?;
            verify(&p, "demo book")?
        }
        "verify-scaled" => verify(&scaled, "scaled book")?,
        "reports" => reports(dir, &scaled, if quick { 3 } else { 20 })?,
        "cold-open" => cold_open(&scaled, if quick { 3 } else { 20 })?,
        "calls" => calls(
            dir,
            if quick { 1_000 } else { 100_000 },
            if quick { 5 } else { 50 },
        )?,
        "sync" => sync::sync(dir, scale, if quick { 3 } else { 20 })?,
        "growth" => growth::growth(dir, &scaled, scale, quick)?,
        other => {
            return Err(Error::InvalidInput {
                field: "workload".into(),
                reason: format!("{other:?} is not one of {}", WORKLOADS.join(", ")),
            })
        }
    };
    for r in rows {
        r.print();
    }
    println!("peak\t{}", peak_rss());
    Ok(())
}

fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    format!("{cpu}, {cores} cores")
}

/// Where a child works: the parent's scratch folder.
pub fn workload_dir(dir: Option<PathBuf>) -> Result<PathBuf, Error> {
    dir.ok_or_else(|| Error::InvalidInput {
        field: "dir".into(),
        reason: "--workload needs --dir".into(),
    })
}
