//! Shown once, right after the vault is created: the recovery key to write down.

use super::commands::{Command, EntryCommand};
use crate::service::{Created, Office};
use crate::ui::widgets::action_button;
use crate::ui::widgets::style::{size, space};

pub struct RecoveryKeyView {
    created: Created,
    stored: bool,
}

impl RecoveryKeyView {
    pub fn new(created: Created) -> Self {
        Self { created, stored: false }
    }

    /// The session, once the key has been acknowledged; the key text is dropped (and wiped).
    pub fn into_office(self) -> Office {
        self.created.office
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
            ui.label(egui::RichText::new(self.created.recovery_key.as_str()).monospace().size(size::KEY).strong());
        });
        ui.add_space(space::BLOCK);
        ui.checkbox(&mut self.stored, "I have stored it safely");
        if action_button(ui, "Continue", (!self.stored).then_some("Tick that you have stored it first.")) {
            commands.push(EntryCommand::AcknowledgeRecoveryKey.into());
        }
    }
}
