//! The local copy of a server store and its link to the server: the record loaded at sign-in
//! into SQLite in memory; each local transaction's changed rows sent as one server transaction
//! (refused when another desk changed the same rows after this screen last showed them, or
//! saved at the same moment); other desks' changes taken in when told of them.

use super::super::crypto::DataKey;
use super::super::error::{VaultError, VaultResult};
use super::super::{db, schema};
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
use zeroize::Zeroizing;

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
        store.push_all(conn, operator, now)?;
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
        let header = tables::header(&mut *lock(&store.client)?, false)?;
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
                store.pull(&mut conn)?;
                store.check_digest(&header);
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

    /// Check the whole record on the server, not only what this desk took in: every row opens
    /// with the office's key, the set of live rows is the one recorded, and it is the set
    /// this desk's copy holds.
    pub(in crate::vault) fn check_server(&self) -> VaultResult<Vec<String>> {
        let (header, fetched) = self.fetch_since(0)?;
        let mut problems = Vec::new();
        let mut digest = [0u8; 32];
        let mut live = 0usize;
        for (table, rid, version, body) in fetched {
            let Some(body) = body else { continue };
            let opens = self.keys.open(&table, &rid, version, &body).as_deref().and_then(|p| rows::decode_row(p));
            match opens {
                Some(row) if self.keys.row_id(&rows::encode_key(&table, &row.key))? == rid => {
                    toggle(&mut digest, &self.keys.element(&table, &rid, version)?);
                    live += 1;
                }
                _ => problems.push(format!(
                    "row {rid} of {table} on the server does not open with the office's key: it was altered on the server"
                )),
            }
        }
        if problems.is_empty() && digest != header.digest {
            problems.push(
                "rows of the office record were deleted on the server, or older copies put back, outside Keyholder"
                    .to_owned(),
            );
        }
        if header.seq == self.seq && live != self.known.len() && problems.is_empty() {
            problems.push(format!(
                "the server holds {live} rows of the record where this desk's copy has {}",
                self.known.len()
            ));
        }
        Ok(problems)
    }

    /// The local copy was made by an older Keyholder: upgrade it here and send every row again
    /// as one commit (old rows removed), refused if another desk wrote meanwhile.
    fn upgrade(&mut self, conn: &mut Connection, operator: &str, now: Timestamp) -> VaultResult<()> {
        schema::migrate(conn)?;
        self.describe(conn)?;
        let keys = RowKeys::from_same(&self.keys);
        self.replace_all(conn, keys, None, operator, now)
    }

    /// Replace the data key: every row sealed again under keys derived from the new key, the
    /// old sealed rows and the record of who committed what removed, and the new key slots
    /// saved, in one server transaction. Other desks must sign in again.
    pub(in crate::vault) fn rekey(
        &mut self,
        conn: &Connection,
        new_key: &DataKey,
        slots: &[u8],
        operator: &str,
        now: Timestamp,
    ) -> VaultResult<()> {
        self.replace_all(conn, RowKeys::new(new_key)?, Some(slots), operator, now)?;
        self.vacuum()
    }

    fn replace_all(
        &mut self,
        conn: &Connection,
        keys: RowKeys,
        slots: Option<&[u8]>,
        operator: &str,
        now: Timestamp,
    ) -> VaultResult<()> {
        let client = Arc::clone(&self.client);
        let mut guard = lock(&client)?;
        let saving = |e: postgres::Error| server_error("saving the whole record", &e);
        let mut tx = guard.transaction().map_err(saving)?;
        let head = tables::header(&mut tx, true)?;
        if head.seq != self.seq {
            return Err(VaultError::Conflict("another desk saved a change at the same moment; try again".into()));
        }
        let version = head.seq + 1;
        let mut known = HashMap::new();
        let mut digest = [0u8; 32];
        let (mut t, mut r, mut l, mut b) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for table in self.tables.values() {
            for row in rows::all_rows(conn, table)? {
                let rid = keys.row_id(&rows::encode_key(&table.name, &row.key))?;
                toggle(&mut digest, &keys.element(&table.name, &rid, version)?);
                let plain = Zeroizing::new(rows::encode_row(&row));
                b.push(keys.seal(&table.name, &rid, version, &plain)?);
                l.push(lookup_with(&keys, &table.name, &row)?);
                t.push(table.name.clone());
                r.push(rid.clone());
                known.insert((table.name.clone(), rid), Known { key: row.key, version });
            }
        }
        let rekeyed = slots.is_some();
        tx.batch_execute("DELETE FROM keyholder_rows").map_err(saving)?;
        if rekeyed {
            tx.batch_execute("DELETE FROM keyholder_commits").map_err(saving)?;
        }
        insert_rows(&mut tx, &t, &r, version, &l, &b)?;
        let mut slots_version = self.slots_version;
        if let Some(body) = slots {
            slots_version = tables::replace_slots(&mut tx, body, self.slots_version)?.ok_or_else(|| {
                VaultError::Conflict("the operators' sign-in keys were changed on another desk meanwhile".into())
            })?;
        }
        let who = keys.seal("keyholder_commits", &self.desk, version, operator.as_bytes())?;
        finish_commit(&mut tx, version, now, &self.desk, &who, &digest, schema::VERSION, i64::from(rekeyed))?;
        tx.commit().map_err(saving)?;
        drop(guard);
        self.keys = keys;
        self.known = known;
        self.digest = digest;
        self.slots_version = slots_version;
        self.key_epoch += i64::from(rekeyed);
        self.mine.insert(version);
        self.seq = version;
        self.seen = version;
        Ok(())
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
        let mut guard = lock(&self.client)?;
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
    fn take_in_all(&mut self, conn: &mut Connection, fetched: Vec<ServerRow>, whole: bool) -> VaultResult<()> {
        let mut writes: Vec<Write> = Vec::with_capacity(fetched.len());
        for row in fetched {
            if let Some(write) = self.take_in(row)? {
                writes.push(write);
            }
        }
        writes.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| rows::compare_keys(&a.2, &b.2)));
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
        result
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
    pub(in crate::vault) fn pull(&mut self, conn: &mut Connection) -> VaultResult<bool> {
        let (header, fetched) = self.fetch_since(self.seq)?;
        if header.seq == self.seq {
            return Ok(false);
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
        self.take_in_all(conn, fetched, false)?;
        self.check_digest(&header);
        self.seq = header.seq;
        Ok(true)
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

    fn push_all(&mut self, conn: &Connection, operator: &str, now: Timestamp) -> VaultResult<()> {
        let all = self.all_rows(conn)?;
        self.send(all, Vec::new(), operator, now)
    }

    /// Send the rows the current local transaction changed, as one server transaction.
    pub(in crate::vault) fn push(&mut self, conn: &Connection, operator: &str, now: Timestamp) -> VaultResult<()> {
        let mut upserts = Vec::new();
        let mut deletes = Vec::new();
        for (table, keys) in rows::changed_keys(conn)? {
            let info = self.tables.get(&table).ok_or_else(|| VaultError::Refused(format!("unknown table {table}")))?;
            for key in keys {
                let rid = self.keys.row_id(&rows::encode_key(&table, &key))?;
                self.refuse_if_changed_elsewhere(&table, &rid)?;
                match rows::read_row(conn, info, &key)? {
                    Some(row) => upserts.push((table.clone(), rid, row)),
                    None if self.known.contains_key(&(table.clone(), rid.clone())) => {
                        deletes.push((table.clone(), rid))
                    }
                    None => {}
                }
            }
        }
        if upserts.is_empty() && deletes.is_empty() {
            return Ok(());
        }
        self.send(upserts, deletes, operator, now)?;
        rows::clear_change_notes(conn)
    }

    fn refuse_if_changed_elsewhere(&self, table: &str, rid: &str) -> VaultResult<()> {
        // `meta` is bookkeeping every change touches (the audit log's head); the order of
        // commits on the server already keeps it right.
        if table == "meta" {
            return Ok(());
        }
        let Some(known) = self.known.get(&(table.to_owned(), rid.to_owned())) else { return Ok(()) };
        if known.version <= self.seen || self.mine.contains(&known.version) {
            return Ok(());
        }
        Err(VaultError::Conflict(format!(
            "{} changed this after your screen last showed it. Their change is shown now: make yours again if it is \
             still needed",
            self.describe_commit(known.version)?
        )))
    }

    /// "NAME on another desk at TIME" for a commit.
    fn describe_commit(&self, seq: i64) -> VaultResult<String> {
        let mut guard = lock(&self.client)?;
        let row = guard
            .query_opt("SELECT at, desk, who FROM keyholder_commits WHERE seq = $1", &[&seq])
            .map_err(|e| server_error("reading who changed the record", &e))?;
        let Some(row) = row else { return Ok("another desk".to_owned()) };
        let (at, desk, who): (String, String, Vec<u8>) = (row.get(0), row.get(1), row.get(2));
        let name = self
            .keys
            .open("keyholder_commits", &desk, seq, &who)
            .map(|plain| String::from_utf8_lossy(&plain).into_owned())
            .unwrap_or_else(|| "someone (the record of who was altered)".to_owned());
        let when = at.parse::<Timestamp>().map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or(at);
        let place = if desk == self.desk { "at this desk" } else { "on another desk" };
        Ok(format!("{name} {place} at {when}"))
    }

    /// The keyed hash of a staff member's email, kept beside the row so that the server can
    /// refuse the same address added at two desks at once without learning it.
    fn lookup_of(&self, table: &str, row: &Row) -> VaultResult<Option<Vec<u8>>> {
        lookup_with(&self.keys, table, row)
    }

    /// The rows this desk would look up by email on the server (a test of the lookup hash).
    pub fn server_has_email(&self, email: &str) -> VaultResult<bool> {
        let lookup = self.keys.email_lookup(email)?;
        let mut guard = lock(&self.client)?;
        let row = guard
            .query_one(
                "SELECT count(*) FROM keyholder_rows WHERE tbl = 'staff' AND lookup = $1 AND body IS NOT NULL",
                &[&lookup],
            )
            .map_err(|e| server_error("looking up an email", &e))?;
        Ok(row.get::<_, i64>(0) > 0)
    }

    fn send(
        &mut self,
        upserts: Vec<(String, String, Row)>,
        deletes: Vec<(String, String)>,
        operator: &str,
        now: Timestamp,
    ) -> VaultResult<()> {
        let client = Arc::clone(&self.client);
        let mut guard = lock(&client)?;
        let saving = |e: postgres::Error| server_error("saving the change", &e);
        let mut tx = guard.transaction().map_err(saving)?;
        let head = tables::header(&mut tx, true)?;
        if head.seq != self.seq {
            drop(tx);
            drop(guard);
            return Err(VaultError::Conflict(format!(
                "{} saved a change at the same moment. Theirs is shown now: make yours again if it is still needed",
                self.describe_commit(head.seq)?
            )));
        }
        let version = head.seq + 1;
        let mut digest = self.digest;
        let (mut t, mut r, mut l, mut b) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (table, rid, row) in &upserts {
            if let Some(old) = self.known.get(&(table.clone(), rid.clone())) {
                toggle(&mut digest, &self.keys.element(table, rid, old.version)?);
            }
            toggle(&mut digest, &self.keys.element(table, rid, version)?);
            let plain = Zeroizing::new(rows::encode_row(row));
            b.push(self.keys.seal(table, rid, version, &plain)?);
            l.push(self.lookup_of(table, row)?);
            t.push(table.clone());
            r.push(rid.clone());
        }
        let (mut dt, mut dr) = (Vec::new(), Vec::new());
        for (table, rid) in &deletes {
            if let Some(old) = self.known.get(&(table.clone(), rid.clone())) {
                toggle(&mut digest, &self.keys.element(table, rid, old.version)?);
            }
            dt.push(table.clone());
            dr.push(rid.clone());
        }
        // Deletions first: a row deleted and another inserted with the same email is no clash.
        tx.execute(
            "UPDATE keyholder_rows SET version = $3, lookup = NULL, body = NULL \
             FROM unnest($1::text[], $2::text[]) AS u(t, r) WHERE tbl = u.t AND rid = u.r",
            &[&dt, &dr, &version],
        )
        .map_err(saving)?;
        insert_rows(&mut tx, &t, &r, version, &l, &b)?;
        let who = self.keys.seal("keyholder_commits", &self.desk, version, operator.as_bytes())?;
        finish_commit(&mut tx, version, now, &self.desk, &who, &digest, head.schema_version, 0)?;
        tx.commit().map_err(|e| clash_or(e, "saving the change"))?;
        drop(guard);
        for (table, rid) in deletes {
            self.known.remove(&(table, rid));
        }
        for (table, rid, row) in upserts {
            self.known.insert((table, rid), Known { key: row.key, version });
        }
        if self.seen == self.seq {
            self.seen = version;
        }
        self.mine.insert(version);
        self.seq = version;
        self.digest = digest;
        Ok(())
    }

    /// Save changed key slots, refused if another desk changed them meanwhile.
    pub(in crate::vault) fn save_slots(&mut self, body: &[u8]) -> VaultResult<()> {
        let mut guard = lock(&self.client)?;
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
        let mut guard = lock(&self.client)?;
        guard.batch_execute("VACUUM keyholder_rows").map_err(|e| server_error("clearing deleted rows", &e))
    }

    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    pub fn address(&self) -> &ServerAddress {
        &self.address
    }

    pub(in crate::vault) fn client(&self) -> Shared {
        Arc::clone(&self.client)
    }
}

fn lookup_with(keys: &RowKeys, table: &str, row: &Row) -> VaultResult<Option<Vec<u8>>> {
    match (table, row.cell("email")) {
        ("staff", Some(Value::Text(email))) => Ok(Some(keys.email_lookup(email)?)),
        _ => Ok(None),
    }
}

/// Insert or replace sealed rows, all at `version`.
fn insert_rows(
    tx: &mut postgres::Transaction<'_>,
    tables: &[String],
    rids: &[String],
    version: i64,
    lookups: &[Option<Vec<u8>>],
    bodies: &[Vec<u8>],
) -> VaultResult<()> {
    tx.execute(
        "INSERT INTO keyholder_rows (tbl, rid, version, lookup, body) \
         SELECT t, r, $3, l, b FROM unnest($1::text[], $2::text[], $4::bytea[], $5::bytea[]) AS u(t, r, l, b) \
         ON CONFLICT (tbl, rid) DO UPDATE SET version = EXCLUDED.version, lookup = EXCLUDED.lookup, body = EXCLUDED.body",
        &[&tables, &rids, &version, &lookups, &bodies],
    )
    .map_err(|e| clash_or(e, "saving the change"))?;
    Ok(())
}

/// Record who committed, move the header on and tell the other desks.
#[allow(clippy::too_many_arguments)]
fn finish_commit(
    tx: &mut postgres::Transaction<'_>,
    version: i64,
    now: Timestamp,
    desk: &str,
    who: &[u8],
    digest: &[u8; 32],
    schema_version: i64,
    new_keys: i64,
) -> VaultResult<()> {
    let saving = |e: postgres::Error| server_error("saving the change", &e);
    tx.execute(
        "INSERT INTO keyholder_commits (seq, at, desk, who) VALUES ($1, $2, $3, $4)",
        &[&version, &now.to_string(), &desk, &who],
    )
    .map_err(saving)?;
    tx.execute(
        "UPDATE keyholder_store SET seq = $1, digest = $2, schema_version = $3, key_epoch = key_epoch + $4 WHERE id = 1",
        &[&version, &digest.as_slice(), &(schema_version as i32), &new_keys],
    )
    .map_err(saving)?;
    tx.execute("SELECT pg_notify('keyholder', $1)", &[&version.to_string()]).map_err(saving)?;
    Ok(())
}

/// A unique email refused by the server is a clash with another desk; anything else as it is.
fn clash_or(error: postgres::Error, doing: &str) -> VaultError {
    let unique = error.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION);
    if unique && error.as_db_error().and_then(|e| e.constraint()) == Some("keyholder_rows_lookup") {
        return VaultError::Conflict(
            "someone on another desk has just added a person with this email address; yours was not saved".into(),
        );
    }
    server_error(doing, &error)
}
