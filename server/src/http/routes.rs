//! One handler per route. Each authenticates, checks access, delegates, and
//! logs every refusal with who and what.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State as Shared};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use daftar_sync::api::{HeadAnswer, Receipt, Registration, ServerInfo};
use daftar_sync::chunk::MAX_CHUNK_BYTES;
use daftar_sync::{Chunk, PublicKey, Refusal};
use serde::Deserialize;
use uuid::Uuid;

use super::auth::{authenticate, Caller};
use super::State;
use crate::error::{Error, Result};
use crate::rollup;
use crate::store::{access, chains, hierarchy};

type St = Shared<Arc<State>>;

/// Logs a refusal, then answers with it.
async fn refused(state: &State, org: Option<Uuid>, who: &str, action: &str, e: Error) -> Response {
    if e.status().is_client_error() {
        access::log_refusal(
            &state.pool,
            org,
            who,
            action,
            &e.problem().code,
            &e.to_string(),
        )
        .await;
    }
    e.into_response()
}

fn parse_org(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| Error::BadRequest(format!("{s:?} is not an organisation id")))
}

pub async fn server(Shared(state): St) -> Json<ServerInfo> {
    Json(ServerInfo {
        protocol: daftar_sync::CHUNK_VERSION,
        key: state.key.public(),
    })
}

pub async fn register(Shared(state): St, body: Bytes) -> Response {
    let result = async {
        let r: Registration = serde_json::from_slice(&body)
            .map_err(|e| Error::BadRequest(format!("not a registration: {e}")))?;
        access::register(&state.pool, &r).await?;
        Ok::<_, Error>(r)
    }
    .await;
    match result {
        Ok(r) => (
            StatusCode::OK,
            Json(serde_json::json!({"registered": r.name, "key": r.key})),
        )
            .into_response(),
        Err(e) => refused(&state, None, "an unregistered device", "register", e).await,
    }
}

/// Whether `caller` may read `org`: its custodian, a device granted it, an
/// administrator, or a federation user above it.
async fn may_read(state: &State, caller: &Caller, org: Uuid) -> Result<()> {
    let allowed = match caller {
        Caller::Device { key, .. } => access::device_may_read(&state.pool, key, org).await?,
        Caller::Person(u) if u.admin => true,
        Caller::Person(u) => match u.node {
            Some(node) => {
                let client = state.pool.get().await?;
                hierarchy::within(&**client, node, org).await?
            }
            None => false,
        },
    };
    if allowed {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "{} may not read {org}",
            caller.who()
        )))
    }
}

pub async fn head(
    Shared(state): St,
    Path(org): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut who = "an unauthenticated caller".to_string();
    let result = async {
        let org = parse_org(&org)?;
        let caller = authenticate(&state, &method, &uri, &headers, &[]).await?;
        who = caller.who();
        let held = chains::head(&state.pool, org).await?;
        // That the server holds nothing of an organisation is no secret: its
        // first custodian needs to know it to push. What it holds is read by
        // those allowed only.
        if held.is_some() {
            may_read(&state, &caller, org).await?;
        }
        let answer = match held {
            Some((head, custody)) => HeadAnswer {
                org,
                head,
                custody: custody.custody,
                receipt: Some(Receipt::sign(org, head, &state.key)),
            },
            None => HeadAnswer {
                org,
                head: daftar_sync::Head::EMPTY,
                custody: None,
                receipt: None,
            },
        };
        Ok::<_, Error>(answer)
    }
    .await;
    match result {
        Ok(a) => Json(a).into_response(),
        Err(e) => refused(&state, parse_org(&org).ok(), &who, "head", e).await,
    }
}

pub async fn push(
    Shared(state): St,
    Path(org): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Response {
    let mut who = "an unauthenticated caller".to_string();
    let org_id = parse_org(&org).ok();
    let result = async {
        let org = parse_org(&org)?;
        let body = body.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::Refused(Refusal::TooLarge {
                    size: MAX_CHUNK_BYTES + 1,
                    limit: MAX_CHUNK_BYTES,
                })
            } else {
                Error::BadRequest(e.body_text())
            }
        })?;
        let caller = authenticate(&state, &method, &uri, &headers, &body).await?;
        who = caller.who();
        let Caller::Device { key, .. } = caller else {
            return Err(Error::Forbidden("only a device pushes a chain".into()));
        };
        let chunk = Chunk::parse(&body)?;
        if chunk.org != org {
            return Err(Error::BadRequest(format!(
                "the chunk is of {}, pushed to {org}",
                chunk.org
            )));
        }
        match chains::push(&state.pool, &chunk, &key).await {
            Ok(accepted) => {
                if accepted.new_events > 0 {
                    place_if_new(&state, org).await?;
                    let _ = state.consolidate.send(org);
                }
                Ok(Receipt::sign(org, accepted.head, &state.key))
            }
            Err(Error::Refused(r)) => {
                if r.keeps_aside() {
                    chains::set_aside(&state.pool, &chunk, &r, &key).await?;
                }
                Err(Error::Refused(r))
            }
            Err(e) => Err(e),
        }
    }
    .await;
    match result {
        Ok(receipt) => Json(receipt).into_response(),
        Err(e) => refused(&state, org_id, &who, "push", e).await,
    }
}

/// Puts an organisation that arrived with no place under the configured node.
async fn place_if_new(state: &State, org: Uuid) -> Result<()> {
    if let Some(parent) = state.new_orgs_under {
        let client = state.pool.get().await?;
        hierarchy::place_if_unplaced(&**client, org, parent).await?;
    }
    Ok(())
}

#[derive(Deserialize)]
pub struct After {
    #[serde(default)]
    after: u64,
}

pub async fn pull(
    Shared(state): St,
    Path(org): Path<String>,
    query: std::result::Result<Query<After>, axum::extract::rejection::QueryRejection>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut who = "an unauthenticated caller".to_string();
    let result = async {
        let org = parse_org(&org)?;
        let Query(After { after }) = query.map_err(|e| Error::BadRequest(e.body_text()))?;
        let caller = authenticate(&state, &method, &uri, &headers, &[]).await?;
        who = caller.who();
        may_read(&state, &caller, org).await?;
        chains::pull(&state.pool, org, after).await
    }
    .await;
    match result {
        Ok(Some(chunk)) => Json(chunk).into_response(),
        Ok(None) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => refused(&state, parse_org(&org).ok(), &who, "pull", e).await,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantBody {
    device: PublicKey,
}

/// An administrator lets a device read an organisation: a restore onto a new
/// phone, or the first step of recovering a lost one.
pub async fn grant(
    Shared(state): St,
    Path(org): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut who = "an unauthenticated caller".to_string();
    let result = async {
        let org = parse_org(&org)?;
        let caller = authenticate(&state, &method, &uri, &headers, &body).await?;
        who = caller.who();
        let Caller::Person(user) = &caller else {
            return Err(Error::Forbidden(
                "only an administrator grants access".into(),
            ));
        };
        if !user.admin {
            return Err(Error::Forbidden(format!(
                "{} is not an administrator",
                user.name
            )));
        }
        let g: GrantBody = serde_json::from_slice(&body)
            .map_err(|e| Error::BadRequest(format!("not a grant: {e}")))?;
        access::grant(&state.pool, org, &g.device, &user.name).await?;
        tracing::info!(%org, device = %g.device, by = %user.name, "granted");
        Ok::<_, Error>(())
    }
    .await;
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => refused(&state, parse_org(&org).ok(), &who, "grant", e).await,
    }
}

/// The node a federation read names, if the caller is a person who may see
/// it: an administrator, or a user at or above it. A device reads its own
/// books, never a federation's.
async fn node_for_person(state: &State, caller: &Caller, key: &str) -> Result<hierarchy::Node> {
    let Caller::Person(user) = caller else {
        return Err(Error::Forbidden(
            "a device reads its own books, not a federation's".into(),
        ));
    };
    let client = state.pool.get().await?;
    let node = hierarchy::find(&**client, key).await?;
    let allowed = user.admin
        || match user.node {
            Some(mine) => hierarchy::within(&**client, mine, node.id).await?,
            None => false,
        };
    if !allowed {
        return Err(Error::Forbidden(format!(
            "{} sees only their own part of the hierarchy",
            user.name
        )));
    }
    Ok(node)
}

#[derive(Deserialize)]
pub struct RollupQuery {
    as_of: Option<String>,
    month: Option<String>,
}

/// The consolidated figures of a node: an administrator's, or a federation
/// user's own subtree; never a device's.
pub async fn rollup(
    Shared(state): St,
    Path(node): Path<String>,
    query: std::result::Result<Query<RollupQuery>, axum::extract::rejection::QueryRejection>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut who = "an unauthenticated caller".to_string();
    let result = async {
        let Query(q) = query.map_err(|e| Error::BadRequest(e.body_text()))?;
        let as_of = rollup::as_of_day(q.as_of.as_deref(), q.month.as_deref())?;
        let caller = authenticate(&state, &method, &uri, &headers, &[]).await?;
        who = caller.who();
        let node = node_for_person(&state, &caller, &node).await?;
        rollup::rollup(&state.pool, &state.books_dir, node, as_of).await
    }
    .await;
    match result {
        Ok(r) => Json(r).into_response(),
        Err(e) => refused(&state, None, &who, "rollup", e).await,
    }
}

#[derive(Deserialize)]
pub struct AsOfQuery {
    as_of: Option<String>,
}

/// The CIF reconciliation of a VO or CLF with the groups under it, for an
/// administrator or a federation user whose subtree holds it.
pub async fn cif(
    Shared(state): St,
    Path(node): Path<String>,
    query: std::result::Result<Query<AsOfQuery>, axum::extract::rejection::QueryRejection>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut who = "an unauthenticated caller".to_string();
    let result = async {
        let Query(q) = query.map_err(|e| Error::BadRequest(e.body_text()))?;
        let as_of = q
            .as_of
            .as_deref()
            .map(|d| rollup::as_of_day(Some(d), None))
            .transpose()?;
        let caller = authenticate(&state, &method, &uri, &headers, &[]).await?;
        who = caller.who();
        let node = node_for_person(&state, &caller, &node).await?;
        crate::cif::reconcile(&state.pool, state.books_dir.clone(), &node, as_of).await
    }
    .await;
    match result {
        Ok(r) => Json(r).into_response(),
        Err(e) => refused(&state, None, &who, "cif reconciliation", e).await,
    }
}
