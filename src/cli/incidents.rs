//! `keyholder incident …`: record, decide, link, update, close, and write the report, the
//! letter and the register.

use super::{DetailArgs, IncidentCommand};
use crate::domain::incident::{Details, UpdateKind};
use crate::domain::staff::parse_date;
use crate::service::{IncidentView, LinkTarget, NewIncident, Office};
use crate::vault::fsutil::write_export;
use anyhow::{Context, Result, bail};
use serde::Serialize;

/// The options given, over `details`.
fn apply(details: &mut Details, given: DetailArgs) {
    let DetailArgs { what, cause, how_found, people, people_count, data, records_count, consequences, measures } =
        given;
    let set = |field: &mut String, value: Option<String>| {
        if let Some(value) = value {
            *field = value.trim().to_owned();
        }
    };
    set(&mut details.what_happened, what);
    set(&mut details.cause, cause);
    set(&mut details.how_found, how_found);
    set(&mut details.people_categories, people);
    set(&mut details.data_categories, data);
    set(&mut details.consequences, consequences);
    set(&mut details.measures, measures);
    details.people_count = people_count.or(details.people_count);
    details.records_count = records_count.or(details.records_count);
}

#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    incident: &'a crate::domain::incident::Incident,
    status: &'static str,
    deadline: String,
    clock: String,
    links: &'a [crate::service::LinkedThing],
    containment_open_items: usize,
    timeline: &'a [crate::domain::incident::Update],
}

fn show(office: &Office, view: &IncidentView, json: bool) -> Result<()> {
    let incident = &view.incident;
    let clock = incident.clock(office.now()).in_words();
    if json {
        return super::print_json(&Shown {
            incident,
            status: incident.status().as_str(),
            deadline: office.moment_in_words(incident.deadline()),
            clock,
            links: &view.links,
            containment_open_items: view.open_items(),
            timeline: &view.updates,
        });
    }
    out!("Incident {}: {}", incident.id, incident.title);
    out!(
        "Status: {}{}",
        incident.status().as_str(),
        if clock.is_empty() { String::new() } else { format!(" ({clock})") }
    );
    out!(
        "Aware: {}; report by {}",
        office.moment_in_words(incident.aware_at),
        office.moment_in_words(incident.deadline())
    );
    out!("Kind: {}", incident.kind.describe());
    for link in &view.links {
        out!("Linked: {} {}", link.link.kind(), link.name);
    }
    out!("Containment: {} open item(s)", view.open_items());
    for update in &view.updates {
        let attached = update.attachment.as_ref().map(|a| format!(" [{a}]")).unwrap_or_default();
        out!(
            "{}\t{}\t{}\t{}\t{}{attached}",
            update.id,
            office.moment_in_words(update.at),
            update.by,
            update.kind.as_str(),
            update.text
        );
    }
    Ok(())
}

pub fn incident(office: &mut Office, action: IncidentCommand, force: bool) -> Result<()> {
    match action {
        IncidentCommand::Add { title, aware, happened, kind, details } => {
            let mut facts = Details::default();
            apply(&mut facts, details);
            let new = NewIncident {
                title: &title,
                kind: &kind,
                aware: &aware,
                happened: happened.as_deref(),
                details: facts,
            };
            let id = office.add_incident(&new)?;
            let view = office.incident(id)?;
            eprintln!(
                "Incident {id} recorded: report to the ICO by {}, or decide it is not reportable.",
                office.moment_in_words(view.incident.deadline())
            );
            out!("{id}");
        }
        IncidentCommand::Edit { id, details } => {
            let mut facts = office.incident(id)?.incident.details;
            apply(&mut facts, details);
            office.set_incident_details(id, facts)?;
        }
        IncidentCommand::List { json } => {
            super::print_list(json, &office.incident_rows()?, |r| {
                let hours = r.hours_left.map(|h| h.to_string()).unwrap_or_else(|| "-".into());
                format!("{}\t{}\t{}\t{}\t{}\t{hours}", r.id, r.title, r.status, r.aware, r.deadline)
            })?;
        }
        IncidentCommand::Show { id, json } => show(office, &office.incident(id)?, json)?,
        IncidentCommand::Assess { id, risk, reason } => office.assess_incident(id, &risk, &reason)?,
        IncidentCommand::Report { id, ico, reference, at, delay_reason, not_reportable: _, reason } => {
            if ico {
                office.report_incident(
                    id,
                    reference.as_deref().unwrap_or(""),
                    at.as_deref(),
                    delay_reason.as_deref(),
                )?;
            } else {
                office.incident_not_reportable(id, reason.as_deref().unwrap_or(""))?;
            }
        }
        IncidentCommand::Tell { id, people: _, public, at, not, exception, reason } => {
            if not {
                office.not_tell_people(id, exception.as_deref(), reason.as_deref().unwrap_or(""))?;
            } else {
                office.tell_people(id, public, at.as_deref().unwrap_or(""))?;
            }
        }
        IncidentCommand::Link { id, staff, system, secret_name, device } => {
            let target = match (staff, system, secret_name, device) {
                (Some(email), ..) => LinkTarget::Staff(email),
                (_, Some(name), ..) => LinkTarget::System(name),
                (_, _, Some(name), _) => LinkTarget::Secret(name),
                (.., Some(serial)) => LinkTarget::Device(serial),
                _ => bail!("say what to link: --staff, --system, --secret or --device"),
            };
            let said = office.link_incident(id, &target)?;
            eprintln!("Linked; {said}.");
        }
        IncidentCommand::Update { id, text, kind, attach } => {
            let kind = UpdateKind::parse(&kind).map_err(anyhow::Error::msg)?;
            let file = match &attach {
                Some(path) => {
                    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
                    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    Some((name, bytes))
                }
                None => None,
            };
            office.add_incident_update(id, kind, &text, file.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())))?;
        }
        IncidentCommand::Attachment { update, out } => {
            let (name, bytes) = office.incident_attachment(update)?;
            write_export(&out, &bytes, force)?;
            eprintln!("{name} saved as {}.", out.display());
        }
        IncidentCommand::Close { id } => {
            office.close_incident(id)?;
            eprintln!("Incident {id} closed.");
        }
        IncidentCommand::Export { id, pdf, letter, letter_text, contact } => {
            if let Some(path) = pdf {
                write_export(&path, &office.incident_report_pdf(id)?, force)?;
                eprintln!("Report for the ICO written to {}.", path.display());
            }
            if let Some(path) = letter {
                let text = match letter_text {
                    Some(file) => {
                        std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?
                    }
                    None => office.incident_letter(id, &contact)?,
                };
                write_export(&path, &office.incident_letter_pdf(id, &text)?, force)?;
                eprintln!("Letter written to {}.", path.display());
            }
        }
        IncidentCommand::Letter { id, contact } => out!("{}", office.incident_letter(id, &contact)?),
        IncidentCommand::Register { from, to, csv } => {
            let (from, to) = (parse_date(&from)?, parse_date(&to)?);
            write_export(&csv, &office.incident_register_csv(from, to)?, force)?;
            eprintln!("Register written to {}.", csv.display());
        }
    }
    Ok(())
}
