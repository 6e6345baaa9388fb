//! Operators: who may use Keyholder (each with their own login), adding and removing them,
//! changing your own password, "remember on this computer" and your own two-step sign-in. The
//! page's state, commands, drawing and writes.

use crate::domain::secret::SecretString;
use crate::service::{OperatorTotpStatus, ServiceError, ServiceResult};
use crate::ui::commands::{Command, Outcome};
use crate::ui::pages::Context;
use crate::ui::shell::{JobOutput, JobRequest, ShellData};
use crate::ui::totp::{QrCode, qr_ui};
use crate::ui::widgets::style::{size, space};
use crate::ui::widgets::{
    Policy, action_button, indented, new_password_problem, password_field, strength_meter, table, text_field,
};
use crate::vault::keystore::SecretStore;
use zeroize::Zeroizing;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorCommand {
    /// Ask before removing this operator (`None`: cancel).
    AskRemove(Option<String>),
    Remove(String),
    Add,
    ChangePassword,
    SetRemembered(bool),
    BeginTotp,
    ConfirmTotp,
    DisableTotp,
    DismissRecoveryCodes,
}

impl From<OperatorCommand> for Command {
    fn from(command: OperatorCommand) -> Self {
        Command::Operators(command)
    }
}

/// Passwords and names typed on the Operators page.
#[derive(Default)]
pub struct OperatorForms {
    pub current_password: SecretString,
    pub new_password: SecretString,
    pub confirm_password: SecretString,
    pub new_operator: String,
    pub new_operator_password: SecretString,
    pub new_operator_confirm: SecretString,
}

/// The signed-in operator's own two-step sign-in.
#[derive(Default)]
pub struct OperatorTotp {
    pub status: OperatorTotpStatus,
    /// A setup in progress.
    pub setup: Option<QrCode>,
    pub recovery_codes: Vec<Zeroizing<String>>,
    pub code: SecretString,
}

#[derive(Default)]
pub struct OperatorsPage {
    pub forms: OperatorForms,
    pub remove_candidate: Option<String>,
    pub totp: OperatorTotp,
}

impl OperatorsPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, data: &ShellData, me: &str, commands: &mut Vec<Command>) {
        page_ui(ui, self, data, me, commands);
    }

    pub fn apply(&mut self, command: OperatorCommand, cx: &mut Context<'_>, store: &dyn SecretStore) -> Outcome {
        match command {
            OperatorCommand::AskRemove(name) => self.remove_candidate = name,
            OperatorCommand::DismissRecoveryCodes => self.totp.recovery_codes.clear(),
            // Both derive a key from a password (about a second): on a worker thread.
            OperatorCommand::ChangePassword => return self.change_password(),
            OperatorCommand::Add => return self.add(),
            write => return Outcome::Written(self.write(write, cx, store)),
        }
        Outcome::SHOWN
    }

    fn write(
        &mut self,
        command: OperatorCommand,
        cx: &mut Context<'_>,
        store: &dyn SecretStore,
    ) -> ServiceResult<Option<String>> {
        let office = &mut *cx.office;
        let message = match command {
            OperatorCommand::Remove(name) => {
                self.remove_candidate = None;
                office.remove_operator(&name, store)?;
                format!("Operator {name} removed.")
            }
            OperatorCommand::SetRemembered(true) => {
                office.remember_on_this_computer(store)?;
                "This computer now remembers your key. Sign-in can skip the password here.".to_owned()
            }
            OperatorCommand::SetRemembered(false) => {
                office.forget_on_this_computer(store)?;
                "This computer no longer remembers your key.".to_owned()
            }
            OperatorCommand::BeginTotp => self.begin_totp(cx)?,
            OperatorCommand::ConfirmTotp => {
                let code = std::mem::take(&mut self.totp.code);
                self.totp.recovery_codes = office.confirm_operator_totp(code.expose())?;
                self.totp.setup = None;
                "Two-step sign-in is on.".to_owned()
            }
            OperatorCommand::DisableTotp => {
                let code = std::mem::take(&mut self.totp.code);
                office.disable_operator_totp(code.expose())?;
                "Two-step sign-in is off.".to_owned()
            }
            OperatorCommand::AskRemove(_)
            | OperatorCommand::DismissRecoveryCodes
            | OperatorCommand::ChangePassword
            | OperatorCommand::Add => return Ok(None),
        };
        Ok(Some(message))
    }

    /// The typed passwords move to the job (and are wiped there); the fields are empty again.
    fn change_password(&mut self) -> Outcome {
        let forms = &mut self.forms;
        if forms.new_password != forms.confirm_password {
            return Outcome::Written(Err(ServiceError::Invalid("the two new passwords differ".into())));
        }
        let (current, new) = (std::mem::take(&mut forms.current_password), std::mem::take(&mut forms.new_password));
        forms.confirm_password.clear();
        Outcome::Background(JobRequest::new("Changing your password", false, move |office| {
            office.change_password(&current, &new)?;
            Ok(JobOutput::Message(Some("Your password was changed.".into())))
        }))
    }

    fn add(&mut self) -> Outcome {
        let forms = &mut self.forms;
        if forms.new_operator_password != forms.new_operator_confirm {
            return Outcome::Written(Err(ServiceError::Invalid("the two passwords differ".into())));
        }
        let name = forms.new_operator.trim().to_owned();
        let password = std::mem::take(&mut forms.new_operator_password);
        forms.new_operator_confirm.clear();
        Outcome::Background(JobRequest::new(format!("Adding operator {name}"), false, move |office| {
            office.add_operator(&name, &password)?;
            Ok(JobOutput::OperatorAdded(format!("Operator {name} added. They sign in with their own password.")))
        }))
    }

    fn begin_totp(&mut self, cx: &mut Context<'_>) -> ServiceResult<String> {
        let setup = cx.office.begin_operator_totp()?;
        let qr = QrCode::for_uri(&setup.uri).ok_or_else(|| ServiceError::Invalid("cannot draw the QR code".into()))?;
        self.totp.setup = Some(qr);
        self.totp.code.clear();
        Ok("Scan the code, then type the code the app shows to turn it on.".to_owned())
    }
}

fn page_ui(ui: &mut egui::Ui, page: &mut OperatorsPage, data: &ShellData, me: &str, commands: &mut Vec<Command>) {
    let OperatorsPage { forms, remove_candidate, totp } = page;
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.weak("Everyone who uses Keyholder signs in as themselves; logins are never shared.");
        ui.add_space(space::ROW);
        table(ui, "operators", &["Name", "Since", ""], |ui| {
            for operator in &data.operators {
                ui.label(&operator.name);
                ui.label(operator.created_at.get(..10).unwrap_or(&operator.created_at));
                if operator.name == me {
                    ui.weak("(you)");
                } else if ui.button(format!("Remove {}", operator.name)).clicked() {
                    commands.push(OperatorCommand::AskRemove(Some(operator.name.clone())).into());
                }
                ui.end_row();
            }
        });
        confirm_removal(ui, remove_candidate.as_deref(), commands);

        ui.add_space(space::SECTION);
        ui.strong("Add an operator");
        text_field(ui, "Name", &mut forms.new_operator);
        password_field(ui, "Their password", forms.new_operator_password.expose_mut());
        let context = [forms.new_operator.trim(), "keyholder"];
        strength_meter(ui, forms.new_operator_password.expose(), Policy::Operator(&context));
        password_field(ui, "Confirm their password", forms.new_operator_confirm.expose_mut());
        let why_not = if forms.new_operator.trim().is_empty() {
            Some("Type their name first.".to_owned())
        } else {
            new_password_problem(&forms.new_operator_password, &forms.new_operator_confirm, &context)
        };
        indented(ui, |ui| {
            if action_button(ui, "Add operator", why_not.as_deref()) {
                commands.push(OperatorCommand::Add.into());
            }
        });

        ui.add_space(space::SECTION);
        ui.strong("Change your password");
        password_field(ui, "Current password", forms.current_password.expose_mut());
        password_field(ui, "New password", forms.new_password.expose_mut());
        strength_meter(ui, forms.new_password.expose(), Policy::Operator(&[me, "keyholder"]));
        password_field(ui, "Confirm new password", forms.confirm_password.expose_mut());
        let why_not = if forms.current_password.is_empty() {
            Some("Type your current password first.".to_owned())
        } else {
            new_password_problem(&forms.new_password, &forms.confirm_password, &[me, "keyholder"])
        };
        indented(ui, |ui| {
            if action_button(ui, "Change password", why_not.as_deref()) {
                commands.push(OperatorCommand::ChangePassword.into());
            }
        });

        ui.add_space(space::SECTION);
        ui.strong("This computer");
        let mut remembered = data.remembered;
        if ui
            .checkbox(&mut remembered, "Remember my key on this computer (OS keyring)")
            .on_hover_text("Sign in here without typing your password. Anyone who can use your computer account can then open the vault.")
            .changed()
        {
            commands.push(OperatorCommand::SetRemembered(remembered).into());
        }
        ui.add_space(space::SECTION);
        two_step_ui(ui, totp, commands);
    });
}

fn confirm_removal(ui: &mut egui::Ui, candidate: Option<&str>, commands: &mut Vec<Command>) {
    let Some(name) = candidate else {
        return;
    };
    egui::Modal::new(egui::Id::unique("confirm-remove-operator")).show(ui.ctx(), |ui| {
        ui.heading(format!("Remove {name}?"));
        ui.label("They will no longer be able to sign in. Their past actions stay in the audit log.");
        ui.horizontal(|ui| {
            if ui.button(format!("Yes, remove {name}")).clicked() {
                commands.push(OperatorCommand::Remove(name.to_owned()).into());
            }
            if ui.button("Cancel").clicked() {
                commands.push(OperatorCommand::AskRemove(None).into());
            }
        });
    });
}

/// The operator's own two-step sign-in, on the Operators page.
fn two_step_ui(ui: &mut egui::Ui, view: &mut OperatorTotp, commands: &mut Vec<Command>) {
    ui.strong("Two-step sign-in");
    if !view.recovery_codes.is_empty() {
        ui.label("Two-step sign-in is on. These recovery codes are shown only now: write them down and keep");
        ui.label("them away from the computer. Each one replaces the phone once.");
        egui::Grid::new("recovery-codes").num_columns(2).spacing([24.0, 4.0]).show(ui, |ui| {
            for pair in view.recovery_codes.chunks(2) {
                for code in pair {
                    ui.label(egui::RichText::new(code.as_str()).monospace().size(size::CODE));
                }
                ui.end_row();
            }
        });
        indented(ui, |ui| {
            if ui.button("I have stored the recovery codes").clicked() {
                commands.push(OperatorCommand::DismissRecoveryCodes.into());
            }
        });
        return;
    }
    if let Some(enabled_at) = &view.status.enabled_at {
        ui.label(format!(
            "On since {}. Sign-in asks for a code from your authenticator app. {} left.",
            enabled_at.get(..10).unwrap_or(enabled_at),
            crate::service::counted(view.status.recovery_codes_left, "recovery code", "recovery codes")
        ));
        password_field(ui, "Current code", view.code.expose_mut());
        indented(ui, |ui| {
            if action_button(
                ui,
                "Turn off two-step sign-in",
                view.code.is_empty().then_some("Type a current code first."),
            ) {
                commands.push(OperatorCommand::DisableTotp.into());
            }
        });
        return;
    }
    match &view.setup {
        None => {
            ui.label("Ask for a code from an authenticator app after the password, so a password alone");
            ui.label("does not let anyone into Keyholder.");
            indented(ui, |ui| {
                if ui.button("Set up two-step sign-in").clicked() {
                    commands.push(OperatorCommand::BeginTotp.into());
                }
            });
        }
        Some(qr) => {
            ui.label("Scan this with your authenticator app, or type the key below into it.");
            qr_ui(ui, qr, 4.0, "QR code for your authenticator app");
            password_field(ui, "Code from the app", view.code.expose_mut());
            indented(ui, |ui| {
                let why_not = view.code.is_empty().then_some("Type the code the app shows first.");
                if action_button(ui, "Confirm and turn on", why_not) {
                    commands.push(OperatorCommand::ConfirmTotp.into());
                }
            });
        }
    }
}
