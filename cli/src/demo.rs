//! `daftar demo`: the demo book, or a scaled one, built beside the old book and
//! renamed into place only when complete.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use daftar_core::{event::hex, Error};

use crate::output;

pub(crate) fn demo(
    db: &Path,
    seed: u64,
    force: bool,
    scale: Option<&str>,
) -> Result<ExitCode, Error> {
    if db.exists() && !force {
        return Err(Error::Conflict {
            reason: format!("{} exists; pass --force to replace it", db.display()),
        });
    }
    let scale = scale.map(daftar_core::demo::Scale::parse).transpose()?;
    // The new book is built beside the old one and renamed into place only once
    // it is complete, so a failed or killed run leaves the old book as it was.
    let dir = match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let building = tempfile::Builder::new()
        .prefix(".daftar-demo-")
        .tempdir_in(&dir)?;
    let new_book = building.path().join("book.daftar");
    let code = build_demo(&new_book, db, seed, scale)?;
    if db.exists() {
        // The old book's log must go first: SQLite would replay it into the new
        // file; and its witness of the last commit speaks of the old book.
        for suffix in ["-wal", "-shm", "-last"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    std::fs::rename(&new_book, db)?;
    Ok(code)
}

/// Builds the demo (or a scaled book) at `path`, closed and complete on return;
/// `shown` is the name the user gave.
fn build_demo(
    path: &Path,
    shown: &Path,
    seed: u64,
    scale: Option<daftar_core::demo::Scale>,
) -> Result<ExitCode, Error> {
    let book = crate::open::open(path)?;
    let made = match scale {
        None => daftar_core::demo::build(&book, seed, &mut |_, _| true)?,
        Some(scale) => {
            let made = daftar_core::demo::build_scaled(&book, seed, scale, &mut |done, total| {
                eprint!("\rbuilding: {done} of about {total} events");
                true
            })?;
            eprintln!();
            book.close()?;
            sayln!(
                "Book {} (seed {seed}): {} SHGs of {} members, {} weeks, {} events.",
                shown.display(),
                scale.shgs,
                scale.members,
                scale.weeks,
                made.events
            );
            return Ok(ExitCode::SUCCESS);
        }
    };
    sayln!(
        "Demo book {} (seed {seed}): {} organisations, {} events.\n",
        shown.display(),
        made.organisations.len(),
        made.events
    );
    for org in made.organisations {
        let o = book.organisation(org)?;
        let members = book.members(org)?;
        let (seq, hash) = book.chain_head(org)?;
        sayln!(
            "{}",
            output::org_summary(&o, members.len(), &book.accounts(org)?, seq, &hex(&hash))
        );
    }
    book.close()?;
    Ok(ExitCode::SUCCESS)
}
