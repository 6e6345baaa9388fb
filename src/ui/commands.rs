//! What the screens ask for. Drawing code returns these; [`super::KeyholderApp`] applies them
//! after the frame is drawn. Each page has its own small command enum, applied by that page's
//! module; [`Command`] wraps them beside what the app and the shell handle themselves (notices,
//! help, sign-in, navigation, confirming an export). No command carries a secret: forms keep
//! their own fields.

use super::file_dialog::FileTarget;
use super::pages::compliance::ComplianceCommand;
use super::pages::directories::DirectoryCommand;
use super::pages::incidents::IncidentCommand;
use super::pages::matrix::MatrixCommand;
use super::pages::operators::OperatorCommand;
use super::pages::overview::OverviewCommand;
use super::pages::processes::ProcessCommand;
use super::pages::reviews::ReviewCommand;
use super::pages::roles::RoleCommand;
use super::pages::secrets::SecretCommand;
use super::pages::settings::SettingsCommand;
use super::pages::staff::StaffCommand;
use super::pages::systems::SystemCommand;
use crate::domain::checklist::ChecklistId;
use crate::domain::staff::StaffId;
use crate::domain::system::SystemId;
use crate::service::ServiceResult;

/// The pages of the signed-in shell, in navigation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Dashboard,
    Overview,
    Staff,
    JoinersLeavers,
    Reviews,
    Secrets,
    Systems,
    Roles,
    AccessMatrix,
    Directories,
    Incidents,
    Compliance,
    Operators,
    AuditLog,
    Settings,
}

impl Page {
    pub const ALL: [Page; 15] = [
        Page::Dashboard,
        Page::Overview,
        Page::Staff,
        Page::JoinersLeavers,
        Page::Reviews,
        Page::Secrets,
        Page::Systems,
        Page::Roles,
        Page::AccessMatrix,
        Page::Directories,
        Page::Incidents,
        Page::Compliance,
        Page::Operators,
        Page::AuditLog,
        Page::Settings,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Page::Dashboard => "Dashboard",
            Page::Overview => "Overview",
            Page::Secrets => "Shared secrets",
            Page::Staff => "Staff",
            Page::JoinersLeavers => "Joiners & leavers",
            Page::Reviews => "Access reviews",
            Page::Systems => "Systems",
            Page::Roles => "Roles",
            Page::AccessMatrix => "Access matrix",
            Page::Directories => "Directories",
            Page::Incidents => "Incidents",
            Page::Compliance => "Policies & evidence",
            Page::Operators => "Operators",
            Page::AuditLog => "Audit log",
            Page::Settings => "Settings",
        }
    }
}

/// A place one page sends the operator to on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Staff(StaffId),
    System(SystemId),
    Secret(i64),
    Checklist(ChecklistId),
    /// An access review, or (`None`) the list of them.
    Review(Option<i64>),
    Incident(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Command {
    DismissNotice,
    ToggleHelp,
    /// Open the native file dialog for a path field.
    PickFile(FileTarget),
    Lock,
    /// The screens before the shell.
    Entry(EntryCommand),
    Navigate(Page),
    Open(Target),
    /// Open the place where the dashboard's item number `n` is dealt with.
    OpenDue(usize),
    /// Replace the file an export stopped at (after asking).
    ConfirmOverwrite,
    /// Keep the existing file; the export is dropped.
    KeepExistingFile,
    /// Stop the running job (offered only where that undoes everything).
    CancelJob,
    Overview(OverviewCommand),
    Staff(StaffCommand),
    Processes(ProcessCommand),
    Secrets(SecretCommand),
    Systems(SystemCommand),
    Roles(RoleCommand),
    Matrix(MatrixCommand),
    Directories(DirectoryCommand),
    Incidents(IncidentCommand),
    Compliance(ComplianceCommand),
    Reviews(ReviewCommand),
    Operators(OperatorCommand),
    Settings(SettingsCommand),
}

/// Creating the vault, its recovery key, and signing in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryCommand {
    CreateVault,
    CreateDemo,
    AcknowledgeRecoveryKey,
    CopyRecoveryKey,
    /// Open (true) or close the dialog that asks before printing the recovery key.
    AskPrintRecoveryKey(bool),
    PrintRecoveryKey,
    SignIn,
    SignInWithKeyring,
    SubmitSecondFactor,
    CancelSecondFactor,
    ShowRecoveryForm(bool),
    RecoverPassword,
}

impl From<EntryCommand> for Command {
    fn from(command: EntryCommand) -> Self {
        Command::Entry(command)
    }
}

/// What applying a page's command did, so the shell knows whether to read the office back.
#[must_use]
pub enum Outcome {
    /// Only what is shown changed (a selection, a form, a read): nothing to read back.
    Shown(ServiceResult<()>),
    /// The vault was written (or a write was tried): read it back, then show the message.
    Written(ServiceResult<Option<String>>),
    /// Written, then go to this place (a leaver's checklist started from their page).
    WrittenThenOpen(ServiceResult<(String, Target)>),
    /// Slow: run on a worker thread with the office (see `shell::jobs`), then as above.
    Background(super::shell::JobRequest),
}

impl Outcome {
    pub const SHOWN: Outcome = Outcome::Shown(Ok(()));
}
