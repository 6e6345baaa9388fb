//! Failed sign-ins, kept outside the encrypted database (which cannot be written without the
//! key) in `<vault>.attempts`. It drives the growing delay across restarts, and its entries are
//! moved into the audit log at the next successful sign-in.

use super::error::{VaultError, VaultResult};
use super::fsutil;
use crate::domain::lockout;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How many failure times are kept per name, and how many names.
const MAX_LOG: usize = 100;
const MAX_NAMES: usize = 200;
/// The name under which recovery-key failures are counted.
pub const RECOVERY: &str = "(recovery key)";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failures {
    pub count: u32,
    pub last: Option<Timestamp>,
    pub log: Vec<Timestamp>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct AttemptsFile {
    by_name: BTreeMap<String, Failures>,
}

/// The failed-attempts journal of one vault.
#[derive(Debug, Clone)]
pub struct Attempts {
    path: PathBuf,
}

impl Attempts {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    fn load(&self) -> AttemptsFile {
        // An unreadable journal must not lock people out; it starts again empty.
        std::fs::read(&self.path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
    }

    fn save(&self, file: &AttemptsFile) -> VaultResult<()> {
        let bytes = serde_json::to_vec(file).map_err(|e| VaultError::Refused(e.to_string()))?;
        fsutil::write_atomic(&self.path, &bytes)
    }

    /// Refuse while the delay after earlier failures has not passed.
    pub fn check(&self, name: &str, now: Timestamp) -> VaultResult<()> {
        let file = self.load();
        let Some(failures) = file.by_name.get(name) else {
            return Ok(());
        };
        let Some(last) = failures.last else {
            return Ok(());
        };
        match lockout::retry_after(failures.count, last, now) {
            Some(wait) => Err(VaultError::TooManyAttempts { retry_in_secs: ceil_secs(wait) }),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, name: &str, now: Timestamp) -> VaultResult<()> {
        let mut file = self.load();
        if !file.by_name.contains_key(name) && file.by_name.len() >= MAX_NAMES {
            return Ok(());
        }
        let entry = file.by_name.entry(name.to_owned()).or_default();
        entry.count = entry.count.saturating_add(1);
        entry.last = Some(now);
        entry.log.push(now);
        if entry.log.len() > MAX_LOG {
            let excess = entry.log.len() - MAX_LOG;
            entry.log.drain(..excess);
        }
        self.save(&file)
    }

    /// Every recorded failure, by the name that was tried.
    pub fn pending(&self) -> BTreeMap<String, Failures> {
        self.load().by_name
    }

    /// Forget the failures that were moved into the audit log.
    pub fn clear(&self) -> VaultResult<()> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => fsutil::sync_parent(&self.path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(VaultError::io("cannot remove", &self.path, e)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn ceil_secs(wait: SignedDuration) -> i64 {
    let secs = wait.as_secs();
    if wait.subsec_nanos() > 0 { secs + 1 } else { secs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_survive_a_new_journal_object_and_delay_grows() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::io("tempdir", ".", e))?;
        let path = dir.path().join("v.attempts");
        let t0 = Timestamp::from_second(1_800_000_000).map_err(|e| VaultError::Refused(e.to_string()))?;
        for _ in 0..3 {
            Attempts::new(path.clone()).record_failure("ada", t0)?;
        }
        // A "restart": a fresh object reads the same file.
        let journal = Attempts::new(path.clone());
        assert!(matches!(journal.check("ada", t0), Err(VaultError::TooManyAttempts { retry_in_secs: 5 })));
        assert!(journal.check("bob", t0).is_ok());
        let later = t0.checked_add(SignedDuration::from_secs(5)).map_err(|e| VaultError::Refused(e.to_string()))?;
        assert!(journal.check("ada", later).is_ok());
        assert_eq!(journal.pending().get("ada").map(|f| f.log.len()), Some(3));
        journal.clear()?;
        assert!(journal.pending().is_empty());
        Ok(())
    }
}
