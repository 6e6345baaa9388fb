//! Joiner, mover and leaver checklists. Items are generated, never typed: from a person's
//! roles, grants, accounts and devices, plus office-wide template items. Each item has a kind,
//! a target, a due date and a state; an item is closed by doing it or by skipping it with a
//! reason.

use super::access::{GrantId, RoleId};
use super::staff::StaffId;
use super::system::SystemId;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

mod generate;
mod handover;

pub use generate::{NewItem, Obligations, POLICIES, joiner_items, leaver_items, mover_items};
pub use handover::{check_successor, is_staying};

pub type ChecklistId = i64;
pub type ItemId = i64;
pub type DeviceId = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Process {
    Joiner,
    Mover,
    Leaver,
    /// The removals an access review decided, per person.
    Review,
    /// Containing an incident: what the person (or the device they hold) could reach.
    Incident,
}

impl Process {
    /// For people: "Joiner", "Access review".
    pub fn label(self) -> &'static str {
        match self {
            Self::Joiner => "Joiner",
            Self::Mover => "Mover",
            Self::Leaver => "Leaver",
            Self::Review => "Access review",
            Self::Incident => "Incident containment",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Joiner => "joiner",
            Self::Mover => "mover",
            Self::Leaver => "leaver",
            Self::Review => "review",
            Self::Incident => "incident",
        }
    }
}

impl FromStr for Process {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "joiner" => Ok(Self::Joiner),
            "mover" => Ok(Self::Mover),
            "leaver" => Ok(Self::Leaver),
            "review" => Ok(Self::Review),
            "incident" => Ok(Self::Incident),
            other => Err(format!("unknown process {other:?}")),
        }
    }
}

/// What an item asks for. The target says which thing it is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemKind {
    /// Create the person's account on a system (joiner).
    CreateAccount { system: SystemId },
    /// Enrol the person's MFA on a system that supports it (joiner).
    EnrolMfa { system: SystemId },
    /// Issue equipment and record it in the device register (joiner).
    IssueDevices,
    /// Read and acknowledge a policy (joiner); the date is recorded.
    AcknowledgePolicy { policy: String },
    /// Take away a role and everything it gives (leaver).
    RemoveRole { role: RoleId },
    /// Take away a direct grant (leaver).
    RevokeGrant { grant: GrantId },
    /// Disable or delete an account (leaver).
    DisableAccount { account: i64 },
    /// Get a device back (leaver).
    CollectDevice { device: DeviceId },
    /// Hand over ownership of a system the person owns (leaver).
    TransferOwnership { system: SystemId },
    /// Enrol the person's authenticator app for identity checks (joiner).
    EnrolAuthenticator,
    /// Remove the person's authenticator enrolment (leaver).
    RemoveAuthenticator,
    /// Change a shared secret the person could know (leaver); done by rotating it.
    RotateSecret { secret: i64 },
    /// Set up access in the system itself after a change of roles (mover).
    AddAccess { system: SystemId, level: i64 },
    /// Take away access in the system itself after a change of roles (mover).
    RemoveAccess { system: SystemId, level: i64 },
    /// An office-wide item from the templates.
    Template { title: String },
    /// Remove access an access review decided against; `grants` are the exceptions it came
    /// from (revoked when ticked). Access still given by a role must be taken away by changing
    /// roles first.
    ReviewRemove { system: SystemId, level: i64, grants: Vec<GrantId> },
    /// Lower access to `to_level` as an access review decided; exceptions are lowered when
    /// ticked.
    ReviewReduce { system: SystemId, level: i64, to_level: i64, grants: Vec<GrantId> },
    /// Choose who one of the leaver's direct reports reports to from now on, or no one
    /// (leaver). Added after the other kinds: stored checklists name kinds, never positions.
    ChooseManager { report: StaffId },
    /// Complete a training course (joiner); the date is recorded as a completion.
    CompleteTraining { course: String },
}

impl ItemKind {
    /// A short machine name, as the CLI prints it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::CreateAccount { .. } => "create_account",
            Self::EnrolMfa { .. } => "enrol_mfa",
            Self::IssueDevices => "issue_devices",
            Self::AcknowledgePolicy { .. } => "acknowledge_policy",
            Self::RemoveRole { .. } => "remove_role",
            Self::RevokeGrant { .. } => "revoke_grant",
            Self::DisableAccount { .. } => "disable_account",
            Self::CollectDevice { .. } => "collect_device",
            Self::TransferOwnership { .. } => "transfer_ownership",
            Self::RotateSecret { .. } => "rotate_secret",
            Self::EnrolAuthenticator => "enrol_authenticator",
            Self::RemoveAuthenticator => "remove_authenticator",
            Self::AddAccess { .. } => "add_access",
            Self::RemoveAccess { .. } => "remove_access",
            Self::Template { .. } => "template",
            Self::ReviewRemove { .. } => "review_remove",
            Self::ReviewReduce { .. } => "review_reduce",
            Self::ChooseManager { .. } => "choose_manager",
            Self::CompleteTraining { .. } => "complete_training",
        }
    }

    /// Items whose completion changes access: the clock of "time to full revocation".
    pub fn is_revocation(&self) -> bool {
        matches!(
            self,
            Self::RemoveRole { .. }
                | Self::RevokeGrant { .. }
                | Self::DisableAccount { .. }
                | Self::RemoveAuthenticator
                | Self::ReviewRemove { .. }
                | Self::ReviewReduce { .. }
        )
    }

    /// Doing it cannot be undone from Keyholder: ask for confirmation first.
    pub fn is_irreversible(&self) -> bool {
        self.is_revocation()
    }

    /// Whether ticking it changes the office record (a role removed, an account made, a
    /// device returned…). Such a tick is undone where the change is (the person's page), not by
    /// un-ticking; the others are a note that something was done, and can be taken back.
    pub fn changes_record(&self) -> bool {
        !matches!(
            self,
            Self::IssueDevices
                | Self::AcknowledgePolicy { .. }
                | Self::Template { .. }
                | Self::EnrolAuthenticator
                | Self::AddAccess { .. }
                | Self::RemoveAccess { .. }
        )
    }

    /// Whether it is done by choosing who takes over (a new manager, a new owner) in its row,
    /// not by a plain tick.
    pub fn hands_over(&self) -> bool {
        matches!(self, Self::ChooseManager { .. } | Self::TransferOwnership { .. })
    }

    /// Whether it is done by an action elsewhere (rotating the secret), not by a tick.
    pub fn done_elsewhere(&self) -> bool {
        matches!(self, Self::RotateSecret { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ItemState {
    Open,
    /// `confirmed`: what confirmed a change made elsewhere ("confirmed by the directory Office
    /// LDAP at 14:02").
    Done {
        by: String,
        at: Timestamp,
        confirmed: Option<String>,
    },
    Skipped {
        by: String,
        at: Timestamp,
        reason: String,
    },
}

impl ItemState {
    pub fn is_closed(&self) -> bool {
        !matches!(self, Self::Open)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Done { .. } => "done",
            Self::Skipped { .. } => "skipped",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: ItemId,
    pub kind: ItemKind,
    /// What the item says, generated from its target ("Disable account sam on Email").
    pub title: String,
    pub due: Date,
    pub state: ItemState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checklist {
    pub id: ChecklistId,
    pub staff_id: StaffId,
    pub process: Process,
    /// The start date (joiner) or the last day (leaver).
    pub key_date: Date,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub items: Vec<Item>,
}

impl Checklist {
    pub fn open_items(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| !i.state.is_closed())
    }

    pub fn is_complete(&self) -> bool {
        self.open_items().next().is_none()
    }

    /// Share of items closed, 0.0–1.0.
    pub fn progress(&self) -> f32 {
        if self.items.is_empty() {
            return 1.0;
        }
        self.items.iter().filter(|i| i.state.is_closed()).count() as f32 / self.items.len() as f32
    }

    /// From the end of the last working day (closing time `closes` in the office's time zone)
    /// to the last revocation done: how long access outlived the person's time here. Access
    /// removed before closing counts as zero. `None` until every revocation item is closed.
    pub fn time_to_full_revocation(
        &self,
        zone: &jiff::tz::TimeZone,
        closes: jiff::civil::Time,
    ) -> Option<jiff::SignedDuration> {
        let start = super::office_hours::end_of_working_day(self.key_date, closes, zone)?;
        let mut last = None;
        for item in self.items.iter().filter(|i| i.kind.is_revocation()) {
            match &item.state {
                ItemState::Open => return None,
                ItemState::Done { at, .. } | ItemState::Skipped { at, .. } => {
                    last = Some(last.map_or(*at, |l: Timestamp| l.max(*at)));
                }
            }
        }
        let taken = last.map_or(jiff::SignedDuration::ZERO, |l| start.duration_until(l));
        Some(taken.max(jiff::SignedDuration::ZERO))
    }
}

/// An office-wide item added to every checklist of a process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Template {
    pub id: i64,
    pub process: Process,
    pub title: String,
    /// Days after the start date (joiner) or the last day (leaver); may be negative.
    pub offset_days: i64,
}

/// A device in the asset register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    pub id: DeviceId,
    pub kind: String,
    pub model: String,
    /// Serial number or asset tag.
    pub serial: String,
    pub assigned_to: Option<StaffId>,
    pub issued_on: Option<Date>,
    pub returned_on: Option<Date>,
}

impl fmt::Display for Process {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn leaver(items: Vec<(ItemKind, ItemState)>) -> Checklist {
        let items = items
            .into_iter()
            .enumerate()
            .map(|(i, (kind, state))| Item { id: i as i64, kind, title: String::new(), due: date(2026, 11, 20), state })
            .collect();
        Checklist {
            id: 1,
            staff_id: 1,
            process: Process::Leaver,
            key_date: date(2026, 11, 20),
            started_at: Timestamp::UNIX_EPOCH,
            finished_at: None,
            items,
        }
    }

    fn done(at: &str) -> ItemState {
        ItemState::Done { by: "Ada".into(), at: at.parse().unwrap(), confirmed: None }
    }

    #[test]
    fn revocation_time_counts_from_closing_on_the_last_day_never_below_zero() {
        let london = jiff::tz::TimeZone::get("Europe/London").unwrap();
        let closes = jiff::civil::time(17, 30, 0, 0);
        let hours = |list: &Checklist| list.time_to_full_revocation(&london, closes).map(|d| d.as_secs_f64() / 3600.0);
        // Last day Friday 20 Nov; the last account disabled on Monday at 09:00.
        let list = leaver(vec![
            (ItemKind::RemoveRole { role: 1 }, done("2026-11-20T16:00:00Z")),
            (ItemKind::DisableAccount { account: 2 }, done("2026-11-23T09:00:00Z")),
            (ItemKind::CollectDevice { device: 3 }, done("2026-11-30T09:00:00Z")),
        ]);
        assert_eq!(hours(&list), Some(63.5), "the device is not access: only revocations count");
        // All taken away by 16:00 on the last day: before closing is zero, not negative.
        let early = leaver(vec![(ItemKind::RemoveRole { role: 1 }, done("2026-11-20T16:00:00Z"))]);
        assert_eq!(hours(&early), Some(0.0));
        // A later closing time shortens it; another zone moves it.
        let at_six = early.time_to_full_revocation(&london, jiff::civil::time(15, 0, 0, 0));
        assert_eq!(at_six.map(|d| d.as_secs_f64() / 3600.0), Some(1.0));
        let skipped =
            ItemState::Skipped { by: "Ada".into(), at: "2026-11-21T17:30:00Z".parse().unwrap(), reason: "x".into() };
        assert_eq!(hours(&leaver(vec![(ItemKind::RevokeGrant { grant: 1 }, skipped)])), Some(24.0));
        // Still open: not yet known; nothing to revoke: zero.
        assert_eq!(hours(&leaver(vec![(ItemKind::RemoveRole { role: 1 }, ItemState::Open)])), None);
        assert_eq!(hours(&leaver(vec![])), Some(0.0));
    }
}
