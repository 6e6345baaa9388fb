//! The operators table: who may use Keyholder. Removed operators stay as rows so the audit log
//! keeps naming them.

use super::error::VaultResult;
use super::handle::{Read, Write};
use crate::domain::operator::OperatorName;
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperatorRow {
    pub name: String,
    pub created_at: String,
}

pub fn insert(&Write(Read(conn)): &Write<'_>, name: &OperatorName, now: Timestamp) -> VaultResult<()> {
    let existing: Option<i64> =
        conn.query_row("SELECT id FROM operators WHERE name = ?1", [name.as_str()], |row| row.get(0)).optional()?;
    match existing {
        // A returning operator: the old row comes back to life.
        Some(id) => {
            conn.execute(
                "UPDATE operators SET removed_at = NULL, created_at = ?2 WHERE id = ?1",
                params![id, now.to_string()],
            )?;
        }
        None => {
            conn.execute(
                "INSERT INTO operators (name, created_at) VALUES (?1, ?2)",
                params![name.as_str(), now.to_string()],
            )?;
        }
    }
    Ok(())
}

pub fn mark_removed(&Write(Read(conn)): &Write<'_>, name: &OperatorName, now: Timestamp) -> VaultResult<()> {
    conn.execute(
        "UPDATE operators SET removed_at = ?2 WHERE name = ?1 AND removed_at IS NULL",
        params![name.as_str(), now.to_string()],
    )?;
    Ok(())
}

/// Whether the database marks `name` as removed (an operator it does not know counts as
/// removed: their slot can only come from an altered or foreign key file).
pub fn is_removed(&Read(conn): &Read<'_>, name: &OperatorName) -> VaultResult<bool> {
    let removed: Option<Option<String>> = conn
        .query_row("SELECT removed_at FROM operators WHERE name = ?1", [name.as_str()], |row| row.get(0))
        .optional()?;
    Ok(!matches!(removed, Some(None)))
}

/// Current operators, by name.
pub fn active(&Read(conn): &Read<'_>) -> VaultResult<Vec<OperatorRow>> {
    let mut statement =
        conn.prepare("SELECT name, created_at FROM operators WHERE removed_at IS NULL ORDER BY name COLLATE NOCASE")?;
    let rows = statement.query_map([], |row| Ok(OperatorRow { name: row.get(0)?, created_at: row.get(1)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
