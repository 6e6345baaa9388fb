//! Key material: the random data key that opens the database, Argon2id to turn a password into
//! a key-encryption key, and XChaCha20-Poly1305 to wrap the data key in a key slot.

use super::error::{VaultError, VaultResult};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

pub const KEY_BYTES: usize = 32;
pub const SALT_BYTES: usize = 16;
pub const NONCE_BYTES: usize = 24;

/// The 256-bit key the database is encrypted with. Zeroed when dropped; never printed.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; KEY_BYTES]>);

impl DataKey {
    pub fn random() -> VaultResult<Self> {
        Ok(Self(Zeroizing::new(random_array()?)))
    }

    /// A key from unsealed bytes; `None` unless there are exactly 32.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        let mut key = Zeroizing::new([0_u8; KEY_BYTES]);
        key.as_mut_slice().copy_from_slice(bytes.get(..KEY_BYTES).filter(|_| bytes.len() == KEY_BYTES)?);
        Some(Self(key))
    }

    pub fn bytes(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }

    /// The SQLCipher statement that opens the database with this raw key.
    pub fn pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", Zeroizing::new(hex::encode(*self.0)).as_str()))
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(***)")
    }
}

/// Fill an array from the operating system's random generator.
pub fn random_array<const N: usize>() -> VaultResult<[u8; N]> {
    let mut bytes = [0_u8; N];
    getrandom::fill(&mut bytes).map_err(|e| VaultError::Refused(format!("the system random generator failed: {e}")))?;
    Ok(bytes)
}

/// Argon2id cost, stored with each slot so it can be raised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    /// The OWASP floor: the least that `init` accepts (used by tests and benchmarks).
    pub const FLOOR: Self = Self { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 };
    /// The least the calibrated default may be.
    pub const DEFAULT_MINIMUM: Self = Self { memory_kib: 64 * 1024, iterations: 3, parallelism: 1 };

    /// Refuse a cost below the floor.
    pub fn checked(self) -> VaultResult<Self> {
        if self.memory_kib < Self::FLOOR.memory_kib || self.iterations < Self::FLOOR.iterations {
            return Err(VaultError::Refused(format!(
                "the key derivation cost is below the minimum (memory {} MiB, {} iterations)",
                Self::FLOOR.memory_kib / 1024,
                Self::FLOOR.iterations
            )));
        }
        if self.parallelism == 0 {
            return Err(VaultError::Refused("the key derivation needs at least one lane".into()));
        }
        Ok(self)
    }

    /// Calibrate on this machine: time one derivation at the default minimum, then spend the
    /// `target` budget on memory first (up to 256 MiB, which hurts GPU guessing most) and on
    /// iterations after that (up to 10). Never below the default minimum.
    pub fn calibrate(target: Duration) -> VaultResult<Self> {
        const MAX_MEMORY_MIB: u64 = 256;
        const MAX_ITERATIONS: u64 = 10;
        let base = Self::DEFAULT_MINIMUM;
        let started = Instant::now();
        derive_kek(b"calibration", &[0_u8; SALT_BYTES], base)?;
        let elapsed = started.elapsed().as_nanos().max(1);
        let base_units = u128::from(base.memory_kib / 1024) * u128::from(base.iterations);
        // MiB x iterations that fit in the budget, at the measured cost per unit.
        let budget = (target.as_nanos() * base_units / elapsed) as u64;
        let min_memory = u64::from(base.memory_kib / 1024);
        let min_iterations = u64::from(base.iterations);
        let memory_mib = (budget / min_iterations).clamp(min_memory, MAX_MEMORY_MIB);
        let iterations = (budget / memory_mib).clamp(min_iterations, MAX_ITERATIONS);
        Ok(Self {
            memory_kib: (memory_mib * 1024) as u32,
            iterations: iterations as u32,
            parallelism: base.parallelism,
        })
    }
}

/// Derive a key-encryption key from a password or recovery key.
pub fn derive_kek(secret: &[u8], salt: &[u8], params: KdfParams) -> VaultResult<Zeroizing<[u8; KEY_BYTES]>> {
    let argon_params = Params::new(params.memory_kib, params.iterations, params.parallelism, Some(KEY_BYTES))
        .map_err(|e| VaultError::Refused(format!("invalid key derivation settings: {e}")))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params);
    let mut out = Zeroizing::new([0_u8; KEY_BYTES]);
    argon
        .hash_password_into(secret, salt, out.as_mut())
        .map_err(|e| VaultError::Refused(format!("key derivation failed: {e}")))?;
    Ok(out)
}

/// A data key sealed under a key-encryption key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    #[serde(with = "hex::serde")]
    pub nonce: [u8; NONCE_BYTES],
    #[serde(with = "hex::serde")]
    pub ciphertext: Vec<u8>,
}

/// Seal the data key. `context` is bound into the tag so a slot cannot be moved to another
/// operator or vault.
pub fn seal(kek: &[u8; KEY_BYTES], key: &DataKey, context: &[u8]) -> VaultResult<Sealed> {
    let cipher = XChaCha20Poly1305::new(Key::from_slice(kek));
    let nonce: [u8; NONCE_BYTES] = random_array()?;
    let ciphertext = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.bytes(), aad: context })
        .map_err(|_| VaultError::Refused("sealing the key failed".into()))?;
    Ok(Sealed { nonce, ciphertext })
}

/// Open a sealed data key; `None` when the key-encryption key or context is wrong.
pub fn open(kek: &[u8; KEY_BYTES], sealed: &Sealed, context: &[u8]) -> Option<DataKey> {
    let cipher = XChaCha20Poly1305::new(Key::from_slice(kek));
    let plain = Zeroizing::new(
        cipher.decrypt(XNonce::from_slice(&sealed.nonce), Payload { msg: &sealed.ciphertext, aad: context }).ok()?,
    );
    let bytes: [u8; KEY_BYTES] = plain.as_slice().try_into().ok()?;
    Some(DataKey(Zeroizing::new(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_key_opens_only_with_the_same_kek_and_context() -> VaultResult<()> {
        let key = DataKey::random()?;
        let kek = derive_kek(b"correct horse", b"0123456789abcdef", KdfParams::FLOOR)?;
        let sealed = seal(&kek, &key, b"vault-1/ada")?;
        assert_eq!(open(&kek, &sealed, b"vault-1/ada").map(|k| *k.bytes()), Some(*key.bytes()));
        assert!(open(&kek, &sealed, b"vault-1/bob").is_none());
        let wrong = derive_kek(b"correct horsf", b"0123456789abcdef", KdfParams::FLOOR)?;
        assert!(open(&wrong, &sealed, b"vault-1/ada").is_none());
        Ok(())
    }

    #[test]
    fn calibration_never_goes_below_the_default_minimum() -> VaultResult<()> {
        let quick = KdfParams::calibrate(Duration::from_millis(1))?;
        assert_eq!(quick, KdfParams::DEFAULT_MINIMUM);
        let generous = KdfParams::calibrate(Duration::from_secs(3600))?;
        assert_eq!((generous.memory_kib, generous.iterations), (256 * 1024, 10));
        Ok(())
    }

    #[test]
    fn below_floor_is_refused() {
        let low = KdfParams { memory_kib: 8 * 1024, iterations: 2, parallelism: 1 };
        assert!(low.checked().is_err());
        assert!(KdfParams::FLOOR.checked().is_ok());
    }

    #[test]
    fn debug_hides_the_key() -> VaultResult<()> {
        let key = DataKey::random()?;
        let shown = format!("{key:?}");
        assert_eq!(shown, "DataKey(***)");
        assert!(!shown.contains(&hex::encode(key.bytes())[..8]));
        Ok(())
    }
}
