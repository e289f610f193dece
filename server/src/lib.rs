//! daftar's programme server: it ingests organisations' chained events from
//! phones into PostgreSQL, by the rules of `daftar-sync`, and consolidates
//! their books with `daftar-core` for federations and the programme.
//!
//! - [`db`]: the pool and the schema's migrations;
//! - [`store`]: chains (push, pull, head), the hierarchy, access, journal totals;
//! - [`consolidate`]: the core's figures of each book, from a replica;
//! - [`rollup`]: a node's consolidated figures;
//! - [`verify`]: every chain re-hashed and its custody and signatures checked, from PostgreSQL;
//! - [`http`]: the routes;
//! - [`web`]: the federation's pages (HTML), behind signed-in sessions;
//! - [`error`]: the one error type and its HTTP answer.

pub mod cif;
pub mod consolidate;
pub mod db;
pub mod error;
pub mod http;
pub mod keys;
pub mod rollup;
pub mod store;
pub mod verify;
pub mod web;
