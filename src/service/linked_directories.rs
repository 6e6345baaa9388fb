//! Directories the office runs (OpenLDAP, Active Directory): adding one (its address checked,
//! its bind password kept like a shared secret's value, never shown or audited), testing the
//! connection, mapping its accounts and groups onto systems, and a sync that reads it and
//! reports the drift against the record. Reading never changes the directory.

use super::{Office, Record, ServiceError, ServiceResult};
use crate::connector::Connection;
use crate::connector::google::{GoogleSession, GoogleSettings, ServiceAccountKey};
use crate::connector::graph::{GraphSession, GraphSettings};
use crate::connector::ldap::{LdapSettings, Session};
use crate::connector::scim::{ScimSession, ScimSettings};
use crate::domain::admin_export::{self, Vendor};
use crate::domain::audit::AuditEvent;
use crate::domain::linked_directory::{DirectoryKind, DriftInput, Finding, FindingKind, check_address, drift};
use crate::domain::secret::SecretString;
use crate::vault::linked_directories::{self, DirectoryRow, NewDirectory};
use serde::Serialize;

/// What a sync read and found.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub directory: String,
    pub accounts: usize,
    pub findings: Vec<Finding>,
}

/// A directory as the operator describes it.
pub struct NewLinkedDirectory<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub url: &'a str,
    pub base_dn: &'a str,
    pub bind_dn: &'a str,
    pub bind_password: &'a SecretString,
    pub starttls: bool,
    pub ca_file: Option<&'a str>,
}

impl Office {
    pub fn add_directory(&mut self, new: &NewLinkedDirectory<'_>) -> ServiceResult<()> {
        let invalid = ServiceError::Invalid;
        let kind = DirectoryKind::parse(new.kind).map_err(invalid)?;
        check_address(kind, new.url, new.starttls).map_err(invalid)?;
        let mut needed = vec![("a name", new.name)];
        if kind.is_ldap() {
            needed.extend([("the base DN", new.base_dn), ("the bind DN", new.bind_dn)]);
        }
        for (what, value) in needed {
            if value.trim().is_empty() {
                return Err(invalid(format!("give {what}")));
            }
        }
        // A live suite: a Microsoft 365 app registration (tenant and client IDs, its secret), or
        // a Google Workspace service account (the administrator it acts as, its key file).
        let live = kind.is_from_export() && !new.bind_dn.trim().is_empty();
        if live && kind == DirectoryKind::Microsoft365 && new.base_dn.trim().is_empty() {
            return Err(invalid("give the tenant (directory) ID with the application (client) ID".into()));
        }
        if live && !new.url.trim().is_empty() {
            crate::domain::linked_directory::check_scim_url(new.url).map_err(invalid)?;
        }
        if new.bind_password.expose().is_empty() && (!kind.is_from_export() || live) {
            let secret = match kind {
                DirectoryKind::OpenLdap | DirectoryKind::ActiveDirectory => "the bind password",
                DirectoryKind::Scim => "the app's bearer token",
                DirectoryKind::Microsoft365 => "the app registration's client secret",
                DirectoryKind::GoogleWorkspace => "the service account's key file",
            };
            return Err(invalid(format!("give {secret}")));
        }
        if live && kind == DirectoryKind::GoogleWorkspace {
            ServiceAccountKey::parse(new.bind_password)?;
        }
        if let Some(path) = new.ca_file.filter(|p| !std::path::Path::new(p).is_file()) {
            return Err(invalid(format!("the CA file {path} does not exist")));
        }
        if linked_directories::by_name(&self.vault().read(), new.name)?.is_some() {
            return Err(ServiceError::conflict(format!("there is already a directory called {}", new.name.trim())));
        }
        let row = NewDirectory {
            name: new.name.trim(),
            kind,
            url: new.url.trim(),
            base_dn: new.base_dn.trim(),
            bind_dn: new.bind_dn.trim(),
            bind_password: new.bind_password,
            starttls: new.starttls,
            ca_file: new.ca_file,
        };
        // The audit record names the directory and where it is, never the password.
        let summary =
            format!("directory {} ({}, {}) added, binding as {}", row.name, kind.describe(), row.url, row.bind_dn);
        self.record(AuditEvent::new("directory.add", summary), |tx| linked_directories::insert(tx, &row).map(|_| ()))
    }

    pub fn directories(&self) -> ServiceResult<Vec<DirectoryRow>> {
        Ok(linked_directories::all(&self.vault().read())?)
    }

    pub(super) fn directory_named(&self, name: &str) -> ServiceResult<DirectoryRow> {
        linked_directories::by_name(&self.vault().read(), name)?
            .ok_or_else(|| ServiceError::not_found(Record::Directory, name.trim().to_owned()))
    }

    /// Connect and sign in to `directory`: bind over LDAP, or the token for a SCIM app.
    pub(super) fn connect(&self, directory: &DirectoryRow) -> ServiceResult<Box<dyn Connection>> {
        if directory.is_from_export() {
            return Err(ServiceError::refused_by_state(format!(
                "Keyholder has no live connection to {} yet: check it from the user list its admin console \
                 downloads (`keyholder directory sync {} --from-file FILE.csv`, or \"Check a downloaded list\" on the \
                 Directories page); changes there are made in its admin console",
                directory.kind.describe(),
                directory.name
            )));
        }
        let password = linked_directories::bind_password(&self.vault().read(), directory.id)?;
        if directory.kind == DirectoryKind::Microsoft365 {
            let settings = GraphSettings {
                tenant: &directory.base_dn,
                client_id: &directory.bind_dn,
                client_secret: &password,
                base: Some(directory.url.as_str()).filter(|u| !u.trim().is_empty()),
            };
            return Ok(Box::new(GraphSession::open(&settings)?));
        }
        if directory.kind == DirectoryKind::GoogleWorkspace {
            let settings = GoogleSettings {
                key_file: &password,
                admin: &directory.bind_dn,
                customer: &directory.base_dn,
                base: Some(directory.url.as_str()).filter(|u| !u.trim().is_empty()),
                now_unix: self.now().as_second(),
            };
            return Ok(Box::new(GoogleSession::open(&settings)?));
        }
        if directory.kind == DirectoryKind::Scim {
            let ca_file = directory.ca_file.as_deref().map(std::path::Path::new);
            let settings = ScimSettings { url: &directory.url, token: &password, ca_file };
            return Ok(Box::new(ScimSession::open(&settings)?));
        }
        let settings = LdapSettings {
            kind: directory.kind,
            url: &directory.url,
            base_dn: &directory.base_dn,
            bind_dn: &directory.bind_dn,
            bind_password: &password,
            starttls: directory.starttls,
            ca_file: directory.ca_file.as_ref().map(std::path::PathBuf::from),
        };
        Ok(Box::new(Session::open(&settings)?))
    }

    /// Connect, bind and count the user accounts.
    pub fn test_directory(&self, name: &str) -> ServiceResult<usize> {
        let directory = self.directory_named(name)?;
        let mut session = self.connect(&directory)?;
        let users = session.count_users()?;
        session.close();
        Ok(users)
    }

    /// Connect, bind, and read the names of the directory's groups (for mapping them).
    pub fn directory_groups(&self, name: &str) -> ServiceResult<Vec<String>> {
        let directory = self.directory_named(name)?;
        let mut session = self.connect(&directory)?;
        let groups = session.read_groups();
        session.close();
        Ok(groups?)
    }

    /// The directory's accounts are accounts on `system` ("Windows sign-in").
    pub fn map_directory_accounts(&mut self, name: &str, system: &str) -> ServiceResult<()> {
        let directory = self.directory_named(name)?;
        let record = self.directory()?;
        let system = record
            .system_by_name(system)
            .ok_or_else(|| ServiceError::not_found(Record::System, system.trim().to_owned()))?;
        let summary = format!("accounts in directory {} are accounts on {}", directory.name, system.name);
        let id = system.id;
        self.record(AuditEvent::new("directory.map", summary), |tx| {
            linked_directories::set_accounts_system(tx, directory.id, id)
        })
    }

    /// Membership of the group `group_dn` gives `system`'s `level`.
    pub fn map_directory_group(&mut self, name: &str, group_dn: &str, system: &str, level: &str) -> ServiceResult<()> {
        let directory = self.directory_named(name)?;
        if group_dn.trim().is_empty() {
            return Err(ServiceError::Invalid("give the group's DN".into()));
        }
        let record = self.directory()?;
        let level_id = super::level_ref(&record, system, level)?;
        let described = record.describe_level(level_id).unwrap_or_default();
        let summary = format!("group {} in directory {} gives {described}", group_dn.trim(), directory.name);
        self.record(AuditEvent::new("directory.map", summary), |tx| {
            linked_directories::map_group(tx, directory.id, group_dn, level_id)
        })
    }

    /// The directory's account `username` is `email`'s (for an account whose own email does
    /// not name them).
    pub fn match_directory_account(&mut self, name: &str, username: &str, email: &str) -> ServiceResult<()> {
        let directory = self.directory_named(name)?;
        if username.trim().is_empty() {
            return Err(ServiceError::Invalid("give the account's username".into()));
        }
        let record = self.directory()?;
        let person = record.person_by_email(email).ok_or_else(|| ServiceError::no_staff_with_email(email))?;
        let summary =
            format!("account {} in directory {} matched to staff #{}", username.trim(), directory.name, person.id);
        let staff = person.id;
        self.record(AuditEvent::new("directory.match", summary), |tx| {
            linked_directories::match_account(tx, directory.id, username, staff)
        })
    }

    /// Record a group membership nothing explained as an exception, with its reason: the
    /// directory stays as it is, and the record now says why they have it.
    pub fn accept_finding(&mut self, finding: &Finding, reason: &str) -> ServiceResult<String> {
        if finding.kind != FindingKind::UnrecordedAccess {
            return Err(ServiceError::refused_by_state(
                "only access that nothing on record explains can be recorded as an exception",
            ));
        }
        let record = self.directory()?;
        let person = finding
            .staff_id
            .and_then(|id| record.person(id))
            .ok_or_else(|| ServiceError::not_found(Record::StaffMember, finding.person.clone().unwrap_or_default()))?;
        let (Some(system), Some(level)) = (finding.system.as_deref(), finding.level.as_deref()) else {
            return Err(ServiceError::Invalid("the finding names no access to record".into()));
        };
        self.grant(&person.email, system, level, reason, None)?;
        Ok(format!("{}'s {system} ({level}) is recorded as an exception.", person.full_name))
    }

    /// Read the directory and compare it with the record. Audited with its counts.
    pub fn sync_directory(&mut self, name: &str) -> ServiceResult<SyncReport> {
        let directory = self.directory_named(name)?;
        let mut session = self.connect(&directory)?;
        let accounts = session.read_accounts();
        session.close();
        self.report_drift(directory, &accounts?, "synced")
    }

    /// Compare the record with a user list downloaded from the suite's admin console
    /// (Microsoft 365's "Export users", Google's "Download users"), read as it comes: a
    /// snapshot, with the same findings as a live check. Audited with its counts.
    pub fn sync_directory_from_file(&mut self, name: &str, bytes: &[u8]) -> ServiceResult<SyncReport> {
        let directory = self.directory_named(name)?;
        let (vendor, users) = admin_export::read(bytes)
            .ok_or_else(|| {
                ServiceError::Invalid(
                    "this is not a user list from an admin console: download it from Microsoft 365 (Users > Active \
                     users > Export users) or Google Admin (Directory > Users > Download users)"
                        .into(),
                )
            })?
            .map_err(ServiceError::Invalid)?;
        let expected = match directory.kind {
            DirectoryKind::Microsoft365 => Some(Vendor::Microsoft365),
            DirectoryKind::GoogleWorkspace => Some(Vendor::GoogleWorkspace),
            _ => None,
        };
        if expected.is_some_and(|expected| expected != vendor) {
            return Err(ServiceError::Invalid(format!(
                "this is a {}, and {} is {}",
                vendor.describe(),
                directory.name,
                directory.kind.describe()
            )));
        }
        let accounts: Vec<_> = users.iter().map(admin_export::ExportedUser::account).collect();
        self.report_drift(directory, &accounts, &format!("checked from a {}", vendor.describe()))
    }

    /// The drift between `accounts` and the record, audited with its counts.
    fn report_drift(
        &mut self,
        directory: DirectoryRow,
        accounts: &[crate::domain::linked_directory::DirectoryAccount],
        how: &str,
    ) -> ServiceResult<SyncReport> {
        let map = linked_directories::map(&self.vault().read(), &directory)?;
        let manual = linked_directories::matches(&self.vault().read(), directory.id)?;
        let record = self.directory()?;
        let findings =
            drift(&DriftInput { accounts, map: &map, record: &record, manual: &manual, today: self.today() });
        let mut by_kind: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for finding in &findings {
            *by_kind.entry(finding.kind.as_str()).or_default() += 1;
        }
        let counts: Vec<String> = by_kind.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
        let summary = format!(
            "directory {} {how}: {} accounts read, {}",
            directory.name,
            accounts.len(),
            if counts.is_empty() { "no drift".to_owned() } else { counts.join(", ") }
        );
        let (id, at, differences) = (directory.id, self.now(), findings.len());
        self.record(AuditEvent::new("directory.sync", summary), |tx| {
            linked_directories::set_last_check(tx, id, at, differences)
        })?;
        Ok(SyncReport { directory: directory.name, accounts: accounts.len(), findings })
    }
}
