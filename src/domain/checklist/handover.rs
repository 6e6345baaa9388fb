//! Handing over what a leaver leaves behind: each direct report gets a new manager and each
//! system they own a new owner, chosen from the people staying, or nobody. The same rule
//! decides which names a pick-list offers and which choice the service accepts.

use super::ItemKind;
use crate::domain::access::Directory;
use crate::domain::staff::{StaffId, StaffStatus, creates_manager_cycle};

/// Someone who can take something over: joining or active, not leaving or gone.
pub fn is_staying(status: StaffStatus) -> bool {
    matches!(status, StaffStatus::Joining | StaffStatus::Active)
}

/// Whether `to` may take over what `item` hands over from `leaver`; the refusal says why, in
/// words for the office manager. Nobody (`None`) may always take over.
pub fn check_successor(
    directory: &Directory,
    item: &ItemKind,
    leaver: StaffId,
    to: Option<StaffId>,
) -> Result<(), String> {
    if !item.hands_over() {
        return Err("this item is not done by choosing someone".to_owned());
    }
    let Some(to) = to else { return Ok(()) };
    let person = directory.person(to).ok_or_else(|| "that person is no longer on record".to_owned())?;
    if to == leaver || !is_staying(person.status) {
        let gone = if person.status == StaffStatus::Left { "has left" } else { "is leaving" };
        return Err(format!("{} {gone}: choose someone who is staying", person.full_name));
    }
    if let ItemKind::ChooseManager { report } = item {
        let name = directory.person(*report).map_or("they", |p| p.full_name.as_str());
        if to == *report {
            return Err(format!("{name} cannot be their own manager"));
        }
        if creates_manager_cycle(*report, to, |p| directory.person(p).and_then(|s| s.manager_id)) {
            return Err(format!(
                "{} reports (through others) to {name}: they cannot also be {name}'s manager",
                person.full_name
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::staff::Staff;

    fn person(id: StaffId, name: &str, manager_id: Option<StaffId>, status: StaffStatus) -> Staff {
        Staff { manager_id, ..crate::domain::fixtures::person(id, name, status) }
    }

    /// Lee (leaving) manages Sam; Sam manages Kim; Jo is active, Max has left, Ann is joining.
    fn office() -> Directory {
        let staff = vec![
            person(1, "Lee", None, StaffStatus::Leaving),
            person(2, "Sam", Some(1), StaffStatus::Active),
            person(3, "Kim", Some(2), StaffStatus::Active),
            person(4, "Jo", None, StaffStatus::Active),
            person(5, "Max", None, StaffStatus::Left),
            person(6, "Ann", None, StaffStatus::Joining),
        ];
        Directory::new(staff, Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new())
    }

    #[test]
    fn a_new_manager_is_someone_staying_who_does_not_report_to_the_person() {
        let directory = office();
        let sam = ItemKind::ChooseManager { report: 2 };
        assert_eq!(check_successor(&directory, &sam, 1, Some(4)), Ok(()));
        assert_eq!(check_successor(&directory, &sam, 1, Some(6)), Ok(()), "someone joining can manage");
        assert_eq!(check_successor(&directory, &sam, 1, None), Ok(()), "no manager is a choice");
        let refused = |to| check_successor(&directory, &sam, 1, Some(to)).unwrap_err();
        assert_eq!(refused(1), "Lee is leaving: choose someone who is staying");
        assert_eq!(refused(5), "Max has left: choose someone who is staying");
        assert_eq!(refused(2), "Sam cannot be their own manager");
        assert_eq!(refused(3), "Kim reports (through others) to Sam: they cannot also be Sam's manager");
        assert!(refused(99).contains("no longer on record"));
    }

    #[test]
    fn a_new_owner_is_anyone_staying_and_other_items_hand_nothing_over() {
        let directory = office();
        let crm = ItemKind::TransferOwnership { system: 7 };
        assert_eq!(check_successor(&directory, &crm, 1, Some(3)), Ok(()));
        assert_eq!(check_successor(&directory, &crm, 1, None), Ok(()));
        assert!(check_successor(&directory, &crm, 1, Some(5)).is_err());
        assert!(check_successor(&directory, &ItemKind::IssueDevices, 1, None).is_err());
    }

    #[test]
    fn stored_kinds_keep_reading_and_the_new_one_is_stored_by_name() {
        // How the vault stores an item's kind: checklists written before this kind existed
        // still read the same.
        let stored: ItemKind = serde_json::from_str(r#"{"kind":"transfer_ownership","system":3}"#).unwrap();
        assert_eq!(stored, ItemKind::TransferOwnership { system: 3 });
        let new = serde_json::to_string(&ItemKind::ChooseManager { report: 2 }).unwrap();
        assert_eq!(new, r#"{"kind":"choose_manager","report":2}"#);
        assert_eq!(serde_json::from_str::<ItemKind>(&new).unwrap(), ItemKind::ChooseManager { report: 2 });
    }
}
