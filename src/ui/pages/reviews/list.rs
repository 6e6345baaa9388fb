//! The list of access reviews, due and past, and the form to start one.

use super::{ReviewCommand, ReviewsPage};
use crate::domain::review::ReviewState;
use crate::service::ReviewSummary;
use crate::ui::commands::{Command, Target};
use crate::ui::widgets::{action_button, date_field, field_label, indented, table, text_field};

pub fn ui(
    ui: &mut egui::Ui,
    view: &mut ReviewsPage,
    teams: &[String],
    today: jiff::civil::Date,
    commands: &mut Vec<Command>,
) {
    list_ui(ui, view, commands);
    ui.add_space(16.0);
    start_ui(ui, view, teams, today, commands);
}

fn list_ui(ui: &mut egui::Ui, view: &ReviewsPage, commands: &mut Vec<Command>) {
    ui.weak("Someone accountable looks at every person's access and says keep or remove; removals are then done and tracked.");
    ui.add_space(6.0);
    if view.summaries.is_empty() {
        ui.label("No access review yet. Start the first one below.");
        return;
    }
    table(ui, "review-list", &["Review", "Reviewer", "Due", "Progress", "State"], |ui| {
        for summary in &view.summaries {
            if ui.link(summary.title()).clicked() {
                commands.push(Command::Open(Target::Review(Some(summary.review.id))));
            }
            ui.label(&summary.review.reviewer);
            ui.label(summary.review.due.to_string());
            ui.label(format!("{} of {} decided", summary.counts.decided, summary.counts.items));
            state_label(ui, summary);
            ui.end_row();
        }
    });
}

pub fn state_label(ui: &mut egui::Ui, summary: &ReviewSummary) {
    let text = match summary.state {
        ReviewState::AwaitingRevocations => {
            format!("awaiting revocations ({} open)", summary.counts.revocations_open)
        }
        state => state.label().to_owned(),
    };
    ui.label(text);
}

fn start_ui(
    ui: &mut egui::Ui,
    view: &mut ReviewsPage,
    teams: &[String],
    today: jiff::civil::Date,
    commands: &mut Vec<Command>,
) {
    ui.strong("Start a review");
    ui.horizontal(|ui| {
        field_label(ui, "Scope");
        let scopes = [
            ("all", "Everyone's access"),
            ("customer-data", "Systems with customer data"),
            ("privileged", "Privileged access"),
            ("team", "One team"),
        ];
        let shown = scopes.iter().find(|(code, _)| *code == view.scope).map_or("Everyone's access", |(_, t)| t);
        egui::ComboBox::from_label("What to review").selected_text(shown).show_ui(ui, |ui| {
            for (code, text) in scopes {
                ui.selectable_value(&mut view.scope, code.to_owned(), text);
            }
        });
    });
    if view.scope == "team" {
        ui.horizontal(|ui| {
            field_label(ui, "Team");
            let shown = if view.team.is_empty() { "Choose a team".to_owned() } else { view.team.clone() };
            egui::ComboBox::from_label("Team to review").selected_text(shown).show_ui(ui, |ui| {
                for team in teams {
                    ui.selectable_value(&mut view.team, team.clone(), team);
                }
            });
        });
    }
    text_field(ui, "Reviewer", &mut view.reviewer);
    indented(ui, |ui| ui.weak("An operator, or a line manager (name or email) reviewing their own team with you."));
    date_field(ui, "Due date", &mut view.due, today);
    text_field(ui, "Repeat every (days)", &mut view.cadence);
    indented(ui, |ui| {
        let why_not = (view.scope == "team" && view.team.is_empty()).then_some("Choose the team first.");
        if action_button(ui, "Start review", why_not) {
            commands.push(ReviewCommand::Start.into());
        }
    });
}
