//! First start: create the office vault with its first operator.

use super::commands::{Command, EntryCommand};
use super::widgets::{
    Policy, indented, new_password_problem, password_field, strength_meter, submit_button, text_field,
};
use crate::domain::secret::SecretString;
use crate::ui::widgets::style::space;

#[derive(Default)]
pub struct WelcomeForm {
    pub operator: String,
    password: SecretString,
    confirm: SecretString,
    focused_once: bool,
}

impl WelcomeForm {
    fn problem_text(&self) -> Option<String> {
        if self.operator.trim().is_empty() {
            return Some("Enter your name: it is how the audit log will name you.".into());
        }
        new_password_problem(&self.password, &self.confirm, &[self.operator.trim(), "keyholder"])
    }

    pub fn problem(&self) -> String {
        self.problem_text().unwrap_or_default()
    }

    /// The name and password if the form is complete; the password fields are emptied.
    pub fn take_valid(&mut self) -> Option<(String, SecretString)> {
        if self.problem_text().is_some() {
            return None;
        }
        let password = std::mem::take(&mut self.password);
        self.confirm.clear();
        Some((self.operator.trim().to_owned(), password))
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.heading("Create your office vault");
        ui.label(
            "The vault is one encrypted file on this computer. You will be its first operator: \
             everyone who uses Keyholder gets their own login.",
        );
        ui.add_space(space::BLOCK);
        let name = text_field(ui, "Your name", &mut self.operator);
        if !self.focused_once {
            self.focused_once = true;
            name.request_focus();
        }
        password_field(ui, "Password", self.password.expose_mut());
        strength_meter(ui, self.password.expose(), Policy::Operator(&[self.operator.trim(), "keyholder"]));
        let confirm = password_field(ui, "Confirm password", self.confirm.expose_mut());
        ui.add_space(space::ROW);
        let problem = self.problem_text();
        indented(ui, |ui| {
            if submit_button(ui, &confirm, "Create vault", problem.as_deref()) {
                commands.push(EntryCommand::CreateVault.into());
            }
        });
        indented(ui, |ui| {
            let demo = ui.add_enabled(problem.is_none(), egui::Button::new("Explore a demo office"));
            let why = "A separate vault with a made-up office of 30 people, to try everything first. Your own vault is not created.";
            if demo.on_hover_text(why).on_disabled_hover_text(why).clicked() {
                commands.push(EntryCommand::CreateDemo.into());
            }
        });
        indented(ui, |ui| {
            ui.weak("Not ready yet? Explore a demo office first: it is a separate file and can be deleted.");
        });
    }
}
