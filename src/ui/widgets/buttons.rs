//! Buttons that say why they cannot be pressed, that Enter in a field can press, and the
//! dialog that asks before an irreversible step.

use super::style::space;
use egui::{RichText, Ui};

/// Why an export or save button waits.
pub const CHOOSE_FILE: &str = "Choose a file first.";
/// Why a save button waits.
pub const NOTHING_CHANGED: &str = "Nothing has changed yet.";

/// A button that works only when `why_not` is `None`. Otherwise it is greyed out and the
/// reason is written beside it (and shown on hover), so a disabled button is never a dead end.
/// Button and reason share one row: the reason appearing or going moves nothing.
pub fn action_button(ui: &mut Ui, label: &str, why_not: Option<&str>) -> bool {
    icon_action_button(ui, None, label, why_not)
}

/// [`action_button`] with an icon before its words; a screen reader says only the words.
pub fn icon_action_button(
    ui: &mut Ui,
    icon: Option<egui_material_icons::MaterialIcon>,
    label: &str,
    why_not: Option<&str>,
) -> bool {
    ui.horizontal(|ui| {
        let text = match icon {
            Some(icon) => {
                let mut job = egui::text::LayoutJob::default();
                let style = ui.style();
                let font = egui::TextStyle::Button.resolve(style);
                let color = style.visuals.text_color();
                let icon_font = egui::FontId::new(font.size, icon.font_family());
                job.append(icon.codepoint, 0.0, egui::TextFormat::simple(icon_font, color));
                job.append(label, 6.0, egui::TextFormat::simple(font, color));
                egui::WidgetText::from(job)
            }
            None => egui::WidgetText::from(label),
        };
        let enabled = why_not.is_none();
        let button = ui.add_enabled(enabled, egui::Button::new(text));
        button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, label));
        match why_not {
            Some(reason) => {
                button.on_disabled_hover_text(reason);
                // Wrapped where there is room for words; in a narrow row, one line (all on hover).
                let label = egui::Label::new(RichText::new(reason).weak());
                ui.add(if ui.available_width() >= 180.0 { label.wrap() } else { label.truncate() });
                false
            }
            None => button.clicked(),
        }
    })
    .inner
}

/// [`action_button`] that Enter in `field` presses too.
pub fn submit_button(ui: &mut Ui, field: &egui::Response, label: &str, why_not: Option<&str>) -> bool {
    let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    let clicked = action_button(ui, label, why_not);
    clicked || (entered && why_not.is_none())
}

/// What the operator answered in a [`confirm_dialog`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Confirm,
    Cancel,
}

/// A modal that says what an irreversible step will do, with the step's own verb on the button
/// ("Sign off", "Start leaving") and Cancel; Escape cancels.
pub fn confirm_dialog(ctx: &egui::Context, title: &str, what_happens: &[String], verb: &str) -> Option<Answer> {
    let modal = egui::Modal::new(egui::Id::unique(("confirm", title))).show(ctx, |ui| {
        ui.set_max_width(460.0);
        ui.heading(title);
        ui.add_space(space::ROW);
        for line in what_happens {
            ui.label(line);
        }
        ui.add_space(space::BLOCK);
        ui.horizontal(|ui| {
            if ui.button(verb).clicked() {
                Some(Answer::Confirm)
            } else if ui.button("Cancel").clicked() {
                Some(Answer::Cancel)
            } else {
                None
            }
        })
        .inner
    });
    if modal.should_close() { Some(Answer::Cancel) } else { modal.inner }
}

/// A small button whose short text ("Skip…") stands for a longer name that a screen reader says
/// and a tooltip shows ("Skip: Return building pass and keys"), so rows of them stay apart.
pub fn row_button(ui: &mut Ui, text: &str, spoken: &str) -> bool {
    row_button_response(ui, text, spoken).clicked()
}

/// [`row_button`], giving its response (to place something beside it).
pub fn row_button_response(ui: &mut Ui, text: &str, spoken: &str) -> egui::Response {
    let response = ui.small_button(text).on_hover_text(spoken);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, spoken));
    response
}
