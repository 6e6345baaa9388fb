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
                let reasons = holder
                    .reasons
                    .iter()
                    .map(|reason| {
                        let skip = |last_day| {
                            let exposure =
                                crate::domain::shared_secret::Exposure { staff_id: person.id, since: last_day };
                            skipped_for(secret.id, &exposure, &skipped)
                        };
                        describe(reason, &directory, today, skip)
                    })
                    .collect();
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

/// One reason in words; `skip` finds a skipped rotation of the leaving that ends on a day.
fn describe<'a>(
    reason: &HoldReason,
    directory: &Directory,
    today: Date,
    skip: impl Fn(Date) -> Option<&'a SkippedRotation>,
) -> String {
    match reason {
        HoldReason::Named => "named as a holder".to_owned(),
        HoldReason::Access { level_id, source } => format!(
            "has {} through {}",
            directory.describe_level(*level_id).unwrap_or_else(|| "the linked access".to_owned()),
            directory.describe_source(*source)
        ),
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
