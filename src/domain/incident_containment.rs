//! What contains an incident that involves a person or the device they hold: a lost laptop
//! means wiping it, and signing its holder out and changing their passwords on every system
//! they reach; a compromised account means the same, plus every shared secret they could know
//! rotated and their authenticator enrolled again. Generated from the record, never typed; the
//! items are a checklist like a leaver's.

use super::access::Directory;
use super::checklist::{Device, ItemKind, NewItem};
use super::staff::StaffId;
use jiff::civil::Date;

/// The containment items for `staff` (and `device`, when it is a device that was lost),
/// all due `today`: containment does not wait.
pub fn containment_items(
    directory: &Directory,
    staff: StaffId,
    device: Option<&Device>,
    known_secrets: &[(i64, String)],
    has_authenticator: bool,
    today: Date,
) -> Vec<NewItem> {
    let name = directory.person(staff).map_or("them", |p| p.full_name.as_str());
    let mut items = Vec::new();
    let mut add = |kind: ItemKind, title: String| items.push(NewItem { kind, title, due: today });
    if let Some(device) = device {
        let what = format!("{} {} ({})", device.kind, device.model, device.serial);
        add(
            ItemKind::Template { title: format!("Lock or wipe {what} remotely") },
            format!("Lock or wipe {what} remotely; report it to the police if stolen"),
        );
    }
    let mut systems: Vec<(i64, &str)> = directory
        .access_of(staff, today)
        .iter()
        .filter_map(|a| directory.system(a.system_id))
        // Keys and alarm codes have no sessions or passwords; shared secrets are rotated below.
        .filter(|s| s.kind == super::system::SystemKind::Software)
        .map(|s| (s.id, s.name.as_str()))
        .collect();
    systems.sort_by_key(|(_, name)| name.to_lowercase());
    systems.dedup();
    for (_, system) in systems {
        let title = format!("Sign {name} out of every session on {system} and change their password");
        add(ItemKind::Template { title: title.clone() }, title);
    }
    for (secret, secret_name) in known_secrets {
        add(ItemKind::RotateSecret { secret: *secret }, format!("Rotate {secret_name} ({name} could know it)"));
    }
    if has_authenticator {
        let title = format!("Enrol {name}'s authenticator app again (the old one may be in other hands)");
        add(ItemKind::Template { title: title.clone() }, title);
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::connected_office;

    #[test]
    fn a_lost_laptop_is_wiped_and_its_holders_sessions_passwords_secrets_and_authenticator_dealt_with() {
        let (directory, staff) = (connected_office(), 1);
        let today = jiff::civil::date(2026, 11, 30);
        let laptop = Device {
            id: 7,
            kind: "Laptop".into(),
            model: "ThinkPad T14".into(),
            serial: "PF-3K2L9".into(),
            assigned_to: Some(staff),
            issued_on: None,
            returned_on: None,
        };
        let secrets = [(3, "Office Wi-Fi".to_owned())];
        let items = containment_items(&directory, staff, Some(&laptop), &secrets, true, today);
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles.first(),
            Some(&"Lock or wipe Laptop ThinkPad T14 (PF-3K2L9) remotely; report it to the police if stolen")
        );
        assert_eq!(
            titles[1..3],
            [
                "Sign Sam out of every session on Payroll and change their password",
                "Sign Sam out of every session on Windows sign-in and change their password",
            ]
        );
        assert!(items.iter().any(|i| i.kind == ItemKind::RotateSecret { secret: 3 }));
        assert!(titles.last().is_some_and(|t| t.contains("authenticator app again")));
        assert!(items.iter().all(|i| i.due == today));
    }
}
