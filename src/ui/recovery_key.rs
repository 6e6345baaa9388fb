//! Shown once, right after the vault is created: the recovery key to write down, copy (taken
//! off the clipboard again after the office's time) or print.

use super::commands::{Command, EntryCommand};
use super::print::Printer;
use super::shell::CopiedSecret;
use super::widgets::style::{icon, size, space};
use super::widgets::{Answer, action_button, confirm_dialog, icon_action_button};
use crate::service::{Created, Office};
use std::sync::Arc;

pub struct RecoveryKeyView {
    created: Created,
    stored: bool,
    copied: CopiedSecret,
    printer: Arc<dyn Printer>,
    /// Why printing is not possible here, worked out once.
    cannot_print: Option<String>,
    confirm_print: bool,
    /// What happened to the last copy or print, in the line kept for it under the buttons.
    note: String,
}

/// The job name the print system shows; never the key.
const PRINT_TITLE: &str = "Keyholder recovery key";

/// The key as shown: whole groups on each of two lines, so a narrow window never breaks a
/// group in two (the dashes stay; "ABCD-EFGH-…-" then the rest).
pub fn key_on_two_lines(key: &str) -> String {
    let groups: Vec<&str> = key.split('-').collect();
    let half = groups.len().div_ceil(2);
    format!("{}-\n{}", groups[..half].join("-"), groups[half..].join("-"))
}

/// What the buttons under a recovery key ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    Copy,
    AskPrint,
}

/// Copy and Print… under a recovery key, and one line kept for what the last of them did, so
/// nothing below moves.
pub fn key_actions_ui(ui: &mut egui::Ui, cannot_print: Option<&str>, note: &str) -> Option<KeyAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        if icon_action_button(ui, Some(icon::COPY), "Copy", None) {
            action = Some(KeyAction::Copy);
        }
        if icon_action_button(ui, Some(icon::PRINT), "Print…", cannot_print) {
            action = Some(KeyAction::AskPrint);
        }
    });
    ui.add_sized([ui.available_width(), 18.0], egui::Label::new(egui::RichText::new(note).weak()));
    action
}

/// The dialog that says where a printed key goes before it is printed.
pub fn print_dialog(ctx: &egui::Context) -> Option<Answer> {
    let what_happens = [
        "The key is sent to this computer's default printer.".to_owned(),
        "The print system may keep the page in its queue until it has printed (CUPS keeps \
         finished jobs for up to a day), so print only on a printer in your office."
            .to_owned(),
    ];
    confirm_dialog(ctx, "Print the recovery key?", &what_happens, "Print it")
}

/// Print the key on a sheet naming the office; what happened, in words.
pub fn print_key(printer: &dyn Printer, office_name: &str, key: &str) -> String {
    let sheet = zeroize::Zeroizing::new(format!(
        "Keyholder recovery key for {office_name}\n\n{key}\n\nKeep this sheet somewhere safe, away from the computer.\n"
    ));
    match printer.print(PRINT_TITLE, &sheet) {
        Ok(()) => "Sent to the printer. Collect the page now.".into(),
        Err(error) => format!("Not printed: {error}."),
    }
}

impl RecoveryKeyView {
    pub fn new(created: Created, copied: CopiedSecret, printer: Arc<dyn Printer>) -> Self {
        let cannot_print = printer.why_not();
        Self { created, stored: false, copied, printer, cannot_print, confirm_print: false, note: String::new() }
    }

    /// The session, once the key has been acknowledged: a copied key leaves the clipboard now
    /// and the key text is dropped (and wiped).
    pub fn into_office(mut self) -> Office {
        self.copied.release();
        self.created.office
    }

    /// Called every frame: take a copied key off the clipboard when its time is up.
    pub fn tick(&mut self, now: jiff::Timestamp) {
        if self.copied.is_due(now) {
            self.copied.release();
            self.note = "The copied key was cleared from the clipboard.".into();
        }
    }

    /// When the copied key must leave the clipboard, if it was copied.
    pub fn next_wake(&self) -> Option<jiff::Timestamp> {
        self.copied.clear_at()
    }

    pub fn copy(&mut self, now: jiff::Timestamp) {
        let policies = self.created.office.policies().ok();
        self.note = match self.copied.copy(self.created.recovery_key.as_str(), now, policies) {
            Ok(said) => format!("{said} Paste it where it is safe, such as a password manager."),
            Err(error) => error.to_string(),
        };
    }

    pub fn ask_print(&mut self, open: bool) {
        self.confirm_print = open;
    }

    pub fn print(&mut self) {
        self.confirm_print = false;
        let office_name = self.created.office.settings().map(|s| s.office_name).unwrap_or_default();
        self.note = print_key(self.printer.as_ref(), &office_name, self.created.recovery_key.as_str());
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.heading("Your recovery key");
        ui.label(
            "If an operator forgets their password, this key lets you set a new one. \
             Write it down on paper and keep it somewhere safe, away from this computer. \
             It is shown only this once.",
        );
        ui.add_space(space::BLOCK);
        egui::Frame::group(ui.style()).inner_margin(16.0).show(ui, |ui| {
            let shown = zeroize::Zeroizing::new(key_on_two_lines(self.created.recovery_key.as_str()));
            ui.label(egui::RichText::new(shown.as_str()).monospace().size(size::KEY).strong());
        });
        ui.weak("It never uses 0, O, 1, I, L or U, so nothing on the paper can be misread.");
        ui.add_space(space::ROW);
        match key_actions_ui(ui, self.cannot_print.as_deref(), &self.note) {
            Some(KeyAction::Copy) => commands.push(EntryCommand::CopyRecoveryKey.into()),
            Some(KeyAction::AskPrint) => commands.push(EntryCommand::AskPrintRecoveryKey(true).into()),
            None => {}
        }
        ui.add_space(space::ROW);
        ui.checkbox(&mut self.stored, "I have stored it safely");
        if action_button(ui, "Continue", (!self.stored).then_some("Tick that you have stored it first.")) {
            commands.push(EntryCommand::AcknowledgeRecoveryKey.into());
        }
        if self.confirm_print {
            match print_dialog(ui.ctx()) {
                Some(Answer::Confirm) => commands.push(EntryCommand::PrintRecoveryKey.into()),
                Some(Answer::Cancel) => commands.push(EntryCommand::AskPrintRecoveryKey(false).into()),
                None => {}
            }
        }
    }
}
