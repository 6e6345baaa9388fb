//! Drawing the shell: the status line with the lock button, the side navigation, the dialog
//! that asks before an export replaces a file, and the current page in the middle.

use super::Shell;
use crate::ui::commands::{Command, Page};
use crate::ui::pages::{audit, dashboard};
use crate::ui::widgets::style::{State, space, state_label};

impl Shell {
    pub fn ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                if let Some(job) = &self.job {
                    // In place of who is signed in: the status line keeps its height.
                    job.ui(ui, commands);
                } else {
                    ui.label(format!("Signed in as {}", self.session.operator));
                    ui.separator();
                    ui.weak(&self.session.vault_place);
                }
                if self.session.read_only {
                    ui.separator();
                    ui.colored_label(State::Attention.color(ui), "Read-only medium: nothing can be changed")
                        .on_hover_text("Copy the vault's folder to a writable place to work on it.");
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let lock = ui.add_enabled(self.job.is_none(), egui::Button::new("Lock"));
                    let lock = match &self.job {
                        None => lock.on_hover_text("Lock now (Ctrl+L)"),
                        Some(job) => lock.on_disabled_hover_text(format!("Locks once {} has finished", job.label)),
                    };
                    if lock.clicked() {
                        commands.push(Command::Lock);
                    }
                    if ui.button("Help").on_hover_text("Keyboard shortcuts and version (F1)").clicked() {
                        commands.push(Command::ToggleHelp);
                    }
                });
            });
        });
        egui::Panel::left("navigation").resizable(false).exact_size(180.0).show(ui, |ui| {
            ui.add_space(space::ROW);
            ui.heading(&self.data.settings.office_name);
            ui.add_space(space::ROW);
            for page in Page::ALL {
                if ui.selectable_label(self.page == page, page.title()).clicked() {
                    commands.push(Command::Navigate(page));
                }
            }
        });
        self.exports.ui(ui.ctx(), commands);
        egui::CentralPanel::default().show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(self.page.title());
                if let Some(job) = &self.job {
                    // On the heading's line, so the page below does not move.
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        state_label(
                            ui,
                            State::Attention,
                            format!("Only to look at until “{}” has finished; Lock waits for it too", job.label),
                        );
                    });
                }
            });
            ui.add_space(space::ROW);
            if let Some(error) = &self.data.load_error {
                state_label(ui, State::Problem, format!("The office record could not be read: {error}"));
            }
            // While a job has the office the page is shown as it was, but nothing on it can
            // start another change.
            ui.add_enabled_ui(self.job.is_none(), |ui| self.page_ui(ui, commands));
        });
    }

    fn page_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        // Only the dashboard is drawn before the index and pick-lists are in (two counts wait).
        self.settle_derived(self.page != Page::Dashboard);
        let (records, data) = (&self.records, &self.data);
        match self.page {
            Page::Dashboard => dashboard::ui(ui, records, commands),
            Page::Overview => self.overview.ui(ui, data, records, commands),
            Page::Secrets => self.secrets.ui(ui, records, commands),
            Page::Staff => self.staff.ui(ui, records, &mut self.exports.path, commands),
            Page::JoinersLeavers => self.processes.ui(ui, records, commands),
            Page::Reviews => self.reviews.ui(ui, records, commands),
            Page::Systems => self.systems.ui(ui, records, commands),
            Page::Roles => self.roles.ui(ui, records, commands),
            Page::AccessMatrix => self.matrix.ui(ui, records, commands),
            Page::Directories => self.directories.ui(ui, records, commands),
            Page::Incidents => self.incidents.ui(ui, records, commands),
            Page::Compliance => self.compliance.ui(ui, records, commands),
            Page::Operators => self.operators.ui(ui, data, &self.session.operator, commands),
            Page::AuditLog => audit::ui(ui, &data.audit, &records.directory, records.today),
            Page::Settings => self.settings.ui(ui, data, commands),
        }
    }
}
