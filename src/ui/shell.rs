//! The signed-in application shell: side navigation, the status line with the lock button, and
//! the page in the middle. Holds the data the pages draw from, refreshed only after a write.

use super::commands::{Command, Page};
use super::widgets::Notice;
use super::{audit, operators, overview, settings};
use crate::domain::audit::AuditRecord;
use crate::domain::secret::SecretString;
use crate::service::{Office, ServiceResult, Settings};
use crate::vault::keystore::SecretStore;
use crate::vault::operators::OperatorRow;
use std::sync::Arc;

/// How many audit records the audit page keeps in memory.
const AUDIT_PAGE_LIMIT: usize = 10_000;

/// What the pages show, read from the vault after sign-in and after each change.
pub struct ShellData {
    pub settings: Settings,
    pub operators: Vec<OperatorRow>,
    pub audit: Vec<AuditRecord>,
    pub remembered: bool,
    pub verify: Option<Vec<String>>,
}

/// Text the operator is typing on the pages.
#[derive(Default)]
pub struct ShellForms {
    pub current_password: SecretString,
    pub new_password: SecretString,
    pub confirm_password: SecretString,
    pub new_operator: String,
    pub new_operator_password: SecretString,
    pub new_operator_confirm: SecretString,
    pub office_name: String,
    pub auto_lock_minutes: u32,
    pub backup_path: String,
    pub remove_candidate: Option<String>,
}

pub struct Shell {
    pub office: Office,
    store: Arc<dyn SecretStore>,
    pub page: Page,
    pub data: ShellData,
    pub forms: ShellForms,
}

impl Shell {
    pub fn open(office: Office, store: Arc<dyn SecretStore>) -> Self {
        let data = ShellData {
            settings: Settings {
                office_name: office.vault_name(),
                auto_lock_minutes: 5,
            },
            operators: Vec::new(),
            audit: Vec::new(),
            remembered: false,
            verify: None,
        };
        let backup_path = default_backup_path(&office);
        let mut shell = Self {
            office,
            store,
            page: Page::Overview,
            data,
            forms: ShellForms {
                backup_path,
                ..Default::default()
            },
        };
        let _ = shell.refresh();
        shell.reset_settings_form();
        shell
    }

    fn refresh(&mut self) -> ServiceResult<()> {
        self.data.settings = self.office.settings()?;
        self.data.operators = self.office.operators()?;
        self.data.audit = self.office.recent_audit(AUDIT_PAGE_LIMIT)?;
        self.data.remembered = self.office.is_remembered();
        Ok(())
    }

    fn reset_settings_form(&mut self) {
        self.forms.office_name = self.data.settings.office_name.clone();
        self.forms.auto_lock_minutes = self.data.settings.auto_lock_minutes;
    }

    /// Apply a shell command; returns the notice to show.
    pub fn apply(&mut self, command: Command) -> Option<Notice> {
        let result = self.run(command);
        let refreshed = self.refresh();
        match (result, refreshed) {
            (Ok(message), Ok(())) => message.map(Notice::info),
            (Err(error), _) | (Ok(_), Err(error)) => Some(Notice::error(error.to_string())),
        }
    }

    fn run(&mut self, command: Command) -> ServiceResult<Option<String>> {
        let forms = &mut self.forms;
        Ok(match command {
            Command::Navigate(page) => {
                self.page = page;
                None
            }
            Command::ChangePassword => {
                if forms.new_password != forms.confirm_password {
                    return Err(crate::service::ServiceError::Invalid(
                        "the two new passwords differ".into(),
                    ));
                }
                let (current, new) = (
                    std::mem::take(&mut forms.current_password),
                    std::mem::take(&mut forms.new_password),
                );
                forms.confirm_password.clear();
                self.office.change_password(&current, &new)?;
                Some("Your password was changed.".into())
            }
            Command::AddOperator => {
                if forms.new_operator_password != forms.new_operator_confirm {
                    return Err(crate::service::ServiceError::Invalid(
                        "the two passwords differ".into(),
                    ));
                }
                let name = forms.new_operator.trim().to_owned();
                let password = std::mem::take(&mut forms.new_operator_password);
                forms.new_operator_confirm.clear();
                self.office.add_operator(&name, &password)?;
                forms.new_operator.clear();
                Some(format!(
                    "Operator {name} added. They sign in with their own password."
                ))
            }
            Command::AskRemoveOperator(name) => {
                forms.remove_candidate = name;
                None
            }
            Command::RemoveOperator(name) => {
                forms.remove_candidate = None;
                self.office.remove_operator(&name, self.store.as_ref())?;
                Some(format!("Operator {name} removed."))
            }
            Command::SaveSettings => {
                let (name, minutes) = (forms.office_name.clone(), forms.auto_lock_minutes);
                if name.trim() != self.data.settings.office_name {
                    self.office.set_office_name(&name)?;
                }
                if minutes != self.data.settings.auto_lock_minutes {
                    self.office.set_auto_lock_minutes(minutes)?;
                }
                Some("Settings saved.".into())
            }
            Command::SetRemembered(true) => {
                self.office.remember_on_this_computer(self.store.as_ref())?;
                Some(
                    "This computer now remembers your key. Sign-in can skip the password here."
                        .into(),
                )
            }
            Command::SetRemembered(false) => {
                self.office.forget_on_this_computer(self.store.as_ref())?;
                Some("This computer no longer remembers your key.".into())
            }
            Command::Verify => {
                let problems = self.office.verify()?;
                let message = if problems.is_empty() {
                    "The vault verified: every page and the audit chain are intact."
                } else {
                    "The vault has problems: see Overview."
                };
                self.data.verify = Some(problems);
                Some(message.into())
            }
            Command::Backup => {
                let target = std::path::PathBuf::from(forms.backup_path.trim());
                let size = self.office.backup(&target)?;
                Some(format!(
                    "Backup written to {} ({} KiB).",
                    target.display(),
                    size.div_ceil(1024)
                ))
            }
            _ => None,
        })
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        commands: &mut Vec<Command>,
        notice: &dyn Fn(&mut egui::Ui, &mut Vec<Command>),
    ) {
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(format!("Signed in as {}", self.office.operator()));
                ui.separator();
                ui.weak(format!("Vault: {}", self.office.vault_path().display()));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .button("Lock")
                        .on_hover_text("Lock now (Ctrl+L)")
                        .clicked()
                    {
                        commands.push(Command::Lock);
                    }
                });
            });
        });
        egui::Panel::left("navigation")
            .resizable(false)
            .exact_size(180.0)
            .show(ui, |ui| {
                ui.add_space(8.0);
                ui.heading(&self.data.settings.office_name);
                ui.add_space(8.0);
                for page in Page::ALL {
                    if ui
                        .selectable_label(self.page == page, page.title())
                        .clicked()
                    {
                        commands.push(Command::Navigate(page));
                    }
                }
            });
        egui::CentralPanel::default().show(ui, |ui| {
            notice(ui, commands);
            ui.heading(self.page.title());
            ui.add_space(8.0);
            match self.page {
                Page::Overview => overview::ui(ui, &self.data, commands),
                Page::Operators => operators::ui(
                    ui,
                    &self.data,
                    &mut self.forms,
                    self.office.operator().as_str(),
                    commands,
                ),
                Page::AuditLog => audit::ui(ui, &self.data.audit),
                Page::Settings => settings::ui(ui, &self.data, &mut self.forms, commands),
            }
        });
    }
}

fn default_backup_path(office: &Office) -> String {
    let folder = office
        .vault_path()
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    let date = office.now().strftime("%Y-%m-%d").to_string();
    folder
        .join(format!("{}-{date}.khbackup", office.vault_name()))
        .display()
        .to_string()
}
