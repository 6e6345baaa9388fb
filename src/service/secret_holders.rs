//! Who could know a shared secret (each person once, with every reason), and who would learn
//! its next value although they are leaving.

use super::{Office, ServiceResult};
use crate::domain::access::Directory;
use crate::domain::checklist::{ChecklistId, Process};
use crate::domain::shared_secret::{HoldReason, SkippedRotation, leavers_with_access, skipped_for, who_could_know};
use crate::domain::staff::StaffId;
use crate::vault::checklists;
use crate::vault::secrets as store;
use jiff::civil::Date;
use serde::Serialize;

/// Someone who could know a shared secret, once, with every reason in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretHolder {
    pub name: String,
    pub email: String,
    /// "has Wi-Fi (user) through role Office", "named as a holder", "left on 2026-11-20…".
    pub reasons: Vec<String>,
}

/// Someone leaving who still has the access that lets them know a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeavingHolder {
    pub staff_id: StaffId,
    pub name: String,
    pub last_day: Date,
    /// Their leaver checklist, while it is open.
    pub checklist: Option<ChecklistId>,
}

impl Office {
    /// Who could know a secret, by name, including people who left since it last changed.
    pub fn secret_holders(&self, name: &str) -> ServiceResult<Vec<SecretHolder>> {
        let secret = self.find_secret(name)?;
        let directory = self.directory()?;
        let read = &self.vault().read();
        let exposures = store::exposures(read)?.remove(&secret.id).unwrap_or_default();
        let skipped = checklists::skipped_rotations(read)?;
        let today = self.today();
        let mut holders: Vec<SecretHolder> = who_could_know(&secret, &directory, &exposures, today)
            .into_iter()
            .filter_map(|holder| {
                let person = directory.person(holder.staff_id)?;
                let mut reasons: Vec<String> = access_in_words(&holder.reasons, &directory);
                reasons.extend(holder.reasons.iter().filter(|r| !matches!(r, HoldReason::Access { .. })).map(
                    |reason| {
                        let skip = |last_day| {
                            let exposure =
                                crate::domain::shared_secret::Exposure { staff_id: person.id, since: last_day };
                            skipped_for(secret.id, &exposure, &skipped)
                        };
                        describe(reason, &directory, today, skip)
                    },
                ));
                Some(SecretHolder { name: person.full_name.clone(), email: person.email.clone(), reasons })
            })
            .collect();
        holders.sort_by_key(|h| (h.name.to_lowercase(), h.email.clone()));
        Ok(holders)
    }

    /// People leaving (a leaver checklist open, or an end date) who still have the access that
    /// lets them know the secret: a new value would reach them too. Soonest last day first.
    pub fn leavers_with_access(&self, name: &str) -> ServiceResult<Vec<LeavingHolder>> {
        let secret = self.find_secret(name)?;
        let directory = self.directory()?;
        let open: Vec<(StaffId, Date, ChecklistId)> = self
            .current_checklists()?
            .into_iter()
            .filter(|c| c.process == Process::Leaver && c.finished_at.is_none())
            .map(|c| (c.staff_id, c.key_date, c.id))
            .collect();
        let leaving: Vec<(StaffId, Date)> = open.iter().map(|(staff, day, _)| (*staff, *day)).collect();
        Ok(leavers_with_access(&secret, &directory, &leaving, self.today())
            .into_iter()
            .map(|leaver| LeavingHolder {
                staff_id: leaver.staff_id,
                name: directory.person(leaver.staff_id).map_or_else(String::new, |p| p.full_name.clone()),
                last_day: leaver.last_day,
                checklist: open.iter().find(|(staff, _, _)| *staff == leaver.staff_id).map(|(_, _, id)| *id),
            })
            .collect())
    }
}

/// The access reasons, one per level: "has Wi-Fi (user) through roles Everyone and Sales".
fn access_in_words(reasons: &[HoldReason], directory: &Directory) -> Vec<String> {
    let mut levels: Vec<(i64, Vec<crate::domain::access::Source>)> = Vec::new();
    for reason in reasons {
        if let HoldReason::Access { level_id, source } = reason {
            match levels.iter_mut().find(|(level, _)| level == level_id) {
                Some((_, sources)) => sources.push(*source),
                None => levels.push((*level_id, vec![*source])),
            }
        }
    }
    levels
        .into_iter()
        .map(|(level, sources)| {
            let what = directory.describe_level(level).unwrap_or_else(|| "the linked access".to_owned());
            let roles: Vec<&str> = sources
                .iter()
                .filter_map(|s| match s {
                    crate::domain::access::Source::Role { role_id } => {
                        directory.role(*role_id).map(|r| r.name.as_str())
                    }
                    crate::domain::access::Source::Exception { .. } => None,
                })
                .collect();
            let mut through: Vec<String> = match roles.as_slice() {
                [] => Vec::new(),
                [one] => vec![format!("role {one}")],
                [rest @ .., last] => vec![format!("roles {} and {last}", rest.join(", "))],
            };
            through.extend(
                sources
                    .iter()
                    .filter(|s| matches!(s, crate::domain::access::Source::Exception { .. }))
                    .map(|s| directory.describe_source(*s)),
            );
            format!("has {what} through {}", through.join(" and "))
        })
        .collect()
}

/// One reason in words; `skip` finds a skipped rotation of the leaving that ends on a day.
fn describe<'a>(
    reason: &HoldReason,
    directory: &Directory,
    today: Date,
    skip: impl Fn(Date) -> Option<&'a SkippedRotation>,
) -> String {
    match reason {
        HoldReason::Named => "named as a holder".to_owned(),
        HoldReason::Access { .. } => access_in_words(std::slice::from_ref(reason), directory).concat(),
        HoldReason::Leaving { last_day } => {
            let left = if *last_day <= today {
                format!("left on {last_day}, after it last changed")
            } else {
                format!("leaves on {last_day}")
            };
            match skip(*last_day) {
                Some(skipped) => format!("{left} (rotation skipped: {})", skipped.reason),
                None => left,
            }
        }
    }
}
