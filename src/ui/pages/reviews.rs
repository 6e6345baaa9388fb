//! The Reviews screen: campaigns due and past, starting one, and the review itself as a table
//! grouped by person or by system with keyboard decisions (K keep, R remove, J next), a
//! "changed since the last review" filter, sign-off and the evidence export.

use crate::domain::access::Directory;
use crate::domain::checklist::ItemState;
use crate::domain::review::{Decision, ReviewItem, ReviewState};
use crate::service::ReviewSummary;
use crate::ui::commands::Command;
use crate::ui::records::Records;
use crate::ui::widgets::{indented, text_field};
use egui_extras::{Column, TableBuilder};
use std::collections::HashMap;

/// A campaign open on screen: its items in memory, in the order and filter shown.
pub struct OpenReview {
    pub summary: ReviewSummary,
    pub items: Vec<ReviewItem>,
    pub revocations: HashMap<i64, ItemState>,
    pub exports: Vec<(jiff::Timestamp, String, String)>,
    /// Indexes into `items`, as shown.
    pub rows: Vec<usize>,
    pub by_system: bool,
    pub changed_only: bool,
    /// Index into `rows`.
    pub cursor: usize,
    pub comment: String,
    pub scroll_to_cursor: bool,
}

impl OpenReview {
    pub fn new(
        summary: ReviewSummary,
        items: Vec<ReviewItem>,
        revocations: HashMap<i64, ItemState>,
        exports: Vec<(jiff::Timestamp, String, String)>,
    ) -> Self {
        let mut open = Self {
            summary,
            items,
            revocations,
            exports,
            rows: Vec::new(),
            by_system: false,
            changed_only: false,
            cursor: 0,
            comment: String::new(),
            scroll_to_cursor: false,
        };
        open.arrange();
        // Carry on where the reviewer stopped.
        open.cursor = open.rows.iter().position(|&i| open.items[i].decision.is_none()).unwrap_or(0);
        open.scroll_to_cursor = true;
        open
    }

    /// Work out the rows shown (after a filter or grouping change, not per frame).
    pub fn arrange(&mut self) {
        let items = &self.items;
        let mut rows: Vec<usize> =
            (0..items.len()).filter(|&i| !self.changed_only || !items[i].item.changed.is_empty()).collect();
        if self.by_system {
            rows.sort_by(|&a, &b| {
                let (a, b) = (&items[a].item, &items[b].item);
                (a.system.to_lowercase(), &a.level, a.full_name.to_lowercase()).cmp(&(
                    b.system.to_lowercase(),
                    &b.level,
                    b.full_name.to_lowercase(),
                ))
            });
        }
        self.rows = rows;
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
    }

    pub fn current(&self) -> Option<&ReviewItem> {
        self.rows.get(self.cursor).and_then(|&i| self.items.get(i))
    }

    /// Move to the next row, or the first row after it still undecided when `undecided`.
    pub fn advance(&mut self, undecided: bool) {
        let start = self.cursor + 1;
        let next = (start..self.rows.len()).find(|&r| !undecided || self.items[self.rows[r]].decision.is_none());
        if let Some(next) = next.or_else(|| (start < self.rows.len()).then_some(start)) {
            self.cursor = next;
        }
        self.scroll_to_cursor = true;
    }

    /// The items of the current row's person (or system, when grouped by system).
    pub fn group_of_current(&self) -> Vec<i64> {
        let Some(current) = self.current() else { return Vec::new() };
        self.items
            .iter()
            .filter(|i| {
                if self.by_system {
                    i.item.system_id == current.item.system_id
                } else {
                    i.item.staff_id == current.item.staff_id
                }
            })
            .map(|i| i.id)
            .collect()
    }

    /// Mirror a decision the vault accepted, without reading 100,000 items back.
    pub fn record_decision(&mut self, ids: &[i64], decision: &Decision, comment: &str, by: &str, at: jiff::Timestamp) {
        let ids: std::collections::HashSet<i64> = ids.iter().copied().collect();
        for item in self.items.iter_mut().filter(|i| ids.contains(&i.id)) {
            item.decision = Some(decision.clone());
            item.comment = comment.to_owned();
            item.decided_by = Some(by.to_owned());
            item.decided_at = Some(at);
        }
        let counts = &mut self.summary.counts;
        (counts.decided, counts.kept, counts.removed, counts.reduced) = (0, 0, 0, 0);
        for decision in self.items.iter().filter_map(|i| i.decision.as_ref()) {
            counts.decided += 1;
            match decision {
                Decision::Keep => counts.kept += 1,
                Decision::Remove => counts.removed += 1,
                Decision::Reduce(_) => counts.reduced += 1,
            }
        }
    }

    pub fn locked(&self) -> bool {
        self.summary.review.signed_off_at.is_some()
    }
}

/// The Reviews page's state.
#[derive(Default)]
pub struct ReviewView {
    pub summaries: Vec<ReviewSummary>,
    pub open: Option<OpenReview>,
    pub scope: String,
    pub team: String,
    pub reviewer: String,
    pub due: String,
    /// Days until the next campaign of this scope.
    pub cadence: String,
    pub export_base: String,
}

pub fn ui(ui: &mut egui::Ui, view: &mut ReviewView, records: &Records, commands: &mut Vec<Command>) {
    if let Some(open) = &mut view.open {
        review_ui(ui, open, &mut view.export_base, &records.directory, commands);
        return;
    }
    list_ui(ui, view, commands);
    ui.add_space(16.0);
    start_ui(ui, view, &records.teams, commands);
}

fn list_ui(ui: &mut egui::Ui, view: &ReviewView, commands: &mut Vec<Command>) {
    ui.weak("Someone accountable looks at every person's access and says keep or remove; removals are then done and tracked.");
    ui.add_space(6.0);
    if view.summaries.is_empty() {
        ui.label("No access review yet. Start the first one below.");
        return;
    }
    egui::Grid::new("review-list").num_columns(5).striped(true).spacing([16.0, 6.0]).show(ui, |ui| {
        ui.strong("Review");
        ui.strong("Reviewer");
        ui.strong("Due");
        ui.strong("Progress");
        ui.strong("State");
        ui.end_row();
        for summary in &view.summaries {
            if ui.link(summary.title()).clicked() {
                commands.push(Command::OpenReview(Some(summary.review.id)));
            }
            ui.label(&summary.review.reviewer);
            ui.label(summary.review.due.to_string());
            ui.label(format!("{} of {} decided", summary.counts.decided, summary.counts.items));
            state_label(ui, summary);
            ui.end_row();
        }
    });
}

fn state_label(ui: &mut egui::Ui, summary: &ReviewSummary) {
    let text = match summary.state {
        ReviewState::AwaitingRevocations => {
            format!("awaiting revocations ({} open)", summary.counts.revocations_open)
        }
        state => state.label().to_owned(),
    };
    ui.label(text);
}

fn start_ui(ui: &mut egui::Ui, view: &mut ReviewView, teams: &[String], commands: &mut Vec<Command>) {
    ui.strong("Start a review");
    ui.horizontal(|ui| {
        crate::ui::widgets::field_label(ui, "Scope");
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
            crate::ui::widgets::field_label(ui, "Team");
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
    text_field(ui, "Due date (YYYY-MM-DD)", &mut view.due);
    text_field(ui, "Repeat every (days)", &mut view.cadence);
    indented(ui, |ui| {
        let ready = view.scope != "team" || !view.team.is_empty();
        if ui.add_enabled(ready, egui::Button::new("Start review")).clicked() {
            commands.push(Command::StartReview);
        }
    });
}

fn review_ui(
    ui: &mut egui::Ui,
    open: &mut OpenReview,
    export_base: &mut String,
    directory: &Directory,
    commands: &mut Vec<Command>,
) {
    keyboard(ui, open, commands);
    let summary = &open.summary;
    ui.horizontal(|ui| {
        if ui.button("Back to all reviews").clicked() {
            commands.push(Command::OpenReview(None));
        }
        ui.heading(summary.title());
    });
    ui.horizontal(|ui| {
        ui.label(format!("Reviewer: {}", summary.review.reviewer));
        ui.separator();
        ui.label(format!("Due {}", summary.review.due));
        ui.separator();
        state_label(ui, summary);
    });
    let counts = summary.counts;
    let progress = if counts.items == 0 { 1.0 } else { counts.decided as f32 / counts.items as f32 };
    ui.add(
        egui::ProgressBar::new(progress)
            .text(format!(
                "{} of {} decided ({} kept, {} removed, {} reduced)",
                counts.decided, counts.items, counts.kept, counts.removed, counts.reduced
            ))
            .desired_width(520.0),
    );
    if counts.revocations > 0 {
        let done = counts.revocations - counts.revocations_open;
        ui.add(
            egui::ProgressBar::new(done as f32 / counts.revocations as f32)
                .text(format!("{done} of {} removals done", counts.revocations))
                .desired_width(520.0),
        );
    }
    ui.horizontal(|ui| {
        let mut by_system = open.by_system;
        ui.radio_value(&mut by_system, false, "By person");
        ui.radio_value(&mut by_system, true, "By system");
        let mut changed_only = open.changed_only;
        ui.checkbox(&mut changed_only, "Only what changed since the last review");
        if by_system != open.by_system || changed_only != open.changed_only {
            commands.push(Command::ArrangeReview { by_system, changed_only });
        }
        ui.weak(format!("{} shown", open.rows.len()));
    });
    current_ui(ui, open, directory, commands);
    ui.add_space(4.0);
    closing_ui(ui, open, export_base, commands);
    ui.add_space(4.0);
    table_ui(ui, open, commands);
}

/// K keep, R remove, J next (and the arrow keys), unless a text field has the keyboard or a
/// dialog (help, confirmation) is over the review.
fn keyboard(ui: &egui::Ui, open: &OpenReview, commands: &mut Vec<Command>) {
    let behind_dialog = !ui.ctx().memory(|m| m.is_above_modal_layer(ui.layer_id()));
    if ui.ctx().text_edit_focused() || behind_dialog || open.rows.is_empty() {
        return;
    }
    let (keep, remove, next, up) = ui.input(|i| {
        let plain = i.modifiers.is_none();
        (
            plain && i.key_pressed(egui::Key::K),
            plain && i.key_pressed(egui::Key::R),
            plain && (i.key_pressed(egui::Key::J) || i.key_pressed(egui::Key::ArrowDown)),
            plain && i.key_pressed(egui::Key::ArrowUp),
        )
    });
    if keep && !open.locked() {
        commands.push(Command::DecideReview("keep".into()));
    } else if remove && !open.locked() {
        commands.push(Command::DecideReview("remove".into()));
    } else if next {
        commands.push(Command::ReviewCursor(open.cursor + 1));
    } else if up {
        commands.push(Command::ReviewCursor(open.cursor.saturating_sub(1)));
    }
}

fn current_ui(ui: &mut egui::Ui, open: &mut OpenReview, directory: &Directory, commands: &mut Vec<Command>) {
    let locked = open.locked();
    let by_system = open.by_system;
    let Some(item) = open.current() else {
        ui.label("Nothing to show with this filter.");
        return;
    };
    let s = item.item.clone();
    let cursor = open.cursor;
    let comment = &mut open.comment;
    let mut flags = Vec::new();
    if s.is_exception() {
        flags.push("exception");
    }
    if s.privileged {
        flags.push("privileged");
    }
    if s.customer_data {
        flags.push("customer data");
    }
    ui.group(|ui| {
        ui.strong(format!("{} — {} ({})", s.full_name, s.system, s.level));
        ui.label(format!(
            "From {}{}",
            s.source,
            if flags.is_empty() { String::new() } else { format!(" · {}", flags.join(", ")) }
        ));
        if !s.changed.is_empty() {
            ui.colored_label(ui.visuals().warn_fg_color, format!("Changed since the last review: {}", s.changed));
        }
        if locked {
            return;
        }
        let (person, system) = (s.full_name.clone(), s.system.clone());
        let lower: Vec<String> = directory
            .level(s.level_id)
            .map(|(sys, level)| sys.levels.iter().filter(|l| l.rank < level.rank).map(|l| l.name.clone()).collect())
            .unwrap_or_default();
        text_field(ui, "Comment", comment);
        ui.horizontal(|ui| {
            if ui.button("Keep (K)").clicked() {
                commands.push(Command::DecideReview("keep".into()));
            }
            if ui.button("Remove (R)").clicked() {
                commands.push(Command::DecideReview("remove".into()));
            }
            for level in lower {
                if ui.button(format!("Reduce to {level}")).clicked() {
                    commands.push(Command::DecideReview(format!("reduce:{level}")));
                }
            }
            if ui.button("Next (J)").clicked() {
                commands.push(Command::ReviewCursor(cursor + 1));
            }
            ui.separator();
            let bulk = if by_system { format!("Keep everyone's {system}") } else { format!("Keep all of {person}'s") };
            if ui.button(bulk).clicked() {
                commands.push(Command::KeepReviewGroup);
            }
        });
    });
}

fn closing_ui(ui: &mut egui::Ui, open: &OpenReview, export_base: &mut String, commands: &mut Vec<Command>) {
    let counts = open.summary.counts;
    ui.horizontal(|ui| {
        if !open.locked() {
            let ready = counts.decided == counts.items;
            let sign = ui.add_enabled(ready, egui::Button::new("Sign off"));
            let sign = if ready { sign } else { sign.on_disabled_hover_text("Every item needs a decision first") };
            if sign.clicked() {
                commands.push(Command::SignOffReview);
            }
        }
        let (hint, target) = ("/path/to/review-1 (.pdf and .csv)", crate::ui::file_dialog::FileTarget::ReviewEvidence);
        crate::ui::file_dialog::path_field(ui, "Evidence files", hint, export_base, target, commands);
        if ui.add_enabled(!export_base.trim().is_empty(), egui::Button::new("Export PDF and CSV")).clicked() {
            commands.push(Command::ExportReview);
        }
    });
    for (at, by, files) in &open.exports {
        ui.weak(format!("Exported {} by {by}: {files}", at.strftime("%Y-%m-%d %H:%M")));
    }
}

fn decision_text(item: &ReviewItem, revocations: &HashMap<i64, ItemState>) -> String {
    let decision = match &item.decision {
        None => return String::new(),
        Some(Decision::Keep) => "keep".to_owned(),
        Some(Decision::Remove) => "remove".to_owned(),
        Some(Decision::Reduce(level)) => format!("reduce to {level}"),
    };
    match revocations.get(&item.id) {
        None => decision,
        Some(state) => format!("{decision} ({})", state.label()),
    }
}

fn table_ui(ui: &mut egui::Ui, open: &mut OpenReview, commands: &mut Vec<Command>) {
    let scroll_to = open.scroll_to_cursor.then_some(open.cursor);
    open.scroll_to_cursor = false;
    let mut table = TableBuilder::new(ui)
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::exact(180.0))
        .column(Column::exact(150.0))
        .column(Column::exact(90.0))
        .column(Column::remainder().at_least(160.0))
        .column(Column::exact(120.0))
        .column(Column::exact(150.0));
    if let Some(row) = scroll_to {
        table = table.scroll_to_row(row, Some(egui::Align::Center));
    }
    let (first, second) = if open.by_system { ("System", "Person") } else { ("Person", "System") };
    table
        .header(22.0, |mut header| {
            for title in [first, second, "Level", "Source", "Changed", "Decision"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(22.0, open.rows.len(), |mut row| {
                let index = row.index();
                let item = &open.items[open.rows[index]];
                let s = &item.item;
                let previous = index.checked_sub(1).map(|p| &open.items[open.rows[p]].item);
                let (group, other) = if open.by_system { (&s.system, &s.full_name) } else { (&s.full_name, &s.system) };
                let same_group = previous.is_some_and(|p| {
                    if open.by_system { p.system_id == s.system_id } else { p.staff_id == s.staff_id }
                });
                row.set_selected(index == open.cursor);
                row.col(|ui| {
                    if !same_group {
                        ui.strong(group);
                    }
                });
                row.col(|ui| {
                    ui.label(other);
                });
                row.col(|ui| {
                    if s.privileged {
                        ui.colored_label(ui.visuals().warn_fg_color, &s.level);
                    } else {
                        ui.label(&s.level);
                    }
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(&s.source).truncate());
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(&s.changed).truncate());
                });
                row.col(|ui| {
                    ui.label(decision_text(item, &open.revocations));
                });
                if row.response().clicked() {
                    commands.push(Command::ReviewCursor(index));
                }
            });
        });
}
