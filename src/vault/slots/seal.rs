//! Opening a slot with its secret, and adding, replacing or re-sealing slots.

use super::{Holder, Slot, SlotFile, SlotSeal};
use crate::domain::operator::OperatorName;
use crate::vault::crypto::{self, DataKey, KEY_BYTES, KdfParams, SALT_BYTES};
use crate::vault::envelope::{self, SlotSecret};
use crate::vault::error::{VaultError, VaultResult};

/// Bounds on a stored key-derivation cost: a tampered slot must not make sign-in hang or
/// exhaust memory (the floor is what `init` accepts).
const MAX_MEMORY_KIB: u32 = 4 * 1024 * 1024;
const MAX_ITERATIONS: u32 = 64;
const MAX_PARALLELISM: u32 = 16;

pub(super) fn kdf_within_bounds(kdf: &KdfParams) -> Result<(), String> {
    let floor = KdfParams::FLOOR;
    let memory_ok = (floor.memory_kib..=MAX_MEMORY_KIB).contains(&kdf.memory_kib);
    let iterations_ok = (floor.iterations..=MAX_ITERATIONS).contains(&kdf.iterations);
    let lanes_ok = (1..=MAX_PARALLELISM).contains(&kdf.parallelism);
    if memory_ok && iterations_ok && lanes_ok {
        Ok(())
    } else {
        Err(format!(
            "its key-derivation settings are out of range (memory {} KiB, {} iterations, {} lanes)",
            kdf.memory_kib, kdf.iterations, kdf.parallelism
        ))
    }
}

/// What a slot is for, as bound into its seal (so a slot cannot be moved to another operator
/// or vault).
fn slot_context(vault_id: &str, holder: &Holder, legacy: bool) -> Vec<u8> {
    let operator = holder.operator().map(OperatorName::as_str).unwrap_or("");
    let version = if legacy { "keyholder-slot-v1" } else { "keyholder-slot-v2" };
    format!("{version}\0{vault_id}\0{}\0{operator}", holder.kind()).into_bytes()
}

fn data_key_context(vault_id: &str) -> Vec<u8> {
    format!("keyholder-data-key-v2\0{vault_id}").into_bytes()
}

fn same_holder(a: &Holder, b: &Holder) -> bool {
    match (a, b) {
        (Holder::Password { operator: x, .. }, Holder::Password { operator: y, .. })
        | (Holder::Keyring { operator: x, .. }, Holder::Keyring { operator: y, .. }) => x == y,
        (Holder::Recovery { .. }, Holder::Recovery { .. }) => true,
        _ => false,
    }
}

impl SlotFile {
    /// Open the data key with an operator's password. `None` for an unknown operator or a
    /// wrong password (the caller must not tell them apart); an error when the slot is damaged.
    pub fn open_with_password(&self, name: &OperatorName, password: &[u8]) -> VaultResult<Option<DataKey>> {
        let found = self.slots.iter().find_map(|slot| match &slot.holder {
            Holder::Password { operator, kdf, salt } if operator == name => Some((slot, kdf, salt)),
            _ => None,
        });
        let Some((slot, kdf, salt)) = found else {
            // Spend the same effort as a real attempt so timing does not reveal the name.
            let _ = crypto::derive_kek(password, &[0; SALT_BYTES], KdfParams::DEFAULT_MINIMUM);
            return Ok(None);
        };
        self.check_slot(slot)?;
        let kek = crypto::derive_kek(password, salt, *kdf)?;
        Ok(self.open_slot(slot, &kek))
    }

    pub fn open_with_recovery(&self, recovery: &[u8]) -> VaultResult<Option<DataKey>> {
        let Some((slot, kdf, salt)) = self.slots.iter().find_map(|slot| match &slot.holder {
            Holder::Recovery { kdf, salt } => Some((slot, kdf, salt)),
            _ => None,
        }) else {
            return Ok(None);
        };
        self.check_slot(slot)?;
        let kek = crypto::derive_kek(recovery, salt, *kdf)?;
        Ok(self.open_slot(slot, &kek))
    }

    pub fn open_with_keyring_secret(&self, name: &OperatorName, secret: &[u8]) -> VaultResult<Option<DataKey>> {
        let Some(slot) =
            self.slots.iter().find(|slot| matches!(&slot.holder, Holder::Keyring { operator, .. } if operator == name))
        else {
            return Ok(None);
        };
        self.check_slot(slot)?;
        let Ok(kek) = <&[u8; KEY_BYTES]>::try_from(secret) else {
            return Ok(None);
        };
        Ok(self.open_slot(slot, kek))
    }

    fn open_slot(&self, slot: &Slot, kek: &[u8; KEY_BYTES]) -> Option<DataKey> {
        match &slot.seal {
            SlotSeal::KeyPair { private_key, data_key, .. } => {
                let context = slot_context(&self.vault_id, &slot.holder, false);
                SlotSecret::open_under(kek, private_key, &context)?
                    .open_data_key(data_key, &data_key_context(&self.vault_id))
            }
            SlotSeal::Legacy { sealed } => crypto::open(kek, sealed, &slot_context(&self.vault_id, &slot.holder, true)),
        }
    }

    /// A new format-2 slot for `holder`: a fresh key pair, its private key sealed under `kek`.
    fn new_slot(&self, holder: Holder, kek: &[u8; KEY_BYTES], key: &DataKey) -> VaultResult<Slot> {
        let secret = SlotSecret::generate()?;
        let public_key = secret.public_key();
        let private_key = secret.seal_under(kek, &slot_context(&self.vault_id, &holder, false))?;
        let data_key = envelope::seal_data_key(&public_key, key, &data_key_context(&self.vault_id))?;
        Ok(Slot {
            holder,
            seal: SlotSeal::KeyPair { public_key, private_key, data_key },
            check: Vec::new(),
            mac: Vec::new(),
        })
    }

    fn put(&mut self, slot: Slot) {
        match self.slots.iter_mut().find(|s| same_holder(&s.holder, &slot.holder)) {
            Some(existing) => *existing = slot,
            None => self.slots.push(slot),
        }
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
        let slot = self.new_slot(Holder::Password { operator: name.clone(), kdf, salt }, &kek, key)?;
        self.put(slot);
        Ok(())
    }

    /// Add or replace the recovery slot.
    pub fn set_recovery(&mut self, key: &DataKey, recovery: &[u8], kdf: KdfParams) -> VaultResult<()> {
        let salt = crypto::random_array()?;
        let kek = crypto::derive_kek(recovery, &salt, kdf)?;
        let slot = self.new_slot(Holder::Recovery { kdf, salt }, &kek, key)?;
        self.put(slot);
        Ok(())
    }

    pub fn set_keyring(
        &mut self,
        key: &DataKey,
        name: &OperatorName,
        account: String,
        secret: &[u8],
    ) -> VaultResult<()> {
        let secret = <&[u8; KEY_BYTES]>::try_from(secret)
            .map_err(|_| VaultError::Refused("a remembered key has the wrong length".into()))?;
        let slot = self.new_slot(Holder::Keyring { operator: name.clone(), account }, secret, key)?;
        self.put(slot);
        Ok(())
    }

    /// Seal `new_key` to every slot's public key, so each way in opens the new data key. Refused
    /// while a format-1 slot remains: it could only be re-sealed with its owner's secret.
    pub fn rewrap(&mut self, new_key: &DataKey) -> VaultResult<()> {
        let legacy = self.legacy_slots();
        if !legacy.is_empty() {
            return Err(VaultError::Refused(format!(
                "the vault key cannot be changed while {} still use the old key-file format: \
                 each of those operators signs in once (or make a new recovery key) first",
                legacy.join(", ")
            )));
        }
        let context = data_key_context(&self.vault_id);
        for slot in &mut self.slots {
            if let SlotSeal::KeyPair { public_key, data_key, .. } = &mut slot.seal {
                *data_key = envelope::seal_data_key(public_key, new_key, &context)?;
            }
        }
        Ok(())
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
        // Rename the slot's operator in the file (checksum recomputed, as an attacker would):
        // the seal is bound to the old name.
        if let Some(Holder::Password { operator, .. }) = file.slots.first_mut().map(|s| &mut s.holder) {
            *operator = name("mallory");
        }
        assert!(file.open_with_password(&name("mallory"), b"pw")?.is_none());
        Ok(())
    }

    #[test]
    fn a_format_1_slot_still_opens_but_blocks_a_change_of_key() -> VaultResult<()> {
        let key = DataKey::random()?;
        let mut file = SlotFile::new()?;
        file.format = super::super::LEGACY_FORMAT;
        let salt = crypto::random_array()?;
        let holder = Holder::Password { operator: name("ada"), kdf: KdfParams::FLOOR, salt };
        let kek = crypto::derive_kek(b"pw", &salt, KdfParams::FLOOR)?;
        let sealed = crypto::seal(&kek, &key, &slot_context(&file.vault_id, &holder, true))?;
        file.slots.push(Slot { holder, seal: SlotSeal::Legacy { sealed }, check: Vec::new(), mac: Vec::new() });
        let reread = SlotFile::parse(&file.to_bytes()?).map_err(VaultError::Refused)?;
        assert_eq!(reread.open_with_password(&name("ada"), b"pw")?.map(|k| *k.bytes()), Some(*key.bytes()));
        assert!(matches!(file.clone().rewrap(&DataKey::random()?), Err(VaultError::Refused(_))));
        // Upgrading the slot (as sign-in does) lifts the block.
        file.set_password(&key, &name("ada"), b"pw", KdfParams::FLOOR)?;
        assert!(file.legacy_slots().is_empty());
        file.rewrap(&DataKey::random()?)
    }

    #[test]
    fn key_derivation_settings_out_of_range_are_damage() {
        assert!(kdf_within_bounds(&KdfParams::FLOOR).is_ok());
        let hang = KdfParams { memory_kib: 19 * 1024, iterations: u32::MAX, parallelism: 1 };
        assert!(kdf_within_bounds(&hang).is_err());
        let huge = KdfParams { memory_kib: u32::MAX, iterations: 2, parallelism: 1 };
        assert!(kdf_within_bounds(&huge).is_err());
        let none = KdfParams { memory_kib: 19 * 1024, iterations: 2, parallelism: 0 };
        assert!(kdf_within_bounds(&none).is_err());
    }
}
