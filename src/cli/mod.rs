//! The command line: `keyholder [--vault PATH] COMMAND`. Scripts rely on these names and
//! outputs; data goes to stdout, messages to stderr, and every failure exits non-zero with one
//! clear line.

mod commands;
mod input;

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
    /// Set a new password with the recovery key.
    Recover {
        #[arg(long, value_name = "KEY")]
        recovery_key: String,
    },
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
}

/// The vault path when none is given: `office.khv` in the platform's data folder.
pub fn default_vault_path() -> PathBuf {
    directories::ProjectDirs::from("org", "Keyholder", "Keyholder")
        .map(|dirs| dirs.data_dir().join("office.khv"))
        .unwrap_or_else(|| PathBuf::from("office.khv"))
}
