//! Native open/save dialogs (rfd, through the desktop's portal) for imports, exports, backups
//! and reports. A dialog runs on its own thread and its answer fills the path field it was
//! opened for; the fields stay editable, so typing a path works too (and tests use a fake).
//! Without a portal (a bare window manager, a remote session) the answer says so, and the app
//! shows its own browser (`file_browser`) instead of a button that silently does nothing.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};

/// Which path field a dialog fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileTarget {
    Backup,
    ImportStaff,
    Export,
    MatrixExport,
    Report,
    ReviewEvidence,
    QrPicture,
    CaCertificate,
    AdminExport,
    ServiceAccountKey,
    IncidentAttachment,
    IncidentReport,
    IncidentLetter,
    IncidentRegister,
    AttachmentCopy,
    PolicyDocument,
    TrainingCertificate,
    EvidenceFolder,
}

impl FileTarget {
    /// Title, whether it saves a new file, the suggested name and the file types.
    pub(crate) fn request(self) -> (&'static str, bool, &'static str, &'static [&'static str]) {
        match self {
            Self::Backup => ("Where to write the backup", true, "office.khbackup", &["khbackup"]),
            Self::ImportStaff => ("Choose the staff CSV to import", false, "", &["csv"]),
            Self::Export => ("Where to write the CSV", true, "staff.csv", &["csv"]),
            Self::MatrixExport => ("Where to write the CSV", true, "access.csv", &["csv"]),
            Self::Report => ("Base name for the report (PDF and CSV)", true, "report", &[]),
            Self::ReviewEvidence => ("Base name for the evidence (PDF and CSV)", true, "access-review", &[]),
            Self::QrPicture => ("Choose the picture of the QR code", false, "", &["png", "jpg", "jpeg"]),
            Self::CaCertificate => ("Choose the office CA's certificate", false, "", &["pem", "crt"]),
            Self::AdminExport => ("Choose the user list downloaded from the admin console", false, "", &["csv"]),
            Self::ServiceAccountKey => ("Choose the service account's JSON key", false, "", &["json"]),
            Self::IncidentAttachment => ("Choose the file to keep with the update", false, "", &[]),
            Self::IncidentReport => ("Where to write the report for the ICO", true, "breach-report.pdf", &["pdf"]),
            Self::IncidentLetter => ("Where to write the letter", true, "letter.pdf", &["pdf"]),
            Self::IncidentRegister => ("Where to write the register", true, "incident-register.csv", &["csv"]),
            Self::AttachmentCopy => ("Where to save the copy", true, "", &[]),
            Self::PolicyDocument => ("Choose the policy's document", false, "", &["pdf", "txt", "md", "docx", "odt"]),
            Self::TrainingCertificate => ("Choose the certificate", false, "", &["pdf", "png", "jpg", "jpeg"]),
            Self::EvidenceFolder => ("Name the new folder for the evidence pack", true, "evidence-pack", &[]),
        }
    }
}

/// What a file dialog answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    Path(PathBuf),
    Cancelled,
    /// The desktop has no file dialog to offer (no XDG desktop portal on the session bus).
    NoDesktopDialog,
}

/// Asks the person for a file; the answer comes through the receiver.
pub trait FilePicker: Send + Sync {
    fn pick(&self, target: FileTarget) -> Receiver<Picked>;
}

/// The desktop's own dialog.
pub struct NativePicker;

const PORTAL: &str = "org.freedesktop.portal.Desktop";

/// Whether the session bus has the desktop portal running, or can start it.
fn portal_available() -> bool {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() && std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        return false;
    }
    let ask = || -> zbus::Result<bool> {
        let connection = zbus::blocking::Connection::session()?;
        let bus = zbus::blocking::fdo::DBusProxy::new(&connection)?;
        let name = zbus::names::BusName::try_from(PORTAL)?;
        Ok(bus.name_has_owner(name)? || bus.list_activatable_names()?.iter().any(|n| n.as_str() == PORTAL))
    };
    ask().unwrap_or(false)
}

impl FilePicker for NativePicker {
    fn pick(&self, target: FileTarget) -> Receiver<Picked> {
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            if !portal_available() {
                let _ = sender.send(Picked::NoDesktopDialog);
                return;
            }
            let (title, save, name, extensions) = target.request();
            let mut dialog = rfd::FileDialog::new().set_title(title);
            if !extensions.is_empty() {
                dialog = dialog.add_filter(extensions.join(", "), extensions);
            }
            let chosen = if save { dialog.set_file_name(name).save_file() } else { dialog.pick_file() };
            let _ = sender.send(chosen.map_or(Picked::Cancelled, Picked::Path));
        });
        receiver
    }
}

#[cfg(any(test, feature = "test-support"))]
/// Answers every dialog with a fixed path, or as a desktop without a portal would (tests).
#[derive(Default)]
pub struct FakePicker {
    pub answer: std::sync::Mutex<Option<PathBuf>>,
    pub no_desktop_dialog: bool,
}

#[cfg(any(test, feature = "test-support"))]
impl FilePicker for FakePicker {
    fn pick(&self, _target: FileTarget) -> Receiver<Picked> {
        let (sender, receiver) = mpsc::channel();
        let answer = match self.answer.lock().ok().and_then(|a| a.clone()) {
            _ if self.no_desktop_dialog => Picked::NoDesktopDialog,
            Some(path) => Picked::Path(path),
            None => Picked::Cancelled,
        };
        let _ = sender.send(answer);
        receiver
    }
}

/// A form row: the label in the form's label column, the path field and its "Choose…" button.
pub fn path_row(
    ui: &mut egui::Ui,
    label: &str,
    path: &mut String,
    target: FileTarget,
    commands: &mut Vec<super::commands::Command>,
) {
    ui.horizontal(|ui| {
        let label = super::widgets::field_label(ui, label);
        ui.add(egui::TextEdit::singleline(path).desired_width(240.0)).labelled_by(label.id);
        choose_button(ui, target, commands);
    });
}

/// A labelled path field and its "Choose…" button, in a horizontal row.
pub fn path_field(
    ui: &mut egui::Ui,
    label: &str,
    hint: &str,
    text: &mut String,
    target: FileTarget,
    commands: &mut Vec<super::commands::Command>,
) {
    let label = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).hint_text(hint).desired_width(240.0)).labelled_by(label.id);
    choose_button(ui, target, commands);
}

/// A "Choose…" button beside a path field.
pub fn choose_button(ui: &mut egui::Ui, target: FileTarget, commands: &mut Vec<super::commands::Command>) {
    let label = match target {
        FileTarget::ImportStaff
        | FileTarget::QrPicture
        | FileTarget::CaCertificate
        | FileTarget::AdminExport
        | FileTarget::ServiceAccountKey
        | FileTarget::IncidentAttachment
        | FileTarget::PolicyDocument
        | FileTarget::TrainingCertificate => "Choose file…",
        _ => "Choose where…",
    };
    if ui.button(label).on_hover_text("Opens your desktop's file dialog, or Keyholder's own").clicked() {
        commands.push(super::commands::Command::PickFile(target));
    }
}
