//! The key-slot file beside the database (`office.khv.keys`). Each slot is one way into the
//! vault: an operator's password, the recovery key, or a key kept in the OS keyring.
//!
//! Format 2 (this version writes only it): each slot has its own key pair (see
//! [`super::envelope`]); the file records the vault's generation (the audit chain's length and
//! last hash, to notice an older database put back) and is authenticated by HMACs under the
//! data key. Each slot also carries an unkeyed checksum, so accidental damage to the slot being
//! opened is reported as damage, not as a wrong password. Format 1 files (data key sealed
//! directly under each secret) are still read; each slot is upgraded when it is next used.

mod integrity;
mod seal;

use super::crypto::{KdfParams, SALT_BYTES, Sealed};
use super::envelope::SealedToKey;
use super::error::{VaultError, VaultResult};
use super::fsutil;
use crate::domain::operator::OperatorName;
use serde::{Deserialize, Serialize};
use std::path::Path;

pub use integrity::Generation;

pub const FORMAT: u32 = 2;
pub const LEGACY_FORMAT: u32 = 1;
/// A key file is a few kilobytes; anything far larger is not one.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The slot file as stored (JSON). Holds no secret in plaintext.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotFile {
    pub format: u32,
    /// A random id that binds every slot to this vault.
    pub vault_id: String,
    #[serde(default)]
    pub generation: Generation,
    pub slots: Vec<Slot>,
    /// HMAC over everything above, under a key derived from the data key (empty in format 1).
    #[serde(default, with = "hex::serde")]
    pub mac: Vec<u8>,
}

/// One way in: who it is for, and the sealed key material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    #[serde(flatten)]
    pub holder: Holder,
    #[serde(flatten)]
    pub seal: SlotSeal,
    /// SHA-256 of the slot without `check` and `mac`: accidental damage, told apart from a
    /// wrong password before any attempt is counted.
    #[serde(default, with = "hex::serde")]
    pub check: Vec<u8>,
    /// HMAC of the same bytes under the data-key-derived key: deliberate changes.
    #[serde(default, with = "hex::serde")]
    pub mac: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Holder {
    Password {
        operator: OperatorName,
        kdf: KdfParams,
        #[serde(with = "hex::serde")]
        salt: [u8; SALT_BYTES],
    },
    Recovery {
        kdf: KdfParams,
        #[serde(with = "hex::serde")]
        salt: [u8; SALT_BYTES],
    },
    Keyring {
        operator: OperatorName,
        /// The account name of the entry in the OS keyring.
        account: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SlotSeal {
    /// Format 2: a key pair whose private key is sealed under the slot's secret, and the data
    /// key sealed to its public key.
    KeyPair {
        #[serde(with = "hex::serde")]
        public_key: [u8; 32],
        private_key: Sealed,
        data_key: SealedToKey,
    },
    /// Format 1: the data key sealed directly under the slot's secret.
    Legacy { sealed: Sealed },
}

impl Holder {
    pub fn operator(&self) -> Option<&OperatorName> {
        match self {
            Self::Password { operator, .. } | Self::Keyring { operator, .. } => Some(operator),
            Self::Recovery { .. } => None,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Self::Password { .. } => "password",
            Self::Recovery { .. } => "recovery",
            Self::Keyring { .. } => "keyring",
        }
    }

    /// How the slot is named in messages: "the password slot of Ada".
    pub fn describe(&self) -> String {
        match self {
            Self::Password { operator, .. } => format!("the password slot of {operator}"),
            Self::Recovery { .. } => "the recovery-key slot".to_owned(),
            Self::Keyring { operator, .. } => format!("the remembered-key slot of {operator}"),
        }
    }
}

impl Slot {
    pub fn is_legacy(&self) -> bool {
        matches!(self.seal, SlotSeal::Legacy { .. })
    }
}

impl SlotFile {
    pub fn new() -> VaultResult<Self> {
        Ok(Self {
            format: FORMAT,
            vault_id: hex::encode(super::crypto::random_array::<16>()?),
            generation: Generation::default(),
            slots: Vec::new(),
            mac: Vec::new(),
        })
    }

    pub fn load(path: &Path) -> VaultResult<Self> {
        let bad = |reason: String| VaultError::BadSlotFile { path: path.to_path_buf(), reason };
        let size = match std::fs::metadata(path) {
            Ok(meta) => meta.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(VaultError::NotFound(path.to_path_buf()));
            }
            Err(e) => return Err(VaultError::io("cannot read", path, e)),
        };
        if size > MAX_FILE_BYTES {
            return Err(bad(format!("it is {size} bytes, far larger than a key file")));
        }
        let bytes = std::fs::read(path).map_err(|e| VaultError::io("cannot read", path, e))?;
        Self::parse(&bytes).map_err(bad)
    }

    /// Parse a key file, naming the slot that cannot be read.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Raw {
            format: u32,
            vault_id: String,
            #[serde(default)]
            generation: Generation,
            slots: Vec<serde_json::Value>,
            #[serde(default, with = "hex::serde")]
            mac: Vec<u8>,
        }
        let raw: Raw = serde_json::from_slice(bytes).map_err(|e| format!("it is not a key file ({e})"))?;
        if raw.format != FORMAT && raw.format != LEGACY_FORMAT {
            return Err(format!("format {} is not supported by this version", raw.format));
        }
        let mut slots = Vec::with_capacity(raw.slots.len());
        for (index, value) in raw.slots.into_iter().enumerate() {
            let label = describe_raw(index, &value);
            let slot: Slot = serde_json::from_value(value).map_err(|e| format!("{label} is damaged ({e})"))?;
            if let Holder::Password { kdf, .. } | Holder::Recovery { kdf, .. } = &slot.holder {
                seal::kdf_within_bounds(kdf).map_err(|reason| format!("{label} is damaged: {reason}"))?;
            }
            slots.push(slot);
        }
        Ok(Self { format: raw.format, vault_id: raw.vault_id, generation: raw.generation, slots, mac: raw.mac })
    }

    pub fn to_bytes(&self) -> VaultResult<Vec<u8>> {
        serde_json::to_vec_pretty(self).map_err(|e| VaultError::Refused(format!("cannot encode key slots: {e}")))
    }

    /// Write the file atomically. Call [`SlotFile::authenticate`] first.
    pub fn save(&self, path: &Path) -> VaultResult<()> {
        fsutil::write_atomic(path, &self.to_bytes()?)
    }

    /// Operators that have a password slot, in file order.
    pub fn operators(&self) -> Vec<OperatorName> {
        self.slots
            .iter()
            .filter_map(|slot| match &slot.holder {
                Holder::Password { operator, .. } => Some(operator.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn has_operator(&self, name: &OperatorName) -> bool {
        self.operators().iter().any(|o| o == name)
    }

    pub fn keyring_account(&self, name: &OperatorName) -> Option<&str> {
        self.slots.iter().find_map(|slot| match &slot.holder {
            Holder::Keyring { operator, account } if operator == name => Some(account.as_str()),
            _ => None,
        })
    }

    /// The key-derivation cost of an operator's password slot.
    pub fn password_kdf(&self, name: &OperatorName) -> Option<KdfParams> {
        self.slots.iter().find_map(|slot| match &slot.holder {
            Holder::Password { operator, kdf, .. } if operator == name => Some(*kdf),
            _ => None,
        })
    }

    pub fn remove_keyring(&mut self, name: &OperatorName) {
        self.slots.retain(|s| !matches!(&s.holder, Holder::Keyring { operator, .. } if operator == name));
    }

    /// Remove every slot of an operator.
    pub fn remove_operator(&mut self, name: &OperatorName) {
        self.slots.retain(|s| s.holder.operator() != Some(name));
    }

    /// Slots still in format 1 (they cannot follow a change of the data key).
    pub fn legacy_slots(&self) -> Vec<String> {
        self.slots.iter().filter(|s| s.is_legacy()).map(|s| s.holder.describe()).collect()
    }
}

/// "slot 2 (the password slot of Ada)", read from JSON that may not parse as a slot.
fn describe_raw(index: usize, value: &serde_json::Value) -> String {
    let kind = value.get("kind").and_then(|v| v.as_str()).unwrap_or("unknown");
    let operator = value.get("operator").and_then(|v| v.as_str());
    let who = match (kind, operator) {
        ("password", Some(name)) => format!("the password slot of {name}"),
        ("keyring", Some(name)) => format!("the remembered-key slot of {name}"),
        ("recovery", _) => "the recovery-key slot".to_owned(),
        _ => "a slot of unknown kind".to_owned(),
    };
    format!("slot {} ({who})", index + 1)
}
