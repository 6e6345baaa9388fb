//! Staff: a searchable, filterable, sortable list (virtualised: only visible rows are laid out)
//! with import and export, and one person's page: their details, roles, access and why,
//! accounts and history.

use crate::domain::access::Directory;
use crate::domain::access::Source;
use crate::domain::staff::{StaffDraft, StaffId, StaffStatus};
use crate::domain::staff_query::SortKey;
use crate::ui::commands::Command;
use crate::ui::records::{RecordForms, Records};
use crate::ui::totp::TotpView;
use crate::ui::widgets::{field_label, indented, text_field};
use egui_extras::{Column, TableBuilder};

pub fn ui(ui: &mut egui::Ui, records: &mut Records, totp: &mut TotpView, commands: &mut Vec<Command>) {
    if let Some(id) = records.selected_staff {
        detail_ui(ui, records, totp, id, commands);
        return;
    }
    toolbar_ui(ui, records, commands);
    if records.forms.show_add_staff {
        add_staff_ui(ui, records, commands);
    }
    if records.import_plan.is_some() {
        import_preview_ui(ui, records, commands);
    }
    ui.add_space(6.0);
    table_ui(ui, records, commands);
}

fn toolbar_ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    let mut changed = false;
    ui.horizontal(|ui| {
        let label = ui.label("Search");
        let search = ui.add(
            egui::TextEdit::singleline(&mut records.filter.text)
                .hint_text("name, email, team or system")
                .desired_width(260.0),
        );
        changed |= search.labelled_by(label.id).changed();
        let status_text = records.filter.status.map_or("Any status", |s| s.as_str());
        egui::ComboBox::from_label("Status").selected_text(status_text).show_ui(ui, |ui| {
            changed |= ui.selectable_value(&mut records.filter.status, None, "Any status").changed();
            for status in StaffStatus::ALL {
                changed |= ui.selectable_value(&mut records.filter.status, Some(status), status.as_str()).changed();
            }
        });
        let team_text = records.filter.team.clone().unwrap_or_else(|| "Any team".into());
        egui::ComboBox::from_label("Team").selected_text(team_text).show_ui(ui, |ui| {
            changed |= ui.selectable_value(&mut records.filter.team, None, "Any team").changed();
            for team in &records.teams {
                changed |= ui.selectable_value(&mut records.filter.team, Some(team.clone()), team).changed();
            }
        });
        changed |= ui.checkbox(&mut records.filter.privileged_only, "Privileged access").changed();
        changed |= ui.checkbox(&mut records.filter.customer_data_only, "Customer data").changed();
    });
    ui.horizontal(|ui| {
        ui.weak(format!("{} of {} staff", records.rows.len(), records.directory.staff.len()));
        if ui.button("Add staff member").clicked() {
            commands.push(Command::ToggleAddStaff);
        }
        let (path, target) = (&mut records.forms.import_path, crate::ui::file_dialog::FileTarget::ImportStaff);
        crate::ui::file_dialog::path_field(ui, "CSV file", "/path/to/staff.csv", path, target, commands);
        if ui.add_enabled(!records.forms.import_path.trim().is_empty(), egui::Button::new("Check import")).clicked() {
            commands.push(Command::PreviewImport);
        }
    });
    ui.horizontal(|ui| {
        let (path, target) = (&mut records.forms.export_path, crate::ui::file_dialog::FileTarget::Export);
        crate::ui::file_dialog::path_field(ui, "Export to", "/path/to/staff-export.csv", path, target, commands);
        let export = ui.add_enabled(!records.forms.export_path.trim().is_empty(), egui::Button::new("Export staff"));
        if export.on_disabled_hover_text("Choose where to write the export first.").clicked() {
            commands.push(Command::ExportStaff);
        }
    });
    if changed {
        commands.push(Command::RefilterStaff);
    }
}

fn add_staff_ui(ui: &mut egui::Ui, records: &mut Records, commands: &mut Vec<Command>) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.strong("New staff member");
        ui.weak(
            "Only what the job needs: no home address, birth date or ID numbers. Less personal data is less to lose.",
        );
        let forms = &mut records.forms;
        text_field(ui, "Full name", &mut forms.new_name);
        text_field(ui, "Work email", &mut forms.new_email);
        text_field(ui, "Job title", &mut forms.new_title);
        text_field(ui, "Team", &mut forms.new_team);
        text_field(ui, "Manager's email", &mut forms.new_manager);
        text_field(ui, "Start date (YYYY-MM-DD)", &mut forms.new_start);
        indented(ui, |ui| {
            let ready = !forms.new_name.trim().is_empty() && !forms.new_email.trim().is_empty();
            if ui.add_enabled(ready, egui::Button::new("Add")).clicked() {
                commands.push(Command::AddStaff);
            }
            if ui.button("Cancel").clicked() {
                commands.push(Command::ToggleAddStaff);
            }
        });
    });
}

fn import_preview_ui(ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
    let Some(plan) = &records.import_plan else {
        return;
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.strong(format!("Import check: {} valid row(s), {} invalid", plan.valid.len(), plan.problems.len()));
        for warning in &plan.warnings {
            ui.weak(warning);
        }
        egui::ScrollArea::vertical().id_salt("import-problems").max_height(140.0).show(ui, |ui| {
            for problem in &plan.problems {
                ui.colored_label(ui.visuals().error_fg_color, format!("line {}: {}", problem.line, problem.reason));
            }
        });
        ui.label("Nothing has been written yet.");
        ui.horizontal(|ui| {
            let text = format!("Import {} valid row(s)", plan.valid.len());
            if ui.add_enabled(!plan.valid.is_empty(), egui::Button::new(text)).clicked() {
                commands.push(Command::ConfirmImport);
            }
            if ui.button("Cancel import").clicked() {
                commands.push(Command::CancelImport);
            }
        });
    });
}

fn sort_header(ui: &mut egui::Ui, records: &Records, key: SortKey, title: &str, commands: &mut Vec<Command>) {
    let arrow = match (records.filter.sort == key, records.filter.descending) {
        (true, false) => " ^",
        (true, true) => " v",
        _ => "",
    };
    if ui
        .add(egui::Button::new(egui::RichText::new(format!("{title}{arrow}")).strong()).frame(false))
        .on_hover_text(format!("Sort by {title}"))
        .clicked()
    {
        commands.push(Command::SortStaff(key));
    }
}

fn table_ui(ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
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
                header.col(|ui| sort_header(ui, records, key, title, commands));
            }
            header.col(|ui| {
                ui.strong("Access");
            });
        })
        .body(|body| {
            body.rows(row_height, records.rows.len(), |mut row| {
                let index = records.rows[row.index()];
                let person = &records.directory.staff[index];
                row.col(|ui| {
                    if ui.link(&person.full_name).clicked() {
                        commands.push(Command::SelectStaff(Some(person.id)));
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
                        ui.colored_label(ui.visuals().warn_fg_color, "privileged");
                    }
                    if records.index.has_customer_data(index) {
                        ui.weak("customer data");
                    }
                });
            });
        });
}

fn detail_ui(ui: &mut egui::Ui, records: &mut Records, totp: &mut TotpView, id: StaffId, commands: &mut Vec<Command>) {
    if ui.button("Back to all staff").clicked() {
        commands.push(Command::SelectStaff(None));
    }
    let Records { directory, forms, today, staff_history: history, .. } = records;
    let today = *today;
    let directory = &*directory;
    let Some(person) = directory.person(id) else {
        ui.label("This staff member no longer exists.");
        return;
    };
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading(&person.full_name);
        if let Some(draft) = &mut forms.editing {
            edit_ui(ui, draft, id, commands);
        } else {
            egui::Grid::new("staff-fields").num_columns(2).spacing([24.0, 4.0]).show(ui, |ui| {
                let manager = person
                    .manager_id
                    .and_then(|m| directory.person(m))
                    .map(|m| format!("{} <{}>", m.full_name, m.email));
                for (label, value) in [
                    ("Email", person.email.clone()),
                    ("Job title", person.job_title.clone()),
                    ("Team", person.team.clone()),
                    ("Manager", manager.unwrap_or_default()),
                    ("Start date", person.start_date.map(|d| d.to_string()).unwrap_or_default()),
                    ("End date", person.end_date.map(|d| d.to_string()).unwrap_or_default()),
                    ("Status", person.status.to_string()),
                    ("Notes", person.notes.clone()),
                ] {
                    ui.label(label);
                    ui.label(value);
                    ui.end_row();
                }
            });

            ui.horizontal(|ui| {
                if ui.button("Edit details").clicked() {
                    commands.push(Command::EditStaff(Some(id)));
                }
                if person.status == StaffStatus::Left
                    && !person.email.ends_with("@purged.invalid")
                    && ui
                        .button("Purge personal details")
                        .on_hover_text("Replaces name, email, title and notes with a tombstone; the audit trail stays")
                        .clicked()
                {
                    commands.push(Command::PurgeStaff(id));
                }
                if person.status != StaffStatus::Left && person.status != StaffStatus::Leaving {
                    let label = ui.label("Last day");
                    ui.add(egui::TextEdit::singleline(&mut forms.leaver_last_day).desired_width(100.0))
                        .labelled_by(label.id);
                    if ui.button("Start leaving").clicked() {
                        commands.push(Command::StartLeaver(id));
                    }
                }
            });
        }
        ui.add_space(12.0);
        // Near the top: a caller claiming to be this person is checked here first.
        crate::ui::totp::staff_ui(ui, totp, id, &person.full_name, commands);
        ui.add_space(12.0);
        ui.strong("Roles");
        ui.weak("Tick the roles this person should have; the change is shown before it is applied.");
        let current = directory.roles_of(id);
        ui.horizontal_wrapped(|ui| {
            for role in &directory.roles {
                let mut ticked = forms.pending_roles.contains(&role.id);
                if ui.checkbox(&mut ticked, &role.name).changed() {
                    if ticked {
                        forms.pending_roles.push(role.id);
                    } else {
                        forms.pending_roles.retain(|r| *r != role.id);
                    }
                }
            }
        });
        let mut pending = forms.pending_roles.clone();
        pending.sort_unstable();
        let mut now = current.to_vec();
        now.sort_unstable();
        if pending != now {
            let diff = directory.mover_diff(id, &pending, today);
            let describe = |pairs: &[(i64, i64)]| directory.describe_pairs(pairs);
            if !diff.gained.is_empty() {
                ui.colored_label(crate::ui::widgets::success_color(ui), format!("Gains: {}", describe(&diff.gained)));
            }
            if !diff.lost.is_empty() {
                ui.colored_label(ui.visuals().warn_fg_color, format!("Loses: {}", describe(&diff.lost)));
            }
            if diff.is_empty() {
                ui.weak("No change in access.");
            }
            ui.horizontal(|ui| {
                if ui.button("Apply role change").clicked() {
                    commands.push(Command::ApplyRoles(id));
                }
                if ui.button("Undo").clicked() {
                    commands.push(Command::SelectStaff(Some(id)));
                }
            });
        }

        ui.add_space(12.0);
        ui.strong("Access, and why");
        let mut access = directory.access_of(id, today);
        access.sort_by_key(|a| (directory.system(a.system_id).map(|s| s.name.to_lowercase()), a.source));
        egui::Grid::new("staff-access").num_columns(4).striped(true).spacing([16.0, 4.0]).show(ui, |ui| {
            for a in &access {
                let Some((system, level)) = directory.level(a.level_id) else {
                    continue;
                };
                ui.label(&system.name);
                if level.privileged {
                    ui.colored_label(ui.visuals().warn_fg_color, format!("{} (privileged)", level.name));
                } else {
                    ui.label(&level.name);
                }
                ui.label(directory.describe_source(a.source));
                if matches!(a.source, Source::Exception { .. }) {
                    if ui.small_button(format!("Revoke {}", system.name)).clicked() {
                        commands.push(Command::RevokeAccess(id, system.id));
                    }
                } else {
                    ui.label("");
                }
                ui.end_row();
            }
        });
        grant_form_ui(ui, directory, forms, id, commands);

        ui.add_space(12.0);
        accounts_ui(ui, directory, id);

        ui.add_space(12.0);
        ui.strong("History");
        for record in history {
            ui.horizontal(|ui| {
                ui.weak(record.at.strftime("%Y-%m-%d %H:%M").to_string());
                ui.label(format!("{} — {}", record.summary, record.operator));
            });
        }
    });
}

fn edit_ui(ui: &mut egui::Ui, draft: &mut StaffDraft, id: StaffId, commands: &mut Vec<Command>) {
    text_field(ui, "Full name", &mut draft.full_name);
    text_field(ui, "Work email", &mut draft.email);
    text_field(ui, "Job title", &mut draft.job_title);
    text_field(ui, "Team", &mut draft.team);
    text_field(ui, "Manager's email", &mut draft.manager_email);
    text_field(ui, "Start date (YYYY-MM-DD)", &mut draft.start_date);
    text_field(ui, "End date (YYYY-MM-DD)", &mut draft.end_date);
    ui.horizontal(|ui| {
        // Not editable: the status is what the joiner and leaver checklists make it.
        field_label(ui, "Status");
        ui.label(draft.status.as_str());
        ui.weak("(follows the joiner and leaver checklists)");
    });
    ui.horizontal(|ui| {
        let label = field_label(ui, "Notes");
        ui.add(egui::TextEdit::multiline(&mut draft.notes).desired_rows(2).desired_width(300.0)).labelled_by(label.id);
    });
    indented(ui, |ui| {
        if ui.button("Save changes").clicked() {
            commands.push(Command::SaveStaff(id));
        }
        if ui.button("Cancel editing").clicked() {
            commands.push(Command::EditStaff(None));
        }
    });
}

fn grant_form_ui(
    ui: &mut egui::Ui,
    directory: &Directory,
    forms: &mut RecordForms,
    id: StaffId,
    commands: &mut Vec<Command>,
) {
    ui.add_space(6.0);
    ui.label("Give direct access (an exception, with a reason):");
    ui.horizontal(|ui| {
        let system_name =
            forms.grant_system.and_then(|s| directory.system(s)).map_or("Choose a system", |s| s.name.as_str());
        egui::ComboBox::from_label("System").selected_text(system_name).show_ui(ui, |ui| {
            for system in &directory.systems {
                ui.selectable_value(&mut forms.grant_system, Some(system.id), &system.name);
            }
        });
        if let Some(system) = forms.grant_system.and_then(|s| directory.system(s)) {
            egui::ComboBox::from_label("Level").selected_text(forms.grant_level.clone()).show_ui(ui, |ui| {
                for level in &system.levels {
                    ui.selectable_value(&mut forms.grant_level, level.name.clone(), &level.name);
                }
            });
        }
    });
    ui.horizontal(|ui| {
        let label = field_label(ui, "Reason");
        ui.add(
            egui::TextEdit::singleline(&mut forms.grant_reason)
                .hint_text("why this person needs it")
                .desired_width(260.0),
        )
        .labelled_by(label.id);
        let until = ui.label("Last day (optional)");
        ui.add(egui::TextEdit::singleline(&mut forms.grant_until).hint_text("YYYY-MM-DD").desired_width(100.0))
            .labelled_by(until.id);
        let ready =
            forms.grant_system.is_some() && !forms.grant_level.is_empty() && !forms.grant_reason.trim().is_empty();
        if ui.add_enabled(ready, egui::Button::new("Grant")).clicked() {
            commands.push(Command::GrantAccess(id));
        }
    });
}

/// Accounts with their MFA state; gaps on systems that support MFA stand out.
fn accounts_ui(ui: &mut egui::Ui, directory: &Directory, id: StaffId) {
    let accounts: Vec<_> = directory.accounts_of(id).filter(|a| a.disabled_on.is_none()).collect();
    let supported = |a: &crate::domain::access::Account| directory.system(a.system_id).is_some_and(|s| s.mfa_supported);
    let gaps = accounts.iter().filter(|a| supported(a) && !a.mfa_enrolled).count();
    let coverable = accounts.iter().filter(|a| supported(a)).count();
    ui.horizontal(|ui| {
        ui.strong("Accounts");
        if gaps > 0 {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("MFA missing on {gaps} of {coverable} that support it"),
            );
        } else if coverable > 0 {
            ui.weak(format!("MFA on all {coverable} that support it"));
        }
    });
    egui::Grid::new("staff-accounts").num_columns(3).striped(true).spacing([16.0, 4.0]).show(ui, |ui| {
        for account in &accounts {
            ui.label(directory.system(account.system_id).map_or("?", |s| s.name.as_str()));
            ui.label(&account.username);
            match (account.mfa_enrolled, supported(account)) {
                (true, _) => ui.label(match account.mfa_enrolled_on {
                    Some(date) => format!("MFA since {date}"),
                    None => "MFA on".to_owned(),
                }),
                (false, true) => ui.colored_label(ui.visuals().warn_fg_color, "No MFA (supported)"),
                (false, false) => ui.weak("MFA not supported"),
            };
            ui.end_row();
        }
    });
}
