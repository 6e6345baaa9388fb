//! Re-encrypting the database under a new data key (SQLCipher's rekey). The write-ahead log
//! is emptied and set aside for the duration, so no page under the old key stays in it, and a
//! crash part-way leaves a rollback journal that restores the old key's pages.

use super::crypto::DataKey;
use super::db::run_pragma;
use super::error::{VaultError, VaultResult};
use rusqlite::Connection;

/// Re-encrypt every page of the database under `key`, in one transaction.
pub fn rekey_database(conn: &Connection, key: &DataKey) -> VaultResult<()> {
    run_pragma(conn, "PRAGMA wal_checkpoint(TRUNCATE)")?;
    run_pragma(conn, "PRAGMA journal_mode = DELETE")?;
    let rekeyed = set_key(conn, key);
    run_pragma(conn, "PRAGMA journal_mode = WAL")?;
    rekeyed
}

fn set_key(conn: &Connection, key: &DataKey) -> VaultResult<()> {
    let text = key.sqlcipher_key_spec();
    let length = i32::try_from(text.len()).map_err(|_| VaultError::Refused("key text too long".into()))?;
    // SAFETY: the handle belongs to `conn`, which outlives the call and is not used by another
    // thread meanwhile (`Connection` is not `Sync`); `text` is valid for `length` bytes. The C
    // API takes the key without going through SQL text that SQLite would copy and parse.
    let code = unsafe { rusqlite::ffi::sqlite3_rekey(conn.handle(), text.as_ptr().cast(), length) };
    if code == rusqlite::ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None).into())
    }
}
