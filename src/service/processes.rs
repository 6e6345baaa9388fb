//! Joiners and leavers as tracked checklists: starting them, ticking and skipping items (with
//! the effect each item has on the record), finishing, the device register and the report.

use super::{Office, Record, ServiceError, ServiceResult};
use crate::domain::access::RoleId;
use crate::domain::access::Source;
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::{
    Checklist, ChecklistId, Device, ItemId, ItemKind, ItemState, Process, joiner_items, leaver_items,
};
use crate::domain::staff::{StaffDraft, StaffId, StaffStatus, parse_date};
use crate::report::PdfReport;
use crate::vault::{checklists, directory};

fn invalid(text: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(text.into())
}

/// What a joiner starts with.
pub struct NewJoiner<'a> {
    pub draft: StaffDraft,
    pub roles: &'a [String],
}

impl Office {
    fn person_id(&self, email: &str) -> ServiceResult<StaffId> {
        self.directory()?.person_by_email(email).map(|p| p.id).ok_or_else(|| ServiceError::no_staff_with_email(email))
    }

    /// Add a new person as "joining" with their roles, and their joiner checklist.
    pub fn start_joiner(&mut self, joiner: NewJoiner<'_>) -> ServiceResult<(StaffId, ChecklistId)> {
        let mut staff = joiner.draft.validate(StaffStatus::Joining).map_err(|e| invalid(e.to_string()))?;
        staff.status = StaffStatus::Joining;
        let start = staff.start_date.ok_or_else(|| invalid("a joiner needs a start date"))?;
        let directory = self.directory()?;
        if directory.person_by_email(&staff.email).is_some() {
            return Err(ServiceError::conflict(format!("duplicate email: {} is already in the office", staff.email)));
        }
        let manager = staff
            .manager_email
            .as_deref()
            .map(|m| {
                directory.person_by_email(m).map(|p| p.id).ok_or_else(|| {
                    ServiceError::not_found(Record::StaffMember, format!("with email {m} (the manager)"))
                })
            })
            .transpose()?;
        let roles: Vec<RoleId> = joiner
            .roles
            .iter()
            .map(|name| {
                directory
                    .role_by_name(name)
                    .map(|r| r.id)
                    .ok_or_else(|| ServiceError::not_found(Record::Role, format!("called {name}")))
            })
            .collect::<ServiceResult<_>>()?;
        let templates = checklists::templates(&self.vault().read())?;
        let items = joiner_items(&directory, &roles, start, &templates);
        let (now, by) = (self.now(), self.operator().to_string());
        let count = items.len();
        self.record_with(
            |(id, _)| {
                AuditEvent::new("joiner.start", format!("joiner staff #{id} starting {start}: {count} checklist items"))
            },
            |tx| {
                let id = directory::insert_staff(tx, &staff, manager)?;
                for role in &roles {
                    directory::assign_role(tx, id, *role, start, &by)?;
                }
                let (checklist, _) = checklists::insert_checklist(tx, id, Process::Joiner, start, now, &items)?;
                Ok((id, checklist))
            },
        )
    }

    /// Start someone's leaving with their last day: in the past (recorded late; the clock for
    /// "time to full revocation" still starts that day), today, or in the future (scheduled:
    /// nothing is revoked early).
    pub fn start_leaver(&mut self, email: &str, last_day: &str) -> ServiceResult<ChecklistId> {
        let last_day = parse_date(last_day).map_err(|e| invalid(e.to_string()))?;
        let directory = self.directory()?;
        let person = directory.person_by_email(email).ok_or_else(|| ServiceError::no_staff_with_email(email))?.clone();
        if person.status == StaffStatus::Left {
            return Err(ServiceError::refused_by_state(format!("{} has already left", person.email)));
        }
        let read = &self.vault().read();
        if checklists::checklists_of(read, person.id)?
            .iter()
            .any(|c| c.process == Process::Leaver && c.finished_at.is_none())
        {
            return Err(ServiceError::conflict(format!("{} already has a leaver checklist in progress", person.email)));
        }
        let devices = checklists::devices(read)?;
        let templates = checklists::templates(read)?;
        let today = self.today();
        let known: Vec<(i64, String)> = crate::vault::secrets::all(read)?
            .into_iter()
            .filter(|secret| {
                crate::domain::shared_secret::current_holders(secret, &directory, today).contains(&person.id)
            })
            .map(|secret| (secret.id, secret.name))
            .collect();
        let has_authenticator = crate::vault::authenticators::staff_has_authenticator(read, person.id)?;
        let items = leaver_items(&directory, person.id, last_day, &devices, &known, has_authenticator, &templates);
        let now = self.now();
        let summary = format!("leaver staff #{} with last day {last_day}: {} checklist items", person.id, items.len());
        self.record(AuditEvent::new("leaver.start", summary), |tx| {
            checklists::set_staff_status(tx, person.id, StaffStatus::Leaving.as_str(), Some(last_day))?;
            // From today on, these secrets are due for rotation because of this person.
            for (secret, _) in &known {
                crate::vault::secrets::add_exposure(tx, *secret, person.id, last_day)?;
            }
            Ok(checklists::insert_checklist(tx, person.id, Process::Leaver, last_day, now, &items)?.0)
        })
    }

    pub fn checklists_of(&self, email: &str) -> ServiceResult<Vec<Checklist>> {
        let id = self.person_id(email)?;
        Ok(checklists::checklists_of(&self.vault().read(), id)?)
    }

    /// Joiner and leaver checklists in progress, and those finished in the last 90 days.
    pub fn current_checklists(&self) -> ServiceResult<Vec<Checklist>> {
        let since = self.now().checked_sub(jiff::SignedDuration::from_hours(90 * 24)).unwrap_or(self.now());
        Ok(checklists::current(&self.vault().read(), since)?)
    }

    fn item(&self, item: ItemId) -> ServiceResult<(Checklist, crate::domain::checklist::Item)> {
        let read = &self.vault().read();
        let list = checklists::checklist_of_item(read, item)?
            .and_then(|id| checklists::checklist(read, id).ok().flatten())
            .ok_or_else(|| ServiceError::not_found(Record::ChecklistItem, format!("{item}")))?;
        let found = list
            .items
            .iter()
            .find(|i| i.id == item)
            .cloned()
            .ok_or_else(|| ServiceError::not_found(Record::ChecklistItem, format!("{item}")))?;
        if found.state.is_closed() {
            return Err(ServiceError::refused_by_state(format!("item {item} is already {}", found.state.label())));
        }
        Ok((list, found))
    }

    /// Tick an item: its effect on the record happens in the same transaction (removing a
    /// role, revoking a grant, disabling an account, recording a returned device…).
    pub fn complete_item(&mut self, item: ItemId) -> ServiceResult<()> {
        let (list, found) = self.item(item)?;
        if let ItemKind::RotateSecret { .. } = found.kind {
            return Err(ServiceError::refused_by_state(
                "this item is done by rotating the secret (keyholder secret rotate NAME, or Rotate on its page)",
            ));
        }
        let (now, today, by) = (self.now(), self.today(), self.operator().to_string());
        let staff = list.staff_id;
        if let ItemKind::ReviewRemove { level, grants, .. } | ItemKind::ReviewReduce { level, grants, .. } = &found.kind
        {
            self.check_review_revocation(staff, *level, grants)?;
        }
        let username = self
            .directory()?
            .person(staff)
            .map(|p| p.email.split('@').next().unwrap_or_default().to_owned())
            .unwrap_or_default();
        // The item's title can name an account, a device or a reason: it is personal.
        let event =
            AuditEvent::new("checklist.done", format!("{} item #{} done for staff #{staff}", list.process, found.id))
                .with_personal(staff, found.title.clone());
        self.record(event, |tx| {
            match &found.kind {
                ItemKind::RemoveRole { role } => directory::unassign_role(tx, staff, *role)?,
                ItemKind::RevokeGrant { grant } => directory::delete_grant(tx, *grant)?,
                ItemKind::DisableAccount { account } => checklists::disable_account(tx, *account, today)?,
                ItemKind::CollectDevice { device } => checklists::return_device(tx, *device, today)?,
                ItemKind::TransferOwnership { system } => checklists::clear_owner(tx, *system)?,
                ItemKind::CreateAccount { system } => {
                    let account = directory::NewAccount {
                        staff,
                        system: *system,
                        username: &username,
                        created_on: Some(today),
                        mfa_enrolled_on: None,
                    };
                    directory::insert_account(tx, &account)?;
                }
                ItemKind::EnrolMfa { system } => checklists::set_mfa_enrolled(tx, staff, *system, today)?,
                ItemKind::RemoveAuthenticator => {
                    crate::vault::authenticators::delete_staff(tx, staff)?;
                }
                ItemKind::ReviewRemove { grants, .. } => {
                    for grant in grants {
                        directory::delete_grant(tx, *grant)?;
                    }
                }
                ItemKind::ReviewReduce { to_level, grants, .. } => {
                    for grant in grants {
                        directory::set_grant_level(tx, *grant, *to_level)?;
                    }
                }
                ItemKind::IssueDevices
                | ItemKind::AcknowledgePolicy { .. }
                | ItemKind::Template { .. }
                | ItemKind::RotateSecret { .. }
                | ItemKind::EnrolAuthenticator
                | ItemKind::AddAccess { .. }
                | ItemKind::RemoveAccess { .. } => {}
            }
            close_item(tx, &list, found.id, &ItemState::Done { by: by.clone(), at: now }, now)
        })
    }

    /// A review's removal is real only when nothing else still gives the access: a role that
    /// grants it must be changed first (the exceptions listed are revoked by the tick).
    fn check_review_revocation(&self, staff: i64, level: i64, grants: &[i64]) -> ServiceResult<()> {
        let directory = self.directory()?;
        let remaining: Vec<String> = directory
            .access_of(staff, self.today())
            .into_iter()
            .filter(|a| a.level_id == level)
            .filter(|a| !matches!(a.source, Source::Exception { grant_id } if grants.contains(&grant_id)))
            .map(|a| directory.describe_source(a.source))
            .collect();
        if remaining.is_empty() {
            return Ok(());
        }
        let what = directory.describe_level(level).unwrap_or_default();
        Err(ServiceError::refused_by_state(format!(
            "{what} is still given by {}: change their roles (Staff page) or the role first, then tick this",
            remaining.join(", ")
        )))
    }

    /// Skip an item; a reason is required and kept.
    pub fn skip_item(&mut self, item: ItemId, reason: &str) -> ServiceResult<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(invalid("skipping an item needs a reason"));
        }
        let (list, found) = self.item(item)?;
        let (now, by) = (self.now(), self.operator().to_string());
        let staff = list.staff_id;
        let event = AuditEvent::new(
            "checklist.skip",
            format!("{} item #{} skipped for staff #{staff}", list.process, found.id),
        )
        .with_personal(staff, format!("{}; reason: {reason}", found.title));
        self.record(event, |tx| {
            close_item(tx, &list, found.id, &ItemState::Skipped { by, at: now, reason: reason.to_owned() }, now)
        })
    }

    /// Mark a leaver as left. Refused while any item is open.
    pub fn finish_leaver(&mut self, email: &str) -> ServiceResult<()> {
        let staff = self.person_id(email)?;
        let list = checklists::checklists_of(&self.vault().read(), staff)?
            .into_iter()
            .rev()
            .find(|c| c.process == Process::Leaver && c.finished_at.is_none())
            .ok_or_else(|| {
                ServiceError::not_found(Record::LeaverChecklist, format!("in progress for {}", email.trim()))
            })?;
        let open: Vec<String> = list.open_items().map(|i| format!("{} {}", i.id, i.title)).collect();
        if !open.is_empty() {
            return Err(ServiceError::refused_by_state(format!(
                "{} item(s) still open; tick or skip each (with a reason) first: {}",
                open.len(),
                open.join("; ")
            )));
        }
        // Skipped items must not leave a way in: every access and account has to be gone.
        let directory = self.directory()?;
        let mut remaining: Vec<String> = directory
            .access_of(staff, self.today())
            .iter()
            .filter_map(|a| directory.describe_level(a.level_id))
            .collect();
        remaining.extend(directory.accounts_of(staff).filter(|a| a.disabled_on.is_none()).map(|a| {
            format!("account {} on {}", a.username, directory.system(a.system_id).map_or("?", |s| s.name.as_str()))
        }));
        if !remaining.is_empty() {
            remaining.sort();
            remaining.dedup();
            return Err(ServiceError::refused_by_state(format!(
                "{} still has access: {}; remove it before marking them as left",
                email.trim(),
                remaining.join(", ")
            )));
        }
        let now = self.now();
        let revocation = list
            .time_to_full_revocation(self.time_zone())
            .map_or("unknown".to_owned(), |d| format!("{:.1} h", d.as_secs_f64() / 3600.0));
        let event =
            AuditEvent::new("leaver.finish", format!("staff #{staff} has left; time to full revocation {revocation}"));
        self.record(event, |tx| {
            checklists::set_staff_status(tx, staff, StaffStatus::Left.as_str(), Some(list.key_date))?;
            checklists::finish_checklist(tx, list.id, now)
        })
    }

    // --- devices -----------------------------------------------------------------------------

    pub fn devices(&self) -> ServiceResult<Vec<Device>> {
        Ok(checklists::devices(&self.vault().read())?)
    }

    pub fn add_device(&mut self, kind: &str, serial: &str, model: &str, assign: Option<&str>) -> ServiceResult<i64> {
        let (kind, serial) = (kind.trim(), serial.trim());
        if kind.is_empty() || serial.is_empty() {
            return Err(invalid("a device needs a type and a serial number or asset tag"));
        }
        if self.devices()?.iter().any(|d| d.serial.eq_ignore_ascii_case(serial)) {
            return Err(ServiceError::conflict(format!("there is already a device with serial {serial}")));
        }
        let assigned = assign.map(|email| self.person_id(email)).transpose()?;
        let today = self.today();
        let summary = match assigned {
            Some(staff) => format!("{kind} {serial} registered and issued to staff #{staff}"),
            None => format!("{kind} {serial} registered"),
        };
        self.record(AuditEvent::new("device.add", summary), |tx| {
            checklists::insert_device(tx, kind, model.trim(), serial, assigned, assigned.map(|_| today))
        })
    }

    // --- report ------------------------------------------------------------------------------

    fn leaver_checklist(&self, email: &str) -> ServiceResult<Checklist> {
        self.checklists_of(email)?
            .into_iter()
            .rev()
            .find(|c| c.process == Process::Leaver)
            .ok_or_else(|| ServiceError::not_found(Record::LeaverChecklist, format!("for {}", email.trim())))
    }

    /// The evidence of a person's latest leaver process, as CSV: every item with its outcome,
    /// who did it and when, and the time to full revocation.
    pub fn leaver_report_csv(&self, email: &str) -> ServiceResult<Vec<u8>> {
        self.report_csv(&self.leaver_checklist(email)?)
    }

    /// The report of any joiner, mover or leaver checklist, as CSV.
    pub fn checklist_report_csv(&self, id: ChecklistId) -> ServiceResult<Vec<u8>> {
        self.report_csv(&self.checklist_by_id(id)?)
    }

    /// The report of any joiner, mover or leaver checklist, as PDF.
    pub fn checklist_report_pdf(&self, id: ChecklistId) -> ServiceResult<Vec<u8>> {
        self.report_pdf(&self.checklist_by_id(id)?)
    }

    fn checklist_by_id(&self, id: ChecklistId) -> ServiceResult<Checklist> {
        checklists::checklist(&self.vault().read(), id)?
            .ok_or_else(|| ServiceError::not_found(Record::Checklist, format!("{id}")))
    }

    fn report_csv(&self, list: &Checklist) -> ServiceResult<Vec<u8>> {
        let items = list.items.iter().map(|item| {
            let (by, at, reason) = outcome(&item.state);
            [
                item.id.to_string(),
                item.kind.code().to_owned(),
                item.title.clone(),
                item.due.to_string(),
                item.state.label().to_owned(),
                by,
                at,
                reason,
            ]
        });
        let summary =
            ["", "summary", "time to full revocation", "", &revocation_text(list, self.time_zone()), "", "", ""]
                .map(str::to_owned);
        super::records::csv_bytes(
            &["item", "kind", "task", "due", "outcome", "by", "at", "reason"],
            items.chain(std::iter::once(summary)),
        )
    }

    /// The same evidence as a PDF an auditor can file.
    pub fn leaver_report_pdf(&self, email: &str) -> ServiceResult<Vec<u8>> {
        self.report_pdf(&self.leaver_checklist(email)?)
    }

    fn report_pdf(&self, list: &Checklist) -> ServiceResult<Vec<u8>> {
        let directory = self.directory()?;
        let person = directory
            .person(list.staff_id)
            .ok_or_else(|| ServiceError::not_found(Record::StaffMember, format!("#{}", list.staff_id)))?;
        let process = list.process.label();
        let mut report = PdfReport::new(&format!("{process} report: {}", person.full_name));
        let done = list.items.iter().filter(|i| matches!(i.state, ItemState::Done { .. })).count();
        let skipped = list.items.iter().filter(|i| matches!(i.state, ItemState::Skipped { .. })).count();
        report.facts(&[
            ("Person", format!("{} <{}>", person.full_name, person.email)),
            ("Team", person.team.clone()),
            (if list.process == Process::Leaver { "Last day" } else { "Key date" }, list.key_date.to_string()),
            ("Process started", list.started_at.strftime("%Y-%m-%d %H:%M UTC").to_string()),
            (
                "Finished",
                list.finished_at.map_or("not yet".to_owned(), |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string()),
            ),
            (
                "Items",
                format!("{} ({done} done, {skipped} skipped, {} open)", list.items.len(), list.open_items().count()),
            ),
            ("Time to full revocation", revocation_text(list, self.time_zone())),
            ("Report by", format!("{} at {}", self.operator(), self.now().strftime("%Y-%m-%d %H:%M UTC"))),
        ]);
        report.heading("Every item, its outcome, who and when");
        let rows: Vec<Vec<String>> = list
            .items
            .iter()
            .map(|item| {
                let (by, at, reason) = outcome(&item.state);
                let outcome =
                    if reason.is_empty() { item.state.label().to_owned() } else { format!("skipped: {reason}") };
                vec![
                    item.title.clone(),
                    item.due.to_string(),
                    outcome,
                    by,
                    at.get(..16).unwrap_or(&at).replace('T', " "),
                ]
            })
            .collect();
        report.table(&["Task", "Due", "Outcome", "By", "When (UTC)"], &[78.0, 20.0, 40.0, 16.0, 24.0], &rows);
        report.paragraph(
            "Time to full revocation runs from the start of the last day to the moment the last access item \
             (role, direct grant or account) was closed. Produced by Keyholder from its audited records.",
        );
        Ok(report.finish())
    }
}

/// Close one item; the last one closes a joiner checklist (the person becomes active) or a
/// mover checklist. Leavers are finished explicitly, after the access check.
fn close_item(
    tx: &crate::vault::handle::Write<'_>,
    list: &Checklist,
    item: ItemId,
    state: &ItemState,
    now: jiff::Timestamp,
) -> crate::vault::VaultResult<()> {
    checklists::close_item(tx, item, state)?;
    let last = list.open_items().count() == 1;
    if last && list.process == Process::Joiner {
        checklists::set_staff_status(tx, list.staff_id, StaffStatus::Active.as_str(), None)?;
    }
    if last && list.process != Process::Leaver {
        checklists::finish_checklist(tx, list.id, now)?;
    }
    Ok(())
}

fn outcome(state: &ItemState) -> (String, String, String) {
    match state {
        ItemState::Open => (String::new(), String::new(), String::new()),
        ItemState::Done { by, at } => (by.clone(), at.to_string(), String::new()),
        ItemState::Skipped { by, at, reason } => (by.clone(), at.to_string(), reason.clone()),
    }
}

fn revocation_text(list: &Checklist, zone: &jiff::tz::TimeZone) -> String {
    list.time_to_full_revocation(zone).map_or("not complete".to_owned(), |d| {
        format!("{:.1} hours after the start of the last day", d.as_secs_f64() / 3600.0)
    })
}

impl Office {
    /// The office-wide template items added to every joiner or leaver checklist.
    pub fn templates(&self) -> ServiceResult<Vec<crate::domain::checklist::Template>> {
        Ok(checklists::templates(&self.vault().read())?)
    }

    pub fn add_template(&mut self, process: Process, title: &str, offset_days: i64) -> ServiceResult<i64> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(invalid("a template item needs a title of at most 200 characters"));
        }
        if !(-365..=365).contains(&offset_days) {
            return Err(invalid("the offset must be within a year of the key date"));
        }
        let event = AuditEvent::new("template.add", format!("{process} template item added: {title}"))
            .with_change(None, Some(format!("offset {offset_days} days")));
        self.record(event, |tx| checklists::insert_template(tx, process, title, offset_days))
    }

    pub fn remove_template(&mut self, id: i64) -> ServiceResult<()> {
        let template = self
            .templates()?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| ServiceError::not_found(Record::TemplateItem, format!("#{id}")))?;
        let event = AuditEvent::new(
            "template.remove",
            format!("{} template item removed: {}", template.process, template.title),
        );
        self.record(event, |tx| checklists::delete_template(tx, id))
    }
}
