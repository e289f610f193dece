//! An organisation's policy and roles as the book holds them: the context every
//! decision is made in, who may approve, and the decisions that change them.
//! Owns the `policies` and `actors` tables.

use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use crate::book::{Book, MAX_ACTOR_CHARS};
use crate::error::{Error, Result};
use crate::event::EventBody;
use crate::org::Organisation;
use crate::policy::{ActorRole, Policy};
use crate::registry::load_org;

/// The state of an organisation a command needs to validate itself.
pub(crate) struct OrgContext {
    pub org: Organisation,
    pub policy: Policy,
    /// The actor recording the command, and their role in this organisation.
    pub actor: String,
    pub role: ActorRole,
}

impl OrgContext {
    /// An amount of minor units as the organisation writes money, for messages.
    pub fn money(&self, minor: i64) -> String {
        let o = &self.org;
        crate::locale::money(
            crate::money::from_minor(minor, o.currency.scale),
            &o.currency,
            o.locale,
        )
    }
}

/// The organisation a command names, with its policy and the actor's role;
/// `None` if it does not exist yet. An auditor may never write.
pub(crate) fn load_context(
    view: &Connection,
    org: Uuid,
    actor: &str,
) -> Result<Option<OrgContext>> {
    let Some(o) = load_org(view, org)? else {
        return Ok(None);
    };
    let role = role_of(view, org, actor)?;
    if role == ActorRole::Auditor {
        return Err(Error::PermissionDenied {
            reason: format!("{actor} is an auditor of this organisation and may only read"),
        });
    }
    Ok(Some(OrgContext {
        policy: load_policy(view, org)?,
        org: o,
        actor: actor.to_string(),
        role,
    }))
}

pub(crate) fn load_policy(conn: &Connection, org: Uuid) -> Result<Policy> {
    let text: Option<String> = conn
        .prepare_cached("SELECT policy FROM policies WHERE org_id = ?1")?
        .query_row([org.to_string()], |r| r.get(0))
        .optional()?;
    match text {
        None => Ok(Policy::default()),
        Some(t) => crate::event::parse_stored_json(&format!("stored policy of {org}"), &t),
    }
}

pub(crate) fn role_of(conn: &Connection, org: Uuid, actor: &str) -> Result<ActorRole> {
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM actors WHERE org_id = ?1 AND actor = ?2")?
        .query_row(rusqlite::params![org.to_string(), actor], |r| r.get(0))
        .optional()?;
    role.map_or(Ok(ActorRole::Bookkeeper), |r| ActorRole::parse(&r))
}

pub(crate) fn require_approver(ctx: &OrgContext, what: &str) -> Result<()> {
    if ctx.role != ActorRole::Approver {
        return Err(Error::PermissionDenied {
            reason: format!(
                "{what} needs an approver; {} is a {}",
                ctx.actor,
                ctx.role.as_str()
            ),
        });
    }
    Ok(())
}

impl Book {
    pub fn policy(&self, org: Uuid) -> Result<Policy> {
        self.organisation(org)?;
        self.with_reader(|conn| load_policy(conn, org))
    }

    pub fn role(&self, org: Uuid, actor: &str) -> Result<ActorRole> {
        self.with_reader(|conn| role_of(conn, org, actor))
    }

    /// The people the organisation's book names: everyone given a role or a
    /// PIN, by name. A lock screen offers them; anyone else records as a
    /// book keeper with no PIN.
    pub fn people(&self, org: Uuid) -> Result<Vec<Person>> {
        self.organisation(org)?;
        self.with_reader(|conn| {
            let mut st = conn.prepare_cached(
                "SELECT actor, role, pin_verifier IS NOT NULL FROM actors
                  WHERE org_id = ?1 ORDER BY actor",
            )?;
            let rows = st.query_map([org.to_string()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
            })?;
            let mut people = Vec::new();
            for row in rows {
                let (name, role, has_pin) = row?;
                people.push(Person {
                    name,
                    role: ActorRole::parse(&role)?,
                    has_pin,
                });
            }
            Ok(people)
        })
    }
}

/// A person the book names, with her role and whether she has set a PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub role: ActorRole,
    pub has_pin: bool,
}

/// Sets the organisation's rules from `date` on.
pub(crate) fn decide_set_policy(
    _view: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    policy: Policy,
) -> Result<EventBody> {
    policy.validate()?;

    require_org(ctx, org)?;
    Ok(EventBody::PolicySet(policy))
}

/// The number of approvers an organisation has.
pub(crate) fn approvers(conn: &Connection, org: Uuid) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM actors WHERE org_id = ?1 AND role = 'approver'")?
        .query_row([org.to_string()], |r| r.get(0))?)
}

/// Gives `actor` a role. Only an approver may, except for the organisation's
/// first approver, whom any book keeper may name (`permissions.rs`). Once it
/// has one, an organisation is never left without an approver: the policy and
/// roles could then be changed by anyone again.
pub(crate) fn decide_set_role(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    actor: &str,
    role: ActorRole,
) -> Result<EventBody> {
    let actor = crate::text::person_text("actor", actor, MAX_ACTOR_CHARS)?;

    require_org(ctx, org)?;
    if role != ActorRole::Approver
        && role_of(tx, org, &actor)? == ActorRole::Approver
        && approvers(tx, org)? == 1
    {
        return Err(Error::conflict(format!(
            "{actor} is the organisation's only approver; name another approver first"
        )));
    }
    Ok(EventBody::RoleSet { actor, role })
}

/// Records a PIN's verifier. Who may, and the verifier's strength, are
/// checked before (`pins::check`), with the PIN that came with the command.
pub(crate) fn decide_set_pin(
    ctx: Option<&OrgContext>,
    org: Uuid,
    person: &str,
    verifier: String,
) -> Result<EventBody> {
    let actor = crate::text::person_text("person", person, MAX_ACTOR_CHARS)?;
    require_org(ctx, org)?;
    crate::pins::check_verifier(&verifier)?;
    Ok(EventBody::PinSet { actor, verifier })
}

pub(crate) fn require_org(ctx: Option<&OrgContext>, org: Uuid) -> Result<&OrgContext> {
    ctx.ok_or_else(|| Error::not_found(format!("organisation {org}")))
}

/// Applies a policy, a role or a PIN to the projections.
pub(crate) fn apply(tx: &Connection, org: &str, body: &EventBody) -> Result<()> {
    match body {
        EventBody::PolicySet(policy) => {
            let text = crate::event::stored_json("policy", policy)?;
            tx.prepare_cached("INSERT OR REPLACE INTO policies (org_id, policy) VALUES (?1, ?2)")?
                .execute(params![org, text])?;
        }
        EventBody::RoleSet { actor, role } => {
            // An upsert, not a replace: the person's PIN stays.
            tx.prepare_cached(
                "INSERT INTO actors (org_id, actor, role) VALUES (?1, ?2, ?3)
                 ON CONFLICT (org_id, actor) DO UPDATE SET role = excluded.role",
            )?
            .execute(params![org, actor, role.as_str()])?;
        }
        EventBody::PinSet { actor, verifier } => {
            crate::pins::record_verifier(tx, org, actor, verifier)?;
        }
        _ => {}
    }
    Ok(())
}
