//! The steps of opening a vault: counting the attempt, opening the data key with the
//! credential, finishing an interrupted change of key, and refusing an older database.

use super::attempts::{self, Attempts};
use super::crypto::DataKey;
use super::error::{VaultError, VaultResult};
use super::slots::{Generation, SlotFile};
use super::{Credential, VaultPaths, audit_log, db, fsutil};
use crate::domain::recovery_key;
use jiff::Timestamp;
use rusqlite::Connection;

/// How a sign-in attempt is kept in the journal.
pub(super) enum Counting {
    /// Counted before the check, taken back when right (a writable vault).
    Count,
    /// Only earlier delays apply: nothing can be written (a read-only medium).
    CheckOnly,
}

/// Under which name a credential's attempts are counted (none for a remembered key), and the
/// error a wrong one gives.
fn journal_name<'a>(slots: &SlotFile, credential: &'a Credential<'_>) -> (Option<&'a str>, VaultError) {
    match credential {
        Credential::Password { operator, .. } if slots.has_operator(operator) => {
            (Some(operator.as_str()), VaultError::WrongPassword)
        }
        Credential::Password { .. } => (Some(attempts::UNKNOWN), VaultError::WrongPassword),
        Credential::RecoveryKey { .. } => (Some(attempts::RECOVERY), VaultError::WrongRecoveryKey),
        Credential::Keyring { operator, .. } => (None, VaultError::NotRemembered(operator.to_string())),
    }
}

/// Open the data key with the credential, after the journal's delay; with [`Counting::Count`]
/// the attempt is counted first.
pub(super) fn open_key(
    slots: &SlotFile,
    credential: &Credential<'_>,
    journal: &Attempts,
    counting: Counting,
    now: Timestamp,
) -> VaultResult<DataKey> {
    let (name, wrong) = journal_name(slots, credential);
    let Some(name) = name else {
        return open_with(slots, credential)?.ok_or(wrong);
    };
    if let Counting::CheckOnly = counting {
        journal.check(name, now)?;
        return open_with(slots, credential)?.ok_or(wrong);
    }
    journal.begin(name, now)?;
    match open_with(slots, credential) {
        Ok(Some(key)) => journal.succeeded(name, now).map(|()| key),
        Ok(None) => Err(wrong),
        // Damage is not a guess: take the attempt back.
        Err(error) => {
            journal.succeeded(name, now)?;
            Err(error)
        }
    }
}

fn open_with(slots: &SlotFile, credential: &Credential<'_>) -> VaultResult<Option<DataKey>> {
    match credential {
        Credential::Password { operator, password } => slots.open_with_password(operator, password),
        Credential::RecoveryKey { key } => match recovery_key::parse(key) {
            Ok(bytes) => slots.open_with_recovery(bytes.as_ref()),
            Err(_) => Ok(None),
        },
        Credential::Keyring { operator, store } => {
            let Some(account) = slots.keyring_account(operator) else { return Ok(None) };
            match store.get(account)? {
                Some(secret) => slots.open_with_keyring_secret(operator, &secret),
                None => Ok(None),
            }
        }
    }
}

/// Open the database with the key from the key file, finishing or dropping an interrupted
/// change of data key (`.keys.next`) on the way.
pub(super) fn open_database(
    paths: &VaultPaths,
    slots: SlotFile,
    key: DataKey,
    credential: &Credential<'_>,
) -> VaultResult<(Connection, SlotFile, DataKey)> {
    let next_path = paths.slots_next();
    match db::open(&paths.database, &key, false) {
        Ok(conn) => {
            if next_path.exists() {
                // The change of key never reached the database: its new key file is void.
                std::fs::remove_file(&next_path).map_err(|e| VaultError::io("cannot remove", &next_path, e))?;
            }
            Ok((conn, slots, key))
        }
        Err(VaultError::KeyRejected) if next_path.exists() => {
            let next = SlotFile::load(&next_path)?;
            let next_key = open_with(&next, credential)?.ok_or(VaultError::KeyRejected)?;
            let conn = db::open(&paths.database, &next_key, false)?;
            std::fs::rename(&next_path, &paths.slots).map_err(|e| VaultError::io("cannot replace", &paths.slots, e))?;
            fsutil::sync_parent(&paths.slots)?;
            Ok((conn, next, next_key))
        }
        Err(error) => Err(error),
    }
}

/// Checks once the database is open: it belongs to this key file, the operator is not removed,
/// and it is not older than the key file. Returns the key file's problems (altered slots),
/// which are reported, not fatal.
pub(super) fn check_opened(
    conn: &Connection,
    slots: &SlotFile,
    key: &DataKey,
    credential: &Credential<'_>,
) -> VaultResult<Vec<String>> {
    let stored_id: Option<String> = super::settings_meta(conn, "vault_id")?;
    if stored_id.as_deref() != Some(slots.vault_id.as_str()) {
        return Err(VaultError::Damaged("the key file belongs to a different vault".into()));
    }
    if let Some(operator) = credential.operator()
        && super::operators::is_removed(&super::handle::Read(conn), operator)?
    {
        return Err(VaultError::OperatorRemoved(operator.to_string()));
    }
    let problems = slots.problems(key)?;
    if problems.is_empty() && slots.is_authenticated() {
        check_generation(conn, &slots.generation)?;
    }
    Ok(problems)
}

/// Refuse a database older than its key file, or one whose history went another way.
fn check_generation(conn: &Connection, expected: &Generation) -> VaultResult<()> {
    if expected.changes == 0 {
        return Ok(());
    }
    let (changes, _) = audit_log::head(conn)?;
    if changes < expected.changes {
        return Err(VaultError::RolledBack { missing: expected.changes - changes });
    }
    match audit_log::hash_at(conn, expected.changes)? {
        Some(hash) if hex::encode(hash) == expected.last_hash => Ok(()),
        _ => Err(VaultError::HistoryDiverged { at: expected.changes }),
    }
}
