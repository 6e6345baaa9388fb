//! Where a vault may live. SQLite's locking is unreliable on network file systems, and FUSE
//! mounts (sshfs, cloud drives) and sync tools copy a half-written encrypted file or make
//! conflict copies of it, so a vault there is refused unless the operator says otherwise
//! (`--allow-network-filesystem`, documented as unsafe).

use super::error::{VaultError, VaultResult};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

static ALLOW_NETWORK: AtomicBool = AtomicBool::new(false);

/// Accept vaults on network and FUSE file systems from now on (the operator's explicit choice).
pub fn allow_network_filesystems() {
    ALLOW_NETWORK.store(true, Ordering::Relaxed);
}

/// A file system that may not be safe for the vault, by its `statfs` magic number.
pub fn unsafe_kind(magic: i64) -> Option<&'static str> {
    // Values from linux/magic.h and the file systems' sources.
    Some(match magic {
        0x6969 => "NFS",
        0x517B => "SMB",
        0xFF53_4D42 => "CIFS (SMB)",
        0xFE53_4D42 => "SMB2",
        0x6573_5546 => "FUSE (sshfs, a cloud drive or another user-space file system)",
        0x0102_1997 => "9P",
        0x00C3_6400 => "Ceph",
        0x5346_414F => "AFS",
        0x7375_7245 => "Coda",
        0x564C => "NCP (NetWare)",
        0x0BD0_0BD0 => "Lustre",
        0x4750_4653 => "GPFS",
        _ => return None,
    })
}

/// Refuse a vault whose folder is on a network or FUSE file system.
pub fn check_local(database: &Path) -> VaultResult<()> {
    if ALLOW_NETWORK.load(Ordering::Relaxed) {
        return Ok(());
    }
    let folder = super::fsutil::folder_of(database);
    match magic_of(folder).and_then(unsafe_kind) {
        Some(kind) => Err(VaultError::Refused(format!(
            "{} is on a {kind} file system: SQLite's locking is not reliable there and a sync tool can make \
             conflict copies of the encrypted file, which can lose or split the office record. Keep the vault \
             on this computer's own disk (and back it up). To open it there anyway, at your own risk, use \
             --allow-network-filesystem",
            folder.display()
        ))),
        None => Ok(()),
    }
}

/// Whether the folder holding `database` is on a medium mounted read-only (a write-protected
/// stick, a CD, a read-only mount): then the vault can be opened for reading only.
pub fn is_read_only_medium(database: &Path) -> bool {
    read_only_flag(super::fsutil::folder_of(database)).unwrap_or(false)
}

/// A folder's path as C wants it for statfs(2) and statvfs(2).
#[cfg(unix)]
fn c_path(folder: &Path) -> Option<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(folder.as_os_str().as_bytes()).ok()
}

#[cfg(unix)]
fn read_only_flag(folder: &Path) -> Option<bool> {
    let path = c_path(folder)?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::zeroed();
    // SAFETY: `path` is NUL-terminated and `stat` is writable memory of the right type.
    let code = unsafe { libc::statvfs(path.as_ptr(), stat.as_mut_ptr()) };
    if code != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled the structure.
    let stat = unsafe { stat.assume_init() };
    Some(stat.f_flag & libc::ST_RDONLY != 0)
}

#[cfg(not(unix))]
fn read_only_flag(_folder: &Path) -> Option<bool> {
    None
}

#[cfg(target_os = "linux")]
fn magic_of(folder: &Path) -> Option<i64> {
    let path = c_path(folder)?;
    let mut stat = std::mem::MaybeUninit::<libc::statfs>::zeroed();
    // SAFETY: `path` is a valid NUL-terminated string and `stat` points to writable memory of
    // the right type; statfs only writes into it.
    let code = unsafe { libc::statfs(path.as_ptr(), stat.as_mut_ptr()) };
    if code != 0 {
        return None;
    }
    // SAFETY: statfs returned 0, so it filled the structure.
    let stat = unsafe { stat.assume_init() };
    #[allow(clippy::unnecessary_cast)] // f_type's width differs between targets
    Some(stat.f_type as i64)
}

#[cfg(not(target_os = "linux"))]
fn magic_of(_folder: &Path) -> Option<i64> {
    // Other systems: not detected yet (README says so).
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_and_fuse_file_systems_are_named_and_local_ones_pass() {
        assert_eq!(unsafe_kind(0x6969), Some("NFS"));
        assert!(unsafe_kind(0xFF53_4D42).is_some_and(|k| k.contains("CIFS")));
        assert!(unsafe_kind(0x6573_5546).is_some_and(|k| k.contains("FUSE")));
        for local in [0xEF53_i64, 0x0102_1994, 0x9123_683E, 0x5846_5342] {
            // ext4, tmpfs, btrfs, xfs
            assert_eq!(unsafe_kind(local), None);
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_temporary_folder_is_seen_as_local() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::io("tempdir", ".", e))?;
        assert!(magic_of(dir.path()).is_some());
        check_local(&dir.path().join("office.khv"))
    }
}
