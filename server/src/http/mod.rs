//! The HTTP service (axum): the sync protocol's routes and the consolidated
//! reads. Each handler authenticates the caller, checks what it may do, and
//! hands the work to `store/`, `consolidate` or `rollup`.

mod auth;
mod routes;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use daftar_sync::chunk::MAX_CHUNK_BYTES;
use daftar_sync::DeviceKey;
use deadpool_postgres::Pool;
use tokio::sync::mpsc::UnboundedSender;
use uuid::Uuid;

pub use auth::Caller;

/// What every handler shares.
pub struct State {
    pub pool: Pool,
    /// The server's own key, which signs receipts.
    pub key: DeviceKey,
    pub books_dir: PathBuf,
    pub consolidate: UnboundedSender<Uuid>,
    /// Where an organisation that arrives with no place in the hierarchy goes.
    pub new_orgs_under: Option<Uuid>,
    /// Registered devices' names by key, filled as they are first seen.
    pub devices: std::sync::RwLock<std::collections::HashMap<[u8; 32], String>>,
}

pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/v1/server", get(routes::server))
        .route("/v1/devices", post(routes::register))
        .route("/v1/orgs/{org}/head", get(routes::head))
        .route("/v1/orgs/{org}/chunks", post(routes::push))
        .route("/v1/orgs/{org}/events", get(routes::pull))
        .route("/v1/orgs/{org}/grants", post(routes::grant))
        .route("/v1/nodes/{node}/rollup", get(routes::rollup))
        .route("/v1/nodes/{node}/cif", get(routes::cif))
        // A chunk of the largest size, plus room for its JSON around the events.
        .layer(DefaultBodyLimit::max(MAX_CHUNK_BYTES + (64 << 10)))
        .with_state(state)
}
