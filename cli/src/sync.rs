//! `daftar device`, `daftar custody …` and `daftar bundle …`: sync's commands
//! over daftar-core, with files written beside and renamed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use daftar_core::Error;
use daftar_sync::signing::recovery_message;
use daftar_sync::{DeviceKey, PublicKey, Signature};

use crate::args::{BundleAction, CustodyAction};

/// A book's device name when none was given.
pub(crate) const DEFAULT_DEVICE: &str = "daftar-cli";

fn invalid(field: &str, reason: impl ToString) -> Error {
    Error::InvalidInput {
        field: field.into(),
        reason: reason.to_string(),
    }
}

pub(crate) fn device(db: PathBuf, name: Option<String>) -> Result<ExitCode, Error> {
    // A new phone names its device before anything is handed over to it, so
    // with --name an empty book is made.
    let book = match name {
        Some(_) => crate::open::open(&db)?,
        None => crate::open::existing(&db)?,
    };
    let id = match (book.device()?, name) {
        (Some(id), None) => id,
        (_, name) => book.device_identity(name.as_deref().unwrap_or(DEFAULT_DEVICE))?,
    };
    sayln!("device {}", id.device);
    sayln!("key    {}", id.public_key);
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn custody(action: CustodyAction) -> Result<ExitCode, Error> {
    match action {
        CustodyAction::Show { db, org } => {
            let book = crate::open::existing(&db)?;
            let org = book.resolve_org(&org)?;
            let state = book.sync_state(org)?;
            match state.custody {
                None => sayln!("nobody has claimed custody of {org}; this book may write it"),
                Some(c) => sayln!(
                    "custody of {org}: device {} (key {}), epoch {}, since seq {}",
                    c.device,
                    c.key,
                    c.epoch,
                    c.since_seq
                ),
            }
            sayln!("head: {}", state.head);
            match state.acknowledged {
                Some(a) => sayln!("acknowledged by the server: {a}"),
                None => sayln!("acknowledged by the server: nothing yet"),
            }
        }
        CustodyAction::Claim { who } => {
            let (book, org, meta, date) = who.open()?;
            let o = book.claim_custody(&meta, org, date)?;
            sayln!(
                "device {} holds custody of {org} (seq {})",
                meta.device,
                o.seq
            );
        }
        CustodyAction::HandOver {
            who,
            to_device,
            to_key,
        } => {
            let key = PublicKey::parse(&to_key).map_err(|e| invalid("to_key", e))?;
            let (book, org, meta, date) = who.open()?;
            let o = book.hand_over(&meta, org, date, &to_device, key)?;
            sayln!(
                "custody of {org} handed to device {to_device} at seq {}; export the bundle for it with `daftar bundle export`",
                o.seq
            );
        }
        CustodyAction::Recover { who, signature } => {
            let sig = Signature::parse(&signature).map_err(|e| invalid("signature", e))?;
            let (book, org, meta, date) = who.open()?;
            let o = book.recover_custody(&meta, org, date, sig)?;
            sayln!(
                "device {} recovered custody of {org} at seq {}",
                meta.device,
                o.seq
            );
        }
        CustodyAction::RecoveryKey { out } => recovery_key(&out)?,
        CustodyAction::SignRecovery {
            key_file,
            org,
            epoch,
            device,
            device_key,
        } => {
            let admin = read_key_file(&key_file)?;
            let org = uuid::Uuid::parse_str(&org).map_err(|e| invalid("org", e))?;
            let key = PublicKey::parse(&device_key).map_err(|e| invalid("device_key", e))?;
            sayln!(
                "{}",
                admin.sign(&recovery_message(&org, epoch, &key, &device))
            );
        }
        CustodyAction::SetRecoveryKey { who, key } => {
            let key = PublicKey::parse(&key).map_err(|e| invalid("key", e))?;
            let (book, org, meta, date) = who.open()?;
            let policy = daftar_core::policy::Policy {
                recovery_key: Some(key),
                ..book.policy(org)?
            };
            book.set_policy(&meta, org, date, policy)?;
            sayln!("a recovery of {org} may now be signed by {key}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A new administrator's key: the secret in a file only its owner can read,
/// never overwriting one that exists.
fn recovery_key(out: &Path) -> Result<(), Error> {
    let key = DeviceKey::generate().map_err(|e| Error::Storage {
        reason: e.to_string(),
    })?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(out).map_err(|e| {
        invalid(
            "out",
            format!("{}: {e}", crate::output::shown(&out.display().to_string())),
        )
    })?;
    writeln!(f, "{}", daftar_sync::hex(&key.secret()))?;
    f.sync_all()?;
    sayln!("{}", key.public());
    Ok(())
}

fn read_key_file(path: &Path) -> Result<DeviceKey, Error> {
    let text = std::fs::read_to_string(path)?;
    let secret = daftar_sync::chain::parse_hex::<32>(text.trim())
        .ok_or_else(|| invalid("key_file", "not 64 lower-case hex digits"))?;
    Ok(DeviceKey::from_secret(&secret))
}

pub(crate) fn bundle(action: BundleAction) -> Result<ExitCode, Error> {
    match action {
        BundleAction::Export {
            db,
            org,
            after,
            out,
            to_key,
        } => {
            let book = crate::open::existing(&db)?;
            let org = book.resolve_org(&org)?;
            daftar_core::files::refuse_book_paths(&db, &out)?;
            let to = match to_key {
                Some(k) => Some(PublicKey::parse(&k).map_err(|e| invalid("to-key", e))?),
                None => book.handed_over_to(org)?,
            };
            let bytes = book
                .bundle_file(org, after, to.as_ref())
                .map_err(|e| match &e {
                    Error::Refused { code, .. } if code == "no_custody" => invalid(
                        "org",
                        format!(
                            "{e}; claim custody first: daftar custody claim --db … --org {org}"
                        ),
                    ),
                    _ => e,
                })?;
            daftar_core::files::write_atomically(&out, |w| Ok(w.write_all(&bytes)?))?;
            match to {
                Some(key) => esayln!(
                    "wrote {org}'s events after seq {after}, sealed: only device {key} can read the file"
                ),
                None => esayln!("wrote {org}'s events after seq {after}, signed but not sealed"),
            }
        }
        BundleAction::Import { db, file } => return import(&db, &file),
        BundleAction::Aside { db, org } => {
            let book = crate::open::existing(&db)?;
            let org = book.resolve_org(&org)?;
            let aside = book.set_aside(org)?;
            if aside.is_empty() {
                sayln!("nothing kept aside for {org}");
            }
            for a in aside {
                sayln!(
                    "seq {} {} by device {} (received {}): {}",
                    a.seq,
                    a.kind,
                    a.device,
                    a.received_at,
                    a.refusal
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Applies each chunk in order; stops at the first refusal, since every chunk
/// after it extends it.
fn import(db: &Path, file: &Path) -> Result<ExitCode, Error> {
    let bytes = std::fs::read(file)?;
    if daftar_core::exchange::is_sealed(&bytes) && !db.exists() {
        return Err(Error::Refused {
            code: "wrong_device".into(),
            reason: format!(
                "the file is sealed to the device it was handed over to; {} does not exist, so it is not that device's book",
                db.display()
            ),
        });
    }
    let plain = if daftar_core::exchange::is_sealed(&bytes) {
        None
    } else {
        Some(daftar_core::exchange::parse_bundle(&bytes)?)
    };
    let existed = db.exists();
    let book = crate::open::open(db)?;
    let chunks = match plain {
        Some(chunks) => chunks,
        None => book.read_bundle_file(&bytes)?,
    };
    let (mut applied, mut held) = (0u64, 0usize);
    for (i, chunk) in chunks.iter().enumerate() {
        match book.ingest(chunk) {
            Ok(done) if done.applied == 0 => held += 1,
            Ok(done) => applied += done.applied,
            Err(e) => {
                esayln!("daftar: line {}: {e} [{}]", i + 1, e.code());
                esayln!(
                    "{applied} events added before it; nothing of line {} or after",
                    i + 1
                );
                if !existed && applied == 0 {
                    // The book this import made holds nothing: take it away again.
                    book.close()?;
                    for f in daftar_core::files::book_files(db) {
                        let _ = std::fs::remove_file(f);
                    }
                }
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    sayln!(
        "{applied} events added from {} chunks; {held} chunks were already held",
        chunks.len()
    );
    Ok(ExitCode::SUCCESS)
}
