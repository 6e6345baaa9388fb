//! Getting in: creating a vault, signing in (password or "remembered on this computer"),
//! recovering a forgotten password with the recovery key, and restoring a backup.

use super::{Clock, Office, Record, ServiceError, ServiceResult};
use crate::domain::audit::AuditEvent;
use crate::domain::operator::OperatorName;
use crate::domain::password;
use crate::domain::secret::SecretString;
use crate::vault::crypto::KdfParams;
use crate::vault::keystore::SecretStore;
use crate::vault::{Credential, Vault, VaultPaths, audit_log, backup};
use std::path::Path;
use std::sync::Arc;
use zeroize::Zeroizing;

/// What `create` needs.
pub struct NewOffice<'a> {
    pub operator: &'a str,
    pub password: &'a SecretString,
    /// `None`: calibrate on this machine (0.5–1 s, never below the default minimum).
    pub kdf: Option<KdfParams>,
}

/// A new office and its recovery key, to be shown once and then dropped.
pub struct Created {
    pub office: Office,
    pub recovery_key: Zeroizing<String>,
}

pub enum SignInMethod<'a> {
    Password(&'a SecretString),
    Keyring(&'a dyn SecretStore),
}

pub struct SignIn<'a> {
    /// May be `None` when the vault has exactly one operator.
    pub operator: Option<&'a str>,
    pub method: SignInMethod<'a>,
    /// The authenticator (or recovery) code, for operators with two-step sign-in on.
    pub second_factor: Option<&'a SecretString>,
}

/// How far a sign-in got: in, or waiting for the authenticator code.
pub enum SignInStep {
    Done(Office),
    NeedsCode(PendingSignIn),
}

/// A sign-in whose password was right and which waits for the operator's code. Nothing of the
/// office is shown until [`PendingSignIn::finish`] succeeds.
pub struct PendingSignIn {
    office: Option<Office>,
    how: &'static str,
}

impl std::fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PendingSignIn(..)")
    }
}

impl PendingSignIn {
    pub fn operator(&self) -> String {
        self.office.as_ref().map(|o| o.operator().to_string()).unwrap_or_default()
    }

    /// Check the code; on success the session is yours. Wrong codes can be retried (after the
    /// sign-in delay once there have been several).
    pub fn finish(&mut self, code: &SecretString) -> ServiceResult<Office> {
        let office = self.office.as_mut().ok_or_else(|| ServiceError::Invalid("sign in again".into()))?;
        office.check_second_factor(code)?;
        let mut office = self.office.take().ok_or_else(|| ServiceError::Invalid("sign in again".into()))?;
        office.complete_sign_in(&format!("{} and an authenticator code", self.how))?;
        Ok(office)
    }
}

/// Refuse a password the office policy does not accept, saying why.
pub(crate) fn check_password(password: &SecretString, operator: &str) -> ServiceResult<()> {
    let strength = password::assess(password.expose(), &[operator, "keyholder"]);
    match strength.problem {
        Some(problem) => Err(ServiceError::policy(super::Rule::OperatorPassword, problem)),
        None => Ok(()),
    }
}

fn parse_operator(name: &str) -> ServiceResult<OperatorName> {
    OperatorName::parse(name).map_err(|e| ServiceError::Invalid(e.to_string()))
}

/// Whether a vault exists at `path` (its database or its key file).
pub fn vault_exists(path: &Path) -> bool {
    crate::vault::on_server::exists(&VaultPaths::new(path))
}

/// Who can sign in to the vault at `path`, read from its key file (no password needed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInOptions {
    pub operators: Vec<String>,
    /// Operators with a key remembered on this computer.
    pub remembered: Vec<String>,
}

pub fn sign_in_options(path: &Path) -> ServiceResult<SignInOptions> {
    let slots = crate::vault::on_server::slots_of(&VaultPaths::new(path))?;
    let operators = slots.operators();
    let remembered = operators.iter().filter(|o| slots.keyring_account(o).is_some()).map(ToString::to_string).collect();
    Ok(SignInOptions { operators: operators.iter().map(ToString::to_string).collect(), remembered })
}

/// Work out who is signing in when the name may be omitted.
fn resolve_operator(paths: &VaultPaths, given: Option<&str>) -> ServiceResult<OperatorName> {
    if let Some(name) = given {
        return parse_operator(name);
    }
    let operators = crate::vault::on_server::slots_of(paths)?.operators();
    match operators.as_slice() {
        [only] => Ok(only.clone()),
        _ => Err(ServiceError::Invalid(format!(
            "this vault has several operators; say which one you are (--operator NAME): {}",
            operators.iter().map(OperatorName::as_str).collect::<Vec<_>>().join(", ")
        ))),
    }
}

impl Office {
    /// Create a new vault with its first operator.
    pub fn create(path: &Path, new: NewOffice<'_>, clock: Arc<dyn Clock>) -> ServiceResult<Created> {
        let operator = parse_operator(new.operator)?;
        check_password(new.password, operator.as_str())?;
        let paths = VaultPaths::new(path);
        if paths.exists() {
            return Err(crate::vault::VaultError::AlreadyExists(paths.database.clone()).into());
        }
        let kdf = match new.kdf {
            Some(kdf) => kdf,
            None => KdfParams::calibrate(std::time::Duration::from_millis(700))?,
        };
        let created = Vault::create(&paths, &operator, new.password.expose().as_bytes(), kdf, clock.now())?;
        Ok(Created { office: Office::new(created.vault, operator, clock)?, recovery_key: created.recovery_key })
    }

    /// Sign in, including the authenticator code when the operator has one.
    pub fn sign_in(path: &Path, sign_in: SignIn<'_>, clock: Arc<dyn Clock>) -> ServiceResult<Office> {
        let code = sign_in.second_factor;
        match Self::begin_sign_in(path, sign_in, clock)? {
            SignInStep::Done(office) => Ok(office),
            SignInStep::NeedsCode(mut pending) => match code {
                Some(code) => pending.finish(code),
                None => Err(ServiceError::SecondFactorRequired),
            },
        }
    }

    /// The first step of sign-in (password or remembered key). Failed sign-ins recorded since
    /// the last success are moved into the audit log once the sign-in is complete.
    pub fn begin_sign_in(path: &Path, sign_in: SignIn<'_>, clock: Arc<dyn Clock>) -> ServiceResult<SignInStep> {
        let (mut office, how) = Self::unlock_only(path, &sign_in, clock)?;
        if office.needs_second_factor()? {
            return Ok(SignInStep::NeedsCode(PendingSignIn { office: Some(office), how }));
        }
        office.complete_sign_in(how)?;
        Ok(SignInStep::Done(office))
    }

    /// Open the vault with the first step of sign-in and record nothing (the sign-in itself
    /// is recorded by [`Office::begin_sign_in`]); the words for how the operator signed in.
    pub(super) fn unlock_only(
        path: &Path,
        sign_in: &SignIn<'_>,
        clock: Arc<dyn Clock>,
    ) -> ServiceResult<(Office, &'static str)> {
        let paths = VaultPaths::new(path);
        let operator = resolve_operator(&paths, sign_in.operator)?;
        let (credential, how) = match sign_in.method {
            SignInMethod::Password(password) => {
                (Credential::Password { operator: &operator, password: password.expose().as_bytes() }, "password")
            }
            SignInMethod::Keyring(store) => {
                (Credential::Keyring { operator: &operator, store }, "key remembered on this computer")
            }
        };
        let vault = Vault::unlock(&paths, credential, clock.now())?;
        Ok((Office::new(vault, operator, clock)?, how))
    }

    fn complete_sign_in(&mut self, how: &str) -> ServiceResult<()> {
        // On a read-only medium nothing can be recorded: the sign-in is not in the audit log
        // (README says so) and lapsed grants are recorded when the vault is next writable.
        if self.is_read_only() {
            return Ok(());
        }
        let event = AuditEvent::new("operator.sign_in", format!("{} signed in with {how}", self.operator()));
        self.record_sign_in(event)?;
        // Temporary access ends on its date even if nobody is looking: record the lapse now.
        self.lapse_expired_grants()?;
        // Not a reason to refuse the sign-in: an unreadable record is shown once signed in.
        if let Err(error) = self.activate_started_joiners() {
            tracing::warn!("joiners who started today could not be made active: {error}");
        }
        Ok(())
    }

    /// Set a new password for an operator who forgot theirs, proven by the recovery key.
    pub fn recover(
        path: &Path,
        recovery_key: &SecretString,
        operator: Option<&str>,
        new_password: &SecretString,
        clock: Arc<dyn Clock>,
    ) -> ServiceResult<Office> {
        let paths = VaultPaths::new(path);
        let operator = resolve_operator(&paths, operator)?;
        check_password(new_password, operator.as_str())?;
        let vault = Vault::unlock(&paths, Credential::RecoveryKey { key: recovery_key.expose() }, clock.now())?;
        if !vault.slots().has_operator(&operator) {
            return Err(ServiceError::not_found(Record::Operator, format!("called {operator}")));
        }
        let mut office = Office::new(vault, operator, clock)?;
        office.set_password_slot(new_password)?;
        office.record_sign_in(AuditEvent::new(
            "operator.password_reset",
            format!("password of {} reset with the recovery key", office.operator()),
        ))?;
        Ok(office)
    }
}

/// Restore `backup_file` as a new vault at `target`, then sign in to prove it opens and is
/// intact. If anything fails, the restored files are removed again.
pub fn restore_backup(
    backup_file: &Path,
    target: &Path,
    sign_in: SignIn<'_>,
    clock: Arc<dyn Clock>,
) -> ServiceResult<Office> {
    let paths = VaultPaths::new(target);
    backup::restore(backup_file, &paths)?;
    let opened = Office::sign_in(target, sign_in, clock).and_then(|mut office| {
        let problems = office.verify()?;
        if !problems.is_empty() {
            return Err(ServiceError::Vault(crate::vault::VaultError::Damaged(format!(
                "the restored copy: {}",
                problems.join("; ")
            ))));
        }
        let event = AuditEvent::new("vault.restore", format!("vault restored from {}", backup_file.display()));
        office.record(event, |_| Ok(()))?;
        Ok(office)
    });
    if opened.is_err() {
        paths.remove_unfinished();
    }
    opened
}

impl Office {
    /// Move pending failed sign-ins into the audit log together with `event`, in one
    /// transaction; the journal is cleared only once that is committed.
    fn record_sign_in(&mut self, event: AuditEvent) -> ServiceResult<()> {
        let now = self.now();
        let failures = self.vault().pending_failures(now)?;
        let operator = self.operator().to_string();
        self.vault_mut().write(&operator, now, event, |tx| {
            for (name, failed) in &failures {
                let first = failed.log.first().map(ToString::to_string).unwrap_or_default();
                let last = failed.last.map(|t| t.to_string()).unwrap_or_default();
                let summary = format!("{} failed sign-in(s) as {name} (first {first}, last {last})", failed.count);
                audit_log::append(tx, "", now, &AuditEvent::new("operator.sign_in_failed", summary))?;
            }
            Ok(())
        })?;
        self.vault().clear_failures()?;
        self.set_failed_sign_ins(failures.values().map(|failed| u64::from(failed.count)).sum());
        Ok(())
    }
}
