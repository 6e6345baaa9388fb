//! The dashboard, shown after sign-in: counts at the top, then everything that needs
//! attention, most urgent first; each row opens the place to act.

use crate::ui::commands::{Command, Page};
use crate::ui::records::Records;

pub fn ui(ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
    let staff = records.directory.staff.len();
    let (customer, privileged) = (records.customer_data_count, records.privileged_count);
    ui.horizontal(|ui| {
        for (number, label) in
            [(staff, "staff"), (customer, "with customer-data access"), (privileged, "with privileged access")]
        {
            egui::Frame::group(ui.style()).inner_margin(12.0).show(ui, |ui| {
                ui.vertical(|ui| {
                    ui.label(egui::RichText::new(number.to_string()).size(24.0).strong());
                    ui.label(label);
                });
            });
        }
    });
    getting_started(ui, records, commands);
    ui.add_space(12.0);
    if records.due.is_empty() {
        ui.label("Nothing needs attention.");
        return;
    }
    ui.strong(format!("{} thing(s) need attention", records.due.len()));
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    egui::ScrollArea::vertical().id_salt("due").show_rows(ui, row_height, records.due.len(), |ui, range| {
        for index in range {
            let item = &records.due[index];
            ui.horizontal(|ui| {
                let when = if item.overdue { "overdue" } else { "due" };
                let color = if item.overdue { ui.visuals().error_fg_color } else { ui.visuals().warn_fg_color };
                ui.colored_label(color, format!("{when} {}", item.due));
                if ui.link(format!("{}: {}", item.subject, item.reason)).clicked() {
                    commands.push(Command::OpenDue(index));
                }
            });
        }
    });
}

/// For a new office: the three steps that make the rest useful. Gone once all are done.
fn getting_started(ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
    let directory = &records.directory;
    let steps = [
        (
            !directory.systems.is_empty(),
            "Add the systems your office uses (email, files, the alarm code…)",
            Page::Systems,
        ),
        (!directory.roles.is_empty(), "Describe the roles: which access each job needs", Page::Roles),
        (!directory.staff.is_empty(), "Add your first staff member and give them a role", Page::Staff),
    ];
    if steps.iter().all(|(done, _, _)| *done) {
        return;
    }
    ui.add_space(12.0);
    egui::Frame::group(ui.style()).inner_margin(12.0).show(ui, |ui| {
        ui.strong("Getting started");
        for (done, text, page) in steps {
            ui.horizontal(|ui| {
                if done {
                    ui.label(egui::RichText::new(format!("Done: {text}")).weak());
                } else if ui.link(format!("To do: {text}")).clicked() {
                    commands.push(Command::Navigate(page));
                }
            });
        }
    });
}
