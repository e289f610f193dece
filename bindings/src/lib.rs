//! daftar-ffi: the Kotlin face of daftar-core, through UniFFI. It holds API
//! types and delegation only; every rule lives in daftar-core.

uniffi::setup_scaffolding!();

mod book;
mod error;
mod functions;
mod types;

pub use book::{DaftarBook, ProgressListener};
pub use error::DaftarError;
pub use functions::{build_demo, loan_schedule, new_op_id};
pub use types::*;
