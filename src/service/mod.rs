//! Use cases: the only API the GUI and the CLI call. Each change is one transaction with its
//! audit record; each failure comes back as a [`ServiceError`] with a message for the user.

pub mod clock;
mod demo;
mod office;
mod operator_totp;
mod processes;
mod records;
mod retention;
mod review_report;
mod reviews;
mod secrets;
mod sign_in;
mod staff;
mod totp;

#[cfg(any(test, feature = "test-support"))]
pub use clock::ManualClock;
pub use clock::{Clock, SystemClock};
pub use office::{DEFAULT_AUTO_LOCK_MINUTES, Office, Settings, propose_recovery_key};
pub use operator_totp::{OperatorTotpSetup, OperatorTotpStatus};
pub use processes::NewJoiner;
pub use records::{AccessRow, access_rows};
pub use retention::Policies;
pub use reviews::{NewReview, REVOCATION_DAYS, ReviewSummary};
pub use secrets::{DueItem, DueTarget, SecretStatus, generate_passphrase, generate_password, is_common_password};
pub use sign_in::{
    Created, NewOffice, PendingSignIn, SignIn, SignInMethod, SignInOptions, SignInStep, restore_backup,
    sign_in_options, vault_exists,
};
pub use staff::{level_ref, new_system, parse_grant_ref};
pub use totp::read_qr_image;

use crate::vault::VaultError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ServiceError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// Input the user can correct (a weak password, an unknown operator name).
    #[error("{0}")]
    Invalid(String),
    /// The operator has two-step sign-in on and gave no code.
    #[error("this operator signs in with an authenticator code too: give --totp CODE or set KEYHOLDER_TOTP")]
    SecondFactorRequired,
    #[error("sign-in code refused: {0}")]
    SecondFactorRefused(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;
