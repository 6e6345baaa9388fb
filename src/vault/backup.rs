//! Backups: one portable file holding the key slots and an encrypted copy of the database made
//! with the SQLite backup API (never by copying the open file). The vault is only read, and
//! the backup appears under its final name only once complete, so a failed or interrupted
//! backup harms nothing.
//!
//! Layout: the line `KEYHOLDER-BACKUP 1`, one line of JSON ([`Header`]), then the database bytes.

use super::error::{VaultError, VaultResult};
use super::slots::SlotFile;
use super::{Vault, VaultPaths, db, fsutil};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

const MAGIC: &[u8] = b"KEYHOLDER-BACKUP 1\n";

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    created_at: String,
    slots: SlotFile,
    database_len: u64,
    database_sha256: String,
}

impl Vault {
    /// Write a backup of this vault to `target` (which must not exist).
    pub fn backup_to(&self, target: &Path, now: jiff::Timestamp) -> VaultResult<u64> {
        fsutil::refuse_vault_file(target)?;
        if target.exists() {
            return Err(VaultError::AlreadyExists(target.to_path_buf()));
        }
        let copy = fsutil::temp_path(target, "db");
        let result = self.write_backup(target, &copy, now);
        let _ = std::fs::remove_file(&copy);
        result
    }

    fn write_backup(&self, target: &Path, copy: &Path, now: jiff::Timestamp) -> VaultResult<u64> {
        drop(fsutil::create_private(copy)?);
        if self.server().is_some() {
            // The local copy of a server's record is not encrypted: exported into the file.
            db::export_encrypted(self.conn(), copy, self.data_key())?;
        } else {
            let mut destination = db::open(copy, self.data_key(), false)?;
            db::run_pragma(&destination, "PRAGMA journal_mode = DELETE")?;
            let backup = rusqlite::backup::Backup::new(self.conn(), &mut destination)?;
            backup.run_to_completion(256, std::time::Duration::ZERO, None)?;
        }
        let database = std::fs::read(copy).map_err(|e| VaultError::io("cannot read", copy, e))?;
        let header = Header {
            created_at: now.to_string(),
            slots: self.slots().clone(),
            database_len: database.len() as u64,
            database_sha256: hex::encode(Sha256::digest(&database)),
        };
        let mut bytes = MAGIC.to_vec();
        serde_json::to_writer(&mut bytes, &header).map_err(|e| VaultError::Refused(e.to_string()))?;
        bytes.push(b'\n');
        bytes.extend_from_slice(&database);
        let partial = fsutil::temp_path(target, "partial");
        let written = (|| {
            let mut file = fsutil::create_private(&partial)?;
            file.write_all(&bytes).map_err(|e| VaultError::io("cannot write", &partial, e))?;
            file.sync_all().map_err(|e| VaultError::io("cannot flush", &partial, e))?;
            std::fs::rename(&partial, target).map_err(|e| VaultError::io("cannot create", target, e))?;
            fsutil::sync_parent(target)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        written.map(|()| bytes.len() as u64)
    }
}

/// Read a backup file and check it is whole.
fn read_backup(file: &Path) -> VaultResult<(SlotFile, Vec<u8>)> {
    let bytes = std::fs::read(file).map_err(|e| VaultError::io("cannot read", file, e))?;
    parse(&bytes)
        .map_err(|reason| VaultError::Refused(format!("{} is not a usable Keyholder backup: {reason}", file.display())))
}

/// Split a backup into its key file and database, checking the length, the checksum and the
/// key file's own rules (the same as for a key file beside a vault).
pub fn parse(bytes: &[u8]) -> Result<(SlotFile, Vec<u8>), String> {
    #[derive(Deserialize)]
    struct RawHeader {
        slots: serde_json::Value,
        database_len: u64,
        database_sha256: String,
    }
    let rest = bytes.strip_prefix(MAGIC).ok_or("it does not start like one")?;
    let newline = rest.iter().position(|&b| b == b'\n').ok_or("its header is cut off")?;
    let header: RawHeader =
        serde_json::from_slice(&rest[..newline]).map_err(|_| "its header is unreadable".to_owned())?;
    let database = rest[newline + 1..].to_vec();
    if database.len() as u64 != header.database_len {
        return Err("it is incomplete".to_owned());
    }
    if hex::encode(Sha256::digest(&database)) != header.database_sha256 {
        return Err("its contents do not match their checksum".to_owned());
    }
    let slots_json = serde_json::to_vec(&header.slots).map_err(|e| e.to_string())?;
    let slots = SlotFile::parse(&slots_json).map_err(|reason| format!("its key file is unusable: {reason}"))?;
    Ok((slots, database))
}

/// Restore a backup as a new vault at `target`. Refuses to overwrite anything.
pub fn restore(file: &Path, target: &VaultPaths) -> VaultResult<()> {
    let (slots, database) = read_backup(file)?;
    target.prepare_new()?;
    let result = (|| {
        fsutil::write_atomic(&target.database, &database)?;
        slots.save(&target.slots)?;
        super::attempts::Attempts::new(target.attempts.clone(), true).clear()
    })();
    if result.is_err() {
        target.remove_unfinished();
    }
    result
}
