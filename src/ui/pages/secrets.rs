//! Shared secrets: which are due and why, who could know each, reveal for 30 seconds, copy
//! (the clipboard is cleared after the policy's time if it still holds the secret), rotate with a
//! generated or typed value, mark as possibly compromised, and add new ones.

use crate::ui::commands::Command;
use crate::ui::records::Records;
use crate::ui::totp::TotpView;
use crate::ui::widgets::{Policy, indented, password_field, strength_meter, text_field};

pub fn ui(ui: &mut egui::Ui, records: &mut Records, totp: &mut TotpView, commands: &mut Vec<Command>) {
    ui.columns(2, |columns| {
        list_ui(&mut columns[0], records, commands);
        egui::ScrollArea::vertical().id_salt("secret-detail").show(&mut columns[1], |ui| {
            detail_ui(ui, records, commands);
            if let Some(id) = records.selected_secret {
                ui.add_space(8.0);
                crate::ui::totp::secret_ui(ui, totp, id, commands);
            }
        });
    });
}

fn list_ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical().id_salt("secrets").show(ui, |ui| {
        let today = records.today;
        egui::Grid::new("secrets-grid").num_columns(3).striped(true).spacing([12.0, 4.0]).show(ui, |ui| {
            ui.strong("Secret");
            ui.strong("Last changed");
            ui.strong("Due");
            ui.end_row();
            for status in &records.secrets {
                let selected = records.selected_secret == Some(status.secret.id);
                if ui.selectable_label(selected, &status.secret.name).clicked() {
                    commands.push(Command::SelectSecret(Some(status.secret.id)));
                }
                ui.label(status.secret.last_rotated.to_string());
                match (status.due(), status.described.first()) {
                    // Short here; the full reasons are on the secret's page.
                    (Some(due), Some(_)) if due <= today => {
                        ui.colored_label(ui.visuals().error_fg_color, "now");
                    }
                    (Some(due), Some(_)) => {
                        ui.colored_label(ui.visuals().warn_fg_color, format!("by {due}"));
                    }
                    _ => {
                        ui.weak("not due");
                    }
                }
                ui.end_row();
            }
        });
        ui.add_space(12.0);
        let rule = records.secret_policy(&records.forms.secret_system);
        let forms = &mut records.forms;
        ui.strong("Add a shared secret");
        text_field(ui, "Secret name", &mut forms.secret_name);
        text_field(ui, "Secret's system", &mut forms.secret_system);
        text_field(ui, "Username", &mut forms.secret_username);
        password_field(ui, "Value", forms.secret_value.expose_mut());
        if !forms.secret_value.is_empty() {
            strength_meter(ui, forms.secret_value.expose(), Policy::Shared(&[forms.secret_name.trim()], rule));
        }
        text_field(ui, "Change every (days)", &mut forms.secret_interval);
        indented(ui, |ui| {
            if ui.button("Generate value").clicked() {
                commands.push(Command::GenerateNewSecret);
            }
            let ready = !forms.secret_name.trim().is_empty() && !forms.secret_value.is_empty();
            if ui.add_enabled(ready, egui::Button::new("Add secret")).clicked() {
                commands.push(Command::AddSecret);
            }
        });
    });
}

fn detail_ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    let Some(status) = records.selected_secret.and_then(|id| records.secrets.iter().find(|s| s.secret.id == id)) else {
        ui.weak("Choose a secret to see who could know it and to rotate it.");
        return;
    };
    let id = status.secret.id;
    ui.heading(&status.secret.name);
    egui::Grid::new("secret-fields").num_columns(2).spacing([16.0, 4.0]).show(ui, |ui| {
        ui.label("System");
        ui.label(status.system.clone().unwrap_or_default());
        ui.end_row();
        ui.label("Username");
        ui.label(&status.secret.username);
        ui.end_row();
        ui.label("Last changed");
        ui.label(status.secret.last_rotated.to_string());
        ui.end_row();
        ui.label("Rotation");
        ui.label(status.secret.interval_days.map_or("when needed".to_owned(), |d| format!("every {d} days")));
        ui.end_row();
    });
    for reason in &status.described {
        ui.colored_label(ui.visuals().warn_fg_color, format!("Due: {reason}"));
    }
    ui.horizontal(|ui| {
        match &records.revealed {
            Some((revealed, value, _)) if *revealed == id => {
                ui.label(egui::RichText::new(value.expose()).monospace().strong());
                if ui.button("Hide").clicked() {
                    commands.push(Command::HideSecret);
                }
            }
            _ => {
                ui.label("••••••••••");
                if ui.button("Reveal for 30 s").clicked() {
                    commands.push(Command::RevealSecret(id));
                }
            }
        }
        if ui
            .button("Copy")
            .on_hover_text("Cleared from the clipboard after the time set in Settings (policies), if it is still there")
            .clicked()
        {
            commands.push(Command::CopySecret(id));
        }
    });
    ui.add_space(8.0);
    ui.strong("Who could know it");
    for (name, _, why) in &records.secret_holders {
        ui.label(format!("{name}: {why}"));
    }
    ui.add_space(8.0);
    ui.strong("Rotate");
    let rule = records.secret_policy(status.system.as_deref().unwrap_or_default());
    let forms = &mut records.forms;
    generator_ui(ui, forms);
    password_field(ui, "New value", forms.rotate_value.expose_mut());
    if !forms.rotate_value.is_empty() {
        strength_meter(ui, forms.rotate_value.expose(), Policy::Shared(&[status.secret.name.as_str()], rule));
    }
    indented(ui, |ui| {
        if ui.button("Generate new value").clicked() {
            commands.push(Command::GenerateRotation);
        }
        if ui.add_enabled(!forms.rotate_value.is_empty(), egui::Button::new("Rotate now")).clicked() {
            commands.push(Command::RotateSecret(id));
        }
    });
    if !forms.rotate_value.is_empty() {
        indented(ui, |ui| ui.weak("Set the new value in the system first, then rotate here."));
    }
    ui.add_space(8.0);
    text_field(ui, "Why it may be compromised", &mut forms.compromise_note);
    indented(ui, |ui| {
        if ui
            .add_enabled(!forms.compromise_note.trim().is_empty(), egui::Button::new("Mark as possibly compromised"))
            .clicked()
        {
            commands.push(Command::MarkCompromised(id));
        }
    });
}

/// Length and character sets for generated values.
fn generator_ui(ui: &mut egui::Ui, forms: &mut crate::ui::records::RecordForms) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Generated length");
        ui.add(egui::DragValue::new(&mut forms.generator_length).range(8..=128)).labelled_by(label.id);
        let sets = &mut forms.generator_sets;
        ui.checkbox(&mut sets.lower, "a-z");
        ui.checkbox(&mut sets.upper, "A-Z");
        ui.checkbox(&mut sets.digits, "0-9");
        ui.checkbox(&mut sets.symbols, "Symbols");
        ui.checkbox(&mut sets.exclude_ambiguous, "Leave out look-alikes (0/O, 1/l)");
    });
}
