//! The desktop GUI (egui/eframe). Screens draw from state and return [`commands::Command`]s;
//! the app applies them after drawing, which is the only place anything is written.

mod app;
pub mod clipboard;
mod commands;
pub mod file_browser;
pub mod file_dialog;
mod help;
pub mod notify;
mod pages;
pub mod print;
mod records;
mod recovery_key;
mod shell;
mod sign_in;
mod totp;
mod welcome;
mod widgets;

pub use app::{AppDeps, KeyholderApp};
pub use commands::{Command, Page};
pub use shell::JobGate;

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
        files: Arc::new(file_dialog::NativePicker),
        printer: Arc::new(print::SystemPrinter),
        job_gate: shell::JobGate::default(),
    };
    eframe::run_native(
        "Keyholder",
        options,
        Box::new(move |cc| {
            // The theme chosen last time (the only thing Keyholder itself keeps in eframe's
            // storage, beside the window's size and position); the environment wins.
            let saved = cc.storage.and_then(|s| s.get_string(THEME_KEY));
            cc.egui_ctx
                .set_theme(theme_from_env().or_else(|| saved.as_deref().and_then(theme_from_name)).unwrap_or_default());
            Ok(Box::new(KeyholderApp::new(deps)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

/// Where the theme choice is kept in eframe's storage.
pub const THEME_KEY: &str = "theme";

/// `KEYHOLDER_THEME=light|dark|system` picks the theme at start (screenshots, odd desktops).
fn theme_from_env() -> Option<egui::ThemePreference> {
    std::env::var("KEYHOLDER_THEME").ok().as_deref().and_then(theme_from_name)
}

pub fn theme_from_name(name: &str) -> Option<egui::ThemePreference> {
    match name {
        "light" => Some(egui::ThemePreference::Light),
        "dark" => Some(egui::ThemePreference::Dark),
        "system" => Some(egui::ThemePreference::System),
        _ => None,
    }
}

pub fn theme_name(theme: egui::ThemePreference) -> &'static str {
    match theme {
        egui::ThemePreference::Light => "light",
        egui::ThemePreference::Dark => "dark",
        egui::ThemePreference::System => "system",
    }
}
