//! The desktop GUI (egui/eframe). Screens draw from state and return [`commands::Command`]s;
//! the app applies them after drawing, which is the only place anything is written.

mod app;
mod audit;
pub mod clipboard;
mod commands;
mod dashboard;
mod matrix;
pub mod notify;
mod operators;
mod overview;
mod processes;
mod records;
mod recovery_key;
mod reviews;
mod roles;
mod secrets;
mod settings;
mod shell;
mod sign_in;
mod staff;
mod systems;
mod totp;
mod welcome;
mod widgets;

pub use app::{AppDeps, KeyholderApp};
pub use commands::{Command, Page};

use crate::service::SystemClock;
use crate::vault::keystore::OsKeyring;
use std::path::PathBuf;
use std::sync::Arc;

/// Open the window on the vault at `vault` (created on first start).
pub fn run(vault: PathBuf) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Keyholder")
            .with_app_id("keyholder")
            .with_inner_size([1100.0, 720.0])
            .with_min_inner_size([640.0, 480.0]),
        ..Default::default()
    };
    let deps = AppDeps {
        vault,
        clock: Arc::new(SystemClock),
        store: Arc::new(OsKeyring),
        new_vault_kdf: None,
        clipboard: Arc::new(clipboard::SystemClipboard::default()),
        notifier: Arc::new(notify::DesktopNotifier),
    };
    eframe::run_native(
        "Keyholder",
        options,
        Box::new(move |cc| {
            cc.egui_ctx.set_theme(theme_from_env());
            Ok(Box::new(KeyholderApp::new(deps)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

/// `KEYHOLDER_THEME=light|dark` picks the theme at start (screenshots, odd desktops); otherwise
/// the system's setting is followed.
fn theme_from_env() -> egui::ThemePreference {
    match std::env::var("KEYHOLDER_THEME").as_deref() {
        Ok("light") => egui::ThemePreference::Light,
        Ok("dark") => egui::ThemePreference::Dark,
        _ => egui::ThemePreference::System,
    }
}
