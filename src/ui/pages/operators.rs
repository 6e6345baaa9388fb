//! Operators: who may use Keyholder (each with their own login), adding and removing them,
//! changing your own password and "remember on this computer".

use crate::ui::commands::Command;
use crate::ui::shell::{ShellData, ShellForms};
use crate::ui::totp::TotpView;
use crate::ui::widgets::{Policy, indented, password_field, strength_meter, text_field};

pub fn ui(
    ui: &mut egui::Ui,
    data: &ShellData,
    forms: &mut ShellForms,
    totp: &mut TotpView,
    me: &str,
    commands: &mut Vec<Command>,
) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.weak("Everyone who uses Keyholder signs in as themselves; logins are never shared.");
        ui.add_space(6.0);
        egui::Grid::new("operators").num_columns(3).striped(true).spacing([24.0, 6.0]).show(ui, |ui| {
            ui.strong("Name");
            ui.strong("Since");
            ui.label("");
            ui.end_row();
            for operator in &data.operators {
                ui.label(&operator.name);
                ui.label(operator.created_at.get(..10).unwrap_or(&operator.created_at));
                if operator.name == me {
                    ui.weak("(you)");
                } else if ui.button(format!("Remove {}", operator.name)).clicked() {
                    commands.push(Command::AskRemoveOperator(Some(operator.name.clone())));
                }
                ui.end_row();
            }
        });
        confirm_removal(ui, forms, commands);

        ui.add_space(16.0);
        ui.strong("Add an operator");
        text_field(ui, "Name", &mut forms.new_operator);
        password_field(ui, "Their password", forms.new_operator_password.expose_mut());
        let strong = strength_meter(ui, forms.new_operator_password.expose(), Policy::Operator(&[forms.new_operator.trim(), "keyholder"]));
        password_field(ui, "Confirm their password", forms.new_operator_confirm.expose_mut());
        let ready = strong && !forms.new_operator.trim().is_empty() && forms.new_operator_password == forms.new_operator_confirm;
        indented(ui, |ui| {
            if ui.add_enabled(ready, egui::Button::new("Add operator")).clicked() {
                commands.push(Command::AddOperator);
            }
        });

        ui.add_space(16.0);
        ui.strong("Change your password");
        password_field(ui, "Current password", forms.current_password.expose_mut());
        password_field(ui, "New password", forms.new_password.expose_mut());
        let strong = strength_meter(ui, forms.new_password.expose(), Policy::Operator(&[me, "keyholder"]));
        password_field(ui, "Confirm new password", forms.confirm_password.expose_mut());
        let ready = strong && !forms.current_password.is_empty() && forms.new_password == forms.confirm_password;
        indented(ui, |ui| {
            if ui.add_enabled(ready, egui::Button::new("Change password")).clicked() {
                commands.push(Command::ChangePassword);
            }
        });

        ui.add_space(16.0);
        ui.strong("This computer");
        let mut remembered = data.remembered;
        if ui
            .checkbox(&mut remembered, "Remember my key on this computer (OS keyring)")
            .on_hover_text("Sign in here without typing your password. Anyone who can use your computer account can then open the vault.")
            .changed()
        {
            commands.push(Command::SetRemembered(remembered));
        }
        ui.add_space(16.0);
        crate::ui::totp::operator_ui(ui, totp, commands);
    });
}

fn confirm_removal(ui: &mut egui::Ui, forms: &ShellForms, commands: &mut Vec<Command>) {
    let Some(name) = &forms.remove_candidate else {
        return;
    };
    egui::Modal::new(egui::Id::unique("confirm-remove-operator")).show(ui.ctx(), |ui| {
        ui.heading(format!("Remove {name}?"));
        ui.label("They will no longer be able to sign in. Their past actions stay in the audit log.");
        ui.horizontal(|ui| {
            if ui.button(format!("Yes, remove {name}")).clicked() {
                commands.push(Command::RemoveOperator(name.clone()));
            }
            if ui.button("Cancel").clicked() {
                commands.push(Command::AskRemoveOperator(None));
            }
        });
    });
}
