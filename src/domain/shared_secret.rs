//! Shared secrets (the Wi-Fi key, the alarm code, a supplier portal's admin login): who could
//! know each one, and when it must change. The value itself never lives in these types.

use super::access::Directory;
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

    pub fn describe(&self, directory: &Directory) -> String {
        match self {
            Self::Interval { due } => format!("rotation interval ends {due}"),
            Self::HolderLeft { staff_id, last_day } => format!(
                "{} could know it and leaves (or left) on {last_day}",
                directory.person(*staff_id).map_or_else(|| format!("staff #{staff_id}"), |p| p.full_name.clone())
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
    if let Some(days) = secret.interval_days {
        let due = secret.last_rotated.checked_add(days.days()).unwrap_or(secret.last_rotated);
        let soon = today.checked_add(DUE_SOON_DAYS.days()).unwrap_or(today);
        if due <= soon {
            reasons.push(DueReason::Interval { due });
        }
    }
    reasons.sort_by_key(DueReason::due_date);
    reasons
}

/// People who could know a secret now: everyone with the linked access (or any level of the
/// system when no level is named) and the explicit holders.
pub fn current_holders(secret: &SharedSecret, directory: &Directory, today: Date) -> Vec<StaffId> {
    let mut holders: Vec<StaffId> = match secret.system_id {
        Some(system) => directory
            .holders_of(system, today)
            .into_iter()
            .filter(|a| secret.level_id.is_none_or(|level| a.level_id == level))
            .map(|a| a.staff_id)
            .collect(),
        None => Vec::new(),
    };
    holders.extend(&secret.explicit_holders);
    holders.sort_unstable();
    holders.dedup();
    holders
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn secret() -> SharedSecret {
        SharedSecret {
            id: 1,
            name: "Wi-Fi".into(),
            system_id: None,
            level_id: None,
            username: String::new(),
            url: String::new(),
            notes: String::new(),
            interval_days: Some(90),
            last_rotated: date(2026, 9, 1),
            compromised: None,
            explicit_holders: vec![3, 1, 3],
        }
    }

    #[test]
    fn an_interval_is_due_from_two_weeks_before_it_ends() {
        let s = secret();
        assert_eq!(due_reasons(&s, &[], date(2026, 11, 15)), vec![]);
        assert_eq!(due_reasons(&s, &[], date(2026, 11, 16)), vec![DueReason::Interval { due: date(2026, 11, 30) }]);
        let never = SharedSecret { interval_days: None, ..secret() };
        assert_eq!(due_reasons(&never, &[], date(2030, 1, 1)), vec![]);
    }

    #[test]
    fn leavers_and_compromise_make_it_due_with_their_reasons_most_urgent_first() {
        let s = SharedSecret { compromised: Some((date(2026, 11, 20), "seen on a sticky note".into())), ..secret() };
        let reasons = due_reasons(&s, &[Exposure { staff_id: 7, since: date(2026, 11, 10) }], date(2026, 11, 23));
        assert_eq!(
            reasons,
            vec![
                DueReason::HolderLeft { staff_id: 7, last_day: date(2026, 11, 10) },
                DueReason::Compromised { since: date(2026, 11, 20), note: "seen on a sticky note".into() },
                DueReason::Interval { due: date(2026, 11, 30) },
            ]
        );
    }

    #[test]
    fn explicit_holders_count_once() {
        assert_eq!(current_holders(&secret(), &Directory::default(), date(2026, 11, 23)), vec![1, 3]);
    }
}
