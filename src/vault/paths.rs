//! The files that make up one vault, named from its database path, and the checks made on
//! them before anything is opened.

use super::error::{VaultError, VaultResult};
use super::filesystem;
use std::path::{Path, PathBuf};

/// The files that make up one vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultPaths {
    pub database: PathBuf,
    pub slots: PathBuf,
    pub lock: PathBuf,
    pub attempts: PathBuf,
}

impl VaultPaths {
    pub fn new(database: impl Into<PathBuf>) -> Self {
        let database = database.into();
        let with = |suffix: &str| {
            let mut name = database.as_os_str().to_os_string();
            name.push(suffix);
            PathBuf::from(name)
        };
        Self { slots: with(".keys"), lock: with(".lock"), attempts: with(".attempts"), database }
    }

    /// The server's address when the record is kept on a PostgreSQL server, not in a file.
    pub fn server_address(&self) -> Option<&str> {
        self.database.to_str().filter(|text| super::server::is_server_address(text))
    }

    pub fn wal(&self) -> PathBuf {
        let mut name = self.database.as_os_str().to_os_string();
        name.push("-wal");
        PathBuf::from(name)
    }

    pub fn shm(&self) -> PathBuf {
        let mut name = self.database.as_os_str().to_os_string();
        name.push("-shm");
        PathBuf::from(name)
    }

    /// The key file of a change of data key that has not finished yet.
    pub fn slots_next(&self) -> PathBuf {
        let mut name = self.slots.as_os_str().to_os_string();
        name.push(".next");
        PathBuf::from(name)
    }

    pub fn exists(&self) -> bool {
        self.database.exists() || self.slots.exists()
    }

    /// Make ready for a new vault: refuse if one is there, create the folder if needed.
    pub fn prepare_new(&self) -> VaultResult<()> {
        if self.exists() {
            return Err(VaultError::AlreadyExists(self.database.clone()));
        }
        if let Some(parent) = self.database.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| VaultError::io("cannot create folder", parent, e))?;
        }
        Ok(())
    }

    /// Remove a vault that failed to come into being (create, restore). Best effort.
    pub fn remove_unfinished(&self) {
        for path in [&self.database, &self.slots, &self.wal(), &self.shm(), &self.lock, &self.attempts] {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Refuse a database file that cannot be a vault before SQLite touches it (SQLite would
    /// write a new header into an empty file), and one on a network or FUSE file system.
    pub fn check_database_file(&self) -> VaultResult<()> {
        let size = |path: &Path| std::fs::metadata(path).map(|m| m.len());
        let length = match size(&self.database) {
            Ok(length) => length,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(VaultError::NotFound(self.database.clone()));
            }
            Err(e) => return Err(VaultError::io("cannot read", &self.database, e)),
        };
        // Right after creation the data may still be only in the write-ahead log.
        if length == 0 && size(&self.wal()).unwrap_or(0) == 0 {
            return Err(VaultError::Damaged(format!(
                "{} is empty (0 bytes): it was truncated or is not a Keyholder vault; restore a backup",
                self.database.display()
            )));
        }
        filesystem::check_local(&self.database)
    }

    /// The vault's display name: the file name without its extension.
    pub fn display_name(&self) -> String {
        if let Some(address) = self.server_address() {
            return super::server::database_name(address);
        }
        self.database.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
    }
}
