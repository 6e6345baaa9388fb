//! A directory over LDAP with ldap3 (sync API, rustls): connect the way its address allows
//! (LDAPS, StartTLS, or plain only to this computer), bind, read every account and group with
//! paged results, and make the changes a connected checklist item asks for (disable, leave or
//! join a group), then read the one account back. The server's refusals come back in plain
//! words (wrong bind password, no permission, unreachable, certificate not trusted, connection
//! lost); the bind password is never in an error.

use crate::domain::directory_change::{Change, PERMANENT_LOCK};
use crate::domain::linked_directory::{DirectoryAccount, DirectoryKind, Transport, check_url, dn_key};
use crate::domain::secret::SecretString;
use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{LdapConn, LdapConnSettings, LdapError, Mod, Scope, SearchEntry, ldap_escape};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

/// How long to wait for a server before saying it cannot be reached.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Entries per page: servers cap a single answer (Active Directory at 1,000).
const PAGE: i32 = 500;

pub use super::error::{ConnectorError, ConnectorResult};

/// Where a directory is and how to sign in to it.
pub struct LdapSettings<'a> {
    pub kind: DirectoryKind,
    pub url: &'a str,
    pub base_dn: &'a str,
    pub bind_dn: &'a str,
    pub bind_password: &'a SecretString,
    pub starttls: bool,
    /// The office's own CA, for a server whose certificate it signed.
    pub ca_file: Option<PathBuf>,
}

/// A bound connection.
pub struct Session {
    conn: LdapConn,
    kind: DirectoryKind,
    base_dn: String,
}

impl Session {
    /// Connect and bind.
    pub fn open(settings: &LdapSettings<'_>) -> ConnectorResult<Self> {
        // Only LDAP directories are reached here; the OpenLDAP arms below stand for the others.
        if !settings.kind.is_ldap() {
            return Err(ConnectorError::Refused(format!("{} is not reached over LDAP", settings.kind.describe())));
        }
        let transport = check_url(settings.url, settings.starttls).map_err(ConnectorError::Refused)?;
        let mut options = LdapConnSettings::new().set_conn_timeout(TIMEOUT);
        if transport != Transport::PlainLoopback {
            options = options
                .set_config(crate::tls::client_config(settings.ca_file.as_deref()).map_err(ConnectorError::Refused)?);
        }
        if transport == Transport::StartTls {
            options = options.set_starttls(true);
        }
        let mut conn =
            LdapConn::with_settings(options, settings.url.trim()).map_err(|e| connect_error(settings.url, e))?;
        conn.with_timeout(TIMEOUT)
            .simple_bind(settings.bind_dn, settings.bind_password.expose())
            .and_then(|result| result.success())
            .map_err(|e| bind_error(settings.url, e))?;
        Ok(Self { conn, kind: settings.kind, base_dn: settings.base_dn.to_owned() })
    }

    /// Every entry under the base DN matching `filter`, page by page.
    fn search(&mut self, filter: &str, attributes: &[&str]) -> ConnectorResult<Vec<SearchEntry>> {
        let base = self.base_dn.clone();
        self.search_in(&base, Scope::Subtree, filter, attributes)
    }

    fn search_in(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attributes: &[&str],
    ) -> ConnectorResult<Vec<SearchEntry>> {
        let adapters: Vec<Box<dyn Adapter<_, _>>> =
            vec![Box::new(EntriesOnly::new()), Box::new(PagedResults::new(PAGE))];
        let mut stream = self
            .conn
            .streaming_search_with(adapters, base, scope, filter, attributes.to_vec())
            .map_err(server_error)?;
        let mut entries = Vec::new();
        while let Some(raw) = stream.next().map_err(server_error)? {
            // ldap3 panics on an entry it cannot parse: a broken server ends the sync instead.
            let entry = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| SearchEntry::construct(raw)))
                .map_err(|_| ConnectorError::Server("an entry that could not be read".into()))?;
            entries.push(entry);
        }
        stream.result().success().map_err(server_error)?;
        Ok(entries)
    }

    /// How many user accounts there are (the connection test).
    pub fn count_users(&mut self) -> ConnectorResult<usize> {
        Ok(self.search(users_filter(self.kind), &["1.1"])?.len())
    }

    /// Every account with its groups.
    pub fn read_accounts(&mut self) -> ConnectorResult<Vec<DirectoryAccount>> {
        let kind = self.kind;
        let users = self.search(users_filter(kind), account_attributes(kind))?;
        let groups = self.search(groups_filter(kind), &["member"])?;
        // Each member's groups, by the member's DN as the groups give it.
        let mut groups_of: HashMap<String, Vec<String>> = HashMap::new();
        for group in groups {
            for member in group.attrs.get("member").into_iter().flatten() {
                groups_of.entry(dn_key(member)).or_default().push(group.dn.clone());
            }
        }
        Ok(users.into_iter().map(|user| account_from(kind, user, &mut groups_of)).collect())
    }

    /// Every group's DN, in order (for choosing which to map).
    pub fn read_groups(&mut self) -> ConnectorResult<Vec<String>> {
        let mut groups: Vec<String> =
            self.search(groups_filter(self.kind), &["1.1"])?.into_iter().map(|g| g.dn).collect();
        groups.sort_by_key(|dn| dn.to_lowercase());
        Ok(groups)
    }

    /// One account and its groups, read again (the confirmation after a change).
    pub fn read_account(&mut self, dn: &str) -> ConnectorResult<Option<DirectoryAccount>> {
        let kind = self.kind;
        let Some(user) = self.search_in(dn, Scope::Base, "(objectClass=*)", account_attributes(kind))?.pop() else {
            return Ok(None);
        };
        let filter = format!("(&{}(member={}))", groups_filter(kind), ldap_escape(dn));
        let groups = self.search(&filter, &["1.1"])?;
        let mut groups_of = HashMap::from([(dn_key(&user.dn), groups.into_iter().map(|g| g.dn).collect())]);
        Ok(Some(account_from(kind, user, &mut groups_of)))
    }

    /// Make one change. Disabling on Active Directory keeps the other bits of
    /// `userAccountControl`, so it is read first.
    pub fn apply(&mut self, change: &Change) -> ConnectorResult<()> {
        let one = |value: &str| HashSet::from([value.to_owned()]);
        let (dn, modification) = match change {
            Change::Disable { dn } => match self.kind {
                DirectoryKind::OpenLdap
                | DirectoryKind::Scim
                | DirectoryKind::Microsoft365
                | DirectoryKind::GoogleWorkspace => {
                    (dn, Mod::Replace("pwdAccountLockedTime".to_owned(), one(PERMANENT_LOCK)))
                }
                DirectoryKind::ActiveDirectory => {
                    let entry = self.search_in(dn, Scope::Base, "(objectClass=*)", &["userAccountControl"])?.pop();
                    let control: u32 = entry
                        .and_then(|e| e.attrs.get("userAccountControl").and_then(|v| v.first()).cloned())
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(512);
                    (dn, Mod::Replace("userAccountControl".to_owned(), one(&(control | 2).to_string())))
                }
            },
            Change::LeaveGroup { dn, group } => (group, Mod::Delete("member".to_owned(), one(dn))),
            Change::JoinGroup { dn, group } => (group, Mod::Add("member".to_owned(), one(dn))),
        };
        self.conn
            .with_timeout(TIMEOUT)
            .modify(dn, vec![modification])
            .and_then(|result| result.success())
            .map(|_| ())
            .map_err(|error| match &error {
                LdapError::LdapResult { result } if result.rc == 32 => {
                    ConnectorError::Server(format!("{dn} does not exist (moved or deleted since it was read?)"))
                }
                _ => server_error(error),
            })
    }

    pub fn close(mut self) {
        let _ = self.conn.unbind();
    }
}

impl super::Connection for Session {
    fn count_users(&mut self) -> ConnectorResult<usize> {
        Session::count_users(self)
    }

    fn read_accounts(&mut self) -> ConnectorResult<Vec<DirectoryAccount>> {
        Session::read_accounts(self)
    }

    fn read_groups(&mut self) -> ConnectorResult<Vec<String>> {
        Session::read_groups(self)
    }

    fn apply(&mut self, change: &Change) -> ConnectorResult<()> {
        Session::apply(self, change)
    }

    fn read_account(&mut self, id: &str) -> ConnectorResult<Option<DirectoryAccount>> {
        Session::read_account(self, id)
    }

    fn close(self: Box<Self>) {
        Session::close(*self);
    }
}

fn account_attributes(kind: DirectoryKind) -> &'static [&'static str] {
    match kind {
        DirectoryKind::OpenLdap
        | DirectoryKind::Scim
        | DirectoryKind::Microsoft365
        | DirectoryKind::GoogleWorkspace => &["uid", "mail", "pwdAccountLockedTime"],
        DirectoryKind::ActiveDirectory => {
            &["sAMAccountName", "mail", "userPrincipalName", "userAccountControl", "lastLogonTimestamp"]
        }
    }
}

fn users_filter(kind: DirectoryKind) -> &'static str {
    match kind {
        DirectoryKind::OpenLdap
        | DirectoryKind::Scim
        | DirectoryKind::Microsoft365
        | DirectoryKind::GoogleWorkspace => "(objectClass=inetOrgPerson)",
        // Not the built-in Administrator, Guest and krbtgt: they belong to the domain itself.
        DirectoryKind::ActiveDirectory => {
            "(&(objectCategory=person)(objectClass=user)(!(isCriticalSystemObject=TRUE)))"
        }
    }
}

fn groups_filter(kind: DirectoryKind) -> &'static str {
    match kind {
        DirectoryKind::OpenLdap
        | DirectoryKind::Scim
        | DirectoryKind::Microsoft365
        | DirectoryKind::GoogleWorkspace => "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))",
        DirectoryKind::ActiveDirectory => "(objectClass=group)",
    }
}

fn account_from(
    kind: DirectoryKind,
    user: SearchEntry,
    groups_of: &mut HashMap<String, Vec<String>>,
) -> DirectoryAccount {
    let first = |name: &str| user.attrs.get(name).and_then(|values| values.first()).cloned();
    let (username, enabled, last_logon) = match kind {
        DirectoryKind::OpenLdap
        | DirectoryKind::Scim
        | DirectoryKind::Microsoft365
        | DirectoryKind::GoogleWorkspace => (first("uid"), first("pwdAccountLockedTime").is_none(), None),
        DirectoryKind::ActiveDirectory => {
            // Bit 2 of userAccountControl is "account disabled".
            let control: u32 = first("userAccountControl").and_then(|v| v.parse().ok()).unwrap_or(0);
            (first("sAMAccountName"), control & 2 == 0, first("lastLogonTimestamp").and_then(|t| filetime_date(&t)))
        }
    };
    let email = first("mail")
        .or_else(|| (kind == DirectoryKind::ActiveDirectory).then(|| first("userPrincipalName")).flatten());
    DirectoryAccount {
        username: username.unwrap_or_else(|| user.dn.clone()),
        email,
        enabled,
        last_logon,
        groups: groups_of.remove(&dn_key(&user.dn)).unwrap_or_default(),
        dn: user.dn,
    }
}

/// Active Directory's time stamps count 100-ns steps since 1601: the day, as 2026-11-30.
fn filetime_date(text: &str) -> Option<String> {
    const UNIX_EPOCH_IN_FILETIME_SECONDS: i64 = 11_644_473_600;
    let steps: i64 = text.parse().ok()?;
    let seconds = steps / 10_000_000 - UNIX_EPOCH_IN_FILETIME_SECONDS;
    let at = jiff::Timestamp::from_second(seconds).ok()?;
    Some(jiff::tz::TimeZone::UTC.to_datetime(at).date().to_string())
}

/// A failure to connect, in words: refused, timed out, or the certificate.
fn connect_error(url: &str, error: LdapError) -> ConnectorError {
    let text = error.to_string();
    if text.contains("certificate") || text.contains("UnknownIssuer") || text.contains("NotValidForName") {
        return ConnectorError::Certificate(text);
    }
    let reason = match &error {
        LdapError::Io { source } => match source.kind() {
            std::io::ErrorKind::ConnectionRefused => "nothing answers there (connection refused)".to_owned(),
            std::io::ErrorKind::TimedOut => "no answer in time".to_owned(),
            _ => source.to_string(),
        },
        LdapError::Timeout { .. } => "no answer in time".to_owned(),
        _ => text,
    };
    ConnectorError::Unreachable { url: url.trim().to_owned(), reason }
}

fn bind_error(url: &str, error: LdapError) -> ConnectorError {
    match &error {
        LdapError::LdapResult { result } if result.rc == 49 => ConnectorError::WrongPassword,
        LdapError::LdapResult { result } if result.rc == 50 => ConnectorError::NoPermission(result.text.clone()),
        // strongerAuthRequired: Active Directory refuses a password over plain LDAP.
        LdapError::LdapResult { result } if result.rc == 8 => ConnectorError::Refused(
            "the directory refused the password over an unencrypted connection: it asks for LDAPS or StartTLS".into(),
        ),
        // Samba AD drops a simple bind over plain LDAP rather than answering it.
        LdapError::ResultRecv { .. } => ConnectorError::Unreachable {
            url: url.trim().to_owned(),
            reason: "the server closed the connection at the bind (Active Directory asks for LDAPS or StartTLS)".into(),
        },
        _ => connect_error(url, error),
    }
}

fn server_error(error: LdapError) -> ConnectorError {
    match &error {
        LdapError::LdapResult { result } if result.rc == 50 => ConnectorError::NoPermission(result.text.clone()),
        LdapError::LdapResult { result } if result.rc == 32 => {
            ConnectorError::Server(format!("the base DN does not exist ({})", result.text))
        }
        LdapError::LdapResult { result } if result.rc == 65 => ConnectorError::Server(format!(
            "the entry would break its schema, e.g. a group left with no members ({})",
            result.text
        )),
        LdapError::Io { .. } | LdapError::ResultRecv { .. } | LdapError::OpSend { .. } | LdapError::Timeout { .. } => {
            ConnectorError::ConnectionLost(error.to_string())
        }
        _ => ConnectorError::Server(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_directory_time_stamps_become_days() {
        assert_eq!(filetime_date("134090496000000000").as_deref(), Some("2025-12-01"));
        assert_eq!(filetime_date("not a number"), None);
    }

    #[test]
    fn a_plain_address_elsewhere_is_refused_before_anything_is_sent() {
        let password = SecretString::new("not sent");
        let settings = LdapSettings {
            kind: DirectoryKind::OpenLdap,
            url: "ldap://192.0.2.1:389",
            base_dn: "dc=example,dc=org",
            bind_dn: "cn=admin,dc=example,dc=org",
            bind_password: &password,
            starttls: false,
            ca_file: None,
        };
        let refused = Session::open(&settings).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(refused.contains("unencrypted"), "{refused}");
        assert!(!refused.contains("not sent"));
    }
}
