//! One person's page: their details (and editing them), leaving, their authenticator, roles
//! with the change previewed, access and why, direct grants, accounts and history.

use super::PersonFacts;
use super::{StaffAuthenticator, StaffCommand, StaffForms, StaffPage};
use crate::domain::access::{Directory, Source};
use crate::domain::staff::{StaffDraft, StaffId, StaffStatus};
use crate::service::counted;
use crate::ui::commands::Command;
use crate::ui::records::Records;
use crate::ui::totp::qr_ui;
use crate::ui::widgets::style::{State, space, state_label};
use crate::ui::widgets::{
    Answer, action_button, confirm_dialog, date_field, date_input, field_label, indented, pick_list, role_checkboxes,
    submit_button, text_field,
};

pub fn ui(ui: &mut egui::Ui, page: &mut StaffPage, records: &Records, id: StaffId, commands: &mut Vec<Command>) {
    if ui.button("Back to all staff").clicked() {
        commands.push(StaffCommand::Select(None).into());
    }
    let StaffPage { forms, history, authenticator, confirm_leaver, person: facts, .. } = page;
    let (directory, today) = (&records.directory, records.today);
    let Some(person) = directory.person(id) else {
        ui.label("This staff member no longer exists.");
        return;
    };
    if *confirm_leaver {
        leaver_dialog(ui.ctx(), directory, facts, id, &forms.leaver_last_day, commands);
    }
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading(&person.full_name);
        if let Some(draft) = &mut forms.editing {
            edit_ui(ui, draft, id, records, commands);
        } else {
            egui::Grid::new("staff-fields").num_columns(2).spacing([24.0, 4.0]).show(ui, |ui| {
                let manager = person
                    .manager_id
                    .and_then(|m| directory.person(m))
                    .map(|m| format!("{} <{}>", m.full_name, m.email));
                for (label, value) in [
                    ("Email", person.email.clone()),
                    ("Job title", person.job_title.clone()),
                    ("Team", person.team.clone()),
                    ("Manager", manager.unwrap_or_default()),
                    ("Start date", person.start_date.map(|d| d.to_string()).unwrap_or_default()),
                    ("End date", person.end_date.map(|d| d.to_string()).unwrap_or_default()),
                    ("Status", person.status.to_string()),
                    ("Notes", person.notes.clone()),
                ] {
                    ui.label(label);
                    ui.label(value);
                    ui.end_row();
                }
            });

            ui.horizontal(|ui| {
                if ui.button("Edit details").clicked() {
                    commands.push(StaffCommand::Edit(Some(id)).into());
                }
                if person.status == StaffStatus::Left
                    && !person.email.ends_with("@purged.invalid")
                    && ui
                        .button("Purge personal details")
                        .on_hover_text("Replaces name, email, title and notes with a tombstone; the audit trail stays")
                        .clicked()
                {
                    commands.push(StaffCommand::Purge(id).into());
                }
                if person.status != StaffStatus::Left && person.status != StaffStatus::Leaving {
                    let label = ui.label("Last day");
                    date_input(ui, &label, "Last day", &mut forms.leaver_last_day, today);
                    let why_not = forms.leaver_last_day.trim().is_empty().then_some("Choose their last day first.");
                    if action_button(ui, "Start leaving…", why_not) {
                        commands.push(StaffCommand::AskStartLeaver(true).into());
                    }
                }
            });
        }
        // Nothing is given to someone who has left: their page is their record.
        let gone = person.status == StaffStatus::Left;
        if gone {
            ui.add_space(space::BLOCK);
            ui.weak("They have left: roles, access and an authenticator can no longer be given to them.");
        } else {
            ui.add_space(space::BLOCK);
            // Near the top: a caller claiming to be this person is checked here first.
            authenticator_ui(ui, authenticator, id, &person.full_name, commands);
            ui.add_space(space::BLOCK);
            ui.strong("Roles");
            ui.weak("Tick the roles this person should have; the change is shown before it is applied.");
            let current = directory.roles_of(id);
            ui.horizontal_wrapped(|ui| {
                role_checkboxes(ui, &directory.roles, &mut forms.pending_roles);
            });
            let mut pending = forms.pending_roles.clone();
            pending.sort_unstable();
            let mut now = current.to_vec();
            now.sort_unstable();
            if pending != now {
                let diff = facts.diff_for(records, id, &pending);
                let describe = |pairs: &[(i64, i64)]| directory.describe_pairs(pairs);
                if !diff.gained.is_empty() {
                    ui.colored_label(State::Good.color(ui), format!("Gains: {}", describe(&diff.gained)));
                }
                if !diff.lost.is_empty() {
                    ui.colored_label(State::Attention.color(ui), format!("Loses: {}", describe(&diff.lost)));
                }
                if diff.is_empty() {
                    ui.weak("No change in access.");
                } else {
                    ui.weak(
                        "Applying it also starts a checklist of what to set up or take away in the systems themselves.",
                    );
                }
                ui.horizontal(|ui| {
                    if ui.button("Apply role change").clicked() {
                        commands.push(StaffCommand::ApplyRoles(id).into());
                    }
                    if ui.button("Cancel").on_hover_text("Tick their roles as they are").clicked() {
                        commands.push(StaffCommand::Select(Some(id)).into());
                    }
                });
            }
        }
        ui.add_space(space::BLOCK);
        ui.strong("Access, and why");
        egui::Grid::new("staff-access").num_columns(4).striped(true).spacing([16.0, 4.0]).show(ui, |ui| {
            for a in &facts.access {
                let Some((system, level)) = directory.level(a.level_id) else {
                    continue;
                };
                ui.label(&system.name);
                if level.privileged {
                    ui.colored_label(State::Attention.color(ui), format!("{} (privileged)", level.name));
                } else {
                    ui.label(&level.name);
                }
                ui.label(directory.describe_source(a.source));
                if matches!(a.source, Source::Exception { .. }) {
                    if ui.small_button(format!("Revoke {}", system.name)).clicked() {
                        commands.push(StaffCommand::Revoke(id, system.id).into());
                    }
                } else {
                    ui.label("");
                }
                ui.end_row();
            }
        });
        if !gone {
            grant_form_ui(ui, directory, forms, id, today, commands);
        }

        ui.add_space(space::BLOCK);
        accounts_ui(ui, directory, &facts.accounts);

        ui.add_space(space::BLOCK);
        ui.strong("History");
        for record in history.iter() {
            ui.horizontal(|ui| {
                ui.weak(record.at.strftime("%Y-%m-%d %H:%M").to_string());
                // A checklist record's private part is the item's title; other private parts are
                // before/after fields, for the Audit log rather than a person's history.
                let text = if record.action.starts_with("checklist.") {
                    record.full_summary()
                } else {
                    record.summary.clone()
                };
                let summary = crate::ui::pages::audit::in_words(&text, directory, today);
                ui.label(format!("{summary} — {}", record.operator));
            });
        }
    });
}

fn edit_ui(ui: &mut egui::Ui, draft: &mut StaffDraft, id: StaffId, records: &Records, commands: &mut Vec<Command>) {
    text_field(ui, "Full name", &mut draft.full_name);
    text_field(ui, "Work email", &mut draft.email);
    text_field(ui, "Job title", &mut draft.job_title);
    text_field(ui, "Team", &mut draft.team);
    pick_list(ui, "Manager", &mut draft.manager_email, &records.people, Some("No manager"));
    date_field(ui, "Start date", &mut draft.start_date, records.today);
    date_field(ui, "End date", &mut draft.end_date, records.today);
    ui.horizontal(|ui| {
        // Not editable: the status is what the joiner and leaver checklists make it.
        field_label(ui, "Status");
        ui.label(draft.status.as_str());
        ui.weak("(follows the joiner and leaver checklists)");
    });
    ui.horizontal(|ui| {
        let label = field_label(ui, "Notes");
        ui.add(egui::TextEdit::multiline(&mut draft.notes).desired_rows(2).desired_width(300.0)).labelled_by(label.id);
    });
    indented(ui, |ui| {
        if ui.button("Save changes").clicked() {
            commands.push(StaffCommand::Save(id).into());
        }
        if ui.button("Cancel editing").clicked() {
            commands.push(StaffCommand::Edit(None).into());
        }
    });
}

fn grant_form_ui(
    ui: &mut egui::Ui,
    directory: &Directory,
    forms: &mut StaffForms,
    id: StaffId,
    today: jiff::civil::Date,
    commands: &mut Vec<Command>,
) {
    ui.add_space(space::ROW);
    ui.label("Give direct access (an exception, with a reason):");
    ui.horizontal(|ui| {
        let system_name =
            forms.grant_system.and_then(|s| directory.system(s)).map_or("Choose a system", |s| s.name.as_str());
        let label = ui.label("System");
        let before = forms.grant_system;
        egui::ComboBox::from_id_salt("grant-system")
            .selected_text(system_name)
            .show_ui(ui, |ui| {
                for system in &directory.systems {
                    ui.selectable_value(&mut forms.grant_system, Some(system.id), &system.name);
                }
            })
            .response
            .labelled_by(label.id);
        if let Some(system) = forms.grant_system.and_then(|s| directory.system(s)) {
            // A new system starts at its least access; the level is then chosen, never blank.
            if forms.grant_system != before || forms.grant_level.is_empty() {
                forms.grant_level = system.levels.first().map(|l| l.name.clone()).unwrap_or_default();
            }
            let label = ui.label("Level");
            egui::ComboBox::from_id_salt("grant-level")
                .selected_text(forms.grant_level.clone())
                .show_ui(ui, |ui| {
                    for level in &system.levels {
                        ui.selectable_value(&mut forms.grant_level, level.name.clone(), &level.name);
                    }
                })
                .response
                .labelled_by(label.id);
        }
    });
    ui.horizontal(|ui| {
        let label = field_label(ui, "Reason");
        ui.add(
            egui::TextEdit::singleline(&mut forms.grant_reason)
                .hint_text("why this person needs it")
                .desired_width(260.0),
        )
        .labelled_by(label.id);
        let until = ui.label("Last day (optional)");
        date_input(ui, &until, "the grant's last day", &mut forms.grant_until, today);
        let why_not = if forms.grant_system.is_none() || forms.grant_level.is_empty() {
            Some("Choose the system and level first.")
        } else {
            forms.grant_reason.trim().is_empty().then_some("Say why they need it first.")
        };
        if action_button(ui, "Grant", why_not) {
            commands.push(StaffCommand::Grant(id).into());
        }
    });
}

/// Accounts with their MFA state; gaps on systems that support MFA stand out.
fn accounts_ui(ui: &mut egui::Ui, directory: &Directory, accounts: &[crate::domain::access::Account]) {
    let supported = |a: &crate::domain::access::Account| directory.system(a.system_id).is_some_and(|s| s.mfa_supported);
    let gaps = accounts.iter().filter(|a| supported(a) && !a.mfa_enrolled).count();
    let coverable = accounts.iter().filter(|a| supported(a)).count();
    ui.horizontal(|ui| {
        ui.strong("Accounts");
        if gaps > 0 {
            ui.colored_label(
                State::Attention.color(ui),
                format!("MFA missing on {gaps} of {coverable} that support it"),
            );
        } else if coverable > 0 {
            ui.weak(format!("MFA on all {coverable} that support it"));
        }
    });
    egui::Grid::new("staff-accounts").num_columns(3).striped(true).spacing([16.0, 4.0]).show(ui, |ui| {
        for account in accounts {
            ui.label(directory.system(account.system_id).map_or("?", |s| s.name.as_str()));
            ui.label(&account.username);
            match (account.mfa_enrolled, supported(account)) {
                (true, _) => ui.label(match account.mfa_enrolled_on {
                    Some(date) => format!("MFA since {date}"),
                    None => "MFA on".to_owned(),
                }),
                (false, true) => ui.colored_label(State::Attention.color(ui), "No MFA (supported)"),
                (false, false) => ui.weak("MFA not supported"),
            };
            ui.end_row();
        }
    });
}

/// A staff member's authenticator on their page: enrol (large QR), confirm, verify a caller.
fn authenticator_ui(
    ui: &mut egui::Ui,
    view: &mut StaffAuthenticator,
    staff: StaffId,
    name: &str,
    commands: &mut Vec<Command>,
) {
    ui.strong("Authenticator (identity checks)");
    if let Some((_, qr)) = view.enrolment.as_ref().filter(|(id, _)| *id == staff) {
        // A dialog over the page, so the code is large and in view wherever the page was scrolled.
        let code = &mut view.code;
        egui::Modal::new(egui::Id::unique("staff-enrolment")).show(ui.ctx(), |ui| {
            ui.heading(format!("Enrol {name}'s authenticator"));
            ui.label(format!("Ask {name} to scan this with their authenticator app, then type the code it shows."));
            ui.add_space(space::ROW);
            qr_ui(ui, qr, 6.0, &format!("QR code for {name} to scan"));
            ui.add_space(space::ROW);
            let field = text_field(ui, "Their code", code);
            indented(ui, |ui| {
                let why_not = code.trim().is_empty().then_some("Type the code their app shows first.");
                if submit_button(ui, &field, "Confirm enrolment", why_not) {
                    commands.push(StaffCommand::ConfirmAuthenticator(staff).into());
                }
                if ui.button("Close").clicked() {
                    commands.push(StaffCommand::CloseEnrolment.into());
                }
            });
        });
        return;
    }
    let enrolment = view.enrolments.get(&staff);
    match enrolment {
        Some(Some(date)) => {
            ui.label(format!("Enrolled on {date}."));
        }
        Some(None) => {
            state_label(ui, State::Attention, "Enrolment started but never confirmed with a code.");
        }
        None => {
            ui.weak("No authenticator enrolled.");
        }
    }
    indented(ui, |ui| {
        let label = if enrolment.is_some() { "Re-enrol (new phone)" } else { "Enrol authenticator" };
        if ui.button(label).clicked() {
            commands.push(StaffCommand::EnrolAuthenticator(staff).into());
        }
    });
    if matches!(enrolment, Some(Some(_))) {
        ui.label("Someone calling as this person? Ask for the code their app shows now.");
        text_field(ui, "Caller's code", &mut view.code);
        indented(ui, |ui| {
            if action_button(
                ui,
                "Verify identity",
                view.code.trim().is_empty().then_some("Type the caller's code first."),
            ) {
                commands.push(StaffCommand::VerifyIdentity(staff).into());
            }
        });
    }
    if let Some((_, passed, text)) = view.identity.as_ref().filter(|(id, _, _)| *id == staff) {
        let color = if *passed { State::Good.color(ui) } else { State::Problem.color(ui) };
        ui.colored_label(color, text);
    }
}

/// Says what starting the leaver process does before it is done.
fn leaver_dialog(
    ctx: &egui::Context,
    directory: &Directory,
    facts: &PersonFacts,
    id: StaffId,
    last_day: &str,
    commands: &mut Vec<Command>,
) {
    let Some(person) = directory.person(id) else { return };
    let access = counted(facts.access.len(), "piece of access", "pieces of access");
    let accounts = counted(facts.accounts.len(), "account", "accounts");
    let what_happens = [
        format!("{} is marked as leaving, with {} as their last day.", person.full_name, last_day.trim()),
        format!(
            "A leaver checklist lists everything to take away: {access}, {accounts}, their devices, \
             and the shared secrets they knew (to be changed)."
        ),
        "Nothing is removed yet: each item is done when you tick it, and the process ends when all are done."
            .to_owned(),
    ];
    let reports = directory.staff.iter().filter(|p| p.manager_id == Some(id) && p.status != StaffStatus::Left).count();
    let owned = directory.systems.iter().filter(|s| s.owner_id == Some(id)).count();
    let mut what_happens = what_happens.to_vec();
    if reports + owned > 0 {
        let mut handovers = Vec::new();
        if reports > 0 {
            handovers.push(format!("a new manager for {}", counted(reports, "person", "people")));
        }
        if owned > 0 {
            handovers.push(format!("a new owner for {}", counted(owned, "system", "systems")));
        }
        what_happens.insert(2, format!("It also asks you to choose {}.", handovers.join(" and ")));
    }
    let title = format!("Start the leaver process for {}?", person.full_name);
    match confirm_dialog(ctx, &title, &what_happens, "Start the leaver process") {
        Some(Answer::Confirm) => commands.push(StaffCommand::StartLeaver(id).into()),
        Some(Answer::Cancel) => commands.push(StaffCommand::AskStartLeaver(false).into()),
        None => {}
    }
}
