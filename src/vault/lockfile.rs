//! One process at a time: an exclusive OS lock on `<vault>.lock`, holding the owner's pid so a
//! second opener can say who has it. The OS releases the lock when the process dies, even by
//! SIGKILL, so a crash never leaves the vault locked.

use super::error::{VaultError, VaultResult};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

/// Held while the vault is open; dropping it releases the lock.
#[derive(Debug)]
pub struct ProcessLock {
    _file: File,
}

impl ProcessLock {
    pub fn acquire(path: &Path) -> VaultResult<Self> {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|e| VaultError::io("cannot open lock file", path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(VaultError::AlreadyOpen { pid: text.trim().parse().ok() });
            }
            Err(TryLockError::Error(e)) => return Err(VaultError::io("cannot lock", path, e)),
        }
        let written = file
            .set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(std::process::id().to_string().as_bytes()));
        written.map_err(|e| VaultError::io("cannot write lock file", path, e))?;
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holders_pid() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::io("tempdir", ".", e))?;
        let path = dir.path().join("v.lock");
        let first = ProcessLock::acquire(&path)?;
        match ProcessLock::acquire(&path) {
            Err(VaultError::AlreadyOpen { pid }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected AlreadyOpen, got {other:?}"),
        }
        drop(first);
        ProcessLock::acquire(&path).map(drop)
    }
}
