//! Talking to systems outside the vault: directories over LDAP (`ldap`), apps over SCIM 2.0
//! (`scim`), Microsoft 365 over Microsoft Graph (`graph`) and Google Workspace over the Admin
//! SDK (`google`), the last three over `http`. Each connector depends only on `domain` (what it reads, the changes it is asked to
//! make, the settings it is given) and answers to [`Connection`]; the service layer decides
//! when to call it, records what it found and audits it. Nothing here writes to the vault or
//! draws.

pub mod error;
pub mod google;
pub mod graph;
mod http;
pub mod ldap;
pub mod scim;

pub use error::{ConnectorError, ConnectorResult};

use crate::domain::directory_change::Change;
use crate::domain::linked_directory::DirectoryAccount;

/// A signed-in connection to a directory or an app. Accounts and groups are named the way
/// the directory names them: an LDAP DN, or a SCIM id for an account and its display name for a
/// group.
pub trait Connection: Send {
    /// How many user accounts there are (the connection test).
    fn count_users(&mut self) -> ConnectorResult<usize>;
    /// Every account with its groups.
    fn read_accounts(&mut self) -> ConnectorResult<Vec<DirectoryAccount>>;
    /// Every group's name, in order (for choosing which to map).
    fn read_groups(&mut self) -> ConnectorResult<Vec<String>>;
    /// Make one change.
    fn apply(&mut self, change: &Change) -> ConnectorResult<()>;
    /// One account and its groups, read again (the confirmation after a change).
    fn read_account(&mut self, id: &str) -> ConnectorResult<Option<DirectoryAccount>>;
    /// Take every licence off one account, read back to confirm; the licences' names. Only a
    /// suite that sells licences per user (Microsoft 365) can.
    fn remove_licences(&mut self, _id: &str) -> ConnectorResult<Vec<String>> {
        Err(ConnectorError::Refused("Keyholder removes licences only in Microsoft 365".into()))
    }
    /// Say goodbye where the protocol has a way to.
    fn close(self: Box<Self>);
}
