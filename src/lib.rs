//! Keyholder: who works in a small office, what each person can get into, and the evidence
//! that access is given deliberately, reviewed regularly and removed completely.
//!
//! Layers, each depending only on those before it: [`domain`] (pure rules) ← [`vault`] (the
//! encrypted file) ← [`service`] (use cases, the only API for front ends) ← [`cli`] and `ui`.
//! [`connector`] talks to directories over LDAP; it depends on `domain` only.

pub mod cli;
pub mod connector;
pub mod domain;
pub mod report;
pub mod service;
pub mod tls;
#[cfg(feature = "gui")]
pub mod ui;
pub mod vault;
