//! The audit log page: every recorded action, newest first, in a virtualised list that only
//! lays out the rows on screen.

use crate::domain::audit::AuditRecord;
use crate::ui::widgets::style::space;

pub fn ui(ui: &mut egui::Ui, records: &[AuditRecord]) {
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
                cell(ui, 190.0, &record.action);
                ui.label(record.full_summary());
            });
        }
    });
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
