//! CLI commands for shared secrets, the generator and the list of what is due.

use super::SecretCommand;
use super::input::Passwords;
use crate::domain::generator::{CharSets, DEFAULT_LENGTH};
use crate::domain::secret::SecretString;
use crate::service::{Office, generate_passphrase, generate_password};
use anyhow::Result;
use serde_json::json;
use std::process::ExitCode;

fn generated() -> Result<SecretString> {
    Ok(generate_password(DEFAULT_LENGTH, CharSets::default())?)
}

pub fn secret(office: &mut Office, action: SecretCommand, passwords: &mut Passwords) -> Result<()> {
    match action {
        SecretCommand::Add { name, system, level, username, interval_days, last_rotated, holders, generate } => {
            let value = if generate { generated()? } else { passwords.require_value()? };
            office.add_secret(
                &name,
                Some(&system),
                level.as_deref(),
                &username,
                &value,
                interval_days,
                last_rotated.as_deref(),
                &holders,
            )?;
            eprintln!("Shared secret {name} added.");
            if generate {
                eprintln!("Its generated value follows; set it in {system} now:");
                out!("{}", value.expose());
            }
        }
        SecretCommand::List { json } => {
            let statuses = office.secret_statuses()?;
            if json {
                let list: Vec<_> = statuses
                    .iter()
                    .map(|s| {
                        json!({"name": s.secret.name, "system": s.system, "last_rotated": s.secret.last_rotated,
                               "due": s.due(), "reason": s.described.first(), "reasons": s.described})
                    })
                    .collect();
                super::print_json(&list)?;
            } else {
                for s in statuses {
                    let due = s.due().map(|d| d.to_string()).unwrap_or_else(|| "-".into());
                    let reason = s.described.first().cloned().unwrap_or_default();
                    out!(
                        "{}\t{}\t{}\t{due}\t{reason}",
                        s.secret.name,
                        s.system.unwrap_or_default(),
                        s.secret.last_rotated
                    );
                }
            }
        }
        SecretCommand::Show { name, reveal, json } => {
            let status = office
                .secret_statuses()?
                .into_iter()
                .find(|s| s.secret.name.eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| anyhow::anyhow!("there is no shared secret called {name}"))?;
            let value = if reveal { Some(office.reveal_secret(&name, "revealed on the command line")?) } else { None };
            if json {
                super::print_json(&json!({
                    "name": status.secret.name, "system": status.system, "username": status.secret.username,
                    "interval_days": status.secret.interval_days, "last_rotated": status.secret.last_rotated,
                    "due": status.due(), "reasons": status.described,
                    "value": value.as_ref().map(SecretString::expose),
                }))?;
            } else {
                out!("name: {}\nsystem: {}", status.secret.name, status.system.unwrap_or_default());
                out!("username: {}\nlast rotated: {}", status.secret.username, status.secret.last_rotated);
                for reason in &status.described {
                    out!("due: {reason}");
                }
                match &value {
                    Some(value) => out!("value: {}", value.expose()),
                    None => out!("value: (hidden; use --reveal)"),
                }
            }
        }
        SecretCommand::Rotate { name, generate } => {
            let value = if generate { generated()? } else { passwords.require_value()? };
            let completed = office.rotate_secret(&name, &value)?;
            eprintln!("Shared secret {name} rotated; {completed} leaver item(s) completed.");
            if generate {
                eprintln!("Its new value follows; set it now:");
                out!("{}", value.expose());
            }
        }
        SecretCommand::Holders { name, json } => {
            let holders = office.secret_holders(&name)?;
            if json {
                let list: Vec<_> = holders
                    .iter()
                    .map(|h| json!({"name": h.name, "email": h.email, "why": h.reasons.join("; "), "reasons": h.reasons}))
                    .collect();
                super::print_json(&list)?;
            } else {
                for h in holders {
                    out!("{}\t{}\t{}", h.name, h.email, h.reasons.join("; "));
                }
            }
        }
        SecretCommand::History { name } => {
            for (from, to) in office.secret_history(&name)? {
                out!("{from}\t{to}");
            }
        }
        SecretCommand::Totp { name, uri_file, image } => {
            let uri = match (uri_file, image) {
                (Some(file), _) => {
                    let text =
                        zeroize::Zeroizing::new(anyhow::Context::with_context(std::fs::read_to_string(&file), || {
                            format!("cannot read {}", file.display())
                        })?);
                    crate::domain::secret::SecretString::new(text.trim())
                }
                (None, Some(image)) => {
                    crate::domain::secret::SecretString::new(crate::service::read_qr_image(&image)?.to_string())
                }
                (None, None) => passwords.require_value()?,
            };
            office.set_secret_totp(&name, uri.expose())?;
            eprintln!("{name} now has an authenticator code (keyholder totp code {name:?}).");
        }
        SecretCommand::Compromised { name, note } => {
            office.mark_compromised(&name, &note)?;
            eprintln!("{name} is marked as possibly compromised and is due for rotation now.");
        }
    }
    Ok(())
}

pub fn generate(
    length: Option<usize>,
    passphrase: Option<usize>,
    no_symbols: bool,
    allow_ambiguous: bool,
) -> Result<()> {
    let sets = CharSets { symbols: !no_symbols, exclude_ambiguous: !allow_ambiguous, ..CharSets::default() };
    let value = match passphrase {
        Some(words) => generate_passphrase(words)?,
        None => generate_password(length.unwrap_or(DEFAULT_LENGTH), sets)?,
    };
    out!("{}", value.expose());
    Ok(())
}

/// Exit 0 when nothing is overdue, 3 when something is.
pub fn due(office: &Office, json: bool) -> Result<ExitCode> {
    let items = office.due_items()?;
    if json {
        super::print_json(&items)?;
    } else {
        for item in &items {
            let mark = if item.overdue { "OVERDUE" } else { "due" };
            out!("{}\t{}\t{}\t{mark}\t{}", item.kind, item.subject, item.due, item.reason);
        }
    }
    Ok(if items.iter().any(|i| i.overdue) { ExitCode::from(3) } else { ExitCode::SUCCESS })
}

pub fn totp(office: &mut Office, action: super::TotpCommand, force: bool) -> Result<()> {
    use super::TotpCommand;
    match action {
        TotpCommand::Enrol { email, qr } => {
            let (uri, png) = office.enrol_authenticator(&email)?;
            if let Some(path) = &qr {
                crate::vault::fsutil::write_export(path, &png, force)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                eprintln!("QR code written to {}.", path.display());
            }
            eprintln!("Ask {email} to scan it, then confirm with: keyholder totp verify {email} CODE");
            out!("{uri}");
        }
        TotpCommand::Verify { email, code } => {
            office.verify_staff_code(&email, &code)?;
            eprintln!("The code is valid.");
        }
        TotpCommand::Code { secret_name } => {
            let (code, seconds) = office.secret_totp_code(&secret_name)?;
            eprintln!("valid for {seconds} more seconds");
            out!("{code}");
        }
    }
    Ok(())
}
