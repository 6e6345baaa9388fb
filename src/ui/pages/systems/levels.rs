//! The levels editor shared by "Add a system" and a system's own panel: least access first,
//! each with a name, a "privileged" tick, move up and remove (disabled, with the reason, while
//! a role or person still uses the level).

use crate::domain::access::Directory;
use crate::domain::level_changes::LevelEdit;
use crate::domain::system::SystemKind;
use crate::ui::widgets::style::icon;
use crate::ui::widgets::{field_label, indented};

/// The levels a new system of this kind starts with; the operator can change them.
pub fn default_levels(kind: SystemKind) -> Vec<LevelEdit> {
    let level = |name: &str, privileged| LevelEdit { id: None, name: name.into(), privileged };
    match kind {
        SystemKind::Software => vec![level("user", false), level("admin", true)],
        SystemKind::SharedAccount => vec![level("user", false)],
        SystemKind::Physical => vec![level("holder", false)],
    }
}

/// Edit `levels` in place. `whose` ("CRM", "the new system") names the controls for screen
/// readers and keeps two editors on one page apart; `directory` says which stored levels are
/// in use (a new system has none).
pub fn levels_editor(ui: &mut egui::Ui, whose: &str, levels: &mut Vec<LevelEdit>, directory: &Directory) {
    let mut remove = None;
    let mut raise = None;
    indented(ui, |ui| ui.weak("Levels of access, the least first:"));
    let only_one = levels.len() == 1;
    for (index, level) in levels.iter_mut().enumerate() {
        ui.push_id((whose, index), |ui| {
            ui.horizontal(|ui| {
                field_label(ui, &format!("Level {}", index + 1));
                let field = ui.add(egui::TextEdit::singleline(&mut level.name).desired_width(140.0));
                let spoken = format!("Level {} of {whose}", index + 1);
                field.widget_info(|| {
                    let mut info = egui::WidgetInfo::text_edit(true, "", &level.name, "");
                    info.label = Some(spoken.clone());
                    info
                });
                ui.checkbox(&mut level.privileged, "Privileged")
                    .on_hover_text("Administrator-like access: reviews ask for a reason to keep it");
                let spoken = format!("Move {} up in {whose}", level.name);
                let up = ui
                    .add_enabled(index > 0, egui::Button::new(icon::MOVE_UP.rich_text()).small())
                    .on_hover_text(&spoken);
                up.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, index > 0, &spoken));
                if up.clicked() {
                    raise = Some(index);
                }
                let uses = level.id.map(|id| directory.uses_of_level(id)).unwrap_or_default();
                let why_not = if only_one {
                    Some("A system keeps at least one level.".to_owned())
                } else if !uses.is_empty() {
                    Some(format!("In use: {}.", uses.join(", ")))
                } else {
                    None
                };
                let spoken = format!("Remove the level {} from {whose}", level.name);
                let button = ui.add_enabled(why_not.is_none(), egui::Button::new("Remove").small());
                button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, why_not.is_none(), &spoken));
                match why_not {
                    Some(reason) => {
                        button.on_disabled_hover_text(&reason);
                        ui.label(
                            egui::RichText::new(if only_one { "the only level" } else { "in use" }).weak().small(),
                        )
                        .on_hover_text(reason);
                    }
                    None if button.on_hover_text(&spoken).clicked() => remove = Some(index),
                    None => {}
                }
            });
        });
    }
    if let Some(index) = remove {
        levels.remove(index);
    }
    if let Some(index) = raise {
        levels.swap(index - 1, index);
    }
    indented(ui, |ui| {
        let spoken = format!("Add a level to {whose}");
        let button = ui.small_button("Add a level").on_hover_text("A new level, after the others");
        button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &spoken));
        if button.clicked() {
            levels.push(LevelEdit { id: None, name: String::new(), privileged: false });
        }
    });
}
