//! A directory's drift, as found by the last check: each difference in words, with what to do
//! and the buttons that do it — record it as an exception (with its reason), say whose account
//! it is, or change the directory (shown first as the exact operation, then read back).

use super::draw::Shown;
use super::{DirectoriesPage, DirectoryCommand};
use crate::domain::directory_change::{Change, fix_for, group_name};
use crate::domain::linked_directory::{Finding, FindingKind};
use crate::ui::commands::Command;
use crate::ui::file_dialog::{FileTarget, choose_button};
use crate::ui::widgets::style::space;
use crate::ui::widgets::{Answer, CHOOSE_FILE, action_button, confirm_dialog, pick_input, row_button, submit_button};

/// The width of a difference's block (its text wraps inside).
const BLOCK_WIDTH: f32 = 640.0;

pub fn ui(ui: &mut egui::Ui, page: &mut DirectoriesPage, shown: &Shown<'_>, commands: &mut Vec<Command>) {
    let Shown { directory, map, .. } = *shown;
    let name = directory.name.clone();
    ui.strong("Differences from the record");
    let unmapped = (map.accounts.is_none() && map.groups.is_empty())
        .then_some("Say first which system its accounts are on, or what a group gives.");
    let from_export = directory.is_from_export();
    if from_export {
        // No live connection: the office manager downloads the list from the admin console.
        ui.weak(format!(
            "Download the user list from the {} admin console, then check it here.",
            directory.kind.describe()
        ));
        ui.horizontal(|ui| {
            let label = ui.label("Downloaded user list");
            ui.add(egui::TextEdit::singleline(&mut page.export_path).desired_width(240.0)).labelled_by(label.id);
            choose_button(ui, FileTarget::AdminExport, commands);
        });
        let why_not = unmapped.or(page.export_path.trim().is_empty().then_some(CHOOSE_FILE));
        if action_button(ui, "Check this list", why_not) {
            commands.push(DirectoryCommand::CheckFile(name.clone()).into());
        }
    } else if action_button(ui, "Check now", unmapped) {
        commands.push(DirectoryCommand::Check(name.clone()).into());
    }
    let Some(report) = page.reports.get(&name) else {
        let how = if from_export { "Check this list" } else { "Check now reads the directory" };
        // The last check's count is kept; its differences name people and are read again.
        let last = match directory.last_check {
            Some((_, n)) if n > 0 => format!("The last check found {n}; they are read again to be shown. "),
            _ => String::new(),
        };
        ui.weak(format!("{last}Not checked in this session: {how} (it changes nothing there)."));
        return;
    };
    if report.findings.is_empty() {
        ui.label(format!("No differences: the {} accounts read agree with the record.", report.accounts));
        return;
    }
    let differences = crate::service::counted(report.findings.len(), "difference", "differences");
    ui.weak(format!("{} accounts read; {differences}:", report.accounts));
    ui.add_space(space::TIGHT);
    let findings = report.findings.clone();
    // One block per difference, as narrow as a page of text: what, whose, what to do, and the
    // buttons that do it (what a button opens, opens below it).
    for (index, finding) in findings.iter().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(BLOCK_WIDTH);
            ui.strong(headline(finding));
            ui.label(who(finding));
            ui.add(egui::Label::new(egui::RichText::new(sentence(&finding.advice)).weak()).wrap());
            ui.horizontal_wrapped(|ui| actions_ui(ui, page, shown, index, finding, commands));
        });
    }
    if let Some(index) = page.confirm_fix
        && let Some((finding, change)) = findings.get(index).and_then(|f| fix_for(f).map(|c| (f, c)))
    {
        let account = finding.account.as_deref().unwrap_or("the account");
        let lines = [
            format!("{}.", change.in_words(account)),
            format!("Keyholder sends: {}", change.operation(directory.kind)),
            "Then it reads the account back to confirm, and checks the directory again.".to_owned(),
        ];
        match confirm_dialog(ui.ctx(), &format!("Change {name}?"), &lines, &format!("Yes, change {name}")) {
            Some(Answer::Confirm) => commands.push(DirectoryCommand::Fix(name.clone(), index).into()),
            Some(Answer::Cancel) => commands.push(DirectoryCommand::ConfirmFix(None).into()),
            None => {}
        }
    }
}

/// What the difference is, in one line: "Nothing on record explains Payroll (user), through
/// the group Payroll Users".
fn headline(finding: &Finding) -> String {
    let level = match (&finding.system, &finding.level) {
        (Some(system), Some(level)) => format!("{system} ({level})"),
        (Some(system), None) => system.clone(),
        _ => String::new(),
    };
    let through =
        finding.group.as_deref().map(|g| format!(", through the group {}", group_name(g))).unwrap_or_default();
    match finding.kind {
        FindingKind::OrphanAccount => "An account no one on record has".to_owned(),
        FindingKind::LeaverEnabled if finding.group.is_none() => "Someone who has left can still sign in".to_owned(),
        FindingKind::LeaverEnabled => format!("Someone who has left still has {level}{through}"),
        FindingKind::UnrecordedAccess => format!("Nothing on record explains {level}{through}"),
        FindingKind::MissingAccess => match &finding.group {
            Some(group) => format!("The record gives {level}, but they are not in the group {}", group_name(group)),
            None => format!("The record gives {level}; the directory does not"),
        },
        FindingKind::MissingAccount => format!("No account in the directory, though their access needs one on {level}"),
    }
}

/// Whose it is and the account: "Ann User <ann@…>, account user0".
fn who(finding: &Finding) -> String {
    let person = finding.person.as_deref().unwrap_or("No one on record");
    match &finding.account {
        Some(account) => format!("{person}, account {account}"),
        None => format!("{person}, no account"),
    }
}

/// The advice as a sentence: capital first, full stop last.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    format!("{first}{}.", chars.as_str())
}

/// The fix's button words: what it does in the directory.
fn fix_words(change: &Change) -> &'static str {
    match change {
        Change::Disable { .. } => "Lock the account…",
        Change::LeaveGroup { .. } => "Take out of the group…",
        Change::JoinGroup { .. } => "Add to the group…",
    }
}

fn actions_ui(
    ui: &mut egui::Ui,
    page: &mut DirectoriesPage,
    shown: &Shown<'_>,
    index: usize,
    finding: &Finding,
    commands: &mut Vec<Command>,
) {
    let (records, name) = (shown.records, shown.directory.name.as_str());
    let who = finding.account.as_deref().or(finding.person.as_deref()).unwrap_or("this");
    if let Some(change) = fix_for(finding) {
        let words = fix_words(&change);
        if shown.directory.is_from_export() {
            let suite = shown.directory.kind.describe();
            let words = words.trim_end_matches('…');
            ui.weak(format!("{words} in the {suite} admin console: Keyholder only reads its list."));
        } else if row_button(ui, words, &format!("{words} {who}")) {
            commands.push(DirectoryCommand::ConfirmFix(Some(index)).into());
        }
    }
    if finding.kind == FindingKind::UnrecordedAccess {
        if page.accepting == Some(index) {
            let label = ui.label("Why do they have it?");
            let field = ui.add(egui::TextEdit::singleline(&mut page.reason).desired_width(180.0)).labelled_by(label.id);
            let why_not = page.reason.trim().is_empty().then_some("Say why first.");
            if submit_button(ui, &field, "Record it", why_not) {
                commands.push(DirectoryCommand::Accept(index).into());
            }
            if ui.small_button("Cancel").clicked() {
                commands.push(DirectoryCommand::StartAccept(None).into());
            }
        } else if row_button(ui, "Record as an exception…", &format!("Record as an exception: {who}")) {
            commands.push(DirectoryCommand::StartAccept(Some(index)).into());
        }
    }
    if finding.kind == FindingKind::OrphanAccount {
        if page.matching == Some(index) {
            let label = ui.label("Whose is it?");
            ui.scope(|ui| {
                ui.set_max_width(200.0);
                pick_input(ui, &label, &format!("match-{index}"), &mut page.match_to, &records.people, None);
            });
            let why_not = page.match_to.is_empty().then_some("Choose who.");
            if action_button(ui, "Match", why_not) {
                commands.push(DirectoryCommand::Match(name.to_owned(), index).into());
            }
            if ui.small_button("Cancel").clicked() {
                commands.push(DirectoryCommand::StartMatch(None).into());
            }
        } else if row_button(ui, "It is someone's…", &format!("Say whose account {who} is")) {
            commands.push(DirectoryCommand::StartMatch(Some(index)).into());
        }
    }
}
