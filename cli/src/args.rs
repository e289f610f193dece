//! The command line as clap reads it: every subcommand and its options.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "daftar",
    version,
    about = "Offline-first bookkeeping for self-help groups and community funds"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
        /// Only this organisation (name or id): its chain and its projections
        /// against a replay, reading its own rows only.
        #[arg(long)]
        org: Option<String>,
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
    /// Set a person's PIN (--person, default the actor): her own, the first
    /// time or with the old one in DAFTAR_PIN; or, as an approver with hers in
    /// DAFTAR_PIN, another's. The new PIN comes from DAFTAR_NEW_PIN or a line
    /// of standard input, never an argument. An approver's commands need her
    /// PIN in DAFTAR_PIN.
    Pin {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        person: Option<String>,
    },
    /// Change an organisation's policy on reversals.
    Policy {
        #[command(flatten)]
        who: Who,
        /// Whether a reversal needs a second person's approval: yes or no.
        #[arg(long)]
        reversal_needs_approval: String,
    },
    /// This book's device: its name and the public key another device hands
    /// custody over to. Made (with a new key) the first time; with --name, on
    /// a new, empty book if there is none yet (a phone about to receive one).
    Device {
        #[arg(long)]
        db: PathBuf,
        /// The device's name, the first time (default: daftar-cli).
        #[arg(long)]
        name: Option<String>,
    },
    /// Who may write an organisation: show, claim, hand over, recover.
    Custody {
        #[command(subcommand)]
        action: CustodyAction,
    },
    /// Move an organisation's events between books as a file of signed chunks
    /// (docs/sync-protocol.md): a backup, a restore, a hand-over phone to phone.
    Bundle {
        #[command(subcommand)]
        action: BundleAction,
    },
    /// Push and pull every organisation of a book (or those named) with the
    /// programme's server; registers the device on first use. Safe to stop and
    /// run again at any point. Restores an organisation onto a new book with --org.
    Sync {
        #[arg(long)]
        db: PathBuf,
        /// The server: https://… (behind its TLS proxy, docs/deployment.md), or
        /// http:// on this machine only (scripts/serve.sh prints it).
        #[arg(long, env = "DAFTAR_SERVER")]
        server: String,
        /// Only these organisations (repeat); a book that does not exist yet is
        /// made and the organisations restored into it.
        #[arg(long = "org")]
        orgs: Vec<String>,
        /// This book's device name, the first time (default: daftar-cli).
        #[arg(long, env = "DAFTAR_DEVICE")]
        device: Option<String>,
        /// Who claims custody for this device on a first sync (also DAFTAR_ACTOR).
        #[arg(long, env = "DAFTAR_ACTOR")]
        actor: Option<String>,
        /// The server's public key, if known: refuse any other server.
        #[arg(long)]
        server_key: Option<String>,
        /// A PEM file of the CA (or certificate) the server's TLS proxy
        /// presents, when it is not one of Mozilla's (a programme's own CA).
        #[arg(long)]
        server_ca: Option<PathBuf>,
        /// KiB of events per pushed chunk (default about 1024): smaller on a
        /// weak network, so a dropped connection loses less.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=8192))]
        chunk_kb: Option<u32>,
    },
    /// Make a new random key for an encrypted book, written to a file readable
    /// by its owner only. Give it to other commands as DAFTAR_KEY_FILE.
    KeyNew {
        #[arg(long)]
        out: PathBuf,
    },
    /// Write an encrypted copy of a plain book, keyed with DAFTAR_KEY_FILE (or
    /// DAFTAR_KEY). The plain book is left as it is.
    Encrypt {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Give an encrypted book (opened with DAFTAR_KEY_FILE or DAFTAR_KEY) the
    /// key in --new-key-file; the old key opens it no more.
    Rekey {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        new_key_file: PathBuf,
    },
    /// List the organisations in a book with their ids.
    Orgs {
        #[arg(long)]
        db: PathBuf,
    },
    /// Add a member, or change one's name, role, phone or exit date.
    Member {
        #[command(subcommand)]
        action: MemberAction,
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
        /// Narrations in this locale (en-IN, hi-IN, fa-IR) instead of the
        /// organisation's own. Account names and amounts stay plain.
        #[arg(long)]
        locale: Option<String>,
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
pub(crate) struct Who {
    #[arg(long)]
    pub(crate) db: PathBuf,
    #[arg(long)]
    pub(crate) org: String,
    /// The person recording this (also from DAFTAR_ACTOR).
    #[arg(long, env = "DAFTAR_ACTOR")]
    pub(crate) actor: String,
    /// The business date (default today).
    #[arg(long)]
    pub(crate) date: Option<String>,
    /// The device recording this (also from DAFTAR_DEVICE); default: the book's own.
    #[arg(long, env = "DAFTAR_DEVICE")]
    pub(crate) device: Option<String>,
    /// A client-chosen id (UUID) to make a retry safe; a new one by default.
    #[arg(long)]
    pub(crate) op_id: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum CorrectionAction {
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
pub(crate) enum LoanCommand {
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
        /// gregorian or persian: the calendar --start is typed in, monthly
        /// instalments keep the day of the month in, and dates are shown in.
        #[arg(long, default_value = "gregorian")]
        calendar: String,
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
pub(crate) enum Report {
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
    /// A VO's or CLF's CIF loans beside its SHGs' CIF borrowings, matched by
    /// reference, on --as-of: SHGs in the same book and in each --with BOOK.
    CifReconciliation(ReportArgs),
}

/// The book, organisation, period and format of a report. Without --from and
/// --to a report covers the fiscal year of the book's latest entry; without
/// --as-of, that entry's date.
#[derive(clap::Args)]
pub(crate) struct ReportArgs {
    #[arg(long)]
    pub(crate) db: PathBuf,
    #[arg(long)]
    pub(crate) org: String,
    #[arg(long)]
    pub(crate) from: Option<String>,
    #[arg(long)]
    pub(crate) to: Option<String>,
    #[arg(long)]
    pub(crate) as_of: Option<String>,
    #[arg(long)]
    pub(crate) member: Option<u32>,
    #[arg(long)]
    pub(crate) loan: Option<u32>,
    /// YYYY-MM, for the monthly report, in the organisation's calendar (1405-09 is Azar).
    #[arg(long)]
    pub(crate) month: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
    /// Show amounts and dates as in en-IN, hi-IN or fa-IR (Solar Hijri) instead of
    /// the organisation's own locale; also localises CSV. JSON stays plain.
    #[arg(long)]
    pub(crate) locale: Option<String>,
    /// For cif-reconciliation: another book holding member SHGs (repeatable).
    #[arg(long = "with")]
    pub(crate) with: Vec<PathBuf>,
}

#[derive(Subcommand)]
pub(crate) enum MemberAction {
    /// Add a member; the book gives the next free number unless --number is given.
    Add {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        name: String,
        /// member, president, secretary or treasurer.
        #[arg(long, default_value = "member")]
        role: String,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        number: Option<u32>,
    },
    /// Change what is given; the rest stays. The change is dated --date.
    Change {
        #[command(flatten)]
        who: Who,
        /// The member's number, as `members` lists it.
        #[arg(long)]
        member: u32,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        role: Option<String>,
        #[arg(long, conflicts_with = "remove_phone")]
        phone: Option<String>,
        #[arg(long)]
        remove_phone: bool,
        /// The day the member left the group (her savings and loans must be settled).
        #[arg(long)]
        exited_on: Option<String>,
    },
}

#[derive(Subcommand)]
pub(crate) enum CustodyAction {
    /// Who holds custody of the organisation, since which seq.
    Show {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        org: String,
    },
    /// Make this book's device the organisation's first custodian, before its
    /// events first leave the book.
    Claim {
        #[command(flatten)]
        who: Who,
    },
    /// Hand the organisation to another device, as its `daftar device` prints it.
    HandOver {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        to_device: String,
        /// The other device's public key (64 hex digits).
        #[arg(long)]
        to_key: String,
    },
    /// Take custody of a lost phone's organisation, with the administrator's
    /// signature (`daftar custody sign-recovery`).
    Recover {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        signature: String,
    },
    /// Make an administrator's recovery key: the secret goes to --out (readable
    /// by you alone), the public key to name in the policy is printed.
    RecoveryKey {
        #[arg(long)]
        out: PathBuf,
    },
    /// Sign a recovery with the administrator's key: the organisation, the new
    /// epoch, and the device (name and key) that takes custody.
    SignRecovery {
        #[arg(long)]
        key_file: PathBuf,
        #[arg(long)]
        org: String,
        #[arg(long)]
        epoch: u64,
        #[arg(long)]
        device: String,
        #[arg(long)]
        device_key: String,
    },
    /// Name the administrator's public key that may sign a recovery.
    SetRecoveryKey {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        key: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum BundleAction {
    /// Write the organisation's events after --after as signed chunks, one JSON
    /// line each. Once the organisation is handed over to another device, the
    /// file is sealed so that only that device can read it.
    Export {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        org: String,
        #[arg(long, default_value_t = 0)]
        after: u64,
        #[arg(long)]
        out: PathBuf,
        /// Seal the file to this device's public key (as `daftar device`
        /// prints it), so that only that device can read it.
        #[arg(long)]
        to_key: Option<String>,
    },
    /// Apply a bundle file's chunks to the book (created if it does not exist;
    /// a sealed file opens only in the book of the device it was sealed to).
    /// Chunks already held write nothing.
    Import {
        #[arg(long)]
        db: PathBuf,
        file: PathBuf,
    },
    /// Events refused (a fork, a write after custody passed on) and kept aside.
    Aside {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        org: String,
    },
}
