//! What a checklist item does in a connected directory: the exact changes it needs there
//! (disable the account, leave or join a mapped group), worked out from the item, the record
//! and the account as the directory shows it now, and the check that a read-back confirms
//! them. Pure: the connector makes the changes and reads back, the service decides when.

use super::access::{Directory, Source};
use super::checklist::ItemKind;
use super::linked_directory::{DirectoryAccount, DirectoryKind, DirectoryMap, Finding, FindingKind, dn_key};
use super::staff::{StaffId, email_key};
use super::system::LevelId;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// The ppolicy value that locks an OpenLDAP entry until an administrator unlocks it.
pub const PERMANENT_LOCK: &str = "000001010000Z";

/// One write to the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// Active Directory: set the "account disabled" bit of `userAccountControl`; OpenLDAP:
    /// lock the entry with ppolicy's `pwdAccountLockedTime`.
    Disable {
        dn: String,
    },
    LeaveGroup {
        dn: String,
        group: String,
    },
    JoinGroup {
        dn: String,
        group: String,
    },
}

impl Change {
    /// The exact LDAP operation, as the preview shows it.
    pub fn operation(&self, kind: DirectoryKind) -> String {
        match (self, kind) {
            (Self::Disable { dn }, DirectoryKind::ActiveDirectory) => {
                format!("modify {dn}: replace userAccountControl with its \"account disabled\" bit (2) set")
            }
            (Self::Disable { dn }, DirectoryKind::OpenLdap) => {
                format!("modify {dn}: replace pwdAccountLockedTime: {PERMANENT_LOCK} (ppolicy lock: no more sign-ins)")
            }
            (Self::Disable { dn }, DirectoryKind::Scim) => format!("PATCH /Users/{dn}: replace active with false"),
            (Self::Disable { dn }, DirectoryKind::Microsoft365) => {
                format!("PATCH /users/{dn}: accountEnabled false; then POST /users/{dn}/revokeSignInSessions")
            }
            (Self::LeaveGroup { dn, group }, DirectoryKind::Microsoft365) => {
                format!("DELETE /groups/(the group {group})/members/{dn}/$ref")
            }
            (Self::JoinGroup { dn, group }, DirectoryKind::Microsoft365) => {
                format!("POST /groups/(the group {group})/members/$ref: {dn}")
            }
            (Self::Disable { dn }, DirectoryKind::GoogleWorkspace) => {
                format!("PATCH /users/{dn}: suspended true; then POST /users/{dn}/signOut")
            }
            (Self::LeaveGroup { dn, group }, DirectoryKind::GoogleWorkspace) => {
                format!("DELETE /groups/{group}/members/{dn}")
            }
            (Self::JoinGroup { dn, group }, DirectoryKind::GoogleWorkspace) => {
                format!("POST /groups/{group}/members: {dn} as MEMBER")
            }
            (Self::LeaveGroup { dn, group }, DirectoryKind::Scim) => {
                format!("PATCH /Groups (the group {group}): remove members[value eq \"{dn}\"]")
            }
            (Self::JoinGroup { dn, group }, DirectoryKind::Scim) => {
                format!("PATCH /Groups (the group {group}): add members value {dn}")
            }
            (Self::LeaveGroup { dn, group }, _) => format!("modify {group}: delete member: {dn}"),
            (Self::JoinGroup { dn, group }, _) => format!("modify {group}: add member: {dn}"),
        }
    }

    /// Whether `account`, as read back, shows this change made.
    pub fn is_confirmed_by(&self, account: &DirectoryAccount) -> bool {
        let member = |group: &str| account.groups.iter().any(|g| dn_key(g) == dn_key(group));
        match self {
            Self::Disable { .. } => !account.enabled,
            Self::LeaveGroup { group, .. } => !member(group),
            Self::JoinGroup { group, .. } => member(group),
        }
    }
}

/// What an item needs in one directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectoryPlan {
    /// The person's account there, when they have one.
    pub account: Option<DirectoryAccount>,
    /// Empty when the directory already shows the item done.
    pub changes: Vec<Change>,
}

/// Whether `item` is done in a directory with this map: an account item on the mapped
/// system, or access through a mapped group.
pub fn is_connected(item: &ItemKind, map: &DirectoryMap, record: &Directory) -> bool {
    let mapped = |level: LevelId| map.groups.iter().any(|(_, l)| *l == level);
    match item {
        ItemKind::DisableAccount { account } => {
            record.accounts.iter().any(|a| a.id == *account && Some(a.system_id) == map.accounts)
        }
        ItemKind::CreateAccount { system } => Some(*system) == map.accounts,
        ItemKind::RemoveRole { role } => {
            record.role(*role).is_some_and(|role| role.levels.iter().any(|level| mapped(*level)))
        }
        ItemKind::RevokeGrant { grant } => record.exceptions.iter().any(|g| g.id == *grant && mapped(g.level_id)),
        ItemKind::AddAccess { level, .. }
        | ItemKind::RemoveAccess { level, .. }
        | ItemKind::ReviewRemove { level, .. } => mapped(*level),
        _ => false,
    }
}

/// What `item` takes away that the directory does not give (the keys, the alarm code…): the
/// office's to do by hand before the item is ticked. Described, in the role's order.
pub fn outside_directory(item: &ItemKind, map: &DirectoryMap, record: &Directory) -> Vec<String> {
    let in_directory = |level: LevelId| {
        map.groups.iter().any(|(_, l)| *l == level)
            || record.level(level).is_some_and(|(s, _)| Some(s.id) == map.accounts)
    };
    let levels: Vec<LevelId> = match item {
        ItemKind::RemoveRole { role } => record.role(*role).map(|r| r.levels.clone()).unwrap_or_default(),
        ItemKind::RevokeGrant { grant } => {
            record.exceptions.iter().filter(|g| g.id == *grant).map(|g| g.level_id).collect()
        }
        _ => Vec::new(),
    };
    levels.into_iter().filter(|level| !in_directory(*level)).filter_map(|level| record.describe_level(level)).collect()
}

/// The open items of `lists` that a directory does, with the directory's name (the first whose
/// mapping covers the item).
pub fn connected_items<'a>(
    lists: &[super::checklist::Checklist],
    directories: &[(&'a str, &DirectoryMap)],
    record: &Directory,
) -> HashMap<super::checklist::ItemId, &'a str> {
    let mut connected = HashMap::new();
    for item in lists.iter().flat_map(|list| list.open_items()) {
        if let Some((name, _)) = directories.iter().find(|(_, map)| is_connected(&item.kind, map, record)) {
            connected.insert(item.id, *name);
        }
    }
    connected
}

/// The person's account in the directory: matched by hand, or by email.
pub fn account_of<'a>(
    staff: StaffId,
    accounts: &'a [DirectoryAccount],
    manual: &HashMap<String, StaffId>,
    record: &Directory,
) -> Option<&'a DirectoryAccount> {
    let email = record.person(staff).map(|p| email_key(&p.email))?;
    accounts
        .iter()
        .find(|a| manual.get(&a.username.to_lowercase()) == Some(&staff))
        .or_else(|| accounts.iter().find(|a| a.email.as_deref().is_some_and(|e| email_key(e) == email)))
}

/// The changes `item` needs for `staff`, given their account as the directory shows it now
/// (only what is not already so). An account item with no account to act on is an error when
/// the account must exist (a joiner's), and nothing to do when it is to be taken away.
pub fn plan(
    item: &ItemKind,
    staff: StaffId,
    account: Option<&DirectoryAccount>,
    map: &DirectoryMap,
    record: &Directory,
    today: Date,
) -> Result<DirectoryPlan, String> {
    let Some(account) = account else {
        if let ItemKind::CreateAccount { .. } = item {
            return Err("the directory has no account for them yet: create it there (Keyholder does not create \
                        accounts), then tick this again and Keyholder adds their groups"
                .into());
        }
        return Ok(DirectoryPlan { account: None, changes: Vec::new() });
    };
    let dn = account.dn.clone();
    let member = |group: &str| account.groups.iter().any(|g| dn_key(g) == dn_key(group));
    let groups_for = |levels: &BTreeSet<LevelId>| -> Vec<String> {
        map.groups.iter().filter(|(_, level)| levels.contains(level)).map(|(group, _)| group.clone()).collect()
    };
    // Levels still given by something other than `taken` stay: their groups are kept.
    let kept_levels = |taken: &dyn Fn(Source) -> bool| -> BTreeSet<LevelId> {
        record.access_of(staff, today).iter().filter(|a| !taken(a.source)).map(|a| a.level_id).collect()
    };
    let leave = |levels: BTreeSet<LevelId>| -> Vec<Change> {
        groups_for(&levels)
            .into_iter()
            .filter(|group| member(group))
            .map(|group| Change::LeaveGroup { dn: dn.clone(), group })
            .collect()
    };
    let changes = match item {
        ItemKind::DisableAccount { .. } => {
            let mut changes = Vec::new();
            if account.enabled {
                changes.push(Change::Disable { dn: dn.clone() });
            }
            let all: BTreeSet<LevelId> = map.groups.iter().map(|(_, level)| *level).collect();
            changes.extend(leave(all));
            changes
        }
        ItemKind::RemoveRole { role } => {
            let given: BTreeSet<LevelId> =
                record.role(*role).map(|r| r.levels.iter().copied().collect()).unwrap_or_default();
            let kept = kept_levels(&|source| source == Source::Role { role_id: *role });
            leave(given.difference(&kept).copied().collect())
        }
        ItemKind::RevokeGrant { grant } => {
            let given: BTreeSet<LevelId> =
                record.exceptions.iter().filter(|g| g.id == *grant).map(|g| g.level_id).collect();
            let kept = kept_levels(&|source| source == Source::Exception { grant_id: *grant });
            leave(given.difference(&kept).copied().collect())
        }
        ItemKind::RemoveAccess { level, .. } | ItemKind::ReviewRemove { level, .. } => leave(BTreeSet::from([*level])),
        ItemKind::AddAccess { level, .. } => join(&dn, groups_for(&BTreeSet::from([*level])), &member),
        ItemKind::CreateAccount { .. } => {
            let levels: BTreeSet<LevelId> = record.access_of(staff, today).iter().map(|a| a.level_id).collect();
            join(&dn, groups_for(&levels), &member)
        }
        _ => Vec::new(),
    };
    Ok(DirectoryPlan { account: Some(account.clone()), changes })
}

fn join(dn: &str, groups: Vec<String>, member: &dyn Fn(&str) -> bool) -> Vec<Change> {
    groups
        .into_iter()
        .filter(|group| !member(group))
        .map(|group| Change::JoinGroup { dn: dn.to_owned(), group })
        .collect()
}

/// The change that puts a finding right in the directory: disable an orphan's or a leaver's
/// account, take someone out of a group nothing on record explains (or a leaver out of any),
/// or put them in the group their record says. `None` for a missing account (created by hand).
pub fn fix_for(finding: &Finding) -> Option<Change> {
    let dn = finding.account_dn.clone()?;
    let group = finding.group.clone();
    match (finding.kind, group) {
        (FindingKind::OrphanAccount | FindingKind::LeaverEnabled, None) => Some(Change::Disable { dn }),
        (FindingKind::LeaverEnabled | FindingKind::UnrecordedAccess, Some(group)) => {
            Some(Change::LeaveGroup { dn, group })
        }
        (FindingKind::MissingAccess, Some(group)) => Some(Change::JoinGroup { dn, group }),
        _ => None,
    }
}

/// The group's own name, from its DN: `CN=Finance,OU=Groups,…` is "Finance".
pub fn group_name(dn: &str) -> &str {
    let first = dn.split(',').next().unwrap_or(dn);
    first.split_once('=').map_or(first, |(_, name)| name).trim()
}

impl Change {
    /// The change as the office manager reads it.
    pub fn in_words(&self, account: &str) -> String {
        match self {
            Self::Disable { .. } => format!("Lock the account {account}: it can no longer sign in"),
            Self::LeaveGroup { group, .. } => format!("Take {account} out of the group {}", group_name(group)),
            Self::JoinGroup { group, .. } => format!("Add {account} to the group {}", group_name(group)),
        }
    }
}

/// The changes a read-back does not show made, as the operations that did not take.
pub fn unconfirmed(changes: &[Change], read_back: &DirectoryAccount, kind: DirectoryKind) -> Vec<String> {
    changes.iter().filter(|c| !c.is_confirmed_by(read_back)).map(|c| c.operation(kind)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{FINANCE, account, connected_office};

    const SALES: &str = "cn=Sales,ou=Groups,dc=example,dc=org";
    /// In the connected office: Sam, his Windows account, the role Finance, Payroll user.
    const SAM: StaffId = 1;
    const SAMS_WINDOWS: i64 = 100;
    const ROLE_FINANCE: i64 = 1;
    const PAYROLL_USER: LevelId = 20;

    fn today() -> Date {
        jiff::civil::date(2026, 11, 30)
    }

    fn map() -> DirectoryMap {
        DirectoryMap { accounts: Some(1), groups: vec![(FINANCE.into(), PAYROLL_USER)] }
    }

    #[test]
    fn disabling_an_account_locks_it_and_leaves_every_mapped_group_it_is_in() {
        let record = connected_office();
        let item = ItemKind::DisableAccount { account: SAMS_WINDOWS };
        assert!(is_connected(&item, &map(), &record));
        let found = account("sam", true, &[FINANCE, SALES]);
        let plan = plan(&item, SAM, Some(&found), &map(), &record, today()).unwrap();
        let dn = found.dn.clone();
        assert_eq!(
            plan.changes,
            vec![Change::Disable { dn: dn.clone() }, Change::LeaveGroup { dn, group: FINANCE.into() }]
        );
        assert!(plan.changes[0].operation(DirectoryKind::OpenLdap).contains("pwdAccountLockedTime: 000001010000Z"));
        // Read back locked and out of Finance: all confirmed. Still enabled: the lock is not.
        assert!(unconfirmed(&plan.changes, &account("sam", false, &[SALES]), DirectoryKind::OpenLdap).is_empty());
        let left = unconfirmed(&plan.changes, &account("sam", true, &[SALES]), DirectoryKind::ActiveDirectory);
        assert_eq!(left.len(), 1);
        assert!(left[0].contains("userAccountControl"), "{left:?}");
    }

    #[test]
    fn only_what_is_not_already_so_is_planned() {
        let record = connected_office();
        let role = ItemKind::RemoveRole { role: ROLE_FINANCE };
        assert!(is_connected(&role, &map(), &record));
        let sam = |groups: &[&str]| account("sam", true, groups);
        let leaving =
            plan(&role, SAM, Some(&sam(&["cn=finance, ou=groups, dc=example, dc=org"])), &map(), &record, today());
        assert!(matches!(&leaving.unwrap().changes[..], [Change::LeaveGroup { group, .. }] if group == FINANCE));
        assert!(plan(&role, SAM, Some(&sam(&[])), &map(), &record, today()).unwrap().changes.is_empty());
        let joining = ItemKind::AddAccess { system: 2, level: PAYROLL_USER };
        let changes = plan(&joining, SAM, Some(&sam(&[])), &map(), &record, today()).unwrap().changes;
        assert!(matches!(&changes[..], [Change::JoinGroup { group, .. }] if group == FINANCE));
        assert!(plan(&joining, SAM, Some(&sam(&[FINANCE])), &map(), &record, today()).unwrap().changes.is_empty());
    }

    #[test]
    fn a_joiner_without_an_account_is_told_to_create_it_and_a_leaver_without_one_has_nothing_to_do() {
        let record = connected_office();
        let create = ItemKind::CreateAccount { system: 1 };
        assert!(is_connected(&create, &map(), &record));
        let refused = plan(&create, SAM, None, &map(), &record, today()).unwrap_err();
        assert!(refused.contains("create it there"), "{refused}");
        let joined = plan(&create, SAM, Some(&account("sam", true, &[])), &map(), &record, today()).unwrap();
        assert!(
            matches!(&joined.changes[..], [Change::JoinGroup { group, .. }] if group == FINANCE),
            "his role's group"
        );
        let role = ItemKind::RemoveRole { role: ROLE_FINANCE };
        assert_eq!(plan(&role, SAM, None, &map(), &record, today()).unwrap().changes, vec![]);
        assert!(!is_connected(&ItemKind::IssueDevices, &map(), &record));
        assert!(
            !is_connected(&ItemKind::CreateAccount { system: 2 }, &map(), &record),
            "Payroll's accounts are not mapped"
        );
    }

    #[test]
    fn each_finding_has_its_fix_and_a_missing_account_has_none() {
        let finding = |kind, group: Option<&str>| Finding {
            kind,
            staff_id: None,
            person: None,
            account: Some("sam".into()),
            account_dn: Some("uid=sam,dc=example,dc=org".into()),
            system: None,
            level: None,
            group: group.map(str::to_owned),
            advice: String::new(),
        };
        let dn = "uid=sam,dc=example,dc=org".to_owned();
        assert_eq!(fix_for(&finding(FindingKind::OrphanAccount, None)), Some(Change::Disable { dn: dn.clone() }));
        let leave = Some(Change::LeaveGroup { dn: dn.clone(), group: FINANCE.into() });
        assert_eq!(fix_for(&finding(FindingKind::UnrecordedAccess, Some(FINANCE))), leave);
        assert_eq!(fix_for(&finding(FindingKind::LeaverEnabled, Some(FINANCE))), leave);
        let join = fix_for(&finding(FindingKind::MissingAccess, Some(FINANCE))).unwrap();
        assert_eq!(join.in_words("sam"), "Add sam to the group Finance");
        let mut missing = finding(FindingKind::MissingAccount, None);
        missing.account_dn = None;
        assert_eq!(fix_for(&missing), None);
    }

    #[test]
    fn what_a_directory_does_not_give_is_named_so_it_is_not_ticked_away_unseen() {
        let record = connected_office();
        let role = ItemKind::RemoveRole { role: ROLE_FINANCE };
        assert!(outside_directory(&role, &map(), &record).is_empty(), "Windows by its accounts, Payroll by Finance");
        let groups_only = DirectoryMap { accounts: None, groups: map().groups };
        assert_eq!(outside_directory(&role, &groups_only, &record), ["Windows sign-in (user)"]);
    }

    #[test]
    fn the_account_is_found_by_a_manual_match_before_its_email() {
        let record = connected_office();
        let mut other = account("s.jones", true, &[]);
        other.email = None;
        let accounts = vec![other, account("sam", true, &[])];
        let found =
            |manual: &HashMap<String, StaffId>| account_of(SAM, &accounts, manual, &record).map(|a| a.username.clone());
        assert_eq!(found(&HashMap::new()).as_deref(), Some("sam"));
        assert_eq!(found(&HashMap::from([("s.jones".to_owned(), SAM)])).as_deref(), Some("s.jones"));
    }
}
