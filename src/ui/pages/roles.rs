//! Roles: named bundles of access and their members. Editing a role shows who would gain or
//! lose what before the change is applied.

use crate::ui::commands::Command;
use crate::ui::records::Records;
use crate::ui::widgets::{indented, text_field};

pub fn ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical().id_salt("roles").show(ui, |ui| {
        let directory = &records.directory;
        egui::Grid::new("roles-grid").num_columns(4).striped(true).spacing([16.0, 4.0]).show(ui, |ui| {
            ui.strong("Role");
            ui.strong("Gives");
            ui.strong("Members");
            ui.label("");
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
                if ui.button(format!("Edit {}", role.name)).clicked() {
                    commands.push(Command::EditRole(Some(role.id)));
                }
                ui.end_row();
            }
        });
        edit_ui(ui, records, commands);
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

fn edit_ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    let directory = &records.directory;
    let forms = &mut records.forms;
    let Some(role) = forms.editing_role.and_then(|r| directory.role(r)) else { return };
    ui.add_space(12.0);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.strong(format!("What role {} gives", role.name));
        for system in &directory.systems {
            ui.horizontal(|ui| {
                ui.add_sized([180.0, 18.0], egui::Label::new(&system.name).truncate());
                for level in &system.levels {
                    let mut ticked = forms.pending_levels.contains(&level.id);
                    let text = format!("{} {}", system.name, level.name);
                    if ui.checkbox(&mut ticked, &level.name).on_hover_text(&text).changed() {
                        if ticked {
                            forms.pending_levels.push(level.id);
                        } else {
                            forms.pending_levels.retain(|l| *l != level.id);
                        }
                        commands.push(Command::PreviewRole);
                    }
                }
            });
        }
        if let Some(preview) = &records.role_preview {
            ui.add_space(6.0);
            if preview.is_empty() {
                ui.weak("Nobody's access changes.");
            } else {
                ui.label(format!("{} people affected:", preview.len()));
            }
            let describe = |pairs: &[(i64, i64)]| directory.describe_pairs(pairs);
            for (staff, diff) in preview.iter().take(20) {
                let name = directory.person(*staff).map_or("?", |p| p.full_name.as_str());
                let mut line = name.to_owned();
                if !diff.gained.is_empty() {
                    line.push_str(&format!(" gains {}", describe(&diff.gained)));
                }
                if !diff.lost.is_empty() {
                    line.push_str(&format!(" loses {}", describe(&diff.lost)));
                }
                ui.label(line);
            }
            if preview.len() > 20 {
                ui.weak(format!("… and {} more", preview.len() - 20));
            }
        }
        ui.horizontal(|ui| {
            if ui.button("Apply role change").clicked() {
                commands.push(Command::SaveRole);
            }
            if ui.button("Cancel editing").clicked() {
                commands.push(Command::EditRole(None));
            }
        });
    });
}
