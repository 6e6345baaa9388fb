//! The office record in the database: staff, systems and their levels, roles, assignments,
//! direct grants and accounts. Loads everything into a [`Directory`] in one pass and offers
//! the writes the use cases need (each called inside the use case's transaction).

use super::columns::{date, required_date};
use super::error::{VaultError, VaultResult};
use super::handle::{Read, Write};
use crate::domain::access::{Account, DirectGrant, Directory, GrantId, Role, RoleId};
use crate::domain::staff::{NewStaff, Staff, StaffId, StaffStatus};
use crate::domain::system::{AccessLevel, LevelId, NewSystem, System, SystemId, SystemKind};
use jiff::civil::Date;
use rusqlite::params;
use std::collections::HashMap;

fn date_text(date: Option<Date>) -> Option<String> {
    date.map(|d| d.to_string())
}

/// Read the whole office.
pub fn load(&Read(conn): &Read<'_>) -> VaultResult<Directory> {
    let mut statement = conn.prepare(
        "SELECT id, full_name, email, job_title, team, manager_id, start_date, end_date, status, notes FROM staff ORDER BY id",
    )?;
    let staff = statement
        .query_map([], |row| {
            let status: String = row.get(8)?;
            Ok(Staff {
                id: row.get(0)?,
                full_name: row.get(1)?,
                email: row.get(2)?,
                job_title: row.get(3)?,
                team: row.get(4)?,
                manager_id: row.get(5)?,
                start_date: date(row.get(6)?)?,
                end_date: date(row.get(7)?)?,
                status: status.parse().unwrap_or(StaffStatus::Active),
                notes: row.get(9)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;

    let mut levels: HashMap<SystemId, Vec<AccessLevel>> = HashMap::new();
    let mut statement =
        conn.prepare("SELECT id, system_id, name, rank, privileged FROM access_levels ORDER BY system_id, rank")?;
    for level in statement.query_map([], |row| {
        Ok(AccessLevel {
            id: row.get(0)?,
            system_id: row.get(1)?,
            name: row.get(2)?,
            rank: row.get(3)?,
            privileged: row.get(4)?,
        })
    })? {
        let level = level?;
        levels.entry(level.system_id).or_default().push(level);
    }
    let mut statement = conn.prepare(
        "SELECT id, name, kind, owner_id, location, customer_data, mfa_supported FROM systems ORDER BY name",
    )?;
    let systems = statement
        .query_map([], |row| {
            let kind: String = row.get(2)?;
            let id: SystemId = row.get(0)?;
            Ok(System {
                id,
                name: row.get(1)?,
                kind: kind.parse().unwrap_or(SystemKind::Software),
                owner_id: row.get(3)?,
                location: row.get(4)?,
                customer_data: row.get(5)?,
                mfa_supported: row.get(6)?,
                levels: levels.remove(&id).unwrap_or_default(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;

    let mut role_levels: HashMap<RoleId, Vec<LevelId>> = HashMap::new();
    let mut statement = conn.prepare("SELECT role_id, level_id FROM role_levels")?;
    for pair in statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))? {
        let (role, level) = pair?;
        role_levels.entry(role).or_default().push(level);
    }
    let mut statement = conn.prepare("SELECT id, name, description FROM roles ORDER BY name")?;
    let roles = statement
        .query_map([], |row| {
            let id: RoleId = row.get(0)?;
            Ok(Role {
                id,
                name: row.get(1)?,
                description: row.get(2)?,
                levels: role_levels.remove(&id).unwrap_or_default(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;

    let mut statement = conn.prepare("SELECT staff_id, role_id FROM staff_roles")?;
    let assignments = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;

    let mut statement = conn.prepare(
        "SELECT id, staff_id, level_id, reason, approved_by, granted_on, expires_on FROM direct_grants ORDER BY id",
    )?;
    let exceptions = statement
        .query_map([], |row| {
            Ok(DirectGrant {
                id: row.get(0)?,
                staff_id: row.get(1)?,
                level_id: row.get(2)?,
                reason: row.get(3)?,
                approved_by: row.get(4)?,
                granted_on: required_date(row.get(5)?)?,
                expires_on: date(row.get(6)?)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;

    let mut statement = conn.prepare(
        "SELECT id, staff_id, system_id, username, created_on, disabled_on, mfa_enrolled, mfa_enrolled_on FROM accounts ORDER BY id",
    )?;
    let accounts = statement
        .query_map([], |row| {
            Ok(Account {
                id: row.get(0)?,
                staff_id: row.get(1)?,
                system_id: row.get(2)?,
                username: row.get(3)?,
                created_on: date(row.get(4)?)?,
                disabled_on: date(row.get(5)?)?,
                mfa_enrolled: row.get(6)?,
                mfa_enrolled_on: date(row.get(7)?)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;

    Ok(Directory::new(staff, systems, roles, assignments, exceptions, accounts))
}

/// Every staff member's id and email (what an import checks its rows against), without
/// reading the rest of the office.
pub fn staff_emails(&Read(conn): &Read<'_>) -> VaultResult<Vec<(StaffId, String)>> {
    let mut statement = conn.prepare_cached("SELECT id, email FROM staff ORDER BY id")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One staff member's email, without reading the rest of the office.
pub fn staff_email(&Read(conn): &Read<'_>, id: StaffId) -> VaultResult<Option<String>> {
    use rusqlite::OptionalExtension;
    let mut statement = conn.prepare_cached("SELECT email FROM staff WHERE id = ?1")?;
    Ok(statement.query_row([id], |row| row.get(0)).optional()?)
}

/// Everyone who has not left and manages someone, as (email, name, how many people they
/// manage, leavers included), in no particular order.
pub fn line_managers(&Read(conn): &Read<'_>) -> VaultResult<Vec<(String, String, usize)>> {
    let mut statement = conn.prepare_cached(
        "SELECT m.email, m.full_name, count(*) FROM staff s JOIN staff m ON m.id = s.manager_id
         WHERE m.status != 'left' AND s.status != 'left' GROUP BY m.id",
    )?;
    let rows = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, usize::try_from(row.get::<_, i64>(2)?).unwrap_or(0))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn insert_staff(
    &Write(Read(conn)): &Write<'_>,
    staff: &NewStaff,
    manager_id: Option<StaffId>,
) -> VaultResult<StaffId> {
    conn.prepare_cached(
        "INSERT INTO staff (full_name, email, job_title, team, manager_id, start_date, end_date, status, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        staff.full_name,
        staff.email,
        staff.job_title,
        staff.team,
        manager_id,
        date_text(staff.start_date),
        date_text(staff.end_date),
        staff.status.as_str(),
        staff.notes
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn update_staff(
    &Write(Read(conn)): &Write<'_>,
    id: StaffId,
    staff: &NewStaff,
    manager_id: Option<StaffId>,
) -> VaultResult<()> {
    let changed = conn.execute(
        "UPDATE staff SET full_name = ?2, email = ?3, job_title = ?4, team = ?5, manager_id = ?6, start_date = ?7,
         end_date = ?8, status = ?9, notes = ?10 WHERE id = ?1",
        params![
            id,
            staff.full_name,
            staff.email,
            staff.job_title,
            staff.team,
            manager_id,
            date_text(staff.start_date),
            date_text(staff.end_date),
            staff.status.as_str(),
            staff.notes
        ],
    )?;
    if changed == 0 {
        return Err(VaultError::Refused(format!("no staff member with id {id}")));
    }
    Ok(())
}

pub fn insert_system(
    &Write(Read(conn)): &Write<'_>,
    system: &NewSystem,
    owner_id: Option<StaffId>,
) -> VaultResult<SystemId> {
    conn.execute(
        "INSERT INTO systems (name, kind, owner_id, location, customer_data, mfa_supported) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![system.name, system.kind.as_str(), owner_id, system.location, system.customer_data, system.mfa_supported],
    )?;
    let id = conn.last_insert_rowid();
    let mut statement =
        conn.prepare_cached("INSERT INTO access_levels (system_id, name, rank, privileged) VALUES (?1, ?2, ?3, ?4)")?;
    for (rank, (name, privileged)) in system.levels.iter().enumerate() {
        statement.execute(params![id, name, rank as i64, privileged])?;
    }
    Ok(id)
}

pub fn set_system_flags(
    &Write(Read(conn)): &Write<'_>,
    system: SystemId,
    customer_data: bool,
    mfa: bool,
) -> VaultResult<()> {
    conn.execute(
        "UPDATE systems SET customer_data = ?2, mfa_supported = ?3 WHERE id = ?1",
        params![system, customer_data, mfa],
    )?;
    Ok(())
}

pub fn insert_role(
    tx @ &Write(Read(conn)): &Write<'_>,
    name: &str,
    description: &str,
    levels: &[LevelId],
) -> VaultResult<RoleId> {
    conn.execute("INSERT INTO roles (name, description) VALUES (?1, ?2)", params![name, description])?;
    let id = conn.last_insert_rowid();
    set_role_levels(tx, id, levels)?;
    Ok(id)
}

pub fn set_role_levels(&Write(Read(conn)): &Write<'_>, role: RoleId, levels: &[LevelId]) -> VaultResult<()> {
    conn.execute("DELETE FROM role_levels WHERE role_id = ?1", [role])?;
    let mut statement = conn.prepare_cached("INSERT OR IGNORE INTO role_levels (role_id, level_id) VALUES (?1, ?2)")?;
    for level in levels {
        statement.execute(params![role, level])?;
    }
    Ok(())
}

pub fn assign_role(
    &Write(Read(conn)): &Write<'_>,
    staff: StaffId,
    role: RoleId,
    on: Date,
    by: &str,
) -> VaultResult<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO staff_roles (staff_id, role_id, assigned_on, assigned_by) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![staff, role, on.to_string(), by])?;
    Ok(())
}

pub fn unassign_role(&Write(Read(conn)): &Write<'_>, staff: StaffId, role: RoleId) -> VaultResult<()> {
    conn.execute("DELETE FROM staff_roles WHERE staff_id = ?1 AND role_id = ?2", params![staff, role])?;
    Ok(())
}

pub struct NewGrant<'a> {
    pub staff: StaffId,
    pub level: LevelId,
    pub reason: &'a str,
    pub approved_by: &'a str,
    pub granted_on: Date,
    pub expires_on: Option<Date>,
}

pub fn insert_grant(&Write(Read(conn)): &Write<'_>, grant: &NewGrant<'_>) -> VaultResult<GrantId> {
    conn.prepare_cached(
        "INSERT INTO direct_grants (staff_id, level_id, reason, approved_by, granted_on, expires_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        grant.staff,
        grant.level,
        grant.reason,
        grant.approved_by,
        grant.granted_on.to_string(),
        date_text(grant.expires_on)
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn delete_grant(&Write(Read(conn)): &Write<'_>, id: GrantId) -> VaultResult<()> {
    conn.execute("DELETE FROM direct_grants WHERE id = ?1", [id])?;
    Ok(())
}

/// Move direct grants to another level of the same system (a review's "reduce").
pub fn set_grant_level(&Write(Read(conn)): &Write<'_>, grant: GrantId, level: LevelId) -> VaultResult<()> {
    conn.execute("UPDATE direct_grants SET level_id = ?2 WHERE id = ?1", [grant, level])?;
    Ok(())
}

/// Whether any direct grant's last day is before `today` (a cheap check run at each sign-in).
pub fn any_grant_lapsed(db: &Read<'_>, today: Date) -> VaultResult<bool> {
    exists(db, "SELECT 1 FROM direct_grants WHERE expires_on IS NOT NULL AND expires_on < ?1", today)
}

/// Whether `query` (with `today` as its one parameter) finds a row.
fn exists(&Read(conn): &Read<'_>, query: &str, today: Date) -> VaultResult<bool> {
    Ok(conn.query_row(&format!("SELECT EXISTS ({query})"), [today.to_string()], |row| row.get(0))?)
}

/// People still joining whose start date is on or before `today` and whose latest joiner
/// checklist is finished: they become active (checked at each sign-in, without reading the
/// office).
pub fn joiners_ready(&Read(conn): &Read<'_>, today: Date) -> VaultResult<Vec<StaffId>> {
    let mut statement = conn.prepare_cached(
        "SELECT s.id FROM staff s
         WHERE s.status = 'joining' AND s.start_date IS NOT NULL AND s.start_date <= ?1
           AND (SELECT c.finished_at_ns IS NOT NULL FROM checklists c
                WHERE c.staff_id = s.id AND c.process = 'joiner' ORDER BY c.id DESC LIMIT 1)
         ORDER BY s.id",
    )?;
    let rows = statement.query_map([today.to_string()], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Give one person a new manager, or none.
pub fn set_manager(&Write(Read(conn)): &Write<'_>, staff: StaffId, manager: Option<StaffId>) -> VaultResult<()> {
    conn.execute("UPDATE staff SET manager_id = ?2 WHERE id = ?1", params![staff, manager])?;
    Ok(())
}

/// A system's access levels, lowest rank first.
pub fn level_ids(&Read(conn): &Read<'_>, system: SystemId) -> VaultResult<Vec<LevelId>> {
    let mut statement = conn.prepare_cached("SELECT id FROM access_levels WHERE system_id = ?1 ORDER BY rank")?;
    let rows = statement.query_map([system], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub struct NewAccount<'a> {
    pub staff: StaffId,
    pub system: SystemId,
    pub username: &'a str,
    pub created_on: Option<Date>,
    pub mfa_enrolled_on: Option<Date>,
}

pub fn insert_account(&Write(Read(conn)): &Write<'_>, account: &NewAccount<'_>) -> VaultResult<i64> {
    conn.prepare_cached(
        "INSERT INTO accounts (staff_id, system_id, username, created_on, mfa_enrolled, mfa_enrolled_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        account.staff,
        account.system,
        account.username,
        date_text(account.created_on),
        account.mfa_enrolled_on.is_some(),
        date_text(account.mfa_enrolled_on)
    ])?;
    Ok(conn.last_insert_rowid())
}
