//! The server's own tables, and the few statements that read and write their fixed rows. What
//! the server can see is exactly these columns: table names, row ids (keyed hashes), versions,
//! email lookups (keyed hashes), commit times and desk ids; every other byte is sealed.

use super::super::error::{VaultError, VaultResult};
use postgres::GenericClient;

/// Bumped when these tables change shape.
pub(super) const FORMAT: i32 = 1;

const CREATE: &str = "
    CREATE TABLE keyholder_store (
        id integer PRIMARY KEY CHECK (id = 1),
        format integer NOT NULL,
        schema_version integer NOT NULL,
        seq bigint NOT NULL,
        digest bytea NOT NULL,
        vault_id text NOT NULL,
        key_epoch bigint NOT NULL DEFAULT 0
    );
    CREATE TABLE keyholder_keys (
        id integer PRIMARY KEY CHECK (id = 1),
        version bigint NOT NULL,
        body bytea NOT NULL
    );
    CREATE TABLE keyholder_attempts (
        id integer PRIMARY KEY CHECK (id = 1),
        body bytea NOT NULL
    );
    CREATE TABLE keyholder_commits (
        seq bigint PRIMARY KEY,
        at text NOT NULL,
        desk text NOT NULL,
        who bytea NOT NULL
    );
    CREATE TABLE keyholder_rows (
        tbl text NOT NULL,
        rid text NOT NULL,
        version bigint NOT NULL,
        lookup bytea,
        body bytea,
        PRIMARY KEY (tbl, rid)
    );
    CREATE INDEX keyholder_rows_by_version ON keyholder_rows (version);
    CREATE UNIQUE INDEX keyholder_rows_lookup ON keyholder_rows (tbl, lookup) WHERE lookup IS NOT NULL;";

/// The store's header row.
#[derive(Debug, Clone)]
pub(super) struct Header {
    pub schema_version: i64,
    pub seq: i64,
    pub digest: [u8; 32],
    pub vault_id: String,
    /// How many times the data key was replaced (every desk must then sign in again).
    pub key_epoch: i64,
}

pub(super) fn server_error(doing: &str, error: &postgres::Error) -> VaultError {
    if error.is_closed() {
        return VaultError::Server(format!(
            "{doing} failed: the connection to the server was lost, and nothing was saved. Keyholder connects \
             again with your next change once the server is back"
        ));
    }
    let source = std::error::Error::source(error).map(|s| format!(": {s}")).unwrap_or_default();
    VaultError::Server(format!("{doing} failed ({error}{source})"))
}

/// Whether this database holds a Keyholder record.
pub(super) fn exists(client: &mut impl GenericClient) -> VaultResult<bool> {
    let row = client
        .query_one("SELECT to_regclass('keyholder_store') IS NOT NULL", &[])
        .map_err(|e| server_error("looking for the office record", &e))?;
    Ok(row.get(0))
}

/// Make the tables and their fixed rows (in the caller's transaction).
pub(super) fn create(
    client: &mut impl GenericClient,
    header: &Header,
    slots: &[u8],
    attempts: &[u8],
) -> VaultResult<()> {
    let fail = |e: postgres::Error| server_error("creating the office record", &e);
    client.batch_execute(CREATE).map_err(fail)?;
    client
        .execute(
            "INSERT INTO keyholder_store (id, format, schema_version, seq, digest, vault_id) VALUES (1, $1, $2, $3, $4, $5)",
            &[&FORMAT, &(header.schema_version as i32), &header.seq, &header.digest.as_slice(), &header.vault_id],
        )
        .map_err(fail)?;
    client.execute("INSERT INTO keyholder_keys (id, version, body) VALUES (1, 1, $1)", &[&slots]).map_err(fail)?;
    client.execute("INSERT INTO keyholder_attempts (id, body) VALUES (1, $1)", &[&attempts]).map_err(fail)?;
    Ok(())
}

/// Take away a record that could not be finished (a new one whose first commit failed, a copy
/// that did not compare equal), so the database is as it was.
pub(super) fn remove(client: &mut impl GenericClient) -> VaultResult<()> {
    client
        .batch_execute(
            "DROP TABLE IF EXISTS keyholder_rows, keyholder_commits, keyholder_attempts, keyholder_keys, keyholder_store",
        )
        .map_err(|e| server_error("removing an unfinished record", &e))
}

/// The header, locked until the transaction ends when `lock` (one writer at a time).
pub(super) fn header(client: &mut impl GenericClient, lock: bool) -> VaultResult<Header> {
    let sql = if lock {
        "SELECT format, schema_version, seq, digest, vault_id, key_epoch FROM keyholder_store WHERE id = 1 FOR UPDATE"
    } else {
        "SELECT format, schema_version, seq, digest, vault_id, key_epoch FROM keyholder_store WHERE id = 1"
    };
    let row = client.query_one(sql, &[]).map_err(|e| server_error("reading the office record", &e))?;
    let format: i32 = row.get(0);
    if format != FORMAT {
        return Err(VaultError::Server(format!(
            "the office record on the server has format {format}; this Keyholder reads format {FORMAT} (update Keyholder)"
        )));
    }
    let digest: Vec<u8> = row.get(3);
    let schema_version: i32 = row.get(1);
    Ok(Header {
        schema_version: i64::from(schema_version),
        seq: row.get(2),
        digest: digest.try_into().map_err(|_| VaultError::Damaged("the server's record digest was altered".into()))?,
        vault_id: row.get(4),
        key_epoch: row.get(5),
    })
}

/// The key slots and their version.
pub(super) fn slots(client: &mut impl GenericClient) -> VaultResult<(Vec<u8>, i64)> {
    let row = client
        .query_one("SELECT body, version FROM keyholder_keys WHERE id = 1", &[])
        .map_err(|e| server_error("reading the key slots", &e))?;
    Ok((row.get(0), row.get(1)))
}

/// Replace the key slots if nobody replaced them since `version`; the new version, or `None`.
pub(super) fn replace_slots(client: &mut impl GenericClient, body: &[u8], version: i64) -> VaultResult<Option<i64>> {
    let changed = client
        .execute(
            "UPDATE keyholder_keys SET body = $1, version = version + 1 WHERE id = 1 AND version = $2",
            &[&body, &version],
        )
        .map_err(|e| server_error("saving the key slots", &e))?;
    Ok((changed == 1).then_some(version + 1))
}

pub(super) fn attempts(client: &mut impl GenericClient) -> VaultResult<Option<Vec<u8>>> {
    let row = client
        .query_opt("SELECT body FROM keyholder_attempts WHERE id = 1", &[])
        .map_err(|e| server_error("reading the sign-in attempts", &e))?;
    Ok(row.map(|r| r.get(0)))
}

pub(super) fn save_attempts(client: &mut impl GenericClient, body: &[u8]) -> VaultResult<()> {
    client
        .execute(
            "INSERT INTO keyholder_attempts (id, body) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body",
            &[&body],
        )
        .map_err(|e| server_error("counting the sign-in attempt", &e))?;
    Ok(())
}
