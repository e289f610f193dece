//! The programme's hierarchy: state → district → block → CLF → VO → SHG, with
//! outside codes (LokOS, NRLM). Organisations with books arrive through their
//! first push; the nodes above them, and where each sits, are set by an
//! administrator.

use daftar_core::event::EventBody;
use deadpool_postgres::Transaction;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use super::journal::NewEvent;
use crate::error::{Error, Result};

pub const KINDS: &[&str] = &[
    "state", "district", "block", "clf", "vo", "shg", "ngo", "fund",
];

/// A chain's first event makes its organisation known (or marks a node an
/// administrator placed in advance as having a book).
pub async fn record_book(tx: &Transaction<'_>, first: &NewEvent) -> Result<()> {
    let EventBody::OrgCreated(o) = &first.event.body else {
        return Err(Error::Internal(
            "a chain's first event is not org.created".into(),
        ));
    };
    tx.execute(
        "INSERT INTO orgs (org_id, kind, name, has_book, currency, scale)
         VALUES ($1, $2, $3, true, $4, $5)
         ON CONFLICT (org_id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                has_book = true, currency = excluded.currency, scale = excluded.scale",
        &[
            &o.id,
            &o.kind.as_str(),
            &o.name,
            &o.currency.code,
            &(o.currency.scale as i16),
        ],
    )
    .await?;
    Ok(())
}

/// A node of the hierarchy, by its id or its outside code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Node {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub code: Option<String>,
    pub parent: Option<Uuid>,
    pub has_book: bool,
}

fn node_of(r: &tokio_postgres::Row) -> Node {
    Node {
        id: r.get(0),
        kind: r.get(1),
        name: r.get(2),
        code: r.get(3),
        parent: r.get(4),
        has_book: r.get(5),
    }
}

/// Finds a node by its UUID or its outside code.
pub async fn find(client: &impl GenericClient, key: &str) -> Result<Node> {
    let by_id = Uuid::parse_str(key).ok();
    let row = client
        .query_opt(
            "SELECT org_id, kind, name, code, parent_id, has_book FROM orgs
              WHERE org_id = $1 OR code = $2",
            &[&by_id, &key],
        )
        .await?;
    row.as_ref()
        .map(node_of)
        .ok_or_else(|| Error::NotFound(format!("no organisation or node {key:?}")))
}

/// Adds a node above the books (a VO, a block …); its id is made here.
pub async fn add_node(
    client: &impl GenericClient,
    kind: &str,
    name: &str,
    code: Option<&str>,
    parent: Option<&str>,
) -> Result<Node> {
    if !KINDS.contains(&kind) {
        return Err(Error::BadRequest(format!(
            "{kind:?} is not a kind; one of {KINDS:?}"
        )));
    }
    if name.trim().is_empty() || name.chars().count() > 200 {
        return Err(Error::BadRequest(
            "a node's name has 1 to 200 characters".into(),
        ));
    }
    let parent = match parent {
        Some(p) => Some(find(client, p).await?.id),
        None => None,
    };
    let id = Uuid::now_v7();
    client
        .execute(
            "INSERT INTO orgs (org_id, kind, name, code, parent_id) VALUES ($1, $2, $3, $4, $5)",
            &[&id, &kind, &name, &code, &parent],
        )
        .await
        .map_err(unique_code)?;
    find(client, &id.to_string()).await
}

fn unique_code(e: tokio_postgres::Error) -> Error {
    if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) {
        Error::Conflict("that code is already another organisation's".into())
    } else {
        Error::Database(e)
    }
}

/// Places `org` under `parent` (and gives it an outside code), refusing a
/// placement that would make a cycle.
pub async fn place(
    client: &impl GenericClient,
    org: &str,
    parent: &str,
    code: Option<&str>,
) -> Result<Node> {
    let org = find(client, org).await?;
    let parent = find(client, parent).await?;
    if subtree(client, org.id).await?.contains(&parent.id) {
        return Err(Error::BadRequest(format!(
            "{} lies under {}: placing it there would make a cycle",
            parent.name, org.name
        )));
    }
    client
        .execute(
            "UPDATE orgs SET parent_id = $2, code = coalesce($3, code) WHERE org_id = $1",
            &[&org.id, &parent.id, &code],
        )
        .await
        .map_err(unique_code)?;
    find(client, &org.id.to_string()).await
}

/// Places an organisation that has no parent yet under `parent`.
pub async fn place_if_unplaced(client: &impl GenericClient, org: Uuid, parent: Uuid) -> Result<()> {
    client
        .execute(
            "UPDATE orgs SET parent_id = $2 WHERE org_id = $1 AND parent_id IS NULL AND org_id <> $2",
            &[&org, &parent],
        )
        .await?;
    Ok(())
}

/// A node and everything under it.
pub async fn subtree(client: &impl GenericClient, node: Uuid) -> Result<Vec<Uuid>> {
    let rows = client
        .query(
            "WITH RECURSIVE t(id) AS (
                 SELECT $1::uuid
                 UNION SELECT o.org_id FROM orgs o JOIN t ON o.parent_id = t.id)
             SELECT id FROM t",
            &[&node],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Whether `org` is `node` or lies under it.
pub async fn within(client: &impl GenericClient, node: Uuid, org: Uuid) -> Result<bool> {
    let row = client
        .query_one(
            "WITH RECURSIVE up(id, parent) AS (
                 SELECT org_id, parent_id FROM orgs WHERE org_id = $2
                 UNION SELECT o.org_id, o.parent_id FROM orgs o JOIN up ON o.org_id = up.parent)
             SELECT EXISTS (SELECT 1 FROM up WHERE id = $1)",
            &[&node, &org],
        )
        .await?;
    Ok(row.get(0))
}
