//! Joiners & leavers: the processes in progress, one checklist at a time, starting a joiner,
//! the items added to every checklist and the device register. This module holds the page's
//! state and commands; `lists` and `checklist` draw it, `apply` carries it out.

mod apply;
mod checklist;
mod lists;

use crate::domain::access::RoleId;
use crate::domain::checklist::{ChecklistId, ItemId};
use crate::domain::staff::StaffId;
use crate::ui::commands::Command;
use crate::ui::records::Records;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessCommand {
    Open(Option<ChecklistId>),
    /// Ask before an item that cannot be undone (`None`: not now).
    ConfirmItem(Option<ItemId>),
    CompleteItem(ItemId),
    /// Read what ticking a connected item would send to its directory, to show it first.
    PreviewInDirectory(ItemId),
    /// Do a connected item in its directory, read it back, then tick it.
    CompleteInDirectory(ItemId),
    ClosePreview,
    /// Do a hand-over item by choosing who takes over (`None`: nobody).
    HandOver(ItemId, Option<StaffId>),
    /// Open (or, with `None`, close) the reason field of the item about to be skipped.
    StartSkip(Option<ItemId>),
    SkipItem(ItemId),
    /// Take a tick or a skip back.
    ReopenItem(ItemId),
    Archive(ChecklistId),
    FinishLeaver(StaffId),
    StartJoiner,
    AddDevice,
    AddTemplate,
    RemoveTemplate(i64),
    SaveReport(ChecklistId),
}

impl From<ProcessCommand> for Command {
    fn from(command: ProcessCommand) -> Self {
        Command::Processes(command)
    }
}

/// Text typed on the Joiners & leavers pages.
#[derive(Debug, Default)]
pub struct ProcessForms {
    pub joiner_name: String,
    pub joiner_email: String,
    pub joiner_team: String,
    pub joiner_manager: String,
    pub joiner_start: String,
    pub joiner_roles: Vec<RoleId>,
    pub skip_reason: String,
    pub device_kind: String,
    pub device_serial: String,
    pub device_model: String,
    pub device_assign: String,
    pub template_title: String,
    pub template_leaver: bool,
    pub template_offset: i64,
    pub report_path: String,
}

#[derive(Default)]
pub struct ProcessesPage {
    pub selected: Option<ChecklistId>,
    /// An irreversible item waiting for "Yes, do it".
    pub confirm_item: Option<ItemId>,
    /// The item whose reason for skipping is being typed, in its own row.
    pub skipping: Option<ItemId>,
    /// What a connected item would send to its directory, waiting for "Yes, do it".
    pub directory_preview: Option<(ItemId, crate::service::DirectoryPreview)>,
    pub forms: ProcessForms,
}

impl ProcessesPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
        match self.selected {
            Some(id) => checklist::ui(ui, self, records, id, commands),
            None => lists::ui(ui, &mut self.forms, records, commands),
        }
    }

    /// After the office was read again: a confirmation asked before is dropped.
    pub fn reloaded(&mut self) {
        self.confirm_item = None;
        self.skipping = None;
        self.directory_preview = None;
    }
}
