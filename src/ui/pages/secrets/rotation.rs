//! When a secret is rotated: how often (chosen from presets, changeable after it was added),
//! and the warning before a rotation when someone leaving still has the access that lets them
//! know the secret (the new value would reach them too), with the choice to rotate anyway or
//! go to their checklist first.

use super::SecretCommand;
use crate::service::{LeavingHolder, SecretStatus, ServiceError, ServiceResult, date_in_words};
use crate::ui::commands::{Command, Target};
use crate::ui::widgets::style::space;
use crate::ui::widgets::{NOTHING_CHANGED, action_button, indented, pick_list};
use jiff::civil::Date;

/// How often a shared secret is changed, as (days, words).
pub const INTERVALS: [(&str, &str); 5] = [
    ("30", "Every month (30 days)"),
    ("90", "Every quarter (90 days)"),
    ("180", "Every half year (180 days)"),
    ("365", "Every year (365 days)"),
    ("730", "Every two years (730 days)"),
];

/// A chosen interval ("" for no reminder) as days.
pub fn parse_interval(text: &str) -> ServiceResult<Option<i64>> {
    match text.trim() {
        "" => Ok(None),
        text => text.parse().map(Some).map_err(|_| ServiceError::Invalid("the interval is a number of days".into())),
    }
}

/// The interval as a chosen value: days, or "" for no reminder.
pub fn interval_choice(status: &SecretStatus) -> String {
    status.secret.interval_days.map(|d| d.to_string()).unwrap_or_default()
}

/// The selected secret's interval, changed in place from the same presets as a new secret's
/// (and its current interval, when it is none of them); saved only when it changed.
pub fn interval_ui(ui: &mut egui::Ui, chosen: &mut String, status: &SecretStatus, commands: &mut Vec<Command>) {
    let mut choices: Vec<(String, String)> =
        INTERVALS.iter().map(|(d, w)| ((*d).to_owned(), (*w).to_owned())).collect();
    if let Some(days) = status.secret.interval_days
        && !choices.iter().any(|(d, _)| *d == days.to_string())
    {
        choices.push((days.to_string(), format!("Every {days} days")));
    }
    pick_list(ui, "Rotation interval", chosen, &choices, Some("No reminder"));
    indented(ui, |ui| {
        let unchanged = *chosen == interval_choice(status);
        if action_button(ui, "Save rotation interval", unchanged.then_some(NOTHING_CHANGED)) {
            commands.push(SecretCommand::SaveInterval(status.secret.id).into());
        }
    });
}

/// A rotation waiting for an answer, because of who would learn the new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotateWarning {
    pub secret: i64,
    pub leavers: Vec<LeavingHolder>,
}

/// The warning as a dialog; Escape cancels.
pub fn warning_ui(
    ctx: &egui::Context,
    warning: &RotateWarning,
    access: &str,
    today: Date,
    commands: &mut Vec<Command>,
) {
    let title = match warning.leavers.as_slice() {
        [one] => format!("{} could learn the new value", one.name),
        many => format!("{} people who are leaving could learn the new value", many.len()),
    };
    let modal = egui::Modal::new(egui::Id::unique("rotate-warning")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        ui.heading(&title);
        ui.add_space(space::ROW);
        for leaver in &warning.leavers {
            let when = date_in_words(leaver.last_day, today);
            let leaving = if leaver.last_day < today {
                format!("{}'s last day was {when}", leaver.name)
            } else {
                format!("{} is leaving (last day {when})", leaver.name)
            };
            ui.label(format!("{leaving}, and still has access to {access}."));
        }
        ui.label(
            "The new value would be known to them too until their access is removed. Remove it on their \
             checklist first, or rotate now and again once it is gone.",
        );
        ui.add_space(space::BLOCK);
        ui.horizontal_wrapped(|ui| {
            if ui.button("Rotate anyway").clicked() {
                commands.push(SecretCommand::RotateAnyway(warning.secret).into());
            }
            for leaver in &warning.leavers {
                let (label, target) = match leaver.checklist {
                    Some(id) => (format!("Open {}'s checklist", leaver.name), Target::Checklist(id)),
                    None => (format!("Open {}'s page", leaver.name), Target::Staff(leaver.staff_id)),
                };
                if ui.button(label).clicked() {
                    commands.push(SecretCommand::CancelRotate.into());
                    commands.push(Command::Open(target));
                }
            }
            if ui.button("Cancel").clicked() {
                commands.push(SecretCommand::CancelRotate.into());
            }
        });
    });
    if modal.should_close() {
        commands.push(SecretCommand::CancelRotate.into());
    }
}
