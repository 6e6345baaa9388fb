//! Keeping the key file right while the vault is open: upgrading an old one, recording the
//! generation after changes, replacing the data key, repairing altered slots.

use super::crypto::{DataKey, KdfParams};
use super::error::{VaultError, VaultResult};
use super::slots::{Generation, SlotFile};
use super::{Credential, Vault, audit_log, fsutil, rekey};
use crate::domain::operator::OperatorName;
use crate::domain::recovery_key;

impl Vault {
    /// Bring a key file written by an earlier version up to format 2: the slot just used is
    /// sealed again with its secret, and the file gets its MACs and generation.
    pub(super) fn upgrade_key_file(&mut self, credential: &Credential<'_>) -> VaultResult<()> {
        let current = self.slots.is_authenticated() && self.slots.legacy_slots().is_empty();
        if current || !self.key_file_problems.is_empty() {
            return self.sync_generation();
        }
        let kdf_of =
            |slots: &SlotFile, name: &OperatorName| slots.password_kdf(name).unwrap_or(KdfParams::DEFAULT_MINIMUM);
        self.update_slots(|slots, key| match credential {
            Credential::Password { operator, password } => {
                let kdf = kdf_of(slots, operator);
                slots.set_password(key, operator, password, kdf)
            }
            Credential::RecoveryKey { key: text } => match recovery_key::parse(text) {
                Ok(bytes) => slots.set_recovery(key, bytes.as_ref(), KdfParams::FLOOR),
                Err(_) => Ok(()),
            },
            // A remembered key is sealed again when the operator next chooses "remember".
            Credential::Keyring { .. } => Ok(()),
        })
    }

    /// Record in the key file how far the history has got, so an older database put back
    /// beside it is noticed. Skipped while the key file has problems (they stay as evidence).
    pub(super) fn sync_generation(&mut self) -> VaultResult<()> {
        // A server store's rows carry their own versions and set hash instead.
        if self.read_only || self.server.is_some() {
            return Ok(());
        }
        let (changes, hash) = audit_log::head(&self.conn)?;
        let generation = Generation::new(changes, &hash);
        if generation == self.slots.generation || !self.key_file_problems.is_empty() {
            return Ok(());
        }
        self.update_slots(|slots, _| {
            slots.generation = generation;
            Ok(())
        })
    }

    /// Replace the data key: the database is re-encrypted and every slot sealed to the new
    /// key, so copies of older key files (a removed operator's, an old password's) open
    /// nothing. A crash part-way leaves `.keys.next`, which the next sign-in completes or drops.
    pub fn rekey(&mut self) -> VaultResult<()> {
        if self.read_only {
            return Err(VaultError::ReadOnlyMedium);
        }
        self.refuse_if_key_file_damaged()?;
        if self.server.is_some() {
            return self.rekey_on_server();
        }
        let new_key = DataKey::random()?;
        let mut next = self.slots.clone();
        next.rewrap(&new_key)?;
        let (changes, hash) = audit_log::head(&self.conn)?;
        next.generation = Generation::new(changes, &hash);
        next.authenticate(&new_key)?;
        let next_path = self.paths.slots_next();
        next.save(&next_path)?;
        if let Err(error) = rekey::rekey_database(&self.conn, &new_key) {
            let _ = std::fs::remove_file(&next_path);
            return Err(error);
        }
        self.key = new_key;
        self.slots = next;
        std::fs::rename(&next_path, &self.paths.slots)
            .map_err(|e| VaultError::io("cannot replace", &self.paths.slots, e))?;
        fsutil::sync_parent(&self.paths.slots)
    }

    pub fn key_file_problems(&self) -> &[String] {
        &self.key_file_problems
    }

    fn refuse_if_key_file_damaged(&self) -> VaultResult<()> {
        match self.key_file_problems.first() {
            Some(problem) => Err(VaultError::Damaged(format!(
                "{} — the key file is not changed until it is repaired (`keyholder repair-key-file`)",
                problem.trim_start_matches("the key file is damaged: ")
            ))),
            None => Ok(()),
        }
    }

    /// Drop the slots found altered and seal the file again (the audit record is the
    /// caller's). Returns the problems that were repaired.
    pub fn repair_key_file(&mut self) -> VaultResult<Vec<String>> {
        let altered = self.slots.altered_slots(&self.key)?;
        let problems = std::mem::take(&mut self.key_file_problems);
        let repaired = self.update_slots(|slots, _| {
            slots.remove_slots(&altered);
            Ok(())
        });
        if let Err(error) = repaired {
            self.key_file_problems = problems;
            return Err(error);
        }
        self.sync_generation()?;
        Ok(problems)
    }

    /// Apply a change to the key slots and save them atomically; memory follows only on success.
    pub fn update_slots(&mut self, change: impl FnOnce(&mut SlotFile, &DataKey) -> VaultResult<()>) -> VaultResult<()> {
        if self.read_only {
            return Err(VaultError::ReadOnlyMedium);
        }
        self.refuse_if_key_file_damaged()?;
        let mut next = self.slots.clone();
        change(&mut next, &self.key)?;
        next.authenticate(&self.key)?;
        self.save_slots(&next)?;
        self.slots = next;
        Ok(())
    }
}
