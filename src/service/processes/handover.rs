//! Handing over a leaver's direct reports and systems: choosing who takes each over (or
//! nobody) sets the manager link or the owner and closes the item, in one audited write.

use super::invalid;
use super::items::close_item;
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::{ItemId, ItemKind, ItemState, check_successor};
use crate::domain::staff::StaffId;
use crate::service::{Office, ServiceResult};
use crate::vault::{checklists, directory};

impl Office {
    /// Do a hand-over item by choosing who takes over: the direct report's new manager, or
    /// the system's new owner; `None` for nobody.
    pub fn hand_over(&mut self, item: ItemId, to: Option<StaffId>) -> ServiceResult<()> {
        let (list, found) = self.open_item(item)?;
        let office = self.directory()?;
        let staff = list.staff_id;
        check_successor(&office, &found.kind, staff, to).map_err(invalid)?;
        let (now, today, by) = (self.now(), self.today(), self.operator().to_string());
        let chosen = to.map_or("nobody".to_owned(), |id| format!("staff #{id}"));
        let (what, before) = match found.kind {
            ItemKind::ChooseManager { report } => {
                let before = office.person(report).and_then(|p| p.manager_id);
                (format!("staff #{report} now reports to {chosen}"), before)
            }
            ItemKind::TransferOwnership { system } => {
                let name = office.system(system).map_or("?", |s| s.name.as_str());
                (format!("{name} now owned by {chosen}"), office.system(system).and_then(|s| s.owner_id))
            }
            _ => return Err(invalid("this item is not done by choosing someone")),
        };
        let event = AuditEvent::new(
            "checklist.done",
            format!("{} item #{} done for staff #{staff}: {what}", list.process, item),
        )
        .with_change(before.map(|id| format!("staff #{id}")), to.map(|id| format!("staff #{id}")))
        .with_personal(staff, found.title.clone());
        self.record(event, |tx| {
            match found.kind {
                ItemKind::ChooseManager { report } => directory::set_manager(tx, report, to)?,
                ItemKind::TransferOwnership { system } => checklists::set_owner(tx, system, to)?,
                _ => {}
            }
            close_item(tx, &list, item, &ItemState::Done { by, at: now, confirmed: None }, now, today)
        })
    }
}
