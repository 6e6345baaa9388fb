//! Small pieces shared by screens: labelled fields (so screen readers and tests can find them),
//! the password strength meter and the notice banner.

use crate::domain::password;
use egui::{Color32, RichText, Ui};

/// Width of the label column of a form; controls below a field are indented by [`INDENT`].
pub const LABEL_WIDTH: f32 = 160.0;
pub const INDENT: f32 = LABEL_WIDTH + 4.0;
const FIELD_WIDTH: f32 = 300.0;

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

/// A masked text field with a visible label.
pub fn password_field(ui: &mut Ui, label: &str, text: &mut String) -> egui::Response {
    ui.horizontal(|ui| {
        let label = field_label(ui, label);
        ui.add(egui::TextEdit::singleline(text).password(true).desired_width(FIELD_WIDTH)).labelled_by(label.id)
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

pub fn success_color(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode { Color32::from_rgb(0x6c, 0xc6, 0x7e) } else { Color32::from_rgb(0x1e, 0x7a, 0x34) }
}

/// The strength meter under a new password; returns whether the password is acceptable.
pub fn strength_meter(ui: &mut Ui, password: &str, context: &[&str]) -> bool {
    if password.is_empty() {
        indented(ui, |ui| {
            ui.weak(format!("At least {} characters; several unrelated words work well.", password::MIN_LENGTH))
        });
        return false;
    }
    let strength = password::assess(password, context);
    let color = match strength.score {
        0 | 1 => ui.visuals().error_fg_color,
        2 => ui.visuals().warn_fg_color,
        _ => success_color(ui),
    };
    indented(ui, |ui| {
        ui.add(
            egui::ProgressBar::new(f32::from(strength.score + 1) / 5.0)
                .desired_width(FIELD_WIDTH)
                .desired_height(6.0)
                .fill(color),
        )
    });
    indented(ui, |ui| {
        let verdict = match &strength.problem {
            Some(problem) => format!("{}. {problem}", strength.label),
            None => format!("{}: meets the office password policy.", strength.label),
        };
        ui.add(egui::Label::new(RichText::new(verdict).color(color)).wrap());
    });
    strength.is_acceptable()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Self { kind: NoticeKind::Info, text: text.into() }
    }
    pub fn error(text: impl Into<String>) -> Self {
        Self { kind: NoticeKind::Error, text: text.into() }
    }
}

/// The banner at the top of a screen; returns true when dismissed.
pub fn notice_ui(ui: &mut Ui, notice: &Notice) -> bool {
    let color = match notice.kind {
        NoticeKind::Info => success_color(ui),
        NoticeKind::Error => ui.visuals().error_fg_color,
    };
    let mut dismissed = false;
    egui::Frame::group(ui.style()).stroke(egui::Stroke::new(1.0, color)).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.colored_label(color, &notice.text);
            if ui.small_button("Dismiss").clicked() {
                dismissed = true;
            }
        });
    });
    ui.add_space(8.0);
    dismissed
}
