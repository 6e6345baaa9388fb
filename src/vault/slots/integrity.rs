//! Telling a damaged or altered key file from a wrong password, and an older database from
//! the current one: per-slot checksums, HMACs under the data key, and the generation.

use super::{Slot, SlotFile};
use crate::vault::crypto::DataKey;
use crate::vault::envelope::MacKey;
use crate::vault::error::{VaultError, VaultResult};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How far the vault's history had got when the key file was last written: the audit chain's
/// length and its last record's hash. Every change adds an audit record, so a database with a
/// shorter chain than this is an older copy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generation {
    pub changes: i64,
    pub last_hash: String,
}

impl Generation {
    pub fn new(changes: i64, last_hash: &[u8; 32]) -> Self {
        Self { changes, last_hash: hex::encode(last_hash) }
    }
}

fn encode<T: Serialize>(value: &T) -> VaultResult<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| VaultError::Refused(format!("cannot encode key slots: {e}")))
}

impl Slot {
    /// The bytes its checksum and MAC cover: who it is for and what it seals.
    fn body(&self, vault_id: &str) -> VaultResult<Vec<u8>> {
        encode(&(vault_id, &self.holder, &self.seal))
    }
}

impl SlotFile {
    /// Refuse to use a slot whose checksum does not match: it was damaged, and a "wrong
    /// password" answer would mislead (and count against the operator).
    pub fn check_slot(&self, slot: &Slot) -> VaultResult<()> {
        if slot.check.is_empty() || slot.check.as_slice() == Sha256::digest(slot.body(&self.vault_id)?).as_slice() {
            Ok(())
        } else {
            Err(VaultError::Damaged(format!(
                "the key file is damaged: {} does not match its checksum (restore the key file from a backup)",
                slot.holder.describe()
            )))
        }
    }

    /// Compute every checksum and MAC under `key` (and mark the file as format 2).
    pub fn authenticate(&mut self, key: &DataKey) -> VaultResult<()> {
        let mac = MacKey::derive(key)?;
        self.format = if self.slots.iter().any(Slot::is_legacy) { super::LEGACY_FORMAT } else { super::FORMAT };
        for slot in &mut self.slots {
            let body = slot.body(&self.vault_id)?;
            slot.check = Sha256::digest(&body).to_vec();
            slot.mac = mac.tag(&body)?.to_vec();
        }
        self.mac = Vec::new();
        self.mac = mac.tag(&encode(self)?)?.to_vec();
        Ok(())
    }

    /// Whether the file must carry MACs: all but a file as versions before them wrote it
    /// (format 1, every slot sealed the old way, no MAC), which is trusted on first use. A
    /// format-2 slot or a MAC anywhere means MACs are required, so removing them is noticed.
    pub fn is_authenticated(&self) -> bool {
        let pre_mac =
            self.format == super::LEGACY_FORMAT && self.mac.is_empty() && self.slots.iter().all(Slot::is_legacy);
        !pre_mac
    }

    /// The positions of the slots whose MAC (or, in a format-1 file, checksum) fails.
    pub fn altered_slots(&self, key: &DataKey) -> VaultResult<Vec<usize>> {
        self.altered_with(&MacKey::derive(key)?)
    }

    fn altered_with(&self, mac: &MacKey) -> VaultResult<Vec<usize>> {
        let mut altered = Vec::new();
        for (index, slot) in self.slots.iter().enumerate() {
            let body = slot.body(&self.vault_id)?;
            let intact = if self.is_authenticated() {
                mac.verify(&body, &slot.mac)
            } else {
                slot.check.is_empty() || slot.check.as_slice() == Sha256::digest(&body).as_slice()
            };
            if !intact {
                altered.push(index);
            }
        }
        Ok(altered)
    }

    pub fn remove_slots(&mut self, positions: &[usize]) {
        let mut index = 0;
        self.slots.retain(|_| {
            index += 1;
            !positions.contains(&(index - 1))
        });
    }

    /// What is wrong with the file, checked with the data key: each altered slot by name, then
    /// the file as a whole (generation changed, a slot added or removed). Empty when intact.
    pub fn problems(&self, key: &DataKey) -> VaultResult<Vec<String>> {
        let mac = MacKey::derive(key)?;
        let mut problems: Vec<String> = self
            .altered_with(&mac)?
            .into_iter()
            .filter_map(|i| self.slots.get(i))
            .map(|slot| format!("the key file is damaged: {} was altered", slot.holder.describe()))
            .collect();
        // An altered slot also breaks the file's MAC; say so only when no slot explains it.
        if self.is_authenticated() && problems.is_empty() {
            let mut unsigned = self.clone();
            unsigned.mac = Vec::new();
            if !mac.verify(&encode(&unsigned)?, &self.mac) {
                problems.push(
                    "the key file is damaged: it was altered outside Keyholder (a slot added or removed, or its \
                     generation changed)"
                        .to_owned(),
                );
            }
        }
        Ok(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::operator::OperatorName;
    use crate::vault::crypto::KdfParams;

    fn name(text: &str) -> OperatorName {
        OperatorName::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn file(key: &DataKey) -> VaultResult<SlotFile> {
        let mut file = SlotFile::new()?;
        file.set_password(key, &name("Ada"), b"pw-ada", KdfParams::FLOOR)?;
        file.set_password(key, &name("Bob"), b"pw-bob", KdfParams::FLOOR)?;
        file.set_recovery(key, b"recovery", KdfParams::FLOOR)?;
        file.authenticate(key)?;
        Ok(file)
    }

    #[test]
    fn an_intact_file_has_no_problems_and_survives_json() -> VaultResult<()> {
        let key = DataKey::random()?;
        let file = file(&key)?;
        let back = SlotFile::parse(&file.to_bytes()?).map_err(VaultError::Refused)?;
        assert_eq!(back, file);
        assert!(back.problems(&key)?.is_empty());
        Ok(())
    }

    #[test]
    fn removing_the_macs_does_not_make_the_file_an_old_unauthenticated_one() -> VaultResult<()> {
        let key = DataKey::random()?;
        let mut stripped = file(&key)?;
        stripped.mac = Vec::new();
        assert!(!stripped.problems(&key)?.is_empty());
        stripped.format = crate::vault::slots::LEGACY_FORMAT;
        for slot in &mut stripped.slots {
            slot.mac = Vec::new();
        }
        assert!(stripped.is_authenticated());
        assert_eq!(stripped.problems(&key)?.len(), 3, "every slot's MAC is missing");
        Ok(())
    }

    #[test]
    fn a_changed_generation_or_a_removed_slot_is_noticed() -> VaultResult<()> {
        let key = DataKey::random()?;
        let mut rolled = file(&key)?;
        rolled.generation.changes -= 1;
        assert_eq!(rolled.problems(&key)?.len(), 1);
        let mut cut = file(&key)?;
        cut.slots.pop();
        assert!(cut.problems(&key)?.iter().any(|p| p.contains("altered outside Keyholder")));
        Ok(())
    }

    #[test]
    fn damage_to_a_slot_names_it_and_is_not_a_wrong_password() -> VaultResult<()> {
        let key = DataKey::random()?;
        let mut damaged = file(&key)?;
        if let Some(super::super::Holder::Recovery { salt, .. }) = damaged.slots.get_mut(2).map(|s| &mut s.holder) {
            salt[0] ^= 1;
        }
        assert!(damaged.problems(&key)?.iter().any(|p| p.contains("the recovery-key slot was altered")));
        match damaged.open_with_recovery(b"recovery") {
            Err(VaultError::Damaged(message)) => assert!(message.contains("recovery-key slot"), "{message}"),
            other => panic!("expected damage, got {:?}", other.map(|k| k.is_some())),
        }
        // Ada's own slot still opens.
        assert!(damaged.open_with_password(&name("Ada"), b"pw-ada")?.is_some());
        Ok(())
    }

    #[test]
    fn rewrapped_slots_open_the_new_key_only() -> VaultResult<()> {
        let key = DataKey::random()?;
        let mut file = file(&key)?;
        let new_key = DataKey::random()?;
        file.rewrap(&new_key)?;
        file.authenticate(&new_key)?;
        let opened = file.open_with_password(&name("Bob"), b"pw-bob")?.map(|k| *k.bytes());
        assert_eq!(opened, Some(*new_key.bytes()));
        assert!(file.problems(&new_key)?.is_empty());
        assert!(!file.problems(&key)?.is_empty(), "the old key must not vouch for the new file");
        Ok(())
    }
}
