//! What the server keeps in PostgreSQL, one module per concern.

pub mod access;
pub mod chains;
pub mod hierarchy;
pub mod journal;
