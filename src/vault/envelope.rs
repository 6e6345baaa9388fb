//! The key-slot envelopes of key-file format 2.
//!
//! Every way into the vault (an operator's password, the OS keyring, the recovery key) has its
//! own X25519 key pair. Its private key is sealed under that way's secret; the data key is
//! sealed *to* its public key (ephemeral X25519, HKDF-SHA256, XChaCha20-Poly1305 — the
//! construction of `age`). So the data key can be replaced (after an operator is removed)
//! without knowing anybody's password: it is sealed again to every remaining public key.
//!
//! The key file is authenticated with HMAC-SHA256 under a key derived from the data key, so
//! whoever opens the vault can tell whether any slot or the generation was altered.

use super::crypto::{DataKey, KEY_BYTES, NONCE_BYTES, Sealed, random_array};
use super::error::{VaultError, VaultResult};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

/// A slot's private key; wiped when dropped (x25519-dalek's `zeroize` feature).
pub struct SlotSecret(Box<StaticSecret>);

impl SlotSecret {
    pub fn generate() -> VaultResult<Self> {
        let bytes = Zeroizing::new(random_array::<KEY_BYTES>()?);
        Ok(Self(Box::new(StaticSecret::from(*bytes))))
    }

    pub fn public_key(&self) -> [u8; KEY_BYTES] {
        PublicKey::from(self.0.as_ref()).to_bytes()
    }

    /// Seal this private key under a key-encryption key, bound to `context`.
    pub fn seal_under(&self, kek: &[u8; KEY_BYTES], context: &[u8]) -> VaultResult<Sealed> {
        seal_bytes(kek, self.0.as_bytes(), context)
    }

    /// Open a private key sealed with [`SlotSecret::seal_under`]; `None` when the key or the
    /// context is wrong.
    pub fn open_under(kek: &[u8; KEY_BYTES], sealed: &Sealed, context: &[u8]) -> Option<Self> {
        let plain = open_bytes(kek, sealed, context)?;
        let bytes: Zeroizing<[u8; KEY_BYTES]> = Zeroizing::new(plain.as_slice().try_into().ok()?);
        Some(Self(Box::new(StaticSecret::from(*bytes))))
    }

    /// Open the data key sealed to this key pair's public key.
    pub fn open_data_key(&self, sealed: &SealedToKey, context: &[u8]) -> Option<DataKey> {
        let ephemeral = PublicKey::from(sealed.ephemeral);
        let shared = self.0.diffie_hellman(&ephemeral);
        let kek = wrapping_key(shared.as_bytes(), &sealed.ephemeral, &self.public_key()).ok()?;
        let plain = open_bytes(&kek, &sealed.sealed, context)?;
        DataKey::from_slice(&plain)
    }
}

/// The data key sealed to a public key: the sender's ephemeral public key and the sealed bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedToKey {
    #[serde(with = "hex::serde")]
    pub ephemeral: [u8; KEY_BYTES],
    pub sealed: Sealed,
}

/// Seal `key` to `public_key`, bound to `context`.
pub fn seal_data_key(public_key: &[u8; KEY_BYTES], key: &DataKey, context: &[u8]) -> VaultResult<SealedToKey> {
    let ephemeral_secret = SlotSecret::generate()?;
    let ephemeral = ephemeral_secret.public_key();
    let shared = ephemeral_secret.0.diffie_hellman(&PublicKey::from(*public_key));
    let kek = wrapping_key(shared.as_bytes(), &ephemeral, public_key)?;
    Ok(SealedToKey { ephemeral, sealed: seal_bytes(&kek, key.bytes(), context)? })
}

fn wrapping_key(
    shared: &[u8; KEY_BYTES],
    ephemeral: &[u8; KEY_BYTES],
    recipient: &[u8; KEY_BYTES],
) -> VaultResult<Zeroizing<[u8; KEY_BYTES]>> {
    let mut salt = [0_u8; 2 * KEY_BYTES];
    salt[..KEY_BYTES].copy_from_slice(ephemeral);
    salt[KEY_BYTES..].copy_from_slice(recipient);
    let mut out = Zeroizing::new([0_u8; KEY_BYTES]);
    Hkdf::<Sha256>::new(Some(&salt), shared)
        .expand(b"keyholder-slot-wrap-v2", out.as_mut())
        .map_err(|_| VaultError::Refused("deriving a wrapping key failed".into()))?;
    Ok(out)
}

/// Seal bytes under a symmetric key with a random nonce, bound to `context`.
pub fn seal_bytes(kek: &[u8; KEY_BYTES], plain: &[u8], context: &[u8]) -> VaultResult<Sealed> {
    let cipher = XChaCha20Poly1305::new(Key::from_slice(kek));
    let nonce: [u8; NONCE_BYTES] = random_array()?;
    let ciphertext = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad: context })
        .map_err(|_| VaultError::Refused("sealing a key failed".into()))?;
    Ok(Sealed { nonce, ciphertext })
}

/// Open bytes sealed with [`seal_bytes`]; `None` when the key or context is wrong.
pub fn open_bytes(kek: &[u8; KEY_BYTES], sealed: &Sealed, context: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = XChaCha20Poly1305::new(Key::from_slice(kek));
    cipher
        .decrypt(XNonce::from_slice(&sealed.nonce), Payload { msg: &sealed.ciphertext, aad: context })
        .ok()
        .map(Zeroizing::new)
}

/// The key that authenticates the key file, derived from the data key.
pub struct MacKey(Zeroizing<[u8; KEY_BYTES]>);

impl MacKey {
    pub fn derive(key: &DataKey) -> VaultResult<Self> {
        let mut out = Zeroizing::new([0_u8; KEY_BYTES]);
        Hkdf::<Sha256>::new(None, key.bytes())
            .expand(b"keyholder-key-file-mac-v2", out.as_mut())
            .map_err(|_| VaultError::Refused("deriving the key-file MAC key failed".into()))?;
        Ok(Self(out))
    }

    pub fn tag(&self, message: &[u8]) -> VaultResult<[u8; 32]> {
        Ok(self.mac(message)?.finalize().into_bytes().into())
    }

    /// Constant-time comparison with a stored tag.
    pub fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        self.mac(message).map(|mac| mac.verify_slice(tag).is_ok()).unwrap_or(false)
    }

    fn mac(&self, message: &[u8]) -> VaultResult<Hmac<Sha256>> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_ref())
            .map_err(|_| VaultError::Refused("the key-file MAC key is unusable".into()))?;
        mac.update(message);
        Ok(mac)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_key_opens_only_with_the_matching_private_key_and_context() -> VaultResult<()> {
        let key = DataKey::random()?;
        let ada = SlotSecret::generate()?;
        let bob = SlotSecret::generate()?;
        let sealed = seal_data_key(&ada.public_key(), &key, b"ctx")?;
        assert_eq!(ada.open_data_key(&sealed, b"ctx").map(|k| *k.bytes()), Some(*key.bytes()));
        assert!(bob.open_data_key(&sealed, b"ctx").is_none());
        assert!(ada.open_data_key(&sealed, b"other").is_none());
        Ok(())
    }

    #[test]
    fn a_private_key_round_trips_under_its_kek_only() -> VaultResult<()> {
        let secret = SlotSecret::generate()?;
        let kek = [7_u8; KEY_BYTES];
        let sealed = secret.seal_under(&kek, b"ctx")?;
        let opened = SlotSecret::open_under(&kek, &sealed, b"ctx").map(|s| s.public_key());
        assert_eq!(opened, Some(secret.public_key()));
        assert!(SlotSecret::open_under(&[8_u8; KEY_BYTES], &sealed, b"ctx").is_none());
        Ok(())
    }

    #[test]
    fn the_mac_depends_on_the_data_key_and_every_byte() -> VaultResult<()> {
        let mac = MacKey::derive(&DataKey::random()?)?;
        let tag = mac.tag(b"slots")?;
        assert!(mac.verify(b"slots", &tag));
        assert!(!mac.verify(b"slotz", &tag));
        assert!(!MacKey::derive(&DataKey::random()?)?.verify(b"slots", &tag));
        Ok(())
    }
}
