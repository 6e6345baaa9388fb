//! Authenticator QR codes, shared by the pages that set one up: the operator's own two-step
//! sign-in (Operators) and a staff member's enrolment (their page). Drawn dark on white with
//! the key in groups of four for typing by hand.

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
