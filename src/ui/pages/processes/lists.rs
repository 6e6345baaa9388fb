//! The Joiners & leavers overview: processes in progress and scheduled, each with its progress
//! and overdue items in red; the form to start a joiner; the items added to every checklist;
//! the device register.

use super::{ProcessCommand, ProcessForms};
use crate::domain::checklist::Process;
use crate::ui::commands::Command;
use crate::ui::records::Records;
use crate::ui::widgets::style::{State, space};
use crate::ui::widgets::{action_button, date_field, field_label, indented, pick_list, role_checkboxes, text_field};

pub fn ui(ui: &mut egui::Ui, forms: &mut ProcessForms, records: &Records, commands: &mut Vec<Command>) {
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
                    Process::Incident => ("Incident containment", format!("from {}", list.key_date)),
                };
                if ui.link(format!("{what}: {name}")).clicked() {
                    commands.push(ProcessCommand::Open(Some(list.id)).into());
                }
                ui.label(when);
                ui.add(egui::ProgressBar::new(list.progress()).desired_width(160.0).show_percentage());
                let overdue = list.open_items().filter(|i| i.due < today).count();
                if list.finished_at.is_some() {
                    ui.weak("finished");
                } else if overdue > 0 {
                    ui.colored_label(State::Problem.color(ui), format!("{overdue} overdue"));
                } else {
                    ui.label(format!("{} open", list.open_items().count()));
                }
                ui.end_row();
            }
        });
        ui.add_space(space::SECTION);
        joiner_form_ui(ui, forms, records, commands);
        ui.add_space(space::SECTION);
        templates_ui(ui, forms, records, commands);
        ui.add_space(space::SECTION);
        devices_ui(ui, forms, records, commands);
    });
}

fn templates_ui(ui: &mut egui::Ui, forms: &mut ProcessForms, records: &Records, commands: &mut Vec<Command>) {
    ui.strong("Items added to every checklist");
    for template in &records.templates {
        ui.horizontal(|ui| {
            ui.label(format!("{}: {} ({})", template.process, template.title, when_in_words(template.offset_days)));
            if ui.small_button("Remove").on_hover_text(format!("Remove the item {}", template.title)).clicked() {
                commands.push(ProcessCommand::RemoveTemplate(template.id).into());
            }
        });
    }
    text_field(ui, "New item", &mut forms.template_title);
    indented(ui, |ui| {
        ui.checkbox(&mut forms.template_leaver, "For leavers (otherwise joiners)");
        let label = ui.label("Due, in days after the first or last day (before it if negative)");
        ui.add(egui::DragValue::new(&mut forms.template_offset).range(-365..=365)).labelled_by(label.id);
        if action_button(ui, "Add item", forms.template_title.trim().is_empty().then_some("Type the item first.")) {
            commands.push(ProcessCommand::AddTemplate.into());
        }
    });
}

/// When a template item is due, from its offset: "on the day", "3 days after", "1 day before".
fn when_in_words(offset_days: i64) -> String {
    let days = |n: i64| if n == 1 { "1 day".to_owned() } else { format!("{n} days") };
    match offset_days {
        0 => "on the day".to_owned(),
        n if n > 0 => format!("{} after", days(n)),
        n => format!("{} before", days(-n)),
    }
}

/// How tall the device register may grow before it scrolls (about ten rows).
const DEVICE_LIST_HEIGHT: f32 = 240.0;

fn devices_ui(ui: &mut egui::Ui, forms: &mut ProcessForms, records: &Records, commands: &mut Vec<Command>) {
    ui.strong("Device register");
    let directory = &records.directory;
    // Virtualised: an office with thousands of devices draws only the rows in view.
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    egui_extras::TableBuilder::new(ui)
        .id_salt("devices")
        .striped(true)
        .max_scroll_height(DEVICE_LIST_HEIGHT)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(egui_extras::Column::initial(220.0).clip(true))
        .column(egui_extras::Column::initial(140.0).clip(true))
        .column(egui_extras::Column::initial(200.0).clip(true))
        .column(egui_extras::Column::remainder())
        .body(|body| {
            body.rows(row_height, records.devices.len(), |mut row| {
                let Some(device) = records.devices.get(row.index()) else { return };
                let holder = device.assigned_to.and_then(|s| directory.person(s));
                row.col(|ui| {
                    ui.label(format!("{} {}", device.kind, device.model));
                });
                row.col(|ui| {
                    ui.label(&device.serial);
                });
                row.col(|ui| {
                    ui.label(holder.map_or("unassigned", |p| p.full_name.as_str()));
                });
                row.col(|ui| {
                    ui.label(device.returned_on.map_or(String::new(), |d| format!("returned {d}")));
                });
            });
        });
    text_field(ui, "Device type", &mut forms.device_kind);
    text_field(ui, "Serial or asset tag", &mut forms.device_serial);
    text_field(ui, "Make and model", &mut forms.device_model);
    pick_list(ui, "Issued to", &mut forms.device_assign, &records.people, Some("Nobody yet"));
    indented(ui, |ui| {
        let why_not = if forms.device_kind.trim().is_empty() {
            Some("Type what kind of device it is first.")
        } else {
            forms.device_serial.trim().is_empty().then_some("Type its serial number or asset tag first.")
        };
        if action_button(ui, "Register device", why_not) {
            commands.push(ProcessCommand::AddDevice.into());
        }
    });
}

fn joiner_form_ui(ui: &mut egui::Ui, forms: &mut ProcessForms, records: &Records, commands: &mut Vec<Command>) {
    let directory = &records.directory;
    ui.strong("Start a joiner");
    text_field(ui, "Joiner's full name", &mut forms.joiner_name);
    text_field(ui, "Joiner's work email", &mut forms.joiner_email);
    text_field(ui, "Joiner's team", &mut forms.joiner_team);
    pick_list(ui, "Joiner's manager", &mut forms.joiner_manager, &records.people, Some("No manager"));
    date_field(ui, "First day", &mut forms.joiner_start, records.today);
    ui.horizontal_top(|ui| {
        field_label(ui, "Roles");
        ui.horizontal_wrapped(|ui| {
            role_checkboxes(ui, &directory.roles, &mut forms.joiner_roles);
        });
    });
    indented(ui, |ui| {
        let why_not = [
            (forms.joiner_name.trim().is_empty(), "Type the joiner's name first."),
            (forms.joiner_email.trim().is_empty(), "Type their work email first."),
            (forms.joiner_start.trim().is_empty(), "Give their first day first."),
        ]
        .into_iter()
        .find_map(|(missing, why)| missing.then_some(why));
        if action_button(ui, "Start joiner checklist", why_not) {
            commands.push(ProcessCommand::StartJoiner.into());
        }
    });
}
