//! The Policies & evidence screen as an office manager uses it: add a policy from the form,
//! record that someone read it (chosen from lists, a calendar for the date), add a course and
//! record a completion, then write last quarter's evidence pack in one click and verify it.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use common::{TestVault, add_person};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use gui_support::*;

#[test]
fn a_policy_is_added_and_acknowledged_a_course_recorded_and_the_evidence_pack_written_and_verified() {
    let (vault, mut office) = TestVault::open_new();
    add_person(&mut office, "Sam Carter", "sam@example.com", "Sales");
    drop(office);
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Policies & evidence").click();
    harness.run();
    harness.get_by_label_contains("No policy on record");
    harness.get_by_label("Give the policy's name and version.");
    type_into(&mut harness, "Policy", "Data protection");
    type_into(&mut harness, "Version", "2026.1");
    press(&mut harness, "Add the policy");
    assert_eq!(
        harness.state().notice_text(),
        Some("Data protection version 2026.1 added: everyone it applies to is asked to acknowledge it.")
    );
    harness.get_by_label("0 of 1");
    choose(&mut harness, "Which policy", "Data protection");
    choose(&mut harness, "Who read it", "Sam Carter <sam@example.com>");
    press(&mut harness, "Record the acknowledgement");
    harness.get_by_label("1 of 1");
    type_into(&mut harness, "Policy", "Data protection");
    type_into(&mut harness, "Version", "2026.2");
    harness.get_by_label("A new version asks everyone it applies to to acknowledge it again.");
    press(&mut harness, "Add the new version");
    assert_eq!(
        harness.state().notice_text(),
        Some("Data protection version 2026.2 added: everyone it applies to is asked to acknowledge it again.")
    );
    harness.get_by_label("0 of 1");
    // The dashboard's row leads back here.
    harness.get_by_role_and_label(Role::Button, "Dashboard").click();
    harness.run();
    harness.get_by_label_contains("Data protection (version 2026.2): 1 person has not acknowledged yet").click();
    harness.run();
    harness.get_by_label("Who has not read Data protection");

    type_into(&mut harness, "Course name", "Phishing awareness");
    choose(&mut harness, "Renewed", "Every 6 months");
    press(&mut harness, "Add the course");
    harness.get_by_label("due today");
    choose(&mut harness, "Which course", "Phishing awareness");
    choose(&mut harness, "Who completed it", "Sam Carter <sam@example.com>");
    type_into(&mut harness, "Completed on", "23/11/2026");
    press(&mut harness, "Record the completion");
    harness.get_by_label("Everyone's training is up to date for the next fortnight.");

    // Last quarter is filled in; only the folder is asked for.
    let pack = vault.dir.path().join("evidence-q3");
    type_into(&mut harness, "New folder", pack.to_str().unwrap());
    press(&mut harness, "Write the evidence pack");
    let said = harness.state().notice_text().unwrap_or_default().to_owned();
    assert!(
        said.starts_with("The evidence pack is written: ") && said.ends_with("Open index.html in a browser."),
        "{said}"
    );
    assert!(pack.join("index.html").is_file() && pack.join("manifest.json").is_file());
    press(&mut harness, "Verify");
    harness.get_by_label("Every file is as written.");
    std::fs::write(pack.join("registers/policies.csv"), "edited").unwrap();
    press(&mut harness, "Verify");
    harness.get_by_label("registers/policies.csv: changed since the pack was written");
}
