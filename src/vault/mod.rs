//! The encrypted vault: one SQLCipher database opened with a random data key, a key-slot file
//! beside it that seals that key for each way in, a process lock and a failed-attempts journal.
//!
//! Files for a vault at `office.khv`: `office.khv` (database, plus SQLite's `-wal`/`-shm`),
//! `office.khv.keys` (key slots), `office.khv.lock` (who has it open) and
//! `office.khv.attempts` (failed sign-ins not yet in the audit log).

pub mod attempts;
pub mod audit_log;
pub mod authenticators;
pub mod backup;
pub mod checklists;
mod columns;
pub mod crypto;
pub mod db;
pub mod directory;
pub mod envelope;
pub mod error;
pub mod filesystem;
pub mod fsutil;
pub mod handle;
pub mod incidents;
mod keys;
pub mod keystore;
pub mod linked_directories;
pub mod lockfile;
pub mod on_server;
pub mod operators;
mod paths;
pub mod personal;
pub mod policies;
pub mod purge;
pub mod rekey;
pub mod reviews;
pub mod schema;
pub mod secrets;
pub mod server;
pub mod settings;
pub mod slots;
pub mod staff_bulk;
pub mod system_edits;
mod unlock;

use crate::domain::audit::AuditEvent;
use crate::domain::operator::OperatorName;
use crate::domain::recovery_key;
use attempts::Attempts;
use crypto::{DataKey, KdfParams};
pub use error::{VaultError, VaultResult};
use jiff::Timestamp;
use keystore::SecretStore;
use lockfile::ProcessLock;
pub use paths::VaultPaths;
use rusqlite::Connection;
use slots::{Generation, SlotFile};
use std::path::Path;
use zeroize::Zeroizing;

/// How an operator proves who they are.
pub enum Credential<'a> {
    Password { operator: &'a OperatorName, password: &'a [u8] },
    Keyring { operator: &'a OperatorName, store: &'a dyn SecretStore },
    RecoveryKey { key: &'a str },
}

impl Credential<'_> {
    pub(super) fn operator(&self) -> Option<&OperatorName> {
        match self {
            Self::Password { operator, .. } | Self::Keyring { operator, .. } => Some(operator),
            Self::RecoveryKey { .. } => None,
        }
    }
}

/// An open vault. Holds the data key until dropped (then it is wiped).
pub struct Vault {
    paths: VaultPaths,
    conn: Connection,
    key: DataKey,
    slots: SlotFile,
    /// What was found wrong with the key file at sign-in (altered slots); while there is
    /// anything, the key file is not rewritten, so the evidence stays.
    key_file_problems: Vec<String>,
    /// On a read-only medium: opened for reading, no lock file, nothing written.
    read_only: bool,
    _lock: Option<ProcessLock>,
    /// The record's server, when it is kept on one (`conn` is then its local copy in memory).
    server: Option<server::ServerStore>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("paths", &self.paths).finish_non_exhaustive()
    }
}

/// A new vault and the recovery key to show once.
pub struct Created {
    pub vault: Vault,
    pub recovery_key: Zeroizing<String>,
}

impl Vault {
    /// Create a new vault with its first operator. On any failure, nothing is left behind.
    pub fn create(
        paths: &VaultPaths,
        operator: &OperatorName,
        password: &[u8],
        kdf: KdfParams,
        now: Timestamp,
    ) -> VaultResult<Created> {
        let kdf = kdf.checked()?;
        if let Some(address) = paths.server_address() {
            return Self::create_on_server(paths, address, operator, password, kdf, now, schema::VERSION);
        }
        paths.prepare_new()?;
        filesystem::check_local(&paths.database)?;
        let lock = ProcessLock::acquire(&paths.lock)?;
        let result = Self::create_files(paths, operator, password, kdf, now, lock);
        if result.is_err() {
            paths.remove_unfinished();
        }
        result
    }

    fn create_files(
        paths: &VaultPaths,
        operator: &OperatorName,
        password: &[u8],
        kdf: KdfParams,
        now: Timestamp,
        lock: ProcessLock,
    ) -> VaultResult<Created> {
        let key = DataKey::random()?;
        let recovery_bytes = crypto::random_secret(recovery_key::RECOVERY_KEY_BYTES)?;
        let recovery_text = recovery_key::format(recovery_array(&recovery_bytes)?);
        let mut slots = SlotFile::new()?;
        slots.set_password(&key, operator, password, kdf)?;
        slots.set_recovery(&key, recovery_bytes.as_ref(), KdfParams::FLOOR)?;

        drop(fsutil::create_private(&paths.database)?);
        let mut conn = db::open(&paths.database, &key, true)?;
        first_records(&mut conn, schema::VERSION, &slots.vault_id, operator, now)?;
        let (changes, hash) = audit_log::head(&conn)?;
        slots.generation = Generation::new(changes, &hash);
        slots.authenticate(&key)?;
        slots.save(&paths.slots)?;
        Attempts::new(paths.attempts.clone(), true).clear()?;
        fsutil::sync_parent(&paths.database)?;
        let vault = Self {
            paths: paths.clone(),
            conn,
            key,
            slots,
            key_file_problems: Vec::new(),
            read_only: false,
            _lock: Some(lock),
            server: None,
        };
        Ok(Created { vault, recovery_key: recovery_text })
    }

    /// Open the vault. A wrong credential changes no vault file; it is only counted in the
    /// attempts journal (counted before the check, and taken back when it was right).
    pub fn unlock(paths: &VaultPaths, credential: Credential<'_>, now: Timestamp) -> VaultResult<Self> {
        if let Some(address) = paths.server_address() {
            return Self::unlock_on_server(paths, address, credential, now);
        }
        paths.check_database_file()?;
        if filesystem::is_read_only_medium(&paths.database) {
            return Self::unlock_read_only(paths, credential, now);
        }
        let slots = SlotFile::load(&paths.slots)?;
        let journal = Attempts::new(paths.attempts.clone(), slots.is_authenticated());
        let key = unlock::open_key(&slots, &credential, &journal, unlock::Counting::Count, now)?;
        let lock = ProcessLock::acquire(&paths.lock)?;
        fsutil::remove_stale_temp_files(&paths.slots);
        let (mut conn, slots, key) = unlock::open_database(paths, slots, key, &credential)?;
        let key_file_problems = unlock::check_opened(&conn, &slots, &key, &credential)?;
        schema::migrate(&mut conn)?;
        let mut vault = Self {
            paths: paths.clone(),
            conn,
            key,
            slots,
            key_file_problems,
            read_only: false,
            _lock: Some(lock),
            server: None,
        };
        vault.upgrade_key_file(&credential)?;
        Ok(vault)
    }

    /// Open a vault on a read-only medium for reading. Nothing can be written there: not the
    /// lock file, not the attempts journal (earlier delays still apply, new failures cannot be
    /// counted — someone holding the medium could copy it and guess offline anyway), not the
    /// audit log; every change is refused with [`VaultError::ReadOnlyMedium`].
    fn unlock_read_only(paths: &VaultPaths, credential: Credential<'_>, now: Timestamp) -> VaultResult<Self> {
        let slots = SlotFile::load(&paths.slots)?;
        let journal = Attempts::new(paths.attempts.clone(), false);
        let key = unlock::open_key(&slots, &credential, &journal, unlock::Counting::CheckOnly, now)?;
        if paths.slots_next().exists() {
            return Err(VaultError::CannotOpen(
                "a change of its key was interrupted and can only be finished on a writable medium".into(),
            ));
        }
        let conn = db::open_read_only(&paths.database, &key)?;
        if schema::version(&conn)? != schema::VERSION {
            return Err(VaultError::CannotOpen(
                "it was made by another version of Keyholder and must be upgraded, which needs a writable medium"
                    .into(),
            ));
        }
        let key_file_problems = unlock::check_opened(&conn, &slots, &key, &credential)?;
        Ok(Self {
            paths: paths.clone(),
            conn,
            key,
            slots,
            key_file_problems,
            read_only: true,
            _lock: None,
            server: None,
        })
    }

    /// Whether the vault was opened for reading only (it is on a read-only medium).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn refuse_if_read_only(&self) -> VaultResult<()> {
        if self.read_only { Err(VaultError::ReadOnlyMedium) } else { Ok(()) }
    }

    pub fn paths(&self) -> &VaultPaths {
        &self.paths
    }

    pub(in crate::vault) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Read the office record through the repository functions.
    pub fn read(&self) -> handle::Read<'_> {
        handle::Read(&self.conn)
    }

    pub fn slots(&self) -> &SlotFile {
        &self.slots
    }

    pub(crate) fn data_key(&self) -> &DataKey {
        &self.key
    }

    /// Failed sign-ins recorded since the last success, to be moved into the audit log.
    pub fn pending_failures(
        &self,
        now: Timestamp,
    ) -> VaultResult<std::collections::BTreeMap<String, attempts::Failures>> {
        self.journal().pending(now)
    }

    fn journal(&self) -> Attempts {
        match &self.server {
            Some(server) => Attempts::on_server(server.client()),
            None => Attempts::new(self.paths.attempts.clone(), true),
        }
    }

    /// Refuse while the delay after earlier failed sign-ins of `name` has not passed.
    pub fn check_attempts(&self, name: &str, now: Timestamp) -> VaultResult<()> {
        self.journal().check(name, now)
    }

    /// Count a failed second step of sign-in like a wrong password.
    pub fn record_failure(&self, name: &str, now: Timestamp) -> VaultResult<()> {
        self.journal().record_failure(name, now)
    }

    pub fn clear_failures(&self) -> VaultResult<()> {
        self.journal().clear()
    }

    /// Run `work` in one transaction and record `event` in the audit log within it.
    pub fn write<T>(
        &mut self,
        operator: &str,
        now: Timestamp,
        event: AuditEvent,
        work: impl FnOnce(&handle::Write<'_>) -> VaultResult<T>,
    ) -> VaultResult<T> {
        self.write_with(operator, now, work, |_| event)
    }

    /// Like [`Vault::write`], with the audit event built from the work's result (a new id).
    pub fn write_with<T>(
        &mut self,
        operator: &str,
        now: Timestamp,
        work: impl FnOnce(&handle::Write<'_>) -> VaultResult<T>,
        event: impl FnOnce(&T) -> AuditEvent,
    ) -> VaultResult<T> {
        self.refuse_if_read_only()?;
        if let Some(server) = &mut self.server {
            server.pull(&mut self.conn)?;
        }
        let tx = self.conn.transaction()?;
        let write = handle::Write::new(&tx);
        let value = work(&write)?;
        audit_log::append(&write, operator, now, &event(&value))?;
        if let Some(server) = &mut self.server {
            server.push(&tx, operator, now)?;
        }
        commit_after_push(tx, self.server.as_mut())?;
        // The change is committed whatever happens next. A key file that lags behind only
        // notices a rollback less precisely; it catches up at the next write or at lock.
        if let Err(error) = self.sync_generation() {
            tracing::warn!("the key file's generation was not updated: {error}");
        }
        Ok(value)
    }

    /// A change that is bookkeeping, not an event of its own (the step of the code that just
    /// signed an operator in, so it cannot be replayed): one transaction, no audit record.
    pub fn write_bookkeeping<T>(
        &mut self,
        operator: &str,
        now: Timestamp,
        work: impl FnOnce(&handle::Write<'_>) -> VaultResult<T>,
    ) -> VaultResult<T> {
        self.refuse_if_read_only()?;
        if let Some(server) = &mut self.server {
            server.pull(&mut self.conn)?;
        }
        let tx = self.conn.transaction()?;
        let value = work(&handle::Write::new(&tx))?;
        if let Some(server) = &mut self.server {
            server.push(&tx, operator, now)?;
        }
        commit_after_push(tx, self.server.as_mut())?;
        Ok(value)
    }

    /// Copy the write-ahead log into the database and empty it, so earlier versions of changed
    /// pages (a purged person's details) are not left in it.
    pub fn checkpoint(&self) -> VaultResult<()> {
        self.refuse_if_read_only()?;
        if let Some(server) = &self.server {
            return server.vacuum();
        }
        db::run_pragma(&self.conn, "PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// Check the database pages (SQLCipher HMACs), SQLite's structure and the audit chain.
    /// Returns the problems found; empty means healthy.
    pub fn verify(&self) -> VaultResult<Vec<String>> {
        let mut problems = self.key_file_problems.clone();
        if let Some(server) = &self.server {
            problems.extend(server.problems().iter().cloned());
            for problem in server.check_server()? {
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
            }
        }
        let mut collect = |sql: &str, ok_word: Option<&str>| -> VaultResult<()> {
            let mut statement = self.conn.prepare(sql)?;
            let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
            for row in rows {
                let line = row?;
                if ok_word != Some(line.as_str()) {
                    problems.push(line);
                }
            }
            Ok(())
        };
        // On a server, each row's seal does what the pages' HMACs do for the file.
        if self.server.is_none() {
            collect("PRAGMA cipher_integrity_check", None)?;
        }
        collect("PRAGMA integrity_check", Some("ok"))?;
        if let Err(broken) = audit_log::verify(&self.conn)? {
            problems.push(broken.to_string());
        }
        problems.extend(reviews::tally_problems(&self.read())?);
        Ok(problems)
    }
}

impl Drop for Vault {
    fn drop(&mut self) {
        if let Some(server) = &self.server
            && let Err(error) = server.save_cache(&self.conn)
        {
            tracing::warn!("this desk's copy of the record was not saved; the next sign-in loads it whole: {error}");
        }
        // Best effort: a failure here only makes rollback detection less precise.
        if let Err(error) = self.sync_generation() {
            tracing::warn!("the key file's generation was not updated at close: {error}");
        }
    }
}

fn settings_meta(conn: &Connection, key: &str) -> VaultResult<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| row.get(0)).optional()?)
}

/// Commit the local copy's transaction once the server has the change. Should that fail, the
/// server is ahead of this desk's copy: the copy is not kept for the next sign-in.
fn commit_after_push(tx: rusqlite::Transaction<'_>, server: Option<&mut server::ServerStore>) -> VaultResult<()> {
    let committed = tx.commit();
    if committed.is_err()
        && let Some(server) = server
    {
        server.forget_copy();
    }
    Ok(committed?)
}

/// The first records of a new vault's database: its id, when it was made, its first operator.
fn first_records(
    conn: &mut Connection,
    schema_version: i64,
    vault_id: &str,
    operator: &OperatorName,
    now: Timestamp,
) -> VaultResult<()> {
    schema::migrate_to(conn, schema_version)?;
    let tx = conn.transaction()?;
    tx.execute("INSERT INTO meta (key, value) VALUES ('vault_id', ?1)", [vault_id])?;
    tx.execute("INSERT INTO meta (key, value) VALUES ('created_at', ?1)", [now.to_string()])?;
    let write = handle::Write::new(&tx);
    operators::insert(&write, operator, now)?;
    audit_log::append(
        &write,
        operator.as_str(),
        now,
        &AuditEvent::new("vault.create", format!("vault created with first operator {operator}")),
    )?;
    tx.commit()?;
    Ok(())
}

/// The recovery key's bytes as the fixed-size array its formatter takes (a reference, no copy).
pub fn recovery_array(bytes: &[u8]) -> VaultResult<&[u8; recovery_key::RECOVERY_KEY_BYTES]> {
    bytes.try_into().map_err(|_| VaultError::Refused("a recovery key has the wrong length".into()))
}

/// Whether a path looks like a vault (database and key file both present).
pub fn is_vault(path: &Path) -> bool {
    let paths = VaultPaths::new(path);
    if paths.server_address().is_some() {
        return true;
    }
    paths.database.exists() && paths.slots.exists()
}
