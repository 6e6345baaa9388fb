//! The database schema and its migrations, tracked with `PRAGMA user_version`.
//!
//! Versions:
//! - 1: `meta` (vault id, audit chain head), `operators`, `audit_log`.
//! - 2: `settings`; triggers that make `audit_log` append-only.
//!
//! Each step runs inside one transaction with the version bump, so a crash leaves the database
//! at the old version or the new one, never between.

use super::error::{VaultError, VaultResult};
use rusqlite::Connection;

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// `MIGRATIONS[n]` upgrades version `n` to `n + 1`. Never edit a step once released: add one.
const MIGRATIONS: &[&str] = &[
    // 0 → 1
    "CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE operators (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL,
        removed_at TEXT
    );
    CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at_ns INTEGER NOT NULL,
        operator TEXT NOT NULL,
        action TEXT NOT NULL,
        summary TEXT NOT NULL,
        before TEXT,
        after TEXT,
        prev_hash BLOB NOT NULL,
        hash BLOB NOT NULL
    );",
    // 1 → 2
    "CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
];

pub fn version(conn: &Connection) -> VaultResult<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

/// Bring the database up to [`VERSION`]. Refuses a database written by a newer Keyholder.
pub fn migrate(conn: &mut Connection) -> VaultResult<()> {
    let current = version(conn)?;
    if current > VERSION {
        return Err(VaultError::Refused(format!(
            "this vault was written by a newer Keyholder (schema {current}, this one knows {VERSION}); update Keyholder"
        )));
    }
    for (from, step) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", from as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema as SQLite describes it, sorted, for comparing two databases.
pub fn describe(conn: &Connection) -> VaultResult<Vec<(String, String, String)>> {
    let mut statement = conn.prepare(
        "SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
