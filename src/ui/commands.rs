//! What the screens ask for. Drawing code returns these; [`super::KeyholderApp`] applies them
//! after the frame is drawn. No command carries a secret: forms keep their own fields.

/// The pages of the signed-in shell, in navigation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Overview,
    Operators,
    AuditLog,
    Settings,
}

impl Page {
    pub const ALL: [Page; 4] = [
        Page::Overview,
        Page::Operators,
        Page::AuditLog,
        Page::Settings,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Page::Overview => "Overview",
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
    AcknowledgeRecoveryKey,
    SignIn,
    SignInWithKeyring,
    ShowRecoveryForm(bool),
    RecoverPassword,
    Lock,
    Navigate(Page),
    ChangePassword,
    AddOperator,
    AskRemoveOperator(Option<String>),
    RemoveOperator(String),
    SaveSettings,
    SetRemembered(bool),
    Verify,
    Backup,
    DismissNotice,
}
