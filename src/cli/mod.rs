//! The command line: `keyholder [--vault PATH] COMMAND`. Scripts rely on these names and
//! outputs; data goes to stdout, messages to stderr, and every failure exits non-zero with one
//! clear line.

/// `println!` that ends the program quietly when the reader has gone (`keyholder … | head`).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_line(format_args!($($arg)*))
    };
}

mod commands;
mod input;
mod processes;
mod records;
mod reviews;
mod secrets;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

pub use commands::run;

#[derive(Debug, Parser)]
#[command(
    name = "keyholder",
    version,
    about = "Who works here, what they can get into, and proof it is handled properly."
)]
pub struct Cli {
    /// The vault's database file (the key file and others sit beside it).
    #[arg(long, global = true, env = "KEYHOLDER_VAULT", value_name = "PATH")]
    pub vault: Option<PathBuf>,
    /// The operator signing in (may be omitted when the vault has one operator).
    #[arg(long, global = true, env = "KEYHOLDER_OPERATOR", value_name = "NAME")]
    pub operator: Option<String>,
    /// Read the password from the first line of standard input (a new password from the second).
    #[arg(long, global = true)]
    pub password_stdin: bool,
    /// The authenticator code, for operators with two-step sign-in on.
    #[arg(long, global = true, env = "KEYHOLDER_TOTP", value_name = "CODE")]
    pub totp: Option<String>,
    /// Replace output files (exports, reports, QR pictures) that already exist.
    #[arg(long, global = true)]
    pub force: bool,
    /// Open a vault on a network or FUSE file system (NFS, SMB, sshfs, cloud drives) anyway.
    /// Unsafe: SQLite's locking is unreliable there and sync tools can split the vault.
    #[arg(long, global = true, env = "KEYHOLDER_ALLOW_NETWORK_FS")]
    pub allow_network_filesystem: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new vault and print its recovery key (once).
    Init {
        /// Argon2id memory in MiB (at least 19; default: calibrated, at least 64).
        #[arg(long, value_name = "N")]
        kdf_memory_mib: Option<u32>,
        /// Argon2id iterations (at least 2; default: calibrated, at least 3).
        #[arg(long, value_name = "N")]
        kdf_iterations: Option<u32>,
    },
    /// Check the database pages, its structure and the audit chain; prints `ok`.
    Verify,
    /// Change your password (new one from KEYHOLDER_NEW_PASSWORD or the second stdin line).
    Passwd,
    /// Set a new password with the recovery key (from KEYHOLDER_RECOVERY_KEY, or the first
    /// stdin line with --password-stdin; the new password from KEYHOLDER_NEW_PASSWORD or the
    /// next stdin line).
    Recover,
    /// Make a new recovery key (printed once); the old one stops working.
    RecoveryKey,
    /// Replace the vault's data key: copies of older key files (and old passwords in them)
    /// then open nothing. Removing an operator does this by itself.
    Rekey,
    /// Remove key-file slots that were found altered, and seal the key file again.
    RepairKeyFile,
    /// Show the office's time zone ("today" for due dates and expiries), or set it by its
    /// IANA name (e.g. Europe/London).
    TimeZone { name: Option<String> },
    /// Manage operators.
    Operator {
        #[command(subcommand)]
        action: OperatorCommand,
    },
    /// Write a backup of the vault to FILE.
    Backup { file: PathBuf },
    /// Restore a backup as a new vault at --vault NEWPATH.
    Restore { file: PathBuf },
    /// Print the audit log.
    Audit {
        #[arg(long)]
        json: bool,
    },
    /// Staff members.
    Staff {
        #[command(subcommand)]
        action: StaffCommand,
    },
    /// Systems that access is given to.
    System {
        #[command(subcommand)]
        action: SystemCommand,
    },
    /// Roles: named bundles of access.
    Role {
        #[command(subcommand)]
        action: RoleCommand,
    },
    /// Give someone direct access outside their roles (an exception, with a reason).
    Grant {
        email: String,
        system: String,
        level: String,
        #[arg(long)]
        reason: String,
        /// Last day of the access (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
    },
    /// Remove someone's direct access to a system.
    Revoke { email: String, system: String },
    /// Who has access to what, and why (email, system, level, source).
    Access {
        #[arg(long, value_name = "EMAIL", conflicts_with = "system")]
        staff: Option<String>,
        #[arg(long, value_name = "NAME")]
        system: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Joiners: start someone's first days as a tracked checklist.
    Joiner {
        #[command(subcommand)]
        action: JoinerCommand,
    },
    /// Leavers: revoke everything, collect devices, prove it was done.
    Leaver {
        #[command(subcommand)]
        action: LeaverCommand,
    },
    /// A person's joiner and leaver checklists.
    Checklist {
        #[command(subcommand)]
        action: ChecklistCommand,
    },
    /// The device register.
    Device {
        #[command(subcommand)]
        action: DeviceCommand,
    },
    /// Shared secrets: the Wi-Fi key, alarm code, supplier logins.
    Secret {
        #[command(subcommand)]
        action: SecretCommand,
    },
    /// Access reviews: start, decide, sign off, export the evidence.
    Review {
        #[command(subcommand)]
        action: ReviewCommand,
    },
    /// Authenticator apps (TOTP) for identity checks and shared accounts.
    Totp {
        #[command(subcommand)]
        action: TotpCommand,
    },
    /// Print a random password or passphrase (nothing is stored).
    Generate {
        #[arg(long, value_name = "N", conflicts_with = "passphrase")]
        length: Option<usize>,
        /// A passphrase of this many words instead.
        #[arg(long, value_name = "WORDS")]
        passphrase: Option<usize>,
        /// Leave out symbols.
        #[arg(long)]
        no_symbols: bool,
        /// Keep characters that look alike (0/O, 1/l).
        #[arg(long)]
        allow_ambiguous: bool,
    },
    /// What needs attention; exits 3 when something is overdue (for cron and monitoring).
    Due {
        #[arg(long)]
        json: bool,
    },
    /// Create a vault filled with a realistic synthetic office to explore.
    Demo {
        /// How many staff members.
        #[arg(long, default_value_t = 30)]
        staff: usize,
        #[arg(long, value_name = "N")]
        kdf_memory_mib: Option<u32>,
        #[arg(long, value_name = "N")]
        kdf_iterations: Option<u32>,
    },
}

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
    /// Tick an item (its effect on access happens at once).
    Done { item: i64 },
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

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add a staff member.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        team: Option<String>,
        /// The line manager's work email.
        #[arg(long, value_name = "EMAIL")]
        manager: Option<String>,
        #[arg(long, value_name = "DATE")]
        start: Option<String>,
    },
    /// List staff (name, email, team, status).
    List {
        #[arg(long)]
        json: bool,
    },
    /// One staff member with their access.
    Show {
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Write all staff to a CSV file.
    Export { file: PathBuf },
    /// Replace a leaver's personal details with a tombstone (retention).
    Purge { email: String },
    /// Import staff from a CSV file (all valid rows in one transaction).
    Import {
        file: PathBuf,
        /// Only check the file.
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows even if some are invalid.
        #[arg(long)]
        skip_invalid: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SystemCommand {
    /// Add a system.
    Add {
        #[arg(long)]
        name: String,
        /// software, shared_account or physical.
        #[arg(long, default_value = "software")]
        kind: String,
        /// Access levels, least access first.
        #[arg(long, default_value = "user")]
        levels: String,
        /// Which of the levels are privileged.
        #[arg(long, default_value = "")]
        privileged: String,
        #[arg(long)]
        customer_data: bool,
        #[arg(long)]
        mfa: bool,
    },
    /// List systems.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Add a role from SYSTEM:LEVEL grants.
    Add {
        name: String,
        #[arg(long = "grant", value_name = "SYSTEM:LEVEL")]
        grants: Vec<String>,
    },
    /// List roles.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Give a staff member a role.
    Assign { role: String, email: String },
    /// Take a role away from a staff member.
    Unassign { role: String, email: String },
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Add an operator (their password from KEYHOLDER_NEW_PASSWORD or the second stdin line).
    Add { name: String },
    /// List operators.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove an operator.
    Remove { name: String },
    /// Two-step sign-in with an authenticator app for the signed-in operator.
    Totp {
        #[command(subcommand)]
        action: OperatorTotpCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum OperatorTotpCommand {
    /// Print the otpauth URI to add to the app; then run again with `--confirm CODE`, which
    /// turns it on and prints ten one-time recovery codes.
    Enable {
        #[arg(long, value_name = "CODE")]
        confirm: Option<String>,
        /// Also write the QR code to this PNG file.
        #[arg(long, value_name = "FILE.png")]
        qr: Option<PathBuf>,
    },
    /// Turn it off; needs a current code.
    Disable {
        #[arg(long, value_name = "CODE")]
        code: String,
    },
}

/// The vault path when none is given: `office.khv` in the platform's data folder.
pub fn default_vault_path() -> PathBuf {
    directories::ProjectDirs::from("org", "Keyholder", "Keyholder")
        .map(|dirs| dirs.data_dir().join("office.khv"))
        .unwrap_or_else(|| PathBuf::from("office.khv"))
}

/// Print a value as pretty JSON on stdout (the `--json` forms).
pub(crate) fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    out!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Write one line to stdout; a closed pipe ends the program with success, as Unix tools do.
pub(crate) fn write_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_fmt(args).and_then(|()| stdout.write_all(b"\n")) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("keyholder: cannot write the output: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod argv_tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Options that take a one-time authenticator or recovery code: consumed by the command
    /// that receives it (a replay is refused), so a glimpse in `ps` cannot be used again.
    const ONE_TIME_CODES: &[&str] = &["totp", "confirm", "code"];
    const SECRET_WORDS: &[&str] = &["password", "passphrase", "recovery", "key", "uri", "secret", "token", "value"];
    /// Reviewed: the words match, but the value is not a secret.
    const NOT_SECRETS: &[&str] = &[
        "keyholder totp code --secret_name", // which shared secret, by name
        "keyholder generate --passphrase",   // how many words
    ];

    fn walk(command: &clap::Command, path: &str, found: &mut Vec<String>) {
        for arg in command.get_arguments() {
            let takes_value = arg.get_action().takes_values();
            let id = arg.get_id().as_str().to_lowercase();
            let value_names: Vec<String> =
                arg.get_value_names().unwrap_or_default().iter().map(|n| n.to_lowercase()).collect();
            let words = std::iter::once(id.as_str()).chain(value_names.iter().map(String::as_str));
            let secret = words.clone().any(|w| SECRET_WORDS.iter().any(|s| w.contains(s)))
                && !words.clone().any(|w| w.ends_with("_file") || w == "file");
            if takes_value && (secret || ONE_TIME_CODES.contains(&id.as_str())) {
                found.push(format!("{path} --{id}"));
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), found);
        }
    }

    #[test]
    fn no_option_takes_a_secret_in_the_argument_list() {
        let mut found = Vec::new();
        walk(&Cli::command(), "keyholder", &mut found);
        let secrets: Vec<&String> = found
            .iter()
            .filter(|option| !ONE_TIME_CODES.iter().any(|code| option.ends_with(&format!(" --{code}"))))
            .filter(|option| !NOT_SECRETS.contains(&option.as_str()))
            .collect();
        assert!(secrets.is_empty(), "options that take a secret in argv: {secrets:?}");
        // The walk sees the one-time codes, so it would see a secret option too.
        assert!(found.iter().any(|o| o == "keyholder totp verify --code"), "{found:?}");
        assert!(found.iter().any(|o| o == "keyholder --totp"), "{found:?}");
    }
}
