//! The Incidents screen as an office manager uses it, with a frozen clock: record a lost
//! laptop from lists and a calendar, link the laptop (its holder's containment starts), assess
//! the risk, record the report to the ICO, and see the clock on the register and the dashboard.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use common::{TestVault, add_person};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable};
use gui_support::*;

fn office_with_sams_laptop() -> TestVault {
    let (vault, mut office) = TestVault::open_new();
    add_person(&mut office, "Sam Jones", "sam@example.com", "Finance");
    office.add_device("Laptop", "PF-3K2L9", "ThinkPad T14", Some("sam@example.com")).unwrap();
    drop(office);
    vault
}

#[test]
fn a_lost_laptop_is_recorded_contained_assessed_and_reported_from_the_screen() {
    let vault = office_with_sams_laptop();
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Incidents").click();
    harness.run();
    harness.get_by_label("No incident is on record.");
    harness.get_by_label("Give it a short title, e.g. \"Laptop lost on a train\".");
    type_into(&mut harness, "Title", "Laptop left on a train");
    harness.get_by_label("Choose what kind of breach it is.");
    choose(&mut harness, "Kind of breach", "Confidentiality: disclosed or accessed without authority");
    // "Became aware" starts at now (09:00 on the frozen clock): nothing to type.
    press(&mut harness, "Record the incident");
    assert_eq!(
        harness.state().notice_text(),
        Some("Incident 1 recorded: the 72 hours run from when the office became aware.")
    );
    harness.get_by_label("Incident 1: Laptop left on a train");
    harness.get_by_label_contains("72 h left");

    // Folded, as one does to reach what is below on a small screen.
    harness.get_by_label("The facts").click();
    harness.run();
    harness.get_by_label("Decisions").click();
    harness.run();
    choose(&mut harness, "Link to", "A device");
    choose(&mut harness, "Which", "Laptop ThinkPad T14 (PF-3K2L9)");
    press(&mut harness, "Link");
    assert_eq!(
        harness.state().notice_text(),
        Some("Linked: a containment checklist of 1 item(s) for Sam Jones was started.")
    );
    harness.get_by_label("Containment for Sam Jones: 1 open item(s)");
    harness.get_by_label("Assess the risk before closing.");
    harness.get_by_label("Linked to, and containment").click();
    harness.run();
    harness.get_by_label("Decisions").click();
    harness.run();
    choose(&mut harness, "Risk", "A risk to people's rights and freedoms");
    harness.get_by_label("Write down the reasoning: an auditor will ask for it.");
    type_into(&mut harness, "Reasoning", "customer addresses on an unencrypted disk");
    press(&mut harness, "Record the assessment");
    // No decision is chosen in advance: the office manager picks one.
    assert!(harness.query_by_label("ICO reference").is_none());
    harness.get_by_label("Reported to the ICO").click();
    harness.run();
    type_into(&mut harness, "ICO reference", "IC-001234-A1B2");
    press(&mut harness, "Record the report");
    assert_eq!(harness.state().notice_text(), Some("The report to the ICO is recorded: the clock has stopped."));
    harness.get_by_label("Reported, reference IC-001234-A1B2.");
    harness.get_by_label("1 containment item(s) are still open: do or skip them first.");

    // Containment: its checklist, like a leaver's; then back, and close.
    harness.get_by_label("Decisions").click();
    harness.run();
    harness.get_by_label("Linked to, and containment").click();
    harness.run();
    harness.get_by_role_and_label(Role::Link, "Containment for Sam Jones: 1 open item(s)").click();
    harness.run();
    let wipe = "Lock or wipe Laptop ThinkPad T14 (PF-3K2L9) remotely; report it to the police if stolen";
    harness.get_by_role_and_label(Role::CheckBox, wipe).click();
    settle(&mut harness);
    harness.get_by_role_and_label(Role::Button, "Incidents").click();
    harness.run();
    press(&mut harness, "Open incident 1");
    press(&mut harness, "Close the incident…");
    harness.get_by_label("Close incident 1?");
    press(&mut harness, "Close it");
    assert_eq!(harness.state().notice_text(), Some("Incident 1 is closed."));
    press(&mut harness, "Back to the register");
    harness.get_by_label("stopped");
}

#[test]
fn the_dashboard_counts_down_an_open_incident_and_opens_it() {
    let (vault, mut office) = TestVault::open_new();
    let aware = (office.now() - jiff::SignedDuration::from_hours(50)).to_string();
    let new = keyholder::service::NewIncident {
        title: "Spreadsheet emailed to the wrong client",
        kind: "confidentiality",
        aware: &aware,
        happened: None,
        details: Default::default(),
    };
    office.add_incident(&new).unwrap();
    drop(office);
    let notifier = std::sync::Arc::new(keyholder::ui::notify::FakeNotifier::default());
    let mut harness =
        app_with(keyholder::ui::AppDeps { notifier: notifier.clone(), ..deps(&vault.path, vault.clock.clone()) });
    harness.run();
    sign_in(&mut harness, common::PASSWORD);
    let sent = notifier.sent.lock().unwrap().clone();
    assert!(
        sent.contains(&(
            "Keyholder: 1 incident to report to the ICO".into(),
            "The first 72-hour deadline: 22 h left.".into()
        )),
        "a notification with the hours left and no title: {sent:?}"
    );
    let row =
        harness.get_by_label_contains("Incident 1: Spreadsheet emailed to the wrong client: report to the ICO by");
    let said = format!("{:?}", row.accesskit_node());
    assert!(said.contains("22 h left"), "{said}");
    // The dashboard counts down without any click.
    vault.clock.advance(jiff::SignedDuration::from_mins(2));
    harness.run();
    let row =
        harness.get_by_label_contains("Incident 1: Spreadsheet emailed to the wrong client: report to the ICO by");
    let said = format!("{:?}", row.accesskit_node());
    assert!(said.contains("21 h 58 min left"), "{said}");
    row.click();
    harness.run();
    harness.get_by_label("Incident 1: Spreadsheet emailed to the wrong client");
    harness.get_by_label("Not assessed yet.");
}
