//! A window that never freezes and never works for nothing: idle means no frame until input or
//! until something on screen must change (auto-lock, a countdown, a copied secret's clearing);
//! slow work runs on a worker thread while frames go on, and can be cancelled where safe.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gui_support::*;
use keyholder::ui::KeyholderApp;
use std::time::Duration;

#[test]
fn an_idle_dashboard_sleeps_until_auto_lock_and_a_countdown_wakes_it_each_second() {
    let vault = office_with_due_secret();
    let harness = signed_in(&vault);
    harness.get_by_label("1 thing needs attention");
    let idle = harness.state().next_repaint_in().expect("auto-lock is scheduled");
    assert!(idle > Duration::from_secs(4 * 60), "{idle:?}: nothing to redraw before auto-lock (5 min)");
    assert!(idle <= Duration::from_secs(5 * 60));

    drop(harness);
    let (mut harness, _clipboard) = wifi_secret_page(&vault);
    harness.get_by_role_and_label(Role::Button, "Reveal for 30 s").click();
    harness.run();
    let wake = harness.state().next_repaint_in().unwrap();
    assert!(wake <= Duration::from_secs(1), "{wake:?}: the countdown's seconds must move");
    vault.clock.advance(jiff::SignedDuration::from_secs(31));
    harness.run();
    assert!(harness.state().next_repaint_in().unwrap() > Duration::from_secs(60), "hidden again: back to sleep");

    press(&mut harness, "Copy");
    let wake = harness.state().next_repaint_in().unwrap();
    assert!(
        wake <= Duration::from_secs(20) && wake > Duration::from_secs(10),
        "{wake:?}: until the clipboard is cleared"
    );
}

/// Signed in to `vault` with jobs held at `gate` until the test releases them.
fn signed_in_with_gate(vault: &common::TestVault, gate: &keyholder::ui::JobGate) -> Harness<'static, KeyholderApp> {
    gate.release();
    let mut harness =
        app_with(keyholder::ui::AppDeps { job_gate: gate.clone(), ..deps(&vault.path, vault.clock.clone()) });
    harness.run();
    sign_in(&mut harness, common::PASSWORD);
    harness
}

/// Whether the button labelled `label` is there and greyed out.
fn button_disabled(harness: &Harness<'static, KeyholderApp>, label: &str) -> bool {
    harness.get_by_role_and_label(Role::Button, label);
    harness
        .query_by(|node| node.role() == Role::Button && node.label().as_deref() == Some(label) && node.is_disabled())
        .is_some()
}

#[test]
fn a_job_that_does_not_finish_leaves_the_window_drawing_and_the_side_bar_working() {
    let (vault, office) = sales_office("Sam Carter", "sam@example.com", "Sales");
    drop(office);
    let gate = keyholder::ui::JobGate::held();
    let mut harness = signed_in_with_gate(&vault, &gate);
    harness.get_by_role_and_label(Role::Button, "Overview").click();
    harness.run();
    gate.close();
    harness.get_by_role_and_label(Role::Button, "Verify the vault").click();
    // The job is held on its thread: every frame below is drawn while it "runs".
    for _ in 0..20 {
        harness.step();
    }
    assert!(harness.state().is_busy());
    harness.get_by_label("Verifying the vault");
    harness.get_by_label_contains("Only to look at until “Verifying the vault” has finished");
    assert!(button_disabled(&harness, "Lock"), "the key stays with the job until it ends");
    assert!(
        harness.query_by_role_and_label(Role::Button, "Cancel").is_none(),
        "a verification cannot be stopped half-way"
    );
    // The side bar still works; the page shows what it had, and asks for nothing new.
    harness.get_by_role_and_label(Role::Button, "Staff").click();
    for _ in 0..5 {
        harness.step();
    }
    harness.get_by_label("Sam Carter");
    assert!(button_disabled(&harness, "Add staff member"));

    gate.release();
    settle(&mut harness);
    assert!(!harness.state().is_busy());
    assert_eq!(harness.state().notice_text(), Some("The vault verified: every page and the audit chain are intact."));
    assert!(!button_disabled(&harness, "Add staff member"));
}

#[test]
fn a_cancelled_import_adds_no_one_and_says_so() {
    let (vault, office) = sales_office("Sam Carter", "sam@example.com", "Sales");
    drop(office);
    let csv = vault.dir.path().join("new-staff.csv");
    let mut rows = String::from("full_name,email,team\n");
    for n in 0..250 {
        rows.push_str(&format!("Imported Person {n},imported{n}@example.com,Sales\n"));
    }
    std::fs::write(&csv, rows).unwrap();
    let gate = keyholder::ui::JobGate::held();
    let mut harness = signed_in_with_gate(&vault, &gate);
    harness.get_by_role_and_label(Role::Button, "Staff").click();
    harness.run();
    type_into(&mut harness, "CSV file", &csv.display().to_string());
    press(&mut harness, "Check import");
    assert_eq!(harness.state().notice_text(), None);
    harness.get_by_label_contains("Import check: 250 rows valid");

    gate.close();
    harness.get_by_role_and_label(Role::Button, "Import the 250 valid rows").click();
    harness.step();
    harness.step();
    harness.get_by_label("Importing staff");
    harness.get_by_role_and_label(Role::Button, "Cancel").click();
    harness.step();
    harness.step();
    harness.get_by_label_contains("stopping");
    gate.release();
    settle(&mut harness);
    assert_eq!(harness.state().notice_text(), Some("Cancelled: nothing was changed or written."));
    assert!(harness.query_by_label("Imported Person 0").is_none());
    drop(harness);
    let office = vault.sign_in();
    assert_eq!(office.directory().unwrap().staff.len(), 1, "the transaction was rolled back: only Sam");
}

#[test]
fn the_dashboard_comes_first_and_its_access_counts_follow_from_a_worker_thread() {
    let (vault, office) = sales_office("Sam Carter", "sam@example.com", "Sales");
    drop(office);
    let mut harness = signed_in(&vault);
    // No input: the frames the app asks for bring the counts in.
    for _ in 0..200 {
        if harness.state().office_read_in_full() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
        harness.step();
    }
    assert!(harness.state().office_read_in_full());
    harness.run();
    harness.get_by_label("with customer-data access");
    assert!(harness.query_by_label("…").is_none(), "the counts are in");
    let idle = harness.state().next_repaint_in().expect("auto-lock is scheduled");
    assert!(idle > Duration::from_secs(60), "{idle:?}: asleep again once everything is in");
    // Any page but the dashboard waits for them: the staff list has Sam at once.
    drop(harness);
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Staff").click();
    harness.run();
    harness.get_by_label("Sam Carter");
}
