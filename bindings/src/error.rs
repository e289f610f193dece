//! The one public error type, mapped from daftar-core's in one place. Each
//! variant is a stable code; in Kotlin it is `DaftarException.<Variant>`.

use daftar_core::Error as Core;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum DaftarError {
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },
    #[error("not found: {what}")]
    NotFound { what: String },
    #[error("conflict: {reason}")]
    Conflict { reason: String },
    /// `balance` and `needed` in major units of `currency`; the `_shown` forms
    /// as the organisation writes money.
    #[error("insufficient funds in {account}: balance {balance_shown}, needs {needed_shown}")]
    InsufficientFunds {
        account: String,
        balance: rust_decimal::Decimal,
        needed: rust_decimal::Decimal,
        currency: String,
        balance_shown: String,
        needed_shown: String,
    },
    #[error("permission denied: {reason}")]
    PermissionDenied { reason: String },
    #[error("tamper detected in {org} at seq {seq}: {reason}")]
    TamperDetected {
        org: String,
        seq: i64,
        reason: String,
    },
    #[error("book schema {found} is newer than {supported}")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("{path} is not a daftar book: {reason}")]
    NotABook { path: String, reason: String },
    #[error("the book is corrupt: {reason}")]
    Corrupt { reason: String },
    #[error("storage error: {reason}")]
    Storage { reason: String },
    #[error("cancelled")]
    Cancelled { reason: String },
    /// Sync's rules refuse it; `code` is the protocol's (`not_writer`, `fork`,
    /// `gap`, `bad_signature`, …; see docs/sync-protocol.md).
    #[error("refused ({code}): {reason}")]
    Refused { code: String, reason: String },
    /// A failure inside the bindings themselves (a callback that threw).
    #[error("internal error: {reason}")]
    Internal { reason: String },
    /// An encrypted book opened with another key than its own.
    #[error("{reason}")]
    WrongKey { reason: String },
}

impl From<Core> for DaftarError {
    fn from(e: Core) -> Self {
        match e {
            Core::InvalidInput { field, reason } => DaftarError::InvalidInput { field, reason },
            Core::NotFound { what } => DaftarError::NotFound { what },
            Core::Conflict { reason } => DaftarError::Conflict { reason },
            Core::InsufficientFunds(s) => {
                let daftar_core::error::Shortfall {
                    account,
                    balance,
                    needed,
                    currency,
                    balance_shown,
                    needed_shown,
                } = *s;
                DaftarError::InsufficientFunds {
                    account,
                    balance,
                    needed,
                    currency,
                    balance_shown,
                    needed_shown,
                }
            }
            Core::PermissionDenied { reason } => DaftarError::PermissionDenied { reason },
            // A seq is an SQLite INTEGER, so it fits a Long; were it not, the
            // error still names the tamper, at the largest seq Kotlin holds.
            Core::TamperDetected { org, seq, reason } => DaftarError::TamperDetected {
                org,
                seq: i64::try_from(seq).unwrap_or(i64::MAX),
                reason,
            },
            Core::SchemaTooNew { found, supported } => {
                DaftarError::SchemaTooNew { found, supported }
            }
            Core::NotABook { path, reason } => DaftarError::NotABook { path, reason },
            Core::Corrupt { reason } => DaftarError::Corrupt { reason },
            Core::WrongKey { reason } => DaftarError::WrongKey { reason },
            Core::Storage { reason } => DaftarError::Storage { reason },
            Core::Refused { code, reason } => DaftarError::Refused { code, reason },
            Core::Cancelled => DaftarError::Cancelled {
                reason: "cancelled by the progress listener".into(),
            },
        }
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for DaftarError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        DaftarError::Internal { reason: e.reason }
    }
}

pub type Result<T> = std::result::Result<T, DaftarError>;
