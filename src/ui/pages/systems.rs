//! Systems: everything access is given to, with customer-data and privileged flags, who has
//! access to the selected one (and at which level, and why), and a form to add one.

use crate::ui::commands::Command;
use crate::ui::records::Records;
use crate::ui::widgets::{indented, text_field};

pub fn ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    ui.columns(2, |columns| {
        list_ui(&mut columns[0], records, commands);
        holders_ui(&mut columns[1], records, commands);
    });
}

fn list_ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical().id_salt("systems").show(ui, |ui| {
        egui::Grid::new("systems-grid").num_columns(4).striped(true).spacing([12.0, 4.0]).show(ui, |ui| {
            ui.strong("System");
            ui.strong("Kind");
            ui.strong("Levels");
            ui.strong("Flags");
            ui.end_row();
            for system in &records.directory.systems {
                let selected = records.selected_system == Some(system.id);
                if ui.selectable_label(selected, &system.name).clicked() {
                    commands.push(Command::SelectSystem(Some(system.id)));
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
        add_system_ui(ui, records, commands);
    });
}

fn add_system_ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    let forms = &mut records.forms;
    ui.strong("Add a system");
    text_field(ui, "Name", &mut forms.system_name);
    text_field(ui, "Kind", &mut forms.system_kind);
    text_field(ui, "Levels (least first)", &mut forms.system_levels);
    text_field(ui, "Privileged levels", &mut forms.system_privileged);
    indented(ui, |ui| {
        ui.checkbox(&mut forms.system_customer_data, "Holds personal or customer data");
    });
    indented(ui, |ui| {
        ui.checkbox(&mut forms.system_mfa, "Supports MFA");
    });
    indented(ui, |ui| {
        if ui.add_enabled(!forms.system_name.trim().is_empty(), egui::Button::new("Add system")).clicked() {
            commands.push(Command::AddSystem);
        }
    });
}

fn holders_ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    let directory = &records.directory;
    let Some(system) = records.selected_system.and_then(|s| directory.system(s)) else {
        ui.weak("Choose a system to see who has access.");
        return;
    };
    ui.heading(format!("Who has access to {}", system.name));
    if system.customer_data {
        ui.colored_label(ui.visuals().warn_fg_color, "Holds personal or customer data");
    }
    ui.horizontal(|ui| {
        ui.checkbox(&mut records.forms.system_edit_customer_data, "Customer data");
        ui.checkbox(&mut records.forms.system_edit_mfa, "MFA supported");
        let changed = records.forms.system_edit_customer_data != system.customer_data
            || records.forms.system_edit_mfa != system.mfa_supported;
        if ui.add_enabled(changed, egui::Button::new(format!("Save {}", system.name))).clicked() {
            commands.push(Command::SaveSystem(system.id));
        }
    });
    let holders = &records.system_holders;
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
