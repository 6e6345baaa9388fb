//! One joiner's or leaver's checklist: items ticked (irreversible ones confirmed first) or
//! skipped with a reason, links to where an item is done, the report, and marking as left.

use super::{ProcessCommand, ProcessesPage};
use crate::domain::checklist::{ChecklistId, ItemKind, ItemState, Process};
use crate::ui::commands::{Command, Target};
use crate::ui::records::Records;
use crate::ui::widgets::{CHOOSE_FILE, action_button};

pub fn ui(
    ui: &mut egui::Ui,
    page: &mut ProcessesPage,
    records: &Records,
    id: ChecklistId,
    commands: &mut Vec<Command>,
) {
    if ui.button("Back to joiners & leavers").clicked() {
        commands.push(ProcessCommand::Open(None).into());
    }
    let today = records.today;
    let Some(list) = records.checklists.iter().find(|c| c.id == id) else {
        ui.label("This checklist is finished or no longer exists.");
        return;
    };
    let name = records.directory.person(list.staff_id).map_or("?", |p| p.full_name.as_str());
    ui.heading(format!("{} checklist: {name} ({})", list.process, list.key_date));
    ui.add(egui::ProgressBar::new(list.progress()).show_percentage());
    let forms = &mut page.forms;
    egui::ScrollArea::vertical().id_salt("checklist").show(ui, |ui| {
        for item in &list.items {
            ui.horizontal(|ui| match &item.state {
                ItemState::Open => {
                    if ui.button(format!("Done: {}", item.title)).clicked() {
                        if item.kind.is_irreversible() {
                            commands.push(ProcessCommand::ConfirmItem(Some(item.id)).into());
                        } else {
                            commands.push(ProcessCommand::CompleteItem(item.id).into());
                        }
                    }
                    match item.kind {
                        ItemKind::RotateSecret { secret } if ui.button("Open the secret to rotate it").clicked() => {
                            commands.push(Command::Open(Target::Secret(secret)));
                        }
                        ItemKind::CreateAccount { system }
                        | ItemKind::EnrolMfa { system }
                        | ItemKind::TransferOwnership { system }
                        | ItemKind::AddAccess { system, .. }
                        | ItemKind::RemoveAccess { system, .. }
                            if ui.small_button("Open system").clicked() =>
                        {
                            commands.push(Command::Open(Target::System(system)));
                        }
                        ItemKind::RemoveRole { .. }
                        | ItemKind::RevokeGrant { .. }
                        | ItemKind::DisableAccount { .. }
                            if ui.small_button("Open person").clicked() =>
                        {
                            commands.push(Command::Open(Target::Staff(list.staff_id)));
                        }
                        _ => {}
                    }
                    if ui.button(format!("Skip: {}", item.title)).clicked() {
                        commands.push(ProcessCommand::SkipItem(item.id).into());
                    }
                    let color = if item.due < today { ui.visuals().error_fg_color } else { ui.visuals().text_color() };
                    ui.colored_label(color, format!("due {}", item.due));
                }
                ItemState::Done { by, at } => {
                    ui.label(format!("Done: {} — {by}, {}", item.title, at.strftime("%Y-%m-%d %H:%M")));
                }
                ItemState::Skipped { by, at, reason } => {
                    ui.weak(format!("Skipped: {} — {by}, {}: {reason}", item.title, at.strftime("%Y-%m-%d %H:%M")));
                }
            });
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let label = ui.label("Reason for skipping");
            ui.add(egui::TextEdit::singleline(&mut forms.skip_reason).desired_width(320.0)).labelled_by(label.id);
        });
        {
            ui.horizontal(|ui| {
                let (path, target) = (&mut forms.report_path, crate::ui::file_dialog::FileTarget::Report);
                let label = "Report file (without extension)";
                crate::ui::file_dialog::path_field(ui, label, "/path/to/leaver-report", path, target, commands);
                if action_button(
                    ui,
                    "Save report (PDF and CSV)",
                    forms.report_path.trim().is_empty().then_some(CHOOSE_FILE),
                ) {
                    commands.push(ProcessCommand::SaveReport(list.id).into());
                }
            });
        }
        if list.process == Process::Leaver
            && list.is_complete()
            && list.finished_at.is_none()
            && ui.button("Mark as left").clicked()
        {
            commands.push(ProcessCommand::FinishLeaver(list.staff_id).into());
        }
    });
    if let Some(item) = page.confirm_item.and_then(|i| list.items.iter().find(|it| it.id == i)) {
        egui::Modal::new(egui::Id::unique("confirm-item")).show(ui.ctx(), |ui| {
            ui.heading("This cannot be undone here");
            ui.label(format!("{}. Do it now?", item.title));
            ui.horizontal(|ui| {
                if ui.button("Yes, do it").clicked() {
                    commands.push(ProcessCommand::CompleteItem(item.id).into());
                }
                if ui.button("Not now").clicked() {
                    commands.push(ProcessCommand::ConfirmItem(None).into());
                }
            });
        });
    }
}
