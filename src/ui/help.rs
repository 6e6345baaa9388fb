//! The help overlay (F1): keyboard shortcuts and the About facts (version from Cargo.toml).

use super::commands::{Command, Page};
use crate::ui::widgets::style::space;

/// The version the package was built as, also printed by `keyholder --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Shortcuts as shown in the overlay: keys, then what they do.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("F1", "show or hide this help"),
    ("Ctrl+L", "lock now"),
    ("Ctrl+1 … Ctrl+9", "go to the first nine pages in the side bar (Dashboard, Overview, Staff, …)"),
    ("Tab / Shift+Tab", "move between fields and buttons; Space or Enter presses"),
    ("Enter", "sign in, or confirm the code, from the field"),
    ("K / R / J", "in an access review: keep, remove, next item (Up goes back)"),
    ("Ctrl + / Ctrl - / Ctrl 0", "make everything larger, smaller, or the normal size"),
    ("Esc", "close this help"),
];

/// Read the global shortcuts from this frame's input (when no text field is being typed in
/// for the plain keys).
pub fn shortcuts(ctx: &egui::Context, signed_in: bool, commands: &mut Vec<Command>) {
    if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::F1)) {
        commands.push(Command::ToggleHelp);
    }
    let dialog_open = !ctx.memory(|m| m.is_above_modal_layer(egui::LayerId::background()));
    if !signed_in || dialog_open {
        return;
    }
    let keys = [
        egui::Key::Num1,
        egui::Key::Num2,
        egui::Key::Num3,
        egui::Key::Num4,
        egui::Key::Num5,
        egui::Key::Num6,
        egui::Key::Num7,
        egui::Key::Num8,
        egui::Key::Num9,
    ];
    for (key, page) in keys.into_iter().zip(Page::ALL) {
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, key)) {
            commands.push(Command::Navigate(page));
        }
    }
}

/// The overlay itself.
pub fn overlay(ctx: &egui::Context, vault: &std::path::Path, commands: &mut Vec<Command>) {
    let modal = egui::Modal::new(egui::Id::unique("help")).show(ctx, |ui| {
        ui.heading("Keyholder help");
        ui.label(format!("Keyholder {VERSION} · licensed MIT OR Apache-2.0"));
        ui.weak(format!("Vault: {}", vault.display()));
        ui.add_space(space::ROW);
        ui.strong("Keyboard shortcuts");
        egui::Grid::new("shortcuts").num_columns(2).spacing([24.0, 4.0]).show(ui, |ui| {
            for (keys, what) in SHORTCUTS {
                ui.label(egui::RichText::new(*keys).monospace());
                ui.label(*what);
                ui.end_row();
            }
        });
        ui.add_space(space::ROW);
        if ui.button("Close help").clicked() {
            commands.push(Command::ToggleHelp);
        }
    });
    if modal.should_close() {
        commands.push(Command::ToggleHelp);
    }
}
