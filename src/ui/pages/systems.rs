//! Systems: everything access is given to, with customer-data and privileged flags, who has
//! access to the selected one (and at which level, and why), and a form to add one. The page's
//! state, commands, drawing and writes.

use crate::domain::access::Access;
use crate::domain::system::SystemId;
use crate::service::{ServiceResult, new_system};
use crate::ui::commands::{Command, Outcome};
use crate::ui::pages::Context;
use crate::ui::records::Records;
use crate::ui::widgets::{NOTHING_CHANGED, action_button, indented, text_field};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SystemCommand {
    Select(Option<SystemId>),
    Add,
    Save(SystemId),
}

impl From<SystemCommand> for Command {
    fn from(command: SystemCommand) -> Self {
        Command::Systems(command)
    }
}

/// Text typed on the Systems page: a new system, and the selected one's flags.
#[derive(Debug)]
pub struct SystemForms {
    pub name: String,
    pub kind: String,
    pub levels: String,
    pub privileged: String,
    pub customer_data: bool,
    pub mfa: bool,
    pub edit_customer_data: bool,
    pub edit_mfa: bool,
}

impl Default for SystemForms {
    fn default() -> Self {
        Self {
            name: String::new(),
            kind: "software".into(),
            levels: "user,admin".into(),
            privileged: "admin".into(),
            customer_data: false,
            mfa: false,
            edit_customer_data: false,
            edit_mfa: false,
        }
    }
}

#[derive(Default)]
pub struct SystemsPage {
    pub selected: Option<SystemId>,
    /// Who has access to the selected system, sorted by name.
    pub holders: Vec<Access>,
    pub forms: SystemForms,
}

impl SystemsPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
        ui.columns(2, |columns| {
            list_ui(&mut columns[0], self, records, commands);
            holders_ui(&mut columns[1], self, records, commands);
        });
    }

    /// Show one system, with its flags ready to edit.
    pub fn select(&mut self, id: Option<SystemId>, records: &Records) {
        self.select_only(id, records);
        if let Some(system) = id.and_then(|s| records.directory.system(s)) {
            self.forms.edit_customer_data = system.customer_data;
            self.forms.edit_mfa = system.mfa_supported;
        }
    }

    /// After the office was read again: the selected system's holders as they now are.
    pub fn reloaded(&mut self, records: &Records) {
        self.select_only(self.selected, records);
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
            SystemCommand::Save(id) => {
                let Some(found) = cx.records.directory.system(id) else { return Outcome::Written(Ok(None)) };
                let name = found.name.clone();
                let saved = cx.office.set_system_flags(id, self.forms.edit_customer_data, self.forms.edit_mfa);
                Outcome::Written(saved.map(|()| Some(format!("{name} saved."))))
            }
        }
    }

    fn add(&mut self, cx: &mut Context<'_>) -> ServiceResult<String> {
        let forms = &mut self.forms;
        let system =
            new_system(&forms.name, &forms.kind, &forms.levels, &forms.privileged, forms.customer_data, forms.mfa)?;
        cx.office.add_system(system)?;
        let name = std::mem::take(&mut forms.name);
        Ok(format!("System {} added.", name.trim()))
    }
}

fn list_ui(ui: &mut egui::Ui, page: &mut SystemsPage, records: &Records, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical().id_salt("systems").show(ui, |ui| {
        egui::Grid::new("systems-grid").num_columns(4).striped(true).spacing([12.0, 4.0]).show(ui, |ui| {
            ui.strong("System");
            ui.strong("Kind");
            ui.strong("Levels");
            ui.strong("Flags");
            ui.end_row();
            for system in &records.directory.systems {
                let selected = page.selected == Some(system.id);
                if ui.selectable_label(selected, &system.name).clicked() {
                    commands.push(SystemCommand::Select(Some(system.id)).into());
                }
                ui.label(system.kind.label());
                let levels: Vec<String> = system
                    .levels
                    .iter()
                    .map(|l| if l.privileged { format!("{} (privileged)", l.name) } else { l.name.clone() })
                    .collect();
                ui.label(levels.join(", "));
                let mut flags = Vec::new();
                if system.customer_data {
                    flags.push("customer data");
                }
                if system.mfa_supported {
                    flags.push("MFA");
                }
                ui.label(flags.join(", "));
                ui.end_row();
            }
        });
        ui.add_space(12.0);
        add_system_ui(ui, &mut page.forms, commands);
    });
}

fn add_system_ui(ui: &mut egui::Ui, forms: &mut SystemForms, commands: &mut Vec<Command>) {
    ui.strong("Add a system");
    text_field(ui, "Name", &mut forms.name);
    text_field(ui, "Kind", &mut forms.kind);
    text_field(ui, "Levels (least first)", &mut forms.levels);
    text_field(ui, "Privileged levels", &mut forms.privileged);
    indented(ui, |ui| {
        ui.checkbox(&mut forms.customer_data, "Holds personal or customer data");
    });
    indented(ui, |ui| {
        ui.checkbox(&mut forms.mfa, "Supports MFA");
    });
    indented(ui, |ui| {
        if action_button(ui, "Add system", forms.name.trim().is_empty().then_some("Give it a name first.")) {
            commands.push(SystemCommand::Add.into());
        }
    });
}

fn holders_ui(ui: &mut egui::Ui, page: &mut SystemsPage, records: &Records, commands: &mut Vec<Command>) {
    let directory = &records.directory;
    let Some(system) = page.selected.and_then(|s| directory.system(s)) else {
        ui.weak("Choose a system to see who has access.");
        return;
    };
    ui.heading(format!("Who has access to {}", system.name));
    if system.customer_data {
        ui.colored_label(ui.visuals().warn_fg_color, "Holds personal or customer data");
    }
    ui.horizontal(|ui| {
        ui.checkbox(&mut page.forms.edit_customer_data, "Customer data");
        ui.checkbox(&mut page.forms.edit_mfa, "MFA supported");
        let changed =
            page.forms.edit_customer_data != system.customer_data || page.forms.edit_mfa != system.mfa_supported;
        if action_button(ui, &format!("Save {}", system.name), (!changed).then_some(NOTHING_CHANGED)) {
            commands.push(SystemCommand::Save(system.id).into());
        }
    });
    let holders = &page.holders;
    ui.weak(format!("{} grant(s)", holders.len()));
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical().id_salt("holders").show_rows(ui, row_height, holders.len(), |ui, range| {
        for access in &holders[range] {
            let (Some(person), Some((_, level))) =
                (directory.person(access.staff_id), directory.level(access.level_id))
            else {
                continue;
            };
            ui.horizontal(|ui| {
                ui.label(&person.full_name);
                if level.privileged {
                    ui.colored_label(ui.visuals().warn_fg_color, &level.name);
                } else {
                    ui.label(&level.name);
                }
                ui.weak(directory.describe_source(access.source));
            });
        }
    });
}
