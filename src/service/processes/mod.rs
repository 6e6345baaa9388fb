//! Joiners and leavers as tracked checklists: starting them and finishing a leaver after the
//! access check. Ticking items, devices, reports and template items are in the modules below.

mod devices;
mod handover;
mod items;
mod reports;
mod templates;

use super::lookup::role_named;
use super::{Office, Record, ServiceError, ServiceResult};
use crate::domain::access::RoleId;
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::{Checklist, ChecklistId, ItemState, Process, joiner_items, leaver_items};
use crate::domain::staff::{StaffDraft, StaffId, StaffStatus, parse_date};
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
        let roles: Vec<RoleId> =
            joiner.roles.iter().map(|name| role_named(&directory, name).map(|r| r.id)).collect::<ServiceResult<_>>()?;
        let templates = checklists::templates(&self.vault().read())?;
        let obligations = self.obligations_of(&staff.team, joiner.roles)?;
        let items = joiner_items(&directory, &roles, start, &templates, &obligations);
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
        // Someone still to start cannot leave before they begin (one already working may be
        // recorded with any last day, a late record included).
        if let Some(start) =
            person.start_date.filter(|start| person.status == StaffStatus::Joining && last_day < *start)
        {
            return Err(invalid(format!(
                "{} starts on {start}: their last day cannot come before their first",
                person.full_name
            )));
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

    /// Joiners whose checklist is done become active on their start date, not before: run at
    /// each sign-in (like lapsing grants). Returns how many became active.
    pub fn activate_started_joiners(&mut self) -> ServiceResult<usize> {
        let today = self.today();
        // The database finds them: this runs at every sign-in, and an office always has people
        // joining whose checklist is not done yet.
        let ready = directory::joiners_ready(&self.vault().read(), today)?;
        for &person in &ready {
            let event = AuditEvent::new("staff.active", format!("staff #{person} started today"));
            self.record(event, |tx| checklists::set_staff_status(tx, person, StaffStatus::Active.as_str(), None))?;
        }
        Ok(ready.len())
    }

    /// Put a finished checklist away from the current list; audited.
    pub fn archive_checklist(&mut self, id: ChecklistId) -> ServiceResult<()> {
        let list = checklists::checklist(&self.vault().read(), id)?
            .ok_or_else(|| ServiceError::not_found(Record::Checklist, format!("{id}")))?;
        if list.finished_at.is_none() {
            return Err(ServiceError::refused_by_state("only a finished checklist can be archived"));
        }
        let (staff, now) = (list.staff_id, self.now());
        let event =
            AuditEvent::new("checklist.archive", format!("{} checklist of staff #{staff} archived", list.process));
        self.record(event, |tx| checklists::archive(tx, id, now))
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
            .time_to_full_revocation(self.time_zone(), self.closing_time()?)
            .map_or("unknown".to_owned(), |d| format!("{:.1} h", d.as_secs_f64() / 3600.0));
        // Their other processes (a role change, a review's removals) have nothing left to do.
        let others: Vec<Checklist> = checklists::checklists_of(&self.vault().read(), staff)?
            .into_iter()
            .filter(|c| c.id != list.id && c.finished_at.is_none())
            .collect();
        let closed = others.iter().map(|c| c.open_items().count()).sum::<usize>();
        let mut summary = format!("staff #{staff} has left; time to full revocation {revocation}");
        if !others.is_empty() {
            summary.push_str(&format!("; {} other checklist(s) closed ({closed} open item(s) skipped)", others.len()));
        }
        let event = AuditEvent::new("leaver.finish", summary);
        let by = self.operator().to_string();
        self.record(event, |tx| {
            checklists::set_staff_status(tx, staff, StaffStatus::Left.as_str(), Some(list.key_date))?;
            for other in &others {
                for item in other.open_items() {
                    let reason = format!("no longer needed: they left on {}", list.key_date);
                    let state = ItemState::Skipped { by: by.clone(), at: now, reason };
                    checklists::close_item(tx, item.id, &state)?;
                }
                checklists::finish_checklist(tx, other.id, now)?;
            }
            checklists::finish_checklist(tx, list.id, now)
        })
    }
}
