//! One access review on screen: its progress, the item under the cursor with its decisions,
//! keyboard decisions (K keep, R remove, J next), sign-off and the evidence export, and the
//! table grouped by person or by system.

use super::ReviewCommand;
use super::list::state_label;
use super::open_review::OpenReview;
use crate::domain::access::Directory;
use crate::domain::checklist::ItemState;
use crate::domain::review::{Decision, ReviewItem};
use crate::ui::commands::{Command, Target};
use crate::ui::widgets::style::{self, State, space};
use crate::ui::widgets::{Answer, CHOOSE_FILE, action_button, confirm_dialog, text_field};
use egui_extras::{Column, TableBuilder};
use std::collections::HashMap;

pub fn ui(
    ui: &mut egui::Ui,
    open: &mut OpenReview,
    export_base: &mut String,
    directory: &Directory,
    commands: &mut Vec<Command>,
) {
    keyboard(ui, open, directory, commands);
    let summary = &open.summary;
    ui.horizontal(|ui| {
        if ui.button("Back to all reviews").clicked() {
            commands.push(Command::Open(Target::Review(None)));
        }
        ui.heading(summary.title());
    });
    ui.horizontal(|ui| {
        ui.label(format!("Reviewer: {}", summary.review.reviewer));
        ui.separator();
        ui.label(format!("Due {}", summary.review.due));
        ui.separator();
        state_label(ui, summary);
    });
    let counts = summary.counts;
    let progress = if counts.items == 0 { 1.0 } else { counts.decided as f32 / counts.items as f32 };
    ui.add(
        egui::ProgressBar::new(progress)
            .text(format!(
                "{} of {} decided ({} kept, {} removed, {} reduced)",
                counts.decided, counts.items, counts.kept, counts.removed, counts.reduced
            ))
            .desired_width(520.0),
    );
    if counts.revocations > 0 {
        let done = counts.revocations - counts.revocations_open;
        ui.add(
            egui::ProgressBar::new(done as f32 / counts.revocations as f32)
                .text(format!("{done} of {} removals done", counts.revocations))
                .desired_width(520.0),
        );
    }
    ui.horizontal(|ui| {
        let mut by_system = open.by_system;
        ui.radio_value(&mut by_system, false, "By person");
        ui.radio_value(&mut by_system, true, "By system");
        let mut changed_only = open.changed_only;
        ui.checkbox(&mut changed_only, "Only what changed since the last review");
        if by_system != open.by_system || changed_only != open.changed_only {
            commands.push(ReviewCommand::Arrange { by_system, changed_only }.into());
        }
        ui.weak(format!("{} shown", open.rows.len()));
    });
    current_ui(ui, open, directory, commands);
    ui.add_space(space::TIGHT);
    closing_ui(ui, open, export_base, commands);
    ui.add_space(space::TIGHT);
    table_ui(ui, open, commands);
}

/// K keep, R remove, J next (and the arrow keys), unless a text field has the keyboard or a
/// dialog (help, confirmation) is over the review.
fn keyboard(ui: &egui::Ui, open: &OpenReview, directory: &Directory, commands: &mut Vec<Command>) {
    let behind_dialog = !ui.ctx().memory(|m| m.is_above_modal_layer(ui.layer_id()));
    if ui.ctx().text_edit_focused() || behind_dialog || open.rows.is_empty() {
        return;
    }
    let (keep, remove, next, up) = ui.input(|i| {
        let plain = i.modifiers.is_none();
        (
            plain && i.key_pressed(egui::Key::K),
            plain && i.key_pressed(egui::Key::R),
            plain && (i.key_pressed(egui::Key::J) || i.key_pressed(egui::Key::ArrowDown)),
            plain && i.key_pressed(egui::Key::ArrowUp),
        )
    });
    let roles = open.current().map(|item| directory.roles_giving(item.item.staff_id, item.item.level_id));
    if keep && !open.locked() {
        commands.push(ReviewCommand::Decide("keep".into()).into());
    } else if remove && !open.locked() && roles.as_ref().is_some_and(|r| !r.is_empty()) {
        let roles = roles.unwrap_or_default().join(", ");
        let why = format!("R cannot remove this: role {roles} gives it. Change their roles, or reduce it.");
        commands.push(ReviewCommand::Explain(why).into());
    } else if remove && !open.locked() {
        commands.push(ReviewCommand::Decide("remove".into()).into());
    } else if next {
        commands.push(ReviewCommand::Cursor(open.cursor + 1).into());
    } else if up {
        commands.push(ReviewCommand::Cursor(open.cursor.saturating_sub(1)).into());
    }
}

fn current_ui(ui: &mut egui::Ui, open: &mut OpenReview, directory: &Directory, commands: &mut Vec<Command>) {
    let locked = open.locked();
    let by_system = open.by_system;
    let Some(item) = open.current() else {
        ui.label("Nothing to show with this filter.");
        return;
    };
    let s = item.item.clone();
    let cursor = open.cursor;
    let comment = &mut open.comment;
    let mut flags = Vec::new();
    if s.is_exception() {
        flags.push("exception");
    }
    if s.privileged {
        flags.push("privileged");
    }
    if s.customer_data {
        flags.push("customer data");
    }
    ui.group(|ui| {
        ui.strong(format!("{} — {} ({})", s.full_name, s.system, s.level));
        ui.label(format!(
            "From {}{}",
            s.source,
            if flags.is_empty() { String::new() } else { format!(" · {}", flags.join(", ")) }
        ));
        if !s.changed.is_empty() {
            style::state_label(ui, State::Attention, format!("Changed since the last review: {}", s.changed));
        }
        if locked {
            return;
        }
        let (person, system) = (s.full_name.clone(), s.system.clone());
        let lower: Vec<String> = directory
            .level(s.level_id)
            .map(|(sys, level)| sys.levels.iter().filter(|l| l.rank < level.rank).map(|l| l.name.clone()).collect())
            .unwrap_or_default();
        let field = text_field(ui, "Comment", comment);
        if std::mem::take(&mut open.focus_comment) {
            field.request_focus();
        }
        ui.horizontal(|ui| {
            if ui.button("Keep (K)").clicked() {
                commands.push(ReviewCommand::Decide("keep".into()).into());
            }
            // Access a role gives cannot be removed person by person: say so now, and offer
            // what works (their roles, with the mover preview; or a lower level).
            let roles = directory.roles_giving(s.staff_id, s.level_id);
            let why_not = (!roles.is_empty()).then(|| format!("Given by role {}.", roles.join(" and role ")));
            if action_button(ui, "Remove (R)", why_not.as_deref()) {
                commands.push(ReviewCommand::Decide("remove".into()).into());
            }
            if !roles.is_empty() && ui.button(format!("Change {person}'s roles…")).clicked() {
                commands.push(Command::Open(Target::Staff(s.staff_id)));
            }
            for level in lower {
                if ui.button(format!("Reduce to {level}")).clicked() {
                    commands.push(ReviewCommand::Decide(format!("reduce:{level}")).into());
                }
            }
            if ui.button("Next (J)").clicked() {
                commands.push(ReviewCommand::Cursor(cursor + 1).into());
            }
            ui.separator();
            let bulk = if by_system { format!("Keep everyone's {system}") } else { format!("Keep all of {person}'s") };
            if ui.button(bulk).clicked() {
                commands.push(ReviewCommand::KeepGroup.into());
            }
        });
    });
}

fn closing_ui(ui: &mut egui::Ui, open: &OpenReview, export_base: &mut String, commands: &mut Vec<Command>) {
    if open.confirm_sign_off {
        sign_off_dialog(ui.ctx(), open, commands);
    }
    let counts = open.summary.counts;
    ui.horizontal(|ui| {
        if !open.locked() {
            let undecided = counts.items - counts.decided;
            let why_not = (undecided > 0).then(|| match undecided {
                1 => "1 item still needs a decision.".to_owned(),
                n => format!("{n} items still need a decision."),
            });
            if action_button(ui, "Sign off", why_not.as_deref()) {
                commands.push(ReviewCommand::AskSignOff(true).into());
            }
        }
        let (hint, target) = ("/path/to/review-1 (.pdf and .csv)", crate::ui::file_dialog::FileTarget::ReviewEvidence);
        crate::ui::file_dialog::path_field(ui, "Evidence files", hint, export_base, target, commands);
        if action_button(ui, "Export PDF and CSV", export_base.trim().is_empty().then_some(CHOOSE_FILE)) {
            commands.push(ReviewCommand::Export.into());
        }
    });
    for (at, by, files) in &open.exports {
        ui.weak(format!("Exported {} by {by}: {files}", at.strftime("%Y-%m-%d %H:%M")));
    }
}

fn decision_text(item: &ReviewItem, revocations: &HashMap<i64, ItemState>) -> String {
    let decision = match &item.decision {
        None => return String::new(),
        Some(Decision::Keep) => "keep".to_owned(),
        Some(Decision::Remove) => "remove".to_owned(),
        Some(Decision::Reduce(level)) => format!("reduce to {level}"),
    };
    match revocations.get(&item.id) {
        None => decision,
        Some(state) => format!("{decision} ({})", state.label()),
    }
}

fn table_ui(ui: &mut egui::Ui, open: &mut OpenReview, commands: &mut Vec<Command>) {
    let scroll_to = open.scroll_to_cursor.then_some(open.cursor);
    open.scroll_to_cursor = false;
    let mut table = TableBuilder::new(ui)
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::exact(180.0))
        .column(Column::exact(150.0))
        .column(Column::exact(90.0))
        .column(Column::remainder().at_least(160.0))
        .column(Column::exact(120.0))
        .column(Column::exact(150.0));
    if let Some(row) = scroll_to {
        table = table.scroll_to_row(row, Some(egui::Align::Center));
    }
    let (first, second) = if open.by_system { ("System", "Person") } else { ("Person", "System") };
    table
        .header(22.0, |mut header| {
            for title in [first, second, "Level", "Source", "Changed", "Decision"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(22.0, open.rows.len(), |mut row| {
                let index = row.index();
                let item = &open.items[open.rows[index]];
                let s = &item.item;
                let previous = index.checked_sub(1).map(|p| &open.items[open.rows[p]].item);
                let (group, other) = if open.by_system { (&s.system, &s.full_name) } else { (&s.full_name, &s.system) };
                let same_group = previous.is_some_and(|p| {
                    if open.by_system { p.system_id == s.system_id } else { p.staff_id == s.staff_id }
                });
                row.set_selected(index == open.cursor);
                row.col(|ui| {
                    if !same_group {
                        ui.strong(group);
                    }
                });
                row.col(|ui| {
                    ui.label(other);
                });
                row.col(|ui| {
                    if s.privileged {
                        ui.colored_label(State::Attention.color(ui), &s.level);
                    } else {
                        ui.label(&s.level);
                    }
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(&s.source).truncate());
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(&s.changed).truncate());
                });
                row.col(|ui| {
                    ui.label(decision_text(item, &open.revocations));
                });
                if row.response().clicked() {
                    commands.push(ReviewCommand::Cursor(index).into());
                }
            });
        });
}

/// Says what signing off does before it is done: it cannot be undone.
fn sign_off_dialog(ctx: &egui::Context, open: &OpenReview, commands: &mut Vec<Command>) {
    let counts = open.summary.counts;
    let changes = counts.removed + counts.reduced;
    let what_happens = [
        format!(
            "{} decisions are locked: {} kept, {} removed, {} reduced. They cannot be changed afterwards.",
            counts.decided, counts.kept, counts.removed, counts.reduced
        ),
        match changes {
            0 => "Nobody loses access: the review is finished.".to_owned(),
            1 => "The removal becomes a checklist item to carry out (Joiners & leavers lists it).".to_owned(),
            n => format!("The {n} removals become checklist items to carry out (Joiners & leavers lists them)."),
        },
        "The signed-off review, with who decided what, is the evidence for an auditor.".to_owned(),
    ];
    match confirm_dialog(ctx, "Sign off this review?", &what_happens, "Sign off now") {
        Some(Answer::Confirm) => commands.push(ReviewCommand::SignOff.into()),
        Some(Answer::Cancel) => commands.push(ReviewCommand::AskSignOff(false).into()),
        None => {}
    }
}
