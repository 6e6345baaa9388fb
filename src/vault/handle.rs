//! The two handles the service layer reads and writes the office record through: [`Read`], a
//! view of the open database, and [`Write`], one transaction of a use case (opened and committed
//! with its audit record by [`super::Vault::write`]). They carry the SQLite connection without
//! handing it out, so every statement lives in a repository function in `src/vault`, and a
//! second store can later stand behind the same functions.

use rusqlite::Connection;

/// Reads of the office record (the repository functions that only `SELECT`).
#[derive(Clone, Copy)]
pub struct Read<'a>(pub(in crate::vault) &'a Connection);

/// One open transaction: every repository function, reads included (through `Deref`).
pub struct Write<'a>(pub(in crate::vault) Read<'a>);

impl<'a> std::ops::Deref for Write<'a> {
    type Target = Read<'a>;

    fn deref(&self) -> &Read<'a> {
        &self.0
    }
}

impl<'a> Write<'a> {
    pub(in crate::vault) fn new(tx: &'a rusqlite::Transaction<'_>) -> Self {
        Write(Read(tx))
    }
}
