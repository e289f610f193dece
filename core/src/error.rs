//! The one public error type. Every failure inside the core is mapped here, in one
//! place, to a small set of stable codes that the CLI prints and the apps localise.

use std::fmt;

/// A daftar failure. `code()` is stable across releases; messages are for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A field of a command is malformed or out of range. Nothing was written.
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },
    /// An organisation, member, account or event that the command names does not exist.
    #[error("not found: {what}")]
    NotFound { what: String },
    /// The command contradicts the book: a reused op_id with other content, a duplicate
    /// member number, an exited member transacting.
    #[error("conflict: {reason}")]
    Conflict { reason: String },
    /// The entry would take an account that may not go negative below zero.
    #[error(
        "insufficient funds in {}: balance {}, needs {}",
        .0.account,
        .0.balance_shown,
        .0.needed_shown
    )]
    InsufficientFunds(Box<Shortfall>),
    /// The actor may not do this.
    #[error("permission denied: {reason}")]
    PermissionDenied { reason: String },
    /// The book's history does not verify.
    #[error("tamper detected in organisation {org} at seq {seq}: {reason}")]
    TamperDetected {
        org: String,
        seq: u64,
        reason: String,
    },
    /// The book was written by a newer daftar.
    #[error("book schema version {found} is newer than this daftar supports ({supported}); upgrade daftar to open it")]
    SchemaTooNew { found: i64, supported: i64 },
    /// The file is not a daftar book (not SQLite, or another program's database).
    #[error("{path} is not a daftar book: {reason}; the file was left untouched")]
    NotABook { path: String, reason: String },
    /// An encrypted book opened with another key than its own, or without one.
    #[error("{reason}; the file was left untouched")]
    WrongKey { reason: String },
    /// SQLite reports damage. The file is left as it is, for recovery.
    #[error("the book is corrupt: {reason}; the file was left untouched")]
    Corrupt { reason: String },
    /// Any other storage failure (disk full, I/O, locked).
    #[error("storage error: {reason}")]
    Storage { reason: String },
    /// A long operation was cancelled through its progress callback; it wrote nothing.
    #[error("cancelled")]
    Cancelled,
    /// Sync's rules refuse it: a chunk that is a fork, a gap or forged, or a write
    /// by a device without custody. `code` is the protocol's (docs/sync-protocol.md).
    #[error("refused ({code}): {reason}")]
    Refused { code: String, reason: String },
}

/// What an entry refused for want of funds needed: amounts in major units of
/// `currency`, and as the organisation writes money, for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    pub account: String,
    pub balance: rust_decimal::Decimal,
    pub needed: rust_decimal::Decimal,
    pub currency: String,
    pub balance_shown: String,
    pub needed_shown: String,
}

impl Error {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidInput { .. } => ErrorCode::InvalidInput,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict { .. } => ErrorCode::Conflict,
            Error::InsufficientFunds(_) => ErrorCode::InsufficientFunds,
            Error::PermissionDenied { .. } => ErrorCode::PermissionDenied,
            Error::TamperDetected { .. } => ErrorCode::TamperDetected,
            Error::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            Error::NotABook { .. } => ErrorCode::NotABook,
            Error::Corrupt { .. } => ErrorCode::Corrupt,
            Error::WrongKey { .. } => ErrorCode::WrongKey,
            Error::Storage { .. } => ErrorCode::Storage,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::Refused { .. } => ErrorCode::Refused,
        }
    }

    pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.to_string(),
            reason: reason.into(),
        }
    }

    pub(crate) fn not_found(what: impl Into<String>) -> Self {
        Error::NotFound { what: what.into() }
    }

    pub(crate) fn refused(r: &daftar_sync::Refusal) -> Self {
        Error::Refused {
            code: r.code().to_string(),
            reason: r.to_string(),
        }
    }

    pub(crate) fn conflict(reason: impl Into<String>) -> Self {
        Error::Conflict {
            reason: reason.into(),
        }
    }
}

/// Stable error codes, one per `Error` variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidInput,
    NotFound,
    Conflict,
    InsufficientFunds,
    PermissionDenied,
    TamperDetected,
    SchemaTooNew,
    NotABook,
    Corrupt,
    WrongKey,
    Storage,
    Cancelled,
    Refused,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::InsufficientFunds => "insufficient_funds",
            ErrorCode::PermissionDenied => "permission_denied",
            ErrorCode::TamperDetected => "tamper_detected",
            ErrorCode::SchemaTooNew => "schema_too_new",
            ErrorCode::NotABook => "not_a_book",
            ErrorCode::Corrupt => "corrupt",
            ErrorCode::WrongKey => "wrong_key",
            ErrorCode::Storage => "storage",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Refused => "refused",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The single mapping from SQLite's errors to ours.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode as Sq;
        if let rusqlite::Error::SqliteFailure(f, ref msg) = e {
            let reason = msg.clone().unwrap_or_else(|| f.to_string());
            return match f.code {
                Sq::DatabaseCorrupt | Sq::NotADatabase => Error::Corrupt { reason },
                _ => Error::Storage { reason },
            };
        }
        Error::Storage {
            reason: e.to_string(),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Storage {
            reason: e.to_string(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
