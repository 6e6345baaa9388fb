//! Several desks on one record kept on a PostgreSQL server: whether another desk changed it
//! since this screen last showed it, taking those changes in, and copying a record between a
//! file and a server (`keyholder migrate`).

use super::{Clock, Office, ServiceError, ServiceResult, SignIn};
use crate::vault::on_server::{CopyReport, Fingerprint};
pub use crate::vault::server::Taken;
use std::path::Path;
use std::sync::Arc;

/// Copy the record at `source` to `target` (`keyholder migrate`): the operator proves who they
/// are as at sign-in, but nothing is written to the source, not even that sign-in.
pub fn copy_vault(
    source: &Path,
    sign_in: SignIn<'_>,
    target: &str,
    clock: Arc<dyn Clock>,
) -> ServiceResult<CopyReport> {
    let (office, _) = Office::unlock_only(source, &sign_in, clock)?;
    if office.needs_second_factor()? {
        let code = sign_in.second_factor.ok_or(ServiceError::SecondFactorRequired)?;
        office.check_second_factor_only(code)?;
    }
    office.copy_record_to(target)
}

/// The record at `path` table by table (rows and a hash of them), read without recording the
/// sign-in: to compare a copy with its original.
pub fn fingerprint_of(path: &Path, sign_in: SignIn<'_>, clock: Arc<dyn Clock>) -> ServiceResult<Fingerprint> {
    let (office, _) = Office::unlock_only(path, &sign_in, clock)?;
    Ok(office.vault().fingerprint()?)
}

impl Office {
    /// Whether the record is kept on a server, and which (`user@host:port/database`).
    pub fn server_display(&self) -> Option<String> {
        self.vault().server().map(|server| server.address().display().to_owned())
    }

    /// Whether this desk keeps its encrypted copy of the server's record between sign-ins
    /// (else the copy is in memory only: another Keyholder here has it open).
    pub fn keeps_a_copy_here(&self) -> bool {
        self.vault().server().is_some_and(crate::vault::server::ServerStore::keeps_a_copy)
    }

    /// Whether another desk changed the record since this screen last showed it (cheap: asked
    /// every frame; the server's announcements arrive on their own thread).
    pub fn changes_waiting(&self) -> bool {
        self.vault().changes_waiting()
    }

    /// Take in other desks' changes and count them as shown (a command line, or a screen
    /// that reads everything again); `true` when anything came in.
    pub fn catch_up(&mut self) -> ServiceResult<bool> {
        let taken = self.take_in_changes()?;
        self.mark_seen();
        Ok(taken != Taken::Nothing)
    }

    /// Take in other desks' changes without counting them as shown: a form already open still
    /// holds what the screen showed when it opened, and saving it is refused for rows changed
    /// since. Says whether anything came in, and whether more than the audit log did (another
    /// desk signing in is not news).
    pub fn take_in_changes(&mut self) -> ServiceResult<Taken> {
        let taken = self.vault_mut().take_in_changes()?;
        if taken == Taken::Changes {
            self.reload_time_zone()?;
        }
        Ok(taken)
    }

    /// The screen now shows the record as it is here (the operator opened or chose something).
    pub fn mark_seen(&mut self) {
        self.vault_mut().mark_seen();
    }

    /// Copy the whole record to `target` (a `postgres://` address or a new file's path) and
    /// check the copy: same rows in every table, an intact audit chain. Nothing is written
    /// here: not even this copy is recorded in the source's audit log.
    pub fn copy_record_to(&self, target: &str) -> ServiceResult<CopyReport> {
        Ok(self.vault().copy_to(target, self.operator().as_str(), self.now())?)
    }
}
