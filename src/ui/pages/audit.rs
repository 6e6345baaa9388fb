//! The audit log page: every recorded action, newest first, in a virtualised list that only
//! lays out the rows on screen.

use crate::domain::access::Directory;
use crate::domain::audit::{AuditRecord, name_people};
use crate::service::readable;
use crate::ui::widgets::style::space;

/// The audit log; summaries name people (the log itself keeps only their number) and say
/// "1 item" rather than "1 item(s)". Only the rows on screen are worded, each frame.
pub fn ui(ui: &mut egui::Ui, records: &[AuditRecord], directory: &Directory, today: jiff::civil::Date) {
    ui.weak("Every sign-in and change, chained so that edits are detected by “Verify the vault”.");
    ui.add_space(space::ROW);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    header(ui);
    ui.separator();
    egui::ScrollArea::both().auto_shrink([false, false]).show_rows(ui, row_height, records.len(), |ui, rows| {
        for record in &records[rows] {
            ui.horizontal(|ui| {
                cell(ui, 60.0, &record.seq.to_string());
                cell(ui, 150.0, &record.at.strftime("%Y-%m-%d %H:%M:%S").to_string());
                cell(ui, 110.0, if record.operator.is_empty() { "—" } else { &record.operator });
                cell(ui, 190.0, &action_in_words(&record.action));
                let summary =
                    name_people(&record.full_summary(), |id| directory.person(id).map(|p| p.full_name.clone()));
                ui.label(readable(&summary, today));
            });
        }
    });
}

/// An audit summary as a person reads it: people by name, counts and dates in words.
pub fn in_words(summary: &str, directory: &Directory, today: jiff::civil::Date) -> String {
    let named = name_people(summary, |id| directory.person(id).map(|p| p.full_name.clone()));
    readable(&named, today)
}

/// An action's code ("checklist.done") in words ("checklist done").
pub fn action_in_words(action: &str) -> String {
    action.replace(['.', '_'], " ")
}

fn header(ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        for (width, title) in [(60.0, "#"), (150.0, "When (UTC)"), (110.0, "Operator"), (190.0, "Action")] {
            ui.add_sized([width, 18.0], egui::Label::new(egui::RichText::new(title).strong()));
        }
        ui.strong("What happened");
    });
}

fn cell(ui: &mut egui::Ui, width: f32, text: &str) {
    ui.add_sized([width, 18.0], egui::Label::new(text).truncate());
}
