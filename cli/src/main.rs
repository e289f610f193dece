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
mod args;
mod bench;
mod book_keys;
mod demo;
mod loan_schedule;
mod open;
mod output;
mod people;
mod remote;
mod reports;
mod sync;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

pub(crate) use args::Format;
use args::{Cli, Command, CorrectionAction, LoanCommand, MemberAction, Report, Who};
use clap::Parser;
use daftar_core::{Book, CommandMeta, Error, Locale};

impl Who {
    fn open(&self) -> Result<(Book, uuid::Uuid, CommandMeta, chrono::NaiveDate), Error> {
        let book = crate::open::existing(&self.db)?;
        let org = book.resolve_org(&self.org)?;
        let device = match &self.device {
            Some(d) => d.clone(),
            None => book
                .device()?
                .map_or_else(|| sync::DEFAULT_DEVICE.to_string(), |d| d.device),
        };
        let mut meta = CommandMeta::new(&self.actor, &device);
        // The actor's PIN, for what an approver does: from the environment
        // only, never an argument that `ps` would show.
        if let Some(pin) = std::env::var_os("DAFTAR_PIN") {
            meta = meta.with_pin(&pin.to_string_lossy());
        }
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
        } => demo::demo(&db, seed, force, scale.as_deref()),
        Command::Verify {
            db,
            format,
            against,
            org,
        } => verify::verify(&db, format, against.as_deref(), org.as_deref()),
        Command::Apply {
            db,
            file,
            keep_going,
        } => apply(db, file, keep_going),
        Command::Checkpoint { db, org } => checkpoint(db, org),
        Command::Reverse { who, seq, reason } => reverse(who, seq, reason),
        Command::Correction { action } => correction(action),
        Command::Role { who, person, role } => people::give_role(who, person, role),
        Command::Pin { who, person } => people::set_pin(who, person),
        Command::Policy {
            who,
            reversal_needs_approval,
        } => policy(who, reversal_needs_approval),
        Command::KeyNew { out } => book_keys::key_new(&out),
        Command::Encrypt { db, out } => book_keys::encrypt(&db, &out),
        Command::Rekey { db, new_key_file } => book_keys::rekey(&db, &new_key_file),
        Command::Device { db, name } => sync::device(db, name),
        Command::Custody { action } => sync::custody(action),
        Command::Bundle { action } => sync::bundle(action),
        Command::Sync {
            db,
            server,
            orgs,
            device,
            actor,
            server_key,
            server_ca,
            chunk_kb,
        } => remote::sync(remote::SyncArgs {
            db,
            server,
            orgs,
            device,
            actor,
            server_key,
            server_ca,
            chunk_bytes: chunk_kb.map_or(0, |kb| kb as usize * 1024),
        }),
        Command::Orgs { db } => orgs(db),
        Command::Member { action } => member(action),
        Command::Members { db, org } => members(db, org),
        Command::Loan { loan } => loan_command(loan),
        Command::Export {
            db,
            org,
            format,
            out,
            locale,
        } => export(db, org, format, out, locale),
        Command::Date {
            from,
            to,
            locale,
            dates,
        } => date(from, to, locale, dates),
        Command::Amount { locale, amounts } => amount(locale, amounts),
        Command::Bench {
            quick,
            scale,
            workload,
            dir,
        } => bench(quick, scale, workload, dir),
        Command::Meetings { db, org } => meetings(db, org),
        Command::Report { report } => print_report(report),
    }
}

fn apply(db: PathBuf, file: PathBuf, keep_going: bool) -> Result<ExitCode, Error> {
    let mut input: Box<dyn std::io::BufRead> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(std::fs::File::open(&file)?))
    };
    let book = crate::open::open(&db)?;
    apply::run(&book, &mut *input, keep_going)
}

fn checkpoint(db: PathBuf, org: String) -> Result<ExitCode, Error> {
    let book = crate::open::existing(&db)?;
    let org = book.resolve_org(&org)?;
    sayln!("{}", book.checkpoint(org)?);
    Ok(ExitCode::SUCCESS)
}

fn reverse(who: Who, seq: u64, reason: String) -> Result<ExitCode, Error> {
    let (book, org, meta, date) = who.open()?;
    let o = book.reverse_entry(&meta, org, seq, date, &reason)?;
    if book.policy(org)?.reversal_needs_approval {
        sayln!(
            "correction request {} recorded; it moves no money until an approver decides it",
            o.seq
        );
    } else {
        sayln!("event {seq} reversed by event {}", o.seq);
    }
    Ok(ExitCode::SUCCESS)
}

fn correction(action: CorrectionAction) -> Result<ExitCode, Error> {
    match action {
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
            let book = crate::open::existing(&db)?;
            let org = book.resolve_org(&org)?;
            say!("{}", output::corrections(&book.corrections(org)?));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn policy(who: Who, reversal_needs_approval: String) -> Result<ExitCode, Error> {
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

fn orgs(db: PathBuf) -> Result<ExitCode, Error> {
    let book = crate::open::existing(&db)?;
    say!("{}", output::orgs(&book.organisations()?));
    for started in book.unfinished_loads()? {
        esayln!("daftar: warning: a bulk load started {started} never finished; the book may lack its last commands (run verify)");
    }
    Ok(ExitCode::SUCCESS)
}

fn member(action: MemberAction) -> Result<ExitCode, Error> {
    match action {
        MemberAction::Add {
            who,
            name,
            role,
            phone,
            number,
        } => {
            let (book, org, meta, date) = who.open()?;
            let new = daftar_core::NewMember {
                member_no: number,
                name,
                role: daftar_core::MemberRole::parse(&role)?,
                phone,
                joined_on: date,
            };
            let o = book.add_member(&meta, org, new)?;
            sayln!("member {} added", o.number.unwrap_or_default());
        }
        MemberAction::Change {
            who,
            member,
            name,
            role,
            phone,
            remove_phone,
            exited_on,
        } => {
            let (book, org, meta, date) = who.open()?;
            let exited_on = exited_on
                .map(|d| org_date(&book, org, "exited_on", &d))
                .transpose()?;
            let change = daftar_core::MemberChange {
                name,
                role: role
                    .as_deref()
                    .map(daftar_core::MemberRole::parse)
                    .transpose()?,
                phone: if remove_phone {
                    Some(None)
                } else {
                    phone.map(Some)
                },
                exited_on,
            };
            book.change_member(&meta, org, member, date, change)?;
            sayln!("member {member} changed");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn members(db: PathBuf, org: String) -> Result<ExitCode, Error> {
    let book = crate::open::existing(&db)?;
    let org = book.resolve_org(&org)?;
    say!("{}", output::members(&book.members(org)?));
    Ok(ExitCode::SUCCESS)
}

fn loan_command(loan: LoanCommand) -> Result<ExitCode, Error> {
    match loan {
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
            calendar,
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
                calendar,
            })?;
            match format {
                Format::Table => say!("{}", loan_schedule::table(&s)),
                Format::Csv => say!("{}", loan_schedule::csv(&s)),
                Format::Json => sayln!("{}", to_json(&s)?),
            }
            Ok(ExitCode::SUCCESS)
        }
        LoanCommand::List { db, org, as_of } => {
            let book = crate::open::existing(&db)?;
            let org = book.resolve_org(&org)?;
            let as_of = match as_of {
                Some(d) => org_date(&book, org, "as_of", &d)?,
                None => today(),
            };
            say!("{}", output::loans(&book, org, as_of)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn export(
    db: PathBuf,
    org: String,
    format: String,
    out: Option<PathBuf>,
    locale: Option<String>,
) -> Result<ExitCode, Error> {
    let format = daftar_core::export::ExportFormat::parse(&format)?;
    let asked = locale.as_deref().map(Locale::parse).transpose()?;
    let book = crate::open::existing(&db)?;
    book.read_in(asked);
    let org = book.resolve_org(&org)?;
    let summary = match &out {
        Some(path) => book.export_file(org, format, path, &mut |_, _| true)?,
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

fn date(
    from: String,
    to: String,
    locale: Option<String>,
    dates: Vec<String>,
) -> Result<ExitCode, Error> {
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

fn amount(locale: Option<String>, amounts: Vec<String>) -> Result<ExitCode, Error> {
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

fn bench(
    quick: bool,
    scale: Option<String>,
    workload: Option<String>,
    dir: Option<PathBuf>,
) -> Result<ExitCode, Error> {
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

fn meetings(db: PathBuf, org: String) -> Result<ExitCode, Error> {
    let book = crate::open::existing(&db)?;
    let org = book.resolve_org(&org)?;
    say!("{}", output::meetings(&book.meetings(org)?));
    Ok(ExitCode::SUCCESS)
}

fn print_report(report: Report) -> Result<ExitCode, Error> {
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
        Report::CifReconciliation(a) => ("cif-reconciliation", a),
    };
    let book = crate::open::existing(&a.db)?;
    let org = book.resolve_org(&a.org)?;
    let args = reports::Args {
        name: name.into(),
        from: a.from,
        to: a.to,
        as_of: a.as_of,
        member: a.member,
        loan: a.loan,
        month: a.month,
        with: a.with,
    };
    let asked = a.locale.as_deref().map(Locale::parse).transpose()?;
    // The core's own words (narrations, grading's workings) in the language of
    // the labels: a table's is the organisation's unless asked; CSV and JSON
    // are plain (English) unless a locale is asked.
    let plain = !matches!(a.format, crate::args::Format::Table);
    book.read_in(asked.or(plain.then_some(Locale::EnIn)));
    let view = reports::View::new(a.format, book.organisation(org)?.locale, asked)?;
    say!("{}", reports::run(&book, org, args, &view)?);
    Ok(ExitCode::SUCCESS)
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

pub(crate) fn today() -> chrono::NaiveDate {
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
