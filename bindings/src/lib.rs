//! daftar-ffi: the Kotlin face of daftar-core, through UniFFI. It holds API
//! types and delegation only; every rule lives in daftar-core.

// `DaftarError::InsufficientFunds` carries its amounts flat, as Kotlin reads
// them (`e.balance`, `e.needed`); a UniFFI error cannot box its fields, and
// errors are rare, so the size of `Result` on the error path is accepted.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!();

mod book;
mod error;
mod functions;
mod types;

pub use book::{DaftarBook, ProgressListener};
pub use error::DaftarError;
pub use functions::{build_demo, loan_schedule, new_op_id};
pub use types::*;
