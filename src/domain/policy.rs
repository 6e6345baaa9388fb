//! Policies staff must read and acknowledge, and training they must complete and renew: who
//! each applies to (everyone, a team, a role), which version is current, who has not
//! acknowledged it (oldest first), and when each person's training is due. Pure rules; the
//! date is passed in.

use super::access::Directory;
use super::staff::{Staff, StaffId, StaffStatus};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub type PolicyId = i64;
pub type CourseId = i64;

/// Who a policy or a course is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Audience {
    All,
    Team(String),
    Role(String),
}

impl Audience {
    /// `all`, `team:NAME` or `role:NAME`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        match text.split_once(':') {
            None if text.eq_ignore_ascii_case("all") || text.is_empty() => Ok(Self::All),
            Some((kind, name)) if kind.trim().eq_ignore_ascii_case("team") && !name.trim().is_empty() => {
                Ok(Self::Team(name.trim().to_owned()))
            }
            Some((kind, name)) if kind.trim().eq_ignore_ascii_case("role") && !name.trim().is_empty() => {
                Ok(Self::Role(name.trim().to_owned()))
            }
            _ => Err(format!("{text:?} is not an audience: all, team:NAME or role:NAME")),
        }
    }

    /// As stored and typed: `all`, `team:Sales`, `role:Finance`.
    pub fn as_text(&self) -> String {
        match self {
            Self::All => "all".to_owned(),
            Self::Team(name) => format!("team:{name}"),
            Self::Role(name) => format!("role:{name}"),
        }
    }

    /// In words: "everyone", "the Sales team", "everyone with the role Finance".
    pub fn describe(&self) -> String {
        match self {
            Self::All => "everyone".to_owned(),
            Self::Team(name) => format!("the {name} team"),
            Self::Role(name) => format!("everyone with the role {name}"),
        }
    }

    /// Whether it includes `person` (never someone who has left).
    pub fn includes(&self, person: &Staff, directory: &Directory) -> bool {
        if person.status == StaffStatus::Left {
            return false;
        }
        match self {
            Self::All => true,
            Self::Team(team) => person.team.eq_ignore_ascii_case(team),
            Self::Role(role) => directory
                .roles_of(person.id)
                .iter()
                .filter_map(|r| directory.role(*r))
                .any(|r| r.name.eq_ignore_ascii_case(role)),
        }
    }

    /// As [`Audience::includes`], for someone joining with `roles` (names) in `team`.
    pub fn includes_joiner(&self, team: &str, roles: &[String]) -> bool {
        match self {
            Self::All => true,
            Self::Team(name) => team.eq_ignore_ascii_case(name),
            Self::Role(name) => roles.iter().any(|r| r.eq_ignore_ascii_case(name)),
        }
    }
}

/// One version of a policy, with its date and its document (a file kept in the vault, or a link).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyVersion {
    pub id: i64,
    pub version: String,
    pub dated: Date,
    pub document: Option<String>,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub id: PolicyId,
    pub name: String,
    pub audience: Audience,
    /// Oldest first: the last is current.
    pub versions: Vec<PolicyVersion>,
}

impl Policy {
    pub fn current(&self) -> Option<&PolicyVersion> {
        self.versions.last()
    }
}

/// Someone's acknowledgement of a version ("read and understood").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acknowledgement {
    pub version_id: i64,
    pub staff_id: StaffId,
    pub on: Date,
}

/// Where one person stands with a policy's current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AckStatus {
    pub staff_id: StaffId,
    pub name: String,
    pub email: String,
    /// When they acknowledged the current version; `None` while they have not.
    pub acknowledged: Option<Date>,
    /// Since when it has been waiting: the version's date, or their start when later.
    pub waiting_since: Date,
}

/// Everyone the policy applies to and whether they acknowledged its current version; those who
/// have not first, the longest waiting first.
pub fn ack_status(policy: &Policy, directory: &Directory, acks: &[Acknowledgement]) -> Vec<AckStatus> {
    let Some(current) = policy.current() else { return Vec::new() };
    let mut status: Vec<AckStatus> = directory
        .staff
        .iter()
        .filter(|p| policy.audience.includes(p, directory))
        .map(|p| AckStatus {
            staff_id: p.id,
            name: p.full_name.clone(),
            email: p.email.clone(),
            acknowledged: acks.iter().find(|a| a.version_id == current.id && a.staff_id == p.id).map(|a| a.on),
            waiting_since: p.start_date.map_or(current.dated, |start| start.max(current.dated)),
        })
        .collect();
    status.sort_by_key(|s| (s.acknowledged.is_some(), s.waiting_since, s.name.to_lowercase()));
    status
}

/// A training course and how often it is renewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Course {
    pub id: CourseId,
    pub name: String,
    pub every_days: i64,
    pub audience: Audience,
    /// When it was added: someone already here is due from then.
    pub added_on: Date,
}

/// A completion of a course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completion {
    pub id: i64,
    pub course_id: CourseId,
    pub staff_id: StaffId,
    pub on: Date,
    pub certificate: Option<String>,
}

/// Where one person stands with a course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainingStatus {
    pub course: String,
    pub staff_id: StaffId,
    pub name: String,
    pub email: String,
    pub last_completed: Option<Date>,
    /// When it is next due: the last completion plus the interval, or (never done) the later of
    /// the person's start and the course being added.
    pub due: Date,
}

impl TrainingStatus {
    pub fn is_overdue(&self, today: Date) -> bool {
        self.due < today
    }
}

/// Everyone the course applies to, with when they are next due; the earliest due first.
pub fn training_status(course: &Course, directory: &Directory, completions: &[Completion]) -> Vec<TrainingStatus> {
    let mut status: Vec<TrainingStatus> = directory
        .staff
        .iter()
        .filter(|p| course.audience.includes(p, directory))
        .map(|p| {
            let last =
                completions.iter().filter(|c| c.course_id == course.id && c.staff_id == p.id).map(|c| c.on).max();
            let due = match last {
                Some(on) => on.checked_add(course.every_days.days()).unwrap_or(on),
                None => p.start_date.map_or(course.added_on, |start| start.max(course.added_on)),
            };
            TrainingStatus {
                course: course.name.clone(),
                staff_id: p.id,
                name: p.full_name.clone(),
                email: p.email.clone(),
                last_completed: last,
                due,
            }
        })
        .collect();
    status.sort_by_key(|s| (s.due, s.name.to_lowercase()));
    status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::connected_office;
    use jiff::civil::date;

    fn policy(audience: Audience) -> Policy {
        let version = |id, v: &str, dated| PolicyVersion { id, version: v.into(), dated, document: None, link: None };
        Policy {
            id: 1,
            name: "Data protection".into(),
            audience,
            versions: vec![version(10, "1", date(2026, 1, 5)), version(11, "2", date(2026, 6, 1))],
        }
    }

    #[test]
    fn audiences_are_read_and_said_and_a_new_version_asks_again() {
        assert_eq!(Audience::parse("team:Sales"), Ok(Audience::Team("Sales".into())));
        assert_eq!(Audience::parse("ALL"), Ok(Audience::All));
        assert!(Audience::parse("group:x").unwrap_err().contains("all, team:NAME or role:NAME"));
        let directory = connected_office();
        // Sam acknowledged version 1 only; Lee acknowledged version 2. Kim has left.
        let acks = [
            Acknowledgement { version_id: 10, staff_id: 1, on: date(2026, 1, 9) },
            Acknowledgement { version_id: 11, staff_id: 3, on: date(2026, 6, 2) },
        ];
        let status = ack_status(&policy(Audience::Role("Finance".into())), &directory, &acks);
        let shown: Vec<(&str, Option<Date>)> = status.iter().map(|s| (s.name.as_str(), s.acknowledged)).collect();
        assert_eq!(shown, [("Max", None), ("Sam", None), ("Lee", Some(date(2026, 6, 2)))], "Finance only");
        assert!(ack_status(&policy(Audience::All), &directory, &acks).iter().all(|s| s.name != "Kim"));
    }

    #[test]
    fn training_is_due_from_the_start_then_every_interval_after_the_last_completion() {
        let directory = connected_office();
        let course = Course {
            id: 5,
            name: "Phishing awareness".into(),
            every_days: 182,
            audience: Audience::All,
            added_on: date(2026, 3, 1),
        };
        let done = [Completion { id: 1, course_id: 5, staff_id: 1, on: date(2026, 4, 10), certificate: None }];
        let status = training_status(&course, &directory, &done);
        let sam = status.iter().find(|s| s.name == "Sam").unwrap();
        assert_eq!(sam.due, date(2026, 10, 9));
        assert!(sam.is_overdue(date(2026, 10, 10)) && !sam.is_overdue(date(2026, 10, 9)));
        let pat = status.iter().find(|s| s.name == "Pat").unwrap();
        assert_eq!((pat.last_completed, pat.due), (None, date(2026, 3, 1)), "due since the course was added");
    }
}
