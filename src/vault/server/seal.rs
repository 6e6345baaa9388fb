//! What the server is given instead of the office's data: each row sealed with
//! XChaCha20-Poly1305 under a key derived from the data key, bound to its table, its row id and
//! its version (so a value cannot be moved to another row, nor an older copy put back
//! unnoticed); row ids and email lookups are keyed hashes; a keyed set hash of every live row
//! lets a deleted or restored row be noticed.

use super::super::crypto::{DataKey, KEY_BYTES, NONCE_BYTES, random_array};
use super::super::error::{VaultError, VaultResult};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

/// The keys the server store uses, each derived from the data key for one purpose.
pub(super) struct RowKeys {
    seal: Zeroizing<[u8; KEY_BYTES]>,
    row_id: Zeroizing<[u8; KEY_BYTES]>,
    digest: Zeroizing<[u8; KEY_BYTES]>,
    lookup: Zeroizing<[u8; KEY_BYTES]>,
}

fn derive(key: &DataKey, purpose: &str) -> VaultResult<Zeroizing<[u8; KEY_BYTES]>> {
    let hkdf = hkdf::Hkdf::<Sha256>::new(Some(b"keyholder server store v1"), key.bytes());
    let mut out = Zeroizing::new([0u8; KEY_BYTES]);
    hkdf.expand(purpose.as_bytes(), out.as_mut_slice())
        .map_err(|_| VaultError::Refused("key derivation failed".into()))?;
    Ok(out)
}

fn mac(key: &[u8; KEY_BYTES], parts: &[&[u8]]) -> VaultResult<[u8; 32]> {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).map_err(|_| VaultError::Refused("HMAC key".into()))?;
    for part in parts {
        mac.update(&(part.len() as u64).to_le_bytes());
        mac.update(part);
    }
    Ok(mac.finalize().into_bytes().into())
}

impl RowKeys {
    pub fn new(key: &DataKey) -> VaultResult<Self> {
        Ok(Self {
            seal: derive(key, "row contents")?,
            row_id: derive(key, "row ids")?,
            digest: derive(key, "set of live rows")?,
            lookup: derive(key, "email lookups")?,
        })
    }

    /// A copy of the same keys (the record sealed again under the same data key).
    pub fn from_same(other: &Self) -> Self {
        Self {
            seal: other.seal.clone(),
            row_id: other.row_id.clone(),
            digest: other.digest.clone(),
            lookup: other.lookup.clone(),
        }
    }

    /// The id the server knows a row by: says nothing of its key (which may be a name).
    pub fn row_id(&self, encoded_key: &[u8]) -> VaultResult<String> {
        Ok(hex::encode(&mac(&self.row_id, &[encoded_key])?[..16]))
    }

    /// The keyed hash of an email address, for lookups and uniqueness on the server.
    pub fn email_lookup(&self, email: &str) -> VaultResult<Vec<u8>> {
        let normal: String = email.trim().to_lowercase();
        Ok(mac(&self.lookup, &[b"email", normal.as_bytes()])?.to_vec())
    }

    /// One live row's part of the set hash.
    pub fn element(&self, table: &str, row_id: &str, version: i64) -> VaultResult<[u8; 32]> {
        mac(&self.digest, &[table.as_bytes(), row_id.as_bytes(), &version.to_le_bytes()])
    }

    fn context(table: &str, row_id: &str, version: i64) -> Vec<u8> {
        let mut context = b"keyholder-row-v1\0".to_vec();
        context.extend_from_slice(table.as_bytes());
        context.push(0);
        context.extend_from_slice(row_id.as_bytes());
        context.push(0);
        context.extend_from_slice(&version.to_le_bytes());
        context
    }

    /// `nonce || ciphertext` of a row's bytes.
    pub fn seal(&self, table: &str, row_id: &str, version: i64, plain: &[u8]) -> VaultResult<Vec<u8>> {
        let cipher = XChaCha20Poly1305::new(Key::from_slice(self.seal.as_slice()));
        let nonce: [u8; NONCE_BYTES] = random_array()?;
        let context = Self::context(table, row_id, version);
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad: &context })
            .map_err(|_| VaultError::Refused("sealing a row failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The row's bytes, or `None` when the value was altered, moved or made with another key.
    pub fn open(&self, table: &str, row_id: &str, version: i64, body: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if body.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, sealed) = body.split_at(NONCE_BYTES);
        let cipher = XChaCha20Poly1305::new(Key::from_slice(self.seal.as_slice()));
        let context = Self::context(table, row_id, version);
        cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: &context }).ok().map(Zeroizing::new)
    }
}

/// XOR `element` into the set hash (in and out are the same step).
pub(super) fn toggle(digest: &mut [u8; 32], element: &[u8; 32]) {
    for (d, e) in digest.iter_mut().zip(element) {
        *d ^= e;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_opens_only_as_itself_at_its_version() {
        let keys = RowKeys::new(&DataKey::random().unwrap()).unwrap();
        let body = keys.seal("staff", "ab", 3, b"Ana Lopez").unwrap();
        assert_eq!(keys.open("staff", "ab", 3, &body).as_deref().map(Vec::as_slice), Some(&b"Ana Lopez"[..]));
        assert!(keys.open("staff", "ac", 3, &body).is_none(), "moved to another row");
        assert!(keys.open("secrets", "ab", 3, &body).is_none(), "moved to another table");
        assert!(keys.open("staff", "ab", 2, &body).is_none(), "put back as an older version");
        let mut flipped = body.clone();
        if let Some(last) = flipped.last_mut() {
            *last ^= 1;
        }
        assert!(keys.open("staff", "ab", 3, &flipped).is_none(), "altered");
        let other = RowKeys::new(&DataKey::random().unwrap()).unwrap();
        assert!(other.open("staff", "ab", 3, &body).is_none(), "another office's key");
    }

    #[test]
    fn lookups_ignore_case_and_ids_reveal_nothing_of_the_key() {
        let keys = RowKeys::new(&DataKey::random().unwrap()).unwrap();
        assert_eq!(keys.email_lookup("Ana@Example.org").unwrap(), keys.email_lookup(" ana@example.org").unwrap());
        assert_ne!(keys.email_lookup("ana@example.org").unwrap(), keys.email_lookup("ann@example.org").unwrap());
        let id = keys.row_id(b"staff\0ana").unwrap();
        assert_eq!(id.len(), 32);
        assert!(!id.contains("ana"));
        let mut digest = [0u8; 32];
        let element = keys.element("staff", &id, 1).unwrap();
        toggle(&mut digest, &element);
        toggle(&mut digest, &element);
        assert_eq!(digest, [0u8; 32]);
    }
}
