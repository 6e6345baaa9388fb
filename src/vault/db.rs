//! Opening the SQLCipher database: the raw key first, then the settings the vault relies on
//! (memory wiping, write-ahead log, full fsync, foreign keys).

use super::crypto::DataKey;
use super::error::{VaultError, VaultResult};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// Run a statement that may return rows (most PRAGMAs do) and ignore them.
pub fn run_pragma(conn: &Connection, sql: &str) -> VaultResult<()> {
    let mut statement = conn.prepare(sql)?;
    let mut rows = statement.query([])?;
    while rows.next()?.is_some() {}
    Ok(())
}

/// The first read is where a wrong key shows; anything else there (no permission, read-only
/// medium, full disk) is said as what it is, not as damage.
fn first_read_error(error: rusqlite::Error) -> VaultError {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => VaultError::KeyRejected,
        _ => VaultError::from(error),
    }
}

/// Open an existing or new encrypted database with `key`. A wrong key or a damaged first page
/// shows as an error here, before any data is read.
pub fn open(path: &Path, key: &DataKey, create: bool) -> VaultResult<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    // The key statement goes first; its text is built in wiped memory and never logged.
    conn.execute_batch(&key.pragma()).map_err(|_| VaultError::Damaged("the encryption key was not accepted".into()))?;
    run_pragma(&conn, "PRAGMA cipher_log_level = NONE")?;
    run_pragma(&conn, "PRAGMA cipher_memory_security = ON")?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0)).map_err(first_read_error)?;
    run_pragma(&conn, "PRAGMA journal_mode = WAL")?;
    run_pragma(&conn, "PRAGMA synchronous = FULL")?;
    run_pragma(&conn, "PRAGMA foreign_keys = ON")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}
