//! Failed sign-ins, kept outside the encrypted database (which cannot be written without the
//! key) in `<vault>.attempts`. It drives the growing delay across restarts, and its entries are
//! moved into the audit log at the next successful sign-in.
//!
//! It is kept so that it cannot be used to get round the delay:
//! - an attempt is counted *before* the password is checked (and taken back if it was right),
//!   so if it cannot be written nothing is checked, and a full disk gives no free guesses;
//! - names that are not operators are counted together as "an unknown operator name" (the text
//!   is never kept: it may be a password typed in the wrong field), so the journal stays small
//!   without a cap that would stop it counting;
//! - a journal that is unreadable, or missing where this version made one, is taken as the
//!   worst case: the longest delay, from now.

use super::error::{VaultError, VaultResult};
use super::fsutil;
use crate::domain::lockout;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How many failure times are kept per name.
const MAX_LOG: usize = 100;
/// Names are operators and the three markers below, so a journal with more than this many was
/// edited by hand: it is treated as damaged (the worst case), never as a reason to stop counting.
const MAX_NAMES: usize = 1024;
/// The name under which recovery-key failures are counted.
pub const RECOVERY: &str = "(recovery key)";
/// The name under which every name that is not an operator is counted.
pub const UNKNOWN: &str = "(an unknown operator name)";
/// The name under which a damaged or missing journal is recorded (and delays everyone).
pub const DAMAGED: &str = "(the attempts journal was unreadable or missing)";
/// Failures that give the longest delay.
const WORST_CASE: u32 = lockout::FREE_FAILURES + 20;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failures {
    pub count: u32,
    pub last: Option<Timestamp>,
    pub log: Vec<Timestamp>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptsFile {
    pub by_name: BTreeMap<String, Failures>,
}

impl AttemptsFile {
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let file: Self = serde_json::from_slice(bytes).ok()?;
        let sane = file.by_name.len() <= MAX_NAMES && file.by_name.values().all(|f| f.log.len() <= MAX_LOG);
        sane.then_some(file)
    }

    fn worst_case(now: Timestamp) -> Self {
        let failures = Failures { count: WORST_CASE, last: Some(now), log: vec![now] };
        Self { by_name: BTreeMap::from([(DAMAGED.to_owned(), failures)]) }
    }

    /// The wait before `name` may try again: its own failures, and a damaged journal's.
    fn wait(&self, name: &str, now: Timestamp) -> Option<SignedDuration> {
        [name, DAMAGED]
            .iter()
            .filter_map(|n| self.by_name.get(*n))
            .filter_map(|f| lockout::retry_after(f.count, f.last?, now))
            .max()
    }

    fn count(&mut self, name: &str, now: Timestamp) {
        let entry = self.by_name.entry(name.to_owned()).or_default();
        entry.count = entry.count.saturating_add(1);
        entry.last = Some(now);
        entry.log.push(now);
        if entry.log.len() > MAX_LOG {
            let excess = entry.log.len() - MAX_LOG;
            entry.log.drain(..excess);
        }
    }

    /// Take back the failure counted for an attempt that turned out right.
    fn uncount(&mut self, name: &str) {
        let Some(entry) = self.by_name.get_mut(name) else { return };
        entry.count = entry.count.saturating_sub(1);
        entry.log.pop();
        entry.last = entry.log.last().copied();
        if entry.count == 0 {
            self.by_name.remove(name);
        }
    }
}

/// The failed-attempts journal of one vault: a file beside it, or a row on its server.
#[derive(Clone)]
pub struct Attempts {
    path: PathBuf,
    /// A server store keeps it on the server, so every desk counts the same failures.
    server: Option<super::server::Shared>,
    /// Whether this version made the journal (so its absence means it was deleted).
    must_exist: bool,
}

impl std::fmt::Debug for Attempts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attempts").field("path", &self.path).field("on_server", &self.server.is_some()).finish()
    }
}

impl Attempts {
    pub fn new(path: PathBuf, must_exist: bool) -> Self {
        Self { path, server: None, must_exist }
    }

    /// The journal of a server store.
    pub fn on_server(server: super::server::Shared) -> Self {
        Self { path: PathBuf::new(), server: Some(server), must_exist: true }
    }

    fn read(&self) -> VaultResult<Option<Vec<u8>>> {
        if let Some(server) = &self.server {
            return super::server::read_attempts(server);
        }
        match std::fs::read(&self.path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(VaultError::io("cannot read the sign-in attempts journal", &self.path, e)),
        }
    }

    /// The journal, or the worst case when it cannot be trusted (then `true`: not yet saved).
    fn load_or_replace(&self, now: Timestamp) -> VaultResult<(AttemptsFile, bool)> {
        Ok(match self.read()? {
            Some(bytes) => match AttemptsFile::parse(&bytes) {
                Some(file) => (file, false),
                None => (AttemptsFile::worst_case(now), true),
            },
            None if self.must_exist => (AttemptsFile::worst_case(now), true),
            None => (AttemptsFile::default(), false),
        })
    }

    fn load(&self, now: Timestamp) -> VaultResult<AttemptsFile> {
        Ok(self.load_or_replace(now)?.0)
    }

    fn save(&self, file: &AttemptsFile) -> VaultResult<()> {
        let bytes = serde_json::to_vec(file).map_err(|e| VaultError::Refused(e.to_string()))?;
        if let Some(server) = &self.server {
            return super::server::save_attempts(server, &bytes)
                .map_err(|error| VaultError::CannotCountAttempt(Box::new(error)));
        }
        fsutil::write_atomic(&self.path, &bytes).map_err(|error| VaultError::CannotCountAttempt(Box::new(error)))
    }

    /// Refuse while the delay after earlier failures has not passed; otherwise count this
    /// attempt as failed until [`Attempts::succeeded`] takes it back. If it cannot be counted,
    /// nothing is checked. A damaged journal is replaced by the worst case here, so its delay
    /// runs from the first time it was noticed.
    pub fn begin(&self, name: &str, now: Timestamp) -> VaultResult<()> {
        let (mut file, replaced) = self.load_or_replace(now)?;
        if replaced {
            self.save(&file)?;
        }
        if let Some(wait) = file.wait(name, now) {
            return Err(VaultError::TooManyAttempts { retry_in_secs: ceil_secs(wait) });
        }
        file.count(name, now);
        self.save(&file)
    }

    /// The attempt begun for `name` was right: it is not a failure.
    pub fn succeeded(&self, name: &str, now: Timestamp) -> VaultResult<()> {
        let mut file = self.load(now)?;
        file.uncount(name);
        self.save(&file)
    }

    /// Refuse while the delay after earlier failures of `name` has not passed.
    pub fn check(&self, name: &str, now: Timestamp) -> VaultResult<()> {
        match self.load(now)?.wait(name, now) {
            Some(wait) => Err(VaultError::TooManyAttempts { retry_in_secs: ceil_secs(wait) }),
            None => Ok(()),
        }
    }

    /// Count a failure that was not begun with [`Attempts::begin`] (a wrong second step).
    pub fn record_failure(&self, name: &str, now: Timestamp) -> VaultResult<()> {
        let mut file = self.load(now)?;
        file.count(name, now);
        self.save(&file)
    }

    /// Every recorded failure, by the name that was tried.
    pub fn pending(&self, now: Timestamp) -> VaultResult<BTreeMap<String, Failures>> {
        Ok(self.load(now)?.by_name)
    }

    /// Forget the failures that were moved into the audit log. The journal stays, empty, so
    /// that deleting it can be noticed.
    pub fn clear(&self) -> VaultResult<()> {
        // The usual sign-in has nothing to forget: a journal that already reads as empty is
        // not written (and synced) again.
        let empty = self.read().ok().flatten().and_then(|bytes| AttemptsFile::parse(&bytes));
        if empty.is_some_and(|file| file == AttemptsFile::default()) {
            return Ok(());
        }
        self.save(&AttemptsFile::default())
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

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + second).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// A journal as a new vault has it: present and empty.
    fn journal(dir: &tempfile::TempDir, must_exist: bool) -> Attempts {
        let journal = Attempts::new(dir.path().join("v.attempts"), must_exist);
        if must_exist && !journal.path().exists() {
            journal.clear().unwrap_or_else(|e| panic!("{e}"));
        }
        journal
    }

    fn failed(journal: &Attempts, name: &str, now: Timestamp) -> VaultResult<()> {
        journal.begin(name, now)
    }

    #[test]
    fn failures_survive_a_new_journal_object_and_delay_grows() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::io("tempdir", ".", e))?;
        for _ in 0..3 {
            failed(&journal(&dir, true), "ada", at(0))?;
        }
        let journal = journal(&dir, true);
        assert!(matches!(journal.check("ada", at(0)), Err(VaultError::TooManyAttempts { retry_in_secs: 5 })));
        assert!(journal.check("bob", at(0)).is_ok());
        assert!(journal.check("ada", at(5)).is_ok());
        assert_eq!(journal.pending(at(5))?.get("ada").map(|f| f.log.len()), Some(3));
        journal.clear()?;
        assert!(journal.pending(at(5))?.is_empty());
        Ok(())
    }

    #[test]
    fn clearing_leaves_an_empty_journal_whatever_was_there() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::io("tempdir", ".", e))?;
        let journal = journal(&dir, true);
        let read = |journal: &Attempts| std::fs::read(journal.path()).map_err(|e| VaultError::io("read", ".", e));
        let empty = read(&journal)?;
        journal.clear()?;
        assert_eq!(read(&journal)?, empty, "already empty: left as it is");
        std::fs::write(journal.path(), b"{ not json").map_err(|e| VaultError::io("write", journal.path(), e))?;
        journal.clear()?;
        assert_eq!(read(&journal)?, empty, "garbled: written empty");
        std::fs::remove_file(journal.path()).map_err(|e| VaultError::io("remove", journal.path(), e))?;
        journal.clear()?;
        assert_eq!(read(&journal)?, empty, "deleted: written empty");
        Ok(())
    }

    #[test]
    fn a_right_password_is_not_left_counted() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::io("tempdir", ".", e))?;
        let journal = journal(&dir, true);
        failed(&journal, "ada", at(0))?;
        journal.begin("ada", at(1))?;
        journal.succeeded("ada", at(1))?;
        let pending = journal.pending(at(1))?;
        assert_eq!(pending.get("ada").map(|f| (f.count, f.last)), Some((1, Some(at(0)))));
        Ok(())
    }

    #[test]
    fn many_names_never_stop_the_counting() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::io("tempdir", ".", e))?;
        let journal = journal(&dir, true);
        let mut file = AttemptsFile::default();
        for i in 0..200 {
            file.count(&format!("name {i}"), at(0));
        }
        journal.save(&file)?;
        for _ in 0..3 {
            journal.record_failure("ada", at(0))?;
        }
        assert!(matches!(journal.check("ada", at(1)), Err(VaultError::TooManyAttempts { .. })));
        // A journal stuffed past any real office's size counts as damaged: the longest delay.
        for i in 0..=MAX_NAMES {
            file.count(&format!("name {i}"), at(0));
        }
        journal.save(&file)?;
        assert!(matches!(journal.begin("bob", at(1)), Err(VaultError::TooManyAttempts { retry_in_secs: 900 })));
        Ok(())
    }

    #[test]
    fn a_garbled_or_deleted_journal_is_the_worst_case_from_now() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::io("tempdir", ".", e))?;
        let journal = journal(&dir, true);
        std::fs::write(journal.path(), b"{ not json").map_err(|e| VaultError::io("write", journal.path(), e))?;
        assert!(matches!(journal.begin("ada", at(0)), Err(VaultError::TooManyAttempts { retry_in_secs: 900 })));
        // The worst case was written down, so the wait does not restart at every look.
        assert!(matches!(journal.check("ada", at(600)), Err(VaultError::TooManyAttempts { retry_in_secs: 300 })));
        assert!(journal.begin("ada", at(900)).is_ok());
        std::fs::remove_file(journal.path()).map_err(|e| VaultError::io("remove", journal.path(), e))?;
        assert!(matches!(journal.begin("ada", at(1000)), Err(VaultError::TooManyAttempts { .. })));
        // A vault made before this version had no journal: its absence is not suspicious.
        let old = Attempts::new(dir.path().join("old.attempts"), false);
        assert!(old.begin("ada", at(0)).is_ok());
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn an_attempt_that_cannot_be_counted_is_not_checked() -> VaultResult<()> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().map_err(|e| VaultError::io("tempdir", ".", e))?;
        let journal = journal(&dir, false);
        let folder = dir.path();
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o500))
            .map_err(|e| VaultError::io("chmod", folder, e))?;
        let result = journal.begin("ada", at(0));
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| VaultError::io("chmod", folder, e))?;
        // Root ignores folder permissions; then the write simply succeeds.
        if !is_root() {
            assert!(matches!(result, Err(VaultError::CannotCountAttempt(_))), "{result:?}");
        }
        Ok(())
    }

    fn is_root() -> bool {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() == 0 }
    }
}
