//! Drawing the Incidents page: the register with its clocks, the form that records an
//! incident, and one incident's page (facts, decisions, links and containment, timeline, the
//! report and the letter, closing). Every choice comes from a list or a calendar.

use super::{IncidentCommand, IncidentsPage};
use crate::domain::incident::{BreachKind, IcoDecision, Risk, TellException, UpdateKind};
use crate::service::IncidentView;
use crate::ui::commands::{Command, Target};
use crate::ui::file_dialog::{FileTarget, path_row};
use crate::ui::records::Records;
use crate::ui::widgets::style::{State, space, state_label};
use crate::ui::widgets::{
    Answer, CHOOSE_FILE, action_button, confirm_dialog, date_field, field_label, indented, moment_field, pick_list,
    table, text_area, text_field,
};

fn choices<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    words: impl Fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| (code(*v), words(*v))).collect()
}

pub fn ui(ui: &mut egui::Ui, page: &mut IncidentsPage, records: &Records, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical().id_salt("incidents").auto_shrink([false, false]).show(ui, |ui| {
        match page.view.take() {
            Some(view) => {
                incident_ui(ui, page, &view, records, commands);
                page.view = Some(view);
            }
            None => {
                register_ui(ui, page, records, commands);
                ui.add_space(space::BLOCK);
                new_ui(ui, page, records, commands);
            }
        }
    });
}

fn register_ui(ui: &mut egui::Ui, page: &mut IncidentsPage, records: &Records, commands: &mut Vec<Command>) {
    ui.label(
        "Every incident and personal-data breach, reported or not, with its reasons. A breach must be reported to \
         the ICO within 72 hours of becoming aware, unless it is unlikely to put anyone at risk.",
    );
    ui.add_space(space::ROW);
    if page.rows.is_empty() {
        ui.weak("No incident is on record.");
    } else {
        // One line per incident: the clock is never wrapped into a column of words.
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        table(ui, "incident-register", &["Incident", "Status", "Became aware", "72 hours end", "Clock", ""], |ui| {
            for row in &page.rows {
                ui.label(format!("{}. {}", row.id, row.title));
                ui.label(row.status);
                ui.label(&row.aware);
                ui.label(&row.deadline);
                clock_label(ui, row);
                if ui.button(format!("Open incident {}", row.id)).clicked() {
                    commands.push(IncidentCommand::Select(Some(row.id)).into());
                }
                ui.end_row();
            }
        });
    }
    ui.add_space(space::ROW);
    egui::CollapsingHeader::new("Write the register as CSV").show(ui, |ui| {
        date_field(ui, "Became aware from", &mut page.register_from, records.today);
        date_field(ui, "to", &mut page.register_to, records.today);
        path_row(ui, "Save as", &mut page.register_path, FileTarget::IncidentRegister, commands);
        indented(ui, |ui| {
            let dates = [&page.register_from, &page.register_to];
            let why_not = if dates.iter().any(|d| crate::domain::staff::parse_date(d).is_err()) {
                Some("Choose both dates.")
            } else if page.register_path.trim().is_empty() {
                Some(CHOOSE_FILE)
            } else {
                None
            };
            if action_button(ui, "Write the register", why_not) {
                commands.push(IncidentCommand::WriteRegister.into());
            }
        });
    });
}

/// The time left to report: red in the last 24 hours and after, orange before; "stopped"
/// once reported or decided.
fn clock_label(ui: &mut egui::Ui, row: &crate::service::IncidentRow) {
    match row.hours_left {
        Some(hours) if hours < 24 => state_label(ui, State::Problem, &row.clock),
        Some(_) => state_label(ui, State::Attention, &row.clock),
        None => ui.weak("stopped"),
    };
}

fn new_ui(ui: &mut egui::Ui, page: &mut IncidentsPage, records: &Records, commands: &mut Vec<Command>) {
    ui.strong("Record an incident");
    let form = &mut page.new;
    text_field(ui, "Title", &mut form.title).on_hover_text("A few words, e.g. Laptop left on a train");
    let kinds = choices(BreachKind::ALL, BreachKind::as_str, BreachKind::describe);
    pick_list(ui, "Kind of breach", &mut form.kind, &kinds, Some("Choose the kind"));
    moment_field(ui, "Became aware", &mut form.aware, records.today);
    indented(ui, |ui| ui.weak("The 72 hours start here."));
    indented(ui, |ui| ui.checkbox(&mut form.happened_known, "We know when it happened"));
    if form.happened_known {
        moment_field(ui, "It happened", &mut form.happened, records.today);
    }
    indented(ui, |ui| {
        if action_button(ui, "Record the incident", form.why_not()) {
            commands.push(IncidentCommand::Add.into());
        }
    });
}

fn incident_ui(
    ui: &mut egui::Ui,
    page: &mut IncidentsPage,
    view: &IncidentView,
    records: &Records,
    commands: &mut Vec<Command>,
) {
    let incident = &view.incident;
    if ui.button("Back to the register").clicked() {
        commands.push(IncidentCommand::Select(None).into());
    }
    ui.heading(format!("Incident {}: {}", incident.id, incident.title));
    if let Some(row) = page.rows.iter().find(|r| r.id == incident.id) {
        ui.horizontal(|ui| {
            ui.label(format!("{} · became aware {} · 72 hours end {}", row.status, row.aware, row.deadline));
            clock_label(ui, row);
        });
        ui.weak(incident.kind.describe());
    }
    ui.add_space(space::ROW);
    egui::CollapsingHeader::new("The facts")
        .default_open(incident.details == crate::domain::incident::Details::default())
        .show(ui, |ui| details_ui(ui, page, commands));
    egui::CollapsingHeader::new("Decisions")
        .default_open(true)
        .show(ui, |ui| decisions_ui(ui, page, view, records, commands));
    egui::CollapsingHeader::new("Linked to, and containment")
        .default_open(true)
        .show(ui, |ui| links_ui(ui, page, view, records, commands));
    egui::CollapsingHeader::new("Timeline").default_open(true).show(ui, |ui| timeline_ui(ui, page, view, commands));
    egui::CollapsingHeader::new("Report for the ICO, and the letter to the people affected")
        .show(ui, |ui| outputs_ui(ui, page, commands));
    ui.add_space(space::ROW);
    if incident.closed_at.is_none() && action_button(ui, "Close the incident…", page.close_refused.as_deref()) {
        commands.push(IncidentCommand::AskClose(true).into());
    }
    if page.confirm_close {
        let what_happens = [
            "Its facts, decisions, links and timeline are kept as they are now: a closed incident cannot be \
             changed or reopened."
                .to_owned(),
            "It stays in the register and in every evidence pack of its period.".to_owned(),
        ];
        match confirm_dialog(ui.ctx(), &format!("Close incident {}?", incident.id), &what_happens, "Close it") {
            Some(Answer::Confirm) => commands.push(IncidentCommand::Close.into()),
            Some(Answer::Cancel) => commands.push(IncidentCommand::AskClose(false).into()),
            None => {}
        }
    }
}

fn details_ui(ui: &mut egui::Ui, page: &mut IncidentsPage, commands: &mut Vec<Command>) {
    let form = &mut page.details;
    text_area(ui, "What happened", &mut form.what_happened);
    text_area(ui, "How it happened", &mut form.cause);
    text_area(ui, "How we found out", &mut form.how_found);
    text_field(ui, "People affected", &mut form.people_categories).on_hover_text("Their categories: customers, staff…");
    text_field(ui, "How many people", &mut form.people_count).on_hover_text("Roughly");
    text_field(ui, "Personal data", &mut form.data_categories)
        .on_hover_text("Its categories: contact details, bank details, health…");
    text_field(ui, "How many records", &mut form.records_count).on_hover_text("Roughly");
    text_area(ui, "Likely consequences", &mut form.consequences);
    text_area(ui, "Measures taken or planned", &mut form.measures);
    indented(ui, |ui| {
        if action_button(ui, "Save the facts", form.why_not().as_deref()) {
            commands.push(IncidentCommand::SaveDetails.into());
        }
    });
}

fn decisions_ui(
    ui: &mut egui::Ui,
    page: &mut IncidentsPage,
    view: &IncidentView,
    records: &Records,
    commands: &mut Vec<Command>,
) {
    let incident = &view.incident;
    let open = incident.closed_at.is_none();
    let form = &mut page.decisions;
    let said = |ui: &mut egui::Ui, text: String| {
        indented(ui, |ui| ui.vertical(|ui| ui.add(egui::Label::new(text).wrap())).inner)
    };
    ui.strong("The risk to people");
    match &incident.risk {
        Some((risk, reason)) => said(ui, format!("{}. Reasoning: {reason}", risk.describe())),
        None => said(ui, "Not assessed yet.".to_owned()),
    };
    if open {
        let risks = choices(Risk::ALL, Risk::as_str, Risk::describe);
        pick_list(ui, "Risk", &mut form.risk, &risks, Some("Choose the risk"));
        text_area(ui, "Reasoning", &mut form.risk_reason);
        indented(ui, |ui| {
            let why_not = if form.risk.is_empty() {
                Some("Choose the risk.")
            } else if form.risk_reason.trim().is_empty() {
                Some("Write down the reasoning: an auditor will ask for it.")
            } else {
                None
            };
            if action_button(ui, "Record the assessment", why_not) {
                commands.push(IncidentCommand::Assess.into());
            }
        });
    }
    ui.add_space(space::ROW);
    ui.strong("Reporting to the ICO");
    match &incident.ico {
        Some(IcoDecision::Reported { reference, .. }) => said(ui, format!("Reported, reference {reference}.")),
        Some(IcoDecision::NotReportable { reason }) => said(ui, format!("Not reportable. Reason: {reason}")),
        None => said(ui, "Not decided yet: report it, or decide it is not reportable.".to_owned()),
    };
    if open && incident.ico.is_none() {
        indented(ui, |ui| {
            ui.radio_value(&mut form.ico, "reported".to_owned(), "Reported to the ICO");
            ui.radio_value(&mut form.ico, "not".to_owned(), "Not reportable");
        });
        if form.ico == "not" {
            text_area(ui, "Why not", &mut form.not_reportable_reason);
            indented(ui, |ui| {
                let a_risk = matches!(incident.risk, Some((Risk::Risk | Risk::High, _)));
                let why_not = if a_risk {
                    Some("Assessed as a risk to people: it must be reported to the ICO.")
                } else {
                    form.not_reportable_reason.trim().is_empty().then_some("Give the reason: it is kept.")
                };
                if action_button(ui, "Record: not reportable", why_not) {
                    commands.push(IncidentCommand::NotReportable.into());
                }
            });
        } else if form.ico == "reported" {
            text_field(ui, "ICO reference", &mut form.reference);
            moment_field(ui, "Reported", &mut form.reported_at, records.today);
            text_area(ui, "Reason for any delay", &mut form.delay_reason)
                .on_hover_text("Required when reported more than 72 hours after becoming aware");
            indented(ui, |ui| {
                let why_not = form.reference.trim().is_empty().then_some("Give the ICO's reference.");
                if action_button(ui, "Record the report", why_not) {
                    commands.push(IncidentCommand::Report.into());
                }
            });
        }
    }
    ui.add_space(space::ROW);
    ui.strong("Telling the people affected");
    match &incident.tell {
        Some(crate::domain::incident::TellDecision::Told { public, .. }) => {
            said(ui, if *public { "Told by a public notice." } else { "Told, each of them." }.to_owned())
        }
        Some(crate::domain::incident::TellDecision::NotTold { reason, .. }) => {
            said(ui, format!("Not told. Reason: {reason}"))
        }
        None => said(ui, "Not decided yet: tell them, or say why not.".to_owned()),
    };
    if open && incident.tell.is_none() {
        indented(ui, |ui| {
            ui.radio_value(&mut form.tell_how, "people".to_owned(), "Told each of them");
            ui.radio_value(&mut form.tell_how, "public".to_owned(), "Told by a public notice");
            ui.radio_value(&mut form.tell_how, "not".to_owned(), "Not told");
        });
        if form.tell_how == "not" {
            let exceptions = choices(TellException::ALL, TellException::as_str, TellException::describe);
            pick_list(ui, "Exception", &mut form.exception, &exceptions, Some("None (not a high risk)"));
            text_area(ui, "Why not", &mut form.not_told_reason);
            indented(ui, |ui| {
                let why_not = form.not_told_reason.trim().is_empty().then_some("Give the reason: it is kept.");
                if action_button(ui, "Record: not told", why_not) {
                    commands.push(IncidentCommand::NotTell.into());
                }
            });
        } else if !form.tell_how.is_empty() {
            moment_field(ui, "Told", &mut form.told_at, records.today);
            indented(ui, |ui| {
                let why_not = form.told_at.to_text().is_none().then_some("Choose the date they were told.");
                if action_button(ui, "Record: people told", why_not) {
                    commands.push(IncidentCommand::Tell.into());
                }
            });
        }
    }
}

fn links_ui(
    ui: &mut egui::Ui,
    page: &mut IncidentsPage,
    view: &IncidentView,
    records: &Records,
    commands: &mut Vec<Command>,
) {
    if view.links.is_empty() {
        ui.weak("Not linked to anything on record yet.");
    }
    for link in &view.links {
        indented(ui, |ui| ui.label(format!("{}: {}", link.link.describe(), link.name)));
    }
    for list in &view.containment {
        indented(ui, |ui| {
            let name = records.directory.person(list.staff_id).map_or("?", |p| p.full_name.as_str());
            ui.add(egui::ProgressBar::new(list.progress()).desired_width(160.0).show_percentage());
            if ui.link(format!("Containment for {name}: {} open item(s)", list.open_items().count())).clicked() {
                commands.push(Command::Open(Target::Checklist(list.id)));
            }
        });
    }
    if view.incident.closed_at.is_some() {
        return;
    }
    ui.add_space(space::TIGHT);
    let kinds = [("staff", "A person"), ("device", "A device"), ("secret", "A shared secret"), ("system", "A system")];
    if pick_list(ui, "Link to", &mut page.link_kind, &kinds, Some("Choose what")) {
        page.link_to.clear();
    }
    let things: Vec<(String, String)> = match page.link_kind.as_str() {
        "staff" => records.people.clone(),
        "system" => records.systems.clone(),
        "secret" => records.secrets.iter().map(|s| (s.secret.name.clone(), s.secret.name.clone())).collect(),
        "device" => records
            .devices
            .iter()
            .map(|d| (d.serial.clone(), format!("{} {} ({})", d.kind, d.model, d.serial)))
            .collect(),
        _ => Vec::new(),
    };
    pick_list(ui, "Which", &mut page.link_to, &things, Some("Choose"));
    indented(ui, |ui| {
        ui.weak("A person or a device starts their containment checklist; a shared secret becomes due for rotation.");
    });
    indented(ui, |ui| {
        let why_not =
            if page.link_kind.is_empty() || page.link_to.is_empty() { Some("Choose what to link.") } else { None };
        if action_button(ui, "Link", why_not) {
            commands.push(IncidentCommand::Link.into());
        }
    });
}

fn timeline_ui(ui: &mut egui::Ui, page: &mut IncidentsPage, view: &IncidentView, commands: &mut Vec<Command>) {
    let zone = page.zone.clone().unwrap_or(jiff::tz::TimeZone::UTC);
    table(ui, "incident-timeline", &["When", "By", "Kind", "What"], |ui| {
        for update in &view.updates {
            ui.label(zone.to_datetime(update.at).strftime("%-d %b %H:%M").to_string());
            ui.label(&update.by);
            ui.label(update.kind.describe());
            ui.vertical(|ui| {
                ui.set_max_width(520.0);
                ui.add(egui::Label::new(&update.text).wrap());
                if let Some(name) = &update.attachment
                    && ui.button(format!("Save a copy of {name}…")).clicked()
                {
                    commands.push(IncidentCommand::StartSaveAttachment(Some(update.id)).into());
                }
            });
            ui.end_row();
        }
    });
    if page.saving.is_some() {
        path_row(ui, "Save the copy as", &mut page.save_path, FileTarget::AttachmentCopy, commands);
        indented(ui, |ui| {
            let why_not = page.save_path.trim().is_empty().then_some(CHOOSE_FILE);
            if action_button(ui, "Save the copy", why_not) {
                commands.push(IncidentCommand::SaveAttachment.into());
            }
            if ui.button("Not now").clicked() {
                commands.push(IncidentCommand::StartSaveAttachment(None).into());
            }
        });
    }
    if view.incident.closed_at.is_some() {
        return;
    }
    ui.add_space(space::TIGHT);
    let kinds = choices(UpdateKind::ALL, UpdateKind::as_str, UpdateKind::describe);
    pick_list(ui, "Add a", &mut page.update_kind, &kinds, None);
    text_area(ui, "What", &mut page.update_text);
    path_row(ui, "Attach a file", &mut page.attach_path, FileTarget::IncidentAttachment, commands);
    indented(ui, |ui| {
        let why_not = page.update_text.trim().is_empty().then_some("Say what happened, was decided or was done.");
        if action_button(ui, "Add to the timeline", why_not) {
            commands.push(IncidentCommand::AddUpdate.into());
        }
    });
}

fn outputs_ui(ui: &mut egui::Ui, page: &mut IncidentsPage, commands: &mut Vec<Command>) {
    path_row(ui, "Report (PDF)", &mut page.report_path, FileTarget::IncidentReport, commands);
    indented(ui, |ui| {
        let why_not = page.report_path.trim().is_empty().then_some(CHOOSE_FILE);
        if action_button(ui, "Write the report for the ICO", why_not) {
            commands.push(IncidentCommand::WriteReport.into());
        }
    });
    ui.add_space(space::ROW);
    text_field(ui, "Contact for questions", &mut page.letter_contact)
        .on_hover_text("Who the people affected can ask: a name, email or phone number");
    indented(ui, |ui| {
        let label =
            if page.letter.is_empty() { "Draft the letter" } else { "Draft it again (replaces the text below)" };
        let why_not = page.letter_contact.trim().is_empty().then_some("Say who the people affected can contact.");
        if action_button(ui, label, why_not) {
            commands.push(IncidentCommand::DraftLetter.into());
        }
    });
    if !page.letter.is_empty() {
        ui.horizontal_top(|ui| {
            let label = field_label(ui, "Letter");
            ui.add(egui::TextEdit::multiline(&mut page.letter).desired_width(480.0).desired_rows(12))
                .labelled_by(label.id);
        });
        path_row(ui, "Letter (PDF)", &mut page.letter_path, FileTarget::IncidentLetter, commands);
        indented(ui, |ui| {
            let why_not = page.letter_path.trim().is_empty().then_some(CHOOSE_FILE);
            if action_button(ui, "Write the letter", why_not) {
                commands.push(IncidentCommand::WriteLetter.into());
            }
        });
    }
}
