//! Settings: appearance, the office name, the auto-lock time, the time zone, office hours,
//! policies, backups
//! and the vault's keys (repair the key file, change the data key, a new recovery key). The
//! page's state, commands, drawing and writes.

use crate::domain::office_hours::{closing_times, format_closing, parse_closing};
use crate::domain::secret::SecretString;
use crate::service::{Policies, ServiceResult};
use crate::ui::commands::{Command, Outcome};
use crate::ui::pages::Context;
use crate::ui::print::Printer;
use crate::ui::recovery_key::{KeyAction, key_actions_ui, key_on_two_lines, print_dialog, print_key};
use crate::ui::shell::{CopiedSecret, JobOutput, JobRequest, ShellData};
use crate::ui::widgets::style::{State, size, space};
use crate::ui::widgets::{
    Answer, CHOOSE_FILE, NOTHING_CHANGED, action_button, field_label, indented, pick_list, text_field,
};
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsCommand {
    Save,
    SavePolicies,
    Backup,
    /// Remove the key-file slots found altered.
    RepairKeyFile,
    /// Ask before replacing the vault's data key (`false`: cancel).
    AskRekey(bool),
    /// Replace the vault's data key.
    Rekey,
    /// Show a new recovery key; nothing changes until it is confirmed as stored.
    NewRecoveryKey,
    /// The new recovery key is stored: make it the recovery key and wipe it from the screen.
    AcknowledgeNewRecoveryKey,
    /// Drop the proposed recovery key; the current one stays.
    CancelNewRecoveryKey,
    /// Copy the new recovery key (cleared from the clipboard after the office's time).
    CopyNewRecoveryKey,
    /// Open (true) or close the dialog that asks before printing the new recovery key.
    AskPrintNewRecoveryKey(bool),
    PrintNewRecoveryKey,
}

impl From<SettingsCommand> for Command {
    fn from(command: SettingsCommand) -> Self {
        Command::Settings(command)
    }
}

/// What is typed and chosen on the Settings page.
#[derive(Default)]
pub struct SettingsPage {
    pub office_name: String,
    pub auto_lock_minutes: u32,
    pub backup_path: String,
    pub policies: Option<Policies>,
    pub time_zone: String,
    /// Narrows the time-zone list as the operator types.
    pub time_zone_filter: String,
    /// When the office closes, as chosen ("17:30").
    pub closes_at: String,
    /// The closing times to choose from, as (value, shown).
    closing_times: Vec<(String, String)>,
    /// A new recovery key, shown until the operator says it is stored (then wiped).
    pub new_recovery_key: Option<Zeroizing<String>>,
    pub recovery_key_stored: bool,
    /// What the last copy or print of the new key did.
    pub key_note: String,
    pub confirm_print_key: bool,
    pub confirm_rekey: bool,
}

impl SettingsPage {
    pub fn new(backup_path: String) -> Self {
        let closing_times = closing_times().into_iter().map(format_closing).map(|t| (t.clone(), t)).collect();
        Self { backup_path, closing_times, ..Default::default() }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, data: &ShellData, commands: &mut Vec<Command>) {
        page_ui(ui, data, self, commands);
    }

    /// Fill the form with the settings as stored.
    pub fn reset(&mut self, data: &ShellData) {
        self.office_name = data.settings.office_name.clone();
        self.auto_lock_minutes = data.settings.auto_lock_minutes;
        self.time_zone = data.settings.time_zone.clone();
        self.closes_at = format_closing(data.settings.closes_at);
        self.policies = data.policies;
    }

    pub fn apply(
        &mut self,
        command: SettingsCommand,
        cx: &mut Context<'_>,
        copied: &mut CopiedSecret,
        printer: &dyn Printer,
    ) -> Outcome {
        match command {
            SettingsCommand::AskRekey(ask) => self.confirm_rekey = ask,
            SettingsCommand::CancelNewRecoveryKey => {
                // Dropping the Zeroizing string wipes it; a copy leaves the clipboard with it.
                self.new_recovery_key = None;
                self.recovery_key_stored = false;
                self.key_note.clear();
                copied.release();
            }
            SettingsCommand::CopyNewRecoveryKey => {
                let Some(key) = &self.new_recovery_key else { return Outcome::SHOWN };
                let copy = copied.copy(key.as_str(), cx.office.now(), cx.data.policies);
                self.key_note = match &copy {
                    Ok(said) => said.clone(),
                    Err(error) => error.to_string(),
                };
                return Outcome::Shown(copy.map(|_| ()));
            }
            SettingsCommand::AskPrintNewRecoveryKey(open) => self.confirm_print_key = open,
            SettingsCommand::PrintNewRecoveryKey => {
                self.confirm_print_key = false;
                let Some(key) = &self.new_recovery_key else { return Outcome::SHOWN };
                self.key_note = print_key(printer, &cx.data.settings.office_name, key.as_str());
            }
            SettingsCommand::AcknowledgeNewRecoveryKey => {
                copied.release();
                return Outcome::Written(self.write(SettingsCommand::AcknowledgeNewRecoveryKey, cx));
            }
            SettingsCommand::Backup => {
                let target = std::path::PathBuf::from(self.backup_path.trim());
                return Outcome::Background(JobRequest::new("Writing the backup", false, move |office| {
                    let size = office.backup(&target)?;
                    let message = format!("Backup written to {} ({} KiB).", target.display(), size.div_ceil(1024));
                    Ok(JobOutput::Message(Some(message)))
                }));
            }
            SettingsCommand::Rekey => {
                self.confirm_rekey = false;
                // Every page of the file is encrypted again: on a worker thread.
                return Outcome::Background(JobRequest::new("Changing the vault's key", false, |office| {
                    office.rekey()?;
                    let message = "The vault's key was changed: older copies of its key file open nothing now.";
                    Ok(JobOutput::Message(Some(message.into())))
                }));
            }
            write => return Outcome::Written(self.write(write, cx)),
        }
        Outcome::SHOWN
    }

    fn write(&mut self, command: SettingsCommand, cx: &mut Context<'_>) -> ServiceResult<Option<String>> {
        let office = &mut *cx.office;
        let message = match command {
            SettingsCommand::Save => self.save(cx)?,
            SettingsCommand::SavePolicies => {
                let Some(policies) = self.policies else { return Ok(None) };
                office.set_policies(policies)?;
                "Policies saved.".into()
            }
            SettingsCommand::RepairKeyFile => {
                let repaired = office.repair_key_file()?;
                format!("Key file repaired: {}.", repaired.join("; "))
            }
            SettingsCommand::NewRecoveryKey => {
                self.new_recovery_key = Some(crate::service::propose_recovery_key()?);
                self.recovery_key_stored = false;
                "Write down the new recovery key. The current one keeps working until you confirm.".into()
            }
            SettingsCommand::AcknowledgeNewRecoveryKey => {
                let Some(key) = self.new_recovery_key.take() else { return Ok(None) };
                self.recovery_key_stored = false;
                self.key_note.clear();
                office.set_recovery_key(&SecretString::new(key.as_str()))?;
                "The new recovery key is in use; the old one no longer works.".into()
            }
            SettingsCommand::AskRekey(_)
            | SettingsCommand::Backup
            | SettingsCommand::Rekey
            | SettingsCommand::CancelNewRecoveryKey
            | SettingsCommand::CopyNewRecoveryKey
            | SettingsCommand::AskPrintNewRecoveryKey(_)
            | SettingsCommand::PrintNewRecoveryKey => return Ok(None),
        };
        Ok(Some(message))
    }

    /// Write what changed of the office name, auto-lock time, time zone and office hours.
    fn save(&mut self, cx: &mut Context<'_>) -> ServiceResult<String> {
        let stored = &cx.data.settings;
        if self.office_name.trim() != stored.office_name {
            cx.office.set_office_name(&self.office_name)?;
        }
        if self.auto_lock_minutes != stored.auto_lock_minutes {
            cx.office.set_auto_lock_minutes(self.auto_lock_minutes)?;
        }
        if self.time_zone != stored.time_zone {
            cx.office.set_time_zone(&self.time_zone)?;
        }
        if self.closes_at != format_closing(stored.closes_at) {
            let closes = parse_closing(&self.closes_at)
                .ok_or_else(|| crate::service::ServiceError::Invalid("choose when the office closes".into()))?;
            cx.office.set_closing_time(closes)?;
        }
        Ok("Settings saved.".into())
    }
}

fn page_ui(ui: &mut egui::Ui, data: &ShellData, forms: &mut SettingsPage, commands: &mut Vec<Command>) {
    appearance_ui(ui);
    ui.add_space(space::BLOCK);
    text_field(ui, "Office name", &mut forms.office_name);
    ui.horizontal(|ui| {
        let label = field_label(ui, "Auto-lock (minutes)");
        ui.add(egui::DragValue::new(&mut forms.auto_lock_minutes).range(1..=120)).labelled_by(label.id);
    });
    time_zone_ui(ui, data, forms);
    pick_list(ui, "Office closes at", &mut forms.closes_at, &forms.closing_times, None);
    indented(ui, |ui| {
        ui.weak("Office hours: a leaver's last day ends at this time; the time to full revocation counts from it.");
    });
    let changed = forms.office_name.trim() != data.settings.office_name
        || forms.auto_lock_minutes != data.settings.auto_lock_minutes
        || forms.time_zone != data.settings.time_zone
        || forms.closes_at != format_closing(data.settings.closes_at);
    indented(ui, |ui| {
        if action_button(ui, "Save settings", (!changed).then_some(NOTHING_CHANGED)) {
            commands.push(SettingsCommand::Save.into());
        }
    });

    if let Some(policies) = &mut forms.policies {
        ui.add_space(space::SECTION);
        ui.strong("Policies");
        let number = |ui: &mut egui::Ui, label: &str, value: &mut i64, range: std::ops::RangeInclusive<i64>| {
            ui.horizontal(|ui| {
                let label = field_label(ui, label);
                ui.add(egui::DragValue::new(value).range(range)).labelled_by(label.id);
            });
        };
        number(ui, "Clear clipboard after (s)", &mut policies.clipboard_clear_secs, 5..=300);
        let mut versions = policies.secret_history_versions as i64;
        number(ui, "Earlier secret values kept", &mut versions, 1..=50);
        policies.secret_history_versions = versions as usize;
        let mut length = policies.password_min_length as i64;
        number(ui, "Minimum secret length", &mut length, 12..=128);
        policies.password_min_length = length as usize;
        number(ui, "Keep leavers' details (months)", &mut policies.retention_months, 1..=120);
        let changed = Some(*policies) != data.policies;
        indented(ui, |ui| {
            if action_button(ui, "Save policies", (!changed).then_some(NOTHING_CHANGED)) {
                commands.push(SettingsCommand::SavePolicies.into());
            }
        });
    }

    ui.add_space(space::SECTION);
    ui.strong("Backup");
    ui.weak("One encrypted file with everything needed to restore the vault (with a password or the recovery key).");
    text_field(ui, "Backup file", &mut forms.backup_path);
    indented(ui, |ui| {
        crate::ui::file_dialog::choose_button(ui, crate::ui::file_dialog::FileTarget::Backup, commands);
        if action_button(ui, "Write backup", forms.backup_path.trim().is_empty().then_some(CHOOSE_FILE)) {
            commands.push(SettingsCommand::Backup.into());
        }
    });
    keys_ui(ui, data, forms, commands);
}

/// The zone "today" is counted in, picked from the known zones (no typing).
fn time_zone_ui(ui: &mut egui::Ui, data: &ShellData, forms: &mut SettingsPage) {
    ui.horizontal(|ui| {
        let label = field_label(ui, "Time zone");
        egui::ComboBox::from_id_salt("time-zone")
            .selected_text(forms.time_zone.as_str())
            .width(220.0)
            .height(320.0)
            .show_ui(ui, |ui| {
                let search = ui.label("Search");
                ui.add(egui::TextEdit::singleline(&mut forms.time_zone_filter).hint_text("city, e.g. London"))
                    .labelled_by(search.id)
                    .request_focus();
                let wanted = forms.time_zone_filter.trim().to_lowercase().replace(' ', "_");
                for name in data.time_zones.iter().filter(|n| n.to_lowercase().contains(&wanted)) {
                    ui.selectable_value(&mut forms.time_zone, name.clone(), name.as_str());
                }
            })
            .response
            .labelled_by(label.id);
    });
    indented(ui, |ui| {
        ui.weak("Due dates, last days and the end of temporary access follow the date here.");
    });
}

/// Repair an altered key file, change the vault's data key, make a new recovery key.
fn keys_ui(ui: &mut egui::Ui, data: &ShellData, forms: &mut SettingsPage, commands: &mut Vec<Command>) {
    ui.add_space(space::SECTION);
    ui.strong("Vault keys");
    if !data.key_file_problems.is_empty() {
        for problem in &data.key_file_problems {
            ui.colored_label(State::Problem.color(ui), problem);
        }
        ui.weak(
            "Repairing removes the altered ways in; anyone who used one signs in another way, or gets a new password.",
        );
        indented(ui, |ui| {
            if ui.button("Repair the key file").clicked() {
                commands.push(SettingsCommand::RepairKeyFile.into());
            }
        });
    }
    ui.weak(
        "Change the vault's key after a password was changed because someone may know the old one: copies of \
         the key file made before then open nothing afterwards. Removing an operator does this by itself.",
    );
    let damaged = !data.key_file_problems.is_empty();
    indented(ui, |ui| {
        let repair_first = damaged.then_some("Repair the key file first.");
        if action_button(ui, "Change the vault's key", repair_first) {
            commands.push(SettingsCommand::AskRekey(true).into());
        }
        let why_not =
            repair_first.or_else(|| forms.new_recovery_key.is_some().then_some("Store the new key shown first."));
        if action_button(ui, "Make a new recovery key", why_not) {
            commands.push(SettingsCommand::NewRecoveryKey.into());
        }
    });
    if forms.confirm_rekey {
        egui::Modal::new(egui::Id::unique("confirm-rekey")).show(ui.ctx(), |ui| {
            ui.heading("Change the vault's key?");
            ui.label(
                "Every operator keeps signing in as before. Copies of the vault's files made before now stop \
                 opening, even with an old password. Backups keep opening with the passwords they were made with.",
            );
            ui.horizontal(|ui| {
                if ui.button("Change the key").clicked() {
                    commands.push(SettingsCommand::Rekey.into());
                }
                if ui.button("Cancel").clicked() {
                    commands.push(SettingsCommand::AskRekey(false).into());
                }
            });
        });
    }
    if let Some(key) = &forms.new_recovery_key {
        // A dialog, so it cannot be scrolled away; nothing changes until "Use this key".
        egui::Modal::new(egui::Id::unique("new-recovery-key")).show(ui.ctx(), |ui| {
            ui.heading("Your new recovery key");
            ui.label(
                "Write it down and keep it offline. The current key keeps working until you press \"Use this key\".",
            );
            egui::Frame::group(ui.style()).inner_margin(12.0).show(ui, |ui| {
                let shown = Zeroizing::new(key_on_two_lines(key.as_str()));
                ui.label(egui::RichText::new(shown.as_str()).monospace().size(size::KEY).strong());
            });
            match key_actions_ui(ui, data.cannot_print.as_deref(), &forms.key_note) {
                Some(KeyAction::Copy) => commands.push(SettingsCommand::CopyNewRecoveryKey.into()),
                Some(KeyAction::AskPrint) => commands.push(SettingsCommand::AskPrintNewRecoveryKey(true).into()),
                None => {}
            }
            ui.checkbox(&mut forms.recovery_key_stored, "I have stored it safely");
            ui.horizontal(|ui| {
                let why_not = (!forms.recovery_key_stored).then_some("Tick that you have stored it first.");
                if action_button(ui, "Use this key", why_not) {
                    commands.push(SettingsCommand::AcknowledgeNewRecoveryKey.into());
                }
                if ui.button("Cancel").clicked() {
                    commands.push(SettingsCommand::CancelNewRecoveryKey.into());
                }
            });
        });
        if forms.confirm_print_key {
            match print_dialog(ui.ctx()) {
                Some(Answer::Confirm) => commands.push(SettingsCommand::PrintNewRecoveryKey.into()),
                Some(Answer::Cancel) => commands.push(SettingsCommand::AskPrintNewRecoveryKey(false).into()),
                None => {}
            }
        }
    }
}

/// Light, dark or follow the system. A view preference of this window, not stored in the vault.
fn appearance_ui(ui: &mut egui::Ui) {
    use egui::ThemePreference;
    ui.horizontal(|ui| {
        field_label(ui, "Appearance");
        let mut preference = ui.ctx().options(|o| o.theme_preference);
        for (value, name) in
            [(ThemePreference::System, "System"), (ThemePreference::Light, "Light"), (ThemePreference::Dark, "Dark")]
        {
            ui.selectable_value(&mut preference, value, name);
        }
        if preference != ui.ctx().options(|o| o.theme_preference) {
            ui.ctx().set_theme(preference);
        }
    });
}
