//! Changes made in a connected directory: a checklist item done there (the preview of the exact
//! operations, then doing them) and a drift finding put right. Each change is made, the account
//! read back, and only a confirmed change closes the item. Every attempt is audited with its
//! result; a failure leaves the item open with the server's reason in plain words.

use super::{Office, ServiceError, ServiceResult};
use crate::connector::Connection;
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::{Item, ItemId, ItemKind, ItemState};
use crate::domain::directory_change::{self, Change, DirectoryPlan, account_of, fix_for, is_connected, unconfirmed};
use crate::domain::linked_directory::{DirectoryKind, DirectoryMap, Finding};
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
    /// The same, as the office manager reads them.
    pub in_words: Vec<String>,
    /// What the item also takes away that the directory does not give ("Building keys
    /// (holder)"): done by hand before ticking it.
    pub outside: Vec<String>,
}

/// The operations made (all, or those before a failure) and the outcome.
type Attempt = Result<Vec<String>, (Vec<String>, ServiceError)>;

impl Office {
    /// The directory that does `kind`, with its map: the first whose mapping covers it.
    fn directory_doing(&self, kind: &ItemKind) -> ServiceResult<Option<(DirectoryRow, DirectoryMap)>> {
        // A suite checked from its export cannot be changed from here: its items stay ticks.
        let live: Vec<_> =
            self.directories_with_maps()?.into_iter().filter(|(directory, _)| !directory.is_from_export()).collect();
        if live.is_empty() {
            // Most offices connect none: then a tick does not read the whole office for it.
            return Ok(None);
        }
        let record = self.directory()?;
        Ok(live.into_iter().find(|(_, map)| is_connected(kind, map, &record)))
    }

    /// Every directory with how it maps onto systems (the Directories page).
    pub fn directories_with_maps(&self) -> ServiceResult<Vec<(DirectoryRow, DirectoryMap)>> {
        let read = self.vault().read();
        let mut all = Vec::new();
        for directory in linked_directories::all(&read)? {
            let map = linked_directories::map(&read, &directory)?;
            all.push((directory, map));
        }
        Ok(all)
    }

    /// What confirmed a done item, when a directory did ("confirmed by the directory … at …").
    pub fn item_confirmation(&self, item: ItemId) -> ServiceResult<Option<String>> {
        let (_, found) = self.any_item(item)?;
        Ok(match found.state {
            ItemState::Done { confirmed, .. } => confirmed,
            _ => None,
        })
    }

    /// Read the person's account and work out the changes.
    fn plan_in(
        &self,
        session: &mut dyn Connection,
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
        let plan = self.plan_in(session.as_mut(), &directory, &map, list.staff_id, &found.kind);
        session.close();
        let plan = plan?;
        let account = plan.account.map(|a| a.username);
        let name = account.as_deref().unwrap_or("the account");
        let outside = directory_change::outside_directory(&found.kind, &map, &self.directory()?);
        Ok(Some(DirectoryPreview {
            outside,
            operations: plan.changes.iter().map(|c| c.operation(directory.kind)).collect(),
            in_words: plan.changes.iter().map(|c| c.in_words(name)).collect(),
            account,
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
        let attempt = match self.plan_in(session.as_mut(), &directory, &map, staff, &item.kind) {
            Ok(plan) => {
                let dn = plan.account.as_ref().map(|a| a.dn.as_str());
                apply_and_confirm(session.as_mut(), directory.kind, &plan.changes, dn)
            }
            Err(error) => Err((Vec::new(), error)),
        };
        session.close();
        let subject = format!("checklist item #{}", item.id);
        self.audit_write(&directory, &subject, Some((staff, item.title.as_str())), attempt).map(Some)
    }

    /// Put a drift finding right in the directory (see [`fix_for`]), read it back, and return
    /// the confirmation. Audited either way.
    pub fn fix_finding(&mut self, name: &str, finding: &Finding) -> ServiceResult<String> {
        let directory = self.directory_named(name)?;
        let change = fix_for(finding).ok_or_else(|| {
            ServiceError::refused_by_state("Keyholder does not create accounts: create it in the directory itself")
        })?;
        let mut session = self.connect(&directory)?;
        let attempt = apply_and_confirm(
            session.as_mut(),
            directory.kind,
            std::slice::from_ref(&change),
            finding.account_dn.as_deref(),
        );
        session.close();
        let account = finding.account.clone().unwrap_or_default();
        let subject = format!("drift fixed ({})", finding.kind.as_str());
        match finding.staff_id {
            Some(staff) => self.audit_write(&directory, &subject, Some((staff, &change.in_words(&account))), attempt),
            // An account that belongs to no one on record: there is no one to purge it with.
            None => self.audit_write(&directory, &format!("{subject}: {}", change.in_words(&account)), None, attempt),
        }
    }

    /// Audit an attempt: its summary says which directory, what for and the outcome; the
    /// operations (which name the person) go in the person's encrypted part.
    pub(super) fn audit_write(
        &mut self,
        directory: &DirectoryRow,
        subject: &str,
        personal: Option<(StaffId, &str)>,
        attempt: Attempt,
    ) -> ServiceResult<String> {
        let (made, failure) = match attempt {
            Ok(made) => (made, None),
            Err((made, error)) => (made, Some(error)),
        };
        let at = self.time_zone().to_datetime(self.now()).strftime("%H:%M").to_string();
        let confirmed = format!("confirmed by the directory {} at {at}", directory.name);
        let outcome = match &failure {
            None => confirmed.clone(),
            Some(error) => format!("failed, left as it was on record: {error}"),
        };
        let mut event =
            AuditEvent::new("directory.write", format!("directory {}: {subject} {outcome}", directory.name));
        if let Some((staff, what)) = personal {
            event = event.with_personal(staff, described(what, &made));
        }
        self.record(event, |_| Ok(()))?;
        match failure {
            None => Ok(confirmed),
            Some(error) => Err(error),
        }
    }
}

/// Make `changes` to the account `dn` and read it back: every change must show.
fn apply_and_confirm(
    session: &mut dyn Connection,
    kind: DirectoryKind,
    changes: &[Change],
    dn: Option<&str>,
) -> Attempt {
    let mut made = Vec::new();
    for change in changes {
        session.apply(change).map_err(|e| (made.clone(), e.into()))?;
        made.push(change.operation(kind));
    }
    let Some(dn) = dn else { return Ok(made) };
    let read_back = session.read_account(dn).map_err(|e| (made.clone(), e.into()))?;
    let not_taken = match &read_back {
        Some(read_back) => unconfirmed(changes, read_back, kind),
        None => vec![format!("{dn} is no longer there to read back")],
    };
    if not_taken.is_empty() {
        return Ok(made);
    }
    let error = ServiceError::refused_by_state(format!(
        "the directory does not show the change made, so nothing is recorded as done: {}",
        not_taken.join("; ")
    ));
    Err((made, error))
}

/// What was asked and the operations made, for the personal part of the audit record.
fn described(what: &str, operations: &[String]) -> String {
    if operations.is_empty() {
        format!("{what}: nothing to change, the directory already shows it")
    } else {
        format!("{what}: {}", operations.join("; "))
    }
}
