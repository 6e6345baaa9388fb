//! Use cases for systems: adding one, its flags, its name and levels, and removing it. Removing
//! a system or a level is refused while anything still uses it, with what that is, so the
//! office manager knows what to change first.

use super::{Office, Record, ServiceError, ServiceResult};
use crate::domain::audit::AuditEvent;
use crate::domain::level_changes::{LevelEdit, plan_levels};
use crate::domain::system::{AccessLevel, NewSystem, System, SystemId, SystemKind, parse_levels, validate_system_name};
use crate::vault::{directory, system_edits};

fn invalid(text: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(text.into())
}

/// A system as its panel has it after editing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemChange {
    pub name: String,
    pub customer_data: bool,
    pub mfa: bool,
    /// Least access first; stored levels keep their ids.
    pub levels: Vec<LevelEdit>,
    /// Who answers for the system (a leaver's checklist hands it over), if anyone.
    pub owner: Option<crate::domain::staff::StaffId>,
}

impl Office {
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

    fn system_by_id(&self, system: SystemId) -> ServiceResult<System> {
        self.directory()?
            .system(system)
            .cloned()
            .ok_or_else(|| ServiceError::not_found(Record::System, "any more (it was removed)"))
    }

    /// Change a system's name, flags and levels in one audited change. Roles, grants and
    /// secrets follow a rename (they refer to the system, not its name). A level that a role
    /// gives, someone holds directly or a shared secret is tied to cannot be removed.
    pub fn change_system(&mut self, system: SystemId, change: &SystemChange) -> ServiceResult<()> {
        let found = self.system_by_id(system)?;
        let name = validate_system_name(&change.name).map_err(invalid)?;
        let directory = self.directory()?;
        if directory.system_by_name(&name).is_some_and(|other| other.id != system) {
            return Err(ServiceError::conflict(format!("there is already a system called {name}")));
        }
        let plan = plan_levels(&found.levels, &change.levels).map_err(invalid)?;
        for level in found.levels.iter().filter(|l| plan.remove.contains(&l.id)) {
            let mut uses = directory.uses_of_level(level.id);
            let secrets = system_edits::secrets_tied_to(&self.vault().read(), system, Some(level.id))?;
            uses.extend(secrets.iter().map(|s| format!("shared secret {s}")));
            if !uses.is_empty() {
                return Err(ServiceError::refused_by_state(format!(
                    "the level {} of {} is still in use ({}); change those first",
                    level.name,
                    found.name,
                    uses.join(", ")
                )));
            }
        }
        if let Some(owner) = change.owner
            && directory.person(owner).is_none_or(|p| !crate::domain::checklist::is_staying(p.status))
        {
            return Err(invalid("the owner must be someone joining or working here"));
        }
        let owned = change.owner != found.owner_id;
        let renamed = name != found.name;
        let flags = change.customer_data != found.customer_data || change.mfa != found.mfa_supported;
        let levels = !plan.is_empty(&found.levels);
        if !(renamed || flags || levels || owned) {
            return Ok(());
        }
        let after = System {
            name: name.clone(),
            customer_data: change.customer_data,
            mfa_supported: change.mfa,
            owner_id: change.owner,
            levels: change
                .levels
                .iter()
                .enumerate()
                .map(|(rank, l)| AccessLevel {
                    id: l.id.unwrap_or_default(),
                    system_id: system,
                    name: l.name.trim().to_owned(),
                    rank: rank as i64,
                    privileged: l.privileged,
                })
                .collect(),
            ..found.clone()
        };
        let summary = if renamed {
            format!("system {} renamed to {name} and changed", found.name)
        } else {
            format!("system {} changed", found.name)
        };
        let event = AuditEvent::new("system.edit", summary)
            .with_change(Some(describe_system(&found)), Some(describe_system(&after)));
        self.record(event, |tx| {
            if renamed {
                system_edits::rename_system(tx, system, &name)?;
            }
            if flags {
                directory::set_system_flags(tx, system, change.customer_data, change.mfa)?;
            }
            if levels {
                system_edits::apply_level_plan(tx, system, &plan)?;
            }
            if owned {
                crate::vault::checklists::set_owner(tx, system, change.owner)?;
            }
            Ok(())
        })
    }

    /// What stops the system from being removed, in words; empty when nothing does.
    pub fn uses_of_system(&self, system: SystemId) -> ServiceResult<Vec<String>> {
        let mut uses = self.directory()?.uses_of_system(system);
        let secrets = system_edits::secrets_tied_to(&self.vault().read(), system, None)?;
        uses.extend(secrets.iter().map(|s| format!("shared secret {s}")));
        Ok(uses)
    }

    /// Remove a system nobody uses any more (no role, grant, account or shared secret).
    pub fn remove_system(&mut self, system: SystemId) -> ServiceResult<()> {
        let found = self.system_by_id(system)?;
        let uses = self.uses_of_system(system)?;
        if !uses.is_empty() {
            return Err(ServiceError::refused_by_state(format!(
                "{} is still in use ({}); take those away first",
                found.name,
                uses.join(", ")
            )));
        }
        let event = AuditEvent::new("system.remove", format!("system {} removed", found.name))
            .with_change(Some(describe_system(&found)), None);
        self.record(event, |tx| system_edits::delete_system(tx, system))
    }
}

fn level_words(level: &AccessLevel) -> String {
    if level.privileged { format!("{} (privileged)", level.name) } else { level.name.clone() }
}

fn describe_system(system: &System) -> String {
    let levels: Vec<String> = system.levels.iter().map(level_words).collect();
    let owner = system.owner_id.map_or("none".to_owned(), |id| format!("staff #{id}"));
    format!(
        "name={:?} kind={} customer_data={} mfa={} owner={owner} levels=[{}]",
        system.name,
        system.kind,
        system.customer_data,
        system.mfa_supported,
        levels.join(", ")
    )
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
