//! Carrying out the Joiners & leavers commands after the frame: opening a checklist or asking
//! before an item, and the writes (each returns the message to show).

use super::{ProcessCommand, ProcessesPage};
use crate::domain::checklist::{ChecklistId, ItemId, ItemKind, Process};
use crate::domain::staff::StaffDraft;
use crate::domain::staff::StaffId;
use crate::service::{NewJoiner, ServiceResult};
use crate::ui::commands::Outcome;
use crate::ui::pages::Context;
use crate::ui::shell::{Exports, JobOutput, JobRequest};

impl ProcessesPage {
    pub fn apply(&mut self, command: ProcessCommand, cx: &mut Context<'_>) -> Outcome {
        let forms = &mut self.forms;
        let message = match command {
            ProcessCommand::Open(id) => {
                self.selected = id;
                self.confirm_item = None;
                self.skipping = None;
                forms.skip_reason.clear();
                // A report path belongs to the checklist it was typed for.
                forms.report_path.clear();
                return Outcome::SHOWN;
            }
            ProcessCommand::ConfirmItem(item) => {
                self.confirm_item = item;
                return Outcome::SHOWN;
            }
            ProcessCommand::CompleteItem(item) => cx.office.complete_item(item).map(|()| "Item done.".to_owned()),
            ProcessCommand::PreviewInDirectory(item) => return preview_in_directory(cx, item),
            ProcessCommand::CompleteInDirectory(item) => {
                self.directory_preview = None;
                return complete_in_directory(cx, item);
            }
            ProcessCommand::ClosePreview => {
                self.directory_preview = None;
                return Outcome::SHOWN;
            }
            ProcessCommand::HandOver(item, to) => {
                cx.office.hand_over(item, to).map(|()| handed_over(cx.records, item, to))
            }
            ProcessCommand::StartSkip(item) => {
                self.skipping = item;
                forms.skip_reason.clear();
                return Outcome::SHOWN;
            }
            ProcessCommand::SkipItem(item) => cx.office.skip_item(item, &forms.skip_reason).map(|()| {
                forms.skip_reason.clear();
                "Item skipped.".to_owned()
            }),
            ProcessCommand::ReopenItem(item) => cx.office.reopen_item(item).map(|()| "Item reopened.".to_owned()),
            ProcessCommand::Archive(checklist) => cx.office.archive_checklist(checklist).map(|()| {
                self.selected = None;
                "Checklist archived.".to_owned()
            }),
            ProcessCommand::FinishLeaver(staff) => {
                cx.records.email(staff).and_then(|email| cx.office.finish_leaver(&email)).map(|()| {
                    self.selected = None;
                    "Marked as left.".to_owned()
                })
            }
            ProcessCommand::StartJoiner => self.start_joiner(cx),
            ProcessCommand::AddDevice => {
                let assign = Some(forms.device_assign.trim()).filter(|a| !a.is_empty());
                cx.office.add_device(&forms.device_kind, &forms.device_serial, &forms.device_model, assign).map(|_| {
                    let serial = std::mem::take(&mut forms.device_serial);
                    forms.device_model.clear();
                    forms.device_assign.clear();
                    format!("Device {} registered.", serial.trim())
                })
            }
            ProcessCommand::AddTemplate => {
                let process = if forms.template_leaver { Process::Leaver } else { Process::Joiner };
                cx.office.add_template(process, &forms.template_title, forms.template_offset).map(|_| {
                    forms.template_title.clear();
                    "Template item added.".to_owned()
                })
            }
            ProcessCommand::RemoveTemplate(id) => {
                cx.office.remove_template(id).map(|()| "Template item removed.".to_owned())
            }
            ProcessCommand::SaveReport(checklist) => return self.save_report(checklist, cx),
        };
        Outcome::Written(message.map(Some))
    }

    fn start_joiner(&mut self, cx: &mut Context<'_>) -> ServiceResult<String> {
        let forms = &mut self.forms;
        let directory = &cx.records.directory;
        let roles: Vec<String> =
            forms.joiner_roles.iter().filter_map(|r| directory.role(*r)).map(|r| r.name.clone()).collect();
        let joiner = NewJoiner {
            draft: StaffDraft {
                full_name: forms.joiner_name.clone(),
                email: forms.joiner_email.clone(),
                team: forms.joiner_team.clone(),
                manager_email: forms.joiner_manager.clone(),
                start_date: forms.joiner_start.clone(),
                ..Default::default()
            },
            roles: &roles,
        };
        let name = joiner.draft.full_name.trim().to_owned();
        let (_, checklist) = cx.office.start_joiner(joiner)?;
        for field in [
            &mut forms.joiner_name,
            &mut forms.joiner_email,
            &mut forms.joiner_team,
            &mut forms.joiner_manager,
            &mut forms.joiner_start,
        ] {
            field.clear();
        }
        forms.joiner_roles.clear();
        self.selected = Some(checklist);
        Ok(format!("Joiner checklist started for {name}."))
    }

    fn save_report(&self, checklist: ChecklistId, cx: &mut Context<'_>) -> Outcome {
        let (base, overwrite) = (self.forms.report_path.trim().to_owned(), cx.exports.overwrite());
        Outcome::Background(JobRequest::new("Saving the report", true, move |office| {
            let (pdf, csv) = (office.checklist_report_pdf(checklist)?, office.checklist_report_csv(checklist)?);
            // The last moment Cancel stops it: after this the files exist.
            office.checkpoint()?;
            Exports::write_file(&format!("{base}.pdf"), &pdf, overwrite)?;
            Exports::write_file(&format!("{base}.csv"), &csv, overwrite)?;
            Ok(JobOutput::Message(Some(format!("Report saved as {base}.pdf and {base}.csv."))))
        }))
    }
}

fn directory_of(cx: &Context<'_>, item: ItemId) -> String {
    cx.records.connected_items.get(&item).cloned().unwrap_or_else(|| "the directory".to_owned())
}

/// Read from the directory what ticking `item` would send (on a worker thread: it is network).
fn preview_in_directory(cx: &Context<'_>, item: ItemId) -> Outcome {
    let label = format!("Reading {}", directory_of(cx, item));
    Outcome::Background(JobRequest::new(label, false, move |office| match office.preview_item(item)? {
        Some(preview) => Ok(JobOutput::ItemPreview(item, preview)),
        None => Err(crate::service::ServiceError::refused_by_state("no directory does this item any more")),
    }))
}

/// Make the change in the directory, read it back, and tick the item.
fn complete_in_directory(cx: &Context<'_>, item: ItemId) -> Outcome {
    let label = format!("Changing {}", directory_of(cx, item));
    Outcome::Background(JobRequest::new(label, false, move |office| {
        office.complete_item(item)?;
        let confirmed = office.item_confirmation(item)?.unwrap_or_default();
        Ok(JobOutput::Message(Some(format!("Item done, {confirmed}."))))
    }))
}

/// What a hand-over did, in words: "Jo Smith is Sam Carter's manager now."
fn handed_over(records: &crate::ui::records::Records, item: ItemId, to: Option<StaffId>) -> String {
    let directory = &records.directory;
    let kind = records.checklists.iter().flat_map(|c| &c.items).find(|i| i.id == item).map(|i| &i.kind);
    let to = to.and_then(|id| directory.person(id)).map(|p| p.full_name.as_str());
    match (kind, to) {
        (Some(ItemKind::ChooseManager { report }), to) => {
            let report = directory.person(*report).map_or("They", |p| p.full_name.as_str());
            match to {
                Some(manager) => format!("{manager} is {report}'s manager now."),
                None => format!("{report} has no manager now."),
            }
        }
        (Some(ItemKind::TransferOwnership { system }), to) => {
            let system = directory.system(*system).map_or("The system", |s| s.name.as_str());
            match to {
                Some(owner) => format!("{owner} owns {system} now."),
                None => format!("{system} has no owner now."),
            }
        }
        _ => "Item done.".to_owned(),
    }
}
