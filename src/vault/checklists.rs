//! Checklists, their items, the templates and the device register in the database.

use super::columns::{bad, date, ns, required_timestamp, timestamp};
use super::error::{VaultError, VaultResult};
use super::handle::{Read, Write};
use crate::domain::checklist::{
    Checklist, ChecklistId, Device, DeviceId, Item, ItemId, ItemKind, ItemState, NewItem, Process, Template,
};
use crate::domain::shared_secret::SkippedRotation;
use crate::domain::staff::StaffId;
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, params};

pub fn templates(&Read(conn): &Read<'_>) -> VaultResult<Vec<Template>> {
    let mut statement = conn.prepare("SELECT id, process, title, offset_days FROM checklist_templates ORDER BY id")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, i64>(3)?))
    })?;
    let mut templates = Vec::new();
    for row in rows {
        let (id, process, title, offset_days) = row?;
        templates.push(Template { id, process: process.parse().map_err(|_| bad("template"))?, title, offset_days });
    }
    Ok(templates)
}

pub fn insert_template(
    &Write(Read(conn)): &Write<'_>,
    process: Process,
    title: &str,
    offset_days: i64,
) -> VaultResult<i64> {
    conn.execute(
        "INSERT INTO checklist_templates (process, title, offset_days) VALUES (?1, ?2, ?3)",
        params![process.as_str(), title, offset_days],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn delete_template(&Write(Read(conn)): &Write<'_>, id: i64) -> VaultResult<()> {
    conn.execute("DELETE FROM checklist_templates WHERE id = ?1", [id])?;
    Ok(())
}

/// Write a checklist and its items; returns its id and its items' ids, in order.
pub fn insert_checklist(
    &Write(Read(conn)): &Write<'_>,
    staff: StaffId,
    process: Process,
    key_date: Date,
    now: Timestamp,
    items: &[NewItem],
) -> VaultResult<(ChecklistId, Vec<ItemId>)> {
    conn.execute(
        "INSERT INTO checklists (staff_id, process, key_date, started_at_ns) VALUES (?1, ?2, ?3, ?4)",
        params![staff, process.as_str(), key_date.to_string(), ns(now)?],
    )?;
    let id = conn.last_insert_rowid();
    let mut insert =
        conn.prepare_cached("INSERT INTO checklist_items (checklist_id, kind, title, due) VALUES (?1, ?2, ?3, ?4)")?;
    let mut item_ids = Vec::with_capacity(items.len());
    for item in items {
        let kind = serde_json::to_string(&item.kind).map_err(|e| VaultError::Refused(e.to_string()))?;
        insert.execute(params![id, kind, item.title, item.due.to_string()])?;
        item_ids.push(conn.last_insert_rowid());
    }
    Ok((id, item_ids))
}

/// An item's state from its stored columns.
/// An item's state from its stored columns; a closed item missing who or when is damage, not
/// an open item.
pub(super) fn item_state(
    state: &str,
    actor: Option<String>,
    at: Option<i64>,
    reason: Option<String>,
) -> VaultResult<ItemState> {
    match (state, actor, timestamp(at)?) {
        ("done", Some(by), Some(at)) => Ok(ItemState::Done { by, at, confirmed: reason }),
        ("skipped", Some(by), Some(at)) => Ok(ItemState::Skipped { by, at, reason: reason.unwrap_or_default() }),
        ("open", _, _) => Ok(ItemState::Open),
        _ => Err(bad("checklist item")),
    }
}

fn load_items(conn: &Connection, checklist: ChecklistId) -> VaultResult<Vec<Item>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, kind, title, due, state, actor, at_ns, reason FROM checklist_items WHERE checklist_id = ?1 ORDER BY id",
    )?;
    let rows = statement.query_map([checklist], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, Option<String>>(5)?,
            row.get::<_, Option<i64>>(6)?,
            row.get::<_, Option<String>>(7)?,
        ))
    })?;
    let mut items = Vec::new();
    for row in rows {
        let (id, kind, title, due, state, actor, at, reason) = row?;
        let kind: ItemKind = serde_json::from_str(&kind).map_err(|_| bad("checklist item"))?;
        let due: Date = due.parse().map_err(|_| bad("due date"))?;
        let state = item_state(&state, actor, at, reason)?;
        items.push(Item { id, kind, title, due, state });
    }
    Ok(items)
}

fn load_checklists(conn: &Connection, filter: &str, value: i64) -> VaultResult<Vec<Checklist>> {
    let sql = format!(
        "SELECT id, staff_id, process, key_date, started_at_ns, finished_at_ns FROM checklists WHERE {filter} ORDER BY id"
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map([value], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, i64>(4)?,
            row.get::<_, Option<i64>>(5)?,
        ))
    })?;
    let mut checklists = Vec::new();
    for row in rows {
        let (id, staff_id, process, key_date, started, finished) = row?;
        checklists.push(Checklist {
            id,
            staff_id,
            process: process.parse().map_err(|_| bad("checklist"))?,
            key_date: key_date.parse().map_err(|_| bad("checklist date"))?,
            started_at: required_timestamp(Some(started))?,
            finished_at: timestamp(finished)?,
            items: load_items(conn, id)?,
        });
    }
    Ok(checklists)
}

/// Every checklist of one person, oldest first.
pub fn checklists_of(&Read(conn): &Read<'_>, staff: StaffId) -> VaultResult<Vec<Checklist>> {
    load_checklists(conn, "staff_id = ?1", staff)
}

/// Checklists not finished yet, and those finished after `since` and not archived.
pub fn current(&Read(conn): &Read<'_>, since: Timestamp) -> VaultResult<Vec<Checklist>> {
    load_checklists(conn, "finished_at_ns IS NULL OR (finished_at_ns >= ?1 AND archived_at_ns IS NULL)", ns(since)?)
}

/// A checklist not finished yet, with how many items are open and how many of those are
/// past their date: what the due list says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfinished {
    pub id: ChecklistId,
    pub staff_id: StaffId,
    pub process: Process,
    pub key_date: Date,
    pub open: usize,
    pub overdue: usize,
}

/// Every checklist not finished yet, counted by the database (its items are not read).
pub fn unfinished(&Read(conn): &Read<'_>, today: Date) -> VaultResult<Vec<Unfinished>> {
    let mut statement = conn.prepare_cached(
        "SELECT c.id, c.staff_id, c.process, c.key_date,
                count(i.id) FILTER (WHERE i.state = 'open'),
                count(i.id) FILTER (WHERE i.state = 'open' AND i.due < ?1)
         FROM checklists c LEFT JOIN checklist_items i ON i.checklist_id = c.id
         WHERE c.finished_at_ns IS NULL GROUP BY c.id ORDER BY c.id",
    )?;
    let rows = statement.query_map([today.to_string()], |row| {
        let count = |i: usize| row.get::<_, i64>(i).map(|n| usize::try_from(n).unwrap_or(0));
        Ok((row.get(0)?, row.get(1)?, row.get::<_, String>(2)?, row.get::<_, String>(3)?, count(4)?, count(5)?))
    })?;
    rows.map(|row| {
        let (id, staff_id, process, key_date, open, overdue) = row?;
        Ok(Unfinished {
            id,
            staff_id,
            process: process.parse().map_err(|_| bad("checklist"))?,
            key_date: key_date.parse().map_err(|_| bad("checklist date"))?,
            open,
            overdue,
        })
    })
    .collect()
}

/// Every skipped "rotate this secret" item of a leaver checklist, archived ones included: each
/// answers that leaver's exposure of the secret.
pub fn skipped_rotations(&Read(conn): &Read<'_>) -> VaultResult<Vec<SkippedRotation>> {
    let mut statement = conn.prepare(
        "SELECT c.staff_id, c.key_date, i.kind, i.reason FROM checklist_items i
         JOIN checklists c ON c.id = i.checklist_id
         WHERE c.process = 'leaver' AND i.state = 'skipped' ORDER BY i.id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut skipped = Vec::new();
    for row in rows {
        let (staff_id, last_day, kind, reason) = row?;
        let kind: ItemKind = serde_json::from_str(&kind).map_err(|_| bad("checklist item"))?;
        if let ItemKind::RotateSecret { secret } = kind {
            let last_day = last_day.parse().map_err(|_| bad("checklist date"))?;
            skipped.push(SkippedRotation { secret_id: secret, staff_id, last_day, reason: reason.unwrap_or_default() });
        }
    }
    Ok(skipped)
}

/// Put a finished checklist away from the current list (it stays on the person's record).
pub fn archive(&Write(Read(conn)): &Write<'_>, id: ChecklistId, at: Timestamp) -> VaultResult<()> {
    conn.execute(
        "UPDATE checklists SET archived_at_ns = ?2 WHERE id = ?1 AND finished_at_ns IS NOT NULL",
        params![id, ns(at)?],
    )?;
    Ok(())
}

pub fn checklist(&Read(conn): &Read<'_>, id: ChecklistId) -> VaultResult<Option<Checklist>> {
    Ok(load_checklists(conn, "id = ?1", id)?.pop())
}

/// The checklist an item belongs to.
pub fn checklist_of_item(&Read(conn): &Read<'_>, item: ItemId) -> VaultResult<Option<ChecklistId>> {
    Ok(conn.query_row("SELECT checklist_id FROM checklist_items WHERE id = ?1", [item], |row| row.get(0)).optional()?)
}

pub fn close_item(&Write(Read(conn)): &Write<'_>, item: ItemId, state: &ItemState) -> VaultResult<()> {
    let (label, actor, at, reason) = match state {
        ItemState::Open => ("open", None, None, None),
        ItemState::Done { by, at, confirmed } => ("done", Some(by.as_str()), Some(ns(*at)?), confirmed.as_deref()),
        ItemState::Skipped { by, at, reason } => ("skipped", Some(by.as_str()), Some(ns(*at)?), Some(reason.as_str())),
    };
    conn.execute(
        "UPDATE checklist_items SET state = ?2, actor = ?3, at_ns = ?4, reason = ?5 WHERE id = ?1",
        params![item, label, actor, at, reason],
    )?;
    Ok(())
}

pub fn finish_checklist(&Write(Read(conn)): &Write<'_>, id: ChecklistId, at: Timestamp) -> VaultResult<()> {
    conn.execute("UPDATE checklists SET finished_at_ns = ?2 WHERE id = ?1", params![id, ns(at)?])?;
    Ok(())
}

pub fn set_staff_status(
    &Write(Read(conn)): &Write<'_>,
    staff: StaffId,
    status: &str,
    end_date: Option<Date>,
) -> VaultResult<()> {
    conn.execute(
        "UPDATE staff SET status = ?2, end_date = coalesce(?3, end_date) WHERE id = ?1",
        params![staff, status, end_date.map(|d| d.to_string())],
    )?;
    Ok(())
}

pub fn devices(&Read(conn): &Read<'_>) -> VaultResult<Vec<Device>> {
    let mut statement =
        conn.prepare("SELECT id, kind, model, serial, assigned_to, issued_on, returned_on FROM devices ORDER BY id")?;
    let rows = statement.query_map([], |row| {
        Ok(Device {
            id: row.get(0)?,
            kind: row.get(1)?,
            model: row.get(2)?,
            serial: row.get(3)?,
            assigned_to: row.get(4)?,
            issued_on: date(row.get(5)?)?,
            returned_on: date(row.get(6)?)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn insert_device(
    &Write(Read(conn)): &Write<'_>,
    kind: &str,
    model: &str,
    serial: &str,
    assigned_to: Option<StaffId>,
    issued_on: Option<Date>,
) -> VaultResult<DeviceId> {
    conn.execute(
        "INSERT INTO devices (kind, model, serial, assigned_to, issued_on) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![kind, model, serial, assigned_to, issued_on.map(|d| d.to_string())],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn return_device(&Write(Read(conn)): &Write<'_>, device: DeviceId, on: Date) -> VaultResult<()> {
    conn.execute("UPDATE devices SET returned_on = ?2 WHERE id = ?1", params![device, on.to_string()])?;
    Ok(())
}

pub fn disable_account(&Write(Read(conn)): &Write<'_>, account: i64, on: Date) -> VaultResult<()> {
    conn.execute("UPDATE accounts SET disabled_on = ?2 WHERE id = ?1", params![account, on.to_string()])?;
    Ok(())
}

/// Hand a system to a new owner, or to nobody.
pub fn set_owner(&Write(Read(conn)): &Write<'_>, system: i64, owner: Option<StaffId>) -> VaultResult<()> {
    conn.execute("UPDATE systems SET owner_id = ?2 WHERE id = ?1", params![system, owner])?;
    Ok(())
}

pub fn set_mfa_enrolled(&Write(Read(conn)): &Write<'_>, staff: StaffId, system: i64, on: Date) -> VaultResult<()> {
    conn.execute(
        "UPDATE accounts SET mfa_enrolled = 1, mfa_enrolled_on = ?3 WHERE staff_id = ?1 AND system_id = ?2",
        params![staff, system, on.to_string()],
    )?;
    Ok(())
}
