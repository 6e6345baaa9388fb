//! A vault whose record is on a PostgreSQL server: creating it, signing in (the key slots and
//! the attempts journal are on the server too), taking in other desks' changes, and copying a
//! record between a file and a server in either direction without changing the source.

use super::attempts::Attempts;
use super::crypto::{DataKey, KdfParams};
use super::error::{VaultError, VaultResult};
use super::lockfile::ProcessLock;
use super::server::{Link, ServerAddress, ServerStore, Shared};
use super::slots::{Generation, SlotFile};
use super::unlock::{self, Counting};
use super::{Created, Credential, Vault, VaultPaths, audit_log, crypto, db, fsutil, server};
use crate::domain::operator::OperatorName;
use crate::domain::recovery_key;
use jiff::Timestamp;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

fn connect(address: &str) -> VaultResult<(ServerAddress, Shared)> {
    let address = ServerAddress::parse(address)?.with_password()?;
    let client = address.connect()?;
    Ok((address, Arc::new(Mutex::new(client))))
}

/// How many rows each table holds, and a hash of their contents in key order.
pub type Fingerprint = BTreeMap<String, (i64, String)>;

/// The record's contents, table by table, to compare two copies.
pub fn fingerprint(conn: &Connection) -> VaultResult<Fingerprint> {
    let mut out = BTreeMap::new();
    let mut tables = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name NOT LIKE 'kh\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let names: Vec<String> = tables.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    for name in names {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let mut statement = conn
            .prepare(&format!("SELECT * FROM {quoted} ORDER BY 1, 2"))
            .or_else(|_| conn.prepare(&format!("SELECT * FROM {quoted} ORDER BY 1")))?;
        let columns = statement.column_count();
        let mut rows = statement.query([])?;
        let (mut count, mut hash) = (0i64, Sha256::new());
        while let Some(row) = rows.next()? {
            count += 1;
            for i in 0..columns {
                hash.update(format!("{:?}\u{1f}", row.get::<_, rusqlite::types::Value>(i)?).as_bytes());
            }
            hash.update(b"\x1e");
        }
        out.insert(name, (count, hex::encode(hash.finalize())));
    }
    Ok(out)
}

/// A new record on the server at `address` written as an older Keyholder would have (schema
/// `schema_version`), for the test that signing in upgrades it.
#[cfg(feature = "test-support")]
pub fn create_old_record(
    address: &str,
    operator: &OperatorName,
    password: &[u8],
    now: Timestamp,
    schema_version: i64,
) -> VaultResult<()> {
    let paths = VaultPaths::new(address);
    Vault::create_on_server(&paths, address, operator, password, KdfParams::FLOOR, now, schema_version).map(drop)
}

/// The key slots of the vault at `paths` (its key file, or its server), read without a key.
pub fn slots_of(paths: &VaultPaths) -> VaultResult<SlotFile> {
    let Some(address) = paths.server_address() else {
        if !paths.database.exists() {
            return Err(VaultError::NotFound(paths.database.clone()));
        }
        return SlotFile::load(&paths.slots);
    };
    let address = ServerAddress::parse(address)?.with_password()?;
    let (body, _) = server::read_slots(&address)?
        .ok_or_else(|| VaultError::Server(format!("{} holds no Keyholder record yet", address.display())))?;
    SlotFile::parse(&body)
        .map_err(|reason| VaultError::Server(format!("the key slots on the server cannot be read: {reason}")))
}

/// Whether a vault is at `paths`: its files, or a record on its server.
/// A server that cannot be reached counts as holding one: the sign-in screen then says why it
/// cannot be reached, rather than offering to create a new office there.
pub fn exists(paths: &VaultPaths) -> bool {
    let Some(address) = paths.server_address() else { return paths.exists() };
    let Ok(address) = ServerAddress::parse(address).and_then(ServerAddress::with_password) else { return true };
    !matches!(server::read_slots(&address), Ok(None))
}

/// What a copy moved, checked after it was made.
#[derive(Debug, Clone)]
pub struct CopyReport {
    pub tables: usize,
    pub rows: i64,
    pub audit_records: i64,
}

impl Vault {
    /// A new record on a server (at `schema_version`: the current one, or an older one for the
    /// tests of upgrading a server's record).
    pub(super) fn create_on_server(
        paths: &VaultPaths,
        address: &str,
        operator: &OperatorName,
        password: &[u8],
        kdf: KdfParams,
        now: Timestamp,
        schema_version: i64,
    ) -> VaultResult<Created> {
        let (address, client) = connect(address)?;
        let key = DataKey::random()?;
        let recovery_bytes = crypto::random_secret(recovery_key::RECOVERY_KEY_BYTES)?;
        let recovery_text = recovery_key::format(super::recovery_array(&recovery_bytes)?);
        let mut slots = SlotFile::new()?;
        slots.set_password(&key, operator, password, kdf)?;
        slots.set_recovery(&key, recovery_bytes.as_ref(), KdfParams::FLOOR)?;
        slots.authenticate(&key)?;
        let mut conn = db::open_memory()?;
        super::first_records(&mut conn, schema_version, &slots.vault_id, operator, now)?;
        let store = ServerStore::create(
            Link { address, client },
            &key,
            &slots.to_bytes()?,
            &conn,
            &slots.vault_id,
            operator.as_str(),
            now,
        )?;
        let vault = Self::around_store(paths, conn, key, slots, Vec::new(), store)?;
        Ok(Created { vault, recovery_key: recovery_text })
    }

    fn around_store(
        paths: &VaultPaths,
        conn: Connection,
        key: DataKey,
        slots: SlotFile,
        key_file_problems: Vec<String>,
        store: ServerStore,
    ) -> VaultResult<Self> {
        store.watch(&conn)?;
        Ok(Self {
            paths: paths.clone(),
            conn,
            key,
            slots,
            key_file_problems,
            read_only: false,
            _lock: None::<ProcessLock>,
            server: Some(store),
        })
    }

    pub(super) fn unlock_on_server(
        paths: &VaultPaths,
        address: &str,
        credential: Credential<'_>,
        now: Timestamp,
    ) -> VaultResult<Self> {
        let (address, client) = connect(address)?;
        let (body, slots_version) = server::read_slots_with(&client)?.ok_or_else(|| {
            VaultError::Server(format!(
                "{} holds no Keyholder record yet: create one there (`keyholder init`) or copy a file vault to it \
                 (`keyholder migrate --to`)",
                address.display()
            ))
        })?;
        let slots = SlotFile::parse(&body)
            .map_err(|reason| VaultError::Server(format!("the key slots on the server cannot be read: {reason}")))?;
        let journal = Attempts::on_server(Arc::clone(&client));
        let key = unlock::open_key(&slots, &credential, &journal, Counting::Count, now)?;
        let operator = credential.operator().map(ToString::to_string).unwrap_or_else(|| "(recovery key)".to_owned());
        let (conn, store) = ServerStore::load(Link { address, client }, &key, slots_version, &operator, now)?;
        let key_file_problems = unlock::check_opened(&conn, &slots, &key, &credential)?;
        Self::around_store(paths, conn, key, slots, key_file_problems, store)
    }

    /// The record table by table, to compare copies.
    pub fn fingerprint(&self) -> VaultResult<Fingerprint> {
        fingerprint(&self.conn)
    }

    /// The server store, when the record is kept on one.
    pub fn server(&self) -> Option<&ServerStore> {
        self.server.as_ref()
    }

    /// Take in other desks' changes; `true` when anything changed. What the operator's
    /// screen has shown is not moved on (see [`Vault::mark_seen`]).
    pub fn take_in_changes(&mut self) -> VaultResult<server::Taken> {
        match &mut self.server {
            Some(server) => server.pull(&mut self.conn),
            None => Ok(server::Taken::Nothing),
        }
    }

    /// The operator's screen now shows the local copy as it is.
    pub fn mark_seen(&mut self) {
        if let Some(server) = &mut self.server {
            server.mark_seen();
        }
    }

    /// Whether another desk changed the record since this screen last showed it.
    pub fn changes_waiting(&self) -> bool {
        self.server.as_ref().is_some_and(ServerStore::changes_waiting)
    }

    /// Replace the data key of a record on a server (see [`Vault::rekey`]).
    pub(super) fn rekey_on_server(&mut self) -> VaultResult<()> {
        let new_key = DataKey::random()?;
        let mut next = self.slots.clone();
        next.rewrap(&new_key)?;
        next.authenticate(&new_key)?;
        let body = next.to_bytes()?;
        if let Some(server) = &mut self.server {
            server.rekey(&self.conn, &new_key, &body, "(the data key was replaced)", Timestamp::now())?;
            // This desk's copy on disk is encrypted with the data key too.
            if server.keeps_a_copy()
                && let Err(error) = super::rekey::rekey_database(&self.conn, &new_key)
            {
                tracing::warn!("this desk's copy could not take the new key; it is loaded again next time: {error}");
                server.forget_copy();
            }
        }
        self.key = new_key;
        self.slots = next;
        Ok(())
    }

    /// Save the key slots where this vault keeps them (its key file, or its server).
    pub(super) fn save_slots(&mut self, slots: &SlotFile) -> VaultResult<()> {
        match &mut self.server {
            Some(server) => server.save_slots(&slots.to_bytes()?),
            None => slots.save(&self.paths.slots),
        }
    }

    /// Copy the whole record, with its key slots, to `target` (a server address or a new
    /// file's path), then open the copy with the data key and compare it table by table and
    /// check its audit chain. This vault is only read.
    pub fn copy_to(&self, target: &str, operator: &str, now: Timestamp) -> VaultResult<CopyReport> {
        if !server::is_server_address(target) {
            let copied = self.copy_to_file(Path::new(target)).and_then(|copy| self.compare_copy(&copy));
            if copied.is_err() && !matches!(copied, Err(VaultError::AlreadyExists(_))) {
                VaultPaths::new(target).remove_unfinished();
            }
            return copied;
        }
        let address = ServerAddress::parse(target)?.with_password()?;
        if server::read_slots(&address)?.is_some() {
            return Err(VaultError::Server(format!(
                "{} already holds a Keyholder office record; choose another database",
                address.display()
            )));
        }
        let copied = self.copy_to_server(target, operator, now).and_then(|copy| self.compare_copy(&copy));
        if copied.is_err()
            && let Err(left) = server::remove_record(&address)
        {
            tracing::warn!("an unfinished copy was left on the server: {left}");
        }
        copied
    }

    /// Compare a copy with this vault: the same rows in every table, an intact audit chain.
    fn compare_copy(&self, copy: &Connection) -> VaultResult<CopyReport> {
        let expected = fingerprint(&self.conn)?;
        let found = fingerprint(copy)?;
        if found != expected {
            let differ: Vec<&String> =
                expected.keys().chain(found.keys()).filter(|t| expected.get(*t) != found.get(*t)).collect();
            return Err(VaultError::Damaged(format!("the copy differs from the original in {differ:?}")));
        }
        if let Err(broken) = audit_log::verify(copy)? {
            return Err(VaultError::Damaged(format!("the copy's audit log: {broken}")));
        }
        Ok(CopyReport {
            tables: found.len(),
            rows: found.values().map(|(n, _)| n).sum(),
            audit_records: audit_log::head(copy)?.0,
        })
    }

    fn copy_to_server(&self, target: &str, operator: &str, now: Timestamp) -> VaultResult<Connection> {
        let (address, client) = connect(target)?;
        let mut slots = self.slots.clone();
        // The server has no file beside it to fall behind; its rows carry their own versions.
        slots.generation = Generation::default();
        slots.authenticate(&self.key)?;
        let link = Link { address: address.clone(), client };
        let store =
            ServerStore::create(link, &self.key, &slots.to_bytes()?, &self.conn, &slots.vault_id, operator, now)?;
        drop(store);
        let (_, client) = connect(target)?;
        let (conn, store) = ServerStore::load(Link { address, client }, &self.key, 1, operator, now)?;
        if let Some(problem) = store.problems().first() {
            return Err(VaultError::Damaged(format!("the copy on the server: {problem}")));
        }
        Ok(conn)
    }

    fn copy_to_file(&self, path: &Path) -> VaultResult<Connection> {
        let paths = VaultPaths::new(path);
        paths.prepare_new()?;
        let lock = ProcessLock::acquire(&paths.lock)?;
        let written = (|| {
            drop(fsutil::create_private(&paths.database)?);
            db::export_encrypted(&self.conn, &paths.database, &self.key)?;
            let conn = db::open(&paths.database, &self.key, false)?;
            let mut slots = self.slots.clone();
            let (changes, hash) = audit_log::head(&conn)?;
            slots.generation = Generation::new(changes, &hash);
            slots.authenticate(&self.key)?;
            slots.save(&paths.slots)?;
            Attempts::new(paths.attempts.clone(), true).clear()?;
            fsutil::sync_parent(&paths.database)?;
            Ok(conn)
        })();
        drop(lock);
        if written.is_err() {
            paths.remove_unfinished();
        }
        written
    }
}
