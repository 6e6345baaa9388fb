//! A signed-in session: the open vault, who is using it and the clock. Every change goes
//! through [`Office::record`], which writes it and its audit record in one transaction.

use super::sign_in::check_password;
use super::{Clock, Record, ServiceError, ServiceResult};
use crate::domain::audit::{AuditEvent, AuditRecord};
use crate::domain::operator::OperatorName;
use crate::domain::secret::SecretString;
use crate::vault::crypto::{self, KdfParams};
use crate::vault::handle::Write;
use crate::vault::keystore::SecretStore;
use crate::vault::operators::{self, OperatorRow};
use crate::vault::{Vault, audit_log, settings};
use jiff::Timestamp;
use std::path::Path;
use std::sync::Arc;

/// Office-wide settings the operator can change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub office_name: String,
    /// Lock the window after this many idle minutes.
    pub auto_lock_minutes: u32,
    /// The IANA name of the zone "today" is counted in.
    pub time_zone: String,
    /// When the office closes: a leaver's last day ends then.
    pub closes_at: jiff::civil::Time,
}

pub const DEFAULT_AUTO_LOCK_MINUTES: u32 = 5;
const OFFICE_NAME: &str = "office_name";
const AUTO_LOCK: &str = "auto_lock_minutes";
const TIME_ZONE: &str = "time_zone";

pub struct Office {
    vault: Vault,
    operator: OperatorName,
    clock: Arc<dyn Clock>,
    /// The office's time zone (Settings, else the clock's default), read once: "today" is
    /// asked for while drawing.
    time_zone: jiff::tz::TimeZone,
    /// The authenticator step that signed this session in, if any.
    second_factor_step: Option<u64>,
    /// Failed sign-ins (any name) since the last successful one, moved to the audit log now.
    failed_sign_ins: u64,
    /// Where a background job's use cases report how far they got (see `progress`).
    pub(super) progress: Option<Arc<super::progress::Progress>>,
}

impl std::fmt::Debug for Office {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Office").field("operator", &self.operator).field("vault", &self.vault).finish()
    }
}

/// A new recovery key to show the operator; nothing changes until [`Office::set_recovery_key`].
pub fn propose_recovery_key() -> ServiceResult<zeroize::Zeroizing<String>> {
    use crate::domain::recovery_key;
    let bytes = crypto::random_secret(recovery_key::RECOVERY_KEY_BYTES)?;
    Ok(recovery_key::format(crate::vault::recovery_array(&bytes)?))
}

fn office_time_zone(vault: &Vault, clock: &dyn Clock) -> ServiceResult<jiff::tz::TimeZone> {
    Ok(match settings::get(&vault.read(), TIME_ZONE)? {
        Some(name) => jiff::tz::TimeZone::get(&name)
            .map_err(|_| ServiceError::Invalid(format!("the office's time zone {name:?} is not known here")))?,
        None => clock.default_time_zone(),
    })
}

impl Office {
    pub(super) fn new(vault: Vault, operator: OperatorName, clock: Arc<dyn Clock>) -> ServiceResult<Self> {
        let time_zone = office_time_zone(&vault, clock.as_ref())?;
        Ok(Self { vault, operator, clock, time_zone, second_factor_step: None, failed_sign_ins: 0, progress: None })
    }

    /// Read the time zone again (another desk may have changed it).
    pub(super) fn reload_time_zone(&mut self) -> ServiceResult<()> {
        self.time_zone = office_time_zone(&self.vault, self.clock.as_ref())?;
        Ok(())
    }

    /// The time zone "today" is counted in.
    pub fn time_zone(&self) -> &jiff::tz::TimeZone {
        &self.time_zone
    }

    /// The time zone's name as shown and stored ("Europe/London"), if it has one.
    pub fn time_zone_name(&self) -> String {
        self.time_zone.iana_name().unwrap_or("UTC").to_owned()
    }

    /// Every time zone that can be chosen, by IANA name, sorted (from jiff's built-in database).
    pub fn time_zone_names() -> Vec<String> {
        let mut names: Vec<String> = jiff::tz::db().available().map(|name| name.to_string()).collect();
        names.sort();
        names
    }

    /// Choose the office's time zone by its IANA name; audited.
    pub fn set_time_zone(&mut self, name: &str) -> ServiceResult<()> {
        let zone = jiff::tz::TimeZone::get(name.trim()).map_err(|_| {
            ServiceError::Invalid(format!("{:?} is not a known time zone (e.g. Europe/London)", name.trim()))
        })?;
        let before = self.time_zone_name();
        let after = zone.iana_name().unwrap_or("UTC").to_owned();
        let event = AuditEvent::new("settings.time_zone", "office time zone changed")
            .with_change(Some(before), Some(after.clone()));
        self.record(event, |tx| settings::set(tx, TIME_ZONE, &after))?;
        self.time_zone = zone;
        Ok(())
    }

    /// How many sign-ins failed (under any name) since the last successful one, to tell the
    /// operator at once rather than leave it in the audit log.
    pub fn failed_sign_ins_since_last(&self) -> u64 {
        self.failed_sign_ins
    }

    pub(super) fn set_failed_sign_ins(&mut self, count: u64) {
        self.failed_sign_ins = count;
    }

    pub(super) fn second_factor_step(&self) -> Option<u64> {
        self.second_factor_step
    }

    pub(super) fn set_second_factor_step(&mut self, step: Option<u64>) {
        self.second_factor_step = step;
    }

    pub(super) fn vault(&self) -> &Vault {
        &self.vault
    }

    pub(super) fn vault_mut(&mut self) -> &mut Vault {
        &mut self.vault
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn operator(&self) -> &OperatorName {
        &self.operator
    }

    /// Whether the vault was opened for reading only (it is on a read-only medium).
    pub fn is_read_only(&self) -> bool {
        self.vault.is_read_only()
    }

    /// The vault's name as shown in the window title.
    pub fn vault_name(&self) -> String {
        self.vault.paths().display_name()
    }

    pub fn vault_path(&self) -> &Path {
        &self.vault.paths().database
    }

    /// Apply a change and its audit record in one transaction.
    pub fn record<T>(
        &mut self,
        event: AuditEvent,
        work: impl FnOnce(&Write<'_>) -> crate::vault::VaultResult<T>,
    ) -> ServiceResult<T> {
        let now = self.now();
        let operator = self.operator.to_string();
        Ok(self.vault.write(&operator, now, event, work)?)
    }

    /// Apply a change whose audit record depends on its result (a new row's id).
    pub fn record_with<T>(
        &mut self,
        event: impl FnOnce(&T) -> AuditEvent,
        work: impl FnOnce(&Write<'_>) -> crate::vault::VaultResult<T>,
    ) -> ServiceResult<T> {
        let now = self.now();
        let operator = self.operator.to_string();
        Ok(self.vault.write_with(&operator, now, work, event)?)
    }

    // --- operators -------------------------------------------------------------------------

    pub fn operators(&self) -> ServiceResult<Vec<OperatorRow>> {
        Ok(operators::active(&self.vault.read())?)
    }

    /// Add an operator with their own password (individual logins, never shared).
    pub fn add_operator(&mut self, name: &str, password: &SecretString) -> ServiceResult<()> {
        let name = OperatorName::parse(name).map_err(|e| ServiceError::Invalid(e.to_string()))?;
        if self.vault.slots().operators().iter().any(|o| o.as_str().eq_ignore_ascii_case(name.as_str())) {
            return Err(ServiceError::conflict(format!("there is already an operator called {name}")));
        }
        check_password(password, name.as_str())?;
        self.stage("deriving a key from the password", 0);
        let kdf = self.current_kdf();
        self.vault.update_slots(|slots, key| slots.set_password(key, &name, password.expose().as_bytes(), kdf))?;
        let now = self.now();
        let event = AuditEvent::new("operator.add", format!("operator {name} added"));
        let added = self.record(event, |tx| operators::insert(tx, &name, now));
        if added.is_err() {
            // Keep the key file in step with the database. If even that fails, the slot left
            // behind opens nothing: sign-in refuses a name the database does not list.
            if let Err(rollback) = self.vault.update_slots(|slots, _| {
                slots.remove_operator(&name);
                Ok(())
            }) {
                tracing::warn!("the new operator's key slot could not be taken back: {rollback}");
            }
        }
        added
    }

    /// Remove another operator: their slots go, their past stays in the audit log, and the
    /// data key is replaced, so a copy of the key file they kept opens nothing.
    pub fn remove_operator(&mut self, name: &str, store: &dyn SecretStore) -> ServiceResult<()> {
        let name = OperatorName::parse(name).map_err(|e| ServiceError::Invalid(e.to_string()))?;
        if name == self.operator {
            return Err(ServiceError::refused_by_state("you cannot remove yourself; ask another operator"));
        }
        if !self.vault.slots().has_operator(&name) {
            return Err(ServiceError::not_found(Record::Operator, format!("called {name}")));
        }
        if let Some(account) = self.vault.slots().keyring_account(&name)
            && let Err(error) = store.delete(account)
        {
            // Deliberately not fatal: their slot goes and the data key is replaced below, so a
            // keyring entry left behind opens nothing.
            tracing::warn!("a removed operator's keyring entry could not be deleted: {error}");
        }
        let now = self.now();
        let event = AuditEvent::new("operator.remove", format!("operator {name} removed"));
        self.record(event, |tx| {
            crate::vault::authenticators::delete_operator(tx, name.as_str())?;
            operators::mark_removed(tx, &name, now)
        })?;
        self.vault.update_slots(|slots, _| {
            slots.remove_operator(&name);
            Ok(())
        })?;
        self.rekey_because(&format!("operator {name} was removed"))
    }

    /// Replace the vault's data key (the database is re-encrypted; every remaining way in
    /// keeps working). Old copies of the key file, with old passwords, then open nothing.
    pub fn rekey(&mut self) -> ServiceResult<()> {
        self.rekey_because("requested by the operator")
    }

    fn rekey_because(&mut self, reason: &str) -> ServiceResult<()> {
        self.stage("encrypting every page with a new key", 0);
        self.vault.rekey()?;
        let event = AuditEvent::new("vault.rekey", format!("data key replaced ({reason})"));
        self.record(event, |_| Ok(()))
    }

    /// Problems found in the key file at sign-in (altered slots), in words for the operator.
    pub fn key_file_problems(&self) -> Vec<String> {
        self.vault.key_file_problems().to_vec()
    }

    /// Remove the key-file slots found altered and seal the file again; audited.
    pub fn repair_key_file(&mut self) -> ServiceResult<Vec<String>> {
        let repaired = self.vault.repair_key_file()?;
        if !repaired.is_empty() {
            let event =
                AuditEvent::new("vault.key_file_repaired", format!("key file repaired: {}", repaired.join("; ")));
            self.record(event, |_| Ok(()))?;
        }
        Ok(repaired)
    }

    /// Replace the recovery key at once (the old one stops working). Returns the new one, to be
    /// shown once and then dropped.
    pub fn new_recovery_key(&mut self) -> ServiceResult<zeroize::Zeroizing<String>> {
        let key = propose_recovery_key()?;
        self.set_recovery_key(&SecretString::new(key.as_str()))?;
        Ok(key)
    }

    /// Make `key` (from [`propose_recovery_key`], written down by the operator) the recovery key;
    /// the old one stops working. Audited.
    pub fn set_recovery_key(&mut self, key: &SecretString) -> ServiceResult<()> {
        use crate::domain::recovery_key;
        let bytes = recovery_key::parse(key.expose()).map_err(|e| ServiceError::Invalid(e.to_string()))?;
        self.vault.update_slots(|slots, vault_key| slots.set_recovery(vault_key, bytes.as_ref(), KdfParams::FLOOR))?;
        let event = AuditEvent::new("vault.recovery_key", format!("{} made a new recovery key", self.operator));
        self.record(event, |_| Ok(()))
    }

    /// Change the signed-in operator's password: one slot is rewrapped, the database is not
    /// re-encrypted.
    pub fn change_password(&mut self, current: &SecretString, new: &SecretString) -> ServiceResult<()> {
        self.stage("checking the current password, then deriving the new key", 0);
        if !self.check_own_password(current)? {
            return Err(crate::vault::VaultError::WrongPassword.into());
        }
        check_password(new, self.operator.as_str())?;
        self.set_password_slot(new)?;
        let event = AuditEvent::new("operator.password_change", format!("{} changed their password", self.operator));
        self.record(event, |_| Ok(()))
    }

    pub(super) fn set_password_slot(&mut self, password: &SecretString) -> ServiceResult<()> {
        let kdf = self.current_kdf();
        let name = self.operator.clone();
        self.vault.update_slots(|slots, key| slots.set_password(key, &name, password.expose().as_bytes(), kdf))?;
        Ok(())
    }

    /// The cost of the signed-in operator's slot, reused for new slots.
    fn current_kdf(&self) -> KdfParams {
        self.vault.slots().password_kdf(&self.operator).unwrap_or(KdfParams::DEFAULT_MINIMUM)
    }

    // --- remember on this computer ---------------------------------------------------------

    pub fn is_remembered(&self) -> bool {
        self.vault.slots().keyring_account(&self.operator).is_some()
    }

    /// Keep a key in the OS keyring so this operator can open the vault without typing the
    /// password on this computer. Fails with a clear message when no keyring is reachable.
    pub fn remember_on_this_computer(&mut self, store: &dyn SecretStore) -> ServiceResult<()> {
        let secret = crypto::random_secret(crypto::KEY_BYTES)?;
        let account = format!("{}:{}", self.vault.slots().vault_id, self.operator);
        store.set(&account, &secret)?;
        let name = self.operator.clone();
        let stored = self.vault.update_slots(|slots, key| slots.set_keyring(key, &name, account.clone(), &secret));
        if let Err(error) = stored {
            // No slot was written, so the entry opens nothing; removing it is tidiness only.
            if let Err(cleanup) = store.delete(&account) {
                tracing::warn!("an unused keyring entry could not be deleted: {cleanup}");
            }
            return Err(error.into());
        }
        let event = AuditEvent::new("operator.remember", format!("{name} is remembered on this computer"));
        self.record(event, |_| Ok(()))
    }

    pub fn forget_on_this_computer(&mut self, store: &dyn SecretStore) -> ServiceResult<()> {
        let name = self.operator.clone();
        let account = self.vault.slots().keyring_account(&name).map(str::to_owned);
        // The slot goes first: from then on the keyring entry opens nothing.
        self.vault.update_slots(|slots, _| {
            slots.remove_keyring(&name);
            Ok(())
        })?;
        let event = AuditEvent::new("operator.forget", format!("{name} is no longer remembered on this computer"));
        self.record(event, |_| Ok(()))?;
        if let Some(account) = account
            && let Err(error) = store.delete(&account)
        {
            return Err(ServiceError::Invalid(format!(
                "this computer no longer opens the vault for {name}, but its keyring entry could not be deleted \
                 ({error}); it opens nothing now, and you can delete the \"Keyholder\" entry in your keyring"
            )));
        }
        Ok(())
    }

    /// Whether `password` is the signed-in operator's password (to confirm sensitive actions).
    pub fn check_own_password(&self, password: &SecretString) -> ServiceResult<bool> {
        Ok(self.vault.slots().open_with_password(&self.operator, password.expose().as_bytes())?.is_some())
    }

    // --- settings --------------------------------------------------------------------------

    pub fn settings(&self) -> ServiceResult<Settings> {
        let read = &self.vault.read();
        let office_name = settings::get(read, OFFICE_NAME)?.unwrap_or_else(|| self.vault_name());
        let auto_lock_minutes =
            settings::get(read, AUTO_LOCK)?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_AUTO_LOCK_MINUTES);
        let closes_at = self.closing_time()?;
        Ok(Settings { office_name, auto_lock_minutes, time_zone: self.time_zone_name(), closes_at })
    }

    pub fn set_office_name(&mut self, name: &str) -> ServiceResult<()> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(ServiceError::Invalid("the office name must be 1–100 characters on one line".into()));
        }
        let before = self.settings()?.office_name;
        let event = AuditEvent::new("settings.office_name", "office name changed")
            .with_change(Some(before), Some(name.to_owned()));
        self.record(event, |tx| settings::set(tx, OFFICE_NAME, name))
    }

    pub fn set_auto_lock_minutes(&mut self, minutes: u32) -> ServiceResult<()> {
        if !(1..=120).contains(&minutes) {
            return Err(ServiceError::policy(super::Rule::PolicyRange, "auto-lock must be between 1 and 120 minutes"));
        }
        let before = self.settings()?.auto_lock_minutes;
        let event = AuditEvent::new("settings.auto_lock", "auto-lock time changed")
            .with_change(Some(format!("{before} min")), Some(format!("{minutes} min")));
        self.record(event, |tx| settings::set(tx, AUTO_LOCK, &minutes.to_string()))
    }

    // --- audit, integrity, backup ----------------------------------------------------------

    pub fn recent_audit(&self, limit: usize) -> ServiceResult<Vec<AuditRecord>> {
        Ok(audit_log::recent(&self.vault.read(), limit)?)
    }

    /// The audit records written after record `seq`, newest first.
    pub fn audit_after(&self, seq: i64) -> ServiceResult<Vec<AuditRecord>> {
        Ok(audit_log::after(&self.vault.read(), seq)?)
    }

    pub fn audit_log(&self) -> ServiceResult<Vec<AuditRecord>> {
        Ok(audit_log::all(&self.vault.read())?)
    }

    /// Problems with the database or the audit chain; empty when all is well.
    pub fn verify(&self) -> ServiceResult<Vec<String>> {
        self.stage("reading every page and the audit chain", 0);
        Ok(self.vault.verify()?)
    }

    /// Back up to `target` (a new file). Returns its size in bytes.
    pub fn backup(&mut self, target: &Path) -> ServiceResult<u64> {
        let now = self.now();
        self.stage("copying the vault", 0);
        let size = self.vault.backup_to(target, now)?;
        let event = AuditEvent::new("vault.backup", format!("backup written to {}", target.display()));
        self.record(event, |_| Ok(()))?;
        Ok(size)
    }

    /// Close the session: the connection closes and the data key is wiped.
    pub fn lock(self) {
        drop(self);
    }
}
