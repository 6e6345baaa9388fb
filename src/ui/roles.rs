//! Roles: named bundles of access, their members, and a form to add one.

use super::commands::Command;
use super::records::Records;
use super::widgets::{indented, text_field};

pub fn ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical().id_salt("roles").show(ui, |ui| {
        let directory = &records.directory;
        egui::Grid::new("roles-grid").num_columns(3).striped(true).spacing([16.0, 4.0]).show(ui, |ui| {
            ui.strong("Role");
            ui.strong("Gives");
            ui.strong("Members");
            ui.end_row();
            for role in &directory.roles {
                ui.label(&role.name);
                let gives: Vec<String> = role
                    .levels
                    .iter()
                    .filter_map(|l| directory.level(*l))
                    .map(|(s, l)| {
                        if l.privileged {
                            format!("{} ({}, privileged)", s.name, l.name)
                        } else {
                            format!("{} ({})", s.name, l.name)
                        }
                    })
                    .collect();
                ui.add(egui::Label::new(gives.join(", ")).wrap());
                ui.label(directory.members_of(role.id).count().to_string());
                ui.end_row();
            }
        });
        ui.add_space(12.0);
        let forms = &mut records.forms;
        ui.strong("Add a role");
        text_field(ui, "Name", &mut forms.role_name);
        text_field(ui, "Gives (SYSTEM:LEVEL, …)", &mut forms.role_grants);
        indented(ui, |ui| {
            if ui.add_enabled(!forms.role_name.trim().is_empty(), egui::Button::new("Add role")).clicked() {
                commands.push(Command::AddRole);
            }
        });
    });
}
