//! `daftar`: the command-line tool over daftar-core, for developers, support staff and CI.

/// `print!` and friends through `output::terminal_safe`.
macro_rules! say {
    ($($t:tt)*) => { print!("{}", $crate::output::terminal_safe(&format!($($t)*))) };
}
macro_rules! sayln {
    ($($t:tt)*) => { println!("{}", $crate::output::terminal_safe(&format!($($t)*))) };
}
macro_rules! esayln {
    ($($t:tt)*) => { eprintln!("{}", $crate::output::terminal_safe(&format!($($t)*))) };
}

mod apply;
mod bench;
mod files;
mod loan_schedule;
mod output;
mod reports;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use daftar_core::verify::Checkpoint;
use daftar_core::{event::hex, Book, CommandMeta, Error, Locale};

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
pub enum Format {
    Table,
    Json,
    Csv,
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
        /// Instead of the demo, SHGs at scale: `clf` (250 SHGs x 12 members x 156
        /// weekly meetings, about 1.2 million events) or SHGSxMEMBERSxWEEKS.
        #[arg(long)]
        scale: Option<String>,
    },
    /// Verify the book: SQLite integrity, every hash chain, and every projection
    /// against a replay of the events. Exit 0 intact, 3 tampered.
    Verify {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Also prove the book still holds the history of this checkpoint
        /// (`daftar1 ORG SEQ XXXX-XXXX-XXXX-XXXX`, as `checkpoint` prints it).
        #[arg(long)]
        against: Option<String>,
    },
    /// Record commands read as JSON lines (docs/commands.md), one outcome printed
    /// as a JSON line each. Re-running the same file writes nothing new.
    Apply {
        /// The book; created if no file exists there.
        #[arg(long)]
        db: PathBuf,
        /// The file of commands, or `-` for standard input.
        #[arg(default_value = "-")]
        file: PathBuf,
        /// Carry on past refused lines (the exit code is still 1).
        #[arg(long)]
        keep_going: bool,
    },
    /// Print an organisation's chain head as a short checkpoint, for a passbook or an SMS.
    Checkpoint {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        org: String,
    },
    /// Reverse a money event in full (or request it, where a second person must approve).
    Reverse {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        seq: u64,
        #[arg(long)]
        reason: String,
    },
    /// Decide or list corrections that wait for a second person.
    Correction {
        #[command(subcommand)]
        action: CorrectionAction,
    },
    /// Give a person a role in an organisation: bookkeeper, approver or auditor.
    Role {
        #[command(flatten)]
        who: Who,
        /// The person given the role.
        #[arg(long)]
        person: String,
        #[arg(long)]
        role: String,
    },
    /// Change an organisation's policy on reversals.
    Policy {
        #[command(flatten)]
        who: Who,
        /// Whether a reversal needs a second person's approval: yes or no.
        #[arg(long)]
        reversal_needs_approval: String,
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
    /// Export an organisation's ledger as an hledger journal, a beancount file or
    /// CSV postings. The journals assert every account's balance at each month end.
    Export {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        org: String,
        /// hledger, beancount or csv.
        #[arg(long)]
        format: String,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Benchmarks against lower bounds and peers measured in the same run, one
    /// table (build with --release; the full run builds a CLF-sized book).
    Bench {
        /// A few rounds on a small scaled book, to check that it runs.
        #[arg(long)]
        quick: bool,
        /// The scaled book's size: clf (the default) or SHGSxMEMBERSxWEEKS.
        #[arg(long)]
        scale: Option<String>,
        /// Run one workload and print its rows (what each child process does).
        #[arg(long, hide = true)]
        workload: Option<String>,
        /// The scratch folder that a workload shares with the others.
        #[arg(long, hide = true)]
        dir: Option<PathBuf>,
    },
    /// List an organisation's meetings.
    Meetings {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        org: String,
    },
    /// Convert dates between the Gregorian and Solar Hijri calendars, one line each:
    /// `daftar date --to persian 2026-11-25` prints 1405-09-04.
    Date {
        /// The calendar the dates are typed in (any digits): gregorian or persian.
        #[arg(long, default_value = "gregorian")]
        from: String,
        /// The calendar to print them in, as YYYY-MM-DD.
        #[arg(long, default_value = "gregorian")]
        to: String,
        /// Print as this locale shows dates instead (fa-IR: Solar Hijri, Persian digits).
        #[arg(long, conflicts_with = "to")]
        locale: Option<String>,
        #[arg(required = true)]
        dates: Vec<String>,
    },
    /// Read amounts typed in any digits and print them plain, or as a locale shows them.
    Amount {
        #[arg(long)]
        locale: Option<String>,
        #[arg(required = true, allow_hyphen_values = true)]
        amounts: Vec<String>,
    },
}

/// Who records a command, in which book and organisation, on which date.
#[derive(clap::Args)]
struct Who {
    #[arg(long)]
    db: PathBuf,
    #[arg(long)]
    org: String,
    /// The person recording this (also from DAFTAR_ACTOR).
    #[arg(long, env = "DAFTAR_ACTOR")]
    actor: String,
    /// The business date (default today).
    #[arg(long)]
    date: Option<String>,
    /// A client-chosen id (UUID) to make a retry safe; a new one by default.
    #[arg(long)]
    op_id: Option<String>,
}

impl Who {
    fn open(&self) -> Result<(Book, uuid::Uuid, CommandMeta, chrono::NaiveDate), Error> {
        let book = Book::open_existing(&self.db)?;
        let org = book.resolve_org(&self.org)?;
        let mut meta = CommandMeta::new(&self.actor, "daftar-cli");
        if let Some(id) = &self.op_id {
            meta.op_id = uuid::Uuid::parse_str(id).map_err(|_| Error::InvalidInput {
                field: "op_id".into(),
                reason: format!("{id:?} is not a UUID"),
            })?;
        }
        let date = match &self.date {
            Some(d) => org_date(&book, org, "date", d)?,
            None => today(),
        };
        Ok((book, org, meta, date))
    }
}

#[derive(Subcommand)]
enum CorrectionAction {
    Approve {
        #[command(flatten)]
        who: Who,
        /// The seq of the correction request.
        #[arg(long)]
        request: u64,
    },
    Reject {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        request: u64,
        #[arg(long)]
        reason: String,
    },
    List {
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
    /// Every entry between two dates, with reversals beside what they reverse.
    Journal(ReportArgs),
    /// Each account's debit or credit balance and the totals (today, or --as-of).
    TrialBalance(ReportArgs),
    /// A member's savings and loans with running balances (--member N).
    Passbook(ReportArgs),
    /// Cash in hand: opening, receipts, payments and closing, day by day.
    CashBook(ReportArgs),
    /// The bank account, day by day.
    BankBook(ReportArgs),
    /// One loan's payout, repayments and outstanding (--loan N).
    LoanLedger(ReportArgs),
    /// Member loans: outstanding, arrears, days-past-due buckets, PAR30 (--as-of).
    Portfolio(ReportArgs),
    /// Cash and bank receipts and payments by account.
    ReceiptsPayments(ReportArgs),
    /// Income, expenditure and the surplus.
    IncomeExpenditure(ReportArgs),
    /// Assets, liabilities and equity (--as-of).
    BalanceSheet(ReportArgs),
    /// The month's meetings, savings, lending and cash (--month YYYY-MM).
    Monthly(ReportArgs),
    /// Panchasutra grading over a period: the five norms, each out of 20, and how.
    Grading(ReportArgs),
}

/// The book, organisation, period and format of a report. Without --from and
/// --to a report covers the fiscal year of the book's latest entry; without
/// --as-of, that entry's date.
#[derive(clap::Args)]
struct ReportArgs {
    #[arg(long)]
    db: PathBuf,
    #[arg(long)]
    org: String,
    #[arg(long)]
    from: Option<String>,
    #[arg(long)]
    to: Option<String>,
    #[arg(long)]
    as_of: Option<String>,
    #[arg(long)]
    member: Option<u32>,
    #[arg(long)]
    loan: Option<u32>,
    /// YYYY-MM, for the monthly report, in the organisation's calendar (1405-09 is Azar).
    #[arg(long)]
    month: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Show amounts and dates as in en-IN, hi-IN or fa-IR (Solar Hijri) instead of
    /// the organisation's own locale; also localises CSV. JSON stays plain.
    #[arg(long)]
    locale: Option<String>,
}

/// Exit codes: 1 for an error, 3 when verification finds tampering.
const EXIT_TAMPERED: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            esayln!("daftar: {e} [{}]", e.code());
            ExitCode::FAILURE
        }
    }
}

fn run(cmd: Command) -> Result<ExitCode, Error> {
    match cmd {
        Command::Demo {
            db,
            seed,
            force,
            scale,
        } => demo(&db, seed, force, scale.as_deref()),
        Command::Verify {
            db,
            format,
            against,
        } => verify(&db, format, against.as_deref()),
        Command::Apply {
            db,
            file,
            keep_going,
        } => {
            let mut input: Box<dyn std::io::BufRead> = if file.as_os_str() == "-" {
                Box::new(std::io::stdin().lock())
            } else {
                Box::new(std::io::BufReader::new(std::fs::File::open(&file)?))
            };
            let book = Book::open(&db)?;
            apply::run(&book, &mut *input, keep_going)
        }
        Command::Checkpoint { db, org } => {
            let book = Book::open_existing(&db)?;
            let org = book.resolve_org(&org)?;
            sayln!("{}", book.checkpoint(org)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Reverse { who, seq, reason } => {
            let (book, org, meta, date) = who.open()?;
            let o = book.reverse_entry(&meta, org, seq, date, &reason)?;
            if book.policy(org)?.reversal_needs_approval {
                sayln!("correction request {} recorded; it moves no money until an approver decides it", o.seq);
            } else {
                sayln!("event {seq} reversed by event {}", o.seq);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Correction { action } => match action {
            CorrectionAction::Approve { who, request } => {
                let (book, org, meta, date) = who.open()?;
                let o = book.approve_correction(&meta, org, request, date)?;
                sayln!(
                    "request {request} approved: reversal recorded as event {}",
                    o.seq
                );
                Ok(ExitCode::SUCCESS)
            }
            CorrectionAction::Reject {
                who,
                request,
                reason,
            } => {
                let (book, org, meta, date) = who.open()?;
                book.reject_correction(&meta, org, request, date, &reason)?;
                sayln!("request {request} rejected");
                Ok(ExitCode::SUCCESS)
            }
            CorrectionAction::List { db, org } => {
                let book = Book::open_existing(&db)?;
                let org = book.resolve_org(&org)?;
                say!("{}", output::corrections(&book.corrections(org)?));
                Ok(ExitCode::SUCCESS)
            }
        },
        Command::Role { who, person, role } => {
            let (book, org, meta, date) = who.open()?;
            let role = daftar_core::policy::ActorRole::parse(&role)?;
            book.set_role(&meta, org, date, &person, role)?;
            sayln!("{person} is now {} of this organisation", role.as_str());
            Ok(ExitCode::SUCCESS)
        }
        Command::Policy {
            who,
            reversal_needs_approval,
        } => {
            let (book, org, meta, date) = who.open()?;
            let yes = match reversal_needs_approval.as_str() {
                "yes" | "true" => true,
                "no" | "false" => false,
                other => {
                    return Err(Error::InvalidInput {
                        field: "reversal_needs_approval".into(),
                        reason: format!("{other:?} is not yes or no"),
                    })
                }
            };
            let policy = daftar_core::policy::Policy {
                reversal_needs_approval: yes,
                ..book.policy(org)?
            };
            book.set_policy(&meta, org, date, policy)?;
            sayln!(
                "reversals {} a second person's approval",
                if yes { "now need" } else { "no longer need" }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Orgs { db } => {
            let book = Book::open_existing(&db)?;
            say!("{}", output::orgs(&book.organisations()?));
            Ok(ExitCode::SUCCESS)
        }
        Command::Members { db, org } => {
            let book = Book::open_existing(&db)?;
            let org = book.resolve_org(&org)?;
            say!("{}", output::members(&book.members(org)?));
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
                    Format::Table => say!("{}", loan_schedule::table(&s)),
                    Format::Csv => say!("{}", loan_schedule::csv(&s)),
                    Format::Json => sayln!("{}", to_json(&s)?),
                }
                Ok(ExitCode::SUCCESS)
            }
            LoanCommand::List { db, org, as_of } => {
                let book = Book::open_existing(&db)?;
                let org = book.resolve_org(&org)?;
                let as_of = match as_of {
                    Some(d) => org_date(&book, org, "as_of", &d)?,
                    None => today(),
                };
                say!("{}", output::loans(&book, org, as_of)?);
                Ok(ExitCode::SUCCESS)
            }
        },
        Command::Export {
            db,
            org,
            format,
            out,
        } => {
            let format = daftar_core::export::ExportFormat::parse(&format)?;
            let book = Book::open_existing(&db)?;
            let org = book.resolve_org(&org)?;
            let summary = match &out {
                Some(path) => {
                    files::refuse_book_paths(&db, path)?;
                    files::write_atomically(path, |w| {
                        book.export(org, format, w, &mut |_, _| true)
                    })?
                }
                None => {
                    let stdout = std::io::stdout();
                    let mut w = std::io::BufWriter::new(stdout.lock());
                    book.export(org, format, &mut w, &mut |_, _| true)?
                }
            };
            esayln!(
                "exported {} entries with {} balance assertions",
                summary.entries,
                summary.assertions
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Date {
            from,
            to,
            locale,
            dates,
        } => {
            use daftar_core::locale::{parse_date, to_calendar, LocalFormat};
            let from = daftar_core::Calendar::parse(&from)?;
            let to = daftar_core::Calendar::parse(&to)?;
            let shown = locale.as_deref().map(Locale::parse).transpose()?;
            let shown = shown.map(LocalFormat::new).transpose()?;
            for d in dates {
                let day = parse_date("date", &d, from)?;
                match &shown {
                    Some(f) => sayln!("{}", f.date(day)?),
                    None => {
                        let c = to_calendar(day, to)?;
                        sayln!("{:04}-{:02}-{:02}", c.year, c.month, c.day);
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Amount { locale, amounts } => {
            let shown = locale.as_deref().map(Locale::parse).transpose()?;
            let shown = shown
                .map(daftar_core::locale::LocalFormat::new)
                .transpose()?;
            for a in amounts {
                let v = daftar_core::locale::parse_amount("amount", &a)?;
                match &shown {
                    Some(f) => sayln!("{}", f.amount(v)),
                    None => sayln!("{v}"),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            quick,
            scale,
            workload,
            dir,
        } => {
            let scale = scale
                .as_deref()
                .map(daftar_core::demo::Scale::parse)
                .transpose()?;
            match workload {
                Some(name) => bench::run_workload(
                    &name,
                    &bench::workload_dir(dir)?,
                    quick,
                    scale.unwrap_or(daftar_core::demo::Scale::CLF),
                )?,
                None => say!("{}", bench::run(quick, scale)?),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Meetings { db, org } => {
            let book = Book::open_existing(&db)?;
            let org = book.resolve_org(&org)?;
            say!("{}", output::meetings(&book.meetings(org)?));
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { report } => {
            let (name, a) = match report {
                Report::Journal(a) => ("journal", a),
                Report::TrialBalance(a) => ("trial-balance", a),
                Report::Passbook(a) => ("passbook", a),
                Report::CashBook(a) => ("cash-book", a),
                Report::BankBook(a) => ("bank-book", a),
                Report::LoanLedger(a) => ("loan-ledger", a),
                Report::Portfolio(a) => ("portfolio", a),
                Report::ReceiptsPayments(a) => ("receipts-payments", a),
                Report::IncomeExpenditure(a) => ("income-expenditure", a),
                Report::BalanceSheet(a) => ("balance-sheet", a),
                Report::Monthly(a) => ("monthly", a),
                Report::Grading(a) => ("grading", a),
            };
            let book = Book::open_existing(&a.db)?;
            let org = book.resolve_org(&a.org)?;
            let args = reports::Args {
                name: name.into(),
                from: a.from,
                to: a.to,
                as_of: a.as_of,
                member: a.member,
                loan: a.loan,
                month: a.month,
            };
            let asked = a.locale.as_deref().map(Locale::parse).transpose()?;
            let view = reports::View::new(a.format, book.organisation(org)?.locale, asked)?;
            say!("{}", reports::run(&book, org, args, &view)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn demo(db: &Path, seed: u64, force: bool, scale: Option<&str>) -> Result<ExitCode, Error> {
    if db.exists() && !force {
        return Err(Error::Conflict {
            reason: format!("{} exists; pass --force to replace it", db.display()),
        });
    }
    let scale = scale.map(daftar_core::demo::Scale::parse).transpose()?;
    // The new book is built beside the old one and renamed into place only once
    // it is complete, so a failed or killed run leaves the old book as it was.
    let dir = match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let building = tempfile::Builder::new()
        .prefix(".daftar-demo-")
        .tempdir_in(&dir)?;
    let new_book = building.path().join("book.daftar");
    let code = build_demo(&new_book, db, seed, scale)?;
    if db.exists() {
        // The old book's log must go first: SQLite would replay it into the new file.
        for suffix in ["-wal", "-shm"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    std::fs::rename(&new_book, db)?;
    Ok(code)
}

/// Builds the demo (or a scaled book) at `path`, closed and complete on return;
/// `shown` is the name the user gave.
fn build_demo(
    path: &Path,
    shown: &Path,
    seed: u64,
    scale: Option<daftar_core::demo::Scale>,
) -> Result<ExitCode, Error> {
    let book = Book::open(path)?;
    let made = match scale {
        None => daftar_core::demo::build(&book, seed, &mut |_, _| true)?,
        Some(scale) => {
            let made = daftar_core::demo::build_scaled(&book, seed, scale, &mut |done, total| {
                eprint!("\rbuilding: {done} of about {total} events");
                true
            })?;
            eprintln!();
            book.close()?;
            sayln!(
                "Book {} (seed {seed}): {} SHGs of {} members, {} weeks, {} events.",
                shown.display(),
                scale.shgs,
                scale.members,
                scale.weeks,
                made.events
            );
            return Ok(ExitCode::SUCCESS);
        }
    };
    sayln!(
        "Demo book {} (seed {seed}): {} organisations, {} events.\n",
        shown.display(),
        made.organisations.len(),
        made.events
    );
    for org in made.organisations {
        let o = book.organisation(org)?;
        let members = book.members(org)?;
        let (seq, hash) = book.chain_head(org)?;
        sayln!(
            "{}",
            output::org_summary(&o, members.len(), &book.accounts(org)?, seq, &hex(&hash))
        );
    }
    book.close()?;
    Ok(ExitCode::SUCCESS)
}

fn verify(db: &Path, format: Format, against: Option<&str>) -> Result<ExitCode, Error> {
    let checkpoint = against.map(Checkpoint::parse).transpose()?;
    let book = Book::open_existing(db)?;
    let mut last = std::time::Instant::now();
    let report = book.verify(&mut |done, total| {
        if last.elapsed().as_millis() >= 500 {
            esayln!("verifying: {done} of {total} steps");
            last = std::time::Instant::now();
        }
        true
    })?;
    let check = checkpoint
        .as_ref()
        .map(|c| book.verify_against(c))
        .transpose()?;
    match format {
        // A verification is a list of findings; CSV shows the same lines as the table.
        Format::Table | Format::Csv => {
            if report.integrity != "ok" {
                sayln!("TAMPERED  SQLite integrity check: {}", report.integrity);
            }
            for o in &report.orgs {
                sayln!("{}", output::chain_line(&o.chain));
                for d in &o.differences {
                    sayln!(
                        "TAMPERED  {}  table {} row {}: {}",
                        o.chain.org_id,
                        d.table,
                        d.key,
                        d.detail
                    );
                }
            }
            if let Some(c) = &check {
                match &c.problem {
                    None => sayln!(
                        "ok        checkpoint {} holds (book now at seq {})",
                        c.checkpoint,
                        c.head_seq
                    ),
                    Some(p) => sayln!("TAMPERED  checkpoint {}: {p}", c.checkpoint),
                }
            }
        }
        Format::Json => sayln!(
            "{}",
            to_json(&serde_json::json!({"report": report, "checkpoint": check}))?
        ),
    }
    let intact = report.is_intact() && check.as_ref().is_none_or(|c| c.problem.is_none());
    Ok(if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_TAMPERED)
    })
}

pub(crate) fn parse_date(field: &str, s: &str) -> Result<chrono::NaiveDate, Error> {
    let date = s.trim().parse().map_err(|_| Error::InvalidInput {
        field: field.into(),
        reason: format!("{s:?} is not a date (YYYY-MM-DD)"),
    })?;
    daftar_core::locale::check_supported_date(field, date)
}

/// A date typed for an organisation, in its calendar (Solar Hijri for an Iranian fund).
fn org_date(
    book: &Book,
    org: uuid::Uuid,
    field: &str,
    s: &str,
) -> Result<chrono::NaiveDate, Error> {
    daftar_core::locale::parse_date(field, s, book.organisation(org)?.calendar)
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
