//! Use cases for the office record: staff, systems, roles, direct grants. Each change is one
//! transaction with its audit record. Audit records name people as `staff #ID` (resolved to a
//! name when shown), so that personal details can later be purged without breaking the chain.

use super::{Office, Record, ServiceError, ServiceResult};
use crate::domain::access::{AccessDiff, Directory, RoleId, Source};
use crate::domain::audit::AuditEvent;
use crate::domain::staff::{NewStaff, StaffDraft, StaffId, StaffStatus, creates_manager_cycle, parse_date};
use crate::domain::system::{LevelId, NewSystem, SystemKind, parse_levels, validate_system_name};
use crate::vault::directory::{self, NewGrant};
use jiff::civil::Date;

fn invalid(text: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(text.into())
}

/// The non-personal fields of a staff record, for audit before/after.
fn audit_fields(staff: &NewStaff, manager: Option<StaffId>) -> String {
    format!(
        "title={:?} team={:?} manager={} start={} end={} status={}",
        staff.job_title,
        staff.team,
        manager.map_or("none".to_owned(), |m| format!("staff #{m}")),
        staff.start_date.map_or("none".to_owned(), |d| d.to_string()),
        staff.end_date.map_or("none".to_owned(), |d| d.to_string()),
        staff.status
    )
}

/// A system's level named as `SYSTEM:LEVEL`.
pub fn level_ref(directory: &Directory, system: &str, level: &str) -> ServiceResult<LevelId> {
    let found = directory
        .system_by_name(system)
        .ok_or_else(|| ServiceError::not_found(Record::System, format!("called {system}")))?;
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
    /// The whole office record, for screens and reports.
    pub fn directory(&self) -> ServiceResult<Directory> {
        Ok(directory::load(&self.vault().read())?)
    }

    /// Today's date in UTC, from the office clock.
    pub fn today(&self) -> Date {
        self.time_zone().to_datetime(self.now()).date()
    }

    fn staff_id(directory: &Directory, email: &str) -> ServiceResult<StaffId> {
        directory.person_by_email(email).map(|s| s.id).ok_or_else(|| ServiceError::no_staff_with_email(email))
    }

    fn resolve_manager(directory: &Directory, staff: &NewStaff) -> ServiceResult<Option<StaffId>> {
        staff
            .manager_email
            .as_deref()
            .map(|email| {
                directory.person_by_email(email).map(|m| m.id).ok_or_else(|| {
                    ServiceError::not_found(Record::StaffMember, format!("with email {email} (the manager)"))
                })
            })
            .transpose()
    }

    pub fn add_staff(&mut self, draft: &StaffDraft) -> ServiceResult<StaffId> {
        let staff = draft.validate(StaffStatus::Active).map_err(|e| invalid(e.to_string()))?;
        let directory = self.directory()?;
        if let Some(existing) = directory.person_by_email(&staff.email) {
            return Err(ServiceError::conflict(format!(
                "duplicate email: {} already belongs to staff #{}",
                staff.email, existing.id
            )));
        }
        let manager = Self::resolve_manager(&directory, &staff)?;
        let after = audit_fields(&staff, manager);
        self.record_with(
            |id| AuditEvent::new("staff.add", format!("staff #{id} added")).with_personal(*id, after),
            |tx| directory::insert_staff(tx, &staff, manager),
        )
    }

    pub fn edit_staff(&mut self, id: StaffId, draft: &StaffDraft) -> ServiceResult<()> {
        let directory = self.directory()?;
        let current =
            directory.person(id).ok_or_else(|| ServiceError::not_found(Record::StaffMember, format!("#{id}")))?.clone();
        let staff = draft.validate(current.status).map_err(|e| invalid(e.to_string()))?;
        if let Some(other) = directory.person_by_email(&staff.email).filter(|o| o.id != id) {
            return Err(ServiceError::conflict(format!(
                "duplicate email: {} already belongs to staff #{}",
                staff.email, other.id
            )));
        }
        let manager = Self::resolve_manager(&directory, &staff)?;
        if let Some(manager) = manager
            && creates_manager_cycle(id, manager, |p| directory.person(p).and_then(|s| s.manager_id))
        {
            return Err(ServiceError::conflict(
                "that manager would create a loop: someone would end up managing themselves",
            ));
        }
        let manager_email = current.manager_id.and_then(|m| directory.person(m)).map(|m| m.email.clone());
        let before_staff =
            current.to_draft(manager_email.as_deref()).validate(current.status).map_err(|e| invalid(e.to_string()))?;
        let mut before = audit_fields(&before_staff, current.manager_id);
        let mut after = audit_fields(&staff, manager);
        for (label, old, new) in [
            ("name", &current.full_name, &staff.full_name),
            ("email", &current.email, &staff.email),
            ("notes", &current.notes, &staff.notes),
        ] {
            if old != new {
                before.push_str(&format!(" {label}=(old)"));
                after.push_str(&format!(" {label}=(changed)"));
            }
        }
        let event = AuditEvent::new("staff.edit", format!("staff #{id} edited"))
            .with_personal(id, format!("before: {before}; after: {after}"));
        self.record(event, |tx| directory::update_staff(tx, id, &staff, manager))
    }

    pub fn add_system(&mut self, system: NewSystem) -> ServiceResult<i64> {
        let name = validate_system_name(&system.name).map_err(invalid)?;
        let directory = self.directory()?;
        if directory.system_by_name(&name).is_some() {
            return Err(ServiceError::conflict(format!("there is already a system called {name}")));
        }
        let owner = system.owner_email.as_deref().map(|email| Self::staff_id(&directory, email)).transpose()?;
        let levels: Vec<String> =
            system.levels.iter().map(|(n, p)| if *p { format!("{n} (privileged)") } else { n.clone() }).collect();
        let after = format!(
            "kind={} customer_data={} mfa={} levels=[{}]",
            system.kind,
            system.customer_data,
            system.mfa_supported,
            levels.join(", ")
        );
        let system = NewSystem { name: name.clone(), ..system };
        let event = AuditEvent::new("system.add", format!("system {name} added")).with_change(None, Some(after));
        self.record(event, |tx| directory::insert_system(tx, &system, owner))
    }

    /// Mark whether a system holds personal or customer data and whether it supports MFA.
    pub fn set_system_flags(&mut self, system: i64, customer_data: bool, mfa: bool) -> ServiceResult<()> {
        let directory = self.directory()?;
        let found =
            directory.system(system).ok_or_else(|| ServiceError::not_found(Record::System, format!("#{system}")))?;
        let before = format!("customer_data={} mfa={}", found.customer_data, found.mfa_supported);
        let after = format!("customer_data={customer_data} mfa={mfa}");
        let event = AuditEvent::new("system.edit", format!("system {} changed", found.name))
            .with_change(Some(before), Some(after));
        self.record(event, |tx| directory::set_system_flags(tx, system, customer_data, mfa))
    }

    /// Add a role from `SYSTEM:LEVEL` references.
    pub fn add_role(&mut self, name: &str, grants: &[String]) -> ServiceResult<RoleId> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(invalid("a role name must be 1–100 characters"));
        }
        let directory = self.directory()?;
        if directory.role_by_name(name).is_some() {
            return Err(ServiceError::conflict(format!("there is already a role called {name}")));
        }
        let levels = grants.iter().map(|g| parse_grant_ref(&directory, g)).collect::<ServiceResult<Vec<_>>>()?;
        let event =
            AuditEvent::new("role.add", format!("role {name} added")).with_change(None, Some(grants.join(", ")));
        self.record(event, |tx| directory::insert_role(tx, name, "", &levels))
    }

    /// What changing a role's levels would do to each member (shown before applying).
    pub fn preview_role_change(&self, role: RoleId, levels: &[LevelId]) -> ServiceResult<Vec<(StaffId, AccessDiff)>> {
        Ok(self.directory()?.role_change_diff(role, levels, self.today()))
    }

    pub fn set_role_levels(&mut self, role: RoleId, levels: &[LevelId]) -> ServiceResult<()> {
        let directory = self.directory()?;
        let current = directory.role(role).ok_or_else(|| ServiceError::not_found(Record::Role, format!("#{role}")))?;
        let describe = |levels: &[LevelId]| {
            levels
                .iter()
                .filter_map(|l| directory.level(*l))
                .map(|(s, l)| format!("{}:{}", s.name, l.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let affected = directory.role_change_diff(role, levels, self.today()).len();
        let event = AuditEvent::new("role.edit", format!("role {} changed ({affected} people affected)", current.name))
            .with_change(Some(describe(&current.levels)), Some(describe(levels)));
        self.record(event, |tx| directory::set_role_levels(tx, role, levels))
    }

    pub fn assign_role(&mut self, role: &str, email: &str) -> ServiceResult<()> {
        let directory = self.directory()?;
        let staff = Self::staff_id(&directory, email)?;
        let role = directory
            .role_by_name(role)
            .ok_or_else(|| ServiceError::not_found(Record::Role, format!("called {}", role.trim())))?;
        if directory.roles_of(staff).contains(&role.id) {
            return Err(ServiceError::conflict(format!("{} already has role {}", email.trim(), role.name)));
        }
        let (role_id, today, by) = (role.id, self.today(), self.operator().to_string());
        let event = AuditEvent::new("role.assign", format!("role {} assigned to staff #{staff}", role.name));
        self.record(event, |tx| directory::assign_role(tx, staff, role_id, today, &by))
    }

    pub fn unassign_role(&mut self, role: &str, email: &str) -> ServiceResult<()> {
        let directory = self.directory()?;
        let staff = Self::staff_id(&directory, email)?;
        let role = directory
            .role_by_name(role)
            .ok_or_else(|| ServiceError::not_found(Record::Role, format!("called {}", role.trim())))?;
        if !directory.roles_of(staff).contains(&role.id) {
            return Err(ServiceError::refused_by_state(format!("{} does not have role {}", email.trim(), role.name)));
        }
        let role_id = role.id;
        let event = AuditEvent::new("role.unassign", format!("role {} removed from staff #{staff}", role.name));
        self.record(event, |tx| directory::unassign_role(tx, staff, role_id))
    }

    /// What giving someone exactly `roles` would add and remove ("mover").
    pub fn preview_roles(&self, staff: StaffId, roles: &[RoleId]) -> ServiceResult<AccessDiff> {
        Ok(self.directory()?.mover_diff(staff, roles, self.today()))
    }

    /// Give someone exactly `roles` in one transaction.
    pub fn set_roles(&mut self, staff: StaffId, roles: &[RoleId]) -> ServiceResult<AccessDiff> {
        let directory = self.directory()?;
        let diff = directory.mover_diff(staff, roles, self.today());
        let current: Vec<RoleId> = directory.roles_of(staff).to_vec();
        let names = |ids: &[RoleId]| {
            let mut names: Vec<String> =
                ids.iter().filter_map(|r| directory.role(*r)).map(|r| r.name.clone()).collect();
            names.sort();
            names.join(", ")
        };
        let (today, by) = (self.today(), self.operator().to_string());
        let summary =
            format!("roles of staff #{staff} changed: {} gained, {} lost", diff.gained.len(), diff.lost.len());
        let event = AuditEvent::new("staff.roles", summary).with_change(Some(names(&current)), Some(names(roles)));
        let items = crate::domain::checklist::mover_items(&directory, &diff, today);
        let now = self.now();
        self.record(event, |tx| {
            for role in current.iter().filter(|r| !roles.contains(r)) {
                directory::unassign_role(tx, staff, *role)?;
            }
            for role in roles.iter().filter(|r| !current.contains(r)) {
                directory::assign_role(tx, staff, *role, today, &by)?;
            }
            // The systems themselves still need changing: a mover checklist tracks that.
            if !items.is_empty() {
                crate::vault::checklists::insert_checklist(
                    tx,
                    staff,
                    crate::domain::checklist::Process::Mover,
                    today,
                    now,
                    &items,
                )?;
            }
            Ok(())
        })?;
        Ok(diff)
    }

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
        let found = directory
            .system_by_name(system)
            .ok_or_else(|| ServiceError::not_found(Record::System, format!("called {}", system.trim())))?;
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

/// System input as the CLI and forms give it.
pub fn new_system(
    name: &str,
    kind: &str,
    levels: &str,
    privileged: &str,
    customer_data: bool,
    mfa: bool,
) -> ServiceResult<NewSystem> {
    Ok(NewSystem {
        name: name.to_owned(),
        kind: if kind.trim().is_empty() { SystemKind::Software } else { kind.parse().map_err(invalid)? },
        owner_email: None,
        location: String::new(),
        customer_data,
        mfa_supported: mfa,
        levels: parse_levels(levels, privileged).map_err(invalid)?,
    })
}
