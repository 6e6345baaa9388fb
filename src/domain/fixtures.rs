//! A small office in memory for the domain's tests: people, systems with levels, and the
//! connected office the directory tests share.

use super::access::{Account, Directory, Role};
use super::linked_directory::DirectoryAccount;
use super::staff::{Staff, StaffId, StaffStatus};
use super::system::{AccessLevel, System, SystemId, SystemKind};

pub const FINANCE: &str = "CN=Finance,OU=Groups,DC=example,DC=org";
pub const PAYROLL_ADMINS: &str = "cn=Payroll Admins, ou=Groups, dc=example, dc=org";

/// Someone at name@example.com.
pub fn person(id: StaffId, name: &str, status: StaffStatus) -> Staff {
    Staff {
        id,
        full_name: name.into(),
        email: format!("{}@example.com", name.to_lowercase()),
        job_title: String::new(),
        team: String::new(),
        manager_id: None,
        start_date: None,
        end_date: None,
        status,
        notes: String::new(),
    }
}

/// A system whose levels are numbered `id * 10 + rank`; all but the first are privileged.
pub fn system(id: SystemId, name: &str, levels: &[&str]) -> System {
    System {
        id,
        name: name.into(),
        kind: SystemKind::Software,
        owner_id: None,
        location: String::new(),
        customer_data: false,
        mfa_supported: true,
        levels: levels
            .iter()
            .enumerate()
            .map(|(rank, level)| AccessLevel {
                id: id * 10 + rank as i64,
                system_id: id,
                name: (*level).into(),
                rank: rank as i64,
                privileged: rank > 0,
            })
            .collect(),
    }
}

/// An account `name` in the directory, its email in another case than the record's.
pub fn account(name: &str, enabled: bool, groups: &[&str]) -> DirectoryAccount {
    DirectoryAccount {
        dn: format!("uid={name},ou=People,dc=example,dc=org"),
        username: name.into(),
        email: Some(format!("{name}@EXAMPLE.com")),
        enabled,
        last_logon: None,
        groups: groups.iter().map(|g| (*g).to_owned()).collect(),
    }
}

/// Windows sign-in (level 10) and Payroll (user 20, admin 21); the role Finance (id 1) gives
/// both user levels. Sam, Max and Lee are in Finance; Kim has left; Pat has no access. Sam has
/// the Windows account 100.
pub fn connected_office() -> Directory {
    Directory::new(
        vec![
            person(1, "Sam", StaffStatus::Active),
            person(2, "Kim", StaffStatus::Left),
            person(3, "Lee", StaffStatus::Active),
            person(4, "Pat", StaffStatus::Active),
            person(5, "Max", StaffStatus::Active),
        ],
        vec![system(1, "Windows sign-in", &["user"]), system(2, "Payroll", &["user", "admin"])],
        vec![Role { id: 1, name: "Finance".into(), description: String::new(), levels: vec![10, 20] }],
        vec![(1, 1), (3, 1), (5, 1)],
        vec![],
        vec![Account {
            id: 100,
            staff_id: 1,
            system_id: 1,
            username: "sam".into(),
            created_on: None,
            disabled_on: None,
            mfa_enrolled: false,
            mfa_enrolled_on: None,
        }],
    )
}
