//! Key material: the random data key that opens the database, Argon2id to turn a password into
//! a key-encryption key, and XChaCha20-Poly1305 to wrap the data key in a key slot.

use super::error::{VaultError, VaultResult};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};
use zeroize::{Zeroize, Zeroizing};

pub const KEY_BYTES: usize = 32;
pub const SALT_BYTES: usize = 16;
pub const NONCE_BYTES: usize = 24;

/// 32 secret bytes kept on the heap from the start and wiped when dropped. Moving it copies only
/// the pointer, so a move leaves no copy of the key behind in a stack frame or a channel.
pub struct KeyBytes(Box<[u8; KEY_BYTES]>);

impl KeyBytes {
    fn zeroed() -> Self {
        Self(Box::new([0; KEY_BYTES]))
    }
}

impl Deref for KeyBytes {
    type Target = [u8; KEY_BYTES];

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for KeyBytes {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Zeroize for KeyBytes {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl Drop for KeyBytes {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl fmt::Debug for KeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyBytes(***)")
    }
}

/// The 256-bit key the database is encrypted with. On the heap, zeroed when dropped; never printed.
pub struct DataKey(KeyBytes);

/// `x'` + 64 hex digits + `'`: how SQLCipher is given a raw key.
const KEY_SPEC_BYTES: usize = 2 * KEY_BYTES + 3;

impl DataKey {
    pub fn random() -> VaultResult<Self> {
        let mut key = KeyBytes::zeroed();
        fill_random(key.as_mut_slice())?;
        Ok(Self(key))
    }

    /// A key from unsealed bytes; `None` unless there are exactly 32.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != KEY_BYTES {
            return None;
        }
        let mut key = KeyBytes::zeroed();
        key.as_mut_slice().copy_from_slice(bytes);
        Some(Self(key))
    }

    pub fn bytes(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }

    /// The raw key as SQLCipher's key text `x'<64 hex digits>'`, written straight into a buffer
    /// of its final size that is wiped when dropped (no intermediate string).
    pub(crate) fn sqlcipher_key_spec(&self) -> Zeroizing<Vec<u8>> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut spec = Zeroizing::new(Vec::with_capacity(KEY_SPEC_BYTES));
        spec.extend_from_slice(b"x'");
        for byte in self.bytes() {
            spec.push(HEX[usize::from(byte >> 4)]);
            spec.push(HEX[usize::from(byte & 0x0f)]);
        }
        spec.push(b'\'');
        spec
    }
}

impl Clone for DataKey {
    fn clone(&self) -> Self {
        let mut key = KeyBytes::zeroed();
        key.copy_from_slice(self.bytes());
        Self(key)
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(***)")
    }
}

fn fill_random(bytes: &mut [u8]) -> VaultResult<()> {
    getrandom::fill(bytes).map_err(|e| VaultError::Refused(format!("the system random generator failed: {e}")))
}

/// Secret random bytes, made on the heap and wiped when dropped (an array returned by value
/// would leave a copy in the stack frame it came from).
pub fn random_secret(len: usize) -> VaultResult<Zeroizing<Vec<u8>>> {
    let mut bytes = Zeroizing::new(vec![0_u8; len]);
    fill_random(bytes.as_mut_slice())?;
    Ok(bytes)
}

/// Fill an array from the operating system's random generator (salts, nonces, ids: not secret).
pub fn random_array<const N: usize>() -> VaultResult<[u8; N]> {
    let mut bytes = [0_u8; N];
    fill_random(&mut bytes)?;
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

/// Derive a key-encryption key from a password or recovery key (written in place on the heap).
pub fn derive_kek(secret: &[u8], salt: &[u8], params: KdfParams) -> VaultResult<KeyBytes> {
    let argon_params = Params::new(params.memory_kib, params.iterations, params.parallelism, Some(KEY_BYTES))
        .map_err(|e| VaultError::Refused(format!("invalid key derivation settings: {e}")))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params);
    let mut out = KeyBytes::zeroed();
    argon
        .hash_password_into(secret, salt, out.as_mut_slice())
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
    if plain.len() != KEY_BYTES {
        return None;
    }
    let mut key = KeyBytes::zeroed();
    key.copy_from_slice(&plain);
    Some(DataKey(key))
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
    fn the_sqlcipher_key_text_is_the_raw_key_in_hex() -> VaultResult<()> {
        let key = DataKey::random()?;
        let spec = key.sqlcipher_key_spec();
        assert_eq!(spec.as_slice(), format!("x'{}'", hex::encode(key.bytes())).as_bytes());
        assert_eq!(spec.capacity(), KEY_SPEC_BYTES, "built in place, never grown");
        Ok(())
    }

    #[test]
    fn key_bytes_are_wiped_and_stay_where_they_are() -> VaultResult<()> {
        let key = derive_kek(b"correct horse", b"0123456789abcdef", KdfParams::FLOOR)?;
        let at = key.as_ptr();
        let mut moved = Box::new(key);
        assert_eq!(moved.as_ptr(), at, "a move copies the pointer, not the key");
        assert_ne!(**moved, [0; KEY_BYTES]);
        moved.zeroize();
        assert_eq!(**moved, [0; KEY_BYTES]);
        Ok(())
    }

    #[test]
    fn a_cloned_data_key_is_a_separate_copy() -> VaultResult<()> {
        let key = DataKey::random()?;
        let copy = key.clone();
        assert_eq!(copy.bytes(), key.bytes());
        assert_ne!(copy.bytes().as_ptr(), key.bytes().as_ptr());
        Ok(())
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
