//! CLI commands for joiners, leavers, checklists and devices.

use super::{ChecklistCommand, DeviceCommand, JoinerCommand, LeaverCommand};
use crate::domain::checklist::{ItemKind, ItemState};
use crate::domain::staff::StaffDraft;
use crate::service::{NewJoiner, Office};
use anyhow::{Result, bail};
use serde_json::json;

pub fn joiner(office: &mut Office, action: JoinerCommand) -> Result<()> {
    let JoinerCommand::Start { name, email, start, team, manager, roles } = action;
    let draft = StaffDraft {
        full_name: name,
        email,
        team: team.unwrap_or_default(),
        manager_email: manager.unwrap_or_default(),
        start_date: start,
        ..Default::default()
    };
    let (staff, _) = office.start_joiner(NewJoiner { draft: draft.clone(), roles: &roles })?;
    eprintln!(
        "Joiner {} added (staff #{staff}); see `keyholder checklist show {}`.",
        draft.full_name.trim(),
        draft.email.trim()
    );
    Ok(())
}

pub fn leaver(office: &mut Office, action: LeaverCommand, force: bool) -> Result<()> {
    match action {
        LeaverCommand::Start { email, last_day } => {
            office.start_leaver(&email, &last_day)?;
            eprintln!("Leaver checklist started for {email}; see `keyholder checklist show {email}`.");
        }
        LeaverCommand::Finish { email } => {
            office.finish_leaver(&email)?;
            eprintln!("{email} has left.");
        }
        LeaverCommand::Report { email, pdf, csv } => {
            if pdf.is_none() && csv.is_none() {
                bail!("name at least one report file: --csv FILE (and --pdf FILE)");
            }
            if let Some(path) = &csv {
                crate::vault::fsutil::write_export(path, &office.leaver_report_csv(&email)?, force)?;
                eprintln!("Wrote {}.", path.display());
            }
            if let Some(path) = &pdf {
                crate::vault::fsutil::write_export(path, &office.leaver_report_pdf(&email)?, force)?;
                eprintln!("Wrote {}.", path.display());
            }
        }
    }
    Ok(())
}

fn target(kind: &ItemKind) -> String {
    match kind {
        ItemKind::CreateAccount { system } | ItemKind::EnrolMfa { system } | ItemKind::TransferOwnership { system } => {
            format!("system:{system}")
        }
        ItemKind::RemoveRole { role } => format!("role:{role}"),
        ItemKind::ChooseManager { report } => format!("staff:{report}"),
        ItemKind::RevokeGrant { grant } => format!("grant:{grant}"),
        ItemKind::DisableAccount { account } => format!("account:{account}"),
        ItemKind::CollectDevice { device } => format!("device:{device}"),
        ItemKind::AcknowledgePolicy { policy } => format!("document:{policy}"),
        ItemKind::CompleteTraining { course } => format!("course:{course}"),
        ItemKind::RotateSecret { secret } => format!("credential:{secret}"),
        ItemKind::AddAccess { system, level }
        | ItemKind::RemoveAccess { system, level }
        | ItemKind::ReviewRemove { system, level, .. }
        | ItemKind::ReviewReduce { system, level, .. } => format!("system:{system}:{level}"),
        ItemKind::IssueDevices | ItemKind::Template { .. } => String::new(),
        ItemKind::EnrolAuthenticator | ItemKind::RemoveAuthenticator => "authenticator".to_owned(),
    }
}

pub fn checklist(office: &mut Office, action: ChecklistCommand) -> Result<()> {
    match action {
        ChecklistCommand::Show { email, json } => {
            let lists = office.checklists_of(&email)?;
            if json {
                let value: Vec<_> = lists
                    .iter()
                    .map(|list| {
                        let items: Vec<_> = list
                            .items
                            .iter()
                            .map(|i| {
                                let (by, at, reason) = match &i.state {
                                    ItemState::Open => (None, None, None),
                                    ItemState::Done { by, at, confirmed } => {
                                        (Some(by.clone()), Some(at.to_string()), confirmed.clone())
                                    }
                                    ItemState::Skipped { by, at, reason } => {
                                        (Some(by.clone()), Some(at.to_string()), Some(reason.clone()))
                                    }
                                };
                                json!({"id": i.id, "kind": i.kind.code(), "target": target(&i.kind), "title": i.title,
                                       "due": i.due, "state": i.state.label(), "by": by, "at": at, "reason": reason})
                            })
                            .collect();
                        json!({"id": list.id, "process": list.process, "key_date": list.key_date,
                               "finished": list.finished_at.map(|t| t.to_string()), "items": items})
                    })
                    .collect();
                super::print_json(&value)?;
            } else {
                for list in &lists {
                    let status = if list.finished_at.is_some() { "finished" } else { "in progress" };
                    out!("# {} checklist, {} ({status})", list.process, list.key_date);
                    for i in &list.items {
                        out!(
                            "{}\t{}\t{}\t{}\t{}\t{}",
                            i.id,
                            i.kind.code(),
                            target(&i.kind),
                            i.due,
                            i.state.label(),
                            i.title
                        );
                    }
                }
            }
        }
        ChecklistCommand::Done { item, dry_run: true } => match office.preview_item(item)? {
            None => println!("Item {item} is not done in a directory: ticking it changes only the record."),
            Some(preview) if preview.operations.is_empty() => {
                println!("{} already shows item {item} done; ticking it changes nothing there.", preview.directory)
            }
            Some(preview) => {
                println!("Ticking item {item} would send to {}:", preview.directory);
                for operation in &preview.operations {
                    println!("  {operation}");
                }
            }
        },
        ChecklistCommand::Done { item, dry_run: false } => {
            office.complete_item(item)?;
            let confirmed = office.item_confirmation(item)?;
            eprintln!("Item {item} done{}.", confirmed.map(|c| format!(", {c}")).unwrap_or_default());
        }
        ChecklistCommand::Skip { item, reason } => {
            office.skip_item(item, &reason)?;
            eprintln!("Item {item} skipped.");
        }
    }
    Ok(())
}

pub fn device(office: &mut Office, action: DeviceCommand) -> Result<()> {
    match action {
        DeviceCommand::Add { kind, serial, model, assign } => {
            office.add_device(&kind, &serial, &model, assign.as_deref())?;
            eprintln!("Device {serial} registered.");
        }
        DeviceCommand::List { json } => {
            super::print_list(json, &office.devices()?, |d| {
                let holder = d.assigned_to.map(|s| format!("staff #{s}")).unwrap_or_default();
                format!("{}\t{}\t{}\t{holder}", d.id, d.kind, d.serial)
            })?;
        }
    }
    Ok(())
}
