//! A command confirmed with its actor's PIN (`pins.rs` holds the PIN and its
//! verifier): what an approver does needs hers, a PIN given is checked, who
//! may set whose PIN, and an approver named only once she has one.

use std::collections::HashSet;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use crate::admin::OrgContext;
use crate::command::Command;
use crate::error::{Error, Result};
use crate::pins::{matches, Pin};
use crate::policy::ActorRole;

/// `actor`'s verifier in `org`, if they have set a PIN.
pub(crate) fn verifier_of(conn: &Connection, org: Uuid, actor: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT pin_verifier FROM actors WHERE org_id = ?1 AND actor = ?2")?
        .query_row(rusqlite::params![org.to_string(), actor], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()?
        .flatten())
}

/// Checks the PIN that came with a command: required (and right) when the
/// command needs an approver, right whenever given.
pub(crate) fn confirm(
    view: &Connection,
    ctx: &OrgContext,
    needs_approver: bool,
    pin: Option<&Pin>,
    seen: &Mutex<HashSet<[u8; 32]>>,
) -> Result<()> {
    let verifier = verifier_of(view, ctx.org.id, &ctx.actor)?;
    match (verifier, pin) {
        (Some(v), Some(pin)) => {
            if matches(&v, pin, seen)? {
                Ok(())
            } else {
                Err(Error::PermissionDenied {
                    reason: format!("wrong PIN for {}", ctx.actor),
                })
            }
        }
        (None, _) if needs_approver => Err(Error::PermissionDenied {
            reason: format!(
                "{} has no PIN on this book: an approver confirms with a PIN (set one with `daftar pin`)",
                ctx.actor
            ),
        }),
        (Some(_), None) if needs_approver => Err(Error::PermissionDenied {
            reason: format!("this needs {}'s PIN, typed on this device", ctx.actor),
        }),
        // A name with no PIN gives none, or one that proves nothing.
        (None, Some(_)) => Err(Error::PermissionDenied {
            reason: format!("{} has no PIN on this book to check this one against", ctx.actor),
        }),
        _ => Ok(()),
    }
}

/// The PIN rules for one command, after its role was checked: the PIN that
/// came with it (`confirm`), who may set whose PIN, and an approver named
/// only once she has a PIN.
pub(crate) fn check(
    view: &Connection,
    ctx: &OrgContext,
    command: &Command,
    pin: Option<&Pin>,
    seen: &Mutex<HashSet<[u8; 32]>>,
) -> Result<()> {
    let needs_approver = crate::permissions::needs_approver(view, ctx, command)?;
    confirm(view, ctx, needs_approver, pin, seen)?;
    match command {
        Command::SetPin { person, .. } => {
            let first = verifier_of(view, ctx.org.id, person)?.is_none();
            let own = ctx.actor == *person;
            // Her own, the first time or with the old PIN (just confirmed);
            // anyone else's only as an approver, with hers.
            if (own && (first || pin.is_some()))
                || (ctx.role == ActorRole::Approver && pin.is_some())
            {
                Ok(())
            } else if own {
                Err(Error::PermissionDenied {
                    reason: format!("{person} changes a PIN with the old one"),
                })
            } else {
                Err(Error::PermissionDenied {
                    reason: format!(
                        "{person}'s PIN is set by {person}, or reset by an approver with her own PIN"
                    ),
                })
            }
        }
        Command::SetRole {
            person,
            role: ActorRole::Approver,
            ..
        } if verifier_of(view, ctx.org.id, person)?.is_none() => Err(Error::invalid(
            "person",
            format!(
                "{person} has no PIN yet: an approver confirms with one, so {person} sets it first"
            ),
        )),
        _ => Ok(()),
    }
}
