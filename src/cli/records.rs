//! CLI commands for the office record: staff, systems, roles, grants and access listings.

use super::{RoleCommand, StaffCommand, SystemCommand, print_json};
use crate::domain::staff::StaffDraft;
use crate::service::{Office, access_rows, new_system};
use anyhow::{Context, Result, bail};
use serde_json::json;

pub fn staff(office: &mut Office, action: StaffCommand, force: bool) -> Result<()> {
    match action {
        StaffCommand::Add { name, email, title, team, manager, start } => {
            let draft = StaffDraft {
                full_name: name,
                email,
                job_title: title.unwrap_or_default(),
                team: team.unwrap_or_default(),
                manager_email: manager.unwrap_or_default(),
                start_date: start.unwrap_or_default(),
                ..Default::default()
            };
            let id = office.add_staff(&draft)?;
            eprintln!("Added {} (staff #{id}).", draft.full_name.trim());
        }
        StaffCommand::List { json } => {
            let directory = office.directory()?;
            if json {
                let list: Vec<_> = directory
                    .staff
                    .iter()
                    .map(|s| json!({"name": s.full_name, "email": s.email, "team": s.team, "title": s.job_title, "status": s.status}))
                    .collect();
                print_json(&list)?;
            } else {
                for s in &directory.staff {
                    out!("{}\t{}\t{}\t{}", s.full_name, s.email, s.team, s.status);
                }
            }
        }
        StaffCommand::Show { email, json } => {
            let directory = office.directory()?;
            let person = directory
                .person_by_email(&email)
                .with_context(|| format!("there is no staff member with email {email}"))?;
            let manager = person.manager_id.and_then(|m| directory.person(m)).map(|m| m.email.clone());
            let grants = access_rows(&directory, office.today(), Some(person.id), None);
            let roles: Vec<String> = directory
                .roles_of(person.id)
                .iter()
                .filter_map(|r| directory.role(*r))
                .map(|r| r.name.clone())
                .collect();
            if json {
                print_json(&json!({
                    "name": person.full_name, "email": person.email, "title": person.job_title, "team": person.team,
                    "manager": manager, "start_date": person.start_date, "end_date": person.end_date,
                    "status": person.status, "roles": roles, "grants": grants,
                }))?;
            } else {
                out!("{} <{}>", person.full_name, person.email);
                out!(
                    "title: {}\nteam: {}\nmanager: {}\nstatus: {}",
                    person.job_title,
                    person.team,
                    manager.unwrap_or_default(),
                    person.status
                );
                out!("roles: {}", roles.join(", "));
                for g in grants {
                    out!("  {}\t{}\t{}", g.system, g.level, g.source);
                }
            }
        }
        StaffCommand::Purge { email } => {
            let id = office
                .directory()?
                .person_by_email(&email)
                .map(|p| p.id)
                .with_context(|| format!("there is no staff member with email {email}"))?;
            office.purge_person(id)?;
            eprintln!("Personal details of staff #{id} purged.");
        }
        StaffCommand::Export { file } => {
            // Personal data: readable by the owner only, and never over an existing file.
            crate::vault::fsutil::write_export(&file, &office.export_staff_csv()?, force)?;
            eprintln!("Wrote {}.", file.display());
        }
        StaffCommand::Import { file, dry_run, skip_invalid } => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let plan = office.preview_import(&bytes)?;
            for warning in &plan.warnings {
                eprintln!("note: {warning}");
            }
            for problem in &plan.problems {
                eprintln!("line {}: {}", problem.line, problem.reason);
            }
            if dry_run {
                eprintln!(
                    "{} valid row(s), {} invalid; nothing written (dry run).",
                    plan.valid.len(),
                    plan.problems.len()
                );
                if !plan.problems.is_empty() {
                    bail!("{} invalid row(s)", plan.problems.len());
                }
                return Ok(());
            }
            if !plan.problems.is_empty() && !skip_invalid {
                bail!("{} invalid row(s); nothing was imported (fix them, or use --skip-invalid)", plan.problems.len());
            }
            let count = office.apply_import(&plan, &file.display().to_string())?;
            eprintln!("Imported {count} staff member(s).");
        }
    }
    Ok(())
}

pub fn system(office: &mut Office, action: SystemCommand) -> Result<()> {
    match action {
        SystemCommand::Add { name, kind, levels, privileged, customer_data, mfa } => {
            office.add_system(new_system(&name, &kind, &levels, &privileged, customer_data, mfa)?)?;
            eprintln!("Added system {}.", name.trim());
        }
        SystemCommand::List { json } => {
            let directory = office.directory()?;
            if json {
                let list: Vec<_> = directory
                    .systems
                    .iter()
                    .map(|s| {
                        let levels: Vec<_> = s.levels.iter().map(|l| json!({"name": l.name, "privileged": l.privileged})).collect();
                        json!({"name": s.name, "kind": s.kind, "customer_data": s.customer_data, "mfa": s.mfa_supported, "levels": levels})
                    })
                    .collect();
                print_json(&list)?;
            } else {
                for s in &directory.systems {
                    let levels: Vec<_> = s
                        .levels
                        .iter()
                        .map(|l| if l.privileged { format!("{}*", l.name) } else { l.name.clone() })
                        .collect();
                    let flags = [(s.customer_data, "customer-data"), (s.mfa_supported, "mfa")]
                        .iter()
                        .filter(|(on, _)| *on)
                        .map(|(_, f)| *f)
                        .collect::<Vec<_>>()
                        .join(",");
                    out!("{}\t{}\t{}\t{}", s.name, s.kind, levels.join(","), flags);
                }
            }
        }
    }
    Ok(())
}

pub fn role(office: &mut Office, action: RoleCommand) -> Result<()> {
    match action {
        RoleCommand::Add { name, grants } => {
            office.add_role(&name, &grants)?;
            eprintln!("Added role {}.", name.trim());
        }
        RoleCommand::List { json } => {
            let directory = office.directory()?;
            let describe = |levels: &[i64]| -> Vec<String> {
                levels
                    .iter()
                    .filter_map(|l| directory.level(*l))
                    .map(|(s, l)| format!("{}:{}", s.name, l.name))
                    .collect()
            };
            if json {
                let list: Vec<_> = directory
                    .roles
                    .iter()
                    .map(|r| json!({"name": r.name, "grants": describe(&r.levels), "members": directory.members_of(r.id).count()}))
                    .collect();
                print_json(&list)?;
            } else {
                for r in &directory.roles {
                    out!(
                        "{}\t{}\t{} member(s)",
                        r.name,
                        describe(&r.levels).join(","),
                        directory.members_of(r.id).count()
                    );
                }
            }
        }
        RoleCommand::Assign { role, email } => {
            office.assign_role(&role, &email)?;
            eprintln!("Role {role} assigned to {email}.");
        }
        RoleCommand::Unassign { role, email } => {
            office.unassign_role(&role, &email)?;
            eprintln!("Role {role} removed from {email}.");
        }
    }
    Ok(())
}

pub fn access(office: &Office, staff: Option<String>, system: Option<String>, json: bool) -> Result<()> {
    let directory = office.directory()?;
    let staff = staff
        .map(|email| {
            directory
                .person_by_email(&email)
                .map(|p| p.id)
                .with_context(|| format!("there is no staff member with email {email}"))
        })
        .transpose()?;
    let system = system
        .map(|name| {
            directory.system_by_name(&name).map(|s| s.id).with_context(|| format!("there is no system called {name}"))
        })
        .transpose()?;
    let rows = access_rows(&directory, office.today(), staff, system);
    super::print_list(json, &rows, |r| format!("{}\t{}\t{}\t{}", r.email, r.system, r.level, r.source))
}
