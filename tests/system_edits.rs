//! Changing a system after it was added: renaming it and its levels, adding, reordering and
//! removing levels, and removing the system, each refused with the way forward while something
//! still uses what would go, and each one audited change.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{TestVault, actions, add_person};
use keyholder::domain::level_changes::LevelEdit;
use keyholder::domain::system::{System, SystemId};
use keyholder::service::{Office, ServiceError, SystemChange, new_system};

/// CRM (user, admin) given by role Sales to Sam; Wi-Fi with a shared secret; Old fax unused.
fn office() -> (TestVault, Office) {
    let (vault, mut office) = TestVault::open_new();
    office.add_system(new_system("CRM", "software", "user,admin", "admin", true, true).unwrap()).unwrap();
    office.add_system(new_system("Wi-Fi", "shared_account", "user", "", false, false).unwrap()).unwrap();
    office.add_system(new_system("Old fax", "software", "user", "", false, false).unwrap()).unwrap();
    office.add_role("Sales", &["CRM:user".into()]).unwrap();
    add_person(&mut office, "Sam Carter", "sam@example.com", "Sales");
    office.assign_role("Sales", "sam@example.com").unwrap();
    let value = keyholder::domain::secret::SecretString::new("ribbon-canyon-violet-tractor-7");
    office.add_secret("Office Wi-Fi", Some("Wi-Fi"), None, "", &value, Some(90), None, &[]).unwrap();
    (vault, office)
}

fn system(office: &Office, name: &str) -> System {
    office.directory().unwrap().system_by_name(name).cloned().unwrap()
}

/// The system as its panel would show it, unchanged.
fn as_is(system: &System) -> SystemChange {
    SystemChange {
        name: system.name.clone(),
        customer_data: system.customer_data,
        mfa: system.mfa_supported,
        levels: system.levels.iter().map(LevelEdit::from_stored).collect(),
        owner: system.owner_id,
    }
}

fn id(office: &Office, name: &str) -> SystemId {
    system(office, name).id
}

#[test]
fn a_rename_keeps_roles_and_access_and_two_levels_can_swap_names() {
    let (_vault, mut office) = office();
    let crm = system(&office, "CRM");
    let mut change = as_is(&crm);
    change.name = "Customer records".into();
    change.levels[0].name = "admin".into();
    change.levels[1].name = "user".into();
    office.change_system(crm.id, &change).unwrap();

    let renamed = system(&office, "Customer records");
    assert_eq!(renamed.id, crm.id);
    let names: Vec<&str> = renamed.levels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["admin", "user"], "the level ids stay; only their names moved");
    let directory = office.directory().unwrap();
    let sam = directory.person_by_email("sam@example.com").unwrap().id;
    let access = directory.access_of(sam, office.today());
    assert_eq!(directory.describe_level(access[0].level_id).unwrap(), "Customer records (admin)");
    assert_eq!(actions(&office).last().unwrap(), "system.edit");
}

#[test]
fn a_level_in_use_cannot_go_but_an_unused_one_can_and_new_ones_join_in_order() {
    let (_vault, mut office) = office();
    let crm = system(&office, "CRM");
    let mut without_user = as_is(&crm);
    without_user.levels.remove(0);
    let error = office.change_system(crm.id, &without_user).unwrap_err();
    assert!(matches!(error, ServiceError::RefusedByState(_)), "{error:?}");
    assert!(error.to_string().contains("the level user of CRM is still in use (role Sales)"), "{error}");

    let mut change = as_is(&crm);
    change.levels.remove(1);
    change.levels.insert(0, LevelEdit { id: None, name: "read only".into(), privileged: false });
    change.levels.push(LevelEdit { id: None, name: "owner".into(), privileged: true });
    office.change_system(crm.id, &change).unwrap();
    let levels: Vec<(String, bool)> =
        system(&office, "CRM").levels.iter().map(|l| (l.name.clone(), l.privileged)).collect();
    assert_eq!(levels, [("read only".into(), false), ("user".into(), false), ("owner".into(), true)]);
}

#[test]
fn a_name_already_taken_or_nothing_changed_writes_nothing() {
    let (_vault, mut office) = office();
    let crm = system(&office, "CRM");
    let before = actions(&office).len();
    let mut clash = as_is(&crm);
    clash.name = "wi-fi".into();
    assert!(matches!(office.change_system(crm.id, &clash), Err(ServiceError::Conflict(_))));
    office.change_system(crm.id, &as_is(&crm)).unwrap();
    assert_eq!(actions(&office).len(), before, "neither the clash nor no change was recorded");
}

#[test]
fn a_system_is_removed_only_when_nothing_uses_it() {
    let (_vault, mut office) = office();
    let crm = id(&office, "CRM");
    let error = office.remove_system(crm).unwrap_err();
    assert_eq!(error.to_string(), "CRM is still in use (role Sales); take those away first");
    let wifi = id(&office, "Wi-Fi");
    let error = office.remove_system(wifi).unwrap_err();
    assert!(error.to_string().contains("shared secret Office Wi-Fi"), "{error}");

    let fax = id(&office, "Old fax");
    assert!(office.uses_of_system(fax).unwrap().is_empty());
    office.remove_system(fax).unwrap();
    assert!(office.directory().unwrap().system_by_name("Old fax").is_none());
    assert_eq!(actions(&office).last().unwrap(), "system.remove");
}

#[test]
fn an_owner_is_chosen_among_people_staying_and_their_leaving_hands_the_system_over() {
    let (_vault, mut office) = office();
    let crm = system(&office, "CRM");
    let sam = office.directory().unwrap().person_by_email("sam@example.com").unwrap().id;
    let mut change = as_is(&crm);
    change.owner = Some(sam);
    office.change_system(crm.id, &change).unwrap();
    assert_eq!(system(&office, "CRM").owner_id, Some(sam));
    change.owner = Some(9_999);
    assert!(matches!(office.change_system(crm.id, &change), Err(ServiceError::Invalid(_))));

    office.start_leaver("sam@example.com", "2026-12-01").unwrap();
    let items = office.checklists_of("sam@example.com").unwrap().pop().unwrap().items;
    assert!(
        items.iter().any(|i| matches!(i.kind, keyholder::domain::checklist::ItemKind::TransferOwnership { .. })),
        "the leaver's checklist hands CRM over"
    );
}
