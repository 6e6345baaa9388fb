//! The office record on a PostgreSQL server, for offices with several desks. The record is
//! worked on as on the file, in a local copy (SQLite in this process's memory), and every
//! transaction's changed rows go to the server sealed with the office's data key: the server
//! and its backups hold only what [`tables`] lists in the clear. Other desks are told of each
//! change (`NOTIFY`) and take it in; a change built on rows another desk has changed since is
//! refused and says who changed them and when.

pub mod address;
mod cache;
mod listen;
mod rows;
mod seal;
mod store;
mod tables;

pub use address::{KEYRING_SERVICE, ServerAddress, database_name, is_server_address, redacted};
pub(crate) use store::lock;
pub use store::{Link, ServerStore, Shared, Taken};

/// Read and write the sign-in attempts journal kept on the server.
pub(crate) fn read_attempts(shared: &Shared) -> super::VaultResult<Option<Vec<u8>>> {
    tables::attempts(&mut *lock(shared)?)
}

pub(crate) fn save_attempts(shared: &Shared, body: &[u8]) -> super::VaultResult<()> {
    tables::save_attempts(&mut *lock(shared)?, body)
}

/// Whether the server at `address` holds a record, and its key slots (for the sign-in screen).
pub fn read_slots(address: &ServerAddress) -> super::VaultResult<Option<(Vec<u8>, i64)>> {
    let mut client = address.connect()?;
    if !tables::exists(&mut client)? {
        return Ok(None);
    }
    tables::slots(&mut client).map(Some)
}

pub(crate) fn read_slots_with(shared: &Shared) -> super::VaultResult<Option<(Vec<u8>, i64)>> {
    let mut client = lock(shared)?;
    if !tables::exists(&mut *client)? {
        return Ok(None);
    }
    tables::slots(&mut *client).map(Some)
}

/// Take away the record at `address` (a copy that did not compare equal with its original).
pub(crate) fn remove_record(address: &ServerAddress) -> super::VaultResult<()> {
    tables::remove(&mut address.connect()?)
}
