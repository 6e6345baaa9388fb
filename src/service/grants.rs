//! Direct grants: access outside any role, with a reason and an optional last day; revoking
//! it (refused, with the reason, when a role gives it); and lapsing grants past their last day.

use super::lookup::system_named;
use super::{Office, Record, ServiceError, ServiceResult};
use crate::domain::access::{Directory, Source};
use crate::domain::audit::AuditEvent;
use crate::domain::staff::parse_date;
use crate::domain::system::LevelId;
use crate::vault::directory::{self, NewGrant};

fn invalid(text: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(text.into())
}

/// A system's level named as `SYSTEM:LEVEL`.
pub fn level_ref(directory: &Directory, system: &str, level: &str) -> ServiceResult<LevelId> {
    let found = system_named(directory, system)?;
    let level = found.level(level).ok_or_else(|| {
        let names: Vec<&str> = found.levels.iter().map(|l| l.name.as_str()).collect();
        ServiceError::not_found(
            Record::AccessLevel,
            format!("{level:?} in {} (levels: {})", found.name, names.join(", ")),
        )
    })?;
    Ok(level.id)
}

/// Parse `SYSTEM:LEVEL`.
pub fn parse_grant_ref(directory: &Directory, text: &str) -> ServiceResult<LevelId> {
    let (system, level) = text.rsplit_once(':').ok_or_else(|| invalid(format!("{text:?} is not SYSTEM:LEVEL")))?;
    level_ref(directory, system, level)
}

impl Office {
    /// Give direct access outside any role, with a reason and an optional last day.
    pub fn grant(
        &mut self,
        email: &str,
        system: &str,
        level: &str,
        reason: &str,
        until: Option<&str>,
    ) -> ServiceResult<i64> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(invalid("a direct grant needs a reason"));
        }
        let directory = self.directory()?;
        let staff = Self::staff_id(&directory, email)?;
        let level = level_ref(&directory, system, level)?;
        let expires_on = until.map(parse_date).transpose().map_err(|e| invalid(e.to_string()))?;
        let today = self.today();
        if expires_on.is_some_and(|d| d < today) {
            return Err(invalid("the last day of the grant is in the past"));
        }
        let replaced: Vec<i64> = directory
            .exceptions_of(staff)
            .filter(|g| {
                directory
                    .level(g.level_id)
                    .is_some_and(|(s, _)| Some(s.id) == directory.level(level).map(|(s, _)| s.id))
            })
            .map(|g| g.id)
            .collect();
        let (system_name, level_name) =
            directory.level(level).map(|(s, l)| (s.name.clone(), l.name.clone())).unwrap_or_default();
        let after =
            format!("{system_name}:{level_name} until={}", expires_on.map_or("none".to_owned(), |d| d.to_string()));
        let by = self.operator().to_string();
        // The reason for an exception often names the person's circumstances: personal.
        let event = AuditEvent::new("grant.add", format!("direct access to {system_name} granted to staff #{staff}"))
            .with_change(None, Some(after))
            .with_personal(staff, format!("reason: {reason}"));
        self.record(event, |tx| {
            for id in &replaced {
                directory::delete_grant(tx, *id)?;
            }
            directory::insert_grant(
                tx,
                &NewGrant { staff, level, reason, approved_by: &by, granted_on: today, expires_on },
            )
        })
    }

    /// Remove someone's direct access to a system. Access that comes from a role cannot be
    /// revoked here: the error says which role gives it.
    pub fn revoke(&mut self, email: &str, system: &str) -> ServiceResult<()> {
        let directory = self.directory()?;
        let staff = Self::staff_id(&directory, email)?;
        let found = system_named(&directory, system)?;
        let access: Vec<_> =
            directory.access_of(staff, self.today()).into_iter().filter(|a| a.system_id == found.id).collect();
        let grants: Vec<i64> = directory
            .exceptions_of(staff)
            .filter(|g| directory.level(g.level_id).is_some_and(|(s, _)| s.id == found.id))
            .map(|g| g.id)
            .collect();
        let from_roles: Vec<String> = access
            .iter()
            .filter_map(|a| match a.source {
                Source::Role { role_id } => directory.role(role_id).map(|r| r.name.clone()),
                Source::Exception { .. } => None,
            })
            .collect();
        if grants.is_empty() {
            if from_roles.is_empty() {
                return Err(ServiceError::refused_by_state(format!(
                    "{} has no access to {}",
                    email.trim(),
                    found.name
                )));
            }
            return Err(ServiceError::refused_by_state(format!(
                "{}'s access to {} comes from role {}; unassign the role (keyholder role unassign ROLE EMAIL) or change the role",
                email.trim(),
                found.name,
                from_roles.join(" and role ")
            )));
        }
        let mut summary = format!("direct access to {} revoked from staff #{staff}", found.name);
        if !from_roles.is_empty() {
            summary.push_str(&format!(" (access through role {} remains)", from_roles.join(", ")));
        }
        let event = AuditEvent::new("grant.revoke", summary);
        self.record(event, |tx| {
            for id in &grants {
                directory::delete_grant(tx, *id)?;
            }
            Ok(())
        })
    }

    /// Remove direct grants whose last day has passed, each audited. Returns how many lapsed.
    pub fn lapse_expired_grants(&mut self) -> ServiceResult<usize> {
        let today = self.today();
        // A cheap check first: this runs at every sign-in.
        if !directory::any_grant_lapsed(&self.vault().read(), today)? {
            return Ok(0);
        }
        let directory = self.directory()?;
        let lapsed: Vec<_> = directory.exceptions.iter().filter(|g| g.lapsed(today)).cloned().collect();
        for grant in &lapsed {
            let target =
                directory.level(grant.level_id).map(|(s, l)| format!("{}:{}", s.name, l.name)).unwrap_or_default();
            let event = AuditEvent::new(
                "grant.lapse",
                format!(
                    "temporary access {target} of staff #{} lapsed after {}",
                    grant.staff_id,
                    grant.expires_on.map(|d| d.to_string()).unwrap_or_default()
                ),
            );
            let id = grant.id;
            self.record(event, |tx| directory::delete_grant(tx, id))?;
        }
        Ok(lapsed.len())
    }
}
