//! Before a rotation: the warning when someone leaving still has the access that lets them
//! know the secret (the new value would reach them too), with the choice to rotate anyway or
//! go to their checklist first.

use super::SecretCommand;
use crate::service::{LeavingHolder, date_in_words};
use crate::ui::commands::{Command, Target};
use jiff::civil::Date;

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
        ui.add_space(6.0);
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
        ui.add_space(10.0);
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
