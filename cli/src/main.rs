//! `daftar`: the command-line tool over daftar-core, for developers, support staff and CI.

mod loan_schedule;
mod output;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use daftar_core::{event::hex, Book, Error};

#[derive(Parser)]
#[command(
    name = "daftar",
    version,
    about = "Offline-first bookkeeping for self-help groups and community funds"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Table,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Create a sample book: two SHGs in India and a community fund in Iran, with a year of entries.
    Demo {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Recompute every organisation's hash chain and check each link.
    Verify {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// List the organisations in a book with their ids.
    Orgs {
        #[arg(long)]
        db: PathBuf,
    },
    /// List an organisation's members.
    Members {
        #[arg(long)]
        db: PathBuf,
        /// Organisation id, or a unique prefix of at least 4 characters.
        #[arg(long)]
        org: String,
    },
    /// Print a report.
    Report {
        #[command(subcommand)]
        report: Report,
    },
    /// Loan calculations and an organisation's loans.
    Loan {
        #[command(subcommand)]
        loan: LoanCommand,
    },
    /// List an organisation's meetings.
    Meetings {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        org: String,
    },
}

#[derive(Subcommand)]
enum LoanCommand {
    /// Print a repayment schedule. Pure calculation: no book is needed.
    Schedule {
        #[arg(long)]
        principal: String,
        /// Percent per --rate-period; for fee methods, the fee as percent of the principal.
        #[arg(long)]
        rate: String,
        #[arg(long, default_value = "year")]
        rate_period: String,
        /// Number of instalments.
        #[arg(long)]
        term: u32,
        #[arg(long, default_value = "monthly")]
        frequency: String,
        /// flat, reducing, emi, fee (fee deducted at payout) or fee-added.
        #[arg(long)]
        method: String,
        /// The date the loan is paid out; the first instalment falls one period later.
        #[arg(long)]
        start: String,
        /// ISO currency code; decides the minor unit (INR 2, IRR 0).
        #[arg(long, default_value = "INR")]
        currency: String,
        /// Minor-unit scale, for a currency daftar does not know.
        #[arg(long)]
        scale: Option<u32>,
        /// MODE/UNIT, e.g. half-up/minor or half-up/whole.
        #[arg(long, default_value = "half-up/minor")]
        rounding: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// List an organisation's loans with where each stands today (or --as-of).
    List {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        org: String,
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(Subcommand)]
enum Report {
    /// Each account's debit or credit balance, and the totals.
    TrialBalance {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        org: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// Exit codes: 1 for an error, 3 when verification finds tampering.
const EXIT_TAMPERED: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("daftar: {e} [{}]", e.code());
            ExitCode::FAILURE
        }
    }
}

fn run(cmd: Command) -> Result<ExitCode, Error> {
    match cmd {
        Command::Demo { db, seed, force } => demo(&db, seed, force),
        Command::Verify { db, format } => verify(&db, format),
        Command::Orgs { db } => {
            let book = Book::open_existing(&db)?;
            print!("{}", output::orgs(&book.organisations()?));
            Ok(ExitCode::SUCCESS)
        }
        Command::Members { db, org } => {
            let book = Book::open_existing(&db)?;
            let org = book.resolve_org(&org)?;
            print!("{}", output::members(&book.members(org)?));
            Ok(ExitCode::SUCCESS)
        }
        Command::Loan { loan } => match loan {
            LoanCommand::Schedule {
                principal,
                rate,
                rate_period,
                term,
                frequency,
                method,
                start,
                currency,
                scale,
                rounding,
                format,
            } => {
                let s = loan_schedule::compute(&loan_schedule::Args {
                    principal,
                    rate,
                    rate_period,
                    term,
                    frequency,
                    method,
                    start,
                    currency,
                    scale,
                    rounding,
                })?;
                match format {
                    Format::Table => print!("{}", loan_schedule::table(&s)),
                    Format::Json => println!("{}", to_json(&s)?),
                }
                Ok(ExitCode::SUCCESS)
            }
            LoanCommand::List { db, org, as_of } => {
                let book = Book::open_existing(&db)?;
                let org = book.resolve_org(&org)?;
                let as_of = match as_of {
                    Some(d) => parse_date("as_of", &d)?,
                    None => today(),
                };
                print!("{}", output::loans(&book, org, as_of)?);
                Ok(ExitCode::SUCCESS)
            }
        },
        Command::Meetings { db, org } => {
            let book = Book::open_existing(&db)?;
            let org = book.resolve_org(&org)?;
            print!("{}", output::meetings(&book.meetings(org)?));
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { report } => match report {
            Report::TrialBalance { db, org, format } => {
                let book = Book::open_existing(&db)?;
                let org = book.resolve_org(&org)?;
                let tb = book.trial_balance(org)?;
                match format {
                    Format::Table => print!("{}", output::trial_balance(&tb)),
                    Format::Json => println!("{}", to_json(&tb)?),
                }
                Ok(ExitCode::SUCCESS)
            }
        },
    }
}

fn demo(db: &Path, seed: u64, force: bool) -> Result<ExitCode, Error> {
    if db.exists() {
        if !force {
            return Err(Error::Conflict {
                reason: format!("{} exists; pass --force to replace it", db.display()),
            });
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    let book = Book::open(db)?;
    let made = daftar_core::demo::build(&book, seed, &mut |_, _| {})?;
    println!(
        "Demo book {} (seed {seed}): {} organisations, {} events.\n",
        db.display(),
        made.organisations.len(),
        made.events
    );
    for org in made.organisations {
        let o = book.organisation(org)?;
        let members = book.members(org)?;
        let (seq, hash) = book.chain_head(org)?;
        println!(
            "{}",
            output::org_summary(&o, members.len(), &book.accounts(org)?, seq, &hex(&hash))
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn verify(db: &Path, format: Format) -> Result<ExitCode, Error> {
    let book = Book::open_existing(db)?;
    let chains = book.verify_chains(&mut |_, _| {})?;
    match format {
        Format::Table => {
            for c in &chains {
                println!("{}", output::chain_line(c));
            }
        }
        Format::Json => println!("{}", to_json(&chains)?),
    }
    if chains.iter().all(|c| c.is_intact()) {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(EXIT_TAMPERED))
    }
}

pub(crate) fn parse_date(field: &str, s: &str) -> Result<chrono::NaiveDate, Error> {
    s.trim().parse().map_err(|_| Error::InvalidInput {
        field: field.into(),
        reason: format!("{s:?} is not a date (YYYY-MM-DD)"),
    })
}

fn today() -> chrono::NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .date_naive()
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(v).map_err(|e| Error::Storage {
        reason: e.to_string(),
    })
}
