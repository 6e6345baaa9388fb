//! A directory the office runs (OpenLDAP, or Active Directory with Samba AD included) as
//! Keyholder sees it: which kind it is, whether its address is safe to send a bind password
//! to, what a sync read from it, how its groups map onto systems, and the drift between that
//! and the office record, each finding with what to do about it. Pure: the connector reads the
//! entries, the service brings the record and the day.

use super::access::Directory;
use super::staff::{StaffId, StaffStatus, email_key};
use super::system::{LevelId, SystemId};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectoryKind {
    OpenLdap,
    /// Active Directory, Samba AD included.
    ActiveDirectory,
    /// An app that offers SCIM 2.0 (RFC 7643/7644): a base URL and a bearer token.
    Scim,
    /// Microsoft 365, checked from its admin centre's user export.
    Microsoft365,
    /// Google Workspace, checked from its Admin console's user download.
    GoogleWorkspace,
}

impl DirectoryKind {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "openldap" | "ldap" => Ok(Self::OpenLdap),
            "ad" | "active-directory" | "samba" | "samba-ad" => Ok(Self::ActiveDirectory),
            "scim" => Ok(Self::Scim),
            "microsoft365" | "m365" | "microsoft-365" => Ok(Self::Microsoft365),
            "google-workspace" | "google" | "googleworkspace" => Ok(Self::GoogleWorkspace),
            other => Err(format!(
                "{other:?} is not a kind of directory Keyholder knows: openldap, ad, scim, microsoft365 or google-workspace"
            )),
        }
    }

    /// As stored and given on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenLdap => "openldap",
            Self::ActiveDirectory => "ad",
            Self::Scim => "scim",
            Self::Microsoft365 => "microsoft365",
            Self::GoogleWorkspace => "google-workspace",
        }
    }

    /// Whether it is reached over LDAP (a base DN, a bind DN, TLS by LDAPS or StartTLS).
    pub fn is_ldap(self) -> bool {
        matches!(self, Self::OpenLdap | Self::ActiveDirectory)
    }

    /// Whether it is checked from a file its admin console gives (no live connection here).
    pub fn is_from_export(self) -> bool {
        matches!(self, Self::Microsoft365 | Self::GoogleWorkspace)
    }

    pub fn describe(self) -> &'static str {
        match self {
            Self::OpenLdap => "OpenLDAP",
            Self::ActiveDirectory => "Active Directory",
            Self::Scim => "SCIM 2.0 app",
            Self::Microsoft365 => "Microsoft 365",
            Self::GoogleWorkspace => "Google Workspace",
        }
    }
}

/// How the bind password travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// `ldaps://`: TLS from the first byte.
    Ldaps,
    /// `ldap://` upgraded with StartTLS before the bind.
    StartTls,
    /// `ldap://` to this computer only: the password never leaves it.
    PlainLoopback,
}

/// Check a directory's address. Plain `ldap://` would send the bind password in the clear, so
/// it is refused unless StartTLS is asked for or the server is on this computer.
pub fn check_url(url: &str, starttls: bool) -> Result<Transport, String> {
    let url = url.trim();
    let (scheme, rest) =
        url.split_once("://").ok_or_else(|| format!("{url:?} is not an ldap:// or ldaps:// address"))?;
    let host = host_of(rest);
    if host.is_empty() {
        return Err(format!("{url:?} names no server"));
    }
    match (scheme.to_ascii_lowercase().as_str(), starttls) {
        ("ldaps", false) => Ok(Transport::Ldaps),
        ("ldaps", true) => Err("StartTLS is for ldap:// addresses; an ldaps:// address is encrypted already".into()),
        ("ldap", true) => Ok(Transport::StartTls),
        ("ldap", false) if is_loopback(host) => Ok(Transport::PlainLoopback),
        ("ldap", false) => Err(format!(
            "plain ldap:// would send the bind password to {host} unencrypted: use an ldaps:// address or StartTLS \
             (plain ldap:// is allowed only to this computer, 127.0.0.1)"
        )),
        (other, _) => Err(format!("{other}:// is not a directory address: use ldaps:// (or ldap:// with StartTLS)")),
    }
}

/// Check an app's SCIM base URL: `https://`, or plain `http://` only to this computer (the
/// bearer token would otherwise cross the network in the clear).
pub fn check_scim_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").ok_or_else(|| format!("{url:?} is not an https:// address"))?;
    let host = host_of(rest);
    if host.is_empty() {
        return Err(format!("{url:?} names no server"));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(()),
        "http" if is_loopback(host) => Ok(()),
        "http" => Err(format!(
            "plain http:// would send the token to {host} unencrypted: use the app's https:// address \
             (http:// is allowed only to this computer, 127.0.0.1)"
        )),
        other => Err(format!("{other}:// is not a SCIM address: use https://")),
    }
}

/// Check a directory's address for its kind (see [`check_url`] and [`check_scim_url`]).
pub fn check_address(kind: DirectoryKind, url: &str, starttls: bool) -> Result<(), String> {
    match kind {
        DirectoryKind::Scim if starttls => Err("StartTLS is for LDAP directories; a SCIM app uses https://".into()),
        DirectoryKind::Scim => check_scim_url(url),
        // Checked from the admin console's file: there is no address to reach.
        DirectoryKind::Microsoft365 | DirectoryKind::GoogleWorkspace => Ok(()),
        DirectoryKind::OpenLdap | DirectoryKind::ActiveDirectory => check_url(url, starttls).map(|_| ()),
    }
}

/// The host of `host[:port][/…]` (with `[v6]` brackets removed).
fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or_default();
    }
    authority.split(':').next().unwrap_or_default()
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// One account as a sync read it. Group DNs as the directory gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectoryAccount {
    pub dn: String,
    pub username: String,
    /// `mail`, or `userPrincipalName` on Active Directory when there is no `mail`.
    pub email: Option<String>,
    pub enabled: bool,
    /// Where the directory keeps it (Active Directory's `lastLogonTimestamp`).
    pub last_logon: Option<String>,
    pub groups: Vec<String>,
}

/// How a directory maps onto the office's systems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryMap {
    /// The system whose accounts the directory's accounts are ("Windows sign-in").
    pub accounts: Option<SystemId>,
    /// A group (its DN) and the level membership gives.
    pub groups: Vec<(String, LevelId)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// An enabled account that belongs to no one on record.
    OrphanAccount,
    /// An enabled account, or a mapped group membership, of someone who has left.
    LeaverEnabled,
    /// Group membership no role or exception explains.
    UnrecordedAccess,
    /// Access the record says someone has that the directory does not give.
    MissingAccess,
    /// Someone whose access needs an account, with none in the directory.
    MissingAccount,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrphanAccount => "orphan_account",
            Self::LeaverEnabled => "leaver_enabled",
            Self::UnrecordedAccess => "unrecorded_access",
            Self::MissingAccess => "missing_access",
            Self::MissingAccount => "missing_account",
        }
    }
}

/// One difference between the directory and the record, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub staff_id: Option<StaffId>,
    /// "Name <email>" of the staff member, when matched.
    pub person: Option<String>,
    pub account: Option<String>,
    /// The account's DN, where a fix is sent.
    pub account_dn: Option<String>,
    pub system: Option<String>,
    pub level: Option<String>,
    /// The group whose membership this is about, when it is about one.
    pub group: Option<String>,
    pub advice: String,
}

/// Everything a sync compares.
pub struct DriftInput<'a> {
    pub accounts: &'a [DirectoryAccount],
    pub map: &'a DirectoryMap,
    pub record: &'a Directory,
    /// Accounts matched by hand: lower-cased username → staff member.
    pub manual: &'a HashMap<String, StaffId>,
    pub today: Date,
}

/// The drift between a directory and the record, in a stable order (kind, person, account).
pub fn drift(input: &DriftInput<'_>) -> Vec<Finding> {
    let DriftInput { accounts, map, record, manual, today } = *input;
    let group_level: HashMap<String, LevelId> = map.groups.iter().map(|(dn, level)| (dn_key(dn), *level)).collect();
    let mapped_levels: HashSet<LevelId> = group_level.values().copied().collect();
    let describe = |level: LevelId| record.level(level).map(|(s, l)| (s.name.clone(), l.name.clone()));
    let person_of = |id: StaffId| record.person(id).map(|p| format!("{} <{}>", p.full_name, p.email));
    // Everyone by email once: looking each account's email up by a scan of the whole office
    // made a 5,000-account sync take seconds.
    let by_email: HashMap<String, StaffId> = record.staff.iter().map(|p| (email_key(&p.email), p.id)).collect();
    let mut findings = Vec::new();
    let mut with_account: HashSet<StaffId> = HashSet::new();
    let mut finding = |kind,
                       staff_id: Option<StaffId>,
                       account: &DirectoryAccount,
                       level: Option<LevelId>,
                       group: Option<&str>,
                       advice: String| {
        let (system, level) = level.and_then(describe).map_or((None, None), |(s, l)| (Some(s), Some(l)));
        findings.push(Finding {
            kind,
            staff_id,
            person: staff_id.and_then(person_of),
            account: Some(account.username.clone()),
            account_dn: Some(account.dn.clone()),
            system,
            level,
            group: group.map(str::to_owned),
            advice,
        });
    };
    for account in accounts.iter() {
        let matched = manual
            .get(&account.username.to_lowercase())
            .copied()
            .or_else(|| account.email.as_deref().and_then(|email| by_email.get(&email_key(email)).copied()));
        let memberships: Vec<(&str, LevelId)> = account
            .groups
            .iter()
            .filter_map(|dn| group_level.get(&dn_key(dn)).map(|level| (dn.as_str(), *level)))
            .collect();
        let Some(staff) = matched.and_then(|id| record.person(id)) else {
            if account.enabled {
                let advice = "an enabled account that belongs to no one on record: lock it, or say whose it is".into();
                finding(FindingKind::OrphanAccount, None, account, None, None, advice);
            }
            continue;
        };
        with_account.insert(staff.id);
        if staff.status == StaffStatus::Left {
            if account.enabled {
                let advice = format!("{} has left, but the account can still sign in: lock it", staff.full_name);
                finding(FindingKind::LeaverEnabled, Some(staff.id), account, None, None, advice);
            }
            for (group, level) in memberships {
                let advice = format!("{} has left, but is still in this group: remove them from it", staff.full_name);
                finding(FindingKind::LeaverEnabled, Some(staff.id), account, Some(level), Some(group), advice);
            }
            continue;
        }
        let expected: BTreeSet<LevelId> = record
            .access_of(staff.id, today)
            .iter()
            .map(|a| a.level_id)
            .filter(|level| mapped_levels.contains(level))
            .collect();
        let given: HashSet<LevelId> = memberships.iter().map(|(_, level)| *level).collect();
        for (group, level) in &memberships {
            if !expected.contains(level) {
                let advice = "no role or exception explains this membership: record it as an exception with a reason, \
                              or remove them from the group"
                    .into();
                finding(FindingKind::UnrecordedAccess, Some(staff.id), account, Some(*level), Some(group), advice);
            }
        }
        // Someone on their way out is not to be given more (a locked account of someone staying
        // is still a difference: the record says they have access).
        let winding_down = staff.status == StaffStatus::Leaving;
        for level in expected.iter().filter(|level| !given.contains(level) && !winding_down) {
            let group = map.groups.iter().find(|(_, l)| l == level).map(|(dn, _)| dn.as_str());
            let advice =
                "the record gives this, the directory does not: add them to the group, or take it off the record"
                    .into();
            finding(FindingKind::MissingAccess, Some(staff.id), account, Some(*level), group, advice);
        }
    }
    let needs_account = |id: StaffId| {
        record
            .access_of(id, today)
            .iter()
            .any(|a| Some(a.system_id) == map.accounts || mapped_levels.contains(&a.level_id))
    };
    let wanting = |p: &&super::staff::Staff| {
        !matches!(p.status, StaffStatus::Left | StaffStatus::Leaving) && !with_account.contains(&p.id)
    };
    for person in record.staff.iter().filter(wanting) {
        if needs_account(person.id) {
            let advice = match (person.status, person.start_date) {
                (StaffStatus::Joining, Some(start)) if start > today => format!(
                    "joining on {start}: create their account there before then (Keyholder does not create accounts); \
                     if it exists under another name, say whose it is on that account's card"
                ),
                _ => "their access needs an account there and it has none: create it (Keyholder does not create \
                      accounts); if it exists under another name, say whose it is on that account's card"
                    .to_owned(),
            };
            findings.push(Finding {
                kind: FindingKind::MissingAccount,
                staff_id: Some(person.id),
                person: person_of(person.id),
                account: None,
                account_dn: None,
                system: map.accounts.and_then(|id| record.system(id)).map(|s| s.name.clone()),
                level: None,
                group: None,
                advice,
            });
        }
    }
    findings.sort_by(|a, b| (a.kind, &a.person, &a.account, &a.group).cmp(&(b.kind, &b.person, &b.account, &b.group)));
    findings
}

/// DNs compare without case and without spaces after commas (`CN=Finance, OU=Groups`).
pub fn dn_key(dn: &str) -> String {
    dn.split(',').map(|part| part.trim().to_lowercase()).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{FINANCE, PAYROLL_ADMINS, account, connected_office as record};
    use jiff::civil::date;

    /// A finding as (kind, account, system, level).
    type Seen<'a> = (FindingKind, Option<&'a str>, Option<&'a str>, Option<&'a str>);

    #[test]
    fn each_kind_of_drift_is_found_with_what_to_do() {
        let record = record();
        let map = DirectoryMap { accounts: Some(1), groups: vec![(FINANCE.into(), 20), (PAYROLL_ADMINS.into(), 21)] };
        let accounts = vec![
            account("sam", true, &[FINANCE, "CN=Payroll Admins,OU=Groups,DC=example,DC=org"]),
            account("kim", true, &[FINANCE]),
            account("ghost", true, &[]),
            account("old", false, &[FINANCE]),
            account("pat", true, &[]),
            account("max", true, &[]),
        ];
        let manual = HashMap::new();
        let input =
            DriftInput { accounts: &accounts, map: &map, record: &record, manual: &manual, today: date(2026, 11, 30) };
        let findings = drift(&input);
        let found: Vec<Seen<'_>> =
            findings.iter().map(|f| (f.kind, f.account.as_deref(), f.system.as_deref(), f.level.as_deref())).collect();
        assert_eq!(
            found,
            vec![
                (FindingKind::OrphanAccount, Some("ghost"), None, None),
                (FindingKind::LeaverEnabled, Some("kim"), None, None),
                (FindingKind::LeaverEnabled, Some("kim"), Some("Payroll"), Some("user")),
                (FindingKind::UnrecordedAccess, Some("sam"), Some("Payroll"), Some("admin")),
                (FindingKind::MissingAccess, Some("max"), Some("Payroll"), Some("user")),
                (FindingKind::MissingAccount, None, Some("Windows sign-in"), None),
            ]
        );
        let lee = drift(&input).into_iter().find(|f| f.kind == FindingKind::MissingAccount).and_then(|f| f.person);
        assert_eq!(lee.as_deref(), Some("Lee <lee@example.com>"));
    }

    #[test]
    fn a_manual_match_wins_over_the_email_and_a_disabled_orphan_is_no_finding() {
        let record = record();
        let map = DirectoryMap { accounts: Some(1), groups: vec![(FINANCE.into(), 20)] };
        let mut lee = account("l.smith", true, &[FINANCE]);
        lee.email = None;
        let accounts =
            vec![lee, account("sam", true, &[FINANCE]), account("max", true, &[FINANCE]), account("gone", false, &[])];
        let manual = HashMap::from([("l.smith".to_owned(), 3)]);
        let input =
            DriftInput { accounts: &accounts, map: &map, record: &record, manual: &manual, today: date(2026, 11, 30) };
        assert_eq!(drift(&input), vec![], "Lee matched by hand; everyone else as recorded");
    }

    #[test]
    fn someone_leaving_is_never_told_to_get_more_access() {
        let record = record();
        let map = DirectoryMap { accounts: Some(1), groups: vec![(FINANCE.into(), 20)] };
        let manual = HashMap::new();
        let today = date(2026, 11, 30);
        let missing = |record: &Directory, accounts: &[DirectoryAccount]| {
            drift(&DriftInput { accounts, map: &map, record, manual: &manual, today })
                .into_iter()
                .filter(|f| matches!(f.kind, FindingKind::MissingAccess | FindingKind::MissingAccount))
                .count()
        };
        let in_finance = [account("sam", true, &[FINANCE]), account("lee", true, &[FINANCE])];
        assert_eq!(missing(&record, &[in_finance[0].clone(), in_finance[1].clone(), account("max", true, &[])]), 1);
        let mut staff = record.staff.clone();
        staff.iter_mut().filter(|p| p.id == 5).for_each(|max| max.status = StaffStatus::Leaving);
        let (systems, roles, assignments) = (record.systems.clone(), record.roles.clone(), record.assignments.clone());
        let record = Directory::new(staff, systems, roles, assignments, vec![], record.accounts.clone());
        assert_eq!(
            missing(&record, &[in_finance[0].clone(), in_finance[1].clone()]),
            0,
            "Max is leaving: no account wanted either"
        );
    }

    #[test]
    fn plain_ldap_is_refused_except_to_this_computer() {
        assert_eq!(check_url("ldaps://dc1.example.org", false), Ok(Transport::Ldaps));
        assert_eq!(check_url("ldap://dc1.example.org:389", true), Ok(Transport::StartTls));
        assert_eq!(check_url("ldap://127.0.0.1:3890/", false), Ok(Transport::PlainLoopback));
        assert_eq!(check_url("ldap://[::1]:3890", false), Ok(Transport::PlainLoopback));
        assert_eq!(check_url("ldap://localhost", false), Ok(Transport::PlainLoopback));
        let refused = check_url("ldap://dc1.example.org", false).unwrap_err();
        assert!(refused.contains("unencrypted") && refused.contains("ldaps://"), "{refused}");
        assert!(check_url("ldap://127.0.0.1.evil.example", false).is_err(), "a name that only starts like loopback");
        assert!(check_url("ldaps://dc1", true).is_err());
        assert!(check_url("http://dc1", false).is_err());
        assert!(check_url("ldaps://", false).is_err());
    }

    #[test]
    fn kinds_and_dns_are_read_as_people_write_them() {
        assert_eq!(DirectoryKind::parse("AD"), Ok(DirectoryKind::ActiveDirectory));
        assert_eq!(DirectoryKind::parse("openldap"), Ok(DirectoryKind::OpenLdap));
        assert!(DirectoryKind::parse("novell").is_err());
        assert_eq!(dn_key(PAYROLL_ADMINS), dn_key("CN=Payroll Admins,OU=Groups,DC=example,DC=org"));
    }
}
