//! The Shared secrets page as drawn: the list and the form to add one, and the selected
//! secret's page (reveal, copy, who could know it, rotate, compromised, its authenticator).

use super::{Generator, SecretAuthenticator, SecretCommand, SecretsPage};
use crate::ui::commands::Command;
use crate::ui::records::Records;
use crate::ui::widgets::style::{State, size, space};
use crate::ui::widgets::{
    Policy, action_button, indented, pick_list, secret_value_field, strength_meter, table, text_field,
    visible_secret_field,
};

pub fn ui(ui: &mut egui::Ui, page: &mut SecretsPage, records: &Records, commands: &mut Vec<Command>) {
    ui.columns(2, |columns| {
        list_ui(&mut columns[0], page, records, commands);
        egui::ScrollArea::vertical().id_salt("secret-detail").show(&mut columns[1], |ui| {
            detail_ui(ui, page, records, commands);
            if let Some(id) = page.selected {
                ui.add_space(space::ROW);
                authenticator_ui(ui, &mut page.authenticator, id, commands);
            }
        });
    });
}

fn list_ui(ui: &mut egui::Ui, page: &mut SecretsPage, records: &Records, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical().id_salt("secrets").show(ui, |ui| {
        let today = records.today;
        table(ui, "secrets-grid", &["Secret", "Last changed", "Due"], |ui| {
            for status in &records.secrets {
                let selected = page.selected == Some(status.secret.id);
                if ui.selectable_label(selected, &status.secret.name).clicked() {
                    commands.push(SecretCommand::Select(Some(status.secret.id)).into());
                }
                ui.label(status.secret.last_rotated.to_string());
                match (status.due(), status.described.first()) {
                    // Short here; the full reasons are on the secret's page.
                    (Some(due), Some(_)) if due <= today => {
                        ui.colored_label(State::Problem.color(ui), "now");
                    }
                    (Some(due), Some(_)) => {
                        ui.colored_label(State::Attention.color(ui), format!("by {due}"));
                    }
                    _ => {
                        ui.weak("not due");
                    }
                }
                ui.end_row();
            }
        });
        ui.add_space(space::BLOCK);
        let forms = &mut page.forms;
        let rule = records.secret_policy(&forms.secret_system);
        ui.strong("Add a shared secret");
        text_field(ui, "Secret name", &mut forms.secret_name);
        pick_list(ui, "Secret's system", &mut forms.secret_system, &records.systems, Some("No system"));
        text_field(ui, "Username", &mut forms.secret_username);
        secret_value_field(ui, "Value", forms.secret_value.expose_mut(), &mut forms.show_value);
        let acceptable =
            strength_meter(ui, forms.secret_value.expose(), Policy::Shared(&[forms.secret_name.trim()], rule));
        pick_list(ui, "Change it", &mut forms.secret_interval, &super::rotation::INTERVALS, Some("No reminder"));
        indented(ui, |ui| {
            if ui.button("Generate value").clicked() {
                commands.push(SecretCommand::GenerateNew.into());
            }
            let why_not = if forms.secret_name.trim().is_empty() {
                Some("Give it a name first.")
            } else if forms.secret_value.is_empty() {
                Some("Type or generate its value first.")
            } else {
                (!acceptable).then_some("The value is not accepted yet: see the line under it.")
            };
            if action_button(ui, "Add secret", why_not) {
                commands.push(SecretCommand::Add.into());
            }
        });
    });
}

fn detail_ui(ui: &mut egui::Ui, page: &mut SecretsPage, records: &Records, commands: &mut Vec<Command>) {
    let Some(status) = page.selected.and_then(|id| records.secrets.iter().find(|s| s.secret.id == id)) else {
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
        ui.label("Next change due");
        ui.label(status.secret.interval_due().map_or("only when needed".to_owned(), |d| format!("by {d}")));
        ui.end_row();
    });
    super::rotation::interval_ui(ui, &mut page.forms.interval, status, commands);
    for reason in &status.described {
        ui.colored_label(State::Attention.color(ui), format!("Due: {reason}"));
    }
    ui.horizontal(|ui| {
        match &page.revealed {
            Some((revealed, value, _)) if *revealed == id => {
                ui.label(egui::RichText::new(value.expose()).monospace().strong());
                if let Some(left) = page.reveal_left_secs {
                    ui.weak(format!("hidden again in {left} s"));
                }
                if ui.button("Hide").clicked() {
                    commands.push(SecretCommand::Hide.into());
                }
            }
            _ => {
                ui.label("••••••••••");
                if ui.button("Reveal for 30 s").clicked() {
                    commands.push(SecretCommand::Reveal(id).into());
                }
            }
        }
        if ui
            .button("Copy")
            .on_hover_text("Cleared from the clipboard after the time set in Settings (policies), if it is still there")
            .clicked()
        {
            commands.push(SecretCommand::Copy(id).into());
        }
    });
    ui.add_space(space::ROW);
    ui.strong("Who could know it");
    if page.holders.is_empty() {
        ui.weak("Nobody on record.");
    }
    for holder in &page.holders {
        ui.label(format!("{}: {}", holder.name, holder.reasons.join("; ")));
    }
    ui.add_space(space::ROW);
    ui.strong("Rotate");
    let rule = records.secret_policy(status.system.as_deref().unwrap_or_default());
    let forms = &mut page.forms;
    generator_ui(ui, &mut page.generator);
    secret_value_field(ui, "New value", forms.rotate_value.expose_mut(), &mut forms.show_rotate_value);
    let acceptable =
        strength_meter(ui, forms.rotate_value.expose(), Policy::Shared(&[status.secret.name.as_str()], rule));
    indented(ui, |ui| {
        if ui.button("Generate new value").clicked() {
            commands.push(SecretCommand::GenerateRotation.into());
        }
        let why_not = if forms.rotate_value.is_empty() {
            Some("Type or generate the new value first.")
        } else {
            (!acceptable).then_some("The new value is not accepted yet: see the line under it.")
        };
        if action_button(ui, "Rotate now", why_not) {
            commands.push(SecretCommand::Rotate(id).into());
        }
    });
    indented(ui, |ui| ui.weak("Set the new value in the system first, then rotate here."));
    if let Some(warning) = page.rotate_warning.as_ref().filter(|w| w.secret == id) {
        let access = status.system.as_deref().unwrap_or("what it protects");
        super::rotation::warning_ui(ui.ctx(), warning, access, records.today, commands);
    }
    ui.add_space(space::ROW);
    text_field(ui, "Why it may be compromised", &mut forms.compromise_note);
    indented(ui, |ui| {
        let why_not = forms.compromise_note.trim().is_empty().then_some("Say why first.");
        if action_button(ui, "Mark as possibly compromised", why_not) {
            commands.push(SecretCommand::MarkCompromised(id).into());
        }
    });
}

/// Length and character sets for generated values.
fn generator_ui(ui: &mut egui::Ui, generator: &mut Generator) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Generated length");
        ui.add(egui::DragValue::new(&mut generator.length).range(8..=128)).labelled_by(label.id);
        let sets = &mut generator.sets;
        ui.checkbox(&mut sets.lower, "a-z");
        ui.checkbox(&mut sets.upper, "A-Z");
        ui.checkbox(&mut sets.digits, "0-9");
        ui.checkbox(&mut sets.symbols, "Symbols");
        ui.checkbox(&mut sets.exclude_ambiguous, "Leave out look-alikes (0/O, 1/l)");
    });
}

/// A shared account's authenticator code on the secret's page.
fn authenticator_ui(ui: &mut egui::Ui, view: &mut SecretAuthenticator, secret: i64, commands: &mut Vec<Command>) {
    ui.strong("Authenticator code");
    if view.with_totp.contains(&secret) {
        ui.horizontal(|ui| {
            match (&view.code, view.now) {
                (Some((id, code, until)), Some(now)) if *id == secret => {
                    let left = now.duration_until(*until).as_secs().max(0);
                    ui.label(egui::RichText::new(code).monospace().size(size::KEY).strong());
                    ui.label(format!("valid for {left} s"));
                }
                _ => {
                    if ui.button("Show code").clicked() {
                        commands.push(SecretCommand::ShowCode(secret).into());
                    }
                }
            }
            if ui.button("Copy code").on_hover_text("Cleared from the clipboard like the password").clicked() {
                commands.push(SecretCommand::CopyCode(secret).into());
            }
        });
    } else {
        ui.weak("None. Paste the account's otpauth:// link or its key, or give a picture of its QR code.");
    }
    visible_secret_field(ui, "Authenticator link or key", view.uri.expose_mut());
    ui.horizontal(|ui| {
        let target = crate::ui::file_dialog::FileTarget::QrPicture;
        crate::ui::file_dialog::path_field(
            ui,
            "or QR picture file",
            "/path/to/qr.png",
            &mut view.image,
            target,
            commands,
        );
    });
    indented(ui, |ui| {
        let missing = view.uri.expose().trim().is_empty() && view.image.trim().is_empty();
        if action_button(
            ui,
            "Attach authenticator",
            missing.then_some("Paste the link or choose the QR picture first."),
        ) {
            commands.push(SecretCommand::AttachAuthenticator(secret).into());
        }
    });
}
