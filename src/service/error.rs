//! The errors of the use cases. A caller acts on the variant (something is not on record, a
//! clash, a refusal by a policy rule or by the state of the record, a refused code, or the
//! vault's own errors such as a wrong password or a sign-in delay); the message is for the user.

use crate::domain::totp::TotpRefusal;
use crate::vault::VaultError;
use thiserror::Error;

/// The kinds of record a use case looks up by what the user gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    StaffMember,
    Operator,
    Role,
    System,
    AccessLevel,
    SharedSecret,
    Checklist,
    ChecklistItem,
    LeaverChecklist,
    TemplateItem,
    Review,
    ReviewItem,
    Authenticator,
    Directory,
    Incident,
}

impl std::fmt::Display for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Record::StaffMember => "staff member",
            Record::Directory => "directory",
            Record::Operator => "operator",
            Record::Role => "role",
            Record::System => "system",
            Record::AccessLevel => "access level",
            Record::SharedSecret => "shared secret",
            Record::Checklist => "checklist",
            Record::ChecklistItem => "checklist item",
            Record::LeaverChecklist => "leaver checklist",
            Record::TemplateItem => "template item",
            Record::Review => "access review",
            Record::ReviewItem => "review item",
            Record::Authenticator => "authenticator",
            Record::Incident => "incident",
        })
    }
}

/// The office rules a change can be refused by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// An operator's password is too short, common or guessable.
    OperatorPassword,
    /// A shared secret's new value is too weak or was used before.
    SharedSecretStrength,
    /// A review decision other than "keep" needs a comment; a removal needs nothing else to
    /// keep giving the access.
    ReviewDecision,
    /// A policy value outside what the office may choose (auto-lock, retention, history…).
    PolicyRange,
    /// A line manager reviews only their own team.
    ReviewScope,
}

#[derive(Debug, Error)]
pub enum ServiceError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// Input the user can correct (a malformed date, an empty reason, a name too long).
    #[error("{0}")]
    Invalid(String),
    /// What the user named is not on record.
    #[error("there is no {what} {which}")]
    NotFound { what: Record, which: String },
    /// The change would clash with what is on record (a name or email already taken, a second
    /// leaver process, a file that exists).
    #[error("{0}")]
    Conflict(String),
    /// An office rule refuses the change.
    #[error("{message}")]
    RefusedByPolicy { rule: Rule, message: String },
    /// The record is not in a state that allows it now (a leaver with open items, a review
    /// already signed off, an item already done).
    #[error("{0}")]
    RefusedByState(String),
    /// An authenticator code was wrong or already used.
    #[error("{refusal}{hint}")]
    CodeRefused { refusal: TotpRefusal, hint: &'static str },
    /// The operator has two-step sign-in on and gave no code.
    #[error("this operator signs in with an authenticator code too: give --totp CODE or set KEYHOLDER_TOTP")]
    SecondFactorRequired,
    /// The second step of sign-in was refused (counts toward the sign-in delay).
    #[error("sign-in code refused: {0}")]
    SecondFactorRefused(String),
    /// A directory could not be reached or refused what was asked (in plain words).
    #[error(transparent)]
    Directory(#[from] crate::connector::ldap::ConnectorError),
    /// The operator stopped a long task; what it had done was undone.
    #[error("cancelled: nothing was changed or written")]
    Cancelled,
}

impl ServiceError {
    /// The operator stopped the task (here or in the vault's transaction, rolled back).
    pub fn is_cancelled(&self) -> bool {
        matches!(self, ServiceError::Cancelled | ServiceError::Vault(VaultError::Cancelled))
    }

    pub fn not_found(what: Record, which: impl Into<String>) -> Self {
        ServiceError::NotFound { what, which: which.into() }
    }

    /// No staff member has this email; an empty one asks for it instead.
    pub fn no_staff_with_email(email: &str) -> Self {
        match email.trim() {
            "" => ServiceError::Invalid("give the staff member's email".into()),
            email => Self::not_found(Record::StaffMember, format!("with email {email}")),
        }
    }

    pub fn refused_by_state(message: impl Into<String>) -> Self {
        ServiceError::RefusedByState(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        ServiceError::Conflict(message.into())
    }

    pub fn policy(rule: Rule, message: impl Into<String>) -> Self {
        ServiceError::RefusedByPolicy { rule, message: message.into() }
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_email_asks_for_one_instead_of_naming_nobody() {
        assert!(matches!(ServiceError::no_staff_with_email("  "), ServiceError::Invalid(m) if m.contains("give")));
        let missing = ServiceError::no_staff_with_email(" sam@example.com ");
        assert_eq!(missing.to_string(), "there is no staff member with email sam@example.com");
        assert!(matches!(missing, ServiceError::NotFound { what: Record::StaffMember, .. }));
    }
}
