//! What the screens ask for. Drawing code returns these; [`super::KeyholderApp`] applies them
//! after the frame is drawn. No command carries a secret: forms keep their own fields.

use crate::domain::access::RoleId;
use crate::domain::checklist::{ChecklistId, ItemId};
use crate::domain::staff::StaffId;
use crate::domain::staff_query::SortKey;
use crate::domain::system::SystemId;

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
    Operators,
    AuditLog,
    Settings,
}

impl Page {
    pub const ALL: [Page; 12] = [
        Page::Dashboard,
        Page::Overview,
        Page::Staff,
        Page::JoinersLeavers,
        Page::Reviews,
        Page::Secrets,
        Page::Systems,
        Page::Roles,
        Page::AccessMatrix,
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
            Page::Operators => "Operators",
            Page::AuditLog => "Audit log",
            Page::Settings => "Settings",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Command {
    CreateVault,
    CreateDemo,
    AcknowledgeRecoveryKey,
    SignIn,
    SignInWithKeyring,
    SubmitSecondFactor,
    ToggleHelp,
    /// Open the native file dialog for a path field.
    PickFile(super::file_dialog::FileTarget),
    CancelSecondFactor,
    ShowRecoveryForm(bool),
    RecoverPassword,
    Lock,
    Navigate(Page),
    ChangePassword,
    AddOperator,
    AskRemoveOperator(Option<String>),
    RemoveOperator(String),
    SaveSettings,
    SavePolicies,
    SetRemembered(bool),
    Verify,
    Backup,
    /// Replace the file an export stopped at (after asking).
    ConfirmOverwrite,
    /// Keep the existing file; the export is dropped.
    KeepExistingFile,
    /// Remove the key-file slots found altered.
    RepairKeyFile,
    /// Replace the vault's data key.
    Rekey,
    /// Show a new recovery key; nothing changes until it is confirmed as stored.
    NewRecoveryKey,
    /// The new recovery key is stored: make it the recovery key and wipe it from the screen.
    AcknowledgeNewRecoveryKey,
    /// Drop the proposed recovery key; the current one stays.
    CancelNewRecoveryKey,
    /// Ask before replacing the vault's data key.
    AskRekey(bool),
    DismissNotice,
    RefilterStaff,
    SortStaff(SortKey),
    SelectStaff(Option<StaffId>),
    ToggleAddStaff,
    AddStaff,
    ApplyRoles(StaffId),
    EditStaff(Option<StaffId>),
    SaveStaff(StaffId),
    GrantAccess(StaffId),
    RevokeAccess(StaffId, SystemId),
    SelectSystem(Option<SystemId>),
    AddSystem,
    AddRole,
    EditRole(Option<RoleId>),
    PreviewRole,
    SaveRole,
    SaveSystem(SystemId),
    ExportAccess,
    PreviewImport,
    ConfirmImport,
    CancelImport,
    ExportStaff,
    ExportMatrix,
    MatrixColumns(usize),
    OpenChecklist(Option<ChecklistId>),
    ConfirmItem(Option<ItemId>),
    CompleteItem(ItemId),
    SkipItem(ItemId),
    FinishLeaver(StaffId),
    StartJoiner,
    StartLeaver(StaffId),
    AddDevice,
    AddTemplate,
    RemoveTemplate(i64),
    SaveReport(ChecklistId),
    SelectSecret(Option<i64>),
    RevealSecret(i64),
    HideSecret,
    CopySecret(i64),
    GenerateRotation,
    GenerateNewSecret,
    RotateSecret(i64),
    MarkCompromised(i64),
    AddSecret,
    OpenDue(usize),
    GoToSecret(i64),
    GoToSystem(SystemId),
    GoToStaff(StaffId),
    BeginOperatorTotp,
    ConfirmOperatorTotp,
    DisableOperatorTotp,
    DismissRecoveryCodes,
    EnrolAuthenticator(StaffId),
    ConfirmAuthenticator(StaffId),
    CloseEnrolment,
    VerifyIdentity(StaffId),
    ShowSecretCode(i64),
    CopySecretCode(i64),
    AttachSecretTotp(i64),
    StartReview,
    OpenReview(Option<i64>),
    ArrangeReview {
        by_system: bool,
        changed_only: bool,
    },
    ReviewCursor(usize),
    /// Decide the current item: `keep`, `remove` or `reduce:LEVEL`.
    DecideReview(String),
    /// Keep every item of the current item's person (or system, when grouped by system).
    KeepReviewGroup,
    SignOffReview,
    ExportReview,
    PurgeStaff(StaffId),
}
