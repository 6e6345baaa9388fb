//! Access questions answered from a small office in memory.

use super::*;
use crate::domain::staff::StaffStatus;
use jiff::civil::date;

fn person(id: StaffId, name: &str) -> Staff {
    Staff { team: "Sales".into(), ..crate::domain::fixtures::person(id, name, StaffStatus::Active) }
}

fn system(id: SystemId, name: &str, customer_data: bool) -> System {
    System { customer_data, ..crate::domain::fixtures::system(id, name, &["user", "admin"]) }
}

/// Sam has role Sales (CRM user, Email user) and an exception: Accounts admin until 2026-12-31.
fn office() -> Directory {
    Directory::new(
        vec![person(1, "Sam"), person(2, "Kim")],
        vec![system(1, "CRM", true), system(2, "Email", false), system(3, "Accounts", true)],
        vec![
            Role { id: 1, name: "Sales".into(), description: String::new(), levels: vec![10, 20] },
            Role { id: 2, name: "Finance".into(), description: String::new(), levels: vec![20, 30] },
        ],
        vec![(1, 1), (2, 2)],
        vec![DirectGrant {
            id: 7,
            staff_id: 1,
            level_id: 31,
            reason: "year-end cover".into(),
            approved_by: "Ada".into(),
            granted_on: date(2026, 11, 1),
            expires_on: Some(date(2026, 12, 31)),
        }],
        vec![],
    )
}

#[test]
fn access_lists_each_source() {
    let office = office();
    let access = office.access_of(1, date(2026, 12, 1));
    assert_eq!(access.len(), 3);
    assert!(access.contains(&Access {
        staff_id: 1,
        system_id: 3,
        level_id: 31,
        source: Source::Exception { grant_id: 7 }
    }));
    assert_eq!(
        office.describe_source(Source::Exception { grant_id: 7 }),
        "exception: year-end cover (until 2026-12-31)"
    );
    assert_eq!(office.describe_source(Source::Role { role_id: 1 }), "role Sales");
}

#[test]
fn a_temporary_grant_lapses_after_its_last_day() {
    let office = office();
    assert_eq!(office.access_of(1, date(2026, 12, 31)).len(), 3, "still valid on its last day");
    assert_eq!(office.access_of(1, date(2027, 1, 1)).len(), 2);
}

#[test]
fn mover_diff_shows_exactly_what_is_gained_and_lost() {
    let office = office();
    // Sam moves from Sales to Finance: loses CRM user, keeps Email user, gains Accounts user.
    let diff = office.mover_diff(1, &[2], date(2026, 12, 1));
    assert_eq!(diff.lost, vec![(1, 10)]);
    assert_eq!(diff.gained, vec![(3, 30)]);
}

#[test]
fn role_change_diff_names_who_gains_and_loses_what() {
    let office = office();
    let changes = office.role_change_diff(2, &[21], date(2026, 12, 1));
    assert_eq!(changes, vec![(2, AccessDiff { gained: vec![(2, 21)], lost: vec![(2, 20), (3, 30)] })]);
}

#[test]
fn matrix_cells_hold_the_highest_level_and_flag_exceptions() {
    let office = office();
    let cells = office.matrix(date(2026, 12, 1));
    let accounts = cells[&(1, 3)];
    assert_eq!(accounts.level_id, 31);
    assert!(accounts.exception && accounts.privileged);
    let crm = cells[&(1, 1)];
    assert!(!crm.exception && !crm.privileged);
    assert!(!cells.contains_key(&(2, 1)));
}

#[test]
fn the_roles_giving_a_level_are_named_and_an_exception_is_not_one() {
    let office = office();
    assert_eq!(office.roles_giving(1, 20), vec!["Sales"]);
    assert_eq!(office.roles_giving(2, 20), vec!["Finance"]);
    assert!(office.roles_giving(1, 31).is_empty(), "Sam's Accounts access is an exception, not a role");
    assert!(office.roles_giving(1, 30).is_empty(), "Sam does not have Finance");
}

#[test]
fn what_still_uses_a_system_or_level_is_named_for_the_way_forward() {
    let office = office();
    assert_eq!(office.uses_of_system(2), ["role Sales", "role Finance"]);
    assert_eq!(office.uses_of_system(3), ["role Finance", "1 person has direct access"]);
    assert_eq!(office.uses_of_level(31), ["1 person has direct access at this level"]);
    assert!(office.uses_of_level(11).is_empty(), "nobody holds CRM admin");
    assert!(office.uses_of_system(99).is_empty());
}
