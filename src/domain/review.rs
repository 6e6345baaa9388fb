//! Access reviews (recertification): what a campaign covers, the frozen snapshot of access it
//! asks about, what changed since the last completed review, and the rules for decisions.

use super::access::{Directory, GrantId, Source};
use super::staff::{StaffId, StaffStatus};
use super::system::{LevelId, SystemId};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// Quarterly unless the office says otherwise.
pub const DEFAULT_CADENCE_DAYS: u32 = 91;
/// A new review is due this many days after it starts, unless a date is given.
pub const DEFAULT_DAYS_TO_COMPLETE: i64 = 14;

/// Which access a campaign asks about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Scope {
    All,
    CustomerData,
    Privileged,
    Team(String),
}

impl Scope {
    /// `all`, `customer-data`, `privileged` or `team:NAME`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        match text {
            "all" => Ok(Self::All),
            "customer-data" => Ok(Self::CustomerData),
            "privileged" => Ok(Self::Privileged),
            _ => match text.strip_prefix("team:").map(str::trim) {
                Some(team) if !team.is_empty() => Ok(Self::Team(team.to_owned())),
                _ => Err(format!("unknown scope {text:?}: use all, customer-data, privileged or team:NAME")),
            },
        }
    }

    pub fn code(&self) -> String {
        match self {
            Self::All => "all".into(),
            Self::CustomerData => "customer-data".into(),
            Self::Privileged => "privileged".into(),
            Self::Team(team) => format!("team:{team}"),
        }
    }

    /// For people: "everyone's access", "the Sales team's access".
    pub fn describe(&self) -> String {
        match self {
            Self::All => "everyone's access".into(),
            Self::CustomerData => "access to systems holding customer data".into(),
            Self::Privileged => "privileged access".into(),
            Self::Team(team) => format!("the {team} team's access"),
        }
    }
}

/// What the reviewer said about one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Decision {
    Keep,
    Remove,
    /// Keep a lower level of the same system (by name).
    Reduce(String),
}

impl Decision {
    /// `keep`, `remove` or `reduce:LEVEL`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        match text {
            "keep" => Ok(Self::Keep),
            "remove" => Ok(Self::Remove),
            _ => match text.strip_prefix("reduce:").map(str::trim) {
                Some(level) if !level.is_empty() => Ok(Self::Reduce(level.to_owned())),
                _ => Err(format!("unknown decision {text:?}: use keep, remove or reduce:LEVEL")),
            },
        }
    }

    pub fn code(&self) -> String {
        match self {
            Self::Keep => "keep".into(),
            Self::Remove => "remove".into(),
            Self::Reduce(level) => format!("reduce:{level}"),
        }
    }
}

/// What is new about an item since the last completed review of the same scope.
pub const NEW_PERSON: &str = "new person";
pub const NEW_ACCESS: &str = "new access";
pub const EXPIRED_EXCEPTION: &str = "exception past its expiry";

/// One (person, system, level) as frozen when the campaign starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotItem {
    pub staff_id: StaffId,
    pub email: String,
    pub full_name: String,
    pub team: String,
    pub system_id: SystemId,
    pub system: String,
    pub level_id: LevelId,
    pub level: String,
    /// Where it comes from, every source: "role Sales; exception: covering payroll".
    pub source: String,
    /// Direct grants among the sources (an exception is kept only with a comment).
    pub grants: Vec<GrantId>,
    pub privileged: bool,
    pub customer_data: bool,
    /// Comma-separated [`NEW_PERSON`], [`NEW_ACCESS`], [`EXPIRED_EXCEPTION`]; empty if none.
    pub changed: String,
}

impl SnapshotItem {
    pub fn is_exception(&self) -> bool {
        !self.grants.is_empty()
    }
}

/// What the last completed review of the same scope covered.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    pub people: HashSet<StaffId>,
    pub access: HashSet<(StaffId, LevelId)>,
}

/// Freeze every piece of access in `scope`: one item per (person, system, level), people who
/// have not left, sorted by person then system. Lapsed exceptions still on record are included
/// (and flagged) so the reviewer removes them.
pub fn snapshot(directory: &Directory, scope: &Scope, today: Date, previous: Option<&Previous>) -> Vec<SnapshotItem> {
    let mut items = Vec::new();
    let mut people: Vec<_> = directory.staff.iter().filter(|p| p.status != StaffStatus::Left).collect();
    if let Scope::Team(team) = scope {
        people.retain(|p| p.team.eq_ignore_ascii_case(team));
    }
    people.sort_by_cached_key(|p| (p.full_name.to_lowercase(), p.id));
    for person in people {
        // (level) -> (sources, grants, expired)
        let mut by_level: BTreeMap<LevelId, (Vec<String>, Vec<GrantId>, bool)> = BTreeMap::new();
        for access in directory.access_of(person.id, today) {
            let entry = by_level.entry(access.level_id).or_default();
            match access.source {
                Source::Role { .. } => entry.0.push(directory.describe_source(access.source)),
                Source::Exception { grant_id } => entry.1.push(grant_id),
            }
        }
        for grant in directory.exceptions_of(person.id) {
            let lapsed = grant.lapsed(today);
            let entry = by_level.entry(grant.level_id).or_default();
            if lapsed {
                entry.1.push(grant.id);
                entry.2 = true;
            }
            if entry.1.contains(&grant.id) {
                entry.0.push(grant.describe());
            }
        }
        for (level_id, (sources, grants, expired)) in by_level {
            let Some((system, level)) = directory.level(level_id) else { continue };
            let in_scope = match scope {
                Scope::CustomerData => system.customer_data,
                Scope::Privileged => level.privileged,
                Scope::All | Scope::Team(_) => true,
            };
            if !in_scope {
                continue;
            }
            let mut changed = Vec::new();
            if let Some(previous) = previous {
                if !previous.people.contains(&person.id) {
                    changed.push(NEW_PERSON);
                } else if !previous.access.contains(&(person.id, level_id)) {
                    changed.push(NEW_ACCESS);
                }
            }
            if expired {
                changed.push(EXPIRED_EXCEPTION);
            }
            items.push(SnapshotItem {
                staff_id: person.id,
                email: person.email.clone(),
                full_name: person.full_name.clone(),
                team: person.team.clone(),
                system_id: system.id,
                system: system.name.clone(),
                level_id,
                level: level.name.clone(),
                source: sources.join("; "),
                grants,
                privileged: level.privileged,
                customer_data: system.customer_data,
                changed: changed.join(", "),
            });
        }
    }
    items
}

/// A campaign as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    pub id: i64,
    pub scope: Scope,
    /// An operator, or a line manager reviewing their own team in the operator's presence.
    pub reviewer: String,
    pub due: Date,
    pub cadence_days: u32,
    pub started_at: jiff::Timestamp,
    pub started_by: String,
    /// The completed review of the same scope that "changed" is measured against.
    pub previous_id: Option<i64>,
    pub signed_off_at: Option<jiff::Timestamp>,
    pub signed_off_by: Option<String>,
}

impl Review {
    /// When the next campaign of this scope is due (sign-off dated in the office's zone).
    pub fn next_due(&self, zone: &jiff::tz::TimeZone) -> Date {
        let from = self.signed_off_at.map_or(self.due, |at| zone.to_datetime(at).date());
        from.checked_add(jiff::Span::new().days(i64::from(self.cadence_days))).unwrap_or(from)
    }
}

/// One item of a campaign with the reviewer's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewItem {
    pub id: i64,
    pub review_id: i64,
    #[serde(flatten)]
    pub item: SnapshotItem,
    pub decision: Option<Decision>,
    pub comment: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<jiff::Timestamp>,
    /// The checklist item that carries out a removal or reduction, once signed off.
    pub revocation_item: Option<i64>,
}

/// Where a campaign stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    InProgress,
    AwaitingRevocations,
    Complete,
}

impl ReviewState {
    pub fn label(self) -> &'static str {
        match self {
            Self::InProgress => "in progress",
            Self::AwaitingRevocations => "awaiting revocations",
            Self::Complete => "complete",
        }
    }
}

/// Counts for the list of campaigns and the evidence summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReviewCounts {
    pub items: usize,
    pub decided: usize,
    pub kept: usize,
    pub removed: usize,
    pub reduced: usize,
    pub exceptions: usize,
    pub revocations: usize,
    pub revocations_open: usize,
}

impl ReviewCounts {
    pub fn state(&self, signed_off: bool) -> ReviewState {
        match (signed_off, self.revocations_open) {
            (false, _) => ReviewState::InProgress,
            (true, 0) => ReviewState::Complete,
            (true, _) => ReviewState::AwaitingRevocations,
        }
    }
}

/// The rules a decision must meet: keeping an exception or privileged access needs a comment;
/// reducing needs a lower level of the same system. `lower_levels` are the names of the levels
/// below the item's.
pub fn check_decision(
    decision: &Decision,
    comment: &str,
    exception: bool,
    privileged: bool,
    lower_levels: &[String],
) -> Result<(), String> {
    match decision {
        Decision::Keep if (exception || privileged) && comment.trim().is_empty() => {
            let what = if exception { "an exception" } else { "privileged access" };
            Err(format!("keeping {what} needs a comment saying why it is still needed"))
        }
        Decision::Reduce(level) if !lower_levels.iter().any(|l| l.eq_ignore_ascii_case(level)) => {
            if lower_levels.is_empty() {
                Err("there is no lower level to reduce to; keep or remove it".into())
            } else {
                Err(format!("reduce to one of the lower levels: {}", lower_levels.join(", ")))
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_decisions_read_their_written_form() {
        for text in ["all", "customer-data", "privileged", "team:Sales"] {
            assert_eq!(Scope::parse(text).map(|s| s.code()), Ok(text.to_owned()));
        }
        assert!(Scope::parse("team:").is_err());
        assert!(Scope::parse("everyone").is_err());
        for text in ["keep", "remove", "reduce:user"] {
            assert_eq!(Decision::parse(text).map(|d| d.code()), Ok(text.to_owned()));
        }
        assert!(Decision::parse("reduce:").is_err());
    }

    #[test]
    fn keeping_an_exception_or_privileged_access_needs_a_comment() {
        let lower = vec!["user".to_owned()];
        assert!(check_decision(&Decision::Keep, "", true, false, &[]).is_err());
        assert!(check_decision(&Decision::Keep, " ", false, true, &lower).is_err());
        assert!(check_decision(&Decision::Keep, "covers payroll in December", true, true, &lower).is_ok());
        assert!(check_decision(&Decision::Keep, "", false, false, &[]).is_ok());
        assert!(check_decision(&Decision::Remove, "", true, true, &[]).is_ok());
        assert!(check_decision(&Decision::Reduce("user".into()), "", false, true, &lower).is_ok());
        assert!(check_decision(&Decision::Reduce("admin".into()), "", false, true, &lower).is_err());
    }
}
