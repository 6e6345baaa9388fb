//! The access matrix: staff down, systems across, the level in each cell; exceptions marked
//! with an asterisk and privileged access highlighted. Rows are virtualised.

use crate::ui::commands::Command;
use crate::ui::records::Records;

const NAME_WIDTH: f32 = 180.0;
const CELL_WIDTH: f32 = 90.0;

pub fn ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.checkbox(&mut records.matrix_customer_only, "Only systems with customer data");
        ui.weak("* exception (not from a role)   highlighted: privileged");
    });
    ui.horizontal(|ui| {
        let (path, target) = (&mut records.forms.export_path, crate::ui::file_dialog::FileTarget::Export);
        crate::ui::file_dialog::path_field(ui, "CSV file", "/path/to/matrix.csv", path, target, commands);
        if ui.add_enabled(!records.forms.export_path.trim().is_empty(), egui::Button::new("Export matrix")).clicked() {
            commands.push(Command::ExportMatrix);
        }
        if ui
            .add_enabled(!records.forms.export_path.trim().is_empty(), egui::Button::new("Export access list"))
            .clicked()
        {
            commands.push(Command::ExportAccess);
        }
    });
    let directory = &records.directory;
    let all: Vec<_> = directory.systems.iter().filter(|s| !records.matrix_customer_only || s.customer_data).collect();
    // Only the systems that fit are laid out; the rest are a page away (wide offices have 200).
    let spacing = ui.spacing().item_spacing.x;
    let fit = (((ui.available_width() - NAME_WIDTH - 2.0 * spacing - 16.0) / (CELL_WIDTH + spacing)) as usize).max(1);
    let first = records.matrix_first_column.min(all.len().saturating_sub(1));
    let systems = &all[first..(first + fit).min(all.len())];
    if all.len() > fit {
        ui.horizontal(|ui| {
            if ui.add_enabled(first > 0, egui::Button::new("Previous systems")).clicked() {
                commands.push(Command::MatrixColumns(first.saturating_sub(fit)));
            }
            ui.label(format!("Systems {} to {} of {}", first + 1, first + systems.len(), all.len()));
            if ui.add_enabled(first + fit < all.len(), egui::Button::new("Next systems")).clicked() {
                commands.push(Command::MatrixColumns(first + fit));
            }
        });
    }
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    ui.vertical(|ui| {
        ui.horizontal(|ui| {
            left_aligned(ui, NAME_WIDTH, row_height, egui::Label::new(egui::RichText::new("Staff").strong()));
            for system in systems {
                ui.add_sized(
                    [CELL_WIDTH, row_height],
                    egui::Label::new(egui::RichText::new(&system.name).strong()).truncate(),
                );
            }
        });
        egui::ScrollArea::vertical().id_salt("matrix-v").show_rows(ui, row_height, records.rows.len(), |ui, range| {
            for &index in &records.rows[range] {
                let person = &directory.staff[index];
                ui.horizontal(|ui| {
                    left_aligned(ui, NAME_WIDTH, row_height, egui::Label::new(&person.full_name).truncate());
                    for system in systems {
                        let text = records.matrix.get(&(person.id, system.id)).and_then(|cell| {
                            directory.level(cell.level_id).map(|(_, level)| {
                                let mut text = egui::RichText::new(if cell.exception {
                                    format!("{}*", level.name)
                                } else {
                                    level.name.clone()
                                });
                                if cell.privileged {
                                    text = text.color(ui.visuals().warn_fg_color).strong();
                                }
                                text
                            })
                        });
                        ui.add_sized([CELL_WIDTH, row_height], egui::Label::new(text.unwrap_or_default()));
                    }
                });
            }
        });
    });
}

fn left_aligned(ui: &mut egui::Ui, width: f32, height: f32, label: egui::Label) {
    ui.allocate_ui_with_layout(egui::vec2(width, height), egui::Layout::left_to_right(egui::Align::Center), |ui| {
        ui.set_min_width(width);
        ui.add(label);
    });
}
