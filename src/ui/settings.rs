//! Settings: appearance, the office name, the auto-lock time and backups.

use super::commands::Command;
use super::shell::{ShellData, ShellForms};
use super::widgets::{field_label, indented, text_field};

pub fn ui(ui: &mut egui::Ui, data: &ShellData, forms: &mut ShellForms, commands: &mut Vec<Command>) {
    appearance_ui(ui);
    ui.add_space(12.0);
    text_field(ui, "Office name", &mut forms.office_name);
    ui.horizontal(|ui| {
        let label = field_label(ui, "Auto-lock (minutes)");
        ui.add(egui::DragValue::new(&mut forms.auto_lock_minutes).range(1..=120)).labelled_by(label.id);
    });
    let changed = forms.office_name.trim() != data.settings.office_name
        || forms.auto_lock_minutes != data.settings.auto_lock_minutes;
    indented(ui, |ui| {
        if ui.add_enabled(changed, egui::Button::new("Save settings")).clicked() {
            commands.push(Command::SaveSettings);
        }
    });

    if let Some(policies) = &mut forms.policies {
        ui.add_space(20.0);
        ui.strong("Policies");
        let number = |ui: &mut egui::Ui, label: &str, value: &mut i64, range: std::ops::RangeInclusive<i64>| {
            ui.horizontal(|ui| {
                let label = field_label(ui, label);
                ui.add(egui::DragValue::new(value).range(range)).labelled_by(label.id);
            });
        };
        number(ui, "Clear clipboard after (s)", &mut policies.clipboard_clear_secs, 5..=300);
        let mut versions = policies.secret_history_versions as i64;
        number(ui, "Earlier secret values kept", &mut versions, 1..=50);
        policies.secret_history_versions = versions as usize;
        let mut length = policies.password_min_length as i64;
        number(ui, "Minimum secret length", &mut length, 12..=128);
        policies.password_min_length = length as usize;
        number(ui, "Keep leavers' details (months)", &mut policies.retention_months, 1..=120);
        let changed = Some(*policies) != data.policies;
        indented(ui, |ui| {
            if ui.add_enabled(changed, egui::Button::new("Save policies")).clicked() {
                commands.push(Command::SavePolicies);
            }
        });
    }

    ui.add_space(20.0);
    ui.strong("Backup");
    ui.weak("One encrypted file with everything needed to restore the vault (with a password or the recovery key).");
    text_field(ui, "Backup file", &mut forms.backup_path);
    indented(ui, |ui| {
        super::file_dialog::choose_button(ui, super::file_dialog::FileTarget::Backup, commands);
        if ui.add_enabled(!forms.backup_path.trim().is_empty(), egui::Button::new("Write backup")).clicked() {
            commands.push(Command::Backup);
        }
    });
}

/// Light, dark or follow the system. A view preference of this window, not stored in the vault.
fn appearance_ui(ui: &mut egui::Ui) {
    use egui::ThemePreference;
    ui.horizontal(|ui| {
        field_label(ui, "Appearance");
        let mut preference = ui.ctx().options(|o| o.theme_preference);
        for (value, name) in
            [(ThemePreference::System, "System"), (ThemePreference::Light, "Light"), (ThemePreference::Dark, "Dark")]
        {
            ui.selectable_value(&mut preference, value, name);
        }
        if preference != ui.ctx().options(|o| o.theme_preference) {
            ui.ctx().set_theme(preference);
        }
    });
}
