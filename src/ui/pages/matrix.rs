//! The access matrix: staff down (with its own search, shown when active), systems across, the
//! level in each cell; exceptions marked with an asterisk and privileged access highlighted. Rows are
//! virtualised. The page's state, commands, drawing and exports.

use crate::domain::staff_query::StaffFilter;
use crate::ui::commands::{Command, Outcome};
use crate::ui::pages::Context;
use crate::ui::records::Records;
use crate::ui::shell::{Exports, JobOutput, JobRequest};
use crate::ui::widgets::style::State;
use crate::ui::widgets::{CHOOSE_FILE, action_button};

const NAME_WIDTH: f32 = 180.0;
const CELL_WIDTH: f32 = 90.0;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatrixCommand {
    /// Show the systems from this one on.
    Columns(usize),
    /// The search changed (or was cleared): work out the rows again.
    Refilter,
    ClearSearch,
    Export,
    ExportAccess,
}

impl From<MatrixCommand> for Command {
    fn from(command: MatrixCommand) -> Self {
        Command::Matrix(command)
    }
}

#[derive(Default)]
pub struct MatrixPage {
    pub customer_only: bool,
    pub first_column: usize,
    /// This page's own search; the Staff page's filters never carry over.
    pub search: String,
    /// The people shown, as indexes into the directory.
    pub rows: Vec<usize>,
    pub export_path: String,
}

impl MatrixPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
        matrix_ui(ui, self, records, commands);
    }

    /// Work out the rows from the search (after it changed, and after the office was read).
    pub fn refilter(&mut self, records: &Records) {
        let filter = StaffFilter { text: self.search.clone(), ..StaffFilter::default() };
        self.rows = records.index.query(&records.directory, &filter);
    }

    pub fn apply(&mut self, command: MatrixCommand, cx: &mut Context<'_>) -> Outcome {
        let path = self.export_path.trim().to_owned();
        let (csv, message) = match command {
            MatrixCommand::Columns(first) => {
                self.first_column = first;
                return Outcome::SHOWN;
            }
            MatrixCommand::Refilter => {
                self.refilter(cx.records);
                return Outcome::SHOWN;
            }
            MatrixCommand::ClearSearch => {
                self.search.clear();
                self.refilter(cx.records);
                return Outcome::SHOWN;
            }
            MatrixCommand::Export => (Some(self.customer_only), "Access matrix"),
            MatrixCommand::ExportAccess => (None, "Access list"),
        };
        let overwrite = cx.exports.overwrite();
        Outcome::Background(JobRequest::new(format!("Exporting the {}", message.to_lowercase()), true, move |office| {
            let csv = match csv {
                Some(customer_only) => office.export_matrix_csv(customer_only)?,
                None => office.export_access_csv()?,
            };
            Exports::write_file(&path, &csv, overwrite)?;
            Ok(JobOutput::Message(Some(format!("{message} exported to {path}."))))
        }))
    }
}

fn matrix_ui(ui: &mut egui::Ui, page: &mut MatrixPage, records: &Records, commands: &mut Vec<Command>) {
    search_ui(ui, page, records, commands);
    let MatrixPage { rows, export_path, .. } = page;
    let rows: &[usize] = rows;
    ui.horizontal(|ui| {
        ui.checkbox(&mut page.customer_only, "Only systems with customer data");
        ui.weak("* exception (not from a role)   highlighted: privileged");
    });
    ui.horizontal(|ui| {
        let (path, target) = (&mut *export_path, crate::ui::file_dialog::FileTarget::MatrixExport);
        crate::ui::file_dialog::path_field(ui, "CSV file", "/path/to/matrix.csv", path, target, commands);
        let why_not = export_path.trim().is_empty().then_some(CHOOSE_FILE);
        if ui
            .add_enabled(why_not.is_none(), egui::Button::new("Export matrix"))
            .on_disabled_hover_text(CHOOSE_FILE)
            .clicked()
        {
            commands.push(MatrixCommand::Export.into());
        }
        if action_button(ui, "Export access list", why_not) {
            commands.push(MatrixCommand::ExportAccess.into());
        }
    });
    let directory = &records.directory;
    let all: Vec<_> = directory.systems.iter().filter(|s| !page.customer_only || s.customer_data).collect();
    // Only the systems that fit are laid out; the rest are a page away (wide offices have 200).
    let spacing = ui.spacing().item_spacing.x;
    let fit = (((ui.available_width() - NAME_WIDTH - 2.0 * spacing - 16.0) / (CELL_WIDTH + spacing)) as usize).max(1);
    let first = page.first_column.min(all.len().saturating_sub(1));
    let systems = &all[first..(first + fit).min(all.len())];
    if all.len() > fit {
        ui.horizontal(|ui| {
            let previous = ui.add_enabled(first > 0, egui::Button::new("Previous systems"));
            if previous.on_disabled_hover_text("These are the first systems.").clicked() {
                commands.push(MatrixCommand::Columns(first.saturating_sub(fit)).into());
            }
            ui.label(format!("Systems {} to {} of {}", first + 1, first + systems.len(), all.len()));
            let next = ui.add_enabled(first + fit < all.len(), egui::Button::new("Next systems"));
            if next.on_disabled_hover_text("These are the last systems.").clicked() {
                commands.push(MatrixCommand::Columns(first + fit).into());
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
        egui::ScrollArea::vertical().id_salt("matrix-v").show_rows(ui, row_height, rows.len(), |ui, range| {
            for &index in &rows[range] {
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
                                    text = text.color(State::Attention.color(ui)).strong();
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

/// The page's own search, and a line that says when it narrows the list.
fn search_ui(ui: &mut egui::Ui, page: &mut MatrixPage, records: &Records, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let label = ui.label("Find staff");
        let field = ui
            .add(egui::TextEdit::singleline(&mut page.search).hint_text("name, team or system").desired_width(220.0))
            .labelled_by(label.id);
        if field.changed() {
            commands.push(MatrixCommand::Refilter.into());
        }
        let all = records.directory.staff.len();
        if page.search.trim().is_empty() {
            ui.weak(format!("All {all} staff"));
        } else {
            ui.colored_label(
                State::Attention.color(ui),
                format!(
                    "Showing {} of {all} staff: only those matching \u{201c}{}\u{201d}",
                    page.rows.len(),
                    page.search.trim()
                ),
            );
            if ui.button("Show everyone").clicked() {
                commands.push(MatrixCommand::ClearSearch.into());
            }
        }
    });
}
