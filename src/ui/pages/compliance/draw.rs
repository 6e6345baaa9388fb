//! Drawing the Policies & evidence page: the policies with how many acknowledged the current
//! version, the training with who is due, the forms that add and record them (choices from
//! lists and calendars), and the evidence pack.

use super::{ComplianceCommand, CompliancePage, RENEWALS};
use crate::ui::commands::Command;
use crate::ui::file_dialog::{FileTarget, path_row};
use crate::ui::records::Records;
use crate::ui::widgets::style::{State, space, state_label};
use crate::ui::widgets::{action_button, date_field, field_label, indented, pick_list, table, text_field};

/// How many people a list shows on screen (a large office's full lists are the CLI's).
const SHOWN: usize = 25;

/// Everyone, each team and each role, as audiences.
fn audiences(records: &Records) -> Vec<(String, String)> {
    let mut all = vec![("all".to_owned(), "Everyone".to_owned())];
    all.extend(records.teams.iter().map(|t| (format!("team:{t}"), format!("The {t} team"))));
    all.extend(
        records
            .directory
            .roles
            .iter()
            .map(|r| (format!("role:{}", r.name), format!("Everyone with the role {}", r.name))),
    );
    all
}

pub fn ui(ui: &mut egui::Ui, page: &mut CompliancePage, records: &Records, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical().id_salt("compliance").auto_shrink([false, false]).show(ui, |ui| {
        egui::CollapsingHeader::new("Policies")
            .default_open(true)
            .show(ui, |ui| policies_ui(ui, page, records, commands));
        egui::CollapsingHeader::new("Training")
            .default_open(true)
            .show(ui, |ui| training_ui(ui, page, records, commands));
        egui::CollapsingHeader::new("Evidence pack for an auditor")
            .default_open(true)
            .show(ui, |ui| evidence_ui(ui, page, records, commands));
    });
}

fn policies_ui(ui: &mut egui::Ui, page: &mut CompliancePage, records: &Records, commands: &mut Vec<Command>) {
    if page.policies.is_empty() {
        ui.weak("No policy on record: joiners are asked for the data-protection and acceptable-use policies by name.");
    } else {
        table(ui, "policies", &["Policy", "Current version", "For", "Acknowledged", ""], |ui| {
            for (policy, status) in &page.policies {
                ui.label(&policy.name);
                ui.label(policy.current().map(|v| format!("{} ({})", v.version, v.dated)).unwrap_or_default());
                ui.label(policy.audience.describe());
                let done = status.iter().filter(|s| s.acknowledged.is_some()).count();
                let words = format!("{done} of {}", status.len());
                if done < status.len() {
                    state_label(ui, State::Attention, words);
                } else {
                    ui.label(words);
                }
                if ui.button(format!("Who has not read {}", policy.name)).clicked() {
                    commands.push(ComplianceCommand::ShowPolicy(Some(policy.name.clone())).into());
                }
                ui.end_row();
            }
        });
    }
    if let Some((policy, status)) =
        page.shown_policy.as_ref().and_then(|n| page.policies.iter().find(|(p, _)| &p.name == n))
    {
        ui.add_space(space::TIGHT);
        ui.strong(format!("{}: not yet acknowledged first, the longest waiting first", policy.name));
        table(ui, "policy-status", &["Person", "Acknowledged"], |ui| {
            for s in status.iter().take(SHOWN) {
                ui.label(format!("{} <{}>", s.name, s.email));
                match s.acknowledged {
                    Some(on) => ui.label(on.to_string()),
                    None => state_label(ui, State::Attention, format!("not yet (waiting since {})", s.waiting_since)),
                };
                ui.end_row();
            }
        });
        if status.len() > SHOWN {
            ui.weak(format!(
                "… and {} more: `keyholder policy status \"{}\"` lists everyone.",
                status.len() - SHOWN,
                policy.name
            ));
        }
        if ui.button("Hide the list").clicked() {
            commands.push(ComplianceCommand::ShowPolicy(None).into());
        }
    }
    ui.add_space(space::ROW);
    ui.strong("Add a policy, or a new version of one");
    text_field(ui, "Policy", &mut page.policy_name)
        .on_hover_text("e.g. Data protection; an existing name adds a version");
    text_field(ui, "Version", &mut page.policy_version).on_hover_text("e.g. 2026.1");
    path_row(ui, "Document", &mut page.policy_file, FileTarget::PolicyDocument, commands);
    let known = page.policies.iter().any(|(p, _)| p.name.eq_ignore_ascii_case(page.policy_name.trim()));
    if !known {
        pick_list(ui, "Policy is for", &mut page.policy_audience, &audiences(records), None);
    }
    indented(ui, |ui| {
        let why_not = if page.policy_name.trim().is_empty() || page.policy_version.trim().is_empty() {
            Some("Give the policy's name and version.")
        } else {
            None
        };
        if known {
            ui.weak("A new version asks everyone it applies to to acknowledge it again.");
        }
        if action_button(ui, if known { "Add the new version" } else { "Add the policy" }, why_not) {
            commands.push(ComplianceCommand::AddPolicy.into());
        }
    });
    ui.add_space(space::ROW);
    ui.strong("Record that someone read and understood a policy");
    let names: Vec<(String, String)> = page.policies.iter().map(|(p, _)| (p.name.clone(), p.name.clone())).collect();
    pick_list(ui, "Which policy", &mut page.ack_policy, &names, Some("Choose the policy"));
    pick_list(ui, "Who read it", &mut page.ack_person, &records.people, Some("Choose the person"));
    date_field(ui, "On", &mut page.ack_on, records.today);
    indented(ui, |ui| {
        let why_not = if page.ack_policy.is_empty() || page.ack_person.is_empty() {
            Some("Choose the policy and the person.")
        } else {
            None
        };
        if action_button(ui, "Record the acknowledgement", why_not) {
            commands.push(ComplianceCommand::Acknowledge.into());
        }
    });
}

fn training_ui(ui: &mut egui::Ui, page: &mut CompliancePage, records: &Records, commands: &mut Vec<Command>) {
    let today = page.today.unwrap_or(records.today);
    if page.training.is_empty() {
        ui.weak("No training on record.");
    } else {
        let due: Vec<_> = page
            .training
            .iter()
            .filter(|s| s.due <= today.checked_add(jiff::ToSpan::days(14)).unwrap_or(today))
            .collect();
        if due.is_empty() {
            ui.label("Everyone's training is up to date for the next fortnight.");
        } else {
            let more = due.len().saturating_sub(SHOWN);
            table(ui, "training-due", &["Course", "Person", "Last done", "Due"], |ui| {
                for s in due.iter().take(SHOWN) {
                    ui.label(&s.course);
                    ui.label(format!("{} <{}>", s.name, s.email));
                    ui.label(s.last_completed.map_or_else(|| "never".to_owned(), |d| d.to_string()));
                    if s.is_overdue(today) {
                        state_label(ui, State::Problem, format!("overdue since {}", s.due));
                    } else if s.due == today {
                        state_label(ui, State::Attention, "due today");
                    } else {
                        state_label(ui, State::Attention, format!("due {}", s.due));
                    }
                    ui.end_row();
                }
            });
            if more > 0 {
                ui.weak(format!("… and {more} more: `keyholder training status` lists everyone."));
            }
        }
    }
    ui.add_space(space::ROW);
    ui.strong("Record a completed course");
    pick_list(ui, "Which course", &mut page.done_course, &page.courses, Some("Choose the course"));
    pick_list(ui, "Who completed it", &mut page.done_person, &records.people, Some("Choose the person"));
    date_field(ui, "Completed on", &mut page.done_on, records.today);
    path_row(ui, "Certificate", &mut page.certificate, FileTarget::TrainingCertificate, commands);
    indented(ui, |ui| {
        let why_not = if page.done_course.is_empty() || page.done_person.is_empty() {
            Some("Choose the course and the person.")
        } else if crate::domain::staff::parse_date(&page.done_on).is_err() {
            Some("Choose the date it was completed.")
        } else {
            None
        };
        if action_button(ui, "Record the completion", why_not) {
            commands.push(ComplianceCommand::RecordTraining.into());
        }
    });
    ui.add_space(space::ROW);
    ui.strong("Add a course");
    text_field(ui, "Course name", &mut page.course_name).on_hover_text("e.g. Phishing awareness");
    pick_list(ui, "Renewed", &mut page.course_every, &RENEWALS, None);
    pick_list(ui, "Course is for", &mut page.course_audience, &audiences(records), None);
    indented(ui, |ui| {
        let why_not = page.course_name.trim().is_empty().then_some("Give the course's name.");
        if action_button(ui, "Add the course", why_not) {
            commands.push(ComplianceCommand::AddCourse.into());
        }
    });
}

fn evidence_ui(ui: &mut egui::Ui, page: &mut CompliancePage, records: &Records, commands: &mut Vec<Command>) {
    ui.label(
        "One folder an auditor can read without Keyholder: a summary, every leaver's report and review's evidence in \
         the period, the access matrix, the registers and the audit log, with a manifest that shows nothing was \
         changed since.",
    );
    date_field(ui, "From", &mut page.pack_from, records.today);
    date_field(ui, "To", &mut page.pack_to, records.today);
    path_row(ui, "New folder", &mut page.pack_dir, FileTarget::EvidenceFolder, commands);
    indented(ui, |ui| {
        let dates = [&page.pack_from, &page.pack_to];
        let why_not = if dates.iter().any(|d| crate::domain::staff::parse_date(d).is_err()) {
            Some("Choose both dates.")
        } else if page.pack_dir.trim().is_empty() {
            Some("Name the new folder first.")
        } else {
            None
        };
        if action_button(ui, "Write the evidence pack", why_not) {
            commands.push(ComplianceCommand::WritePack.into());
        }
    });
    ui.add_space(space::ROW);
    ui.horizontal(|ui| {
        let label = field_label(ui, "Check a pack");
        ui.add(egui::TextEdit::singleline(&mut page.verify_dir).desired_width(240.0)).labelled_by(label.id);
        let why_not = page.verify_dir.trim().is_empty().then_some("Give the pack's folder.");
        if action_button(ui, "Verify", why_not) {
            commands.push(ComplianceCommand::VerifyPack.into());
        }
    });
    match &page.verified {
        Some(problems) if problems.is_empty() => {
            indented(ui, |ui| state_label(ui, State::Good, "Every file is as written."));
        }
        Some(problems) => {
            for problem in problems {
                indented(ui, |ui| state_label(ui, State::Problem, problem));
            }
        }
        None => {}
    }
}
