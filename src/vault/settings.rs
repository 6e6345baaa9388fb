//! Office-wide settings as key/value text (office name, auto-lock minutes, …).

use super::error::VaultResult;
use super::handle::{Read, Write};
use rusqlite::{OptionalExtension, params};

pub fn get(&Read(conn): &Read<'_>, key: &str) -> VaultResult<Option<String>> {
    Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| row.get(0)).optional()?)
}

pub fn set(&Write(Read(conn)): &Write<'_>, key: &str, value: &str) -> VaultResult<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}
