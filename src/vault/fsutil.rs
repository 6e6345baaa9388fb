//! Small file-system helpers the vault relies on: files only the owner can read, and
//! replacements that are atomic (temporary file, fsync, rename, fsync of the folder).

use super::error::{VaultError, VaultResult};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Open a new file that only its owner may read or write. Fails if it exists.
pub fn create_private(path: &Path) -> VaultResult<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|e| VaultError::io("cannot create", path, e))
}

/// Make a folder (and its parents) that only its owner may enter, if it is not there.
pub fn create_private_dir(path: &Path) -> VaultResult<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path).map_err(|e| VaultError::io("cannot create", path, e))
}

/// Write an export or report (every file Keyholder writes for people: CSV, PDF, QR pictures):
/// readable by its owner only, written to a temporary file, synced, then put in place, so a
/// crash or a full disk never leaves half a file. An existing file is kept — the operation
/// fails with [`VaultError::AlreadyExists`] — unless `overwrite` (the GUI asked, or `--force`).
pub fn write_export(path: &Path, bytes: &[u8], overwrite: bool) -> VaultResult<()> {
    if path.as_os_str().is_empty() {
        return Err(VaultError::Refused("name the file to write".into()));
    }
    refuse_vault_file(path)?;
    write_via_temp(path, "export", bytes, |temp| {
        if overwrite { rename(temp, path) } else { place_without_replacing(temp, path) }
    })
}

/// The endings of the files that make up a vault (database, key file, journal, lock, sign-in
/// attempts, an unfinished change of key).
const VAULT_FILE_ENDINGS: [&str; 7] =
    [".khv", ".khv.keys", ".khv-wal", ".khv-shm", ".khv.lock", ".khv.attempts", ".keys.next"];

/// Whether `path` looks like one of a vault's own files.
pub fn is_vault_file(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    VAULT_FILE_ENDINGS.iter().any(|ending| name.ends_with(ending))
}

/// Exports, reports and backups never go over a vault's own files, whatever is confirmed.
pub fn refuse_vault_file(path: &Path) -> VaultResult<()> {
    if is_vault_file(path) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        return Err(VaultError::Refused(format!(
            "{name} is one of a Keyholder vault's own files; choose another name (writing there could lock the office out)"
        )));
    }
    Ok(())
}

/// Write `bytes` to a private temporary file beside `path`, sync it, let `place` give it its
/// name, sync the folder. The temporary file never outlives the call (a hard link leaves it
/// behind on success, a failure at any step too).
fn write_via_temp(
    path: &Path,
    tag: &str,
    bytes: &[u8],
    place: impl FnOnce(&Path) -> VaultResult<()>,
) -> VaultResult<()> {
    let temp = temp_path(path, tag);
    let result = (|| {
        let mut file = create_private(&temp)?;
        file.write_all(bytes).map_err(|e| VaultError::io("cannot write", &temp, e))?;
        file.sync_all().map_err(|e| VaultError::io("cannot flush", &temp, e))?;
        drop(file);
        place(&temp)?;
        sync_parent(path)
    })();
    if temp.exists() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn rename(temp: &Path, path: &Path) -> VaultResult<()> {
    std::fs::rename(temp, path).map_err(|e| VaultError::io("cannot replace", path, e))
}

/// Give `temp` the name `path` unless something already has it: a hard link is created only
/// when the name is free (atomically); where links are not supported (FAT), check then rename.
fn place_without_replacing(temp: &Path, path: &Path) -> VaultResult<()> {
    match std::fs::hard_link(temp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(VaultError::AlreadyExists(path.to_path_buf())),
        Err(_) if path.exists() => Err(VaultError::AlreadyExists(path.to_path_buf())),
        Err(_) => rename(temp, path),
    }
}

/// [`write_export`] that never replaces a file.
pub fn write_new(path: &Path, bytes: &[u8]) -> VaultResult<()> {
    write_export(path, bytes, false)
}

/// The temporary name used while `path` is being replaced.
pub fn temp_path(path: &Path, tag: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".{tag}-{}.tmp", std::process::id()));
    path.with_file_name(name)
}

/// Replace `path` with `bytes` so that a crash leaves either the old or the new file whole.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> VaultResult<()> {
    write_via_temp(path, "new", bytes, |temp| rename(temp, path))
}

/// The folder `path` is in ("." for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Remove temporary files left beside `path` by a process that was killed while replacing it
/// (`<name>.<tag>-<pid>.tmp`). Call only while holding the vault's process lock. Best effort:
/// a file that cannot be removed is only clutter.
pub fn remove_stale_temp_files(path: &Path) {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return };
    let Ok(entries) = std::fs::read_dir(folder_of(path)) else { return };
    let prefix = format!("{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        let stale = file_name.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix(".tmp")).is_some_and(|middle| {
            middle.rsplit_once('-').is_some_and(|(tag, pid)| !tag.is_empty() && pid.chars().all(|c| c.is_ascii_digit()))
        });
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Make a rename or a new file in a folder durable.
pub fn sync_parent(path: &Path) -> VaultResult<()> {
    #[cfg(unix)]
    {
        let parent = folder_of(path);
        let dir = File::open(parent).map_err(|e| VaultError::io("cannot open folder", parent, e))?;
        dir.sync_all().map_err(|e| VaultError::io("cannot flush folder", parent, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_is_private_whole_and_never_replaces_a_file_unless_asked() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::io("tempdir", ".", e))?;
        let path = dir.path().join("staff.csv");
        write_export(&path, b"first", false)?;
        assert!(matches!(write_export(&path, b"second", false), Err(VaultError::AlreadyExists(_))));
        assert_eq!(std::fs::read(&path).ok(), Some(b"first".to_vec()));
        write_export(&path, b"second", true)?;
        assert_eq!(std::fs::read(&path).ok(), Some(b"second".to_vec()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777).ok();
            assert_eq!(mode, Some(0o600));
        }
        let names = std::fs::read_dir(dir.path()).map_err(|e| VaultError::io("list", dir.path(), e))?.count();
        assert_eq!(names, 1, "no temporary file is left");
        Ok(())
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_file() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::io("tempdir", ".", e))?;
        let path = dir.path().join("slots.json");
        write_atomic(&path, b"one")?;
        write_atomic(&path, b"two")?;
        assert_eq!(std::fs::read(&path).ok(), Some(b"two".to_vec()));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .map_err(|e| VaultError::io("list", dir.path(), e))?
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777).ok();
            assert_eq!(mode, Some(0o600));
        }
        Ok(())
    }

    #[test]
    fn nothing_is_written_over_a_vaults_own_files_even_when_replacing_is_confirmed() {
        let dir = tempfile::tempdir().expect("dir");
        for name in ["office.khv", "office.khv.keys", "Office.KHV-wal", "demo.khv.attempts"] {
            let path = dir.path().join(name);
            std::fs::write(&path, b"vault").expect("write");
            assert!(write_export(&path, b"a,b", true).is_err(), "{name}");
            assert_eq!(std::fs::read(&path).expect("read"), b"vault");
        }
        assert!(write_export(&dir.path().join("office.khv.csv"), b"a,b", false).is_ok());
    }
}
