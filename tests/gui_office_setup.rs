//! GUI flows of setting the office up and keeping it tidy, chosen from lists rather than typed:
//! the reviewer of an access review, a system's name and levels, the office's name at creation
//! and the recovery key's copy and print.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use common::add_person;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable};
use gui_support::*;

#[test]
fn a_line_manager_is_picked_as_reviewer_and_the_repeat_from_a_list() {
    let (vault, mut office) = sales_office("Kim Lee", "kim@example.com", "Sales");
    let draft = keyholder::domain::staff::StaffDraft {
        full_name: "Sam Carter".into(),
        email: "sam@example.com".into(),
        team: "Sales".into(),
        manager_email: "kim@example.com".into(),
        ..Default::default()
    };
    office.add_staff(&draft).unwrap();
    add_person(&mut office, "Lee Park", "lee@example.com", "Sales");
    drop(office);
    let mut harness = signed_in(&vault);
    press(&mut harness, "Access reviews");
    // Only operators and people who manage someone are offered; Sam and Lee manage nobody.
    harness.get_by_role_and_label(Role::ComboBox, "Reviewer").click();
    harness.run();
    harness.get_by_label("Ada (operator)");
    assert!(harness.query_by_label("Lee Park, line manager of 1 person").is_none());
    harness.get_by_label("Kim Lee, line manager of 1 person").click();
    harness.run();
    choose(&mut harness, "Repeat", "Every six months");
    // A line manager reviews their own team only, and the button says so before it is pressed.
    harness.get_by_label("A line manager reviews their own team: choose \"One team\".");
    choose(&mut harness, "What to review", "One team");
    choose(&mut harness, "Team to review", "Sales");
    press(&mut harness, "Start review");
    harness.get_by_label("Reviewer: Kim Lee (line manager, with Ada)");
    drop(harness);
    let reviews = vault.sign_in().reviews().unwrap();
    assert_eq!(reviews[0].review.cadence_days, 182);
}

#[test]
fn a_system_is_renamed_given_a_level_and_an_unused_one_removed_after_asking() {
    let (vault, mut office) = sales_office("Kim Lee", "kim@example.com", "Sales");
    office.assign_role("Sales", "kim@example.com").unwrap();
    office
        .add_system(keyholder::service::new_system("Old fax", "software", "user", "", false, false).unwrap())
        .unwrap();
    drop(office);
    let mut harness = signed_in(&vault);
    press(&mut harness, "Systems");
    harness.get_by_role_and_label(Role::Button, "CRM").click();
    harness.run();
    let disabled = |label: &'static str| {
        move |node: &egui_kittest::kittest::AccessKitNode<'_>| {
            node.role() == Role::Button && node.label().as_deref() == Some(label) && node.is_disabled()
        }
    };
    // Role Sales gives CRM user: neither the system nor that level can go, and it says why.
    assert!(harness.query_by(disabled("Remove system…")).is_some());
    harness.get_by_label("Still in use: role Sales.");
    assert!(harness.query_by(disabled("Remove the level user from CRM")).is_some());
    assert!(harness.query_by(disabled("Save changes")).is_some(), "nothing changed yet");

    type_into(&mut harness, "System name", " Online");
    press(&mut harness, "Add a level to CRM");
    type_into(&mut harness, "Level 3 of CRM", "auditor");
    press(&mut harness, "Remove the level admin from CRM");
    choose(&mut harness, "Owner", "Kim Lee <kim@example.com>");
    press(&mut harness, "Save changes");
    assert_eq!(harness.state().notice_text(), Some("CRM Online saved."));
    harness.get_by_label_contains("levels user, auditor");
    harness.get_by_label("Who has access to CRM Online");
    assert!(harness.query_by(disabled("Remove system…")).is_some(), "still in use after the save");
    harness.get_by(|node| {
        node.role() == Role::ComboBox
            && node.label().as_deref() == Some("Owner")
            && node.value().as_deref() == Some("Kim Lee <kim@example.com>")
    });

    harness.get_by_role_and_label(Role::Button, "Old fax").click();
    harness.run();
    press(&mut harness, "Remove system…");
    harness.get_by_label("Old fax and its levels are removed from Keyholder.");
    press(&mut harness, "Remove it");
    assert_eq!(harness.state().notice_text(), Some("Old fax removed."));
    assert!(harness.query_by_label("Old fax").is_none());
}

#[test]
fn a_new_office_is_named_and_its_recovery_key_copied_then_cleared_and_printed() {
    let dir = tempfile::tempdir().unwrap();
    let clock = std::sync::Arc::new(keyholder::service::ManualClock::new(common::start_time()));
    let clipboard = std::sync::Arc::new(keyholder::ui::clipboard::FakeClipboard::default());
    let printer = std::sync::Arc::new(keyholder::ui::print::FakePrinter::default());
    let mut harness = app_with(keyholder::ui::AppDeps {
        clipboard: clipboard.clone(),
        printer: printer.clone(),
        ..deps(&dir.path().join("office.khv"), clock.clone())
    });
    harness.run();
    type_into(&mut harness, "Office name", "Brightside Dental");
    type_into(&mut harness, "Your name", common::OPERATOR);
    type_into(&mut harness, "Password", common::PASSWORD);
    type_into(&mut harness, "Confirm password", common::PASSWORD);
    harness.get_by_role_and_label(Role::Button, "Create vault").click();
    settle(&mut harness);
    harness.get_by_label("Your recovery key");

    press(&mut harness, "Copy");
    let key = clipboard.contents.lock().unwrap().clone().expect("the key was copied");
    assert_eq!(key.split('-').count(), 9, "{key}");
    assert!(!key.contains(['0', 'O', '1', 'I', 'L', 'U']), "{key}");
    harness.get_by_label_contains("the clipboard is cleared in 20 s");
    clock.advance(jiff::SignedDuration::from_secs(31));
    harness.run();
    assert!(clipboard.contents.lock().unwrap().is_none(), "the key left the clipboard");
    harness.get_by_label("The copied key was cleared from the clipboard.");

    press(&mut harness, "Print…");
    harness.get_by_label_contains("print only on a printer in your office");
    press(&mut harness, "Print it");
    harness.get_by_label("Sent to the printer. Collect the page now.");
    let printed = printer.printed.lock().unwrap().clone();
    assert_eq!(printed.len(), 1);
    assert_eq!(printed[0].0, "Keyholder recovery key", "the job's name never holds the key");
    assert!(printed[0].1.contains(&key) && printed[0].1.contains("Brightside Dental"), "{}", printed[0].1);

    harness.get_by_role_and_label(Role::CheckBox, "I have stored it safely").click();
    harness.run();
    press(&mut harness, "Continue");
    harness.get_by_label("Brightside Dental");
}

#[test]
fn without_a_printing_system_print_is_disabled_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let clock = std::sync::Arc::new(keyholder::service::ManualClock::new(common::start_time()));
    let printer = keyholder::ui::print::FakePrinter {
        unavailable: Some("No printing system is installed on this computer.".into()),
        ..Default::default()
    };
    let mut harness = app_with(keyholder::ui::AppDeps {
        printer: std::sync::Arc::new(printer),
        ..deps(&dir.path().join("o.khv"), clock)
    });
    harness.run();
    type_into(&mut harness, "Office name", "Brightside Dental");
    type_into(&mut harness, "Your name", common::OPERATOR);
    type_into(&mut harness, "Password", common::PASSWORD);
    type_into(&mut harness, "Confirm password", common::PASSWORD);
    harness.get_by_role_and_label(Role::Button, "Create vault").click();
    settle(&mut harness);
    harness
        .get_by(|node| node.role() == Role::Button && node.label().as_deref() == Some("Print…") && node.is_disabled());
    harness.get_by_label("No printing system is installed on this computer.");
}

#[test]
fn the_audit_log_names_people_and_counts_in_words() {
    let (vault, office) = sales_office("Kim Lee", "kim@example.com", "Sales");
    drop(office);
    let mut harness = signed_in(&vault);
    press(&mut harness, "Audit log");
    harness.get_by_label_contains("Kim Lee added");
    assert!(harness.query_by_label_contains("staff #").is_none(), "no record numbers for people");
    assert!(harness.query_by_label_contains("(s)").is_none(), "no 'item(s)'");
}

#[test]
fn without_a_desktop_file_dialog_keyholders_own_browser_chooses_where_the_backup_goes() {
    let vault = common::TestVault::new();
    std::fs::create_dir(vault.dir.path().join("Backups")).unwrap();
    std::fs::write(vault.dir.path().join("notes.txt"), "x").unwrap();
    let picker = keyholder::ui::file_dialog::FakePicker { no_desktop_dialog: true, ..Default::default() };
    let mut harness = app_with(keyholder::ui::AppDeps {
        files: std::sync::Arc::new(picker),
        ..deps(&vault.path, vault.clock.clone())
    });
    harness.run();
    sign_in(&mut harness, common::PASSWORD);
    harness.state_mut().navigate(keyholder::ui::Page::Settings);
    harness.run();
    press(&mut harness, "Choose where…");
    harness.run();
    harness.get_by_label("This desktop offers no file dialog, so Keyholder shows its own.");
    harness.get_by_label("Where to write the backup");
    harness.get_by_label("Backups/").click();
    harness.run();
    assert!(harness.query_by_label("Backups/").is_none(), "inside the folder now");
    press(&mut harness, "Save here");
    press(&mut harness, "Write backup");
    let written = vault.dir.path().join("Backups").join("office.khbackup");
    assert!(written.exists(), "{:?}", harness.state().notice_text());
}

#[test]
fn a_renewed_recovery_key_is_copied_printed_and_off_the_clipboard_when_cancelled() {
    let vault = common::TestVault::new();
    let clipboard = std::sync::Arc::new(keyholder::ui::clipboard::FakeClipboard::default());
    let printer = std::sync::Arc::new(keyholder::ui::print::FakePrinter::default());
    let mut harness = app_with(keyholder::ui::AppDeps {
        clipboard: clipboard.clone(),
        printer: printer.clone(),
        ..deps(&vault.path, vault.clock.clone())
    });
    harness.run();
    sign_in(&mut harness, common::PASSWORD);
    harness.state_mut().navigate(keyholder::ui::Page::Settings);
    harness.run();
    press(&mut harness, "Make a new recovery key");
    harness.get_by_label("Your new recovery key");
    press(&mut harness, "Copy");
    let key = clipboard.contents.lock().unwrap().clone().expect("copied");
    assert_eq!(key.split('-').count(), 9);
    press(&mut harness, "Print…");
    press(&mut harness, "Print it");
    harness.get_by_label("Sent to the printer. Collect the page now.");
    assert!(printer.printed.lock().unwrap()[0].1.contains(&key));
    press(&mut harness, "Cancel");
    assert!(harness.query_by_label("Your new recovery key").is_none());
    assert!(clipboard.contents.lock().unwrap().is_none(), "a cancelled key leaves the clipboard too");
}

#[test]
fn a_generated_value_can_be_shown_to_set_it_in_the_system_and_a_refused_one_cannot_be_added() {
    let vault = office_with_due_secret();
    let (mut harness, _clipboard) = wifi_secret_page(&vault);
    press(&mut harness, "Generate new value");
    assert!(harness.query_by_role_and_label(Role::TextInput, "New value").is_none(), "hidden at first");
    harness.get_by_role_and_label(Role::CheckBox, "Show New value").click_accesskit();
    harness.run();
    let shown = harness.get_by_role_and_label(Role::TextInput, "New value").value().unwrap_or_default();
    assert!(shown.chars().count() >= 16, "{shown:?}");

    type_into(&mut harness, "Secret name", "Guest Wi-Fi");
    type_into(&mut harness, "Value", "short-key-13");
    harness.get_by(|node| {
        node.role() == Role::Button && node.label().as_deref() == Some("Add secret") && node.is_disabled()
    });
    harness.get_by_label("The value is not accepted yet: see the line under it.");
}

#[test]
fn review_keys_that_cannot_act_say_why_and_a_missing_comment_takes_the_keyboard() {
    let (vault, mut office) = sales_office("Sam Carter", "sam@example.com", "Sales");
    office.assign_role("Sales", "sam@example.com").unwrap();
    office.grant("sam@example.com", "CRM", "admin", "covering month end", None).unwrap();
    drop(office);
    let mut harness = signed_in(&vault);
    press(&mut harness, "Access reviews");
    press(&mut harness, "Start review");
    harness.get_by_label("Sam Carter — CRM (user)");
    harness.key_press(egui::Key::R);
    harness.run();
    let said = harness.state().notice_text().unwrap_or_default().to_owned();
    assert!(said.contains("R cannot remove this: role Sales gives it"), "{said}");
    harness.get_by_label("Sam Carter — CRM (user)");

    harness.key_press(egui::Key::K);
    harness.run();
    harness.get_by_label("Sam Carter — CRM (admin)");
    harness.key_press(egui::Key::K);
    harness.run();
    assert!(harness.state().notice_text().unwrap_or_default().contains("comment"));
    assert!(harness.get_by_role_and_label(Role::TextInput, "Comment").is_focused(), "type the comment at once");
}

#[test]
fn a_long_pick_list_is_narrowed_by_typing_as_soon_as_it_opens() {
    let (vault, mut office) = common::TestVault::open_new();
    for n in 1..=20 {
        add_person(&mut office, &format!("Person {n:02}"), &format!("person{n:02}@example.com"), "Sales");
    }
    drop(office);
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Staff").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Add staff member").click();
    harness.run();
    harness.get_by_role_and_label(Role::ComboBox, "Manager").click();
    harness.run();
    // The search box has the focus: what is typed narrows the list, and the list stays open.
    harness.get_by(|n| n.role() == Role::TextInput && n.is_focused()).type_text("son 17");
    harness.run();
    assert!(harness.query_by_label("Person 03 <person03@example.com>").is_none());
    harness.get_by_label("Person 17 <person17@example.com>").click();
    harness.run();
    let manager = harness.get_by_role_and_label(Role::ComboBox, "Manager");
    assert_eq!(manager.accesskit_node().value().as_deref(), Some("Person 17 <person17@example.com>"));
}
