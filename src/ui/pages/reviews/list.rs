//! The list of access reviews, due and past, and the form to start one.

use super::{ReviewCommand, ReviewsPage};
use crate::domain::review::ReviewState;
use crate::service::ReviewSummary;
use crate::ui::commands::{Command, Target};
use crate::ui::widgets::style::space;
use crate::ui::widgets::{action_button, date_field, indented, pick_list, table};

/// How often a review of the same scope comes round again, in days.
const CADENCES: [(&str, &str); 4] =
    [("30", "Every month"), ("91", "Every quarter"), ("182", "Every six months"), ("365", "Every year")];

pub fn ui(
    ui: &mut egui::Ui,
    view: &mut ReviewsPage,
    teams: &[String],
    today: jiff::civil::Date,
    commands: &mut Vec<Command>,
) {
    list_ui(ui, view, commands);
    ui.add_space(space::SECTION);
    start_ui(ui, view, teams, today, commands);
}

fn list_ui(ui: &mut egui::Ui, view: &ReviewsPage, commands: &mut Vec<Command>) {
    ui.weak("Someone accountable looks at every person's access and says keep or remove; removals are then done and tracked.");
    ui.add_space(space::ROW);
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
    let scopes = [
        ("all", "Everyone's access"),
        ("customer-data", "Systems with customer data"),
        ("privileged", "Privileged access"),
        ("team", "One team"),
    ];
    pick_list(ui, "What to review", &mut view.scope, &scopes, None);
    if view.scope == "team" {
        let teams: Vec<(&str, &str)> = teams.iter().map(|t| (t.as_str(), t.as_str())).collect();
        pick_list(ui, "Team to review", &mut view.team, &teams, Some("Choose a team"));
    }
    pick_list(ui, "Reviewer", &mut view.reviewer, &view.reviewers, None);
    indented(ui, |ui| ui.weak("An operator, or a line manager reviewing their own team with you."));
    date_field(ui, "Due date", &mut view.due, today);
    pick_list(ui, "Repeat", &mut view.cadence, &CADENCES, None);
    indented(ui, |ui| {
        // Line managers are offered by email, operators by name.
        let line_manager = view.reviewer.contains('@');
        let why_not = if view.scope == "team" && view.team.is_empty() {
            Some("Choose the team first.")
        } else if line_manager && view.scope != "team" {
            Some("A line manager reviews their own team: choose \"One team\".")
        } else {
            None
        };
        if action_button(ui, "Start review", why_not) {
            commands.push(ReviewCommand::Start.into());
        }
    });
}
