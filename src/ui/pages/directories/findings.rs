//! A directory's drift, as found by the last check: each difference in words, with what to do
//! and the buttons that do it — record it as an exception (with its reason), say whose account
//! it is, or change the directory (shown first as the exact operation, then read back).

use super::draw::Shown;
use super::{DirectoriesPage, DirectoryCommand};
use crate::domain::directory_change::{Change, fix_for, group_name};
use crate::domain::linked_directory::{Finding, FindingKind};
use crate::ui::commands::Command;
use crate::ui::records::Records;
use crate::ui::widgets::style::space;
use crate::ui::widgets::{Answer, action_button, confirm_dialog, pick_input, row_button, submit_button, table};

/// The width of the "What to do" column (its text wraps inside).
const ADVICE_WIDTH: f32 = 360.0;

pub fn ui(ui: &mut egui::Ui, page: &mut DirectoriesPage, shown: &Shown<'_>, commands: &mut Vec<Command>) {
    let Shown { records, directory, map } = *shown;
    let name = directory.name.clone();
    ui.strong("Differences from the record");
    ui.horizontal(|ui| {
        let why_not = (map.accounts.is_none() && map.groups.is_empty())
            .then_some("Say first which system its accounts are on, or what a group gives.");
        if action_button(ui, "Check now", why_not) {
            commands.push(DirectoryCommand::Check(name.clone()).into());
        }
    });
    let Some(report) = page.reports.get(&name) else {
        ui.weak("Not checked in this session: Check now reads the directory (it changes nothing there).");
        return;
    };
    if report.findings.is_empty() {
        ui.label(format!("No differences: the {} accounts read agree with the record.", report.accounts));
        return;
    }
    ui.add_space(space::TIGHT);
    let findings = report.findings.clone();
    table(ui, "directory-findings", &["What", "Account", "Access", "What to do"], |ui| {
        for (index, finding) in findings.iter().enumerate() {
            ui.label(kind_in_words(finding.kind));
            ui.label(who(finding));
            ui.label(access(finding));
            // The advice, and under it the buttons that follow it: the row stays narrow enough
            // for the window, and what opens after a click opens below it.
            ui.vertical(|ui| {
                ui.set_width(ADVICE_WIDTH);
                ui.add(egui::Label::new(&finding.advice).wrap());
                ui.horizontal_wrapped(|ui| actions_ui(ui, page, records, &name, index, finding, commands));
            });
            ui.end_row();
        }
    });
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

fn kind_in_words(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::OrphanAccount => "An account no one on record has",
        FindingKind::LeaverEnabled => "Someone who left still has it",
        FindingKind::UnrecordedAccess => "Access nothing on record explains",
        FindingKind::MissingAccess => "On record, not in the directory",
        FindingKind::MissingAccount => "No account in the directory",
    }
}

/// The account and whose it is: "user0 (Ann User <ann@…>)", "user3 (no one on record)".
fn who(finding: &Finding) -> String {
    let person = finding.person.as_deref().unwrap_or("no one on record");
    match &finding.account {
        Some(account) => format!("{account} ({person})"),
        None => format!("none ({person})"),
    }
}

fn access(finding: &Finding) -> String {
    match (&finding.system, &finding.level, &finding.group) {
        (Some(system), Some(level), Some(group)) => format!("{system} ({level}) through {}", group_name(group)),
        (Some(system), Some(level), None) => format!("{system} ({level})"),
        (Some(system), None, _) => format!("an account on {system}"),
        _ => "the account".to_owned(),
    }
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
    records: &Records,
    name: &str,
    index: usize,
    finding: &Finding,
    commands: &mut Vec<Command>,
) {
    let who = finding.account.as_deref().or(finding.person.as_deref()).unwrap_or("this");
    if let Some(change) = fix_for(finding) {
        let words = fix_words(&change);
        if row_button(ui, words, &format!("{words} {who}")) {
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
