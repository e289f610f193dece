//! `daftar verify`: the whole book (SQLite's integrity, the schema, every
//! chain, every projection by replay), or with `--org` one organisation's
//! chain and projections alone, at a cost that grows with it, not the book.

use std::path::Path;
use std::process::ExitCode;

use daftar_core::verify::Checkpoint;
use daftar_core::Error;

use crate::{output, Format};

/// Progress on standard error, at most twice a second.
fn progress_printer() -> impl FnMut(u64, u64) -> bool {
    let mut last = std::time::Instant::now();
    move |done, total| {
        if last.elapsed().as_millis() >= 500 {
            esayln!("verifying: {done} of {total} steps");
            last = std::time::Instant::now();
        }
        true
    }
}

pub(crate) fn verify(
    db: &Path,
    format: Format,
    against: Option<&str>,
    org: Option<&str>,
) -> Result<ExitCode, Error> {
    let checkpoint = against.map(Checkpoint::parse).transpose()?;
    if let Some(org) = org {
        return verify_org(db, format, org, checkpoint);
    }
    let book = crate::open::existing(db)?;
    let report = book.verify(&mut progress_printer())?;
    let check = checkpoint
        .as_ref()
        .map(|c| book.verify_against(c))
        .transpose()?;
    match format {
        // A verification is a list of findings; CSV shows the same lines as the table.
        Format::Table | Format::Csv => {
            if report.integrity != "ok" {
                sayln!("TAMPERED  SQLite integrity check: {}", report.integrity);
            }
            for problem in &report.structure {
                sayln!("TAMPERED  {problem}");
            }
            for started in &report.unfinished_loads {
                sayln!("UNFINISHED  a bulk load started {started} never finished; the book may lack its last commands");
            }
            for o in &report.orgs {
                org_lines(o);
            }
            if let Some(c) = &check {
                checkpoint_line(c);
            }
        }
        Format::Json => sayln!(
            "{}",
            crate::to_json(&serde_json::json!({"report": report, "checkpoint": check}))?
        ),
    }
    let intact = report.is_intact() && check.as_ref().is_none_or(|c| c.problem.is_none());
    Ok(if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::EXIT_TAMPERED)
    })
}

/// One organisation: its chain and its projections against a replay.
fn verify_org(
    db: &Path,
    format: Format,
    org: &str,
    checkpoint: Option<Checkpoint>,
) -> Result<ExitCode, Error> {
    let book = crate::open::existing(db)?;
    let org = book.resolve_org(org)?;
    let v = book.verify_org(org, &mut progress_printer())?;
    let check = checkpoint
        .as_ref()
        .map(|c| book.verify_against(c))
        .transpose()?;
    match format {
        Format::Table | Format::Csv => {
            org_lines(&v);
            if let Some(c) = &check {
                checkpoint_line(c);
            }
            esayln!("only this organisation's chain and projections were checked; `daftar verify` without --org also checks the file and every other organisation");
        }
        Format::Json => sayln!(
            "{}",
            crate::to_json(&serde_json::json!({ "org": v, "checkpoint": check }))?
        ),
    }
    Ok(
        if v.is_intact() && check.as_ref().is_none_or(|c| c.problem.is_none()) {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(crate::EXIT_TAMPERED)
        },
    )
}

fn checkpoint_line(c: &daftar_core::verify::CheckpointCheck) {
    match &c.problem {
        None => sayln!(
            "ok        checkpoint {} holds (book now at seq {})",
            c.checkpoint,
            c.head_seq
        ),
        Some(p) => sayln!("TAMPERED  checkpoint {}: {p}", c.checkpoint),
    }
}

/// One organisation's chain line, then a line for each projection difference.
fn org_lines(o: &daftar_core::verify::OrgVerification) {
    sayln!("{}", output::chain_line(&o.chain));
    for d in &o.differences {
        sayln!(
            "TAMPERED  {}  table {} row {}: {}",
            o.chain.org_id,
            d.table,
            d.key,
            d.detail
        );
    }
}
