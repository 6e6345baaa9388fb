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

/// Write an export or report to a new file readable by its owner only; never overwrites.
pub fn write_new(path: &Path, bytes: &[u8]) -> VaultResult<()> {
    let mut file = create_private(path)?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|e| VaultError::io("cannot write", path, e))
}

/// The temporary name used while `path` is being replaced.
pub fn temp_path(path: &Path, tag: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".{tag}-{}.tmp", std::process::id()));
    path.with_file_name(name)
}

/// Replace `path` with `bytes` so that a crash leaves either the old or the new file whole.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> VaultResult<()> {
    let temp = temp_path(path, "new");
    let result = (|| {
        let mut file = create_private(&temp)?;
        file.write_all(bytes).map_err(|e| VaultError::io("cannot write", &temp, e))?;
        file.sync_all().map_err(|e| VaultError::io("cannot flush", &temp, e))?;
        drop(file);
        std::fs::rename(&temp, path).map_err(|e| VaultError::io("cannot replace", path, e))?;
        sync_parent(path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Make a rename or a new file in a folder durable.
pub fn sync_parent(path: &Path) -> VaultResult<()> {
    #[cfg(unix)]
    {
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let dir = File::open(parent).map_err(|e| VaultError::io("cannot open folder", parent, e))?;
        dir.sync_all().map_err(|e| VaultError::io("cannot flush folder", parent, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
