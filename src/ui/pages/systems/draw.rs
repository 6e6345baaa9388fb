//! Drawing the Systems page: the list and the add form on the left, the selected system's
//! details (name, flags, levels, remove) and who has access to it on the right.

use super::levels::{default_levels, levels_editor};
use super::{NewSystemForm, SystemCommand, SystemsPage};
use crate::domain::system::{System, SystemKind};
use crate::service::counted;
use crate::ui::commands::Command;
use crate::ui::records::Records;
use crate::ui::widgets::style::{State, space, state_label};
use crate::ui::widgets::{Answer, NOTHING_CHANGED, action_button, confirm_dialog, indented, pick_list, text_field};

/// The width of the list on the left; the selected system (or the form to add one) takes the rest.
const LIST_WIDTH: f32 = 300.0;

pub fn ui(ui: &mut egui::Ui, page: &mut SystemsPage, records: &Records, commands: &mut Vec<Command>) {
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(LIST_WIDTH);
            egui::ScrollArea::vertical().id_salt("systems").auto_shrink([false, false]).show(ui, |ui| {
                list_ui(ui, page, records, commands);
            });
        });
        ui.separator();
        ui.vertical(|ui| {
            egui::ScrollArea::vertical().id_salt("system-details").auto_shrink([false, false]).show(ui, |ui| {
                if page.selected.is_some() {
                    selected_ui(ui, page, records, commands);
                } else {
                    add_system_ui(ui, &mut page.new, records, commands);
                }
            });
        });
    });
}

/// Every system with its kind and flags; choosing one shows it on the right.
fn list_ui(ui: &mut egui::Ui, page: &SystemsPage, records: &Records, commands: &mut Vec<Command>) {
    if ui.add_enabled(page.selected.is_some(), egui::Button::new("Add a system…")).clicked() {
        commands.push(SystemCommand::Select(None).into());
    }
    ui.add_space(space::ROW);
    egui::Grid::new("systems-grid").num_columns(2).striped(true).spacing([12.0, 4.0]).show(ui, |ui| {
        ui.strong("System");
        ui.strong("Kind");
        ui.end_row();
        for system in &records.directory.systems {
            let selected = page.selected == Some(system.id);
            let name = ui.selectable_label(selected, &system.name);
            let mut flags = Vec::new();
            if system.customer_data {
                flags.push("customer data");
            }
            if system.mfa_supported {
                flags.push("MFA");
            }
            if system.has_privileged_level() {
                flags.push("privileged levels");
            }
            if name.on_hover_text(flags.join(", ")).clicked() {
                commands.push(SystemCommand::Select(Some(system.id)).into());
            }
            ui.label(system.kind.label());
            ui.end_row();
        }
    });
}

fn add_system_ui(ui: &mut egui::Ui, form: &mut NewSystemForm, records: &Records, commands: &mut Vec<Command>) {
    ui.strong("Add a system");
    text_field(ui, "Name", &mut form.name);
    kind_picker(ui, form);
    levels_editor(ui, "the new system", &mut form.levels, &records.directory);
    indented(ui, |ui| {
        ui.checkbox(&mut form.customer_data, "Holds personal or customer data");
    });
    indented(ui, |ui| {
        // A key or an alarm code has no second factor to turn on.
        if form.kind == SystemKind::Physical {
            form.mfa = false;
        } else {
            ui.checkbox(&mut form.mfa, "Supports MFA");
        }
    });
    indented(ui, |ui| {
        if action_button(ui, "Add system", form.name.trim().is_empty().then_some("Give it a name first.")) {
            commands.push(SystemCommand::Add.into());
        }
    });
}

fn kind_picker(ui: &mut egui::Ui, form: &mut NewSystemForm) {
    let kinds: Vec<(&str, &str)> = SystemKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect();
    let mut chosen = form.kind.as_str().to_owned();
    if pick_list(ui, "Kind", &mut chosen, &kinds, None) {
        let before = form.kind;
        form.kind = SystemKind::ALL.into_iter().find(|k| k.as_str() == chosen).unwrap_or(before);
        // Levels nobody has changed follow the kind (an alarm code has holders, not admins).
        if form.levels == default_levels(before) {
            form.levels = default_levels(form.kind);
        }
    }
}

fn selected_ui(ui: &mut egui::Ui, page: &mut SystemsPage, records: &Records, commands: &mut Vec<Command>) {
    let directory = &records.directory;
    let Some(system) = page.selected.and_then(|s| directory.system(s)) else {
        ui.weak("Choose a system to see who has access, or to change or remove it.");
        return;
    };
    ui.heading(&system.name);
    ui.weak(describe(system));
    if system.customer_data {
        state_label(ui, State::Attention, "Holds personal or customer data");
    }
    details_ui(ui, page, system, records, commands);
    ui.add_space(space::BLOCK);
    holders_ui(ui, page, system, records);
}

fn details_ui(
    ui: &mut egui::Ui,
    page: &mut SystemsPage,
    system: &System,
    records: &Records,
    commands: &mut Vec<Command>,
) {
    let edit = &mut page.edit;
    text_field(ui, "System name", &mut edit.name);
    indented(ui, |ui| {
        ui.checkbox(&mut edit.customer_data, "Customer data");
        ui.checkbox(&mut edit.mfa, "MFA supported");
    });
    pick_list(ui, "Owner", &mut edit.owner, &records.staying, Some("Nobody"));
    indented(ui, |ui| ui.weak("Who answers for it; a leaver's checklist hands it over to someone staying."));
    levels_editor(ui, &system.name, &mut edit.levels, &records.directory);
    let changed = edit.changed(system);
    indented(ui, |ui| {
        if action_button(ui, "Save changes", (!changed).then_some(NOTHING_CHANGED)) {
            commands.push(SystemCommand::Save(system.id).into());
        }
    });
    ui.add_space(space::ROW);
    indented(ui, |ui| {
        let in_use = (!edit.uses.is_empty()).then(|| format!("Still in use: {}.", edit.uses.join(", ")));
        if action_button(ui, "Remove system…", in_use.as_deref()) {
            commands.push(SystemCommand::AskRemove(true).into());
        }
    });
    if edit.confirm_remove {
        let what_happens = [
            format!("{} and its levels are removed from Keyholder.", system.name),
            "Nobody holds it and nothing refers to it; the audit log keeps the record of it.".to_owned(),
        ];
        match confirm_dialog(ui.ctx(), &format!("Remove {}?", system.name), &what_happens, "Remove it") {
            Some(Answer::Confirm) => commands.push(SystemCommand::Remove(system.id).into()),
            Some(Answer::Cancel) => commands.push(SystemCommand::AskRemove(false).into()),
            None => {}
        }
    }
}

/// "Software · levels user, admin (privileged) · customer data · MFA".
fn describe(system: &System) -> String {
    let levels: Vec<String> = system
        .levels
        .iter()
        .map(|l| if l.privileged { format!("{} (privileged)", l.name) } else { l.name.clone() })
        .collect();
    let mut parts = vec![system.kind.label().to_owned(), format!("levels {}", levels.join(", "))];
    if system.mfa_supported {
        parts.push("supports MFA".to_owned());
    }
    parts.join(" · ")
}

fn holders_ui(ui: &mut egui::Ui, page: &SystemsPage, system: &System, records: &Records) {
    let directory = &records.directory;
    ui.strong(format!("Who has access to {}", system.name));
    let holders = &page.holders;
    let people: std::collections::HashSet<_> = holders.iter().map(|a| a.staff_id).collect();
    ui.weak(match people.len() {
        0 => "Nobody has access.".to_owned(),
        n => format!("{} with access.", counted(n, "person", "people")),
    });
    for access in holders {
        let (Some(person), Some((_, level))) = (directory.person(access.staff_id), directory.level(access.level_id))
        else {
            continue;
        };
        ui.horizontal(|ui| {
            ui.label(&person.full_name);
            if level.privileged {
                ui.colored_label(State::Attention.color(ui), &level.name);
            } else {
                ui.label(&level.name);
            }
            ui.weak(directory.describe_source(access.source));
        });
    }
}
