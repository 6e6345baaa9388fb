//! Files the pages write (exports and reports): the export path the Staff and Access matrix
//! pages share, and asking before a file that exists is replaced.

use crate::service::ServiceResult;
use crate::ui::commands::Command;
use crate::ui::widgets::Notice;

#[derive(Default)]
pub struct Exports {
    /// The one export field shown on both the Staff and the Access matrix pages.
    pub path: String,
    /// An export that stopped because its file exists, waiting for "Replace" or "Keep".
    pending: Option<(Command, String)>,
    /// Set only while a confirmed export runs again.
    overwrite: bool,
}

impl Exports {
    /// Whether the export being started may replace its file (the operator confirmed).
    pub fn overwrite(&self) -> bool {
        self.overwrite
    }

    /// Write an export (from a job, which cannot hold the page's `Exports`); a file already
    /// there is replaced only once the operator confirmed (`overwrite`).
    pub fn write_file(path: &str, bytes: &[u8], overwrite: bool) -> ServiceResult<()> {
        Ok(crate::vault::fsutil::write_export(std::path::Path::new(path.trim()), bytes, overwrite)?)
    }

    /// `command` stopped because `path` exists: keep it to run again if the operator says so.
    pub fn ask(&mut self, command: Command, path: String) -> Notice {
        let notice = Notice::info(format!("{path} already exists: replace it, or keep it and choose another name."));
        self.pending = Some((command, path));
        notice
    }

    /// The command to run again, replacing the file; call [`Self::replaced`] once it has run.
    pub fn replace(&mut self) -> Option<Command> {
        let (command, _) = self.pending.take()?;
        self.overwrite = true;
        Some(command)
    }

    pub fn replaced(&mut self) {
        self.overwrite = false;
    }

    /// Keep the existing file; the export is dropped.
    pub fn keep(&mut self) {
        self.pending = None;
    }

    /// The dialog asking whether to replace the file, while an export waits.
    pub fn ui(&self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let Some((_, path)) = &self.pending else { return };
        egui::Modal::new(egui::Id::unique("confirm-overwrite")).show(ctx, |ui| {
            ui.heading("Replace the existing file?");
            ui.label(format!("{path} already exists. Replacing it loses what it holds now."));
            ui.horizontal(|ui| {
                if ui.button("Replace the file").clicked() {
                    commands.push(Command::ConfirmOverwrite);
                }
                if ui.button("Keep it").clicked() {
                    commands.push(Command::KeepExistingFile);
                }
            });
        });
    }
}
