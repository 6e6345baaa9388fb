//! `keyholder policy …` and `keyholder training …`: what staff must read and acknowledge, and
//! the training they must complete and renew.

use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Add a policy, or a new version of one (everyone in its audience is asked again).
    Add {
        name: String,
        #[arg(long)]
        version: String,
        /// The document (PDF or text), kept encrypted in the vault.
        #[arg(long, value_name = "FILE", conflicts_with = "link")]
        file: Option<PathBuf>,
        /// Or where it is published (https://…).
        #[arg(long, value_name = "URL")]
        link: Option<String>,
        /// all (default), team:NAME or role:NAME.
        #[arg(long)]
        audience: Option<String>,
    },
    /// The policies, their current versions and audiences.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Record that someone read and understood the current version.
    Ack {
        name: String,
        email: String,
        /// When (default today).
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
    /// Record acknowledgements from a CSV of signatures (columns email and date).
    Import { name: String, file: PathBuf },
    /// Who has and has not acknowledged the current version (not yet first, oldest first).
    Status {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TrainingCommand {
    /// Add a course and how often it is renewed.
    Add {
        name: String,
        #[arg(long, value_name = "N")]
        every_days: i64,
        /// all (default), team:NAME or role:NAME.
        #[arg(long)]
        audience: Option<String>,
    },
    /// Record that someone completed a course, with an optional certificate.
    Record {
        name: String,
        email: String,
        #[arg(long, value_name = "DATE")]
        on: String,
        /// The certificate, kept encrypted in the vault.
        #[arg(long, value_name = "CERT")]
        file: Option<PathBuf>,
    },
    /// Everyone's training: when it was last done and when it is next due, the earliest first.
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Check a pack against its manifest.json: exits non-zero naming each file changed,
    /// missing or added. Needs no vault.
    Verify { dir: PathBuf },
}
