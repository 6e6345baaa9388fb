//! The pages of the signed-in shell. Each owns its state, draws it, emits its own small command
//! enum and applies those commands after the frame; the shell routes to them.

pub mod audit;
pub mod compliance;
pub mod dashboard;
pub mod directories;
pub mod incidents;
pub mod matrix;
pub mod operators;
pub mod overview;
pub mod processes;
pub mod reviews;
pub mod roles;
pub mod secrets;
pub mod settings;
pub mod staff;
pub mod systems;

use super::records::Records;
use super::shell::{Exports, ShellData};
use crate::service::Office;

/// What a page's commands are applied with: the session, and what the shell holds for all
/// pages (read-only: the shell reads the office back after a write).
pub struct Context<'a> {
    pub office: &'a mut Office,
    pub records: &'a Records,
    pub data: &'a ShellData,
    pub exports: &'a Exports,
}
