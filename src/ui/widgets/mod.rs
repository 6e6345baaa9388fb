//! The design vocabulary every screen uses: labelled fields (so screen readers and tests can
//! find them), tables, buttons that say why they are disabled, the confirmation dialog, the
//! strength meter, the date field and the notice area that never moves the page.

mod buttons;
mod calendar;
mod meter;
mod notice;
mod pick;
pub mod style;

pub use buttons::{
    Answer, CHOOSE_FILE, NOTHING_CHANGED, action_button, confirm_dialog, icon_action_button, row_button,
    row_button_response, submit_button,
};
pub use meter::{Policy, new_password_problem, strength_meter};
pub use notice::{Notice, notice_slot, notice_toast};
pub use pick::{Moment, date_field, date_input, moment_field, pick_input, pick_list};

use crate::domain::access::{Role, RoleId};
use egui::Ui;

/// Width of the label column of a form; controls below a field are indented by [`INDENT`].
pub const LABEL_WIDTH: f32 = 160.0;
pub const INDENT: f32 = LABEL_WIDTH + 4.0;
pub(super) const FIELD_WIDTH: f32 = 300.0;

/// A left-aligned label in the form's label column.
pub fn field_label(ui: &mut Ui, text: &str) -> egui::Response {
    ui.allocate_ui_with_layout(egui::vec2(LABEL_WIDTH, 20.0), egui::Layout::left_to_right(egui::Align::Center), |ui| {
        ui.set_min_width(LABEL_WIDTH);
        ui.label(text)
    })
    .inner
}

/// A text field with a visible label tied to it for accessibility.
pub fn text_field(ui: &mut Ui, label: &str, text: &mut String) -> egui::Response {
    ui.horizontal(|ui| {
        let label = field_label(ui, label);
        ui.add(egui::TextEdit::singleline(text).desired_width(FIELD_WIDTH)).labelled_by(label.id)
    })
    .inner
}

/// A text of several lines with a visible label (what happened, a reason).
pub fn text_area(ui: &mut Ui, label: &str, text: &mut String) -> egui::Response {
    ui.horizontal_top(|ui| {
        let label = field_label(ui, label);
        ui.add(egui::TextEdit::multiline(text).desired_width(FIELD_WIDTH * 1.5).desired_rows(2)).labelled_by(label.id)
    })
    .inner
}

/// A masked text field with a visible label. It keeps no undo history (see [`forget_history`]);
/// screen readers are told its role and given bullets, never the text.
pub fn password_field(ui: &mut Ui, label: &str, text: &mut String) -> egui::Response {
    secret_field(ui, label, text, true)
}

/// A text field for a secret that may be seen while typed or pasted (an authenticator's
/// `otpauth://` link or key); like [`password_field`], it keeps no undo history.
pub fn visible_secret_field(ui: &mut Ui, label: &str, text: &mut String) -> egui::Response {
    secret_field(ui, label, text, false)
}

/// A new secret's value, hidden unless "Show" beside it is ticked (to read a generated value
/// out to the system it is for); like [`password_field`], it keeps no undo history.
pub fn secret_value_field(ui: &mut Ui, label: &str, text: &mut String, shown: &mut bool) -> egui::Response {
    let response = ui
        .horizontal(|ui| {
            let label_response = field_label(ui, label);
            // Narrower where the column is narrow, so "Show" stays beside it.
            let width = (ui.available_width() - 70.0).clamp(120.0, FIELD_WIDTH);
            let field = ui
                .add(egui::TextEdit::singleline(text).password(!*shown).desired_width(width))
                .labelled_by(label_response.id);
            let tick = ui.checkbox(shown, "Show").on_hover_text("Show the value while you set it in the system");
            tick.widget_info(|| {
                egui::WidgetInfo::selected(egui::Role::CheckBox, true, *shown, format!("Show {label}"))
            });
            field
        })
        .inner;
    forget_history(ui, response.id);
    response
}

fn secret_field(ui: &mut Ui, label: &str, text: &mut String, masked: bool) -> egui::Response {
    let response = ui
        .horizontal(|ui| {
            let label = field_label(ui, label);
            ui.add(egui::TextEdit::singleline(text).password(masked).desired_width(FIELD_WIDTH)).labelled_by(label.id)
        })
        .inner;
    forget_history(ui, response.id);
    response
}

/// Empty the undo history egui keeps for a text field in its memory between frames: copies of
/// the text as it was typed, which would otherwise outlive the field's own wiped buffer (until
/// the app exits). Ctrl+Z does nothing in such a field.
fn forget_history(ui: &Ui, id: egui::Id) {
    if let Some(mut state) = egui::text_edit::TextEditState::load(ui.ctx(), id) {
        // The undoer is shared with the stored state, so clearing this copy clears that one.
        state.clear_undoer();
    }
}

/// A checkbox for each role; `ticked` holds the roles ticked, in the order they were ticked.
pub fn role_checkboxes(ui: &mut Ui, roles: &[Role], ticked: &mut Vec<RoleId>) {
    for role in roles {
        let mut on = ticked.contains(&role.id);
        if ui.checkbox(&mut on, &role.name).changed() {
            if on {
                ticked.push(role.id);
            } else {
                ticked.retain(|r| *r != role.id);
            }
        }
    }
}

/// A striped table whose first row is `headers` (an empty header leaves a column untitled).
pub fn table<R>(ui: &mut Ui, id: &str, headers: &[&str], rows: impl FnOnce(&mut Ui) -> R) -> R {
    egui::Grid::new(id)
        .num_columns(headers.len())
        .striped(true)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for header in headers {
                ui.strong(*header);
            }
            ui.end_row();
            rows(ui)
        })
        .inner
}

/// A line indented to the field column.
pub fn indented<R>(ui: &mut Ui, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.horizontal(|ui| {
        ui.add_space(INDENT);
        add(ui)
    })
    .inner
}

/// Lay out `add` in a centred column of `width` points (the screens before sign-in).
pub fn centred_column(ui: &mut Ui, width: f32, add: impl FnOnce(&mut Ui)) {
    let margin = ((ui.available_width() - width) / 2.0).max(0.0);
    ui.horizontal_top(|ui| {
        ui.add_space(margin);
        ui.vertical(|ui| {
            ui.set_max_width(width);
            add(ui);
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    type Field = fn(&mut Ui, &str, &mut String) -> egui::Response;

    /// Type `text` into the field `add` draws, pausing after each character for longer than
    /// egui waits before keeping an undo point; returns the field's undo history as egui shows it.
    fn undo_history_after_typing(add: Field, text: &str) -> String {
        let ctx = egui::Context::default();
        let mut value = String::new();
        let mut id = None;
        let mut frame = |events: Vec<egui::Event>, time: f64| {
            let input = egui::RawInput { events, time: Some(time), ..Default::default() };
            let mut output = ctx.run_ui(input, |ui| {
                let response = add(ui, "Field", &mut value);
                if id.is_none() {
                    response.request_focus();
                }
                id = Some(response.id);
            });
            output.textures_delta.clear();
        };
        frame(Vec::new(), 0.0);
        for (i, c) in text.chars().enumerate() {
            let at = 2.0 * (i as f64 + 1.0);
            frame(vec![egui::Event::Text(c.to_string())], at);
            frame(Vec::new(), at + 1.5);
        }
        assert_eq!(value, text, "the field was typed into");
        let state = id.and_then(|id| egui::text_edit::TextEditState::load(&ctx, id));
        state.map(|s| format!("{:?}", s.undoer())).unwrap_or_default()
    }

    #[test]
    fn a_plain_field_keeps_what_was_typed_for_undo() {
        let history = undo_history_after_typing(text_field, "abc");
        assert!(history.contains("undo count: 4"), "{history}");
    }

    #[test]
    fn secret_fields_keep_no_undo_history() {
        for field in [password_field as Field, visible_secret_field] {
            let history = undo_history_after_typing(field, "abc");
            assert!(history.contains("undo count: 0"), "{history}");
        }
    }
}
