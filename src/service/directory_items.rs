//! Checklist items done in a connected directory: the preview of the exact operations (nothing
//! changed), and doing them: each change made, the account read back, and only a confirmed
//! change lets the item close. Every attempt is audited with its result; a failure leaves the
//! item open with the server's reason in plain words.

use super::{Office, ServiceError, ServiceResult};
use crate::connector::ldap::Session;
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::{Item, ItemId, ItemKind};
use crate::domain::directory_change::{self, DirectoryPlan, account_of, is_connected, unconfirmed};
use crate::domain::linked_directory::DirectoryMap;
use crate::domain::staff::StaffId;
use crate::vault::linked_directories::{self, DirectoryRow};
use serde::Serialize;

/// What ticking a connected item would do, read from the directory now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectoryPreview {
    pub directory: String,
    /// The person's account there ("sam"), when they have one.
    pub account: Option<String>,
    /// The exact operations, in order; empty when the directory already shows it done.
    pub operations: Vec<String>,
}

impl Office {
    /// The directory that does `kind`, with its map: the first whose mapping covers it.
    fn directory_doing(&self, kind: &ItemKind) -> ServiceResult<Option<(DirectoryRow, DirectoryMap)>> {
        let record = self.directory()?;
        let read = self.vault().read();
        for directory in linked_directories::all(&read)? {
            let map = linked_directories::map(&read, &directory)?;
            if is_connected(kind, &map, &record) {
                return Ok(Some((directory, map)));
            }
        }
        Ok(None)
    }

    /// Whether ticking `item` makes a change in a directory (and which).
    pub fn item_directory(&self, item: ItemId) -> ServiceResult<Option<String>> {
        let (_, found) = self.open_item(item)?;
        Ok(self.directory_doing(&found.kind)?.map(|(directory, _)| directory.name))
    }

    /// What confirmed a done item, when a directory did ("confirmed by the directory … at …").
    pub fn item_confirmation(&self, item: ItemId) -> ServiceResult<Option<String>> {
        let (_, found) = self.any_item(item)?;
        Ok(match found.state {
            crate::domain::checklist::ItemState::Done { confirmed, .. } => confirmed,
            _ => None,
        })
    }

    /// Read the person's account and work out the changes.
    fn plan_in(
        &self,
        session: &mut Session,
        directory: &DirectoryRow,
        map: &DirectoryMap,
        staff: StaffId,
        kind: &ItemKind,
    ) -> ServiceResult<DirectoryPlan> {
        let manual = linked_directories::matches(&self.vault().read(), directory.id)?;
        let accounts = session.read_accounts()?;
        let record = self.directory()?;
        let account = account_of(staff, &accounts, &manual, &record);
        directory_change::plan(kind, staff, account, map, &record, self.today()).map_err(ServiceError::refused_by_state)
    }

    /// The operations ticking `item` would send, read from the directory now; `None` for an
    /// item no directory does. Changes nothing (`keyholder checklist done ITEM --dry-run`).
    pub fn preview_item(&self, item: ItemId) -> ServiceResult<Option<DirectoryPreview>> {
        let (list, found) = self.open_item(item)?;
        let Some((directory, map)) = self.directory_doing(&found.kind)? else {
            return Ok(None);
        };
        let mut session = self.connect(&directory)?;
        let plan = self.plan_in(&mut session, &directory, &map, list.staff_id, &found.kind);
        session.close();
        let plan = plan?;
        Ok(Some(DirectoryPreview {
            operations: plan.changes.iter().map(|c| c.operation(directory.kind)).collect(),
            account: plan.account.map(|a| a.username),
            directory: directory.name,
        }))
    }

    /// Do `item` in its directory, if one does it: make each change, read the account back,
    /// and return the confirmation to keep with the tick. Audited either way; an error leaves
    /// the item open (the caller has not closed it yet).
    pub(super) fn do_in_directory(&mut self, staff: StaffId, item: &Item) -> ServiceResult<Option<String>> {
        let Some((directory, map)) = self.directory_doing(&item.kind)? else {
            return Ok(None);
        };
        let mut session = self.connect(&directory)?;
        let result = self.change_and_read_back(&mut session, &directory, &map, staff, item);
        session.close();
        let summary = |outcome: &str| format!("directory {}: checklist item #{} {outcome}", directory.name, item.id);
        match result {
            Ok(operations) => {
                let at = self.time_zone().to_datetime(self.now()).strftime("%H:%M").to_string();
                let confirmed = format!("confirmed by the directory {} at {at}", directory.name);
                let event = AuditEvent::new("directory.write", summary(&confirmed))
                    .with_personal(staff, described(&item.title, &operations));
                self.record(event, |_| Ok(()))?;
                Ok(Some(confirmed))
            }
            Err((operations, error)) => {
                let event = AuditEvent::new("directory.write", summary(&format!("failed, left open: {error}")))
                    .with_personal(staff, described(&item.title, &operations));
                self.record(event, |_| Ok(()))?;
                Err(error)
            }
        }
    }

    /// The operations made (all, or up to the failure) and the outcome.
    fn change_and_read_back(
        &self,
        session: &mut Session,
        directory: &DirectoryRow,
        map: &DirectoryMap,
        staff: StaffId,
        item: &Item,
    ) -> Result<Vec<String>, (Vec<String>, ServiceError)> {
        let plan = self.plan_in(session, directory, map, staff, &item.kind).map_err(|e| (Vec::new(), e))?;
        let mut made = Vec::new();
        for change in &plan.changes {
            session.apply(change).map_err(|e| (made.clone(), e.into()))?;
            made.push(change.operation(directory.kind));
        }
        let Some(account) = plan.account else {
            return Ok(made);
        };
        let read_back = session.read_account(&account.dn).map_err(|e| (made.clone(), e.into()))?;
        let not_taken = match &read_back {
            Some(read_back) => unconfirmed(&plan.changes, read_back, directory.kind),
            None => vec![format!("{} is no longer there to read back", account.dn)],
        };
        if not_taken.is_empty() {
            return Ok(made);
        }
        Err((
            made,
            ServiceError::refused_by_state(format!(
                "the directory does not show the change made, so the item stays open: {}",
                not_taken.join("; ")
            )),
        ))
    }
}

/// The item and its operations, for the personal part of the audit record.
fn described(title: &str, operations: &[String]) -> String {
    if operations.is_empty() {
        format!("{title}: nothing to change, the directory already shows it")
    } else {
        format!("{title}: {}", operations.join("; "))
    }
}
