//! `keyholder directory …`: add a directory, list, test the connection, map accounts and
//! groups onto systems, and sync (exit 3 when there is drift, for cron and monitoring).

use super::DirectoryCommand;
use super::input::Passwords;
use crate::service::{NewLinkedDirectory, Office};
use anyhow::{Context, Result};
use std::process::ExitCode;

pub fn directory(office: &mut Office, action: DirectoryCommand, passwords: &mut Passwords) -> Result<ExitCode> {
    match action {
        DirectoryCommand::Add { name, kind, url, base_dn, bind_dn, starttls, ca_file, key_file } => {
            // A suite checked from its export has nothing to sign in with.
            let from_export =
                crate::domain::linked_directory::DirectoryKind::parse(&kind).is_ok_and(|k| k.is_from_export());
            let password = if let Some(path) = key_file {
                let key = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
                crate::domain::secret::SecretString::new(key)
            } else if from_export && bind_dn.trim().is_empty() {
                Default::default()
            } else {
                passwords.require_directory_password()?
            };
            let ca_file = ca_file.map(|p| p.display().to_string());
            office.add_directory(&NewLinkedDirectory {
                name: &name,
                kind: &kind,
                url: &url,
                base_dn: &base_dn,
                bind_dn: &bind_dn,
                bind_password: &password,
                starttls,
                ca_file: ca_file.as_deref(),
            })?;
            eprintln!("Directory {name} added; `keyholder directory test {name}` checks the connection.");
        }
        DirectoryCommand::List { json } => {
            super::print_list(json, &office.directories()?, |d| {
                let tls = if d.starttls { " (StartTLS)" } else { "" };
                format!("{}\t{}\t{}{tls}\t{}\t{}", d.name, d.kind.as_str(), d.url, d.base_dn, d.bind_dn)
            })?;
        }
        DirectoryCommand::RemoveLicences { name, email } => {
            let removed = office.remove_licences(&name, &email)?;
            match removed.is_empty() {
                true => eprintln!("{email} had no licence assigned in {name}."),
                false => out!("removed from {email} in {name}: {}", removed.join(", ")),
            }
        }
        DirectoryCommand::Test { name } => {
            let users = office.test_directory(&name)?;
            out!("ok: bound to {name}, {users} user account(s)");
        }
        DirectoryCommand::Map { name, accounts, group } => {
            if let Some(system) = accounts {
                office.map_directory_accounts(&name, &system)?;
                eprintln!("Accounts in {name} are accounts on {system}.");
            }
            if let Some([dn, system, level]) = group.as_deref() {
                office.map_directory_group(&name, dn, system, level)?;
                eprintln!("Members of {dn} have {system} ({level}).");
            }
        }
        DirectoryCommand::Match { name, username, email } => {
            office.match_directory_account(&name, &username, &email)?;
            eprintln!("Account {username} in {name} is {email}'s.");
        }
        DirectoryCommand::Sync { name, json, from_file } => {
            let report = match from_file {
                Some(path) => {
                    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
                    office.sync_directory_from_file(&name, &bytes)?
                }
                None => office.sync_directory(&name)?,
            };
            if json {
                super::print_json(&report.findings)?;
            } else {
                for f in &report.findings {
                    let what = [f.person.as_deref(), f.account.as_deref(), f.system.as_deref(), f.level.as_deref()]
                        .map(|part| part.unwrap_or("-"))
                        .join("\t");
                    out!("{}\t{what}\t{}", f.kind.as_str(), f.advice);
                }
                eprintln!("{} accounts read; {} finding(s).", report.accounts, report.findings.len());
            }
            return Ok(if report.findings.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(3) });
        }
    }
    Ok(ExitCode::SUCCESS)
}
