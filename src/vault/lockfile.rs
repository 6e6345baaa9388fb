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
            // Never follow a link planted in the vault's folder: we truncate what we open.
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        let mut file = options.open(path).map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => not_a_lock_file(path, "it is a symbolic link"),
            _ => VaultError::io("cannot open lock file", path, e),
        })?;
        check_plain_file(&file, path)?;
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

fn not_a_lock_file(path: &Path, why: &str) -> VaultError {
    VaultError::Refused(format!(
        "{} is not Keyholder's lock file ({why}); someone may be trying to make Keyholder overwrite another \
         file. Remove it and try again",
        path.display()
    ))
}

/// A hard link would make us truncate the file it shares with (another user's, a system file).
fn check_plain_file(file: &File, path: &Path) -> VaultResult<()> {
    let meta = file.metadata().map_err(|e| VaultError::io("cannot inspect lock file", path, e))?;
    if !meta.is_file() {
        return Err(not_a_lock_file(path, "it is not a plain file"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() != 1 {
            return Err(not_a_lock_file(path, "it has another name (a hard link)"));
        }
    }
    Ok(())
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

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_refused_and_its_target_left_alone() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::io("tempdir", ".", e))?;
        let target = dir.path().join("precious.txt");
        std::fs::write(&target, b"keep me").map_err(|e| VaultError::io("write", &target, e))?;
        let symlink = dir.path().join("a.lock");
        std::os::unix::fs::symlink(&target, &symlink).map_err(|e| VaultError::io("symlink", &symlink, e))?;
        assert!(matches!(ProcessLock::acquire(&symlink), Err(VaultError::Refused(_))));
        let hard = dir.path().join("b.lock");
        std::fs::hard_link(&target, &hard).map_err(|e| VaultError::io("link", &hard, e))?;
        assert!(matches!(ProcessLock::acquire(&hard), Err(VaultError::Refused(_))));
        assert_eq!(std::fs::read(&target).ok(), Some(b"keep me".to_vec()));
        Ok(())
    }
}
