//! Ticking and skipping checklist items: each tick has its effect on the record (a role or
//! grant removed, an account disabled, a device returned) in the same transaction.

use super::invalid;
use crate::domain::access::Source;
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::{Checklist, ItemId, ItemKind, ItemState, Process};
use crate::domain::staff::StaffStatus;
use crate::service::{Office, Record, ServiceError, ServiceResult};
use crate::vault::policies;
use crate::vault::{checklists, directory};

impl Office {
    /// An open item and its checklist.
    pub(in crate::service) fn open_item(
        &self,
        item: ItemId,
    ) -> ServiceResult<(Checklist, crate::domain::checklist::Item)> {
        let (list, found) = self.any_item(item)?;
        if found.state.is_closed() {
            return Err(ServiceError::refused_by_state(format!("item {item} is already {}", found.state.label())));
        }
        Ok((list, found))
    }

    /// An item, open or closed, and its checklist.
    pub(in crate::service) fn any_item(
        &self,
        item: ItemId,
    ) -> ServiceResult<(Checklist, crate::domain::checklist::Item)> {
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
        Ok((list, found))
    }

    /// Tick an item: its effect on the record happens in the same transaction (removing a
    /// role, revoking a grant, disabling an account, recording a returned device…). An item a
    /// connected directory does is done there first and read back (see `directory_items`).
    pub fn complete_item(&mut self, item: ItemId) -> ServiceResult<()> {
        let (list, found) = self.open_item(item)?;
        if let ItemKind::RotateSecret { .. } = found.kind {
            return Err(ServiceError::refused_by_state(
                "this item is done by rotating the secret (keyholder secret rotate NAME, or Rotate on its page)",
            ));
        }
        // A plain tick hands over to nobody; the checklist's row offers who takes over.
        if found.kind.hands_over() {
            return self.hand_over(item, None);
        }
        let (now, today, by) = (self.now(), self.today(), self.operator().to_string());
        let staff = list.staff_id;
        if let ItemKind::ReviewRemove { level, grants, .. } | ItemKind::ReviewReduce { level, grants, .. } = &found.kind
        {
            self.check_review_revocation(staff, *level, grants)?;
        }
        // In a connected directory the tick does the change, and closes only once it is read back.
        let confirmed = self.do_in_directory(staff, &found)?;
        // One email, not the whole office: a tick is the most frequent write there is.
        let username = directory::staff_email(&self.vault().read(), staff)?
            .map(|email| email.split('@').next().unwrap_or_default().to_owned())
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
                // Ticked: acknowledged (the current version) or completed today.
                ItemKind::AcknowledgePolicy { policy } => {
                    let current = policies::policies(tx)?
                        .into_iter()
                        .find(|p| p.name.eq_ignore_ascii_case(policy))
                        .and_then(|p| p.current().map(|v| v.id));
                    if let Some(version) = current {
                        policies::acknowledge(tx, version, staff, today, &by)?;
                    }
                }
                ItemKind::CompleteTraining { course } => {
                    let found = policies::courses(tx)?.into_iter().find(|c| c.name.eq_ignore_ascii_case(course));
                    if let Some(course) = found {
                        let new =
                            policies::NewCompletion { course: course.id, staff, on: today, certificate: None, by: &by };
                        policies::record_completion(tx, &new)?;
                    }
                }
                ItemKind::IssueDevices
                | ItemKind::TransferOwnership { .. }
                | ItemKind::ChooseManager { .. }
                | ItemKind::Template { .. }
                | ItemKind::RotateSecret { .. }
                | ItemKind::EnrolAuthenticator
                | ItemKind::AddAccess { .. }
                | ItemKind::RemoveAccess { .. } => {}
            }
            close_item(
                tx,
                &list,
                found.id,
                &ItemState::Done { by: by.clone(), at: now, confirmed: confirmed.clone() },
                now,
                today,
            )
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

    /// Take a tick or a skip back while the process is not finished. A tick that changed the
    /// record (a role removed, an account made) is refused: that change is undone on its page.
    /// A hand-over is reopened to be chosen again; the manager or owner stays until then.
    pub fn reopen_item(&mut self, item: ItemId) -> ServiceResult<()> {
        let (list, found) = self.any_item(item)?;
        if list.finished_at.is_some() {
            return Err(ServiceError::refused_by_state("the checklist is finished: its items can no longer change"));
        }
        match &found.state {
            ItemState::Open => return Err(ServiceError::refused_by_state(format!("{} is still to do", found.title))),
            // A hand-over has no other place to change it: it is taken back to choose again.
            ItemState::Done { .. } if found.kind.changes_record() && !found.kind.hands_over() => {
                return Err(ServiceError::refused_by_state(format!(
                    "ticking \"{}\" changed the office record; undo that change where it was made",
                    found.title
                )));
            }
            ItemState::Done { .. } | ItemState::Skipped { .. } => {}
        }
        let staff = list.staff_id;
        let event = AuditEvent::new(
            "checklist.reopen",
            format!("{} item #{} reopened for staff #{staff}", list.process, found.id),
        )
        .with_personal(staff, found.title.clone());
        self.record(event, |tx| checklists::close_item(tx, item, &ItemState::Open))
    }

    /// Skip an item; a reason is required and kept.
    pub fn skip_item(&mut self, item: ItemId, reason: &str) -> ServiceResult<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(invalid("skipping an item needs a reason"));
        }
        let (list, found) = self.open_item(item)?;
        let (now, today, by) = (self.now(), self.today(), self.operator().to_string());
        let staff = list.staff_id;
        let event = AuditEvent::new(
            "checklist.skip",
            format!("{} item #{} skipped for staff #{staff}", list.process, found.id),
        )
        .with_personal(staff, format!("{}; reason: {reason}", found.title));
        self.record(event, |tx| {
            close_item(tx, &list, found.id, &ItemState::Skipped { by, at: now, reason: reason.to_owned() }, now, today)
        })
    }
}

/// Close one item; the last one closes a joiner checklist (the person becomes active, or on
/// their start date if that is later: see [`Office::activate_started_joiners`]) or a mover
/// checklist. Leavers are finished explicitly, after the access check.
pub(super) fn close_item(
    tx: &crate::vault::handle::Write<'_>,
    list: &Checklist,
    item: ItemId,
    state: &ItemState,
    now: jiff::Timestamp,
    today: jiff::civil::Date,
) -> crate::vault::VaultResult<()> {
    checklists::close_item(tx, item, state)?;
    let last = list.open_items().count() == 1;
    if last && list.process == Process::Joiner && list.key_date <= today {
        checklists::set_staff_status(tx, list.staff_id, StaffStatus::Active.as_str(), None)?;
    }
    if last && list.process != Process::Leaver {
        checklists::finish_checklist(tx, list.id, now)?;
    }
    Ok(())
}
