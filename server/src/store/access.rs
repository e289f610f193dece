//! Who may do what on the server: devices registered with their signing key,
//! grants of read access to a device, users (federation staff and
//! administrators) with a token, and the log of every refusal.

use daftar_sync::api::Registration;
use daftar_sync::custody::CustodyState;
use daftar_sync::PublicKey;
use deadpool_postgres::Pool;
use sha2::{Digest, Sha256};
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::error::{Error, Result};

/// Longest device name accepted, in characters.
const MAX_DEVICE_NAME: usize = 100;

/// Registers a device that proved it holds its key; registering again with
/// the same key and name is a no-op, a new name for the key is refused.
pub async fn register(pool: &Pool, r: &Registration) -> Result<()> {
    if r.name.trim().is_empty()
        || r.name.chars().count() > MAX_DEVICE_NAME
        || r.name.chars().any(char::is_control)
    {
        return Err(Error::BadRequest(format!(
            "a device's name has 1 to {MAX_DEVICE_NAME} characters, none of them control characters"
        )));
    }
    if !r.verifies() {
        return Err(Error::Unauthenticated(
            "the registration is not signed by the key it registers".into(),
        ));
    }
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO devices (key, name) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            &[&r.key.0.as_slice(), &r.name],
        )
        .await?;
    let name: String = client
        .query_one(
            "SELECT name FROM devices WHERE key = $1",
            &[&r.key.0.as_slice()],
        )
        .await?
        .get(0);
    if name != r.name {
        return Err(Error::Conflict(format!(
            "this key is registered as device {name:?}, not {:?}",
            r.name
        )));
    }
    Ok(())
}

/// The registered name of a device key.
pub async fn device_name(client: &impl GenericClient, key: &PublicKey) -> Result<Option<String>> {
    Ok(client
        .query_opt(
            "SELECT name FROM devices WHERE key = $1",
            &[&key.0.as_slice()],
        )
        .await?
        .map(|r| r.get(0)))
}

/// A device reads an organisation it holds custody of, or one granted to it.
pub async fn device_may_read(pool: &Pool, key: &PublicKey, org: Uuid) -> Result<bool> {
    let client = pool.get().await?;
    if let Some(row) = client
        .query_opt("SELECT custody FROM chains WHERE org_id = $1", &[&org])
        .await?
    {
        let custody: CustodyState = serde_json::from_value(row.get(0))
            .map_err(|e| Error::Internal(format!("stored custody of {org}: {e}")))?;
        if custody.custody.is_some_and(|c| c.key == *key) {
            return Ok(true);
        }
    }
    Ok(client
        .query_opt(
            "SELECT 1 FROM device_grants WHERE org_id = $1 AND device_key = $2",
            &[&org, &key.0.as_slice()],
        )
        .await?
        .is_some())
}

pub async fn grant(pool: &Pool, org: Uuid, key: &PublicKey, by: &str) -> Result<()> {
    let client = pool.get().await?;
    if device_name(&**client, key).await?.is_none() {
        return Err(Error::NotFound(format!(
            "no device is registered with key {key}"
        )));
    }
    client
        .execute(
            "INSERT INTO device_grants (org_id, device_key, granted_by) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&org, &key.0.as_slice(), &by],
        )
        .await?;
    Ok(())
}

/// A person reading through the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub admin: bool,
    /// The node whose subtree a federation user sees.
    pub node: Option<Uuid>,
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Adds a user and returns their token, shown once; only its hash is kept.
pub async fn add_user(pool: &Pool, name: &str, admin: bool, node: Option<Uuid>) -> Result<String> {
    if name.trim().is_empty() || name.chars().count() > 100 {
        return Err(Error::BadRequest(
            "a user's name has 1 to 100 characters".into(),
        ));
    }
    if !admin && node.is_none() {
        return Err(Error::BadRequest(
            "a federation user needs the node they see".into(),
        ));
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    let token = daftar_sync::hex(&secret);
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO users (name, token_sha256, role, node_id) VALUES ($1, $2, $3, $4)",
            &[
                &name,
                &token_hash(&token),
                &if admin { "admin" } else { "federation" },
                &node,
            ],
        )
        .await
        .map_err(|e| {
            if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) {
                Error::Conflict(format!("a user named {name:?} exists"))
            } else {
                Error::Database(e)
            }
        })?;
    Ok(token)
}

pub async fn user_by_token(pool: &Pool, token: &str) -> Result<Option<User>> {
    let client = pool.get().await?;
    Ok(client
        .query_opt(
            "SELECT name, role, node_id FROM users WHERE token_sha256 = $1",
            &[&token_hash(token)],
        )
        .await?
        .map(|r| User {
            name: r.get(0),
            admin: r.get::<_, &str>(1) == "admin",
            node: r.get(2),
        }))
}

/// Records a refusal: who, what, the protocol's code, and in the database the
/// reason. The reason may quote what a phone sent (a member's name), so the
/// log gets the code only.
pub async fn log_refusal(
    pool: &Pool,
    org: Option<Uuid>,
    who: &str,
    action: &str,
    code: &str,
    reason: &str,
) {
    tracing::warn!(org = ?org, who, action, code, "refused");
    let logged = async {
        let client = pool.get().await?;
        client
            .execute(
                "INSERT INTO refusals (org_id, who, action, code, reason) VALUES ($1, $2, $3, $4, $5)",
                &[&org, &who, &action, &code, &reason],
            )
            .await?;
        Ok::<_, Error>(())
    };
    if let Err(e) = logged.await {
        tracing::error!(error = %e, "could not log a refusal");
    }
}
