//! Authenticator screens: the operator's own two-step sign-in (QR, grouped secret, confirming
//! code, recovery codes shown once), a staff member's enrolment with a large QR code and the
//! "verify identity" check, and a shared account's current code with its countdown.

use super::commands::Command;
use super::widgets::{indented, password_field, success_color, text_field, visible_secret_field};
use crate::domain::secret::SecretString;
use crate::domain::staff::StaffId;
use crate::service::OperatorTotpStatus;
use std::collections::{HashMap, HashSet};
use zeroize::Zeroizing;

/// An authenticator QR code waiting to be scanned, and its key for typing by hand.
pub struct QrCode {
    modules: Vec<Vec<bool>>,
    key_text: Zeroizing<String>,
}

impl QrCode {
    pub fn for_uri(uri: &str) -> Option<Self> {
        let (secret, _, _) = crate::domain::totp::parse_uri(uri).ok()?;
        let modules = crate::domain::totp::qr_modules(uri)?;
        Some(Self { modules, key_text: crate::domain::totp::grouped_secret(&secret) })
    }
}

/// The authenticator parts of the shell's state.
#[derive(Default)]
pub struct TotpView {
    /// The injected clock's time at the last tick (for countdowns).
    pub now: Option<jiff::Timestamp>,
    pub status: OperatorTotpStatus,
    /// An operator setup in progress.
    pub setup: Option<QrCode>,
    pub recovery_codes: Vec<Zeroizing<String>>,
    pub operator_code: SecretString,
    /// Staff with an authenticator: id and confirmation date (`None`: waiting for a code).
    pub enrolments: HashMap<i64, Option<String>>,
    pub staff_enrolment: Option<(StaffId, QrCode)>,
    pub staff_code: String,
    /// The last identity check: who, whether it passed, what to say.
    pub identity: Option<(StaffId, bool, String)>,
    pub secrets_with_totp: HashSet<i64>,
    /// A shared account's code on screen: secret id, code, valid until.
    pub secret_code: Option<(i64, String, jiff::Timestamp)>,
    /// A shared account's `otpauth://` link or key, as typed or pasted.
    pub secret_uri: SecretString,
    pub secret_image: String,
}

impl TotpView {
    /// Drop a shown code once it has expired.
    pub fn tick(&mut self, now: jiff::Timestamp) {
        self.now = Some(now);
        if self.secret_code.as_ref().is_some_and(|(_, _, until)| now >= *until) {
            self.secret_code = None;
        }
    }
}

/// Draw `qr` with `module` points per module and a quiet zone, dark on white whatever the theme.
/// Then the key in groups of four.
pub fn qr_ui(ui: &mut egui::Ui, qr: &QrCode, module: f32, label: &str) {
    let count = qr.modules.len() as f32 + 8.0;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(count * module, count * module), egui::Sense::hover());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, label));
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, egui::Color32::WHITE);
    for (y, row) in qr.modules.iter().enumerate() {
        for (x, dark) in row.iter().enumerate() {
            if *dark {
                let min = rect.min + egui::vec2((x as f32 + 4.0) * module, (y as f32 + 4.0) * module);
                painter.rect_filled(
                    egui::Rect::from_min_size(min, egui::vec2(module, module)),
                    0.0,
                    egui::Color32::BLACK,
                );
            }
        }
    }
    ui.horizontal(|ui| {
        ui.label("Key:");
        ui.label(egui::RichText::new(qr.key_text.as_str()).monospace());
    });
}

/// The operator's own two-step sign-in, on the Operators page.
pub fn operator_ui(ui: &mut egui::Ui, view: &mut TotpView, commands: &mut Vec<Command>) {
    ui.strong("Two-step sign-in");
    if !view.recovery_codes.is_empty() {
        ui.label("Two-step sign-in is on. These recovery codes are shown only now: write them down and keep");
        ui.label("them away from the computer. Each one replaces the phone once.");
        egui::Grid::new("recovery-codes").num_columns(2).spacing([24.0, 4.0]).show(ui, |ui| {
            for pair in view.recovery_codes.chunks(2) {
                for code in pair {
                    ui.label(egui::RichText::new(code.as_str()).monospace().size(16.0));
                }
                ui.end_row();
            }
        });
        indented(ui, |ui| {
            if ui.button("I have stored the recovery codes").clicked() {
                commands.push(Command::DismissRecoveryCodes);
            }
        });
        return;
    }
    if let Some(enabled_at) = &view.status.enabled_at {
        ui.label(format!(
            "On since {}. Sign-in asks for a code from your authenticator app. {} recovery code(s) left.",
            enabled_at.get(..10).unwrap_or(enabled_at),
            view.status.recovery_codes_left
        ));
        password_field(ui, "Current code", view.operator_code.expose_mut());
        indented(ui, |ui| {
            if ui.add_enabled(!view.operator_code.is_empty(), egui::Button::new("Turn off two-step sign-in")).clicked()
            {
                commands.push(Command::DisableOperatorTotp);
            }
        });
        return;
    }
    match &view.setup {
        None => {
            ui.label("Ask for a code from an authenticator app after the password, so a password alone");
            ui.label("does not let anyone into Keyholder.");
            indented(ui, |ui| {
                if ui.button("Set up two-step sign-in").clicked() {
                    commands.push(Command::BeginOperatorTotp);
                }
            });
        }
        Some(qr) => {
            ui.label("Scan this with your authenticator app, or type the key below into it.");
            qr_ui(ui, qr, 4.0, "QR code for your authenticator app");
            password_field(ui, "Code from the app", view.operator_code.expose_mut());
            indented(ui, |ui| {
                if ui.add_enabled(!view.operator_code.is_empty(), egui::Button::new("Confirm and turn on")).clicked() {
                    commands.push(Command::ConfirmOperatorTotp);
                }
            });
        }
    }
}

/// A staff member's authenticator on their page: enrol (large QR), confirm, verify a caller.
pub fn staff_ui(ui: &mut egui::Ui, view: &mut TotpView, staff: StaffId, name: &str, commands: &mut Vec<Command>) {
    ui.strong("Authenticator (identity checks)");
    if let Some((_, qr)) = view.staff_enrolment.as_ref().filter(|(id, _)| *id == staff) {
        // A dialog over the page, so the code is large and in view wherever the page was scrolled.
        let code = &mut view.staff_code;
        egui::Modal::new(egui::Id::unique("staff-enrolment")).show(ui.ctx(), |ui| {
            ui.heading(format!("Enrol {name}'s authenticator"));
            ui.label(format!("Ask {name} to scan this with their authenticator app, then type the code it shows."));
            ui.add_space(8.0);
            qr_ui(ui, qr, 6.0, &format!("QR code for {name} to scan"));
            ui.add_space(8.0);
            let field = text_field(ui, "Their code", code);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            indented(ui, |ui| {
                let ready = !code.trim().is_empty();
                if ui.add_enabled(ready, egui::Button::new("Confirm enrolment")).clicked() || (entered && ready) {
                    commands.push(Command::ConfirmAuthenticator(staff));
                }
                if ui.button("Close").clicked() {
                    commands.push(Command::CloseEnrolment);
                }
            });
        });
        return;
    }
    let enrolment = view.enrolments.get(&staff);
    match enrolment {
        Some(Some(date)) => {
            ui.label(format!("Enrolled on {date}."));
        }
        Some(None) => {
            ui.colored_label(ui.visuals().warn_fg_color, "Enrolment started but never confirmed with a code.");
        }
        None => {
            ui.weak("No authenticator enrolled.");
        }
    }
    indented(ui, |ui| {
        let label = if enrolment.is_some() { "Re-enrol (new phone)" } else { "Enrol authenticator" };
        if ui.button(label).clicked() {
            commands.push(Command::EnrolAuthenticator(staff));
        }
    });
    if matches!(enrolment, Some(Some(_))) {
        ui.label("Someone calling as this person? Ask for the code their app shows now.");
        text_field(ui, "Caller's code", &mut view.staff_code);
        indented(ui, |ui| {
            if ui.add_enabled(!view.staff_code.trim().is_empty(), egui::Button::new("Verify identity")).clicked() {
                commands.push(Command::VerifyIdentity(staff));
            }
        });
    }
    if let Some((_, passed, text)) = view.identity.as_ref().filter(|(id, _, _)| *id == staff) {
        let color = if *passed { success_color(ui) } else { ui.visuals().error_fg_color };
        ui.colored_label(color, text);
    }
}

/// A shared account's authenticator code on the secret's page.
pub fn secret_ui(ui: &mut egui::Ui, view: &mut TotpView, secret: i64, commands: &mut Vec<Command>) {
    ui.strong("Authenticator code");
    if view.secrets_with_totp.contains(&secret) {
        ui.horizontal(|ui| {
            match (&view.secret_code, view.now) {
                (Some((id, code, until)), Some(now)) if *id == secret => {
                    let left = now.duration_until(*until).as_secs().max(0);
                    ui.label(egui::RichText::new(code).monospace().size(20.0).strong());
                    ui.label(format!("valid for {left} s"));
                }
                _ => {
                    if ui.button("Show code").clicked() {
                        commands.push(Command::ShowSecretCode(secret));
                    }
                }
            }
            if ui.button("Copy code").on_hover_text("Cleared from the clipboard like the password").clicked() {
                commands.push(Command::CopySecretCode(secret));
            }
        });
    } else {
        ui.weak("None. Paste the account's otpauth:// link or its key, or give a picture of its QR code.");
    }
    visible_secret_field(ui, "otpauth:// link or key", view.secret_uri.expose_mut());
    ui.horizontal(|ui| {
        let target = super::file_dialog::FileTarget::QrPicture;
        super::file_dialog::path_field(
            ui,
            "or QR picture file",
            "/path/to/qr.png",
            &mut view.secret_image,
            target,
            commands,
        );
    });
    indented(ui, |ui| {
        let ready = !view.secret_uri.expose().trim().is_empty() || !view.secret_image.trim().is_empty();
        if ui.add_enabled(ready, egui::Button::new("Attach authenticator")).clicked() {
            commands.push(Command::AttachSecretTotp(secret));
        }
    });
}
