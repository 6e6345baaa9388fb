//! Shared secrets in the database: records, values (encrypted with the rest of the vault, and
//! read only when asked for), bounded history, explicit holders and exposures.

use super::columns::{date, required_date};
use super::error::VaultResult;
use super::handle::{Read, Write};
use crate::domain::secret::SecretString;
use crate::domain::shared_secret::{Exposure, SecretId, SharedSecret};
use crate::domain::staff::StaffId;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

/// Every secret's record, without values.
pub fn all(&Read(conn): &Read<'_>) -> VaultResult<Vec<SharedSecret>> {
    let mut holders: HashMap<SecretId, Vec<StaffId>> = HashMap::new();
    let mut statement = conn.prepare("SELECT secret_id, staff_id FROM secret_holders ORDER BY staff_id")?;
    for row in statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))? {
        let (secret, staff) = row?;
        holders.entry(secret).or_default().push(staff);
    }
    let mut statement = conn.prepare(
        "SELECT id, name, system_id, level_id, username, url, notes, interval_days, last_rotated, compromised_on,
                compromised_note FROM secrets ORDER BY name COLLATE NOCASE",
    )?;
    let rows = statement.query_map([], |row| {
        let id: SecretId = row.get(0)?;
        let compromised = match (date(row.get(9)?)?, row.get::<_, Option<String>>(10)?) {
            (Some(on), Some(note)) => Some((on, note)),
            _ => None,
        };
        Ok(SharedSecret {
            id,
            name: row.get(1)?,
            system_id: row.get(2)?,
            level_id: row.get(3)?,
            username: row.get(4)?,
            url: row.get(5)?,
            notes: row.get(6)?,
            interval_days: row.get(7)?,
            last_rotated: required_date(row.get(8)?)?,
            compromised,
            explicit_holders: Vec::new(),
        })
    })?;
    let mut secrets = Vec::new();
    for row in rows {
        let mut secret = row?;
        secret.explicit_holders = holders.remove(&secret.id).unwrap_or_default();
        secrets.push(secret);
    }
    Ok(secrets)
}

pub fn exposures(&Read(conn): &Read<'_>) -> VaultResult<HashMap<SecretId, Vec<Exposure>>> {
    let mut map: HashMap<SecretId, Vec<Exposure>> = HashMap::new();
    let mut statement = conn.prepare("SELECT secret_id, staff_id, since FROM secret_exposures ORDER BY since")?;
    for row in
        statement.query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, row.get::<_, String>(2)?)))?
    {
        let (secret, staff_id, since) = row?;
        if let Ok(since) = since.parse() {
            map.entry(secret).or_default().push(Exposure { staff_id, since });
        }
    }
    Ok(map)
}

pub struct NewSecret<'a> {
    pub name: &'a str,
    pub system_id: Option<i64>,
    pub level_id: Option<i64>,
    pub username: &'a str,
    pub value: &'a SecretString,
    pub interval_days: Option<i64>,
    pub last_rotated: Date,
    pub holders: &'a [StaffId],
}

pub fn insert(&Write(Read(conn)): &Write<'_>, secret: &NewSecret<'_>) -> VaultResult<SecretId> {
    conn.execute(
        "INSERT INTO secrets (name, system_id, level_id, username, value, interval_days, last_rotated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            secret.name,
            secret.system_id,
            secret.level_id,
            secret.username,
            secret.value.expose(),
            secret.interval_days,
            secret.last_rotated.to_string()
        ],
    )?;
    let id = conn.last_insert_rowid();
    for staff in secret.holders {
        conn.execute("INSERT OR IGNORE INTO secret_holders (secret_id, staff_id) VALUES (?1, ?2)", params![id, staff])?;
    }
    Ok(id)
}

/// The current value (only when asked for).
pub fn value(&Read(conn): &Read<'_>, id: SecretId) -> VaultResult<Option<SecretString>> {
    Ok(conn
        .query_row("SELECT value FROM secrets WHERE id = ?1", [id], |row| row.get::<_, String>(0))
        .optional()?
        .map(SecretString::new))
}

/// Earlier values, newest first: (value, used from, replaced on).
pub fn history(&Read(conn): &Read<'_>, id: SecretId) -> VaultResult<Vec<(SecretString, String, String)>> {
    let mut statement =
        conn.prepare("SELECT value, used_from, replaced_on FROM secret_history WHERE secret_id = ?1 ORDER BY id DESC")?;
    let rows = statement.query_map([id], |row| {
        Ok((SecretString::new(row.get::<_, String>(0)?), row.get::<_, String>(1)?, row.get::<_, String>(2)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replace the value: the old one goes to history (keeping at most `keep` versions), the
/// clock restarts, exposures and any compromise mark are cleared.
pub fn rotate(
    &Write(Read(conn)): &Write<'_>,
    id: SecretId,
    new_value: &SecretString,
    today: Date,
    keep: usize,
) -> VaultResult<()> {
    conn.execute(
        "INSERT INTO secret_history (secret_id, value, used_from, replaced_on)
         SELECT id, value, last_rotated, ?2 FROM secrets WHERE id = ?1",
        params![id, today.to_string()],
    )?;
    conn.execute(
        "DELETE FROM secret_history WHERE secret_id = ?1 AND id NOT IN
           (SELECT id FROM secret_history WHERE secret_id = ?1 ORDER BY id DESC LIMIT ?2)",
        params![id, keep as i64],
    )?;
    conn.execute(
        "UPDATE secrets SET value = ?2, last_rotated = ?3, compromised_on = NULL, compromised_note = NULL WHERE id = ?1",
        params![id, new_value.expose(), today.to_string()],
    )?;
    conn.execute("DELETE FROM secret_exposures WHERE secret_id = ?1", [id])?;
    Ok(())
}

/// How often it is rotated (`None`: no reminder).
pub fn set_interval(&Write(Read(conn)): &Write<'_>, id: SecretId, interval_days: Option<i64>) -> VaultResult<()> {
    conn.execute("UPDATE secrets SET interval_days = ?2 WHERE id = ?1", params![id, interval_days])?;
    Ok(())
}

pub fn mark_compromised(&Write(Read(conn)): &Write<'_>, id: SecretId, on: Date, note: &str) -> VaultResult<()> {
    conn.execute(
        "UPDATE secrets SET compromised_on = ?2, compromised_note = ?3 WHERE id = ?1",
        params![id, on.to_string(), note],
    )?;
    Ok(())
}

pub fn add_exposure(&Write(Read(conn)): &Write<'_>, id: SecretId, staff: StaffId, since: Date) -> VaultResult<()> {
    conn.execute(
        "INSERT OR REPLACE INTO secret_exposures (secret_id, staff_id, since) VALUES (?1, ?2, ?3)",
        params![id, staff, since.to_string()],
    )?;
    Ok(())
}
