//! This desk's encrypted copy of a server's record, kept between sign-ins so that signing in
//! fetches only what changed since (loading a 10,000-person office whole takes about a
//! second). It is a SQLCipher file like a file vault — encrypted with the record's data key,
//! readable by its owner only — in the user's cache folder, named by the record's random id.
//! Its bookkeeping (each row's version, the set hash, the commit it is at) is saved in it when
//! the vault closes; a copy that was not closed properly is loaded again whole. A second
//! Keyholder on the same desk works on a copy in memory instead.

use super::super::crypto::DataKey;
use super::super::error::{VaultError, VaultResult};
use super::super::lockfile::ProcessLock;
use super::super::{db, fsutil};
use super::rows::{self, Reader};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::PathBuf;

/// What this desk knows of a row on the server.
#[derive(Debug, Clone)]
pub(super) struct Known {
    pub key: Vec<Value>,
    pub version: i64,
}

pub(super) type KnownRows = HashMap<(String, String), Known>;

/// The bookkeeping saved with the copy.
pub(super) struct Book {
    pub seq: i64,
    pub digest: [u8; 32],
    pub key_epoch: i64,
    pub known: KnownRows,
}

/// The copy's file, held for this process.
pub(super) struct Cache {
    _lock: ProcessLock,
}

/// Where copies are kept: `KEYHOLDER_CACHE_DIR`, else the platform's cache folder.
fn folder() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("KEYHOLDER_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("org", "Keyholder", "Keyholder").map(|dirs| dirs.cache_dir().join("desks"))
}

/// Open (or start) this desk's copy of the record `vault_id`: the connection, and its
/// bookkeeping when it was closed properly and `usable` accepts it. `None` when there can be
/// none (another Keyholder here has it open, no cache folder): then the copy is in memory.
pub(super) fn open(
    vault_id: &str,
    key: &DataKey,
    usable: impl Fn(&Book, &Connection) -> bool,
) -> Option<(Cache, Connection, Option<Book>)> {
    let name: String = vault_id.chars().filter(char::is_ascii_alphanumeric).collect();
    let dir = folder()?;
    let opened = (|| -> VaultResult<Option<(Cache, Connection, Option<Book>)>> {
        fsutil::create_private_dir(&dir)?;
        let path = dir.join(format!("{name}.khc"));
        let lock = match ProcessLock::acquire(&dir.join(format!("{name}.khc.lock"))) {
            Ok(lock) => lock,
            Err(VaultError::AlreadyOpen { .. }) => return Ok(None),
            Err(error) => return Err(error),
        };
        let cache = Cache { _lock: lock };
        if path.exists()
            && let Ok(conn) = db::open(&path, key, false)
            && let Some(book) = read_book(&conn)?
            && usable(&book, &conn)
        {
            mark_open(&conn)?;
            return Ok(Some((cache, conn, Some(book))));
        }
        for stale in [path.clone(), dir.join(format!("{name}.khc-wal")), dir.join(format!("{name}.khc-shm"))] {
            if stale.exists() {
                std::fs::remove_file(&stale).map_err(|e| VaultError::io("cannot remove", &stale, e))?;
            }
        }
        drop(fsutil::create_private(&path)?);
        let conn = db::open(&path, key, true)?;
        conn.set_prepared_statement_cache_capacity(128);
        Ok(Some((cache, conn, None)))
    })();
    match opened {
        Ok(found) => found,
        Err(error) => {
            tracing::warn!("this desk's copy of the record cannot be kept ({error}); it is kept in memory");
            None
        }
    }
}

const STATE: &str = "CREATE TABLE IF NOT EXISTS kh_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    closed INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    digest BLOB NOT NULL,
    key_epoch INTEGER NOT NULL,
    book BLOB NOT NULL
)";

/// `kh_state` as stored: closed, seq, digest, key epoch, the known rows encoded.
type StateRow = (i64, i64, Vec<u8>, i64, Vec<u8>);

fn read_book(conn: &Connection) -> VaultResult<Option<Book>> {
    conn.execute_batch(STATE)?;
    let row: Option<StateRow> = conn
        .query_row("SELECT closed, seq, digest, key_epoch, book FROM kh_state WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let Some((1, seq, digest, key_epoch, book)) = row else { return Ok(None) };
    let (Ok(digest), Some(known)) = (digest.try_into(), decode_known(&book)) else { return Ok(None) };
    Ok(Some(Book { seq, digest, key_epoch, known }))
}

/// From now until it is saved again, the copy counts as not closed properly.
fn mark_open(conn: &Connection) -> VaultResult<()> {
    conn.execute("UPDATE kh_state SET closed = 0, book = x'' WHERE id = 1", [])?;
    Ok(())
}

/// Save the bookkeeping at close.
pub(super) fn save(conn: &Connection, book: &Book) -> VaultResult<()> {
    conn.execute_batch(STATE)?;
    conn.execute(
        "INSERT OR REPLACE INTO kh_state (id, closed, seq, digest, key_epoch, book) VALUES (1, 1, ?1, ?2, ?3, ?4)",
        rusqlite::params![book.seq, &book.digest[..], book.key_epoch, encode_known(&book.known)],
    )?;
    Ok(())
}

fn encode_known(known: &KnownRows) -> Vec<u8> {
    let mut out = Vec::with_capacity(known.len() * 48);
    out.extend_from_slice(&(known.len() as u64).to_le_bytes());
    for ((table, rid), row) in known {
        rows::encode_bytes(&mut out, table.as_bytes());
        rows::encode_bytes(&mut out, rid.as_bytes());
        out.extend_from_slice(&row.version.to_le_bytes());
        out.extend_from_slice(&(row.key.len() as u16).to_le_bytes());
        for value in &row.key {
            rows::encode_value(&mut out, value);
        }
    }
    out
}

fn decode_known(bytes: &[u8]) -> Option<KnownRows> {
    let mut reader = Reader(bytes);
    let count = u64::from_le_bytes(reader.take(8)?.try_into().ok()?);
    let mut known = HashMap::with_capacity(usize::try_from(count).ok()?.min(1 << 24));
    for _ in 0..count {
        let table = String::from_utf8(reader.bytes()?).ok()?;
        let rid = String::from_utf8(reader.bytes()?).ok()?;
        let version = i64::from_le_bytes(reader.take(8)?.try_into().ok()?);
        let keys = reader.u16()?;
        let key = (0..keys).map(|_| reader.value()).collect::<Option<Vec<_>>>()?;
        known.insert((table, rid), Known { key, version });
    }
    reader.0.is_empty().then_some(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bookkeeping_survives_saving_and_a_copy_not_closed_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let key = DataKey::random().unwrap();
        let conn = db::open(&dir.path().join("c.khc"), &key, true).unwrap();
        let mut known = HashMap::new();
        known.insert(("staff".to_owned(), "ab".to_owned()), Known { key: vec![Value::Integer(7)], version: 3 });
        save(&conn, &Book { seq: 9, digest: [5; 32], key_epoch: 1, known }).unwrap();
        let book = read_book(&conn).unwrap().unwrap();
        assert_eq!((book.seq, book.digest, book.key_epoch), (9, [5; 32], 1));
        assert_eq!(book.known[&("staff".to_owned(), "ab".to_owned())].key, vec![Value::Integer(7)]);
        mark_open(&conn).unwrap();
        assert!(read_book(&conn).unwrap().is_none(), "a copy still open (or crashed) is loaded again whole");
    }
}
