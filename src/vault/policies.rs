//! Policies, their versions and acknowledgements; training courses and their completions. A
//! policy's document and a training certificate are kept here, inside the encrypted file.

use super::columns::{bad, required_date};
use super::error::VaultResult;
use super::handle::{Read, Write};
use crate::domain::policy::{Acknowledgement, Audience, Completion, Course, CourseId, Policy, PolicyId, PolicyVersion};
use crate::domain::staff::StaffId;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, params};

fn audience(text: &str) -> VaultResult<Audience> {
    Audience::parse(text).map_err(|_| bad("audience"))
}

pub fn insert_policy(&Write(Read(conn)): &Write<'_>, name: &str, audience: &Audience) -> VaultResult<PolicyId> {
    conn.execute("INSERT INTO policies (name, audience) VALUES (?1, ?2)", params![name, audience.as_text()])?;
    Ok(conn.last_insert_rowid())
}

pub struct NewVersion<'a> {
    pub version: &'a str,
    pub dated: Date,
    pub document: Option<(&'a str, &'a [u8])>,
    pub link: Option<&'a str>,
}

pub fn insert_version(&Write(Read(conn)): &Write<'_>, policy: PolicyId, new: &NewVersion<'_>) -> VaultResult<i64> {
    let (name, bytes) = new.document.map_or((None, None), |(n, b)| (Some(n), Some(b)));
    conn.execute(
        "INSERT INTO policy_versions (policy_id, version, dated, document_name, document, link)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![policy, new.version, new.dated.to_string(), name, bytes, new.link],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Every policy with its versions (oldest first), by name.
pub fn policies(&Read(conn): &Read<'_>) -> VaultResult<Vec<Policy>> {
    let mut statement = conn.prepare("SELECT id, name, audience FROM policies ORDER BY name COLLATE NOCASE")?;
    let rows =
        statement.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut all = Vec::new();
    for row in rows {
        let (id, name, text) = row?;
        all.push(Policy { id, name, audience: audience(&text)?, versions: Vec::new() });
    }
    let mut statement = conn
        .prepare("SELECT id, policy_id, version, dated, document_name, link FROM policy_versions ORDER BY dated, id")?;
    let rows = statement.query_map([], |r| {
        Ok((
            r.get::<_, i64>(1)?,
            PolicyVersion {
                id: r.get(0)?,
                version: r.get(2)?,
                dated: required_date(r.get(3)?)?,
                document: r.get(4)?,
                link: r.get(5)?,
            },
        ))
    })?;
    for row in rows {
        let (policy, version) = row?;
        if let Some(found) = all.iter_mut().find(|p| p.id == policy) {
            found.versions.push(version);
        }
    }
    Ok(all)
}

/// A version's document: its name and bytes.
pub fn document(&Read(conn): &Read<'_>, version: i64) -> VaultResult<Option<(String, Vec<u8>)>> {
    Ok(conn
        .query_row(
            "SELECT document_name, document FROM policy_versions WHERE id = ?1 AND document IS NOT NULL",
            [version],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Record (or re-date) `staff`'s acknowledgement of `version`.
pub fn acknowledge(
    &Write(Read(conn)): &Write<'_>,
    version: i64,
    staff: StaffId,
    on: Date,
    by: &str,
) -> VaultResult<()> {
    conn.execute(
        "INSERT OR REPLACE INTO policy_acks (version_id, staff_id, on_date, by_operator) VALUES (?1, ?2, ?3, ?4)",
        params![version, staff, on.to_string(), by],
    )?;
    Ok(())
}

pub fn acknowledgements(&Read(conn): &Read<'_>) -> VaultResult<Vec<Acknowledgement>> {
    let mut statement = conn.prepare("SELECT version_id, staff_id, on_date FROM policy_acks")?;
    let rows = statement.query_map([], |r| {
        Ok(Acknowledgement { version_id: r.get(0)?, staff_id: r.get(1)?, on: required_date(r.get(2)?)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn insert_course(
    &Write(Read(conn)): &Write<'_>,
    name: &str,
    every_days: i64,
    audience: &Audience,
    added_on: Date,
) -> VaultResult<CourseId> {
    conn.execute(
        "INSERT INTO courses (name, every_days, audience, added_on) VALUES (?1, ?2, ?3, ?4)",
        params![name, every_days, audience.as_text(), added_on.to_string()],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn courses(&Read(conn): &Read<'_>) -> VaultResult<Vec<Course>> {
    let mut statement =
        conn.prepare("SELECT id, name, every_days, audience, added_on FROM courses ORDER BY name COLLATE NOCASE")?;
    let rows = statement.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            required_date(r.get(4)?)?,
        ))
    })?;
    let mut all = Vec::new();
    for row in rows {
        let (id, name, every_days, text, added_on) = row?;
        all.push(Course { id, name, every_days, audience: audience(&text)?, added_on });
    }
    Ok(all)
}

pub struct NewCompletion<'a> {
    pub course: CourseId,
    pub staff: StaffId,
    pub on: Date,
    pub certificate: Option<(&'a str, &'a [u8])>,
    pub by: &'a str,
}

pub fn record_completion(&Write(Read(conn)): &Write<'_>, new: &NewCompletion<'_>) -> VaultResult<i64> {
    let (name, bytes) = new.certificate.map_or((None, None), |(n, b)| (Some(n), Some(b)));
    conn.execute(
        "INSERT INTO training_records (course_id, staff_id, on_date, certificate_name, certificate, by_operator)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![new.course, new.staff, new.on.to_string(), name, bytes, new.by],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn completions(&Read(conn): &Read<'_>) -> VaultResult<Vec<Completion>> {
    let mut statement = conn.prepare(
        "SELECT id, course_id, staff_id, on_date, certificate_name FROM training_records ORDER BY on_date, id",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(Completion {
            id: r.get(0)?,
            course_id: r.get(1)?,
            staff_id: r.get(2)?,
            on: required_date(r.get(3)?)?,
            certificate: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A purged person's certificates go with their details (the dates stay, as counts).
pub fn purge_certificates(&Write(Read(conn)): &Write<'_>, staff: StaffId) -> VaultResult<()> {
    conn.execute(
        "UPDATE training_records SET certificate = NULL, certificate_name = NULL WHERE staff_id = ?1",
        [staff],
    )?;
    Ok(())
}
