//! `keyholder incident …`: the register of incidents and personal-data breaches. Times are
//! ISO 8601 with an offset (2026-11-28T14:30+00:00) or the office's local time (2026-11-28T14:30).

use clap::{Args, Subcommand};
use std::path::PathBuf;

/// The facts, each optional (set or changed later with `incident edit`).
#[derive(Debug, Args, Default)]
pub struct DetailArgs {
    /// What happened.
    #[arg(long)]
    pub what: Option<String>,
    /// How it happened (the cause).
    #[arg(long)]
    pub cause: Option<String>,
    /// How the office found out.
    #[arg(long)]
    pub how_found: Option<String>,
    /// Categories of people affected ("customers, staff").
    #[arg(long)]
    pub people: Option<String>,
    /// Roughly how many people.
    #[arg(long, value_name = "N")]
    pub people_count: Option<u64>,
    /// Categories of personal data ("contact details, bank details").
    #[arg(long)]
    pub data: Option<String>,
    /// Roughly how many records.
    #[arg(long, value_name = "N")]
    pub records_count: Option<u64>,
    /// The likely consequences for the people affected.
    #[arg(long)]
    pub consequences: Option<String>,
    /// The measures taken or planned.
    #[arg(long)]
    pub measures: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Record an incident; prints its id. The 72 hours start at --aware.
    Add {
        #[arg(long)]
        title: String,
        /// When the office became aware.
        #[arg(long, value_name = "DATETIME")]
        aware: String,
        /// When it happened, if known.
        #[arg(long, value_name = "DATETIME")]
        happened: Option<String>,
        /// confidentiality, integrity or availability.
        #[arg(long)]
        kind: String,
        #[command(flatten)]
        details: DetailArgs,
    },
    /// Change the facts of an incident (only the options given).
    Edit {
        id: i64,
        #[command(flatten)]
        details: DetailArgs,
    },
    /// The register: id, title, status, aware, deadline, hours left.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One incident with its decisions, links, containment and timeline.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// The risk assessment, with its reasoning.
    Assess {
        id: i64,
        /// unlikely, risk or high.
        #[arg(long)]
        risk: String,
        #[arg(long)]
        reason: String,
    },
    /// Reported to the ICO (--ico --reference REF), or not reportable (--not-reportable --reason).
    Report {
        id: i64,
        #[arg(
            long,
            conflicts_with = "not_reportable",
            required_unless_present = "not_reportable",
            requires = "reference"
        )]
        ico: bool,
        #[arg(long)]
        reference: Option<String>,
        /// When it was reported (default: now).
        #[arg(long, value_name = "DATETIME")]
        at: Option<String>,
        /// Required when reported more than 72 hours after awareness.
        #[arg(long)]
        delay_reason: Option<String>,
        #[arg(long, requires = "reason")]
        not_reportable: bool,
        #[arg(long)]
        reason: Option<String>,
    },
    /// The people affected were told (--people or --public, --at), or not (--not --reason,
    /// with --exception at a high risk).
    Tell {
        id: i64,
        #[arg(long, conflicts_with_all = ["public", "not"])]
        people: bool,
        #[arg(long, conflicts_with = "not")]
        public: bool,
        #[arg(long, value_name = "DATETIME", required_unless_present = "not")]
        at: Option<String>,
        #[arg(long, requires = "reason")]
        not: bool,
        /// encrypted, mitigated or disproportionate (Article 34(3)).
        #[arg(long, requires = "not")]
        exception: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Link to a person, system, shared secret or device on record.
    Link {
        id: i64,
        #[arg(long, value_name = "EMAIL", group = "target")]
        staff: Option<String>,
        #[arg(long, value_name = "NAME", group = "target")]
        system: Option<String>,
        /// The shared secret, by name (it becomes due for rotation).
        #[arg(long = "secret", value_name = "NAME", group = "target")]
        secret_name: Option<String>,
        #[arg(long, value_name = "SERIAL", group = "target")]
        device: Option<String>,
    },
    /// Add to the timeline: a fact (default), decision, action or communication, with a file.
    Update {
        id: i64,
        #[arg(long)]
        text: String,
        #[arg(long, default_value = "fact")]
        kind: String,
        /// A file kept (encrypted) in the vault with the update, e.g. a copy of an email.
        #[arg(long, value_name = "FILE")]
        attach: Option<PathBuf>,
    },
    /// Save a copy of a file attached to the timeline (UPDATE: the number `incident show` gives).
    Attachment {
        update: i64,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Close it: every decision taken and every containment item done or skipped.
    Close { id: i64 },
    /// Write the report for the ICO (--pdf), or the letter to the people affected (--letter,
    /// from the text in --letter-text or a first draft naming --contact).
    Export {
        id: i64,
        #[arg(long, value_name = "FILE", required_unless_present = "letter")]
        pdf: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        letter: Option<PathBuf>,
        /// The letter as edited (a text file); without it, the first draft is used.
        #[arg(long, value_name = "FILE", requires = "letter")]
        letter_text: Option<PathBuf>,
        /// Who the people affected can contact (first draft).
        #[arg(long, default_value = "")]
        contact: String,
    },
    /// Print a first draft of the letter to the people affected, to edit.
    Letter {
        id: i64,
        #[arg(long, default_value = "")]
        contact: String,
    },
    /// The register as CSV, for incidents the office became aware of in a date range.
    Register {
        #[arg(long, value_name = "DATE")]
        from: String,
        #[arg(long, value_name = "DATE")]
        to: String,
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
    },
}
