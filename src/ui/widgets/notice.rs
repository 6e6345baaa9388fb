//! Messages after an action, shown where they never push the page down: a toast over the
//! bottom of the signed-in window, and a slot of fixed height on the screens before it.

use super::style::State;
use egui::Ui;

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

/// The height kept for a notice before sign-in, empty or not (three lines of text).
const SLOT_HEIGHT: f32 = 64.0;

fn notice_frame(ui: &mut Ui, notice: &Notice) -> bool {
    let color = match notice.kind {
        NoticeKind::Info => State::Good.color(ui),
        NoticeKind::Error => State::Problem.color(ui),
    };
    let mut dismissed = false;
    egui::Frame::popup(ui.style()).stroke(egui::Stroke::new(1.0, color)).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.add(egui::Label::new(egui::RichText::new(&notice.text).color(color)).wrap());
            if ui.small_button("Dismiss").clicked() {
                dismissed = true;
            }
        });
    });
    dismissed
}

/// The notice over the bottom right of the window, above the status line; returns true when
/// dismissed. It covers what is under it rather than moving it.
pub fn notice_toast(ctx: &egui::Context, notice: &Notice) -> bool {
    egui::Area::new(egui::Id::unique("notice-toast"))
        .anchor(egui::Align2::RIGHT_BOTTOM, [-16.0, -40.0])
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            ui.set_max_width(480.0);
            notice_frame(ui, notice)
        })
        .inner
}

/// The notice in a slot of fixed height; the slot is kept when there is none, so the form
/// below never moves. Returns true when dismissed.
pub fn notice_slot(ui: &mut Ui, notice: Option<&Notice>) -> bool {
    let width = ui.available_width();
    ui.allocate_ui_with_layout(egui::vec2(width, SLOT_HEIGHT), egui::Layout::top_down(egui::Align::Min), |ui| {
        ui.set_min_size(egui::vec2(width, SLOT_HEIGHT));
        notice.is_some_and(|notice| notice_frame(ui, notice))
    })
    .inner
}
