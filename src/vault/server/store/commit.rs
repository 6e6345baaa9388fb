//! Sending this desk's changes to the server: one server transaction per local one, refused
//! when another desk committed meanwhile or changed a row this change touches after the screen
//! last showed it; the whole record sent again for a new schema or a new data key.

use super::super::cache::Known;
use super::super::rows::{self, Row};
use super::super::seal::{RowKeys, toggle};
use super::super::tables::{self, server_error};
use super::ServerStore;
use crate::vault::crypto::DataKey;
use crate::vault::error::{VaultError, VaultResult};
use crate::vault::schema;
use jiff::Timestamp;
use rusqlite::Connection;
use rusqlite::types::Value;
use std::collections::HashMap;
use std::sync::Arc;
use zeroize::Zeroizing;

impl ServerStore {
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

    pub(super) fn replace_all(
        &mut self,
        conn: &Connection,
        keys: RowKeys,
        slots: Option<&[u8]>,
        operator: &str,
        now: Timestamp,
    ) -> VaultResult<()> {
        let client = Arc::clone(&self.client);
        let mut guard = self.connection(&client)?;
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

    pub(super) fn push_all(&mut self, conn: &Connection, operator: &str, now: Timestamp) -> VaultResult<()> {
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
        let mut guard = self.connection(&self.client)?;
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

    fn send(
        &mut self,
        upserts: Vec<(String, String, Row)>,
        deletes: Vec<(String, String)>,
        operator: &str,
        now: Timestamp,
    ) -> VaultResult<()> {
        let client = Arc::clone(&self.client);
        let mut guard = self.connection(&client)?;
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
