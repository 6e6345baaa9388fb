//! The dashboard, shown after sign-in: counts at the top, three small charts (`charts`), then
//! everything that needs attention, grouped and most urgent first; each row opens the place to
//! act.

mod charts;

use crate::service::counted;
use crate::service::{DueGroup, Urgency};
use crate::ui::commands::{Command, Page, Target};
use crate::ui::records::Records;
use crate::ui::widgets::style::{State, size, space};

/// Width of the "Overdue since 3 Nov" column.
const WHEN_WIDTH: f32 = 150.0;

pub fn ui(ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
    use crate::domain::staff::StaffStatus;
    let count = |status: StaffStatus| records.directory.staff.iter().filter(|p| p.status == status).count();
    // People working here now; those still to start or already gone are said beside.
    let working = count(StaffStatus::Active) + count(StaffStatus::Leaving);
    let mut others = Vec::new();
    if count(StaffStatus::Joining) > 0 {
        others.push(format!("{} joining", count(StaffStatus::Joining)));
    }
    if count(StaffStatus::Left) > 0 {
        others.push(format!("{} left", count(StaffStatus::Left)));
    }
    let staff_label =
        if others.is_empty() { "staff".to_owned() } else { format!("staff ({} not counted)", others.join(", ")) };
    // Counted on a worker thread just after sign-in: "…" for the moment until then.
    let count = |n: usize| if records.derived_ready { n.to_string() } else { "…".to_owned() };
    let (customer, privileged) = (count(records.customer_data_count), count(records.privileged_count));
    ui.horizontal(|ui| {
        for (number, label) in [
            (working.to_string(), staff_label.as_str()),
            (customer, "with customer-data access"),
            (privileged, "with privileged access"),
        ] {
            egui::Frame::group(ui.style()).inner_margin(12.0).show(ui, |ui| {
                ui.vertical(|ui| {
                    ui.label(egui::RichText::new(number.to_string()).size(size::FIGURE).strong());
                    ui.label(label);
                });
            });
        }
    });
    getting_started(ui, records, commands);
    ui.add_space(space::ROW);
    charts::ui(ui, &records.figures);
    ui.add_space(space::ROW);
    due_ui(ui, records, commands);
}

/// The due list, grouped: deadlines first (overdue, then soonest), then what is only to improve.
fn due_ui(ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
    let groups = &records.due_groups;
    let deadlines = groups.iter().filter(|g| g.urgency != Urgency::ToImprove).count();
    if groups.is_empty() {
        ui.label("Nothing needs attention.");
        return;
    }
    let worth_doing = groups.len() - deadlines;
    let heading = match deadlines {
        0 => "Nothing is due".to_owned(),
        1 => "1 thing needs attention".to_owned(),
        n => format!("{n} things need attention"),
    };
    ui.strong(match worth_doing {
        0 => heading,
        n => format!("{heading}; {} worth doing", counted(n, "more", "more")),
    });
    // Few rows once grouped (a 300-person office has about twenty), so no virtual scrolling:
    // a group opens in place.
    egui::ScrollArea::vertical().id_salt("due").auto_shrink([false, true]).show(ui, |ui| {
        for group in groups {
            row_ui(ui, group, records, commands);
        }
    });
}

/// One row: when, in words, then what (a link to where it is dealt with). A group of accounts
/// opens in place: each account, and the system's page.
fn row_ui(ui: &mut egui::Ui, group: &DueGroup, records: &Records, commands: &mut Vec<Command>) {
    let open_id = ui.make_persistent_id(("due-group", group.kind, group.system));
    let mut open = ui.data(|d| d.get_temp::<bool>(open_id)).unwrap_or(false);
    ui.horizontal(|ui| {
        let visuals = ui.visuals();
        let color = match group.urgency {
            Urgency::Overdue => State::Problem.color(ui),
            Urgency::Due => State::Attention.color(ui),
            Urgency::ToImprove => visuals.weak_text_color(),
        };
        // A fixed column for "when", so the titles line up.
        let when = egui::RichText::new(crate::service::when(group, records.today)).color(color);
        ui.add_sized([WHEN_WIDTH, ui.spacing().interact_size.y], egui::Label::new(when).truncate());
        let clicked = ui.link(&group.title).clicked();
        match group.system {
            Some(_) if group.items.len() > 1 => {
                let toggle = if open { "hide the list" } else { "show the list" };
                if clicked || ui.link(toggle).clicked() {
                    open = !open;
                    ui.data_mut(|d| d.insert_temp(open_id, open));
                }
            }
            _ if clicked => commands.push(Command::OpenDue(group.items.first().copied().unwrap_or_default())),
            _ => {}
        }
    });
    let Some(system) = group.system.filter(|_| open && group.items.len() > 1) else { return };
    ui.indent(open_id, |ui| {
        let name = records.directory.system(system).map_or("the system", |s| s.name.as_str());
        if ui.link(format!("Open {name} on the Systems page")).clicked() {
            commands.push(Command::Open(Target::System(system)));
        }
        for &index in &group.items {
            let Some(item) = records.due.get(index) else { continue };
            if ui.link(&item.subject).clicked() {
                commands.push(Command::OpenDue(index));
            }
        }
    });
}

/// For a new office: the three steps that make the rest useful. Gone once all are done.
fn getting_started(ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
    let directory = &records.directory;
    let steps = [
        (
            !directory.systems.is_empty(),
            "Add the systems your office uses (email, files, the alarm code…)",
            Page::Systems,
        ),
        (!directory.roles.is_empty(), "Describe the roles: which access each job needs", Page::Roles),
        (!directory.staff.is_empty(), "Add your first staff member and give them a role", Page::Staff),
    ];
    if steps.iter().all(|(done, _, _)| *done) {
        return;
    }
    ui.add_space(space::BLOCK);
    egui::Frame::group(ui.style()).inner_margin(12.0).show(ui, |ui| {
        ui.strong("Getting started");
        for (done, text, page) in steps {
            ui.horizontal(|ui| {
                if done {
                    ui.label(egui::RichText::new(format!("Done: {text}")).weak());
                } else if ui.link(format!("To do: {text}")).clicked() {
                    commands.push(Command::Navigate(page));
                }
            });
        }
    });
}
