//! Use cases: the only API the GUI and the CLI call. Each change is one transaction with its
//! audit record; each failure comes back as a [`ServiceError`] with a message for the user.

pub mod clock;
mod dashboard;
mod demo;
mod desks;
mod directory_items;
mod due;
mod due_groups;
mod error;
mod evidence;
mod grants;
mod incident_report;
mod incidents;
mod licences;
mod linked_directories;
mod lookup;
mod office;
mod office_hours;
mod operator_totp;
mod policies;
mod processes;
mod progress;
mod records;
mod retention;
mod review_report;
mod reviews;
mod secret_holders;
mod secrets;
mod sign_in;
mod staff;
mod systems;
mod totp;

#[cfg(any(test, feature = "test-support"))]
pub use clock::ManualClock;
pub use clock::{Clock, SystemClock};
pub use dashboard::{DashboardFigures, MfaCoverage, ReviewProgress, Revocation, mfa_coverage};
pub use desks::{Taken, copy_vault, fingerprint_of};
pub use directory_items::DirectoryPreview;
pub use due::{DueItem, DueTarget};
pub use due_groups::{DueGroup, Urgency, counted, date_in_words, group_due, readable, thousands, when};
pub use grants::{level_ref, parse_grant_ref};
pub use incidents::{IncidentRow, IncidentView, LinkTarget, LinkedThing, NewIncident};
pub use linked_directories::{NewLinkedDirectory, SyncReport};
pub use office::{DEFAULT_AUTO_LOCK_MINUTES, Office, Settings, propose_recovery_key};
pub use operator_totp::{OperatorTotpSetup, OperatorTotpStatus};
pub use policies::NewPolicyVersion;
pub use processes::NewJoiner;
pub use progress::Progress;
pub use records::{AccessRow, access_rows};
pub use retention::Policies;
pub use reviews::{NewReview, REVOCATION_DAYS, ReviewSummary};
pub use secret_holders::{LeavingHolder, SecretHolder};
pub use secrets::{SecretStatus, generate_passphrase, generate_password, is_common_password};
pub use sign_in::{
    Created, NewOffice, PendingSignIn, SignIn, SignInMethod, SignInOptions, SignInStep, restore_backup,
    sign_in_options, vault_exists,
};
pub use systems::{SystemChange, new_system};
pub use totp::read_qr_image;

pub use error::{Record, Rule, ServiceError, ServiceResult};
pub use evidence::{EvidencePack, MANIFEST, verify_evidence_pack};
