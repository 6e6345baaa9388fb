//! Use cases for the office record: staff, systems and roles (direct grants are in
//! `grants.rs`). Each change is one
//! transaction with its audit record. Audit records name people as `staff #ID` (resolved to a
//! name when shown), so that personal details can later be purged without breaking the chain.

use super::grants::parse_grant_ref;
use super::lookup::role_named;
use super::{Office, Record, ServiceError, ServiceResult};
use crate::domain::access::{AccessDiff, Directory, RoleId};
use crate::domain::audit::AuditEvent;
use crate::domain::staff::{NewStaff, StaffDraft, StaffId, StaffStatus, creates_manager_cycle};
use crate::domain::system::LevelId;
use crate::vault::directory::{self};
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

impl Office {
    /// The whole office record, for screens and reports.
    pub fn directory(&self) -> ServiceResult<Directory> {
        Ok(directory::load(&self.vault().read())?)
    }

    /// Today's date in UTC, from the office clock.
    pub fn today(&self) -> Date {
        self.time_zone().to_datetime(self.now()).date()
    }

    pub(super) fn staff_id(directory: &Directory, email: &str) -> ServiceResult<StaffId> {
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

    /// Add a role from `SYSTEM:LEVEL` references.
    pub fn add_role(&mut self, name: &str, grants: &[String]) -> ServiceResult<RoleId> {
        let directory = self.directory()?;
        let levels = grants.iter().map(|g| parse_grant_ref(&directory, g)).collect::<ServiceResult<Vec<_>>>()?;
        self.add_role_with_levels(name, &levels)
    }

    /// Add a role giving these levels (ticked on the Roles page).
    pub fn add_role_with_levels(&mut self, name: &str, levels: &[LevelId]) -> ServiceResult<RoleId> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(invalid("a role name must be 1–100 characters"));
        }
        let directory = self.directory()?;
        if directory.role_by_name(name).is_some() {
            return Err(ServiceError::conflict(format!("there is already a role called {name}")));
        }
        let gives: Vec<String> = levels
            .iter()
            .filter_map(|id| directory.level(*id).map(|(system, level)| format!("{}:{}", system.name, level.name)))
            .collect();
        let gives = gives.join(", ");
        let event = AuditEvent::new("role.add", format!("role {name} added")).with_change(None, Some(gives));
        self.record(event, |tx| directory::insert_role(tx, name, "", levels))
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
        let role = role_named(&directory, role)?;
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
        let role = role_named(&directory, role)?;
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
}
