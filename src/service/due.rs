//! Everything that needs attention, most urgent first: the list the dashboard and
//! `keyholder due` show (secrets to rotate, open joiners and leavers, expiring grants, missing
//! MFA, purges, reviews and a damaged key file).

use super::{Office, ServiceResult};
use crate::domain::access::{Account, Directory};
use crate::domain::checklist::Process;
use crate::domain::shared_secret::{DUE_SOON_DAYS, DueReason};
use crate::domain::staff::{Staff, StaffId, StaffStatus};
use crate::domain::system::{System, SystemId};
use crate::vault::checklists;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

/// Where to act on a due item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueTarget {
    Secret(i64),
    Checklist(i64),
    Staff(i64),
    Review(i64),
    /// A person's account on a system (missing MFA): the dashboard groups these per system.
    Account {
        staff: StaffId,
        system: SystemId,
    },
    /// An incident whose 72 hours run; `urgent` in the last 24 hours and after.
    Incident {
        id: i64,
        urgent: bool,
    },
}

/// One thing that needs attention, for the dashboard and `keyholder due`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueItem {
    #[serde(skip)]
    pub target: Option<DueTarget>,
    /// `secret`, `leaver`, `joiner`, `scheduled_leaver`, `expiring_grant`, `missing_mfa`, `purge`,
    /// `review`, `review_revocations`, `key_file`, `directory_drift`, `incident`,
    /// `incident_containment`, `policy`, `training`.
    pub kind: &'static str,
    pub subject: String,
    pub due: Date,
    pub reason: String,
    /// Past its date.
    pub overdue: bool,
}

impl Office {
    /// Everything that needs attention, most urgent first.
    pub fn due_items(&self) -> ServiceResult<Vec<DueItem>> {
        self.due_items_in(&self.directory()?)
    }

    /// As [`Office::due_items`], with the office record already loaded.
    pub fn due_items_in(&self, directory: &Directory) -> ServiceResult<Vec<DueItem>> {
        let today = self.today();
        let soon = today.checked_add(DUE_SOON_DAYS.days()).unwrap_or(today);
        let mut items = Vec::new();
        for status in self.secret_statuses_in(directory)? {
            for (reason, text) in status.reasons.iter().zip(&status.described) {
                let due = reason.due_date();
                items.push(DueItem {
                    target: Some(DueTarget::Secret(status.secret.id)),
                    kind: "secret",
                    subject: status.secret.name.clone(),
                    due,
                    reason: format!("rotate: {text}"),
                    overdue: due <= today && !matches!(reason, DueReason::Interval { due } if *due >= today),
                });
            }
        }
        for list in checklists::unfinished(&self.vault().read(), today)? {
            let name = directory.person(list.staff_id).map_or_else(|| "?".to_owned(), |p| p.full_name.clone());
            let (open, overdue) = (list.open, list.overdue);
            let open_words = match overdue {
                0 => format!("{open} open item(s)"),
                n => format!("{open} open item(s), {n} overdue"),
            };
            let (kind, reason) = match list.process {
                Process::Leaver if list.key_date > today => {
                    ("scheduled_leaver", format!("leaving on {}", list.key_date))
                }
                Process::Leaver => ("leaver", open_words),
                Process::Incident => ("incident_containment", format!("containing an incident: {open_words}")),
                Process::Review => {
                    let removals = format!("{open} removal(s) from an access review");
                    (
                        "review_revocations",
                        if overdue == 0 { removals } else { format!("{removals}, {overdue} overdue") },
                    )
                }
                _ => ("joiner", open_words),
            };
            if kind == "scheduled_leaver" && list.key_date > soon {
                continue;
            }
            items.push(DueItem {
                target: Some(DueTarget::Checklist(list.id)),
                kind,
                subject: name,
                due: list.key_date,
                reason,
                overdue: overdue > 0,
            });
        }
        for grant in directory.exceptions.iter().filter(|g| g.expires_on.is_some_and(|d| d >= today && d <= soon)) {
            let (Some(person), Some((system, level))) =
                (directory.person(grant.staff_id), directory.level(grant.level_id))
            else {
                continue;
            };
            items.push(DueItem {
                target: Some(DueTarget::Staff(person.id)),
                kind: "expiring_grant",
                subject: format!("{}: {} ({})", person.full_name, system.name, level.name),
                due: grant.expires_on.unwrap_or(today),
                reason: format!("temporary access ends: {}", grant.reason),
                overdue: false,
            });
        }
        for (account, person, system) in mfa_accounts(directory).filter(|(a, _, _)| !a.mfa_enrolled) {
            items.push(DueItem {
                target: Some(DueTarget::Account { staff: person.id, system: system.id }),
                kind: "missing_mfa",
                subject: format!("{} on {}", person.full_name, system.name),
                due: account.created_on.unwrap_or(today),
                reason: "MFA is supported but not enrolled".into(),
                overdue: false,
            });
        }
        for (staff, name, due) in self.purges_due_in(directory)? {
            items.push(DueItem {
                target: Some(DueTarget::Staff(staff)),
                kind: "purge",
                subject: name,
                due,
                reason: "retention period over: purge personal details".into(),
                overdue: false,
            });
        }
        items.extend(self.review_due_items(today, !directory.staff.is_empty())?);
        for linked in crate::vault::linked_directories::all(&self.vault().read())? {
            let Some((at, differences @ 1..)) = linked.last_check else { continue };
            items.push(DueItem {
                target: None,
                kind: "directory_drift",
                subject: linked.name.clone(),
                due: self.time_zone().to_datetime(at).date(),
                reason: format!(
                    "the directory had {differences} difference(s) from the record at its last check: see them on the Directories page"
                ),
                overdue: false,
            });
        }
        items.extend(self.incident_due_items()?);
        items.extend(self.obligation_due_items(directory)?);
        for problem in self.key_file_problems() {
            items.push(DueItem {
                target: None,
                kind: "key_file",
                subject: "The vault's key file".to_owned(),
                due: today,
                reason: format!("{problem}: repair it in Settings"),
                overdue: true,
            });
        }
        items.sort_by_key(|i| (!i.overdue, i.due));
        Ok(items)
    }
}

/// The accounts MFA is expected on: open, on a system that supports MFA, of someone who has
/// not left. Missing MFA is counted (dashboard) and listed (due items) from these.
pub(super) fn mfa_accounts(directory: &Directory) -> impl Iterator<Item = (&Account, &Staff, &System)> {
    directory.accounts.iter().filter(|a| a.disabled_on.is_none()).filter_map(|account| {
        let person = directory.person(account.staff_id).filter(|p| p.status != StaffStatus::Left)?;
        let system = directory.system(account.system_id).filter(|s| s.mfa_supported)?;
        Some((account, person, system))
    })
}
