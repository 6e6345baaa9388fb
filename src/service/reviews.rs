//! Access reviews: starting a campaign (a frozen snapshot), deciding items one by one or in
//! bulk, signing off (which creates the revocation checklists), and the dashboard rows.

use super::{DueItem, DueTarget, Office, Record, Rule, ServiceError, ServiceResult};
use crate::domain::access::Directory;
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::{ItemKind, ItemState, NewItem, Process};
use crate::domain::review::{
    self, DEFAULT_CADENCE_DAYS, DEFAULT_DAYS_TO_COMPLETE, Decision, Previous, Review, ReviewCounts, ReviewItem,
    ReviewState, Scope,
};
use crate::domain::staff::{StaffStatus, parse_date};
use crate::vault::{checklists, directory, reviews};
use jiff::ToSpan;
use std::collections::{BTreeMap, HashMap};

/// Days given to carry out the removals a signed-off review decided.
pub const REVOCATION_DAYS: i64 = 7;

fn invalid(text: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(text.into())
}

/// What starting a campaign needs; `None` takes the default.
#[derive(Debug, Clone, Default)]
pub struct NewReview<'a> {
    /// `all`, `customer-data`, `privileged` or `team:NAME`.
    pub scope: &'a str,
    /// An operator, or a line manager (name or email) reviewing with the operator present.
    pub reviewer: Option<&'a str>,
    pub due: Option<&'a str>,
    pub cadence_days: Option<u32>,
}

/// A campaign with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewSummary {
    pub review: Review,
    pub counts: ReviewCounts,
    pub state: ReviewState,
}

impl ReviewSummary {
    pub fn title(&self) -> String {
        format!("Review #{} of {}", self.review.id, self.review.scope.describe())
    }
}

impl Office {
    /// Who reviews: an operator by name, or a staff member who manages people, recorded as
    /// reviewing in the signed-in operator's presence.
    fn resolve_reviewer(&self, directory: &Directory, given: Option<&str>, scope: &Scope) -> ServiceResult<String> {
        let Some(given) = given.map(str::trim).filter(|g| !g.is_empty()) else {
            return Ok(self.operator().to_string());
        };
        if self.operators()?.iter().any(|o| o.name.eq_ignore_ascii_case(given)) {
            return Ok(given.to_owned());
        }
        let manager = directory
            .staff
            .iter()
            .find(|p| p.email.eq_ignore_ascii_case(given) || p.full_name.eq_ignore_ascii_case(given))
            .ok_or_else(|| invalid(format!("{given} is neither an operator nor a staff member")))?;
        if !directory.staff.iter().any(|p| p.manager_id == Some(manager.id) && p.status != StaffStatus::Left) {
            return Err(invalid(format!("{} manages nobody, so cannot review as a line manager", manager.full_name)));
        }
        // A line manager reviews their own team (or their reports' team), never the whole office.
        let reports_team = |team: &str| {
            directory.staff.iter().any(|p| {
                p.manager_id == Some(manager.id) && p.status != StaffStatus::Left && p.team.eq_ignore_ascii_case(team)
            })
        };
        let own_team = matches!(scope, Scope::Team(team)
            if (!manager.team.is_empty() && team.eq_ignore_ascii_case(&manager.team)) || reports_team(team));
        if !own_team {
            let team = if manager.team.is_empty() { "their team".to_owned() } else { manager.team.clone() };
            return Err(ServiceError::policy(
                Rule::ReviewScope,
                format!(
                    "a line manager reviews their own team: choose \"One team\" and {team}, or an operator as reviewer"
                ),
            ));
        }
        Ok(format!("{} (line manager, with {})", manager.full_name, self.operator()))
    }

    /// Who may review, as (what to pass as `NewReview::reviewer`, what to show): every operator,
    /// then every staff member who manages someone ("Kim Lee, line manager of 3").
    pub fn reviewer_choices(&self) -> ServiceResult<Vec<(String, String)>> {
        let mut choices: Vec<(String, String)> =
            self.operators()?.into_iter().map(|o| (o.name.clone(), format!("{} (operator)", o.name))).collect();
        // Counted by the database: the office is not read for a pick-list.
        let mut managers: Vec<(String, String)> = directory::line_managers(&self.vault().read())?
            .into_iter()
            .map(|(email, name, reports)| {
                let shown = super::counted(reports, "person", "people");
                (email, format!("{name}, line manager of {shown}"))
            })
            .collect();
        managers.sort_by_cached_key(|(_, shown)| shown.to_lowercase());
        choices.extend(managers);
        Ok(choices)
    }

    /// Start a campaign: every piece of access in scope is frozen into items. Returns its id.
    pub fn start_review(&mut self, new: &NewReview<'_>) -> ServiceResult<i64> {
        let scope = Scope::parse(new.scope).map_err(invalid)?;
        let directory = self.directory()?;
        if let Scope::Team(team) = &scope
            && !directory.staff.iter().any(|p| p.team.eq_ignore_ascii_case(team))
        {
            return Err(ServiceError::not_found(Record::StaffMember, format!("in a team called {team}")));
        }
        let reviewer = self.resolve_reviewer(&directory, new.reviewer, &scope)?;
        let today = self.today();
        let due = match new.due {
            Some(text) => parse_date(text).map_err(|e| invalid(e.to_string()))?,
            None => today.checked_add(DEFAULT_DAYS_TO_COMPLETE.days()).unwrap_or(today),
        };
        if due < today {
            return Err(invalid(format!("the due date {due} is in the past")));
        }
        let cadence_days = new.cadence_days.unwrap_or(DEFAULT_CADENCE_DAYS);
        if !(7..=366).contains(&cadence_days) {
            return Err(ServiceError::policy(super::Rule::PolicyRange, "the cadence is between 7 and 366 days"));
        }
        let summaries = self.reviews()?;
        let previous =
            summaries.iter().find(|s| s.review.scope == scope && s.state == ReviewState::Complete).map(|s| s.review.id);
        let previous_items = match previous {
            Some(id) => {
                let covered = reviews::covered(&self.vault().read(), id)?;
                Some(Previous {
                    people: covered.iter().map(|(staff, _)| *staff).collect(),
                    access: covered.into_iter().collect(),
                })
            }
            None => None,
        };
        self.stage("freezing everyone's access", 0);
        let items = review::snapshot(&directory, &scope, today, previous_items.as_ref());
        self.checkpoint()?;
        self.stage("writing the items", 0);
        let (now, by) = (self.now(), self.operator().to_string());
        let row = reviews::NewReview {
            scope: &scope,
            reviewer: &reviewer,
            due,
            cadence_days,
            started_by: &by,
            previous_id: previous,
        };
        self.record_with(
            |id| {
                AuditEvent::new(
                    "review.start",
                    format!(
                        "access review #{id} of {} started: {} item(s), reviewer {reviewer}",
                        scope.describe(),
                        items.len()
                    ),
                )
            },
            |tx| reviews::insert(tx, &row, now, &items),
        )
    }

    /// Every campaign, newest first, with its counts and state.
    pub fn reviews(&self) -> ServiceResult<Vec<ReviewSummary>> {
        let read = &self.vault().read();
        let counts = reviews::counts(read)?;
        Ok(reviews::all(read)?
            .into_iter()
            .map(|review| {
                let counts = counts.get(&review.id).copied().unwrap_or_default();
                let state = counts.state(review.signed_off_at.is_some());
                ReviewSummary { review, counts, state }
            })
            .collect())
    }

    pub fn review(&self, id: i64) -> ServiceResult<ReviewSummary> {
        self.reviews()?
            .into_iter()
            .find(|s| s.review.id == id)
            .ok_or_else(|| ServiceError::not_found(Record::Review, format!("#{id}")))
    }

    pub fn review_items(&self, id: i64) -> ServiceResult<Vec<ReviewItem>> {
        Ok(reviews::items(&self.vault().read(), id)?)
    }

    /// The state of each removal of a signed-off campaign, by review item.
    pub fn review_revocations(&self, id: i64) -> ServiceResult<HashMap<i64, ItemState>> {
        Ok(reviews::revocations(&self.vault().read(), id)?)
    }

    /// Past exports of a campaign: when, by whom, which files.
    pub fn review_exports(&self, id: i64) -> ServiceResult<Vec<(jiff::Timestamp, String, String)>> {
        Ok(reviews::exports(&self.vault().read(), id)?)
    }

    /// Decide one or more items of the same campaign (bulk: "keep all of Sam's").
    pub fn decide_review_items(&mut self, items: &[i64], decision: &str, comment: &str) -> ServiceResult<()> {
        let decision = Decision::parse(decision).map_err(invalid)?;
        let comment = comment.trim();
        let read = &self.vault().read();
        let mut found = Vec::with_capacity(items.len());
        for id in items {
            found.push(
                reviews::item(read, *id)?
                    .ok_or_else(|| ServiceError::not_found(Record::ReviewItem, format!("{id}")))?,
            );
        }
        let Some(first) = found.first() else { return Ok(()) };
        let review_id = first.review_id;
        if found.iter().any(|i| i.review_id != review_id) {
            return Err(invalid("decide items of one review at a time"));
        }
        let review = reviews::get(read, review_id)?
            .ok_or_else(|| ServiceError::not_found(Record::Review, format!("#{review_id}")))?;
        if review.signed_off_at.is_some() {
            return Err(ServiceError::refused_by_state(format!(
                "review #{review_id} is signed off: its decisions are locked"
            )));
        }
        // Only a reduction needs the system's levels; keep and remove are checked without
        // reading the office (a reviewer presses K thousands of times).
        let directory = match decision {
            Decision::Reduce(_) => Some(self.directory()?),
            Decision::Keep | Decision::Remove => None,
        };
        for item in &found {
            let lower = directory.as_ref().map(|d| lower_levels(d, item)).unwrap_or_default();
            review::check_decision(&decision, comment, item.item.is_exception(), item.item.privileged, &lower)
                .map_err(|reason| {
                    ServiceError::policy(
                        Rule::ReviewDecision,
                        format!("{} on {} ({}): {reason}", item.item.full_name, item.item.system, item.item.level),
                    )
                })?;
        }
        let (now, by) = (self.now(), self.operator().to_string());
        let ids: Vec<i64> = found.iter().map(|i| i.id).collect();
        let subject = match found.as_slice() {
            [one] => format!("item {} ({} on {})", one.id, staff_ref(one), one.item.system),
            many => format!("{} items", many.len()),
        };
        let event = AuditEvent::new("review.decide", format!("review #{review_id}: {subject} -> {}", decision.code()));
        self.record(event, |tx| reviews::decide(tx, &ids, &decision, comment, &by, now))
    }

    /// Sign a campaign off: refused while any item is undecided; locks the decisions and
    /// creates one revocation checklist per person with removals. Returns how many removals.
    pub fn sign_off_review(&mut self, id: i64) -> ServiceResult<usize> {
        let summary = self.review(id)?;
        if summary.review.signed_off_at.is_some() {
            return Err(ServiceError::refused_by_state(format!("review #{id} is already signed off")));
        }
        // Counted from the items themselves, not the review's tallies: this is the gate.
        let items = self.review_items(id)?;
        let undecided = items.iter().filter(|item| item.decision.is_none()).count();
        if undecided > 0 {
            return Err(ServiceError::refused_by_state(format!(
                "review #{id} has {undecided} undecided item(s); decide them before signing off"
            )));
        }
        let directory = self.directory()?;
        let today = self.today();
        let due = today.checked_add(REVOCATION_DAYS.days()).unwrap_or(today);
        let mut by_person: BTreeMap<i64, Vec<(i64, NewItem)>> = BTreeMap::new();
        for item in &items {
            let snapshot = &item.item;
            let what = format!("{} ({})", snapshot.system, snapshot.level);
            let (kind, title) = match &item.decision {
                Some(Decision::Remove) => (
                    ItemKind::ReviewRemove {
                        system: snapshot.system_id,
                        level: snapshot.level_id,
                        grants: snapshot.grants.clone(),
                    },
                    format!("Remove {what} (access review #{id})"),
                ),
                Some(Decision::Reduce(to)) => {
                    let to_level = directory.system(snapshot.system_id).and_then(|s| s.level(to)).ok_or_else(|| {
                        ServiceError::not_found(Record::AccessLevel, format!("{to} in {} any more", snapshot.system))
                    })?;
                    (
                        ItemKind::ReviewReduce {
                            system: snapshot.system_id,
                            level: snapshot.level_id,
                            to_level: to_level.id,
                            grants: snapshot.grants.clone(),
                        },
                        format!("Reduce {what} to {to} (access review #{id})"),
                    )
                }
                _ => continue,
            };
            by_person.entry(snapshot.staff_id).or_default().push((item.id, NewItem { kind, title, due }));
        }
        let removals = by_person.values().map(Vec::len).sum();
        let (now, by) = (self.now(), self.operator().to_string());
        let event = AuditEvent::new(
            "review.sign_off",
            format!(
                "access review #{id} signed off by {by} (reviewer {}): {removals} removal(s)",
                summary.review.reviewer
            ),
        );
        self.record(event, |tx| {
            reviews::sign_off(tx, id, &by, now)?;
            for (staff, entries) in &by_person {
                let new_items: Vec<NewItem> = entries.iter().map(|(_, item)| item.clone()).collect();
                let (_, created) = checklists::insert_checklist(tx, *staff, Process::Review, today, now, &new_items)?;
                for ((review_item, _), checklist_item) in entries.iter().zip(created) {
                    reviews::link_revocation(tx, *review_item, checklist_item)?;
                }
            }
            Ok(())
        })?;
        Ok(removals)
    }

    /// Dashboard rows: campaigns overdue or due soon, and the next campaign per the cadence.
    pub(super) fn review_due_items(&self, today: jiff::civil::Date, has_staff: bool) -> ServiceResult<Vec<DueItem>> {
        let soon = today.checked_add(crate::domain::shared_secret::DUE_SOON_DAYS.days()).unwrap_or(today);
        let summaries = self.reviews()?;
        let mut items = Vec::new();
        if summaries.is_empty() && has_staff {
            items.push(DueItem {
                target: None,
                kind: "review",
                subject: "Access review".into(),
                due: today,
                reason: "no access review yet: start the first one".into(),
                overdue: false,
            });
        }
        for summary in summaries.iter().filter(|s| s.state == ReviewState::InProgress) {
            if summary.review.due <= soon {
                items.push(DueItem {
                    target: Some(DueTarget::Review(summary.review.id)),
                    kind: "review",
                    subject: summary.title(),
                    due: summary.review.due,
                    reason: format!("{} of {} item(s) decided", summary.counts.decided, summary.counts.items),
                    overdue: summary.review.due < today,
                });
            }
        }
        // The next campaign of each scope, counted from the last one signed off.
        let mut seen = Vec::new();
        for summary in &summaries {
            if seen.contains(&summary.review.scope) {
                continue;
            }
            seen.push(summary.review.scope.clone());
            if summary.state == ReviewState::InProgress {
                continue;
            }
            let next = summary.review.next_due(self.time_zone());
            if next <= soon {
                items.push(DueItem {
                    target: None,
                    kind: "review",
                    subject: format!("Access review of {}", summary.review.scope.describe()),
                    due: next,
                    reason: format!("next review per the {}-day cadence", summary.review.cadence_days),
                    overdue: next < today,
                });
            }
        }
        Ok(items)
    }
}

fn staff_ref(item: &ReviewItem) -> String {
    format!("staff #{}", item.item.staff_id)
}

/// Names of the levels below the item's on its system, lowest first.
fn lower_levels(directory: &Directory, item: &ReviewItem) -> Vec<String> {
    let Some((system, level)) = directory.level(item.item.level_id) else {
        return Vec::new();
    };
    system.levels.iter().filter(|l| l.rank < level.rank).map(|l| l.name.clone()).collect()
}
