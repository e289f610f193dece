//! daftar-core: the bookkeeping core of daftar. See ARCHITECTURE.md for the map.
//!
//! A `Book` is one SQLite file. Every change is a command that appends one
//! hash-chained event and updates the projections in the same transaction.

mod actions;
mod admin;
pub mod book;
pub mod books;
pub mod catalogue;
pub mod charges;
pub mod chart;
mod checkpoint;
mod checks;
pub mod command;
pub mod commands;
mod confirmation;
pub mod corrections;
pub mod custody;
pub mod demo;
pub mod device;
pub mod encryption;
pub mod error;
pub mod event;
pub mod exchange;
pub mod export;
pub mod files;
#[doc(hidden)]
pub mod fuzz_checks;
pub mod grading;
pub mod last_commit;
mod ledger;
pub mod lending;
pub mod loan;
pub mod locale;
pub mod meeting_sheet;
pub mod meetings;
pub mod member;
pub mod money;
pub mod movements;
pub mod narration;
pub mod org;
mod permissions;
pub mod pins;
pub mod policy;
mod projection;
pub mod queries;
pub mod registry;
pub mod replay;
pub mod report;
mod rows;
pub mod settlement;
mod store;
mod structure;
pub mod text;
mod variant_name;
pub mod verify;
mod words;
mod write;

pub use admin::Person;
pub use book::{Book, CommandMeta, Outcome};
pub use command::Command;
pub use commands::{CashTransfer, SavingsEntry, Via, Voucher};
pub use error::{Error, ErrorCode, Result};
pub use member::{Member, MemberChange, MemberRole, NewMember};
pub use money::{Currency, RoundingRule};
pub use org::{Calendar, FiscalYearStart, Locale, NewOrganisation, OrgKind, Organisation};
pub use store::SCHEMA_VERSION;
