//! Directories the office runs, as stored: where each is and how to bind (the password only
//! when asked for, like a shared secret's value), and how its accounts and groups map onto
//! systems.

use super::columns::{ns, timestamp};
use super::error::VaultResult;
use super::handle::{Read, Write};
use crate::domain::linked_directory::{DirectoryKind, DirectoryMap};
use crate::domain::secret::SecretString;
use crate::domain::staff::StaffId;
use crate::domain::system::{LevelId, SystemId};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use std::collections::HashMap;

/// A directory without its bind password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectoryRow {
    pub id: i64,
    pub name: String,
    pub kind: DirectoryKind,
    pub url: String,
    pub base_dn: String,
    pub bind_dn: String,
    pub starttls: bool,
    pub ca_file: Option<String>,
    pub accounts_system_id: Option<SystemId>,
    /// When it was last checked for drift, and how many differences that found.
    pub last_check: Option<(jiff::Timestamp, i64)>,
}

impl DirectoryRow {
    /// Checked only from its admin console's user export: a suite with no live connection on
    /// record (the bind DN holds a Microsoft 365 application's client ID, or the Google
    /// Workspace administrator a service account acts as, when there is one).
    pub fn is_from_export(&self) -> bool {
        self.kind.is_from_export() && self.bind_dn.trim().is_empty()
    }
}

pub struct NewDirectory<'a> {
    pub name: &'a str,
    pub kind: DirectoryKind,
    pub url: &'a str,
    pub base_dn: &'a str,
    pub bind_dn: &'a str,
    pub bind_password: &'a SecretString,
    pub starttls: bool,
    pub ca_file: Option<&'a str>,
}

const COLUMNS: &str =
    "id, name, kind, url, base_dn, bind_dn, starttls, ca_file, accounts_system_id, last_checked_ns, last_differences";

fn row(row: &rusqlite::Row<'_>) -> rusqlite::Result<DirectoryRow> {
    let kind: String = row.get(2)?;
    Ok(DirectoryRow {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: DirectoryKind::parse(&kind).unwrap_or(DirectoryKind::OpenLdap),
        url: row.get(3)?,
        base_dn: row.get(4)?,
        bind_dn: row.get(5)?,
        starttls: row.get(6)?,
        ca_file: row.get(7)?,
        accounts_system_id: row.get(8)?,
        last_check: timestamp(row.get(9)?)?.zip(row.get::<_, Option<i64>>(10)?),
    })
}

pub fn insert(&Write(Read(conn)): &Write<'_>, new: &NewDirectory<'_>) -> VaultResult<i64> {
    conn.execute(
        "INSERT INTO directories (name, kind, url, base_dn, bind_dn, bind_password, starttls, ca_file)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            new.name,
            new.kind.as_str(),
            new.url,
            new.base_dn,
            new.bind_dn,
            new.bind_password.expose(),
            new.starttls,
            new.ca_file
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn all(&Read(conn): &Read<'_>) -> VaultResult<Vec<DirectoryRow>> {
    let mut statement = conn.prepare(&format!("SELECT {COLUMNS} FROM directories ORDER BY name"))?;
    let rows = statement.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn by_name(&Read(conn): &Read<'_>, name: &str) -> VaultResult<Option<DirectoryRow>> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM directories WHERE name = ?1"), [name.trim()], row).optional()?)
}

/// The bind password (only when connecting).
pub fn bind_password(&Read(conn): &Read<'_>, id: i64) -> VaultResult<SecretString> {
    let value: String = conn.query_row("SELECT bind_password FROM directories WHERE id = ?1", [id], |r| r.get(0))?;
    Ok(SecretString::new(value))
}

/// A check for drift found `differences` at `at`.
pub fn set_last_check(
    &Write(Read(conn)): &Write<'_>,
    id: i64,
    at: jiff::Timestamp,
    differences: usize,
) -> VaultResult<()> {
    conn.execute(
        "UPDATE directories SET last_checked_ns = ?2, last_differences = ?3 WHERE id = ?1",
        params![id, ns(at)?, i64::try_from(differences).unwrap_or(i64::MAX)],
    )?;
    Ok(())
}

pub fn set_accounts_system(&Write(Read(conn)): &Write<'_>, id: i64, system: SystemId) -> VaultResult<()> {
    conn.execute("UPDATE directories SET accounts_system_id = ?2 WHERE id = ?1", params![id, system])?;
    Ok(())
}

/// Membership of `group_dn` gives `level` (replacing what the group gave before).
pub fn map_group(&Write(Read(conn)): &Write<'_>, id: i64, group_dn: &str, level: LevelId) -> VaultResult<()> {
    conn.execute(
        "INSERT INTO directory_groups (directory_id, group_dn, level_id) VALUES (?1, ?2, ?3)
         ON CONFLICT (directory_id, group_dn) DO UPDATE SET level_id = excluded.level_id",
        params![id, group_dn.trim(), level],
    )?;
    Ok(())
}

/// The account `username` belongs to `staff` (a match made by hand, for an account whose email
/// does not name them).
pub fn match_account(&Write(Read(conn)): &Write<'_>, id: i64, username: &str, staff: StaffId) -> VaultResult<()> {
    conn.execute(
        "INSERT INTO directory_matches (directory_id, username, staff_id) VALUES (?1, ?2, ?3)
         ON CONFLICT (directory_id, username) DO UPDATE SET staff_id = excluded.staff_id",
        params![id, username.trim(), staff],
    )?;
    Ok(())
}

/// The matches made by hand: lower-cased username → staff member.
pub fn matches(&Read(conn): &Read<'_>, id: i64) -> VaultResult<HashMap<String, StaffId>> {
    let mut statement = conn.prepare("SELECT username, staff_id FROM directory_matches WHERE directory_id = ?1")?;
    let rows = statement.query_map([id], |r| Ok((r.get::<_, String>(0)?.to_lowercase(), r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn map(&Read(conn): &Read<'_>, directory: &DirectoryRow) -> VaultResult<DirectoryMap> {
    let mut statement =
        conn.prepare("SELECT group_dn, level_id FROM directory_groups WHERE directory_id = ?1 ORDER BY group_dn")?;
    let groups = statement.query_map([directory.id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    Ok(DirectoryMap { accounts: directory.accounts_system_id, groups })
}
