//! The key-slot file beside the database. Each slot seals the same data key under a different
//! secret: an operator's password, the recovery key, or a key kept in the OS keyring. Changing
//! a password rewrites one slot here and never touches the database.

use super::crypto::{self, DataKey, KdfParams, SALT_BYTES, Sealed};
use super::error::{VaultError, VaultResult};
use super::fsutil;
use crate::domain::operator::OperatorName;
use serde::{Deserialize, Serialize};
use std::path::Path;
use zeroize::Zeroizing;

pub const FORMAT: u32 = 1;

/// The slot file as stored (JSON). Holds no secret in plaintext.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotFile {
    pub format: u32,
    /// A random id that binds every slot to this vault.
    pub vault_id: String,
    pub slots: Vec<Slot>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Slot {
    Password {
        operator: OperatorName,
        kdf: KdfParams,
        #[serde(with = "hex::serde")]
        salt: [u8; SALT_BYTES],
        sealed: Sealed,
    },
    Recovery {
        kdf: KdfParams,
        #[serde(with = "hex::serde")]
        salt: [u8; SALT_BYTES],
        sealed: Sealed,
    },
    Keyring {
        operator: OperatorName,
        /// The account name of the entry in the OS keyring.
        account: String,
        sealed: Sealed,
    },
}

/// What a slot is for, as bound into its seal.
fn context(vault_id: &str, kind: &str, operator: Option<&OperatorName>) -> Vec<u8> {
    let operator = operator.map(OperatorName::as_str).unwrap_or("");
    format!("keyholder-slot-v1\0{vault_id}\0{kind}\0{operator}").into_bytes()
}

impl SlotFile {
    pub fn new() -> VaultResult<Self> {
        Ok(Self { format: FORMAT, vault_id: hex::encode(crypto::random_array::<16>()?), slots: Vec::new() })
    }

    pub fn load(path: &Path) -> VaultResult<Self> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(VaultError::NotFound(path.to_path_buf()));
            }
            Err(e) => return Err(VaultError::io("cannot read", path, e)),
        };
        let file: Self = serde_json::from_slice(&bytes)
            .map_err(|e| VaultError::BadSlotFile { path: path.to_path_buf(), reason: e.to_string() })?;
        if file.format != FORMAT {
            return Err(VaultError::BadSlotFile {
                path: path.to_path_buf(),
                reason: format!("format {} is not supported by this version", file.format),
            });
        }
        Ok(file)
    }

    pub fn to_bytes(&self) -> VaultResult<Vec<u8>> {
        serde_json::to_vec_pretty(self).map_err(|e| VaultError::Refused(format!("cannot encode key slots: {e}")))
    }

    pub fn save(&self, path: &Path) -> VaultResult<()> {
        fsutil::write_atomic(path, &self.to_bytes()?)
    }

    /// Operators that have a password slot, in file order.
    pub fn operators(&self) -> Vec<OperatorName> {
        self.slots
            .iter()
            .filter_map(|slot| match slot {
                Slot::Password { operator, .. } => Some(operator.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn has_operator(&self, name: &OperatorName) -> bool {
        self.operators().iter().any(|o| o == name)
    }

    pub fn keyring_account(&self, name: &OperatorName) -> Option<&str> {
        self.slots.iter().find_map(|slot| match slot {
            Slot::Keyring { operator, account, .. } if operator == name => Some(account.as_str()),
            _ => None,
        })
    }

    /// Open the data key with an operator's password. `None` for an unknown operator or a
    /// wrong password (the caller must not tell them apart).
    pub fn open_with_password(&self, name: &OperatorName, password: &[u8]) -> VaultResult<Option<DataKey>> {
        let found = self.slots.iter().find_map(|slot| match slot {
            Slot::Password { operator, kdf, salt, sealed } if operator == name => Some((kdf, salt, sealed)),
            _ => None,
        });
        let Some((kdf, salt, sealed)) = found else {
            // Spend the same effort as a real attempt so timing does not reveal the name.
            let _ = crypto::derive_kek(password, &[0; SALT_BYTES], KdfParams::DEFAULT_MINIMUM);
            return Ok(None);
        };
        let kek = crypto::derive_kek(password, salt, *kdf)?;
        Ok(crypto::open(&kek, sealed, &context(&self.vault_id, "password", Some(name))))
    }

    pub fn open_with_recovery(&self, recovery: &[u8]) -> VaultResult<Option<DataKey>> {
        let Some((kdf, salt, sealed)) = self.slots.iter().find_map(|slot| match slot {
            Slot::Recovery { kdf, salt, sealed } => Some((kdf, salt, sealed)),
            _ => None,
        }) else {
            return Ok(None);
        };
        let kek = crypto::derive_kek(recovery, salt, *kdf)?;
        Ok(crypto::open(&kek, sealed, &context(&self.vault_id, "recovery", None)))
    }

    pub fn open_with_keyring_secret(&self, name: &OperatorName, secret: &[u8]) -> Option<DataKey> {
        let sealed = self.slots.iter().find_map(|slot| match slot {
            Slot::Keyring { operator, sealed, .. } if operator == name => Some(sealed),
            _ => None,
        })?;
        let kek: Zeroizing<[u8; 32]> = Zeroizing::new(secret.try_into().ok()?);
        crypto::open(&kek, sealed, &context(&self.vault_id, "keyring", Some(name)))
    }

    /// Add or replace an operator's password slot.
    pub fn set_password(
        &mut self,
        key: &DataKey,
        name: &OperatorName,
        password: &[u8],
        kdf: KdfParams,
    ) -> VaultResult<()> {
        let salt = crypto::random_array()?;
        let kek = crypto::derive_kek(password, &salt, kdf)?;
        let sealed = crypto::seal(&kek, key, &context(&self.vault_id, "password", Some(name)))?;
        let slot = Slot::Password { operator: name.clone(), kdf, salt, sealed };
        match self.slots.iter_mut().find(|s| matches!(s, Slot::Password { operator, .. } if operator == name)) {
            Some(existing) => *existing = slot,
            None => self.slots.push(slot),
        }
        Ok(())
    }

    /// Add or replace the recovery slot.
    pub fn set_recovery(&mut self, key: &DataKey, recovery: &[u8], kdf: KdfParams) -> VaultResult<()> {
        let salt = crypto::random_array()?;
        let kek = crypto::derive_kek(recovery, &salt, kdf)?;
        let sealed = crypto::seal(&kek, key, &context(&self.vault_id, "recovery", None))?;
        self.slots.retain(|s| !matches!(s, Slot::Recovery { .. }));
        self.slots.push(Slot::Recovery { kdf, salt, sealed });
        Ok(())
    }

    pub fn set_keyring(
        &mut self,
        key: &DataKey,
        name: &OperatorName,
        account: String,
        secret: &[u8; 32],
    ) -> VaultResult<()> {
        let sealed = crypto::seal(secret, key, &context(&self.vault_id, "keyring", Some(name)))?;
        self.remove_keyring(name);
        self.slots.push(Slot::Keyring { operator: name.clone(), account, sealed });
        Ok(())
    }

    pub fn remove_keyring(&mut self, name: &OperatorName) {
        self.slots.retain(|s| !matches!(s, Slot::Keyring { operator, .. } if operator == name));
    }

    /// Remove every slot of an operator.
    pub fn remove_operator(&mut self, name: &OperatorName) {
        self.slots.retain(|s| match s {
            Slot::Password { operator, .. } | Slot::Keyring { operator, .. } => operator != name,
            Slot::Recovery { .. } => true,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> OperatorName {
        OperatorName::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_slot_cannot_be_moved_to_another_operator() -> VaultResult<()> {
        let key = DataKey::random()?;
        let mut file = SlotFile::new()?;
        file.set_password(&key, &name("ada"), b"pw", KdfParams::FLOOR)?;
        // Rename the slot's operator in the file: the seal is bound to the old name.
        if let Some(Slot::Password { operator, .. }) = file.slots.first_mut() {
            *operator = name("mallory");
        }
        assert!(file.open_with_password(&name("mallory"), b"pw")?.is_none());
        Ok(())
    }

    #[test]
    fn round_trips_through_json_without_plaintext_key() -> VaultResult<()> {
        let key = DataKey::random()?;
        let mut file = SlotFile::new()?;
        file.set_password(&key, &name("ada"), b"pw", KdfParams::FLOOR)?;
        file.set_recovery(&key, b"recovery", KdfParams::FLOOR)?;
        let bytes = file.to_bytes()?;
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&hex::encode(key.bytes())));
        let back: SlotFile = serde_json::from_slice(&bytes).map_err(|e| VaultError::Refused(e.to_string()))?;
        assert_eq!(back, file);
        assert!(back.open_with_recovery(b"recovery")?.is_some());
        assert!(back.open_with_recovery(b"recoverx")?.is_none());
        Ok(())
    }
}
