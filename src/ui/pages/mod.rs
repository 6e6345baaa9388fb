//! The pages of the signed-in shell, one module each.

pub mod audit;
pub mod dashboard;
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
