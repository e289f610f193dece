//! The server's one error type, and its mapping to an HTTP answer in one
//! place. A refused chunk is a 4xx with the protocol's code; only a fault of
//! the server itself (the database gone, a bug) is a 500, and its detail goes
//! to the log, not to the caller.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use daftar_sync::api::Problem;
use daftar_sync::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("database: {0}")]
    Database(#[from] tokio_postgres::Error),
    #[error("database pool: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("the books: {0}")]
    Core(#[from] daftar_core::Error),
    #[error("{0}")]
    Internal(String),
    /// `daftar-server verify` found chains that are not intact.
    #[error("{0} chains are not intact")]
    Tampered(usize),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Refused(r) => {
                StatusCode::from_u16(Problem::status_of(r)).unwrap_or(StatusCode::CONFLICT)
            }
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Database(_)
            | Error::Pool(_)
            | Error::Core(_)
            | Error::Internal(_)
            | Error::Tampered(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn problem(&self) -> Problem {
        match self {
            Error::Refused(r) => Problem::refused(r),
            Error::BadRequest(m) => Problem::new("bad_request", m.clone()),
            Error::Unauthenticated(m) => Problem::new("unauthenticated", m.clone()),
            Error::Forbidden(m) => Problem::new("forbidden", m.clone()),
            Error::NotFound(m) => Problem::new("not_found", m.clone()),
            Error::Conflict(m) => Problem::new("conflict", m.clone()),
            // A fault of ours: the caller may retry; the detail is logged.
            Error::Database(_)
            | Error::Pool(_)
            | Error::Core(_)
            | Error::Internal(_)
            | Error::Tampered(_) => Problem::new(
                "unavailable",
                "the server could not complete this; send it again",
            ),
        }
    }
}

impl Error {
    /// The error as the server's log may hold it: no text that could carry a
    /// member's name or phone number. A refusal's or the books' message can
    /// quote what a phone sent, so only its code goes to the log (the
    /// `refusals` table keeps the reason for the operator); the database's
    /// own errors name tables and ids, and stay whole.
    pub fn for_log(&self) -> String {
        match self {
            Error::Refused(r) => format!("refused: {}", r.code()),
            Error::Core(c) => format!("the books: {}", c.code().as_str()),
            Error::BadRequest(_)
            | Error::Unauthenticated(_)
            | Error::Forbidden(_)
            | Error::NotFound(_)
            | Error::Conflict(_)
            | Error::Internal(_) => self.problem().code,
            Error::Database(_) | Error::Pool(_) | Error::Tampered(_) => self.to_string(),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if self.status() == StatusCode::SERVICE_UNAVAILABLE {
            tracing::error!(error = %self.for_log(), "request failed");
        }
        (self.status(), Json(self.problem())).into_response()
    }
}
