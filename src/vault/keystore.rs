//! "Remember on this computer": a random key kept in the OS keyring that opens one key slot.
//! The keyring sits behind [`SecretStore`] so tests use [`MemoryStore`] and never the real one.

use super::error::{VaultError, VaultResult};
use zeroize::Zeroizing;

/// Where "remembered" keys are kept.
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> VaultResult<Option<Zeroizing<Vec<u8>>>>;
    fn set(&self, account: &str, secret: &[u8]) -> VaultResult<()>;
    fn delete(&self, account: &str) -> VaultResult<()>;
}

/// The operating system's keyring (Secret Service, Keychain, Credential Manager).
pub struct OsKeyring;

const SERVICE: &str = "Keyholder";

fn entry(account: &str) -> VaultResult<keyring::Entry> {
    keyring::Entry::new(SERVICE, account).map_err(describe)
}

/// Keyring errors can carry the stored bytes; describe them without any payload.
fn describe(error: keyring::Error) -> VaultError {
    use keyring::Error as E;
    let reason = match error {
        E::NoStorageAccess(_) => "no keyring service is reachable or it is locked",
        E::PlatformFailure(_) => "the keyring service failed",
        E::NoEntry => "no entry",
        E::BadEncoding(_) | E::BadDataFormat(..) | E::BadStoreFormat(_) => "the keyring entry is unreadable",
        _ => "the keyring refused the request",
    };
    VaultError::Keyring(reason.to_owned())
}

impl SecretStore for OsKeyring {
    fn get(&self, account: &str) -> VaultResult<Option<Zeroizing<Vec<u8>>>> {
        match entry(account)?.get_secret() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(describe(e)),
        }
    }

    fn set(&self, account: &str, secret: &[u8]) -> VaultResult<()> {
        entry(account)?.set_secret(secret).map_err(describe)
    }

    fn delete(&self, account: &str) -> VaultResult<()> {
        match entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(describe(e)),
        }
    }
}

#[cfg(any(test, feature = "test-support"))]
/// An in-memory keyring for tests.
#[derive(Default)]
pub struct MemoryStore {
    entries: std::sync::Mutex<std::collections::HashMap<String, Zeroizing<Vec<u8>>>>,
}

#[cfg(any(test, feature = "test-support"))]
impl MemoryStore {
    fn entries(&self) -> VaultResult<std::sync::MutexGuard<'_, std::collections::HashMap<String, Zeroizing<Vec<u8>>>>> {
        self.entries.lock().map_err(|_| VaultError::Keyring("the in-memory keyring was poisoned".into()))
    }

    pub fn len(&self) -> usize {
        self.entries().map(|e| e.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(any(test, feature = "test-support"))]
impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> VaultResult<Option<Zeroizing<Vec<u8>>>> {
        Ok(self.entries()?.get(account).cloned())
    }

    fn set(&self, account: &str, secret: &[u8]) -> VaultResult<()> {
        self.entries()?.insert(account.to_owned(), Zeroizing::new(secret.to_vec()));
        Ok(())
    }

    fn delete(&self, account: &str) -> VaultResult<()> {
        self.entries()?.remove(account);
        Ok(())
    }
}

/// A keyring that is never reachable, to show how the app behaves without one.
pub struct UnavailableStore;

impl SecretStore for UnavailableStore {
    fn get(&self, _: &str) -> VaultResult<Option<Zeroizing<Vec<u8>>>> {
        Err(VaultError::Keyring("no keyring service is reachable".into()))
    }
    fn set(&self, _: &str, _: &[u8]) -> VaultResult<()> {
        Err(VaultError::Keyring("no keyring service is reachable".into()))
    }
    fn delete(&self, _: &str) -> VaultResult<()> {
        Err(VaultError::Keyring("no keyring service is reachable".into()))
    }
}
