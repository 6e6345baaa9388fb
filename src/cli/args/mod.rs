//! The command line's grammar (clap): the global options and the top-level commands; the
//! sub-commands of each area are in `records.rs` (staff, systems, roles, operators) and
//! `work.rs` (joiners, leavers, checklists, devices, secrets, authenticators, reviews).

mod incidents;
mod policies;
mod records;
mod work;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

pub use incidents::{DetailArgs, IncidentCommand};
pub use policies::{EvidenceCommand, PolicyCommand, TrainingCommand};
pub use records::{DirectoryCommand, OperatorCommand, OperatorTotpCommand, RoleCommand, StaffCommand, SystemCommand};
pub use work::{
    ChecklistCommand, DeviceCommand, JoinerCommand, LeaverCommand, ReviewCommand, SecretCommand, TotpCommand,
};

#[derive(Debug, Parser)]
#[command(
    name = "keyholder",
    version,
    about = "Who works here, what they can get into, and proof it is handled properly."
)]
pub struct Cli {
    /// The vault's database file (the key file and others sit beside it), or the address of
    /// the PostgreSQL server that keeps the office's record (postgres://USER@HOST/DATABASE;
    /// never with the server's password in it).
    #[arg(long, global = true, env = "KEYHOLDER_VAULT", value_name = "PATH|ADDRESS")]
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
    /// Directories the office runs (OpenLDAP, Active Directory): read them, find drift.
    Directory {
        #[command(subcommand)]
        action: DirectoryCommand,
    },
    /// Policies staff must read and acknowledge.
    Policy {
        #[command(subcommand)]
        action: PolicyCommand,
    },
    /// Training staff must complete and renew.
    Training {
        #[command(subcommand)]
        action: TrainingCommand,
    },
    /// Write the evidence pack for a period into a new folder (--from DATE --to DATE --out
    /// DIR), or check one (`evidence verify DIR`).
    #[command(args_conflicts_with_subcommands = true)]
    Evidence {
        #[command(subcommand)]
        action: Option<EvidenceCommand>,
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Incidents and personal-data breaches: the register and the 72-hour clock.
    Incident {
        #[command(subcommand)]
        action: IncidentCommand,
    },
    /// What needs attention; exits 3 when something is overdue (for cron and monitoring).
    Due {
        #[arg(long)]
        json: bool,
    },
    /// Copy the whole record to a PostgreSQL server (--to postgres://USER@HOST/DATABASE) or
    /// back to a new file (--to PATH), then read the copy back and compare it (every table's
    /// rows, the audit chain). The source is only read: not even this sign-in is recorded.
    Migrate {
        #[arg(long, value_name = "ADDRESS|PATH")]
        to: String,
    },
    /// Keep the password of the server in --vault postgres://… in this computer's keyring
    /// (from KEYHOLDER_SERVER_PASSWORD or the first stdin line), so no command carries it.
    ServerPassword,
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
