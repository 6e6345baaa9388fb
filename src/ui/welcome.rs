//! First start: create the office vault with its first operator.

use super::commands::{Command, EntryCommand};
use super::widgets::{
    Policy, indented, new_password_problem, password_field, strength_meter, submit_button, text_field,
};
use crate::domain::secret::SecretString;
use crate::ui::widgets::style::space;

#[derive(Default)]
pub struct WelcomeForm {
    /// Printed on reports and shown in authenticator apps ("Keyholder Brightside Dental").
    pub office_name: String,
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

    /// What stops the real vault being created: the demo does not need the office's name.
    fn create_problem(&self) -> Option<String> {
        if self.office_name.trim().is_empty() {
            return Some("Enter the office's name: reports and authenticator apps show it.".into());
        }
        if self.office_name.trim().chars().count() > 100 || self.office_name.chars().any(char::is_control) {
            return Some("The office's name is at most 100 characters on one line.".into());
        }
        self.problem_text()
    }

    pub fn problem(&self, demo: bool) -> String {
        if demo { self.problem_text() } else { self.create_problem() }.unwrap_or_default()
    }

    /// The office name, operator name and password if the form is complete (for the demo the
    /// office name may be empty); the password fields are emptied.
    pub fn take_valid(&mut self, demo: bool) -> Option<(String, String, SecretString)> {
        if if demo { self.problem_text() } else { self.create_problem() }.is_some() {
            return None;
        }
        let password = std::mem::take(&mut self.password);
        self.confirm.clear();
        Some((self.office_name.trim().to_owned(), self.operator.trim().to_owned(), password))
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.heading("Create your office vault");
        ui.label(
            "The vault is one encrypted file on this computer. You will be its first operator: \
             everyone who uses Keyholder gets their own login.",
        );
        ui.add_space(space::BLOCK);
        let office = text_field(ui, "Office name", &mut self.office_name);
        if !self.focused_once {
            self.focused_once = true;
            office.request_focus();
        }
        text_field(ui, "Your name", &mut self.operator);
        password_field(ui, "Password", self.password.expose_mut());
        strength_meter(ui, self.password.expose(), Policy::Operator(&[self.operator.trim(), "keyholder"]));
        let confirm = password_field(ui, "Confirm password", self.confirm.expose_mut());
        ui.add_space(space::ROW);
        let problem = self.problem_text();
        let create_problem = self.create_problem();
        indented(ui, |ui| {
            if submit_button(ui, &confirm, "Create vault", create_problem.as_deref()) {
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
