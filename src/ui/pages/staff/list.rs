//! The staff list: search and filters, import and export, and the table (virtualised: only
//! visible rows are laid out).

use super::{StaffCommand, StaffPage};
use crate::domain::staff::StaffStatus;
use crate::domain::staff_query::SortKey;
use crate::service::counted;
use crate::ui::commands::Command;
use crate::ui::records::Records;
use crate::ui::widgets::style::{State, space, state_label};
use crate::ui::widgets::{CHOOSE_FILE, action_button, date_field, indented, pick_list, text_field};
use egui_extras::{Column, TableBuilder};

pub fn ui(
    ui: &mut egui::Ui,
    page: &mut StaffPage,
    records: &Records,
    export_path: &mut String,
    commands: &mut Vec<Command>,
) {
    toolbar_ui(ui, page, records, export_path, commands);
    if page.forms.show_add_staff {
        add_staff_ui(ui, page, records, commands);
    }
    if page.import_plan.is_some() {
        import_preview_ui(ui, page, commands);
    }
    ui.add_space(space::ROW);
    table_ui(ui, page, records, commands);
}

fn toolbar_ui(
    ui: &mut egui::Ui,
    page: &mut StaffPage,
    records: &Records,
    export_path: &mut String,
    commands: &mut Vec<Command>,
) {
    let mut changed = false;
    ui.horizontal(|ui| {
        let label = ui.label("Search");
        let search = ui.add(
            egui::TextEdit::singleline(&mut page.filter.text)
                .hint_text("name, email, team or system")
                .desired_width(260.0),
        );
        changed |= search.labelled_by(label.id).changed();
        let status_text = page.filter.status.map_or("Any status", |s| s.as_str());
        // Each list after its name, as everywhere else.
        let label = ui.label("Status");
        egui::ComboBox::from_id_salt("status-filter")
            .selected_text(status_text)
            .show_ui(ui, |ui| {
                changed |= ui.selectable_value(&mut page.filter.status, None, "Any status").changed();
                for status in StaffStatus::ALL {
                    changed |= ui.selectable_value(&mut page.filter.status, Some(status), status.as_str()).changed();
                }
            })
            .response
            .labelled_by(label.id);
        let team_text = page.filter.team.clone().unwrap_or_else(|| "Any team".into());
        let label = ui.label("Team");
        egui::ComboBox::from_id_salt("team-filter")
            .selected_text(team_text)
            .show_ui(ui, |ui| {
                changed |= ui.selectable_value(&mut page.filter.team, None, "Any team").changed();
                for team in &records.teams {
                    changed |= ui.selectable_value(&mut page.filter.team, Some(team.clone()), team).changed();
                }
            })
            .response
            .labelled_by(label.id);
        changed |= ui.checkbox(&mut page.filter.privileged_only, "Privileged access").changed();
        changed |= ui.checkbox(&mut page.filter.customer_data_only, "Customer data").changed();
    });
    ui.horizontal(|ui| {
        ui.weak(format!("{} of {} staff", page.rows.len(), records.directory.staff.len()));
        if ui.button("Add staff member").clicked() {
            commands.push(StaffCommand::ToggleAdd.into());
        }
        let (path, target) = (&mut page.forms.import_path, crate::ui::file_dialog::FileTarget::ImportStaff);
        crate::ui::file_dialog::path_field(ui, "CSV file", "/path/to/staff.csv", path, target, commands);
        if action_button(ui, "Check import", page.forms.import_path.trim().is_empty().then_some(CHOOSE_FILE)) {
            commands.push(StaffCommand::PreviewImport.into());
        }
    });
    ui.horizontal(|ui| {
        let (path, target) = (&mut *export_path, crate::ui::file_dialog::FileTarget::Export);
        crate::ui::file_dialog::path_field(ui, "Export to", "/path/to/staff-export.csv", path, target, commands);
        if action_button(ui, "Export staff", export_path.trim().is_empty().then_some(CHOOSE_FILE)) {
            commands.push(StaffCommand::Export.into());
        }
    });
    if changed {
        commands.push(StaffCommand::Refilter.into());
    }
}

fn add_staff_ui(ui: &mut egui::Ui, page: &mut StaffPage, records: &Records, commands: &mut Vec<Command>) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.strong("New staff member");
        ui.weak(
            "Only what the job needs: no home address, birth date or ID numbers. Less personal data is less to lose.",
        );
        let forms = &mut page.forms;
        text_field(ui, "Full name", &mut forms.new_name);
        text_field(ui, "Work email", &mut forms.new_email);
        text_field(ui, "Job title", &mut forms.new_title);
        text_field(ui, "Team", &mut forms.new_team);
        pick_list(ui, "Manager", &mut forms.new_manager, &records.people, Some("No manager"));
        date_field(ui, "Start date", &mut forms.new_start, records.today);
        indented(ui, |ui| {
            let why_not = if forms.new_name.trim().is_empty() {
                Some("Type their full name first.")
            } else {
                forms.new_email.trim().is_empty().then_some("Type their work email first.")
            };
            if action_button(ui, "Add", why_not) {
                commands.push(StaffCommand::Add.into());
            }
            if ui.button("Cancel").clicked() {
                commands.push(StaffCommand::ToggleAdd.into());
            }
        });
    });
}

fn import_preview_ui(ui: &mut egui::Ui, page: &StaffPage, commands: &mut Vec<Command>) {
    let Some(plan) = &page.import_plan else {
        return;
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.strong(format!(
            "Import check: {} valid, {} invalid",
            counted(plan.valid.len(), "row", "rows"),
            plan.problems.len()
        ));
        for warning in &plan.warnings {
            ui.weak(warning);
        }
        // Virtualised: a bad file of 10,000 lines draws only the problems in view.
        let row_height = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical().id_salt("import-problems").max_height(140.0).show_rows(
            ui,
            row_height,
            plan.problems.len(),
            |ui, range| {
                for problem in plan.problems.get(range).unwrap_or_default() {
                    state_label(ui, State::Problem, format!("line {}: {}", problem.line, problem.reason));
                }
            },
        );
        ui.label("Nothing has been written yet.");
        ui.horizontal(|ui| {
            let text = match plan.valid.len() {
                1 => "Import the valid row".to_owned(),
                n => format!("Import the {} valid rows", crate::service::thousands(n as u64)),
            };
            if action_button(ui, &text, plan.valid.is_empty().then_some("No row can be imported; correct the file.")) {
                commands.push(StaffCommand::ConfirmImport.into());
            }
            if ui.button("Cancel import").clicked() {
                commands.push(StaffCommand::CancelImport.into());
            }
        });
    });
}

fn sort_header(ui: &mut egui::Ui, page: &StaffPage, key: SortKey, title: &str, commands: &mut Vec<Command>) {
    let arrow = match (page.filter.sort == key, page.filter.descending) {
        (true, false) => " ^",
        (true, true) => " v",
        _ => "",
    };
    if ui
        .add(egui::Button::new(egui::RichText::new(format!("{title}{arrow}")).strong()).frame(false))
        .on_hover_text(format!("Sort by {title}"))
        .clicked()
    {
        commands.push(StaffCommand::Sort(key).into());
    }
}

fn table_ui(ui: &mut egui::Ui, page: &StaffPage, records: &Records, commands: &mut Vec<Command>) {
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    TableBuilder::new(ui)
        .id_salt("staff-table")
        .striped(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(200.0).at_least(120.0).clip(true))
        .column(Column::initial(250.0).at_least(120.0).clip(true))
        .column(Column::initial(140.0).clip(true))
        .column(Column::initial(80.0))
        .column(Column::initial(95.0))
        .column(Column::remainder())
        .header(row_height, |mut header| {
            for (key, title) in [
                (SortKey::Name, "Name"),
                (SortKey::Email, "Email"),
                (SortKey::Team, "Team"),
                (SortKey::Status, "Status"),
                (SortKey::Start, "Start"),
            ] {
                header.col(|ui| sort_header(ui, page, key, title, commands));
            }
            header.col(|ui| {
                ui.strong("Access");
            });
        })
        .body(|body| {
            body.rows(row_height, page.rows.len(), |mut row| {
                let index = page.rows[row.index()];
                let person = &records.directory.staff[index];
                row.col(|ui| {
                    if ui.link(&person.full_name).clicked() {
                        commands.push(StaffCommand::Select(Some(person.id)).into());
                    }
                });
                row.col(|ui| {
                    ui.label(&person.email);
                });
                row.col(|ui| {
                    ui.label(&person.team);
                });
                row.col(|ui| {
                    ui.label(person.status.as_str());
                });
                row.col(|ui| {
                    ui.label(person.start_date.map(|d| d.to_string()).unwrap_or_default());
                });
                row.col(|ui| {
                    if records.index.has_privileged(index) {
                        ui.colored_label(State::Attention.color(ui), "privileged");
                    }
                    if records.index.has_customer_data(index) {
                        ui.weak("customer data");
                    }
                });
            });
        });
}
