//! Opening the SQLCipher database: memory wiping first, then the raw key, then the settings the
//! vault relies on (write-ahead log, full fsync, foreign keys).

use super::crypto::DataKey;
use super::error::{VaultError, VaultResult};
use rusqlite::{Connection, OpenFlags, ffi};
use std::os::raw::c_int;
use std::path::Path;
use std::time::Duration;

/// Run a statement that may return rows (most PRAGMAs do) and ignore them.
pub fn run_pragma(conn: &Connection, sql: &str) -> VaultResult<()> {
    let mut statement = conn.prepare(sql)?;
    let mut rows = statement.query([])?;
    while rows.next()?.is_some() {}
    Ok(())
}

/// The first read is where a wrong key shows; anything else there (no permission, read-only
/// medium, full disk) is said as what it is, not as damage.
fn first_read_error(error: rusqlite::Error) -> VaultError {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => VaultError::KeyRejected,
        _ => VaultError::from(error),
    }
}

/// Open an existing or new encrypted database with `key`. A wrong key or a damaged first page
/// shows as an error here, before any data is read.
pub fn open(path: &Path, key: &DataKey, create: bool) -> VaultResult<Connection> {
    initialize_once()?;
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    key_and_check(&conn, key)?;
    run_pragma(&conn, "PRAGMA journal_mode = WAL")?;
    run_pragma(&conn, "PRAGMA synchronous = FULL")?;
    run_pragma(&conn, "PRAGMA foreign_keys = ON")?;
    // Deleted content is overwritten, so a purged person's key or details do not linger in free
    // pages of the file.
    run_pragma(&conn, "PRAGMA secure_delete = ON")?;
    stable_plans(&conn)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

/// The local copy of a server store's record: an SQLite database in this process's memory
/// (never on disk), with SQLCipher's memory wiping like every connection. Not encrypted: it is
/// never written anywhere; copies to files go through [`export_encrypted`].
pub fn open_memory() -> VaultResult<Connection> {
    initialize_once()?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_in_memory_with_flags(flags)?;
    run_pragma(&conn, "PRAGMA cipher_memory_security = ON")?;
    enlarge_lookaside(&conn);
    run_pragma(&conn, "PRAGMA foreign_keys = ON")?;
    run_pragma(&conn, "PRAGMA temp_store = MEMORY")?;
    stable_plans(&conn)?;
    // The copy is written table by table through one cached statement per table and column
    // set: more than SQLite's 16 at once would prepare each row's statement again.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

/// Write the whole of `conn` (a database in memory) into a new encrypted database file at
/// `path` with `key`, as SQLCipher documents (`sqlcipher_export` into an attached database).
pub fn export_encrypted(conn: &Connection, path: &Path, key: &DataKey) -> VaultResult<()> {
    let spec = key.sqlcipher_key_spec();
    let spec = std::str::from_utf8(&spec).map_err(|_| VaultError::Refused("the key text".into()))?;
    let target = path.to_str().ok_or_else(|| VaultError::Refused("the path is not UTF-8".into()))?;
    conn.execute("ATTACH DATABASE ?1 AS export KEY ?2", rusqlite::params![target, spec])?;
    let exported = (|| {
        conn.query_row("SELECT sqlcipher_export('export')", [], |_| Ok(()))?;
        // A server store's bookkeeping for this desk is not part of the record.
        conn.execute_batch("DROP TABLE IF EXISTS export.kh_state")?;
        let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
        conn.execute_batch(&format!("PRAGMA export.user_version = {version}"))?;
        Ok(())
    })();
    let detached = conn.execute_batch("DETACH DATABASE export");
    exported.and(detached.map_err(VaultError::from))
}

/// Let the connection keep up to 16 MiB of decrypted pages instead of SQLite's 2 MiB, from now
/// until it closes. Called when an access review's items are read: a review of 100,000 items
/// (15 MiB) is read whole when it is exported (CSV, PDF) and opened, and each read through
/// 2 MiB fetched and decrypted every page again (a quarter of reading the items). Not from the
/// start (the office read at sign-in would stay cached too), nor while a review is written
/// (its 15 MiB of new pages would each be a locked allocation: starting one was 3% slower).
/// The pages are SQLite's memory like the rest: locked in RAM, wiped when the vault closes.
pub fn keep_large_reads_cached(conn: &Connection) -> VaultResult<()> {
    conn.prepare_cached("PRAGMA cache_size = -16384")?.execute([])?;
    Ok(())
}

/// One query plan per statement, whatever values are bound (SQLite's query planner stability
/// guarantee). Without it SQLite 3.54 compiles a cached statement such as `… WHERE checklist_id
/// = ?1 ORDER BY id` again whenever the value bound to it was 0 or 1 (it guesses how selective
/// the comparison is from the value), and rusqlite clears the values each time a statement
/// goes back to its cache: the due list compiled a statement again on every refresh (0.7 ms of
/// its 3 ms). Nothing here relies on value-dependent plans (no `LIKE ?`, no `ANALYZE`).
fn stable_plans(conn: &Connection) -> VaultResult<()> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

/// Open a database on a read-only medium for reading: SQLite is told the file cannot change
/// (`immutable`), so it needs no lock, journal or shared-memory file beside it.
pub fn open_read_only(path: &Path, key: &DataKey) -> VaultResult<Connection> {
    initialize_once()?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(immutable_uri(path), flags)?;
    key_and_check(&conn, key)?;
    stable_plans(&conn)?;
    Ok(conn)
}

/// `file:` URI of `path` with `immutable=1`, every byte but unreserved ones percent-encoded.
fn immutable_uri(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().replace('\\', "/").into_bytes();
    let mut uri = String::from("file:");
    for &byte in &bytes {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// Key a fresh connection (memory wiping first) and read once, where a wrong key shows.
fn key_and_check(conn: &Connection, key: &DataKey) -> VaultResult<()> {
    run_pragma(conn, "PRAGMA cipher_log_level = NONE")?;
    // A process-wide switch that makes SQLCipher's allocator wipe what SQLite frees from then on
    // (and only from then on), so it must be on before the key is handed over.
    run_pragma(conn, "PRAGMA cipher_memory_security = ON")?;
    // After that switch, so that the block is locked and wiped like the rest.
    enlarge_lookaside(conn);
    apply_key(conn, key)?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0)).map_err(first_read_error)?;
    if !memory_security_on(conn) {
        tracing::warn!("SQLCipher does not confirm that it wipes freed memory");
    }
    Ok(())
}

/// Slots of SQLite's per-connection memory for small, short-lived allocations (bound values,
/// cursors, records being built): SQLite's default slot size, 1,000 slots instead of 40.
///
/// With memory wiping on, every block SQLite takes from the heap is locked in RAM, then filled
/// with noise and unlocked when freed: two system calls per allocation, which made an import
/// binding 80,000 values spend half its time in the kernel. The slots come from one block
/// taken (and locked) when the connection opens and wiped when it closes. Like the page cache,
/// which holds decrypted pages, a slot freed while the connection is open keeps its bytes until
/// it is reused or the connection closes, as SQLite's 40 default slots always did.
const LOOKASIDE_SLOT_BYTES: c_int = 1200;
const LOOKASIDE_SLOTS: c_int = 1000;

/// Give the connection its [`LOOKASIDE_SLOTS`]. Only speed depends on it: if SQLite refuses
/// (memory already in use), the connection keeps the default and a warning is logged.
fn enlarge_lookaside(conn: &Connection) {
    // SAFETY: the handle belongs to `conn`, which is open and borrowed for the whole call, and no
    // other thread uses it; a null buffer asks SQLite to allocate the slots itself, and the two
    // sizes are passed as the C ints the variadic call reads.
    let rc = unsafe {
        ffi::sqlite3_db_config(
            conn.handle(),
            ffi::SQLITE_DBCONFIG_LOOKASIDE,
            std::ptr::null_mut::<std::ffi::c_void>(),
            LOOKASIDE_SLOT_BYTES,
            LOOKASIDE_SLOTS,
        )
    };
    if rc != ffi::SQLITE_OK {
        tracing::warn!("SQLite kept its default lookaside memory (code {rc}); writing many rows is slower");
    }
}

/// SQLite runs SQLCipher's own set-up at the end of `sqlite3_initialize`, outside its mutex, so
/// a second thread opening a database at that moment could key it before SQLCipher is ready
/// (`sqlite3_key` then fails: seen as "the encryption key was not accepted" when tests open
/// vaults in parallel). The first caller finishes the whole set-up while the others wait.
fn initialize_once() -> VaultResult<()> {
    static INIT: std::sync::OnceLock<c_int> = std::sync::OnceLock::new();
    // SAFETY: sqlite3_initialize has no preconditions and may be called more than once.
    let rc = *INIT.get_or_init(|| unsafe { ffi::sqlite3_initialize() });
    if rc == ffi::SQLITE_OK { Ok(()) } else { Err(rusqlite::Error::SqliteFailure(ffi::Error::new(rc), None).into()) }
}

/// Give SQLCipher the raw key through its C API. `PRAGMA key` would copy the key's hex text
/// twice into memory freed without wiping (rusqlite's C string, SQLite's parser);
/// `sqlite3_key` copies it once, into SQLCipher's own buffers, which it wipes.
fn apply_key(conn: &Connection, key: &DataKey) -> VaultResult<()> {
    let spec = key.sqlcipher_key_spec();
    let len = c_int::try_from(spec.len()).map_err(|_| VaultError::Refused("the key text is too long".into()))?;
    // SAFETY: the handle belongs to `conn`, which is open and borrowed for the whole call, and no
    // other thread uses it; SQLCipher reads exactly `len` bytes from `spec`, which outlives the
    // call, and keeps its own copy rather than the pointer.
    let rc = unsafe { ffi::sqlite3_key(conn.handle(), spec.as_ptr().cast(), len) };
    if rc == ffi::SQLITE_OK { Ok(()) } else { Err(VaultError::Damaged("the encryption key was not accepted".into())) }
}

/// Whether SQLCipher reports that it wipes memory as SQLite frees it.
pub fn memory_security_on(conn: &Connection) -> bool {
    conn.query_row("PRAGMA cipher_memory_security", [], |row| row.get::<_, String>(0)).is_ok_and(|on| on == "1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_wiped_and_the_raw_key_opens_the_database() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::Refused(e.to_string()))?;
        let path = dir.path().join("t.khv");
        let key = DataKey::random()?;
        {
            let conn = open(&path, &key, true)?;
            assert!(memory_security_on(&conn));
            conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (42);")?;
        }
        let conn = open(&path, &key, false)?;
        assert_eq!(conn.query_row("SELECT x FROM t", [], |row| row.get::<_, i64>(0))?, 42);
        drop(conn);
        // The same database as a `PRAGMA key` would open: the C API gets the same key text.
        let conn = Connection::open(&path)?;
        let pragma = format!("PRAGMA key = \"{}\";", String::from_utf8_lossy(&key.sqlcipher_key_spec()));
        conn.execute_batch(&pragma)?;
        assert_eq!(conn.query_row("SELECT x FROM t", [], |row| row.get::<_, i64>(0))?, 42);
        assert!(matches!(open(&path, &DataKey::random()?, false), Err(VaultError::KeyRejected)));
        Ok(())
    }

    #[test]
    fn a_copy_in_memory_is_exported_into_an_encrypted_file() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::Refused(e.to_string()))?;
        let key = DataKey::random()?;
        let memory = open_memory()?;
        memory
            .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES ('canary-in-memory'); PRAGMA user_version = 7;")?;
        let path = dir.path().join("copy.khv");
        export_encrypted(&memory, &path, &key)?;
        let bytes = std::fs::read(&path).map_err(|e| VaultError::io("read", &path, e))?;
        assert!(!bytes.windows(16).any(|w| w == b"canary-in-memory"));
        let conn = open(&path, &key, false)?;
        assert_eq!(conn.query_row("SELECT x FROM t", [], |row| row.get::<_, String>(0))?, "canary-in-memory");
        assert_eq!(conn.query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0))?, 7);
        Ok(())
    }

    #[test]
    fn short_values_stay_in_the_connections_own_memory() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::Refused(e.to_string()))?;
        let conn = open(&dir.path().join("t.khv"), &DataKey::random()?, true)?;
        conn.execute_batch("CREATE TABLE t (a TEXT, b TEXT)")?;
        let rows = vec!["(?, ?)"; 300].join(", ");
        let values: Vec<String> = (0..600).map(|n| format!("value {n}")).collect();
        conn.execute(&format!("INSERT INTO t VALUES {rows}"), rusqlite::params_from_iter(&values))?;
        let (mut used, mut most) = (0, 0);
        // SAFETY: the handle is open and borrowed; both out-pointers are valid c_ints.
        let rc = unsafe {
            ffi::sqlite3_db_status(conn.handle(), ffi::SQLITE_DBSTATUS_LOOKASIDE_USED, &mut used, &mut most, 0)
        };
        assert_eq!(rc, ffi::SQLITE_OK);
        assert!(most > 600, "600 bound values in lookaside slots at once, SQLite's default has 123: {most}");
        Ok(())
    }

    #[test]
    fn a_cached_query_is_not_compiled_again_for_each_value() -> VaultResult<()> {
        let dir = tempfile::tempdir().map_err(|e| VaultError::Refused(e.to_string()))?;
        let conn = open(&dir.path().join("t.khv"), &DataKey::random()?, true)?;
        conn.execute_batch("CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (0, 'x'), (1, 'y'), (2, 'z');")?;
        for value in [1, 0, 2, 1, 0] {
            let mut statement = conn.prepare_cached("SELECT b FROM t WHERE a = ?1 ORDER BY rowid")?;
            let found: Vec<String> = statement.query_map([value], |row| row.get(0))?.collect::<Result<_, _>>()?;
            assert_eq!(found.len(), 1);
            assert_eq!(statement.get_status(rusqlite::StatementStatus::RePrepare), 0, "value {value}");
        }
        Ok(())
    }
}
