//! The audit log table: appends inside the caller's transaction, keeping the chain head in
//! `meta` so that records cut from the end are noticed too.

use super::error::{VaultError, VaultResult};
use super::handle::{Read, Write};
use crate::domain::audit::{self, AuditEvent, AuditRecord, GENESIS_HASH};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

const HEAD_KEY: &str = "audit_head";

fn to_hash(bytes: Vec<u8>) -> rusqlite::Result<[u8; 32]> {
    bytes.try_into().map_err(|_| rusqlite::Error::InvalidColumnType(0, "hash".into(), rusqlite::types::Type::Blob))
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<AuditRecord> {
    let at_ns: i64 = row.get("at_ns")?;
    Ok(AuditRecord {
        seq: row.get("seq")?,
        at: super::columns::required_timestamp(Some(at_ns))?,
        operator: row.get("operator")?,
        action: row.get("action")?,
        summary: row.get("summary")?,
        before: row.get("before")?,
        after: row.get("after")?,
        personal_staff: row.get("personal_staff")?,
        personal_sealed: row.get("personal")?,
        personal: None,
        prev_hash: to_hash(row.get("prev_hash")?)?,
        hash: to_hash(row.get("hash")?)?,
    })
}

/// The (record count, last hash) kept beside the chain.
pub fn head(conn: &Connection) -> VaultResult<(i64, [u8; 32])> {
    let value: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [HEAD_KEY], |row| row.get(0)).optional()?;
    let Some(value) = value else {
        return Ok((0, GENESIS_HASH));
    };
    let (count, hash) =
        value.split_once(':').ok_or_else(|| VaultError::Damaged("the audit chain head is unreadable".into()))?;
    let count = count.parse().map_err(|_| VaultError::Damaged("the audit chain head is unreadable".into()))?;
    let mut bytes = [0_u8; 32];
    hex::decode_to_slice(hash, &mut bytes)
        .map_err(|_| VaultError::Damaged("the audit chain head is unreadable".into()))?;
    Ok((count, bytes))
}

/// Append one record. Call inside the transaction that makes the change it describes.
pub fn append(&Write(Read(conn)): &Write<'_>, operator: &str, at: Timestamp, event: &AuditEvent) -> VaultResult<i64> {
    let (count, prev) = head(conn)?;
    let seq = count + 1;
    let sealed = match &event.personal {
        Some((staff, text)) => Some((*staff, super::personal::seal(conn, *staff, seq, text)?)),
        None => None,
    };
    let hash =
        audit::record_hash_sealed(&prev, seq, at, operator, event, sealed.as_ref().map(|(s, b)| (*s, b.as_slice())));
    let at_ns = super::columns::ns(at)?;
    let (personal_staff, personal) = sealed.unzip();
    conn.execute(
        "INSERT INTO audit_log (seq, at_ns, operator, action, summary, before, after, prev_hash, hash, personal_staff, personal)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            seq,
            at_ns,
            operator,
            event.action,
            event.summary,
            event.before,
            event.after,
            &prev[..],
            &hash[..],
            personal_staff,
            personal
        ],
    )?;
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![HEAD_KEY, format!("{seq}:{}", hex::encode(hash))],
    )?;
    Ok(seq)
}

/// The hash of record `seq`, if there is one.
pub fn hash_at(conn: &Connection, seq: i64) -> VaultResult<Option<[u8; 32]>> {
    let hash: Option<Vec<u8>> =
        conn.query_row("SELECT hash FROM audit_log WHERE seq = ?1", [seq], |row| row.get(0)).optional()?;
    Ok(hash.and_then(|bytes| bytes.try_into().ok()))
}

/// The newest `limit` records, newest first, personal parts decrypted where their key exists.
pub fn recent(&Read(conn): &Read<'_>, limit: usize) -> VaultResult<Vec<AuditRecord>> {
    let mut statement = conn.prepare("SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?1")?;
    let rows = statement.query_map([limit as i64], from_row)?;
    with_personal(conn, rows.collect::<Result<_, _>>()?)
}

/// The records after `seq`, newest first (what was added since a page of them was read).
pub fn after(&Read(conn): &Read<'_>, seq: i64) -> VaultResult<Vec<AuditRecord>> {
    let mut statement = conn.prepare_cached("SELECT * FROM audit_log WHERE seq > ?1 ORDER BY seq DESC")?;
    let rows = statement.query_map([seq], from_row)?;
    with_personal(conn, rows.collect::<Result<_, _>>()?)
}

/// Every record, oldest first, personal parts decrypted where their key exists.
pub fn all(&Read(conn): &Read<'_>) -> VaultResult<Vec<AuditRecord>> {
    let mut statement = conn.prepare("SELECT * FROM audit_log ORDER BY seq")?;
    let rows = statement.query_map([], from_row)?;
    with_personal(conn, rows.collect::<Result<_, _>>()?)
}

fn with_personal(conn: &Connection, mut records: Vec<AuditRecord>) -> VaultResult<Vec<AuditRecord>> {
    if records.iter().all(|r| r.personal_sealed.is_none()) {
        return Ok(records);
    }
    let keys = super::personal::keys(conn)?;
    for record in &mut records {
        if let (Some(staff), Some(sealed)) = (record.personal_staff, record.personal_sealed.as_deref()) {
            record.personal = super::personal::open(&keys, staff, record.seq, sealed);
        }
    }
    Ok(records)
}

/// Check the whole chain against its stored head.
pub fn verify(conn: &Connection) -> VaultResult<Result<(), audit::ChainBreak>> {
    let records = all(&Read(conn))?;
    Ok(audit::verify_chain(&records, head(conn)?))
}
