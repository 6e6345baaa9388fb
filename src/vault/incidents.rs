//! The incident register in the database: each incident's facts and decisions as one JSON
//! body, its timeline (attached files kept here, inside the encrypted file), its links to the
//! record, and the containment checklists it started.

use super::columns::{bad, ns, required_timestamp};
use super::error::{VaultError, VaultResult};
use super::handle::{Read, Write};
use crate::domain::checklist::ChecklistId;
use crate::domain::incident::{Incident, IncidentId, Link, Update, UpdateKind};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

fn body(incident: &Incident) -> VaultResult<String> {
    serde_json::to_string(incident).map_err(|e| VaultError::Refused(e.to_string()))
}

fn from_body(id: IncidentId, text: &str) -> VaultResult<Incident> {
    let mut incident: Incident = serde_json::from_str(text).map_err(|_| bad("incident"))?;
    incident.id = id;
    Ok(incident)
}

/// Store a new incident; its id.
pub fn insert(&Write(Read(conn)): &Write<'_>, incident: &Incident) -> VaultResult<IncidentId> {
    conn.execute(
        "INSERT INTO incidents (aware_ns, closed_ns, body) VALUES (?1, NULL, ?2)",
        params![ns(incident.aware_at)?, body(incident)?],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn save(&Write(Read(conn)): &Write<'_>, incident: &Incident) -> VaultResult<()> {
    let closed = incident.closed_at.map(ns).transpose()?;
    conn.execute(
        "UPDATE incidents SET aware_ns = ?2, closed_ns = ?3, body = ?4 WHERE id = ?1",
        params![incident.id, ns(incident.aware_at)?, closed, body(incident)?],
    )?;
    Ok(())
}

pub fn get(&Read(conn): &Read<'_>, id: IncidentId) -> VaultResult<Option<Incident>> {
    let text: Option<String> =
        conn.query_row("SELECT body FROM incidents WHERE id = ?1", [id], |row| row.get(0)).optional()?;
    text.map(|t| from_body(id, &t)).transpose()
}

/// Every incident, the most recent awareness first.
pub fn all(read: &Read<'_>) -> VaultResult<Vec<Incident>> {
    select(read, "SELECT id, body FROM incidents ORDER BY aware_ns DESC, id DESC")
}

/// The open incidents (the dashboard's clock), the oldest awareness first.
pub fn open(read: &Read<'_>) -> VaultResult<Vec<Incident>> {
    select(read, "SELECT id, body FROM incidents WHERE closed_ns IS NULL ORDER BY aware_ns, id")
}

fn select(&Read(conn): &Read<'_>, sql: &str) -> VaultResult<Vec<Incident>> {
    let mut statement = conn.prepare(sql)?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)))?;
    rows.map(|row| {
        let (id, text) = row?;
        from_body(id, &text)
    })
    .collect()
}

pub struct NewUpdate<'a> {
    pub at: Timestamp,
    pub by: &'a str,
    pub kind: UpdateKind,
    pub text: &'a str,
    pub attachment: Option<(&'a str, &'a [u8])>,
}

pub fn add_update(&Write(Read(conn)): &Write<'_>, incident: IncidentId, update: &NewUpdate<'_>) -> VaultResult<i64> {
    let (name, bytes) = update.attachment.map_or((None, None), |(n, b)| (Some(n), Some(b)));
    conn.execute(
        "INSERT INTO incident_updates (incident_id, at_ns, by_operator, kind, text, attachment_name, attachment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![incident, ns(update.at)?, update.by, update.kind.as_str(), update.text, name, bytes],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The timeline, oldest first (attachments by name only).
pub fn updates(&Read(conn): &Read<'_>, incident: IncidentId) -> VaultResult<Vec<Update>> {
    let mut statement = conn.prepare(
        "SELECT id, at_ns, by_operator, kind, text, attachment_name FROM incident_updates
         WHERE incident_id = ?1 ORDER BY at_ns, id",
    )?;
    let rows = statement.query_map([incident], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            required_timestamp(row.get(1)?)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, Option<String>>(5)?,
        ))
    })?;
    rows.map(|row| {
        let (id, at, by, kind, text, attachment) = row?;
        let kind = UpdateKind::parse(&kind).map_err(|_| bad("incident update"))?;
        Ok(Update { id, at, by, kind, text, attachment })
    })
    .collect()
}

/// An attached file: its name and bytes.
pub fn attachment(&Read(conn): &Read<'_>, update: i64) -> VaultResult<Option<(String, Vec<u8>)>> {
    Ok(conn
        .query_row(
            "SELECT attachment_name, attachment FROM incident_updates WHERE id = ?1 AND attachment IS NOT NULL",
            [update],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}

pub fn link(&Write(Read(conn)): &Write<'_>, incident: IncidentId, link: Link) -> VaultResult<bool> {
    let added = conn.execute(
        "INSERT OR IGNORE INTO incident_links (incident_id, kind, target_id) VALUES (?1, ?2, ?3)",
        params![incident, link.kind(), link.id()],
    )?;
    Ok(added > 0)
}

pub fn links(&Read(conn): &Read<'_>, incident: IncidentId) -> VaultResult<Vec<Link>> {
    let mut statement =
        conn.prepare("SELECT kind, target_id FROM incident_links WHERE incident_id = ?1 ORDER BY kind, target_id")?;
    let rows = statement.query_map([incident], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))?;
    rows.map(|row| {
        let (kind, id) = row?;
        Link::from_parts(&kind, id).ok_or_else(|| bad("incident link"))
    })
    .collect()
}

/// Mark `checklist` as containing `incident`.
pub fn attach_checklist(
    &Write(Read(conn)): &Write<'_>,
    incident: IncidentId,
    checklist: ChecklistId,
) -> VaultResult<()> {
    conn.execute("UPDATE checklists SET incident_id = ?1 WHERE id = ?2", params![incident, checklist])?;
    Ok(())
}

/// The containment checklists an incident started.
pub fn checklist_ids(&Read(conn): &Read<'_>, incident: IncidentId) -> VaultResult<Vec<ChecklistId>> {
    let mut statement = conn.prepare("SELECT id FROM checklists WHERE incident_id = ?1 ORDER BY id")?;
    let rows = statement.query_map([incident], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
