//! Sign-in: operator name and password, a key remembered on this computer, or the recovery
//! key to set a new password.

use super::commands::{Command, EntryCommand};
use super::widgets::{
    Policy, action_button, indented, new_password_problem, password_field, strength_meter, submit_button, text_field,
};
use crate::domain::secret::SecretString;
use crate::service::{self, Office, PendingSignIn, ServiceResult, SignInOptions};
use crate::ui::widgets::style::{State, space, state_label};
use std::path::Path;

#[derive(Default)]
struct RecoveryForm {
    key: SecretString,
    password: SecretString,
    confirm: SecretString,
}

pub struct SignInForm {
    pub operator: String,
    options: SignInOptions,
    load_error: Option<String>,
    password: SecretString,
    recovery: Option<RecoveryForm>,
    focused_once: bool,
    /// Password accepted; waiting for the authenticator code.
    pending: Option<Box<PendingSignIn>>,
    code: SecretString,
    /// Which vault this is ("demo", "office"), so a demo is never mistaken for the real one.
    vault_name: String,
}

impl SignInForm {
    /// Read who can sign in from the vault's key file (once, not per frame).
    pub fn load(vault: &Path) -> Self {
        let (options, load_error) = match service::sign_in_options(vault) {
            Ok(options) => (options, None),
            Err(error) => (SignInOptions::default(), Some(error.to_string())),
        };
        let operator = match options.operators.as_slice() {
            [only] => only.clone(),
            _ => String::new(),
        };
        Self {
            operator,
            options,
            load_error,
            password: SecretString::default(),
            recovery: None,
            focused_once: false,
            pending: None,
            code: SecretString::default(),
            vault_name: vault.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
        }
    }

    /// Put the keyboard back in the password field (after a refused sign-in).
    pub fn refocus(&mut self) {
        self.focused_once = false;
    }

    pub fn take_password(&mut self) -> SecretString {
        std::mem::take(&mut self.password)
    }

    pub fn show_recovery(&mut self, show: bool) {
        self.recovery = show.then(RecoveryForm::default);
    }

    /// The recovery key and new password, if the two new passwords agree.
    pub fn take_recovery(&mut self) -> Option<(SecretString, SecretString)> {
        let form = self.recovery.as_mut()?;
        if form.password != form.confirm {
            return None;
        }
        form.confirm.clear();
        Some((std::mem::take(&mut form.key), std::mem::take(&mut form.password)))
    }

    pub fn await_code(&mut self, pending: PendingSignIn) {
        self.pending = Some(Box::new(pending));
        self.code.clear();
        self.focused_once = false;
    }

    pub fn awaits_code(&self) -> bool {
        self.pending.is_some()
    }

    pub fn cancel_code(&mut self) {
        self.pending = None;
        self.code.clear();
        self.focused_once = false;
    }

    /// Try the typed code; `None` when no sign-in is waiting for one.
    pub fn finish_with_code(&mut self) -> Option<ServiceResult<Office>> {
        let code = std::mem::take(&mut self.code);
        let result = self.pending.as_mut()?.finish(&code);
        if result.is_ok() {
            self.pending = None;
        }
        Some(result)
    }

    fn is_remembered(&self) -> bool {
        self.options.remembered.iter().any(|name| name == self.operator.trim())
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        if let Some(error) = &self.load_error {
            state_label(ui, State::Problem, error);
            return;
        }
        if let Some(form) = &mut self.recovery {
            recovery_ui(ui, form, &mut self.operator, commands);
            return;
        }
        if self.pending.is_some() {
            self.code_ui(ui, commands);
            return;
        }
        ui.heading("Sign in");
        ui.weak(format!("to the vault \u{201c}{}\u{201d}", self.vault_name));
        ui.add_space(space::ROW);
        let name = text_field(ui, "Operator", &mut self.operator);
        let password = password_field(ui, "Password", self.password.expose_mut());
        if !self.focused_once {
            // Only when the form first appears: re-taking focus later would swallow Enter.
            self.focused_once = true;
            if self.operator.is_empty() { name.request_focus() } else { password.request_focus() }
        }
        ui.add_space(space::ROW);
        indented(ui, |ui| {
            if submit_button(ui, &password, "Sign in", self.password.is_empty().then_some("Type your password first."))
            {
                commands.push(EntryCommand::SignIn.into());
            }
            if self.is_remembered() && ui.button("Use the key remembered on this computer").clicked() {
                commands.push(EntryCommand::SignInWithKeyring.into());
            }
        });
        ui.add_space(space::SECTION);
        indented(ui, |ui| {
            if ui.link("Forgot your password? Use the recovery key").clicked() {
                commands.push(EntryCommand::ShowRecoveryForm(true).into());
            }
        });
    }
}

impl SignInForm {
    fn code_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.heading("Authenticator code");
        ui.label(format!(
            "{}, type the six-digit code your authenticator app shows for Keyholder, or one of your recovery codes.",
            self.operator.trim()
        ));
        ui.add_space(space::ROW);
        let field = password_field(ui, "Code", self.code.expose_mut());
        if !self.focused_once {
            self.focused_once = true;
            field.request_focus();
        }
        ui.add_space(space::ROW);
        indented(ui, |ui| {
            if submit_button(ui, &field, "Continue", self.code.is_empty().then_some("Type the code first.")) {
                commands.push(EntryCommand::SubmitSecondFactor.into());
            }
            if ui.button("Cancel").clicked() {
                commands.push(EntryCommand::CancelSecondFactor.into());
            }
        });
    }
}

fn recovery_ui(ui: &mut egui::Ui, form: &mut RecoveryForm, operator: &mut String, commands: &mut Vec<Command>) {
    ui.heading("Set a new password with the recovery key");
    ui.label("The recovery key is the one written down when the vault was created, or when a new one was made in Settings (eight groups of four).");
    ui.add_space(space::ROW);
    text_field(ui, "Operator", operator);
    password_field(ui, "Recovery key", form.key.expose_mut());
    password_field(ui, "New password", form.password.expose_mut());
    strength_meter(ui, form.password.expose(), Policy::Operator(&[operator.trim(), "keyholder"]));
    password_field(ui, "Confirm new password", form.confirm.expose_mut());
    let why_not = if form.key.is_empty() {
        Some("Type the recovery key first.".to_owned())
    } else {
        new_password_problem(&form.password, &form.confirm, &[operator.trim(), "keyholder"])
    };
    indented(ui, |ui| {
        if action_button(ui, "Set new password", why_not.as_deref()) {
            commands.push(EntryCommand::RecoverPassword.into());
        }
        if ui.button("Back to sign-in").clicked() {
            commands.push(EntryCommand::ShowRecoveryForm(false).into());
        }
    });
}
