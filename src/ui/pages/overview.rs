//! Overview: the state of the vault at a glance, and a button to verify it. The page's state,
//! command, drawing and the check.

use crate::service::counted;
use crate::ui::commands::{Command, Outcome};
use crate::ui::pages::Context;
use crate::ui::records::Records;
use crate::ui::shell::{JobOutput, JobRequest, ShellData};
use crate::ui::widgets::style::{State, space, state_label};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverviewCommand {
    Verify,
}

impl From<OverviewCommand> for Command {
    fn from(command: OverviewCommand) -> Self {
        Command::Overview(command)
    }
}

#[derive(Default)]
pub struct OverviewPage {
    /// What the last check found (empty: intact); `None` before the first.
    pub verify: Option<Vec<String>>,
}

impl OverviewPage {
    pub fn ui(&self, ui: &mut egui::Ui, data: &ShellData, records: &Records, commands: &mut Vec<Command>) {
        page_ui(ui, data, records, &self.verify, commands);
    }

    /// A verification came back: keep its findings for the page; the notice to show.
    pub fn verified(&mut self, problems: Vec<String>) -> String {
        let message = if problems.is_empty() {
            "The vault verified: every page and the audit chain are intact."
        } else {
            "The vault has problems: see Overview."
        };
        self.verify = Some(problems);
        message.into()
    }

    pub fn apply(&mut self, command: OverviewCommand, _cx: &mut Context<'_>) -> Outcome {
        match command {
            // Reads every page of the file: on a worker thread.
            OverviewCommand::Verify => Outcome::Background(JobRequest::new("Verifying the vault", false, |office| {
                Ok(JobOutput::Verified(office.verify()?))
            })),
        }
    }
}

fn page_ui(
    ui: &mut egui::Ui,
    data: &ShellData,
    records: &Records,
    verify: &Option<Vec<String>>,
    commands: &mut Vec<Command>,
) {
    egui::Grid::new("overview").num_columns(2).spacing([24.0, 6.0]).show(ui, |ui| {
        ui.label("Office");
        ui.label(&data.settings.office_name);
        ui.end_row();
        ui.label("Operators");
        ui.label(data.operators.len().to_string());
        ui.end_row();
        ui.label("Audit records");
        ui.label(data.audit.first().map_or(0, |r| r.seq).to_string());
        ui.end_row();
        ui.label("Auto-lock");
        ui.label(format!("after {} minutes without activity", data.settings.auto_lock_minutes));
        ui.end_row();
    });
    ui.add_space(space::BLOCK);
    ui.horizontal(|ui| {
        if ui.button("Verify the vault").clicked() {
            commands.push(OverviewCommand::Verify.into());
        }
        match verify {
            Some(problems) if problems.is_empty() => {
                state_label(ui, State::Good, "Verified: every page and the audit chain are intact.");
            }
            Some(problems) => {
                state_label(ui, State::Problem, format!("{} found", counted(problems.len(), "problem", "problems")));
            }
            None => {}
        }
    });
    if let Some(problems) = verify {
        for problem in problems {
            state_label(ui, State::Problem, problem);
        }
    }
    ui.add_space(space::SECTION);
    ui.strong("Latest activity");
    for record in data.audit.iter().take(8) {
        ui.horizontal(|ui| {
            ui.weak(record.at.strftime("%Y-%m-%d %H:%M").to_string());
            ui.label(super::audit::in_words(&record.summary, &records.directory, records.today));
        });
    }
}
