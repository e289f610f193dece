//! daftar-ffi: the Kotlin face of daftar-core, through UniFFI. It holds API
//! types and delegation only; every rule lives in daftar-core.

uniffi::setup_scaffolding!();

mod book;
mod error;
mod types;

pub use book::{build_demo, loan_schedule, new_op_id, DaftarBook, ProgressListener};
pub use error::DaftarError;
pub use types::*;
