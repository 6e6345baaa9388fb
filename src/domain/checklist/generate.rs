//! Generating a checklist's items, never typed: a joiner's from their roles, a mover's from the
//! change of access, a leaver's from everything they hold (access, accounts, devices, shared
//! secrets they knew, an authenticator, systems they own, people they manage), plus the office's
//! template items.

use super::{Device, ItemKind, Process, Template};
use crate::domain::access::{AccessDiff, Directory, RoleId};
use crate::domain::staff::{StaffId, StaffStatus};
use crate::domain::system::SystemId;
use jiff::ToSpan;
use jiff::civil::Date;

/// An item before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub kind: ItemKind,
    pub title: String,
    pub due: Date,
}

fn offset(date: Date, days: i64) -> Date {
    date.checked_add(days.days()).unwrap_or(date)
}

fn template_items(templates: &[Template], process: Process, key_date: Date) -> impl Iterator<Item = NewItem> + '_ {
    templates.iter().filter(move |t| t.process == process).map(move |t| NewItem {
        kind: ItemKind::Template { title: t.title.clone() },
        title: t.title.clone(),
        due: offset(key_date, t.offset_days),
    })
}

/// The policies every joiner acknowledges.
pub const POLICIES: [&str; 2] = ["data-protection policy", "acceptable-use policy"];

/// The office's policies and courses that apply to a joiner, by name.
#[derive(Debug, Clone, Default)]
pub struct Obligations {
    pub policies: Vec<String>,
    pub courses: Vec<String>,
}

/// Items for someone joining on `start` with `roles`. With no policy on record, the two every
/// office has (data protection, acceptable use) are asked for by name.
pub fn joiner_items(
    directory: &Directory,
    roles: &[RoleId],
    start: Date,
    templates: &[Template],
    obligations: &Obligations,
) -> Vec<NewItem> {
    let mut systems: Vec<SystemId> = roles
        .iter()
        .filter_map(|r| directory.role(*r))
        .flat_map(|r| r.levels.iter().filter_map(|l| directory.level(*l).map(|(s, _)| s.id)))
        .collect();
    systems.sort_by_key(|s| directory.system(*s).map(|s| s.name.to_lowercase()));
    systems.dedup();
    let mut items = Vec::new();
    for system in &systems {
        let Some(found) = directory.system(*system) else { continue };
        // Words for what setting them up means on this kind of system.
        let title = match found.kind {
            crate::domain::system::SystemKind::Software => format!("Create their own account on {}", found.name),
            crate::domain::system::SystemKind::SharedAccount => format!("Give them access to {}", found.name),
            crate::domain::system::SystemKind::Physical => format!("Hand over {}", found.name),
        };
        items.push(NewItem { kind: ItemKind::CreateAccount { system: *system }, title, due: start });
    }
    for system in &systems {
        let Some(found) = directory.system(*system).filter(|s| s.mfa_supported) else { continue };
        items.push(NewItem {
            kind: ItemKind::EnrolMfa { system: *system },
            title: format!("Enrol multi-factor authentication on {}", found.name),
            due: offset(start, 7),
        });
    }
    items.push(NewItem {
        kind: ItemKind::IssueDevices,
        title: "Issue equipment and record it in the device register".into(),
        due: start,
    });
    items.push(NewItem {
        kind: ItemKind::EnrolAuthenticator,
        title: "Enrol their authenticator app for identity checks".into(),
        due: offset(start, 7),
    });
    let defaults: Vec<String> = POLICIES.iter().map(|p| (*p).to_owned()).collect();
    let policies = if obligations.policies.is_empty() { &defaults } else { &obligations.policies };
    for policy in policies {
        items.push(NewItem {
            kind: ItemKind::AcknowledgePolicy { policy: policy.clone() },
            title: format!("Read and acknowledge the {policy}"),
            due: offset(start, 7),
        });
    }
    for course in &obligations.courses {
        items.push(NewItem {
            kind: ItemKind::CompleteTraining { course: course.clone() },
            title: format!("Complete the training {course}"),
            due: offset(start, 14),
        });
    }
    items.extend(template_items(templates, Process::Joiner, start));
    items
}

/// Items for someone whose roles changed: set up what they gained and take away what they
/// lost in the systems themselves (Keyholder's record changed already).
pub fn mover_items(directory: &Directory, diff: &AccessDiff, today: Date) -> Vec<NewItem> {
    let describe = |level: i64| directory.describe_level(level);
    let mut items = Vec::new();
    for (system, level) in &diff.lost {
        if let Some(what) = describe(*level) {
            items.push(NewItem {
                kind: ItemKind::RemoveAccess { system: *system, level: *level },
                title: format!("Remove access to {what} in the system itself"),
                due: today,
            });
        }
    }
    for (system, level) in &diff.gained {
        if let Some(what) = describe(*level) {
            items.push(NewItem {
                kind: ItemKind::AddAccess { system: *system, level: *level },
                title: format!("Set up access to {what}"),
                due: today,
            });
        }
    }
    items
}

/// Items for someone leaving with `last_day` as their last day.
pub fn leaver_items(
    directory: &Directory,
    staff: StaffId,
    last_day: Date,
    devices: &[Device],
    secrets_known: &[(i64, String)],
    has_authenticator: bool,
    templates: &[Template],
) -> Vec<NewItem> {
    let mut items = Vec::new();
    let due = last_day;
    for role in directory.roles_of(staff).iter().filter_map(|r| directory.role(*r)) {
        let gives: Vec<String> = role
            .levels
            .iter()
            .filter_map(|l| directory.level(*l))
            .map(|(s, l)| format!("{} {}", s.name, l.name))
            .collect();
        items.push(NewItem {
            kind: ItemKind::RemoveRole { role: role.id },
            title: format!("Remove role {} ({})", role.name, gives.join(", ")),
            due,
        });
    }
    for grant in directory.exceptions_of(staff) {
        let Some((system, level)) = directory.level(grant.level_id) else { continue };
        items.push(NewItem {
            kind: ItemKind::RevokeGrant { grant: grant.id },
            title: format!("Revoke direct access to {} ({}): {}", system.name, level.name, grant.reason),
            due,
        });
    }
    for account in directory.accounts_of(staff).filter(|a| a.disabled_on.is_none()) {
        let system = directory.system(account.system_id).map_or("?", |s| s.name.as_str());
        items.push(NewItem {
            kind: ItemKind::DisableAccount { account: account.id },
            title: format!("Disable or delete account {} on {system}", account.username),
            due,
        });
    }
    for device in devices.iter().filter(|d| d.assigned_to == Some(staff) && d.returned_on.is_none()) {
        items.push(NewItem {
            kind: ItemKind::CollectDevice { device: device.id },
            title: format!("Collect {} {} ({})", device.kind, device.model, device.serial).replace("  ", " "),
            due,
        });
    }
    if has_authenticator {
        items.push(NewItem {
            kind: ItemKind::RemoveAuthenticator,
            title: "Remove their authenticator enrolment".into(),
            due,
        });
    }
    for (secret, name) in secrets_known {
        items.push(NewItem {
            kind: ItemKind::RotateSecret { secret: *secret },
            title: format!("Rotate the shared secret {name}"),
            due,
        });
    }
    for system in directory.systems.iter().filter(|s| s.owner_id == Some(staff)) {
        items.push(NewItem {
            kind: ItemKind::TransferOwnership { system: system.id },
            title: format!("Hand over ownership of {} to someone staying", system.name),
            due,
        });
    }
    let mut reports: Vec<_> =
        directory.staff.iter().filter(|p| p.manager_id == Some(staff) && p.status != StaffStatus::Left).collect();
    reports.sort_by_cached_key(|p| p.full_name.to_lowercase());
    for report in reports {
        items.push(NewItem {
            kind: ItemKind::ChooseManager { report: report.id },
            title: format!("Choose a new manager for {}", report.full_name),
            due,
        });
    }
    items.extend(template_items(templates, Process::Leaver, last_day));
    items
}
