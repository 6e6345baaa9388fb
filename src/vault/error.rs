//! Everything that can go wrong with the vault file, in words the user can act on. No variant
//! carries a secret: messages name files and operators, never passwords or keys.

use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum VaultError {
    /// The operator stopped a long write; its transaction was rolled back.
    #[error("cancelled: nothing was changed or written")]
    Cancelled,
    #[error("there is no vault at {0} (create one with `keyholder init`)")]
    NotFound(PathBuf),
    #[error("a vault already exists at {0}; choose another path")]
    AlreadyExists(PathBuf),
    #[error("the vault is already open in another Keyholder window or command{}", pid_suffix(*.pid))]
    AlreadyOpen { pid: Option<u32> },
    #[error("wrong operator name or password")]
    WrongPassword,
    #[error("wrong recovery key")]
    WrongRecoveryKey,
    #[error("this computer has no remembered key for {0}; sign in with the password")]
    NotRemembered(String),
    #[error("too many failed sign-ins; try again in {retry_in_secs} s")]
    TooManyAttempts { retry_in_secs: i64 },
    #[error("{0}")]
    Refused(String),
    #[error(
        "Keyholder cannot record this sign-in attempt beside the vault, so it checks no password until it can: {0}"
    )]
    CannotCountAttempt(Box<VaultError>),
    #[error("operator {0} was removed from this vault and cannot sign in")]
    OperatorRemoved(String),
    #[error(
        "this database is older than its key file: {missing} change(s) are missing (an older copy of office          database was put back). Restore the most recent backup with `keyholder restore`"
    )]
    RolledBack { missing: i64 },
    #[error(
        "this database does not match its key file: their histories differ after change {at}. Restore the most          recent backup with `keyholder restore`"
    )]
    HistoryDiverged { at: i64 },
    #[error("the vault is damaged: {0}")]
    Damaged(String),
    #[error(
        "the database does not open with the key from its key file: the database or the key file was damaged or \
         replaced by another copy (restore both from the same backup)"
    )]
    KeyRejected,
    #[error("the vault's files cannot be opened here: {0}")]
    CannotOpen(String),
    #[error(
        "the vault is on a read-only medium and was opened for reading: nothing can be changed (copy its folder to a writable place to work on it)"
    )]
    ReadOnlyMedium,
    #[error("the key file {path} cannot be read: {reason}")]
    BadSlotFile { path: PathBuf, reason: String },
    #[error("the OS keyring is not available: {0}")]
    Keyring(String),
    #[error("the disk is full: nothing was changed (free some space and try again)")]
    DiskFull,
    #[error("the vault file is busy (another program holds a lock on it); try again")]
    Busy,
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The PostgreSQL server holding a shared office record: unreachable, refused, or odd.
    #[error("the office's database server: {0}")]
    Server(String),
    /// Another desk changed what this change was built on; nothing was saved.
    #[error("not saved: {0}")]
    Conflict(String),
    /// Something SQLite refused that no other variant names (a constraint, a limit).
    #[error("the vault refused this change and kept everything as it was (SQLite said: {0})")]
    Database(String),
}

fn pid_suffix(pid: Option<u32>) -> String {
    pid.map(|pid| format!(" (pid {pid})")).unwrap_or_default()
}

impl VaultError {
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        if source.raw_os_error() == Some(28) {
            return Self::DiskFull;
        }
        Self::Io { action, path: path.into(), source }
    }
}

impl From<rusqlite::Error> for VaultError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &error
            && let Some(unreadable) = inner.downcast_ref::<super::columns::Unreadable>()
        {
            return Self::Damaged(unreadable.to_string());
        }
        match error.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Self::DiskFull,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Self::Busy,
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                Self::Damaged("a page failed its integrity check".to_owned())
            }
            Some(ErrorCode::ReadOnly) => Self::CannotOpen(
                "the folder or disk is read-only, and Keyholder must write beside the vault (copy the vault's \
                 folder to a writable place)"
                    .to_owned(),
            ),
            Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => Self::CannotOpen(
                "no permission to read and write the vault's folder, or it is on a read-only disk".to_owned(),
            ),
            Some(ErrorCode::SystemIoFailure) => Self::CannotOpen(format!("the disk reported an error ({error})")),
            // SQLite's own message names the failing constraint or table, never a bound value.
            _ => Self::Database(error.to_string()),
        }
    }
}

pub type VaultResult<T> = Result<T, VaultError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_statement_says_that_nothing_changed_not_just_database_error() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x UNIQUE); INSERT INTO t VALUES (1);").unwrap();
        let error = VaultError::from(conn.execute("INSERT INTO t VALUES (1)", []).unwrap_err());
        let text = error.to_string();
        assert!(matches!(error, VaultError::Database(_)), "{error:?}");
        assert!(text.starts_with("the vault refused this change and kept everything as it was"), "{text}");
    }
}
