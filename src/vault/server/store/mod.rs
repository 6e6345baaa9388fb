//! The local copy of a server store and its link to the server: the record loaded at sign-in
//! into SQLite in memory; each local transaction's changed rows sent as one server transaction
//! (refused when another desk changed the same rows after this screen last showed them, or
//! saved at the same moment); other desks' changes taken in when told of them.

use super::super::crypto::DataKey;
use super::super::error::{VaultError, VaultResult};
use super::super::{db, schema};
mod check;
mod commit;

use super::address::ServerAddress;
use super::cache::{self, Book, Known, KnownRows};
use super::listen::Listener;
use super::rows::{self, Row, TableInfo};
use super::seal::{RowKeys, toggle};
use super::tables::{self, Header, server_error};
use jiff::Timestamp;
use rusqlite::Connection;
use rusqlite::types::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

/// What taking in other desks' commits brought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    Nothing,
    /// Only the audit log and its head: sign-ins and the like, nothing a page shows as changed.
    Bookkeeping,
    Changes,
}

/// Tables every change touches (the audit log and its head in `meta`).
const BOOKKEEPING: [&str; 2] = ["audit_log", "meta"];

/// One connection to the server, shared by the store and the sign-in attempts journal.
pub type Shared = Arc<Mutex<postgres::Client>>;

/// A server's address and the open connection to it.
pub struct Link {
    pub address: ServerAddress,
    pub client: Shared,
}

pub(crate) fn lock(shared: &Shared) -> VaultResult<MutexGuard<'_, postgres::Client>> {
    shared
        .lock()
        .map_err(|_| VaultError::Server("the connection to the server was left broken by an earlier failure".into()))
}

/// Rows as they come from the server: table, row id, version, sealed body (none: deleted).
type ServerRow = (String, String, i64, Option<Vec<u8>>);

/// A row to put in the local copy (or, with no row, to delete), by table and key.
type Write = (String, Option<Row>, Vec<Value>);

pub struct ServerStore {
    address: ServerAddress,
    client: Shared,
    keys: RowKeys,
    tables: BTreeMap<String, TableInfo>,
    known: KnownRows,
    /// The server's commit the local copy is at.
    seq: i64,
    /// The commit the operator's screen last showed (changes after it by others are refused).
    seen: i64,
    /// Commits made from this desk since sign-in.
    mine: HashSet<i64>,
    desk: String,
    digest: [u8; 32],
    key_epoch: i64,
    slots_version: i64,
    problems: Vec<String>,
    listener: Listener,
    /// This desk's encrypted copy kept between sign-ins, when there is one.
    cache: Option<cache::Cache>,
}

impl std::fmt::Debug for ServerStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerStore").field("address", &self.address).field("seq", &self.seq).finish_non_exhaustive()
    }
}

fn new_desk_id() -> VaultResult<String> {
    Ok(hex::encode(super::super::crypto::random_array::<8>()?))
}

impl ServerStore {
    fn empty(Link { address, client }: Link, key: &DataKey, slots_version: i64) -> VaultResult<Self> {
        let listener = Listener::start(address.clone());
        Ok(Self {
            address,
            client,
            keys: RowKeys::new(key)?,
            tables: BTreeMap::new(),
            known: HashMap::new(),
            seq: 0,
            seen: 0,
            mine: HashSet::new(),
            desk: new_desk_id()?,
            digest: [0; 32],
            key_epoch: 0,
            slots_version,
            problems: Vec::new(),
            listener,
            cache: None,
        })
    }

    /// Put a new record on the server: its tables, the key slots, and every row of `conn`
    /// (a new vault, or a file vault being copied) as the first commit.
    pub(in crate::vault) fn create(
        link: Link,
        key: &DataKey,
        slots: &[u8],
        conn: &Connection,
        vault_id: &str,
        operator: &str,
        now: Timestamp,
    ) -> VaultResult<Self> {
        {
            let mut guard = lock(&link.client)?;
            let mut tx = guard.transaction().map_err(|e| server_error("creating the office record", &e))?;
            if tables::exists(&mut tx)? {
                return Err(VaultError::Server(format!(
                    "{} already holds a Keyholder office record; choose another database",
                    link.address.display()
                )));
            }
            let header = Header {
                schema_version: schema::version(conn)?,
                seq: 0,
                digest: [0; 32],
                vault_id: vault_id.to_owned(),
                key_epoch: 0,
            };
            let attempts = serde_json::to_vec(&super::super::attempts::AttemptsFile::default())
                .map_err(|e| VaultError::Refused(e.to_string()))?;
            tables::create(&mut tx, &header, slots, &attempts)?;
            tx.commit().map_err(|e| server_error("creating the office record", &e))?;
        }
        let mut store = Self::empty(link, key, 1)?;
        store.describe(conn)?;
        if let Err(error) = store.push_all(conn, operator, now) {
            if let Err(left) = tables::remove(&mut *lock(&store.client)?) {
                tracing::warn!("an unfinished record was left on the server: {left}");
            }
            return Err(error);
        }
        store.seen = store.seq;
        Ok(store)
    }

    /// Load the record from the server into a new local copy in memory. What does not open
    /// (rows altered, removed or put back on the server) is kept as problems for `verify`.
    pub(in crate::vault) fn load(
        link: Link,
        key: &DataKey,
        slots_version: i64,
        operator: &str,
        now: Timestamp,
    ) -> VaultResult<(Connection, Self)> {
        let mut store = Self::empty(link, key, slots_version)?;
        let header = tables::header(&mut *store.connection(&store.client)?, false)?;
        if header.schema_version > schema::VERSION {
            return Err(VaultError::Refused(format!(
                "the office record was written by a newer Keyholder (schema {}, this one knows {}); update Keyholder",
                header.schema_version,
                schema::VERSION
            )));
        }
        let usable = |book: &Book, conn: &Connection| {
            book.key_epoch == header.key_epoch
                && book.seq <= header.seq
                && schema::version(conn).is_ok_and(|v| v == header.schema_version)
        };
        let kept = cache::open(&header.vault_id, key, usable);
        let conn = match kept {
            Some((cache, mut conn, Some(book))) => {
                // This desk's copy from last time: only what changed since is fetched.
                store.cache = Some(cache);
                store.describe(&conn)?;
                store.restore(book);
                // `pull` checks the set hash against the server as it finds it then.
                store.pull(&mut conn)?;
                store.seen = store.seq;
                return Ok((conn, store));
            }
            Some((cache, conn, None)) => {
                store.cache = Some(cache);
                conn
            }
            None => db::open_memory()?,
        };
        store.load_whole(conn, &header, operator, now)
    }

    /// Fetch the whole record into a new, empty copy.
    fn load_whole(
        mut self,
        mut conn: Connection,
        header: &Header,
        operator: &str,
        now: Timestamp,
    ) -> VaultResult<(Connection, Self)> {
        let (header_now, fetched) = self.fetch_since(0)?;
        // A new copy needs no rollback journal until it is whole (if loading fails, it is
        // dropped): without it, writing the record is not also a copy of every page changed.
        let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        db::run_pragma(&conn, "PRAGMA journal_mode = OFF")?;
        schema::migrate_to(&mut conn, header.schema_version)?;
        self.describe(&conn)?;
        self.take_in_all(&mut conn, fetched, true)?;
        db::run_pragma(&conn, &format!("PRAGMA journal_mode = {journal}"))?;
        self.check_digest(&header_now);
        self.seq = header_now.seq;
        self.seen = header_now.seq;
        self.key_epoch = header_now.key_epoch;
        let broken: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        if broken > 0 {
            self.note(format!("{broken} row(s) on the server refer to rows that are not there"));
        }
        if header_now.schema_version < schema::VERSION {
            self.upgrade(&mut conn, operator, now)?;
        }
        Ok((conn, self))
    }

    fn restore(&mut self, book: Book) {
        self.seq = book.seq;
        self.digest = book.digest;
        self.key_epoch = book.key_epoch;
        self.known = book.known;
    }

    /// Save this desk's copy's bookkeeping (at close), so the next sign-in fetches only what
    /// changed since.
    pub(in crate::vault) fn save_cache(&self, conn: &Connection) -> VaultResult<()> {
        if self.cache.is_none() {
            return Ok(());
        }
        let book = Book { seq: self.seq, digest: self.digest, key_epoch: self.key_epoch, known: self.known.clone() };
        cache::save(conn, &book)
    }

    /// This desk's copy no longer matches what the store knows: it is not kept (the next
    /// sign-in loads the record whole).
    pub(in crate::vault) fn forget_copy(&mut self) {
        self.cache = None;
    }

    /// Whether the copy is this desk's encrypted file (else it is in memory).
    pub fn keeps_a_copy(&self) -> bool {
        self.cache.is_some()
    }

    /// The local copy was made by an older Keyholder: upgrade it here and send every row again
    /// as one commit (old rows removed), refused if another desk wrote meanwhile.
    fn upgrade(&mut self, conn: &mut Connection, operator: &str, now: Timestamp) -> VaultResult<()> {
        schema::migrate(conn)?;
        self.describe(conn)?;
        let keys = RowKeys::from_same(&self.keys);
        self.replace_all(conn, keys, None, operator, now)
    }

    /// Note the changes of every later transaction on `conn` (the local copy) to send them.
    pub(in crate::vault) fn watch(&self, conn: &Connection) -> VaultResult<()> {
        rows::install_change_notes(conn, &self.tables.values().cloned().collect::<Vec<_>>())
    }

    fn describe(&mut self, conn: &Connection) -> VaultResult<()> {
        self.tables = rows::tables(conn)?.into_iter().map(|t| (t.name.clone(), t)).collect();
        Ok(())
    }

    fn note(&mut self, problem: String) {
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    fn check_digest(&mut self, header: &Header) {
        if self.digest != header.digest {
            self.note(
                "rows of the office record were deleted on the server, or older copies put back, outside Keyholder"
                    .to_owned(),
            );
        }
    }

    /// The header and every row changed after `since`, read at one moment.
    fn fetch_since(&self, since: i64) -> VaultResult<(Header, Vec<ServerRow>)> {
        let mut guard = self.connection(&self.client)?;
        let reading = |e: postgres::Error| server_error("reading the office record", &e);
        let mut tx = guard
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(reading)?;
        let header = tables::header(&mut tx, false)?;
        let sql = if since == 0 {
            "SELECT tbl, rid, version, body FROM keyholder_rows WHERE version > $1 AND body IS NOT NULL ORDER BY tbl"
        } else {
            "SELECT tbl, rid, version, body FROM keyholder_rows WHERE version > $1 ORDER BY tbl"
        };
        let rows = tx.query(sql, &[&since]).map_err(reading)?;
        tx.commit().map_err(reading)?;
        Ok((header, rows.into_iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect()))
    }

    /// Take rows from the server into the local copy, in one local transaction: each row is
    /// opened and checked, then written in key order (appending is far cheaper than inserting
    /// at random), with the record's own triggers set aside so that rows go in as they were
    /// (a tally is not counted twice, the append-only audit log takes its rows); with
    /// `whole`, its indexes too, made again once at the end.
    fn take_in_all(&mut self, conn: &mut Connection, fetched: Vec<ServerRow>, whole: bool) -> VaultResult<Taken> {
        let mut writes: Vec<Write> = Vec::with_capacity(fetched.len());
        for row in fetched {
            if let Some(write) = self.take_in(row)? {
                writes.push(write);
            }
        }
        writes.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| rows::compare_keys(&a.2, &b.2)));
        let taken = if writes.iter().any(|w| !BOOKKEEPING.contains(&w.0.as_str())) {
            Taken::Changes
        } else if writes.is_empty() {
            Taken::Nothing
        } else {
            Taken::Bookkeeping
        };
        conn.pragma_update(None, "foreign_keys", false)?;
        let result = (|| {
            let tx = conn.transaction()?;
            let set_aside = rows::set_aside(&tx, whole)?;
            for (table, row, key) in &writes {
                let info =
                    self.tables.get(table).ok_or_else(|| VaultError::Refused(format!("unknown table {table}")))?;
                match row {
                    Some(row) => rows::write_row(&tx, info, row)?,
                    None => rows::delete_row(&tx, info, key)?,
                }
            }
            rows::put_back(&tx, &set_aside)?;
            if rows::has_change_notes(&tx)? {
                rows::clear_change_notes(&tx)?;
            }
            tx.commit()?;
            Ok(())
        })();
        conn.pragma_update(None, "foreign_keys", true)?;
        result.map(|()| taken)
    }

    /// Open one row from the server and account for it; what to write (a row, or a deletion
    /// by key), or nothing when it does not open (noted as a problem).
    fn take_in(&mut self, (table, rid, version, body): ServerRow) -> VaultResult<Option<Write>> {
        let old = self.known.remove(&(table.clone(), rid.clone()));
        if let Some(old) = &old {
            toggle(&mut self.digest, &self.keys.element(&table, &rid, old.version)?);
        }
        if !self.tables.contains_key(&table) {
            self.note(format!("the server holds rows of a table this Keyholder does not know ({table})"));
            return Ok(None);
        }
        let Some(body) = body else {
            return Ok(old.map(|old| (table, None, old.key)));
        };
        let opened = self.keys.open(&table, &rid, version, &body);
        let Some(row) = opened.as_deref().and_then(|plain| rows::decode_row(plain)) else {
            self.note(format!(
                "row {rid} of {table} on the server does not open with the office's key: it was altered on the server"
            ));
            return Ok(None);
        };
        if self.keys.row_id(&rows::encode_key(&table, &row.key))? != rid {
            self.note(format!("row {rid} of {table} on the server was moved from another row"));
            return Ok(None);
        }
        toggle(&mut self.digest, &self.keys.element(&table, &rid, version)?);
        self.known.insert((table.clone(), rid), Known { key: row.key.clone(), version });
        let key = row.key.clone();
        Ok(Some((table, Some(row), key)))
    }

    /// Take in what other desks committed since the local copy was made; `true` if anything.
    pub(in crate::vault) fn pull(&mut self, conn: &mut Connection) -> VaultResult<Taken> {
        let (header, fetched) = self.fetch_since(self.seq)?;
        if header.seq == self.seq {
            self.check_digest(&header);
            return Ok(Taken::Nothing);
        }
        if header.key_epoch != self.key_epoch {
            return Err(VaultError::Server(
                "the office's data key was replaced on another desk (as when an operator is removed): sign in again"
                    .into(),
            ));
        }
        if header.schema_version != schema::version(conn)? {
            return Err(VaultError::Server(
                "another desk upgraded the office record to a newer Keyholder: sign in again (and update Keyholder \
                 if it asks)"
                    .into(),
            ));
        }
        let taken = self.take_in_all(conn, fetched, false)?;
        self.check_digest(&header);
        self.seq = header.seq;
        Ok(taken)
    }

    /// Count everything in the local copy as shown on the operator's screen: a later change
    /// built on it is refused only for rows other desks change after this.
    pub(in crate::vault) fn mark_seen(&mut self) {
        self.seen = self.seq;
    }

    /// Whether another desk committed something the local copy has not taken in yet.
    pub fn changes_waiting(&self) -> bool {
        self.listener.latest() > self.seq
    }

    fn all_rows(&self, conn: &Connection) -> VaultResult<Vec<(String, String, Row)>> {
        let mut out = Vec::new();
        for table in self.tables.values() {
            for row in rows::all_rows(conn, table)? {
                let rid = self.keys.row_id(&rows::encode_key(&table.name, &row.key))?;
                out.push((table.name.clone(), rid, row));
            }
        }
        Ok(out)
    }

    /// Save changed key slots, refused if another desk changed them meanwhile.
    pub(in crate::vault) fn save_slots(&mut self, body: &[u8]) -> VaultResult<()> {
        let mut guard = self.connection(&self.client)?;
        match tables::replace_slots(&mut *guard, body, self.slots_version)? {
            Some(version) => {
                self.slots_version = version;
                Ok(())
            }
            None => Err(VaultError::Conflict(
                "the operators' sign-in keys were changed on another desk meanwhile; sign in again and repeat".into(),
            )),
        }
    }

    /// Reclaim the space of deleted rows on the server (their sealed copies) at once.
    pub(in crate::vault) fn vacuum(&self) -> VaultResult<()> {
        let mut guard = self.connection(&self.client)?;
        guard.batch_execute("VACUUM keyholder_rows").map_err(|e| server_error("clearing deleted rows", &e))
    }

    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    pub fn address(&self) -> &ServerAddress {
        &self.address
    }

    /// The connection to the server, made again first if it was lost (the server restarted,
    /// the network dropped): the next change after an outage goes through by itself.
    fn connection<'a>(&self, client: &'a Shared) -> VaultResult<MutexGuard<'a, postgres::Client>> {
        let mut guard = lock(client)?;
        if self.listener.take_lost() || guard.is_closed() {
            *guard = self.address.connect()?;
        }
        Ok(guard)
    }

    pub(in crate::vault) fn client(&self) -> Shared {
        Arc::clone(&self.client)
    }
}
