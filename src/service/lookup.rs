//! Finding what the user named in the loaded office record, with the error that says what was
//! not found.

use super::{Record, ServiceError, ServiceResult};
use crate::domain::access::{Directory, Role};
use crate::domain::system::System;

pub(super) fn system_named<'a>(directory: &'a Directory, name: &str) -> ServiceResult<&'a System> {
    directory
        .system_by_name(name)
        .ok_or_else(|| ServiceError::not_found(Record::System, format!("called {}", name.trim())))
}

pub(super) fn role_named<'a>(directory: &'a Directory, name: &str) -> ServiceResult<&'a Role> {
    directory.role_by_name(name).ok_or_else(|| ServiceError::not_found(Record::Role, format!("called {}", name.trim())))
}
