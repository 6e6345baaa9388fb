//! Changing a system after it was added: its name, its levels (as a planned set of renames,
//! additions and removals) and removing it. The use case has checked that nothing still uses
//! what goes; the foreign keys refuse it anyway if something does.

use super::error::VaultResult;
use super::handle::{Read, Write};
use crate::domain::level_changes::LevelPlan;
use crate::domain::system::{LevelId, SystemId};
use rusqlite::params;

pub fn rename_system(&Write(Read(conn)): &Write<'_>, system: SystemId, name: &str) -> VaultResult<()> {
    conn.execute("UPDATE systems SET name = ?2 WHERE id = ?1", params![system, name])?;
    Ok(())
}

/// Apply `plan` to the system's levels. Kept levels are first given names that cannot clash,
/// so two levels may swap names in one change.
pub fn apply_level_plan(&Write(Read(conn)): &Write<'_>, system: SystemId, plan: &LevelPlan) -> VaultResult<()> {
    for id in &plan.remove {
        conn.execute("DELETE FROM access_levels WHERE id = ?1 AND system_id = ?2", params![id, system])?;
    }
    for (id, ..) in &plan.keep {
        conn.execute("UPDATE access_levels SET name = ':' || id WHERE id = ?1", [id])?;
    }
    for (id, name, rank, privileged) in &plan.keep {
        conn.execute(
            "UPDATE access_levels SET name = ?2, rank = ?3, privileged = ?4 WHERE id = ?1 AND system_id = ?5",
            params![id, name, rank, privileged, system],
        )?;
    }
    for (name, rank, privileged) in &plan.add {
        conn.execute(
            "INSERT INTO access_levels (system_id, name, rank, privileged) VALUES (?1, ?2, ?3, ?4)",
            params![system, name, rank, privileged],
        )?;
    }
    Ok(())
}

pub fn delete_system(&Write(Read(conn)): &Write<'_>, system: SystemId) -> VaultResult<()> {
    conn.execute("DELETE FROM access_levels WHERE system_id = ?1", [system])?;
    conn.execute("DELETE FROM systems WHERE id = ?1", [system])?;
    Ok(())
}

/// The shared secrets tied to the system (or, with `level`, to that level of it).
pub fn secrets_tied_to(&Read(conn): &Read<'_>, system: SystemId, level: Option<LevelId>) -> VaultResult<Vec<String>> {
    let mut statement = conn.prepare_cached(
        "SELECT name FROM secrets WHERE system_id = ?1 AND (?2 IS NULL OR level_id = ?2) ORDER BY name COLLATE NOCASE",
    )?;
    let rows = statement.query_map(params![system, level], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
