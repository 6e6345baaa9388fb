//! Shared secrets: which are due and why, who could know each, reveal for 30 seconds, copy
//! (the clipboard is cleared after the policy's time if it still holds the secret), rotate with
//! a generated or typed value, mark as possibly compromised, add new ones, and a shared
//! account's authenticator. This module holds the page's state and commands; `view` draws it,
//! `apply` carries it out.

mod apply;
mod rotation;
mod view;

use crate::domain::generator::{CharSets, DEFAULT_LENGTH};
use crate::domain::secret::SecretString;
use crate::service::{Office, SecretHolder, ServiceResult};
use crate::ui::commands::Command;
use crate::ui::records::Records;
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretCommand {
    Select(Option<i64>),
    Reveal(i64),
    Hide,
    Copy(i64),
    GenerateRotation,
    GenerateNew,
    /// Rotate, unless someone leaving still has the access: then ask first.
    Rotate(i64),
    /// Rotate although someone leaving would learn the new value.
    RotateAnyway(i64),
    /// Drop the rotation that waited for an answer (the typed value stays).
    CancelRotate,
    MarkCompromised(i64),
    /// Keep the rotation interval chosen on the secret's page.
    SaveInterval(i64),
    Add,
    ShowCode(i64),
    CopyCode(i64),
    AttachAuthenticator(i64),
}

impl From<SecretCommand> for Command {
    fn from(command: SecretCommand) -> Self {
        Command::Secrets(command)
    }
}

/// Text typed on the Shared secrets page.
#[derive(Debug, Default)]
pub struct SecretForms {
    pub secret_name: String,
    pub secret_system: String,
    pub secret_username: String,
    pub secret_value: SecretString,
    pub secret_interval: String,
    pub rotate_value: SecretString,
    /// Whether the new value being added, or the one for a rotation, is shown as typed.
    pub show_value: bool,
    pub show_rotate_value: bool,
    /// The selected secret's rotation interval as chosen (days, or "" for no reminder).
    pub interval: String,
    pub compromise_note: String,
}

/// Length and character sets for generated values.
#[derive(Debug)]
pub struct Generator {
    pub sets: CharSets,
    pub length: usize,
}

impl Default for Generator {
    fn default() -> Self {
        Self { sets: CharSets::default(), length: DEFAULT_LENGTH }
    }
}

/// A shared account's authenticator, on its secret's page.
#[derive(Default)]
pub struct SecretAuthenticator {
    /// The injected clock's time at the last tick (for countdowns).
    pub now: Option<jiff::Timestamp>,
    pub with_totp: HashSet<i64>,
    /// A code on screen: secret id, code, valid until.
    pub code: Option<(i64, String, jiff::Timestamp)>,
    /// The account's `otpauth://` link or key, as typed or pasted.
    pub uri: SecretString,
    pub image: String,
}

#[derive(Default)]
pub struct SecretsPage {
    pub selected: Option<i64>,
    /// Who could know the selected secret, each once with every reason.
    pub holders: Vec<SecretHolder>,
    /// A secret shown on screen, until when.
    pub revealed: Option<(i64, SecretString, jiff::Timestamp)>,
    /// Seconds until the revealed value hides again (worked out each frame before drawing).
    pub reveal_left_secs: Option<i64>,
    pub forms: SecretForms,
    /// A rotation that waits because someone leaving would learn the new value.
    pub rotate_warning: Option<rotation::RotateWarning>,
    pub generator: Generator,
    pub authenticator: SecretAuthenticator,
}

/// When a "N s" countdown to `until` shows its next number (or `until` itself, at the end).
pub fn next_second_change(now: jiff::Timestamp, until: jiff::Timestamp) -> jiff::Timestamp {
    let left = now.duration_until(until);
    if left <= jiff::SignedDuration::ZERO {
        return now;
    }
    let fraction = left - jiff::SignedDuration::from_secs(left.as_secs());
    let step = if fraction.is_zero() { jiff::SignedDuration::from_secs(1) } else { fraction };
    now.checked_add(step).unwrap_or(until).min(until)
}

impl SecretsPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
        view::ui(ui, self, records, commands);
    }

    /// Show one secret (or none) and read who could know it.
    pub fn select(&mut self, id: Option<i64>, office: &Office, records: &Records) -> ServiceResult<()> {
        self.selected = id;
        self.revealed = None;
        self.rotate_warning = None;
        // What was typed for one secret must not be applied to the next.
        self.forms.rotate_value.clear();
        self.forms.compromise_note.clear();
        self.authenticator.uri.clear();
        self.authenticator.image.clear();
        self.authenticator.code = None;
        let status = id.and_then(|id| records.secret(id));
        self.forms.interval = status.map(rotation::interval_choice).unwrap_or_default();
        let name = status.map(|s| s.secret.name.clone());
        self.holders = match name {
            Some(name) => office.secret_holders(&name)?,
            None => Vec::new(),
        };
        Ok(())
    }

    /// After the office was read again: who could know the selected secret now.
    pub fn reload(&mut self, office: &Office, records: &Records) -> ServiceResult<()> {
        self.rotate_warning = None;
        self.holders = match self.selected.and_then(|id| records.secret(id)) {
            Some(status) => office.secret_holders(&status.secret.name)?,
            None => Vec::new(),
        };
        Ok(())
    }

    /// Every frame: hide a revealed secret and drop a shown code once their time is up.
    pub fn tick(&mut self, now: jiff::Timestamp) {
        let authenticator = &mut self.authenticator;
        authenticator.now = Some(now);
        if authenticator.code.as_ref().is_some_and(|(_, _, until)| now >= *until) {
            authenticator.code = None;
        }
        if self.revealed.as_ref().is_some_and(|(_, _, until)| now >= *until) {
            self.revealed = None;
        }
        self.reveal_left_secs = self.revealed.as_ref().map(|(_, _, until)| now.duration_until(*until).as_secs().max(0));
    }

    pub fn hide(&mut self) {
        self.revealed = None;
    }

    /// When the page must be drawn again without input: the next change of a countdown's
    /// seconds (a revealed value, an authenticator code).
    pub fn next_wake(&self, now: jiff::Timestamp) -> Option<jiff::Timestamp> {
        let revealed = self.revealed.as_ref().map(|(_, _, until)| *until);
        let code = self.authenticator.code.as_ref().map(|(_, _, until)| *until);
        [revealed, code].into_iter().flatten().map(|until| next_second_change(now, until)).min()
    }
}
