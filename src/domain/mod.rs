//! Pure types and rules: no I/O, no SQL, no GUI and no clock (time is always passed in).

pub mod access;
pub mod admin_export;
pub mod audit;
pub mod checklist;
pub mod clipboard;
pub mod directory_change;
#[cfg(test)]
mod fixtures;
pub mod generator;
pub mod incident;
pub mod incident_containment;
pub mod level_changes;
pub mod linked_directory;
pub mod lockout;
pub mod office_hours;
pub mod operator;
pub mod password;
pub mod policy;
pub mod recovery_codes;
pub mod recovery_key;
pub mod review;
pub mod secret;
pub mod shared_secret;
pub mod staff;
pub mod staff_csv;
pub mod staff_query;
pub mod system;
pub mod totp;
