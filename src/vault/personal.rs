//! Per-person keys for the personal part of audit records (crypto-shredding). The audit log is
//! append-only and hash-chained, so a purge cannot rewrite it; instead each person's details in
//! it are sealed under that person's own random key, and the purge deletes the key (with
//! SQLite's `secure_delete` on, so the key's bytes are overwritten, not left in a free page).

use super::crypto::{self, KEY_BYTES, NONCE_BYTES, Sealed};
use super::envelope;
use super::error::{VaultError, VaultResult};
use super::handle::{Read, Write};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use zeroize::Zeroizing;

type StaffKey = Zeroizing<Vec<u8>>;

fn context(staff: i64, seq: i64) -> Vec<u8> {
    format!("keyholder-audit-personal-v1\0{staff}\0{seq}").into_bytes()
}

fn key_of(conn: &Connection, staff: i64) -> VaultResult<Option<StaffKey>> {
    let key: Option<Vec<u8>> =
        conn.query_row("SELECT key FROM staff_keys WHERE staff_id = ?1", [staff], |row| row.get(0)).optional()?;
    Ok(key.map(Zeroizing::new))
}

/// Seal `text` about `staff` for audit record `seq` (the person's key is made on first use).
pub fn seal(conn: &Connection, staff: i64, seq: i64, text: &str) -> VaultResult<Vec<u8>> {
    let key = match key_of(conn, staff)? {
        Some(key) => key,
        None => {
            let key = crypto::random_secret(KEY_BYTES)?;
            conn.execute("INSERT INTO staff_keys (staff_id, key) VALUES (?1, ?2)", params![staff, key.as_slice()])?;
            key
        }
    };
    let key: &[u8; KEY_BYTES] =
        key.as_slice().try_into().map_err(|_| VaultError::Damaged("a staff key is unreadable".into()))?;
    let sealed = envelope::seal_bytes(key, text.as_bytes(), &context(staff, seq))?;
    let mut bytes = sealed.nonce.to_vec();
    bytes.extend_from_slice(&sealed.ciphertext);
    Ok(bytes)
}

/// Every person's key that still exists (read once per listing of the log).
pub fn keys(conn: &Connection) -> VaultResult<HashMap<i64, StaffKey>> {
    let mut statement = conn.prepare("SELECT staff_id, key FROM staff_keys")?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, i64>(0)?, Zeroizing::new(row.get::<_, Vec<u8>>(1)?))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The text sealed for record `seq`, or `None` when the person's key is gone (purged).
pub fn open(keys: &HashMap<i64, StaffKey>, staff: i64, seq: i64, bytes: &[u8]) -> Option<String> {
    let key: &[u8; KEY_BYTES] = keys.get(&staff)?.as_slice().try_into().ok()?;
    let nonce: [u8; NONCE_BYTES] = bytes.get(..NONCE_BYTES)?.try_into().ok()?;
    let sealed = Sealed { nonce, ciphertext: bytes.get(NONCE_BYTES..)?.to_vec() };
    let plain = envelope::open_bytes(key, &sealed, &context(staff, seq))?;
    String::from_utf8(plain.to_vec()).ok()
}

/// Destroy a person's key: every personal part sealed under it becomes unreadable for good.
pub fn shred(&Write(Read(conn)): &Write<'_>, staff: i64) -> VaultResult<()> {
    conn.execute("DELETE FROM staff_keys WHERE staff_id = ?1", [staff])?;
    Ok(())
}
