//! Policies and training as use cases: adding a policy or a new version of it (everyone in its
//! audience is then asked again), recording acknowledgements (one by one, or a CSV of
//! signatures), adding courses and recording completions, who still owes what, and the due
//! items the dashboard and `keyholder due` show. Recording an acknowledgement or a completion
//! also ticks the joiner's item for it.

use super::{DueItem, Office, ServiceError, ServiceResult};
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::{ItemKind, ItemState, Obligations};
use crate::domain::policy::{self, AckStatus, Audience, Policy, TrainingStatus};
use crate::domain::staff::parse_date;
use crate::vault::policies::{self as store, NewCompletion, NewVersion};
use jiff::ToSpan;
use jiff::civil::Date;

/// How long after a version (or a start) an acknowledgement counts as overdue.
const ACK_GRACE_DAYS: i64 = 14;
/// Training due within this many days shows as due.
const TRAINING_SOON_DAYS: i64 = 14;

fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(message.into())
}

/// A policy version as the operator gives it.
pub struct NewPolicyVersion<'a> {
    pub name: &'a str,
    pub version: &'a str,
    /// The document, kept encrypted in the vault: its file name and bytes.
    pub document: Option<(&'a str, &'a [u8])>,
    pub link: Option<&'a str>,
    /// `all`, `team:NAME` or `role:NAME`; for a new policy only (default everyone).
    pub audience: Option<&'a str>,
}

impl Office {
    fn date_or_today(&self, text: Option<&str>) -> ServiceResult<Date> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            Some(text) => parse_date(text).map_err(|e| invalid(e.to_string())),
            None => Ok(self.today()),
        }
    }

    pub fn staff_policies(&self) -> ServiceResult<Vec<Policy>> {
        Ok(store::policies(&self.vault().read())?)
    }

    fn policy_named(&self, name: &str) -> ServiceResult<Policy> {
        self.staff_policies()?
            .into_iter()
            .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| invalid(format!("there is no policy called {}", name.trim())))
    }

    /// A new policy with its first version, or a new version of one on record: everyone in its
    /// audience is asked to acknowledge it (again).
    pub fn add_policy_version(&mut self, new: &NewPolicyVersion<'_>) -> ServiceResult<()> {
        let (name, version) = (new.name.trim(), new.version.trim());
        if name.is_empty() || version.is_empty() {
            return Err(invalid("give the policy's name and its version"));
        }
        let link = new.link.map(str::trim).filter(|l| !l.is_empty());
        if let Some(link) = link.filter(|l| !l.starts_with("https://") && !l.starts_with("http://")) {
            return Err(invalid(format!("{link} is not a web address (https://…)")));
        }
        let existing = self.staff_policies()?.into_iter().find(|p| p.name.eq_ignore_ascii_case(name));
        let audience = match (&existing, new.audience) {
            (Some(policy), None) => policy.audience.clone(),
            (Some(policy), Some(given)) => {
                let given = Audience::parse(given).map_err(invalid)?;
                if given != policy.audience {
                    return Err(invalid(format!(
                        "{} is for {}: a new version keeps its audience",
                        policy.name,
                        policy.audience.describe()
                    )));
                }
                given
            }
            (None, given) => Audience::parse(given.unwrap_or("all")).map_err(invalid)?,
        };
        if existing.as_ref().is_some_and(|p| p.versions.iter().any(|v| v.version.eq_ignore_ascii_case(version))) {
            return Err(ServiceError::conflict(format!("{name} already has a version {version}")));
        }
        let dated = self.today();
        let row = NewVersion { version, dated, document: new.document, link };
        let summary = format!("policy {name} version {version} for {}", audience.describe());
        self.record(AuditEvent::new("policy.version", summary), |tx| {
            let id = match &existing {
                Some(policy) => policy.id,
                None => store::insert_policy(tx, name, &audience)?,
            };
            store::insert_version(tx, id, &row).map(|_| ())
        })
    }

    /// Everyone the policy applies to and whether they acknowledged its current version (those
    /// who have not first, the longest waiting first).
    pub fn policy_status(&self, name: &str) -> ServiceResult<Vec<AckStatus>> {
        let policy = self.policy_named(name)?;
        let acks = store::acknowledgements(&self.vault().read())?;
        Ok(policy::ack_status(&policy, &self.directory()?, &acks))
    }

    /// Every policy with its [`Office::policy_status`], the record and the acknowledgements
    /// read once (the Policies & evidence page).
    pub fn policy_statuses(&self) -> ServiceResult<Vec<(Policy, Vec<AckStatus>)>> {
        let read = self.vault().read();
        let (policies, acks) = (store::policies(&read)?, store::acknowledgements(&read)?);
        let directory = self.directory()?;
        Ok(policies
            .into_iter()
            .map(|p| {
                let status = policy::ack_status(&p, &directory, &acks);
                (p, status)
            })
            .collect())
    }

    /// `email` read and understood the current version of `name` (on `on`, default today).
    pub fn acknowledge_policy(&mut self, name: &str, email: &str, on: Option<&str>) -> ServiceResult<()> {
        let policy = self.policy_named(name)?;
        let version = policy.current().ok_or_else(|| invalid(format!("{} has no version yet", policy.name)))?;
        let on = self.date_or_today(on)?;
        if on < version.dated || on > self.today() {
            return Err(invalid(format!(
                "the date must be between version {}'s date ({}) and today",
                version.version, version.dated
            )));
        }
        let directory = self.directory()?;
        let staff = Self::staff_id(&directory, email)?;
        self.tick_joiner_item(
            staff,
            |kind| matches!(kind, ItemKind::AcknowledgePolicy { policy: p } if p.eq_ignore_ascii_case(&policy.name)),
        )?;
        let by = self.operator().to_string();
        let event =
            AuditEvent::new("policy.ack", format!("policy {} version {} acknowledged", policy.name, version.version))
                .with_personal(
                    staff,
                    format!("{email} acknowledged {} version {} on {on}", policy.name, version.version),
                );
        self.record(event, |tx| store::acknowledge(tx, version.id, staff, on, &by))
    }

    /// Acknowledgements from a CSV of signatures (`email,date` with a header; the date as
    /// everywhere). Nothing is recorded unless every row is good; how many were recorded.
    pub fn import_policy_acks(&mut self, name: &str, csv: &[u8]) -> ServiceResult<usize> {
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(csv);
        let headers = reader.headers().map_err(|e| invalid(format!("the file is not a CSV: {e}")))?.clone();
        let column = |wanted: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(wanted));
        let (Some(email), Some(date)) = (column("email"), column("date")) else {
            return Err(invalid("the signatures CSV needs the columns email and date"));
        };
        let mut rows = Vec::new();
        for (line, record) in reader.records().enumerate() {
            let record = record.map_err(|e| invalid(format!("row {}: {e}", line + 2)))?;
            let cell = |i: usize| record.get(i).unwrap_or_default().to_owned();
            rows.push((line + 2, cell(email), cell(date)));
        }
        let directory = self.directory()?;
        for (line, email, date) in &rows {
            Self::staff_id(&directory, email).map_err(|e| invalid(format!("row {line}: {e}")))?;
            parse_date(date).map_err(|e| invalid(format!("row {line}: {e}")))?;
        }
        for (_, email, date) in &rows {
            self.acknowledge_policy(name, email, Some(date))?;
        }
        Ok(rows.len())
    }

    pub fn add_course(&mut self, name: &str, every_days: i64, audience: Option<&str>) -> ServiceResult<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(invalid("give the course's name"));
        }
        if !(1..=3660).contains(&every_days) {
            return Err(invalid("renewal is every 1 to 3660 days (e.g. 365 for once a year)"));
        }
        let audience = Audience::parse(audience.unwrap_or("all")).map_err(invalid)?;
        if store::courses(&self.vault().read())?.iter().any(|c| c.name.eq_ignore_ascii_case(name)) {
            return Err(ServiceError::conflict(format!("there is already a course called {name}")));
        }
        let today = self.today();
        let summary = format!("training {name} every {every_days} days for {}", audience.describe());
        self.record(AuditEvent::new("training.add", summary), |tx| {
            store::insert_course(tx, name, every_days, &audience, today).map(|_| ())
        })
    }

    /// `email` completed `course` on `on`, with an optional certificate kept in the vault.
    pub fn record_training(
        &mut self,
        course: &str,
        email: &str,
        on: &str,
        certificate: Option<(&str, &[u8])>,
    ) -> ServiceResult<()> {
        let found = store::courses(&self.vault().read())?
            .into_iter()
            .find(|c| c.name.eq_ignore_ascii_case(course.trim()))
            .ok_or_else(|| invalid(format!("there is no course called {}", course.trim())))?;
        let on = parse_date(on).map_err(|e| invalid(e.to_string()))?;
        if on > self.today() {
            return Err(invalid("a completion cannot be in the future"));
        }
        let directory = self.directory()?;
        let staff = Self::staff_id(&directory, email)?;
        self.tick_joiner_item(
            staff,
            |kind| matches!(kind, ItemKind::CompleteTraining { course: c } if c.eq_ignore_ascii_case(&found.name)),
        )?;
        let by = self.operator().to_string();
        let event = AuditEvent::new("training.record", format!("training {} completed", found.name))
            .with_personal(staff, format!("{email} completed {} on {on}", found.name));
        let new = NewCompletion { course: found.id, staff, on, certificate, by: &by };
        self.record(event, |tx| store::record_completion(tx, &new).map(|_| ()))
    }

    /// Every course's status for everyone it applies to, the earliest due first.
    pub fn training_status(&self) -> ServiceResult<Vec<TrainingStatus>> {
        let read = self.vault().read();
        let (courses, completions) = (store::courses(&read)?, store::completions(&read)?);
        let directory = self.directory()?;
        let mut all: Vec<TrainingStatus> =
            courses.iter().flat_map(|c| policy::training_status(c, &directory, &completions)).collect();
        all.sort_by_key(|s| (s.due, s.course.to_lowercase(), s.name.to_lowercase()));
        Ok(all)
    }

    /// The policies and courses that apply to a joiner in `team` with `roles`.
    pub(super) fn obligations_of(&self, team: &str, roles: &[String]) -> ServiceResult<Obligations> {
        let read = self.vault().read();
        Ok(Obligations {
            policies: (store::policies(&read)?.into_iter())
                .filter(|p| p.current().is_some() && p.audience.includes_joiner(team, roles))
                .map(|p| p.name)
                .collect(),
            courses: (store::courses(&read)?.into_iter())
                .filter(|c| c.audience.includes_joiner(team, roles))
                .map(|c| c.name)
                .collect(),
        })
    }

    /// Tick the person's open joiner item that `matches`, if there is one.
    fn tick_joiner_item(&mut self, staff: i64, matches: impl Fn(&ItemKind) -> bool) -> ServiceResult<()> {
        let lists = crate::vault::checklists::checklists_of(&self.vault().read(), staff)?;
        let open = lists
            .iter()
            .filter(|l| l.finished_at.is_none())
            .flat_map(|l| &l.items)
            .find(|i| i.state == ItemState::Open && matches(&i.kind))
            .map(|i| i.id);
        match open {
            Some(item) => self.complete_item(item),
            None => Ok(()),
        }
    }

    /// A row per policy whose current version someone has not acknowledged, and per course
    /// someone is due or overdue for.
    pub(super) fn obligation_due_items(
        &self,
        directory: &crate::domain::access::Directory,
    ) -> ServiceResult<Vec<DueItem>> {
        let today = self.today();
        let read = self.vault().read();
        let acks = store::acknowledgements(&read)?;
        let mut items = Vec::new();
        for policy in store::policies(&read)? {
            let waiting: Vec<AckStatus> = policy::ack_status(&policy, directory, &acks)
                .into_iter()
                .filter(|s| s.acknowledged.is_none())
                .collect();
            let (Some(first), Some(version)) = (waiting.first(), policy.current()) else { continue };
            let names: Vec<&str> = waiting.iter().take(3).map(|s| s.name.as_str()).collect();
            let more = if waiting.len() > 3 { ", …" } else { "" };
            items.push(DueItem {
                target: None,
                kind: "policy",
                subject: format!("{} (version {})", policy.name, version.version),
                due: first.waiting_since.checked_add(ACK_GRACE_DAYS.days()).unwrap_or(first.waiting_since),
                reason: format!(
                    "{} not acknowledged yet ({}{more}), the longest waiting since {}",
                    super::counted(waiting.len(), "person has", "people have"),
                    names.join(", "),
                    first.waiting_since
                ),
                overdue: first.waiting_since.checked_add(ACK_GRACE_DAYS.days()).is_ok_and(|d| d < today),
            });
        }
        let soon = today.checked_add(TRAINING_SOON_DAYS.days()).unwrap_or(today);
        let courses = store::courses(&read)?;
        let completions = store::completions(&read)?;
        for course in &courses {
            let due: Vec<TrainingStatus> = policy::training_status(course, directory, &completions)
                .into_iter()
                .filter(|s| s.due <= soon)
                .collect();
            let Some(first) = due.first() else { continue };
            let overdue = due.iter().filter(|s| s.is_overdue(today)).count();
            let names: Vec<&str> = due.iter().take(3).map(|s| s.name.as_str()).collect();
            let more = if due.len() > 3 { ", …" } else { "" };
            items.push(DueItem {
                target: None,
                kind: "training",
                subject: course.name.clone(),
                due: first.due,
                reason: format!(
                    "{} due ({}{more}), {overdue} overdue",
                    super::counted(due.len(), "person", "people"),
                    names.join(", ")
                ),
                overdue: overdue > 0,
            });
        }
        Ok(items)
    }
}
