//! Systems: everything access is given to, with customer-data and privileged flags, who has
//! access to the selected one (and at which level, and why), and a form to add one. The page's
//! state, commands, drawing and writes.

use crate::domain::access::Access;
use crate::domain::system::{SystemId, SystemKind};
use crate::service::{ServiceResult, new_system};
use crate::ui::commands::{Command, Outcome};
use crate::ui::pages::Context;
use crate::ui::records::Records;
use crate::ui::widgets::{NOTHING_CHANGED, action_button, field_label, indented, text_field};

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
    pub kind: SystemKind,
    /// The levels, least first: a name and whether it is privileged.
    pub levels: Vec<(String, bool)>,
    pub customer_data: bool,
    pub mfa: bool,
    pub edit_customer_data: bool,
    pub edit_mfa: bool,
}

impl Default for SystemForms {
    fn default() -> Self {
        Self {
            name: String::new(),
            kind: SystemKind::Software,
            levels: default_levels(SystemKind::Software),
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
        let names: Vec<&str> = forms.levels.iter().map(|(name, _)| name.trim()).filter(|n| !n.is_empty()).collect();
        let privileged: Vec<&str> =
            forms.levels.iter().filter(|(_, privileged)| *privileged).map(|(name, _)| name.trim()).collect();
        let (levels, privileged) = (names.join(","), privileged.join(","));
        let system =
            new_system(&forms.name, forms.kind.as_str(), &levels, &privileged, forms.customer_data, forms.mfa)?;
        cx.office.add_system(system)?;
        let name = std::mem::take(&mut forms.name);
        forms.levels = default_levels(forms.kind);
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
    kind_picker(ui, forms);
    levels_editor(ui, &mut forms.levels);
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

/// The levels a new system of this kind starts with; the operator can change them.
fn default_levels(kind: SystemKind) -> Vec<(String, bool)> {
    match kind {
        SystemKind::Software => vec![("user".into(), false), ("admin".into(), true)],
        SystemKind::SharedAccount => vec![("user".into(), false)],
        SystemKind::Physical => vec![("holder".into(), false)],
    }
}

fn kind_picker(ui: &mut egui::Ui, forms: &mut SystemForms) {
    ui.horizontal(|ui| {
        let label = field_label(ui, "Kind");
        let before = forms.kind;
        egui::ComboBox::from_id_salt("system-kind")
            .selected_text(forms.kind.label())
            .width(200.0)
            .show_ui(ui, |ui| {
                for kind in SystemKind::ALL {
                    ui.selectable_value(&mut forms.kind, kind, kind.label());
                }
            })
            .response
            .labelled_by(label.id);
        // Levels nobody has changed follow the kind (an alarm code has holders, not admins).
        if forms.kind != before && forms.levels == default_levels(before) {
            forms.levels = default_levels(forms.kind);
        }
    });
}

/// The levels of a new system, least access first: a name, a "privileged" tick, and remove.
fn levels_editor(ui: &mut egui::Ui, levels: &mut Vec<(String, bool)>) {
    let mut remove = None;
    indented(ui, |ui| ui.weak("Levels of access, the least first:"));
    for (index, (name, privileged)) in levels.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            let label = field_label(ui, &format!("Level {}", index + 1));
            ui.add(egui::TextEdit::singleline(name).desired_width(160.0)).labelled_by(label.id);
            ui.checkbox(privileged, "Privileged")
                .on_hover_text("Administrator-like access: reviews ask for a reason to keep it");
            if ui.small_button("Remove").on_hover_text(format!("Remove the level {name}")).clicked() {
                remove = Some(index);
            }
        });
    }
    if let Some(index) = remove.filter(|_| levels.len() > 1) {
        levels.remove(index);
    }
    indented(ui, |ui| {
        if ui.small_button("Add a level").clicked() {
            levels.push((String::new(), false));
        }
    });
}
