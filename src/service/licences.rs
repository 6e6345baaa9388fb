//! Taking a leaver's Microsoft 365 licences back, on the operator's request (a licence is
//! money, and a blocked account keeps it): every licence assigned to the person's account
//! removed, read back, and the attempt audited like any change made in a directory.

use super::{Office, ServiceError, ServiceResult};
use crate::domain::directory_change::account_of;
use crate::domain::linked_directory::DirectoryKind;
use crate::vault::linked_directories;

impl Office {
    /// Remove every licence from `email`'s account in the directory `name`; what was removed
    /// (Microsoft's names, e.g. SPE_E3), empty when there was none.
    pub fn remove_licences(&mut self, name: &str, email: &str) -> ServiceResult<Vec<String>> {
        let directory = self.directory_named(name)?;
        if directory.kind != DirectoryKind::Microsoft365 || directory.is_from_export() {
            return Err(ServiceError::refused_by_state(format!(
                "Keyholder removes licences only through a live Microsoft 365 connection; {} is not one",
                directory.name
            )));
        }
        let record = self.directory()?;
        let staff = Self::staff_id(&record, email)?;
        let manual = linked_directories::matches(&self.vault().read(), directory.id)?;
        let mut session = self.connect(&directory)?;
        let accounts = session.read_accounts()?;
        let Some(account) = account_of(staff, &accounts, &manual, &record) else {
            session.close();
            return Err(ServiceError::refused_by_state(format!("{email} has no account in {}", directory.name)));
        };
        let (id, username) = (account.dn.clone(), account.username.clone());
        let removed = session.remove_licences(&id);
        session.close();
        let what = format!("remove the licences of {username}");
        let personal = Some((staff, what.as_str()));
        match removed {
            Ok(names) => {
                let made = vec![format!("POST /users/{id}/assignLicense: remove {}", names.join(", "))];
                self.audit_write(&directory, "licences removed", personal, Ok(made))?;
                Ok(names)
            }
            // The audit records the failure and hands the error back.
            Err(error) => self
                .audit_write(&directory, "licences removed", personal, Err((Vec::new(), error.into())))
                .map(|_| Vec::new()),
        }
    }
}
