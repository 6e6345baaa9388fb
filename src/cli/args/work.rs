//! Sub-commands of the office's work: joiners, leavers, checklists, devices, shared secrets,
//! authenticators and access reviews.

use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Start a campaign over the access in scope (a frozen snapshot); prints its id.
    Start {
        /// all, customer-data, privileged or team:NAME
        #[arg(long, default_value = "all")]
        scope: String,
        /// An operator, or a line manager (name or email) reviewing with you.
        #[arg(long, value_name = "NAME")]
        reviewer: Option<String>,
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
        /// Days until the next campaign of this scope (default 91: quarterly).
        #[arg(long, value_name = "DAYS")]
        cadence_days: Option<u32>,
    },
    /// List campaigns: id, scope, reviewer, due, state, decided/items.
    List {
        #[arg(long)]
        json: bool,
    },
    /// A campaign's items: item id, email, system, level, source, changed, decision.
    Items {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Decide an item: keep, remove or reduce:LEVEL.
    Decide {
        item_id: i64,
        decision: String,
        #[arg(long, value_name = "TEXT", default_value = "")]
        comment: String,
    },
    /// Sign a campaign off (every item decided); creates the revocation checklists.
    Signoff { id: i64 },
    /// Write the evidence: PDF and CSV.
    Export {
        id: i64,
        #[arg(long, value_name = "FILE")]
        pdf: PathBuf,
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum TotpCommand {
    /// Enrol (or re-enrol) a staff member's authenticator; prints the otpauth URI.
    Enrol {
        email: String,
        /// Write the QR code to scan as a PNG file.
        #[arg(long, value_name = "FILE.png")]
        qr: Option<PathBuf>,
    },
    /// Check a caller's code: exit 0 when valid, non-zero when wrong or replayed.
    Verify { email: String, code: String },
    /// A shared account's current code.
    Code { secret_name: String },
}

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Add a shared secret; its value is read from standard input, or generated.
    Add {
        name: String,
        #[arg(long)]
        system: String,
        #[arg(long)]
        level: Option<String>,
        #[arg(long, default_value = "")]
        username: String,
        #[arg(long, value_name = "N")]
        interval_days: Option<i64>,
        #[arg(long, value_name = "DATE")]
        last_rotated: Option<String>,
        #[arg(long = "holder", value_name = "EMAIL")]
        holders: Vec<String>,
        #[arg(long)]
        generate: bool,
    },
    /// List secrets (name, system, last rotated, due, reason).
    List {
        #[arg(long)]
        json: bool,
    },
    /// One secret; the value only with --reveal (audited).
    Show {
        name: String,
        #[arg(long)]
        reveal: bool,
        #[arg(long)]
        json: bool,
    },
    /// Record a new value (from standard input, or generated and printed once).
    Rotate {
        name: String,
        #[arg(long)]
        generate: bool,
    },
    /// Who could know it, and why.
    Holders {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// When earlier values were in use (values stay hidden).
    History { name: String },
    /// Mark it as possibly compromised: it becomes due at once.
    Compromised {
        name: String,
        #[arg(long)]
        note: String,
    },
    /// Attach an authenticator (TOTP) secret: an otpauth:// URI (or the key as typed into an
    /// app) on standard input or in a file, or a QR code image. Never as an argument: other
    /// users can read arguments from the process list.
    Totp {
        name: String,
        /// A file holding the otpauth:// URI or the key.
        #[arg(long, value_name = "FILE", conflicts_with = "image")]
        uri_file: Option<PathBuf>,
        /// A PNG or JPEG picture of the QR code (a screenshot of the account's setup page).
        #[arg(long, value_name = "FILE")]
        image: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum JoinerCommand {
    /// Add a joiner with their roles and generate their checklist.
    Start {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long, value_name = "DATE")]
        start: String,
        #[arg(long)]
        team: Option<String>,
        #[arg(long, value_name = "EMAIL")]
        manager: Option<String>,
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LeaverCommand {
    /// Start someone's leaving with their last day (past, today or future).
    Start {
        email: String,
        #[arg(long, value_name = "DATE")]
        last_day: String,
    },
    /// Mark them as left (refused while items are open).
    Finish { email: String },
    /// Write the evidence of their leaving.
    Report {
        email: String,
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ChecklistCommand {
    /// Items with id, kind, target, due date and state.
    Show {
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Tick an item (its effect on access happens at once). An item a connected directory does
    /// is done there and read back first.
    Done {
        item: i64,
        /// Print the operations the directory would get, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Skip an item with a reason.
    Skip {
        item: i64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Register a device, optionally issued to someone.
    Add {
        #[arg(long = "type", value_name = "T")]
        kind: String,
        #[arg(long, value_name = "S")]
        serial: String,
        #[arg(long, default_value = "")]
        model: String,
        #[arg(long, value_name = "EMAIL")]
        assign: Option<String>,
    },
    /// List devices.
    List {
        #[arg(long)]
        json: bool,
    },
}
