//! One joiner's, mover's or leaver's checklist. Each item is a row: a tick (or the action that
//! does it elsewhere, such as rotating a secret, or the pick-list of who takes over a leaver's
//! direct report or system), its text, when it is due, a link to where it is done, and
//! "Skip…", which asks for its reason in the same row. Irreversible ticks are
//! confirmed first; other ticks and skips can be taken back until the process is finished.

use super::{ProcessCommand, ProcessesPage};
use crate::domain::checklist::{Checklist, Item, ItemKind, ItemState, Process, check_successor};
use crate::service::date_in_words;
use crate::ui::commands::{Command, Target};
use crate::ui::records::Records;
use crate::ui::widgets::style::{State, space, state_label};
use crate::ui::widgets::{CHOOSE_FILE, action_button, pick_input, row_button, row_button_response, submit_button};
use jiff::civil::Date;

/// The width of an item's text (longer text wraps inside it) and of its due date.
const TEXT_WIDTH: f32 = 420.0;
const DUE_WIDTH: f32 = 150.0;
/// The width of the pick-list that chooses a new manager or owner in a row.
const HAND_OVER_WIDTH: f32 = 150.0;

pub fn ui(
    ui: &mut egui::Ui,
    page: &mut ProcessesPage,
    records: &Records,
    id: crate::domain::checklist::ChecklistId,
    commands: &mut Vec<Command>,
) {
    if ui.button("Back to joiners & leavers").clicked() {
        commands.push(ProcessCommand::Open(None).into());
    }
    let Some(list) = records.checklists.iter().find(|c| c.id == id) else {
        ui.label("This checklist is archived or no longer exists.");
        return;
    };
    let name = records.directory.person(list.staff_id).map_or("?", |p| p.full_name.as_str());
    let process = list.process.to_string();
    let process = process.get(..1).map_or(String::new(), str::to_uppercase) + process.get(1..).unwrap_or_default();
    ui.heading(format!("{process} checklist: {name} ({})", date_in_words(list.key_date, records.today)));
    ui.add(egui::ProgressBar::new(list.progress()).show_percentage().desired_width(TEXT_WIDTH));
    egui::ScrollArea::vertical().id_salt("checklist").show(ui, |ui| {
        for item in &list.items {
            ui.horizontal_top(|ui| item_row(ui, page, records, list, item, commands));
            ui.add_space(space::TIGHT);
        }
        ui.add_space(space::ROW);
        closing_ui(ui, page, list, commands);
    });
    if let Some((item, preview)) =
        page.directory_preview.as_ref().and_then(|(i, p)| list.items.iter().find(|it| it.id == *i).map(|it| (it, p)))
    {
        directory_preview_ui(ui.ctx(), (list, item), preview, records.today, commands);
    }
    if let Some(item) = page.confirm_item.and_then(|i| list.items.iter().find(|it| it.id == i)) {
        egui::Modal::new(egui::Id::unique("confirm-item")).show(ui.ctx(), |ui| {
            ui.heading("This cannot be undone here");
            ui.label(format!("{}. Do it now?", item.title));
            ui.horizontal(|ui| {
                if ui.button("Yes, do it").clicked() {
                    commands.push(ProcessCommand::CompleteItem(item.id).into());
                }
                if ui.button("Not now").clicked() {
                    commands.push(ProcessCommand::ConfirmItem(None).into());
                }
            });
        });
    }
}

/// What ticking a connected item sends to its directory, in words and as the exact operations,
/// before anything is sent.
fn directory_preview_ui(
    ctx: &egui::Context,
    (list, item): (&Checklist, &Item),
    preview: &crate::service::DirectoryPreview,
    today: Date,
    commands: &mut Vec<Command>,
) {
    let directory = &preview.directory;
    egui::Modal::new(egui::Id::unique("directory-preview")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading(format!("{}: in {directory}", item.title));
        if preview.operations.is_empty() {
            ui.label(format!("{directory} already shows its part done: nothing will be sent."));
        } else {
            ui.label("Keyholder will:");
            for line in &preview.in_words {
                ui.label(format!("• {line}"));
            }
            ui.add_space(space::TIGHT);
            ui.weak("Exactly what it sends:");
            for operation in &preview.operations {
                ui.add(egui::Label::new(egui::RichText::new(operation).monospace()).wrap());
            }
            ui.label("Then it reads the account back; only a confirmed change ticks the item.");
            ui.weak(format!("To undo it later, change it back in {directory} itself."));
        }
        if list.process == Process::Leaver && list.key_date > today && item.kind.is_revocation() {
            let day = date_in_words(list.key_date, today);
            state_label(ui, State::Attention, format!("Their last day is {day}: this takes effect now, before then."));
        }
        if !preview.outside.is_empty() {
            state_label(
                ui,
                State::Attention,
                format!(
                    "{directory} does not give the rest of this item ({}): take that away yourself; ticking it records \
                     all of it as removed.",
                    preview.outside.join(", ")
                ),
            );
        }
        ui.add_space(space::ROW);
        ui.horizontal(|ui| {
            let verb =
                if preview.operations.is_empty() { "Tick it".to_owned() } else { format!("Yes, do it in {directory}") };
            if ui.button(verb).clicked() {
                commands.push(ProcessCommand::CompleteInDirectory(item.id).into());
            }
            if ui.button("Not now").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                commands.push(ProcessCommand::ClosePreview.into());
            }
        });
    });
}

fn item_row(
    ui: &mut egui::Ui,
    page: &mut ProcessesPage,
    records: &Records,
    list: &Checklist,
    item: &Item,
    commands: &mut Vec<Command>,
) {
    let finished = list.finished_at.is_some();
    // The tick, with the item's text as its label (a screen reader reads one control). A
    // column of fixed width, so long text wraps instead of pushing the rest off the window.
    let text = ui.vertical(|ui| {
        ui.set_width(TEXT_WIDTH);
        match &item.state {
            ItemState::Open if item.kind.done_elsewhere() || item.kind.hands_over() => {
                return Some(ui.add(egui::Label::new(&item.title).wrap()));
            }
            ItemState::Open => {
                let mut ticked = false;
                if ui.add(egui::Checkbox::new(&mut ticked, &item.title)).clicked() {
                    let command = if records.connected_items.contains_key(&item.id) {
                        ProcessCommand::PreviewInDirectory(item.id)
                    } else if item.kind.is_irreversible() {
                        ProcessCommand::ConfirmItem(Some(item.id))
                    } else {
                        ProcessCommand::CompleteItem(item.id)
                    };
                    commands.push(command.into());
                }
            }
            ItemState::Done { .. } => {
                let mut ticked = true;
                let undo = !finished && (!item.kind.changes_record() || item.kind.hands_over());
                let why = if finished {
                    "The process is finished."
                } else {
                    "Ticking it changed the record: undo that change on the person's page."
                };
                let hint = if item.kind.hands_over() { "Untick to choose again" } else { "Untick to take it back" };
                let tick = ui.add_enabled(undo, egui::Checkbox::new(&mut ticked, &item.title));
                if tick.on_hover_text(hint).on_disabled_hover_text(why).clicked() {
                    commands.push(ProcessCommand::ReopenItem(item.id).into());
                }
            }
            ItemState::Skipped { .. } => {
                ui.add(egui::Label::new(egui::RichText::new(format!("Skipped: {}", item.title)).weak()).wrap());
            }
        }
        None
    });
    ui.vertical(|ui| {
        ui.set_width(DUE_WIDTH);
        due_ui(ui, item, records.today);
    });
    ui.horizontal_wrapped(|ui| {
        if let Some(text) = &text.inner
            && item.kind.hands_over()
        {
            hand_over_ui(ui, records, list, item, text, commands);
        }
        actions_ui(ui, page, records, list, item, commands);
    });
}

/// Who takes over a leaver's direct report or system, chosen in the item's row (the item's
/// text names the pick-list): choosing does the item.
fn hand_over_ui(
    ui: &mut egui::Ui,
    records: &Records,
    list: &Checklist,
    item: &Item,
    text: &egui::Response,
    commands: &mut Vec<Command>,
) {
    let nobody = match item.kind {
        ItemKind::ChooseManager { .. } => "No manager",
        _ => "Nobody",
    };
    let directory = &records.directory;
    let mut choices: Vec<(&str, &str)> = vec![(NOBODY, nobody)];
    choices.extend(
        records
            .staying
            .iter()
            .filter(|(id, _)| {
                let id = id.parse().ok();
                id.is_some() && check_successor(directory, &item.kind, list.staff_id, id).is_ok()
            })
            .map(|(id, shown)| (id.as_str(), shown.as_str())),
    );
    // Nothing is kept between frames: a choice is carried out at once.
    let mut chosen = String::new();
    // Narrow enough that the row's other actions stay on its line.
    let picked = ui.scope(|ui| {
        ui.set_max_width(HAND_OVER_WIDTH);
        pick_input(ui, text, &format!("hand-over-{}", item.id), &mut chosen, &choices, None)
    });
    if picked.inner {
        let to = if chosen == NOBODY { None } else { chosen.parse().ok() };
        commands.push(ProcessCommand::HandOver(item.id, to).into());
    }
}

/// The pick-list's value for "no manager" or "nobody" (other values are staff ids).
const NOBODY: &str = "nobody";

/// Who took over, as the record says now: "Jo Smith is Sam's manager now".
fn handed_to(records: &Records, kind: &ItemKind) -> Option<String> {
    let directory = &records.directory;
    let name = |id: Option<i64>| id.and_then(|id| directory.person(id)).map(|p| p.full_name.clone());
    match kind {
        ItemKind::ChooseManager { report } => {
            let report = directory.person(*report)?;
            Some(match name(report.manager_id) {
                Some(manager) => format!("{} reports to {manager} now", report.full_name),
                None => format!("{} has no manager now", report.full_name),
            })
        }
        ItemKind::TransferOwnership { system } => {
            let system = directory.system(*system)?;
            Some(match name(system.owner_id) {
                Some(owner) => format!("{} owns {} now", owner, system.name),
                None => format!("{} has no owner now", system.name),
            })
        }
        _ => None,
    }
}

fn due_ui(ui: &mut egui::Ui, item: &Item, today: Date) {
    match &item.state {
        ItemState::Open => {
            let overdue = item.due < today;
            let text = format!("{} {}", if overdue { "Overdue since" } else { "Due" }, date_in_words(item.due, today));
            let color = if overdue { State::Problem.color(ui) } else { ui.visuals().text_color() };
            ui.colored_label(color, text);
        }
        // One line each, so ticking a row never pushes the rows below down; a cut line shows
        // in full on hover.
        ItemState::Done { by, at, .. } => {
            // Short enough for its column; who did it on hover.
            let text = format!("Done {}", at.strftime("%-d %b %H:%M"));
            ui.add(egui::Label::new(egui::RichText::new(text).weak()).truncate())
                .on_hover_text(format!("Done by {by}"));
        }
        ItemState::Skipped { by, reason, .. } => {
            ui.add(egui::Label::new(egui::RichText::new(format!("Skipped by {by}: {reason}")).weak()).truncate());
        }
    }
}

/// Where the item is done, and skipping it (with its reason typed in place) or taking a skip back.
fn actions_ui(
    ui: &mut egui::Ui,
    page: &mut ProcessesPage,
    records: &Records,
    list: &Checklist,
    item: &Item,
    commands: &mut Vec<Command>,
) {
    let finished = list.finished_at.is_some();
    match &item.state {
        ItemState::Done { confirmed, .. } => {
            if let Some(now) = handed_to(records, &item.kind) {
                ui.weak(now);
            }
            if let Some(confirmed) = confirmed {
                // One line, so the row keeps its height; in full on hover.
                let text = egui::RichText::new(format!("Done in the directory, {confirmed}")).weak();
                ui.add(egui::Label::new(text).truncate()).on_hover_text(confirmed);
            }
        }
        ItemState::Open => {
            if let Some(directory) = records.connected_items.get(&item.id) {
                ui.weak(format!("done in {directory}"))
                    .on_hover_text(format!("Ticking it shows what Keyholder will change in {directory}, then does it"));
            }
            open_link(ui, list, item, commands);
            let skip = row_button_response(ui, "Skip…", &format!("Skip: {}", item.title));
            if skip.clicked() {
                commands.push(ProcessCommand::StartSkip(Some(item.id)).into());
            }
            if page.skipping == Some(item.id) {
                skip_popup(ui.ctx(), skip.rect.left_bottom(), page, item, commands);
            }
        }
        ItemState::Skipped { .. }
            if !finished && row_button(ui, "Undo skip", &format!("Undo skip: {}", item.title)) =>
        {
            commands.push(ProcessCommand::ReopenItem(item.id).into());
        }
        _ => {}
    }
}

/// The reason for skipping, asked just under the row's "Skip…" and over what is below it, so
/// nothing on the page moves.
fn skip_popup(ctx: &egui::Context, at: egui::Pos2, page: &mut ProcessesPage, item: &Item, commands: &mut Vec<Command>) {
    egui::Area::new(egui::Id::unique(("skip-reason", item.id))).order(egui::Order::Foreground).fixed_pos(at).show(
        ctx,
        |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.horizontal(|ui| {
                    let label = ui.label("Why skip it?");
                    let field = ui
                        .add(egui::TextEdit::singleline(&mut page.forms.skip_reason).desired_width(220.0))
                        .labelled_by(label.id);
                    if page.forms.skip_reason.is_empty() && !field.has_focus() {
                        field.request_focus();
                    }
                    let why_not = page.forms.skip_reason.trim().is_empty().then_some("Say why first.");
                    if submit_button(ui, &field, "Skip it", why_not) {
                        commands.push(ProcessCommand::SkipItem(item.id).into());
                    }
                    if ui.small_button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                        commands.push(ProcessCommand::StartSkip(None).into());
                    }
                });
            });
        },
    );
}

/// A link to the place where the item is done: the secret to rotate, the system, the person.
fn open_link(ui: &mut egui::Ui, list: &Checklist, item: &Item, commands: &mut Vec<Command>) {
    let target = match item.kind {
        ItemKind::RotateSecret { secret } => Some(("Rotate the secret…", Target::Secret(secret))),
        ItemKind::CreateAccount { system }
        | ItemKind::EnrolMfa { system }
        | ItemKind::TransferOwnership { system }
        | ItemKind::AddAccess { system, .. }
        | ItemKind::RemoveAccess { system, .. } => Some(("Open system", Target::System(system))),
        ItemKind::RemoveRole { .. } | ItemKind::RevokeGrant { .. } | ItemKind::DisableAccount { .. } => {
            Some(("Open person", Target::Staff(list.staff_id)))
        }
        ItemKind::ChooseManager { report } => Some(("Open person", Target::Staff(report))),
        _ => None,
    };
    if let Some((label, target)) = target
        && row_button(ui, label, &format!("{label}: {}", item.title))
    {
        commands.push(Command::Open(target));
    }
}

/// The report, marking a leaver as left, and archiving a finished checklist.
fn closing_ui(ui: &mut egui::Ui, page: &mut ProcessesPage, list: &Checklist, commands: &mut Vec<Command>) {
    let forms = &mut page.forms;
    ui.horizontal(|ui| {
        let (path, target) = (&mut forms.report_path, crate::ui::file_dialog::FileTarget::Report);
        let hint = format!("/path/to/{}-report", list.process);
        crate::ui::file_dialog::path_field(ui, "Report file name", &hint, path, target, commands);
        let why_not = forms.report_path.trim().is_empty().then_some(CHOOSE_FILE);
        if action_button(ui, "Save report (PDF and CSV)", why_not) {
            commands.push(ProcessCommand::SaveReport(list.id).into());
        }
    });
    if list.process == Process::Leaver && list.finished_at.is_none() {
        let open = list.open_items().count();
        let why_not = match open {
            0 => None,
            1 => Some("1 item is still to do.".to_owned()),
            n => Some(format!("{n} items are still to do.")),
        };
        if action_button(ui, "Mark as left", why_not.as_deref()) {
            commands.push(ProcessCommand::FinishLeaver(list.staff_id).into());
        }
    }
    if list.finished_at.is_some()
        && ui
            .button("Archive")
            .on_hover_text("Put it away from the current list; it stays on the person's record")
            .clicked()
    {
        commands.push(ProcessCommand::Archive(list.id).into());
    }
}
