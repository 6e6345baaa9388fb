//! Use cases: the only API the GUI and the CLI call. Each change is one transaction with its
//! audit record; each failure comes back as a [`ServiceError`] with a message for the user.

pub mod clock;
mod demo;
mod office;
mod processes;
mod records;
mod retention;
mod secrets;
mod sign_in;
mod staff;
mod totp;

pub use clock::{Clock, ManualClock, SystemClock};
pub use office::{Office, Settings};
pub use processes::NewJoiner;
pub use records::{AccessRow, access_rows};
pub use retention::Policies;
pub use secrets::{DueItem, DueTarget, SecretStatus, generate_passphrase, generate_password, is_common_password};
pub use sign_in::{
    Created, NewOffice, SignIn, SignInMethod, SignInOptions, restore_backup, sign_in_options, vault_exists,
};
pub use staff::{level_ref, new_system, parse_grant_ref};

use crate::vault::VaultError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ServiceError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// Input the user can correct (a weak password, an unknown operator name).
    #[error("{0}")]
    Invalid(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;
