//! `keyholder policy …` and `keyholder training …`.

use super::{PolicyCommand, TrainingCommand};
use crate::service::{NewPolicyVersion, Office};
use anyhow::{Context, Result};
use std::path::Path;

/// A file to keep in the vault: its name and bytes.
fn read_file(path: &Path) -> Result<(String, Vec<u8>)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok((name, bytes))
}

pub fn policy(office: &mut Office, action: PolicyCommand) -> Result<()> {
    match action {
        PolicyCommand::Add { name, version, file, link, audience } => {
            let document = file.as_deref().map(read_file).transpose()?;
            office.add_policy_version(&NewPolicyVersion {
                name: &name,
                version: &version,
                document: document.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())),
                link: link.as_deref(),
                audience: audience.as_deref(),
            })?;
            eprintln!("{name} version {version} added: everyone it applies to is asked to acknowledge it.");
        }
        PolicyCommand::List { json } => {
            super::print_list(json, &office.staff_policies()?, |p| {
                let current = p.current().map(|v| format!("{} ({})", v.version, v.dated)).unwrap_or_default();
                format!("{}\t{current}\t{}", p.name, p.audience.as_text())
            })?;
        }
        PolicyCommand::Ack { name, email, on } => {
            office.acknowledge_policy(&name, &email, on.as_deref())?;
            eprintln!("{email} acknowledged {name}.");
        }
        PolicyCommand::Import { name, file } => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let count = office.import_policy_acks(&name, &bytes)?;
            eprintln!("{count} acknowledgement(s) of {name} recorded.");
        }
        PolicyCommand::Status { name, json } => {
            super::print_list(json, &office.policy_status(&name)?, |s| {
                let state = s.acknowledged.map_or_else(
                    || format!("not yet (waiting since {})", s.waiting_since),
                    |d| format!("acknowledged {d}"),
                );
                format!("{}\t{}\t{state}", s.email, s.name)
            })?;
        }
    }
    Ok(())
}

pub fn training(office: &mut Office, action: TrainingCommand) -> Result<()> {
    match action {
        TrainingCommand::Add { name, every_days, audience } => {
            office.add_course(&name, every_days, audience.as_deref())?;
            eprintln!("{name} added: due every {every_days} days.");
        }
        TrainingCommand::Record { name, email, on, file } => {
            let certificate = file.as_deref().map(read_file).transpose()?;
            office.record_training(
                &name,
                &email,
                &on,
                certificate.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())),
            )?;
            eprintln!("{email} completed {name} on {on}.");
        }
        TrainingCommand::Status { json } => {
            let today = office.today();
            super::print_list(json, &office.training_status()?, |s| {
                let last = s.last_completed.map(|d| d.to_string()).unwrap_or_else(|| "never".into());
                let state = if s.is_overdue(today) { "OVERDUE" } else { "due" };
                format!("{}\t{}\t{}\t{last}\t{state} {}", s.course, s.email, s.name, s.due)
            })?;
        }
    }
    Ok(())
}
