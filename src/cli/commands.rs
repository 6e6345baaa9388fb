//! Carrying out CLI commands through the service layer.

use super::input::Passwords;
use super::{Cli, Command, OperatorCommand, OperatorTotpCommand, default_vault_path};
use super::{processes, records, secrets};
use crate::service::{Clock, NewOffice, Office, SignIn, SignInMethod, restore_backup};
use crate::vault::crypto::KdfParams;
use crate::vault::keystore::SecretStore;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Run one command. `store` is the OS keyring in production and a fake in tests.
pub fn run(cli: Cli, store: &dyn SecretStore, clock: Arc<dyn Clock>) -> Result<ExitCode> {
    let vault = cli.vault.clone().unwrap_or_else(default_vault_path);
    if cli.allow_network_filesystem {
        crate::vault::filesystem::allow_network_filesystems();
    }
    let mut passwords = Passwords::new(cli.password_stdin, cli.totp.clone());
    let operator = cli.operator.as_deref();
    let Some(command) = cli.command else {
        bail!("no command given (run `keyholder --help`)");
    };
    let given = Given { vault: &vault, operator, restore_target_given: cli.vault.is_some() };
    let Some(command) = without_sign_in(command, &given, &mut passwords, clock.clone())? else {
        return Ok(ExitCode::SUCCESS);
    };
    if let Command::Operator { action: OperatorCommand::Totp { action: OperatorTotpCommand::Disable { code } } } =
        &command
    {
        // The code that turns it off may be the one that signs in.
        passwords.default_second_factor(code);
    }
    let mut office = sign_in(&vault, operator, &mut passwords, store, clock)?;
    signed_in(&mut office, command, &mut passwords, store, cli.force)
}

/// What the command line said beyond the command.
struct Given<'a> {
    vault: &'a Path,
    operator: Option<&'a str>,
    /// `--vault` was given (a restore needs to be told where to).
    restore_target_given: bool,
}

/// The commands that create, recover or restore a vault, or need none; any other command is
/// handed back to be run signed in.
fn without_sign_in(
    command: Command,
    given: &Given<'_>,
    passwords: &mut Passwords,
    clock: Arc<dyn Clock>,
) -> Result<Option<Command>> {
    let (vault, operator) = (given.vault, given.operator);
    match command {
        Command::Init { kdf_memory_mib, kdf_iterations } => {
            let Some(operator) = operator else { bail!("init needs --operator NAME (the first operator's name)") };
            let password = passwords.require_current()?;
            let kdf = kdf_from(kdf_memory_mib, kdf_iterations);
            let created = Office::create(vault, NewOffice { operator, password: &password, kdf }, clock)?;
            eprintln!("Created the vault at {}.", vault.display());
            eprintln!("Your recovery key follows. Write it down and keep it somewhere safe and offline:");
            eprintln!("it is shown only this once and resets a forgotten password.");
            out!("{}", created.recovery_key.as_str());
        }
        Command::Passwd => {
            let current = passwords.require_current()?;
            let mut office = Office::sign_in(
                vault,
                SignIn { operator, method: SignInMethod::Password(&current), second_factor: passwords.second_factor() },
                clock,
            )?;
            let new = passwords.require_new(1)?;
            office.change_password(&current, &new)?;
            eprintln!("Password changed for {}.", office.operator());
        }
        Command::Recover => {
            let key = passwords.require_recovery_key()?;
            let new = passwords.require_new(1)?;
            let office = Office::recover(vault, &key, operator, &new, clock)?;
            eprintln!("New password set for {}.", office.operator());
        }
        Command::Restore { file } => {
            if !given.restore_target_given {
                bail!("restore needs --vault NEWPATH (where the restored vault goes)");
            }
            let password = passwords.require_current()?;
            let sign_in = SignIn {
                operator,
                method: SignInMethod::Password(&password),
                second_factor: passwords.second_factor(),
            };
            restore_backup(&file, vault, sign_in, clock)
                .with_context(|| format!("nothing was restored from {}", file.display()))?;
            eprintln!("Restored {} to {}; it verified ok.", file.display(), vault.display());
        }
        Command::Migrate { to } => {
            let password = passwords.require_current()?;
            let sign_in = SignIn {
                operator,
                method: SignInMethod::Password(&password),
                second_factor: passwords.second_factor(),
            };
            let source = crate::vault::server::redacted(&vault.display().to_string());
            let target = crate::vault::server::redacted(&to);
            let report = crate::service::copy_vault(vault, sign_in, &to, clock)
                .with_context(|| format!("nothing was copied, and {source} is unchanged"))?;
            eprintln!(
                "Copied {source} to {target}: {} tables, {} rows, {} audit records. The copy was read back and \
                 compared, and its audit chain verified; {source} is unchanged.",
                report.tables, report.rows, report.audit_records
            );
        }
        Command::ServerPassword => {
            let Some(address) = vault.to_str().filter(|text| crate::vault::server::is_server_address(text)) else {
                bail!("server-password needs --vault postgres://USER@HOST/DATABASE (the server it is for)");
            };
            let password = passwords.require_server_password()?;
            let kept = crate::vault::server::address::remember_password(address, password.expose())?;
            eprintln!("The password for {kept} is kept in this computer's keyring.");
        }
        Command::Generate { length, passphrase, no_symbols, allow_ambiguous } => {
            secrets::generate(length, passphrase, no_symbols, allow_ambiguous)?
        }
        Command::Evidence { action: Some(super::EvidenceCommand::Verify { dir }), .. } => {
            let problems = crate::service::verify_evidence_pack(&dir)?;
            if !problems.is_empty() {
                bail!("the evidence pack in {} does not verify:\n{}", dir.display(), problems.join("\n"));
            }
            out!("ok: every file in {} is as written", dir.display());
        }
        Command::Demo { staff, kdf_memory_mib, kdf_iterations } => {
            let operator = operator.unwrap_or("Demo Manager");
            let password = passwords.require_current()?;
            let kdf = kdf_from(kdf_memory_mib, kdf_iterations);
            let mut created = Office::create(vault, NewOffice { operator, password: &password, kdf }, clock)?;
            created.office.populate_demo(staff)?;
            eprintln!("Created a demo office with {staff} staff at {} (operator {operator}).", vault.display());
            out!("{}", created.recovery_key.as_str());
        }
        other => return Ok(Some(other)),
    }
    Ok(None)
}

/// Every other command, run by the signed-in operator.
fn signed_in(
    office: &mut Office,
    command: Command,
    passwords: &mut Passwords,
    store: &dyn SecretStore,
    force: bool,
) -> Result<ExitCode> {
    match command {
        Command::Verify => {
            let problems = office.verify()?;
            if !problems.is_empty() {
                for problem in &problems {
                    eprintln!("problem: {problem}");
                }
                bail!("the vault failed verification ({} problem(s))", problems.len());
            }
            out!("ok");
        }
        Command::RecoveryKey => {
            let key = office.new_recovery_key()?;
            eprintln!("A new recovery key follows; the old one no longer works. Write it down and keep it offline:");
            out!("{}", key.as_str());
        }
        Command::Rekey => {
            office.rekey()?;
            eprintln!("The vault's data key was replaced; older copies of its key file open nothing now.");
        }
        Command::TimeZone { name } => {
            if let Some(name) = name {
                office.set_time_zone(&name)?;
            }
            out!("{}", office.time_zone_name());
        }
        Command::RepairKeyFile => {
            let repaired = office.repair_key_file()?;
            if repaired.is_empty() {
                eprintln!("The key file is intact; nothing to repair.");
            }
            for problem in repaired {
                eprintln!("repaired: {problem}");
            }
        }
        Command::Operator { action } => operator(office, action, passwords, store, force)?,
        Command::Backup { file } => {
            let size = office.backup(&file)?;
            eprintln!("Backup written to {} ({size} bytes).", file.display());
        }
        Command::Staff { action } => records::staff(office, action, force)?,
        Command::System { action } => records::system(office, action)?,
        Command::Role { action } => records::role(office, action)?,
        Command::Grant { email, system, level, reason, until } => {
            office.grant(&email, &system, &level, &reason, until.as_deref())?;
            eprintln!("Granted {email} {level} access to {system}.");
        }
        Command::Revoke { email, system } => {
            office.revoke(&email, &system)?;
            eprintln!("Revoked {email}'s direct access to {system}.");
        }
        Command::Secret { action } => secrets::secret(office, action, passwords)?,
        Command::Totp { action } => secrets::totp(office, action, force)?,
        Command::Review { action } => super::reviews::review(office, action)?,
        Command::Due { json } => return secrets::due(office, json),
        Command::Incident { action } => super::incidents::incident(office, action, force)?,
        Command::Evidence { action: _, from, to, out } => {
            let (Some(from), Some(to), Some(out)) = (from, to, out) else {
                bail!("say the period and where to write it: --from DATE --to DATE --out DIR");
            };
            let date = |text: &str| crate::domain::staff::parse_date(text).map_err(anyhow::Error::from);
            let pack = office.write_evidence_pack(date(&from)?, date(&to)?, &out)?;
            eprintln!("{} files written to {}; open index.html in a browser.", pack.files, pack.dir.display());
        }
        Command::Policy { action } => super::policies::policy(office, action)?,
        Command::Training { action } => super::policies::training(office, action)?,
        Command::Directory { action } => return super::linked_directories::directory(office, action, passwords),
        Command::Joiner { action } => processes::joiner(office, action)?,
        Command::Leaver { action } => processes::leaver(office, action, force)?,
        Command::Checklist { action } => processes::checklist(office, action)?,
        Command::Device { action } => processes::device(office, action)?,
        Command::Access { staff, system, json } => records::access(office, staff, system, json)?,
        Command::Audit { json } => {
            super::print_list(json, &office.audit_log()?, |r| {
                let who = if r.operator.is_empty() { "-" } else { r.operator.as_str() };
                format!("{}\t{}\t{}\t{}\t{}", r.seq, r.at, who, r.action, r.full_summary())
            })?;
        }
        Command::Init { .. }
        | Command::Passwd
        | Command::Recover
        | Command::Restore { .. }
        | Command::Generate { .. }
        | Command::Migrate { .. }
        | Command::ServerPassword
        | Command::Demo { .. } => unreachable_without_sign_in()?,
    }
    Ok(ExitCode::SUCCESS)
}

/// [`without_sign_in`] runs these; reaching them here is a slip in this file.
fn unreachable_without_sign_in() -> Result<()> {
    bail!("internal error: this command does not sign in")
}

fn operator(
    office: &mut Office,
    action: OperatorCommand,
    passwords: &mut Passwords,
    store: &dyn SecretStore,
    force: bool,
) -> Result<()> {
    match action {
        OperatorCommand::Add { name } => {
            let new = passwords.require_new(1)?;
            office.add_operator(&name, &new)?;
            eprintln!("Operator {name} added.");
        }
        OperatorCommand::List { json } => {
            super::print_list(json, &office.operators()?, |operator| operator.name.to_string())?;
        }
        OperatorCommand::Remove { name } => {
            office.remove_operator(&name, store)?;
            eprintln!("Operator {name} removed.");
        }
        OperatorCommand::Totp { action } => operator_totp(office, action, force)?,
    }
    Ok(())
}

/// Key-derivation cost from the command line; `None` calibrates.
fn kdf_from(memory_mib: Option<u32>, iterations: Option<u32>) -> Option<KdfParams> {
    match (memory_mib, iterations) {
        (None, None) => None,
        (memory, iterations) => Some(KdfParams {
            memory_kib: memory.unwrap_or(KdfParams::DEFAULT_MINIMUM.memory_kib / 1024).saturating_mul(1024),
            iterations: iterations.unwrap_or(KdfParams::DEFAULT_MINIMUM.iterations),
            parallelism: 1,
        }),
    }
}

/// Sign in with the given password, or with a key remembered in the OS keyring.
fn sign_in(
    vault: &Path,
    operator: Option<&str>,
    passwords: &mut Passwords,
    store: &dyn SecretStore,
    clock: Arc<dyn Clock>,
) -> Result<Office> {
    let second_factor = passwords.second_factor().cloned();
    let second_factor = second_factor.as_ref();
    let office = match passwords.current()? {
        Some(password) => Office::sign_in(
            vault,
            SignIn { operator, method: SignInMethod::Password(&password), second_factor },
            clock,
        )?,
        None => Office::sign_in(vault, SignIn { operator, method: SignInMethod::Keyring(store), second_factor }, clock)
            .map_err(|e| anyhow::anyhow!("{e}. Give the password with KEYHOLDER_PASSWORD or --password-stdin"))?,
    };
    if office.is_read_only() {
        eprintln!(
            "note: the vault is on a read-only medium: opened for reading only, and this sign-in is not recorded"
        );
    }
    for problem in office.key_file_problems() {
        eprintln!("warning: {problem} (see `keyholder repair-key-file`)");
    }
    Ok(office)
}

fn operator_totp(office: &mut Office, action: OperatorTotpCommand, force: bool) -> Result<()> {
    match action {
        OperatorTotpCommand::Enable { confirm: None, qr } => {
            let setup = office.begin_operator_totp()?;
            if let Some(file) = qr {
                crate::vault::fsutil::write_export(&file, &setup.qr_png, force)
                    .with_context(|| format!("cannot write {}", file.display()))?;
                eprintln!("QR code written to {}.", file.display());
            }
            eprintln!("Add this to your authenticator app (or type the key {}),", setup.secret_text.as_str());
            eprintln!("then run `keyholder operator totp enable --confirm CODE` with the code it shows.");
            out!("{}", setup.uri.as_str());
        }
        OperatorTotpCommand::Enable { confirm: Some(code), .. } => {
            let codes = office.confirm_operator_totp(&code)?;
            eprintln!("Two-step sign-in is on for {}. Your one-time recovery codes follow;", office.operator());
            eprintln!("store them offline: each replaces the app once if the phone is lost.");
            for code in &codes {
                out!("{}", code.as_str());
            }
        }
        OperatorTotpCommand::Disable { code } => {
            office.disable_operator_totp(&code)?;
            eprintln!("Two-step sign-in is off for {}.", office.operator());
        }
    }
    Ok(())
}
