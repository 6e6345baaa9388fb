//! Systems: everything access is given to, with customer-data and privileged flags, who has
//! access to the selected one (and at which level, and why), a form to add one, and the
//! selected one's name, flags and levels to change, or the system to remove. The page's state
//! and commands, and the writes; `draw` draws it and `levels` is the levels editor.

mod draw;
mod levels;

use crate::domain::access::Access;
use crate::domain::level_changes::LevelEdit;
use crate::domain::system::{SystemId, SystemKind};
use crate::service::{ServiceResult, SystemChange, new_system};
use crate::ui::commands::{Command, Outcome};
use crate::ui::pages::Context;
use crate::ui::records::Records;
use levels::default_levels;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SystemCommand {
    Select(Option<SystemId>),
    Add,
    Save(SystemId),
    /// Open (true) or close the dialog that asks before removing the selected system.
    AskRemove(bool),
    Remove(SystemId),
}

impl From<SystemCommand> for Command {
    fn from(command: SystemCommand) -> Self {
        Command::Systems(command)
    }
}

/// A new system being added.
#[derive(Debug)]
pub struct NewSystemForm {
    pub name: String,
    pub kind: SystemKind,
    /// Least access first.
    pub levels: Vec<LevelEdit>,
    pub customer_data: bool,
    pub mfa: bool,
}

impl Default for NewSystemForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            kind: SystemKind::Software,
            levels: default_levels(SystemKind::Software),
            customer_data: false,
            mfa: false,
        }
    }
}

/// The selected system as it is being changed.
#[derive(Debug, Default)]
pub struct SystemEdit {
    pub name: String,
    pub customer_data: bool,
    pub mfa: bool,
    pub levels: Vec<LevelEdit>,
    /// The owner's staff id as the pick-list holds it ("" for nobody).
    pub owner: String,
    /// What stops it being removed (roles, grants, accounts, secrets), read on selection.
    pub uses: Vec<String>,
    pub confirm_remove: bool,
}

#[derive(Default)]
pub struct SystemsPage {
    pub selected: Option<SystemId>,
    /// Who has access to the selected system, sorted by name.
    pub holders: Vec<Access>,
    pub new: NewSystemForm,
    pub edit: SystemEdit,
}

impl SystemsPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
        draw::ui(ui, self, records, commands);
    }

    /// Show one system, with its name, flags and levels ready to change.
    pub fn select(&mut self, id: Option<SystemId>, records: &Records) {
        self.select_only(id, records);
        self.edit = SystemEdit::default();
        if let Some(system) = id.and_then(|s| records.directory.system(s)) {
            self.edit.name = system.name.clone();
            self.edit.customer_data = system.customer_data;
            self.edit.mfa = system.mfa_supported;
            self.edit.levels = system.levels.iter().map(LevelEdit::from_stored).collect();
            self.edit.owner = system.owner_id.map(|id| id.to_string()).unwrap_or_default();
            self.edit.uses = uses_of(records, system.id);
        }
    }

    /// After the office was read again: the selected system as it now is (or none, if removed).
    pub fn reloaded(&mut self, records: &Records) {
        let still_there = self.selected.filter(|s| records.directory.system(*s).is_some());
        self.select(still_there, records);
    }

    /// Select a system and work out its holders once (not on every frame).
    fn select_only(&mut self, id: Option<SystemId>, records: &Records) {
        self.selected = id;
        let directory = &records.directory;
        self.holders = id.map(|s| directory.holders_of(s, records.today)).unwrap_or_default();
        self.holders.sort_by_key(|a| directory.person(a.staff_id).map(|p| p.full_name.to_lowercase()));
    }

    pub fn apply(&mut self, command: SystemCommand, cx: &mut Context<'_>) -> Outcome {
        match command {
            SystemCommand::Select(id) => {
                self.select(id, cx.records);
                Outcome::SHOWN
            }
            SystemCommand::Add => Outcome::Written(self.add(cx).map(Some)),
            SystemCommand::Save(id) => Outcome::Written(self.save(id, cx).map(Some)),
            SystemCommand::AskRemove(open) => {
                self.edit.confirm_remove = open;
                Outcome::SHOWN
            }
            SystemCommand::Remove(id) => {
                self.edit.confirm_remove = false;
                let name = self.edit.name.clone();
                Outcome::Written(cx.office.remove_system(id).map(|()| Some(format!("{name} removed."))))
            }
        }
    }

    fn add(&mut self, cx: &mut Context<'_>) -> ServiceResult<String> {
        let form = &mut self.new;
        let names: Vec<&str> = form.levels.iter().map(|l| l.name.trim()).filter(|n| !n.is_empty()).collect();
        let privileged: Vec<&str> = form.levels.iter().filter(|l| l.privileged).map(|l| l.name.trim()).collect();
        let (levels, privileged) = (names.join(","), privileged.join(","));
        let system = new_system(&form.name, form.kind.as_str(), &levels, &privileged, form.customer_data, form.mfa)?;
        cx.office.add_system(system)?;
        let name = form.name.trim().to_owned();
        // The next system starts from nothing: no kind, flag or level carried over by mistake.
        *form = NewSystemForm::default();
        Ok(format!("System {name} added."))
    }

    /// Save the name, flags and levels: each part that changed is its own audited change.
    fn save(&mut self, id: SystemId, cx: &mut Context<'_>) -> ServiceResult<String> {
        let edit = &self.edit;
        let change = SystemChange {
            name: edit.name.clone(),
            customer_data: edit.customer_data,
            mfa: edit.mfa,
            levels: edit.levels.clone(),
            owner: edit.owner.parse().ok(),
        };
        cx.office.change_system(id, &change)?;
        Ok(format!("{} saved.", edit.name.trim()))
    }
}

/// What stops a system being removed, from the office as read after the last write: the same
/// roles, grants, accounts and shared secrets `Office::remove_system` checks.
fn uses_of(records: &Records, system: SystemId) -> Vec<String> {
    let mut uses = records.directory.uses_of_system(system);
    uses.extend(
        records
            .secrets
            .iter()
            .filter(|s| s.secret.system_id == Some(system))
            .map(|s| format!("shared secret {}", s.secret.name)),
    );
    uses
}

impl SystemEdit {
    /// Whether anything differs from the stored system.
    pub fn changed(&self, system: &crate::domain::system::System) -> bool {
        let levels: Vec<LevelEdit> = system.levels.iter().map(LevelEdit::from_stored).collect();
        self.name.trim() != system.name
            || self.customer_data != system.customer_data
            || self.mfa != system.mfa_supported
            || self.owner.parse().ok() != system.owner_id
            || self
                .levels
                .iter()
                .map(|l| (l.id, l.name.trim(), l.privileged))
                .ne(levels.iter().map(|l| (l.id, l.name.as_str(), l.privileged)))
    }
}
