//! What the simulator asks of a server, and `daftar-sync`'s reference model of
//! a receiver answering it. The real `daftar-server` on PostgreSQL answers the
//! same questions in the server's own simulator (`server/tests/simulator.rs`).

use std::fmt;

use daftar_core::exchange::Chunk;
use daftar_core::Book;
use daftar_sync::chunk::Receiver;
use daftar_sync::model::ModelServer;
use daftar_sync::{Hash, Head};
use uuid::Uuid;

/// A chunk the server refused: the protocol's code and its reason.
#[derive(Debug)]
pub(crate) struct Refused {
    pub(crate) code: String,
    pub(crate) why: String,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.why)
    }
}

/// One organisation's figures as the model has them after the last step.
#[derive(Debug, Clone)]
pub(crate) struct Expected {
    pub(crate) org: Uuid,
    pub(crate) members: usize,
    /// Whole rupees: members' savings, both funds.
    pub(crate) savings: i64,
    /// Whole rupees: members' loans outstanding.
    pub(crate) loans: i64,
}

pub(crate) trait Server {
    /// A phone's device becomes known to the server.
    fn join(&mut self, phone: &Book);
    /// An administrator lets `phone` read `org`: the receiver of a hand-over,
    /// or a new phone restoring a lost one's books.
    fn grant(&mut self, phone: &Book, org: Uuid);
    /// One chunk sent by `from`: the head the server then holds, or its refusal.
    fn receive(&mut self, from: &Book, chunk: &Chunk) -> Result<Head, Refused>;
    /// What the server holds of `org` after `after`, asked for by `by`.
    fn pull(&mut self, by: &Book, org: Uuid, after: u64) -> Option<Chunk>;
    /// The head the server holds of `org`, if it holds anything.
    fn head(&mut self, org: Uuid) -> Option<Head>;
    fn hash_at(&mut self, org: Uuid, seq: u64) -> Option<Hash>;
    /// Events of `org` refused as forks or late writes and kept aside.
    fn aside(&mut self, org: Uuid) -> usize;
    /// Between two steps, the server may crash and come back: whether it did.
    fn between_steps(&mut self, _rng: &mut fastrand::Rng) -> bool {
        false
    }
    /// After the last clean exchange: what the server reports of each
    /// organisation against the model. The reference model keeps no books.
    fn agrees(&mut self, _expected: &[Expected], _on: chrono::NaiveDate) {}
}

impl Server for ModelServer {
    fn join(&mut self, _phone: &Book) {}

    fn grant(&mut self, _phone: &Book, _org: Uuid) {}

    fn receive(&mut self, _from: &Book, chunk: &Chunk) -> Result<Head, Refused> {
        ModelServer::receive(self, chunk).map_err(|r| Refused {
            code: r.code().to_string(),
            why: r.to_string(),
        })
    }

    fn pull(&mut self, _by: &Book, org: Uuid, after: u64) -> Option<Chunk> {
        ModelServer::pull(self, org, after)
    }

    fn head(&mut self, org: Uuid) -> Option<Head> {
        self.chains.get(&org).map(|c| c.head())
    }

    fn hash_at(&mut self, org: Uuid, seq: u64) -> Option<Hash> {
        self.chains.get(&org)?.hash_at(seq)
    }

    fn aside(&mut self, org: Uuid) -> usize {
        self.chains.get(&org).map_or(0, |c| c.aside.len())
    }
}
