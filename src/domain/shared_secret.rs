//! Shared secrets (the Wi-Fi key, the alarm code, a supplier portal's admin login): who could
//! know each one, and when it must change. The value itself never lives in these types.

use super::access::{Directory, Source};
use super::staff::StaffId;
use super::system::{LevelId, SystemId};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

pub type SecretId = i64;

/// A shared secret's record, without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedSecret {
    pub id: SecretId,
    pub name: String,
    pub system_id: Option<SystemId>,
    /// The level that gives knowledge of it; `None` means any level of the system.
    pub level_id: Option<LevelId>,
    pub username: String,
    pub url: String,
    pub notes: String,
    pub interval_days: Option<i64>,
    pub last_rotated: Date,
    /// Set when it may be compromised; cleared by the next rotation.
    pub compromised: Option<(Date, String)>,
    /// People named as knowing it beyond those with the linked access.
    pub explicit_holders: Vec<StaffId>,
}

impl SharedSecret {
    /// When its rotation interval ends: counted from the last rotation, so changing the
    /// interval moves it. `None` without an interval.
    pub fn interval_due(&self) -> Option<Date> {
        let days = self.interval_days?;
        Some(self.last_rotated.checked_add(days.days()).unwrap_or(self.last_rotated))
    }
}

/// Someone who could know a secret and has left (or is leaving) since it last changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exposure {
    pub staff_id: StaffId,
    /// Their last day.
    pub since: Date,
}

/// Why a secret must change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum DueReason {
    /// Its rotation interval has elapsed (or will on `due`).
    Interval { due: Date },
    /// Someone who could know it left.
    HolderLeft { staff_id: StaffId, last_day: Date },
    /// It may be compromised.
    Compromised { since: Date, note: String },
}

impl DueReason {
    pub fn due_date(&self) -> Date {
        match self {
            Self::Interval { due } => *due,
            Self::HolderLeft { last_day, .. } => *last_day,
            Self::Compromised { since, .. } => *since,
        }
    }

    /// The reason in words, as of `today` ("left on …" once the last day is past).
    pub fn describe(&self, directory: &Directory, today: Date) -> String {
        match self {
            Self::Interval { due } => format!("rotation interval ends {due}"),
            Self::HolderLeft { staff_id, last_day } => format!(
                "{} could know it and {} on {last_day}",
                directory.person(*staff_id).map_or_else(|| "a former staff member".to_owned(), |p| p.full_name.clone()),
                if *last_day < today { "left" } else { "leaves" }
            ),
            Self::Compromised { note, .. } => format!("may be compromised: {note}"),
        }
    }
}

/// How far ahead a coming interval counts as "due soon".
pub const DUE_SOON_DAYS: i64 = 14;

/// Every reason the secret must change, as of `today`: intervals ending within
/// [`DUE_SOON_DAYS`], every exposure, and any compromise. Most urgent first.
pub fn due_reasons(secret: &SharedSecret, exposures: &[Exposure], today: Date) -> Vec<DueReason> {
    let mut reasons = Vec::new();
    if let Some((since, note)) = &secret.compromised {
        reasons.push(DueReason::Compromised { since: *since, note: note.clone() });
    }
    for exposure in exposures {
        reasons.push(DueReason::HolderLeft { staff_id: exposure.staff_id, last_day: exposure.since });
    }
    if let Some(due) = secret.interval_due() {
        let soon = today.checked_add(DUE_SOON_DAYS.days()).unwrap_or(today);
        if due <= soon {
            reasons.push(DueReason::Interval { due });
        }
    }
    reasons.sort_by_key(DueReason::due_date);
    reasons
}

/// A leaver checklist's "rotate this secret" item that was skipped, with its reason: that
/// leaver no longer makes the secret due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedRotation {
    pub secret_id: SecretId,
    pub staff_id: StaffId,
    /// The last day of the checklist it was skipped in (an exposure is dated by it).
    pub last_day: Date,
    pub reason: String,
}

/// The skip, if any, that answers `exposure` of `secret`: same secret, same person, same
/// leaving (a later leaving of someone who came back is not answered by an old skip).
pub fn skipped_for<'a>(
    secret: SecretId,
    exposure: &Exposure,
    skipped: &'a [SkippedRotation],
) -> Option<&'a SkippedRotation> {
    skipped.iter().find(|s| s.secret_id == secret && s.staff_id == exposure.staff_id && s.last_day == exposure.since)
}

/// The exposures that still make `secret` due: those whose rotation was not skipped.
pub fn outstanding(secret: SecretId, exposures: &[Exposure], skipped: &[SkippedRotation]) -> Vec<Exposure> {
    exposures.iter().filter(|e| skipped_for(secret, e, skipped).is_none()).cloned().collect()
}

/// Why someone could know a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum HoldReason {
    /// Named as knowing it.
    Named,
    /// Has the access that lets them know it, from a role or a direct grant.
    Access { level_id: LevelId, source: Source },
    /// Could know it and leaves (or left) on `last_day`, after it last changed.
    Leaving { last_day: Date },
}

/// Someone who could know a secret, once, with every reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    pub staff_id: StaffId,
    pub reasons: Vec<HoldReason>,
}

/// Everyone who could know a secret, each once with all their reasons: the linked access (or
/// any level of the system when no level is named), being named, and having left since it last
/// changed (`exposures`). By staff id.
pub fn who_could_know(
    secret: &SharedSecret,
    directory: &Directory,
    exposures: &[Exposure],
    today: Date,
) -> Vec<Holder> {
    let mut holders: Vec<Holder> = Vec::new();
    let mut add = |staff_id: StaffId, reason: HoldReason| match holders.iter_mut().find(|h| h.staff_id == staff_id) {
        Some(holder) if holder.reasons.contains(&reason) => {}
        Some(holder) => holder.reasons.push(reason),
        None => holders.push(Holder { staff_id, reasons: vec![reason] }),
    };
    if let Some(system) = secret.system_id {
        for access in directory.holders_of(system, today) {
            if secret.level_id.is_none_or(|level| access.level_id == level) {
                add(access.staff_id, HoldReason::Access { level_id: access.level_id, source: access.source });
            }
        }
    }
    for staff in &secret.explicit_holders {
        add(*staff, HoldReason::Named);
    }
    for exposure in exposures {
        add(exposure.staff_id, HoldReason::Leaving { last_day: exposure.since });
    }
    holders.sort_by_key(|h| h.staff_id);
    holders
}

/// People who could know a secret now: everyone with the linked access (or any level of the
/// system when no level is named) and the explicit holders.
pub fn current_holders(secret: &SharedSecret, directory: &Directory, today: Date) -> Vec<StaffId> {
    who_could_know(secret, directory, &[], today).into_iter().map(|h| h.staff_id).collect()
}

/// Someone leaving who still has the access that lets them know a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeaverWithAccess {
    pub staff_id: StaffId,
    pub last_day: Date,
}

/// Who would learn a new value of `secret` although they are leaving: people with a leaver
/// checklist open (`leaving`: person and last day) or an end date, who still have the access
/// that lets them know it. Until that access is removed, a rotation reaches them too. Being
/// named as a holder does not count: that is knowing the old value, not the next one. Soonest
/// last day first.
pub fn leavers_with_access(
    secret: &SharedSecret,
    directory: &Directory,
    leaving: &[(StaffId, Date)],
    today: Date,
) -> Vec<LeaverWithAccess> {
    let mut found: Vec<LeaverWithAccess> = who_could_know(secret, directory, &[], today)
        .into_iter()
        .filter(|h| h.reasons.iter().any(|r| matches!(r, HoldReason::Access { .. })))
        .filter_map(|h| {
            let open = leaving.iter().find(|(staff, _)| *staff == h.staff_id).map(|(_, day)| *day);
            let last_day = open.or_else(|| directory.person(h.staff_id).and_then(|p| p.end_date))?;
            Some(LeaverWithAccess { staff_id: h.staff_id, last_day })
        })
        .collect();
    found.sort_by_key(|l| (l.last_day, l.staff_id));
    found
}

#[cfg(test)]
#[path = "shared_secret_tests.rs"]
mod tests;
