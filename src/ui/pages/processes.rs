//! Joiners & leavers: processes in progress and scheduled, each with its progress and overdue
//! items in red; a checklist where items are ticked (irreversible ones confirmed first) or
//! skipped with a reason; and the form to start a joiner.

use crate::domain::checklist::{ChecklistId, ItemKind, ItemState, Process};
use crate::ui::commands::Command;
use crate::ui::records::Records;
use crate::ui::widgets::{indented, text_field};

pub fn ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    if let Some(id) = records.selected_checklist {
        checklist_ui(ui, records, id, commands);
        return;
    }
    egui::ScrollArea::vertical().id_salt("processes").show(ui, |ui| {
        let today = records.today;
        let directory = &records.directory;
        if records.checklists.iter().all(|c| c.finished_at.is_some()) {
            ui.weak("No joiner or leaver in progress.");
        }
        egui::Grid::new("process-list").num_columns(5).striped(true).spacing([16.0, 6.0]).show(ui, |ui| {
            for list in &records.checklists {
                let name = directory.person(list.staff_id).map_or("?", |p| p.full_name.as_str());
                let (what, when) = match list.process {
                    Process::Joiner => ("Joiner", format!("starts {}", list.key_date)),
                    Process::Mover => ("Mover", list.key_date.to_string()),
                    Process::Leaver if list.key_date > today => {
                        ("Leaver (scheduled)", format!("last day {}", list.key_date))
                    }
                    Process::Leaver => ("Leaver", format!("last day {}", list.key_date)),
                    Process::Review => ("Access review", format!("signed off {}", list.key_date)),
                };
                if ui.link(format!("{what}: {name}")).clicked() {
                    commands.push(Command::OpenChecklist(Some(list.id)));
                }
                ui.label(when);
                ui.add(egui::ProgressBar::new(list.progress()).desired_width(160.0).show_percentage());
                let overdue = list.open_items().filter(|i| i.due < today).count();
                if list.finished_at.is_some() {
                    ui.weak("finished");
                } else if overdue > 0 {
                    ui.colored_label(ui.visuals().error_fg_color, format!("{overdue} overdue"));
                } else {
                    ui.label(format!("{} open", list.open_items().count()));
                }
                ui.end_row();
            }
        });
        ui.add_space(16.0);
        joiner_form_ui(ui, records, commands);
        ui.add_space(16.0);
        templates_ui(ui, records, commands);
        ui.add_space(16.0);
        devices_ui(ui, records, commands);
    });
}

fn templates_ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    ui.strong("Items added to every checklist");
    for template in &records.templates {
        ui.horizontal(|ui| {
            ui.label(format!("{}: {} (day {:+})", template.process, template.title, template.offset_days));
            if ui.small_button("Remove").on_hover_text(format!("Remove the item {}", template.title)).clicked() {
                commands.push(Command::RemoveTemplate(template.id));
            }
        });
    }
    let forms = &mut records.forms;
    text_field(ui, "New item", &mut forms.template_title);
    indented(ui, |ui| {
        ui.checkbox(&mut forms.template_leaver, "For leavers (otherwise joiners)");
        let label = ui.label("Days after the key date");
        ui.add(egui::DragValue::new(&mut forms.template_offset).range(-365..=365)).labelled_by(label.id);
        if ui.add_enabled(!forms.template_title.trim().is_empty(), egui::Button::new("Add item")).clicked() {
            commands.push(Command::AddTemplate);
        }
    });
}

fn devices_ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    ui.strong("Device register");
    let directory = &records.directory;
    egui::Grid::new("devices").num_columns(4).striped(true).spacing([16.0, 4.0]).show(ui, |ui| {
        for device in &records.devices {
            ui.label(format!("{} {}", device.kind, device.model));
            ui.label(&device.serial);
            ui.label(
                device.assigned_to.and_then(|s| directory.person(s)).map_or("unassigned", |p| p.full_name.as_str()),
            );
            ui.label(device.returned_on.map_or(String::new(), |d| format!("returned {d}")));
            ui.end_row();
        }
    });
    let forms = &mut records.forms;
    text_field(ui, "Device type", &mut forms.device_kind);
    text_field(ui, "Serial or asset tag", &mut forms.device_serial);
    text_field(ui, "Make and model", &mut forms.device_model);
    text_field(ui, "Issued to (email)", &mut forms.device_assign);
    indented(ui, |ui| {
        let ready = !forms.device_kind.trim().is_empty() && !forms.device_serial.trim().is_empty();
        if ui.add_enabled(ready, egui::Button::new("Register device")).clicked() {
            commands.push(Command::AddDevice);
        }
    });
}

fn joiner_form_ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    let directory = &records.directory;
    let forms = &mut records.forms;
    ui.strong("Start a joiner");
    text_field(ui, "Joiner's full name", &mut forms.joiner_name);
    text_field(ui, "Joiner's work email", &mut forms.joiner_email);
    text_field(ui, "Joiner's team", &mut forms.joiner_team);
    text_field(ui, "Joiner's manager (email)", &mut forms.joiner_manager);
    text_field(ui, "First day (YYYY-MM-DD)", &mut forms.joiner_start);
    indented(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            for role in &directory.roles {
                let mut ticked = forms.joiner_roles.contains(&role.id);
                if ui.checkbox(&mut ticked, &role.name).changed() {
                    if ticked {
                        forms.joiner_roles.push(role.id);
                    } else {
                        forms.joiner_roles.retain(|r| *r != role.id);
                    }
                }
            }
        });
    });
    indented(ui, |ui| {
        let ready = !forms.joiner_name.trim().is_empty()
            && !forms.joiner_email.trim().is_empty()
            && !forms.joiner_start.trim().is_empty();
        if ui.add_enabled(ready, egui::Button::new("Start joiner checklist")).clicked() {
            commands.push(Command::StartJoiner);
        }
    });
}

fn checklist_ui(ui: &mut egui::Ui, records: &mut Records, id: ChecklistId, commands: &mut Vec<Command>) {
    if ui.button("Back to joiners & leavers").clicked() {
        commands.push(Command::OpenChecklist(None));
    }
    let today = records.today;
    let Some(list) = records.checklists.iter().find(|c| c.id == id) else {
        ui.label("This checklist is finished or no longer exists.");
        return;
    };
    let name = records.directory.person(list.staff_id).map_or("?", |p| p.full_name.as_str());
    ui.heading(format!("{} checklist: {name} ({})", list.process, list.key_date));
    ui.add(egui::ProgressBar::new(list.progress()).show_percentage());
    let forms = &mut records.forms;
    egui::ScrollArea::vertical().id_salt("checklist").show(ui, |ui| {
        for item in &list.items {
            ui.horizontal(|ui| match &item.state {
                ItemState::Open => {
                    if ui.button(format!("Done: {}", item.title)).clicked() {
                        if item.kind.is_irreversible() {
                            commands.push(Command::ConfirmItem(Some(item.id)));
                        } else {
                            commands.push(Command::CompleteItem(item.id));
                        }
                    }
                    match item.kind {
                        ItemKind::RotateSecret { secret } if ui.button("Open the secret to rotate it").clicked() => {
                            commands.push(Command::GoToSecret(secret));
                        }
                        ItemKind::CreateAccount { system }
                        | ItemKind::EnrolMfa { system }
                        | ItemKind::TransferOwnership { system }
                        | ItemKind::AddAccess { system, .. }
                        | ItemKind::RemoveAccess { system, .. }
                            if ui.small_button("Open system").clicked() =>
                        {
                            commands.push(Command::GoToSystem(system));
                        }
                        ItemKind::RemoveRole { .. }
                        | ItemKind::RevokeGrant { .. }
                        | ItemKind::DisableAccount { .. }
                            if ui.small_button("Open person").clicked() =>
                        {
                            commands.push(Command::GoToStaff(list.staff_id));
                        }
                        _ => {}
                    }
                    if ui.button(format!("Skip: {}", item.title)).clicked() {
                        commands.push(Command::SkipItem(item.id));
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
                if ui
                    .add_enabled(!forms.report_path.trim().is_empty(), egui::Button::new("Save report (PDF and CSV)"))
                    .clicked()
                {
                    commands.push(Command::SaveReport(list.id));
                }
            });
        }
        if list.process == Process::Leaver
            && list.is_complete()
            && list.finished_at.is_none()
            && ui.button("Mark as left").clicked()
        {
            commands.push(Command::FinishLeaver(list.staff_id));
        }
    });
    if let Some(item) = forms.confirm_item.and_then(|i| list.items.iter().find(|it| it.id == i)) {
        egui::Modal::new(egui::Id::unique("confirm-item")).show(ui.ctx(), |ui| {
            ui.heading("This cannot be undone here");
            ui.label(format!("{}. Do it now?", item.title));
            ui.horizontal(|ui| {
                if ui.button("Yes, do it").clicked() {
                    commands.push(Command::CompleteItem(item.id));
                }
                if ui.button("Not now").clicked() {
                    commands.push(Command::ConfirmItem(None));
                }
            });
        });
    }
}
