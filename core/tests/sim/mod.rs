//! The simulator's world: phones with their books, a server, the model of
//! what must be true, and the seeded random choices. `model.rs` holds the
//! model and the run's statistics; `commands.rs` the book keepers' commands;
//! `network.rs` pushes, pulls, hand-overs, lost phones and restarts;
//! `world.rs` the world's making, its steps and its checks; `server.rs` what a
//! server must answer, and the reference model's answers; `run.rs` a seed's
//! run, the crashing app's child process, and what many seeds must exercise.
//!
//! Shared by two test binaries: `core/tests/simulator.rs` (the reference
//! model) and `server/tests/simulator.rs` (the real server on PostgreSQL).
#![allow(dead_code)]

mod commands;
mod model;
mod network;
mod run;
mod server;
mod world;

use std::path::PathBuf;

use crate::common::*;

use daftar_core::event::SavingsFund;
use daftar_core::*;
use daftar_sync::DeviceKey;
use uuid::Uuid;

pub(crate) use model::{Entry, OrgModel, Stats};
pub(crate) use run::{crash_child, run_seeds, seeds};
// `Refused` is named by the server's simulator only.
#[allow(unused_imports)]
pub(crate) use server::{Expected, Refused, Server};

pub(crate) const PHONES: usize = 3;
pub(crate) const ORGS: usize = 2;
pub(crate) const MEMBERS: u32 = 3;
pub(crate) const STEPS: usize = 60;

pub(crate) struct Phone {
    pub(crate) path: PathBuf,
    pub(crate) book: Option<Book>,
    pub(crate) name: String,
}

pub(crate) struct World {
    pub(crate) _dir: tempfile::TempDir,
    pub(crate) rng: fastrand::Rng,
    pub(crate) phones: Vec<Phone>,
    /// Phones lost with custody: their books live on, stale, and may still write.
    pub(crate) lost: Vec<Phone>,
    pub(crate) server: Box<dyn Server>,
    pub(crate) orgs: Vec<Uuid>,
    pub(crate) model: Vec<OrgModel>,
    pub(crate) admin: DeviceKey,
    pub(crate) date: chrono::NaiveDate,
    pub(crate) log: Vec<String>,
    pub(crate) stats: Stats,
}

pub(crate) fn on(phone: &Phone) -> CommandMeta {
    CommandMeta {
        device: phone.name.clone(),
        ..meta()
    }
}

pub(crate) fn savings_account(fund: SavingsFund, member: u32) -> String {
    match fund {
        SavingsFund::Compulsory => format!("2100-{member:04}"),
        SavingsFund::Voluntary => format!("2110-{member:04}"),
    }
}
