//! GUI tests with egui_kittest: the real app, found by role and label, with a frozen clock and
//! an in-memory keyring.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use common::{OPERATOR, PASSWORD, TestVault, add_person, code_at_clock, start_time};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gui_support::*;
use keyholder::service::ManualClock;
use keyholder::ui::clipboard::{FakeClipboard, SecretClipboard};
use keyholder::ui::{AppDeps, KeyholderApp};
use std::sync::Arc;

#[test]
fn create_a_vault_then_lock_and_sign_in_with_wrong_then_right_password() {
    let dir = tempfile::tempdir().expect("dir");
    let vault = dir.path().join("office.khv");
    let clock = Arc::new(ManualClock::new(start_time()));
    let mut harness = app(&vault, clock);
    harness.run();
    assert_eq!(harness.state().screen_name(), "welcome");
    harness.get_by_label("Create your office vault");
    assert!(!harness.get_by_role_and_label(Role::Button, "Create vault").is_focused());

    type_into(&mut harness, "Office name", "Brightside Dental");
    type_into(&mut harness, "Your name", OPERATOR);
    type_into(&mut harness, "Password", PASSWORD);
    type_into(&mut harness, "Confirm password", PASSWORD);
    harness.run();
    harness.get_by_label_contains("meets the office password policy");
    harness.get_by_role_and_label(Role::Button, "Create vault").click();
    settle(&mut harness);

    assert_eq!(harness.state().screen_name(), "recovery key", "{:?}", harness.state().notice_text());
    harness.get_by_label("Your recovery key");
    harness.get_by_role_and_label(Role::CheckBox, "I have stored it safely").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Continue").click();
    harness.run();
    assert_eq!(harness.state().screen_name(), "shell");
    assert_eq!(harness.state().operator().as_deref(), Some(OPERATOR));
    harness.get_by_label("Signed in as Ada");
    harness.get_by_label("Brightside Dental");
    // The navigation lists exactly the screens that exist, and each opens.
    for (page, content) in [
        ("Operators", "Add an operator"),
        ("Audit log", "What happened"),
        ("Settings", "Backup"),
        ("Overview", "Verify the vault"),
    ] {
        harness.get_by_role_and_label(Role::Button, page).click();
        harness.run();
        harness.get_by_label(content);
    }

    harness.get_by_role_and_label(Role::Button, "Lock").click();
    harness.run();
    assert_eq!(harness.state().screen_name(), "sign in");
    assert!(vault.exists());

    sign_in(&mut harness, "wrong horse battery staple");
    assert_eq!(harness.state().screen_name(), "sign in");
    assert_eq!(harness.state().notice_text(), Some("wrong operator name or password"));
    harness.get_by_label_contains("wrong operator name or password");

    sign_in(&mut harness, PASSWORD);
    assert_eq!(harness.state().screen_name(), "shell");
    assert_eq!(harness.state().operator().as_deref(), Some(OPERATOR));
}

#[test]
fn the_window_locks_itself_after_the_idle_time() {
    let vault = TestVault::new();
    let mut harness = signed_in(&vault);
    assert_eq!(harness.state().screen_name(), "shell");

    vault.clock.advance(jiff::SignedDuration::from_secs(4 * 60 + 59));
    harness.run();
    assert_eq!(harness.state().screen_name(), "shell", "locked before the idle time");

    vault.clock.advance(jiff::SignedDuration::from_secs(2));
    harness.run();
    assert_eq!(harness.state().screen_name(), "sign in");
    assert_eq!(harness.state().notice_text(), Some("Locked after 5 minutes without activity."));
    assert_eq!(harness.state().operator(), None);
}

#[test]
fn activity_postpones_the_auto_lock_and_ctrl_l_locks_at_once() {
    let vault = TestVault::new();
    let mut harness = signed_in(&vault);

    vault.clock.advance(jiff::SignedDuration::from_secs(4 * 60));
    harness.get_by_role_and_label(Role::Button, "Audit log").click();
    harness.run();
    vault.clock.advance(jiff::SignedDuration::from_secs(4 * 60));
    harness.run();
    assert_eq!(harness.state().screen_name(), "shell", "activity did not reset the idle timer");
    harness.get_by_label_contains("signed in with password");

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::L);
    harness.run();
    assert_eq!(harness.state().screen_name(), "sign in");
}

#[test]
fn the_keyboard_alone_signs_in_with_enter() {
    let vault = TestVault::new();
    let mut harness = app(&vault.path, vault.clock.clone());
    harness.run();
    // The operator name is filled in and the password field has the focus.
    type_into(&mut harness, "Password", PASSWORD);
    harness.key_press(egui::Key::Enter);
    settle(&mut harness);
    assert_eq!(harness.state().screen_name(), "shell", "{:?}", harness.state().notice_text());
}

#[test]
fn add_a_staff_member_give_a_role_and_see_the_access_in_the_matrix() {
    let (_vault, mut harness) = office_with_roles();
    harness.get_by_role_and_label(Role::Button, "Add staff member").click();
    harness.run();
    type_into(&mut harness, "Full name", "Sam Carter");
    type_into(&mut harness, "Work email", "sam@example.com");
    type_into(&mut harness, "Team", "Sales");
    harness.get_by_role_and_label(Role::Button, "Add").click();
    harness.run();
    assert_eq!(harness.state().notice_text(), Some("Sam Carter added."));

    harness.get_by_label("Sam Carter").click();
    harness.run();
    harness.get_by_label("Access, and why");
    harness.get_by_role_and_label(Role::CheckBox, "Sales").click();
    harness.run();
    harness.get_by_label("Gains: CRM (user), Email (user)");
    harness.get_by_role_and_label(Role::Button, "Apply role change").click();
    harness.run();
    assert_eq!(harness.state().notice_text(), Some("Roles changed: 2 pieces of access gained, 0 removed."));
    // The person's history is read once per change, and shows the change just made.
    harness.get_by_label_contains("Sam Carter added — Ada");
    harness.get_by_label_contains("2 gained, 0 lost — Ada");
    assert_eq!(harness.query_all_by_label("role Sales").count(), 2, "CRM and Email, each because of role Sales");

    harness.get_by_role_and_label(Role::Button, "Access matrix").click();
    harness.run();
    harness.get_by_label("Sam Carter");
    assert_eq!(harness.query_all_by_label("user").count(), 2, "Sam's CRM and Email cells");
    harness.get_by_role_and_label(Role::CheckBox, "Only systems with customer data").click();
    harness.run();
    assert_eq!(harness.query_all_by_label("user").count(), 1, "only CRM holds customer data");
}

#[test]
fn search_narrows_the_staff_list_as_you_type() {
    let (_vault, mut harness) = office_with_kim_and_sam();
    harness.get_by_label("2 of 2 staff");
    type_into(&mut harness, "Search", "kim");
    harness.get_by_label("1 of 2 staff");
    assert!(harness.query_by_label("Kim Lee").is_some());
    assert!(harness.query_by_label("Sam Carter").is_none());
}

#[test]
fn a_new_user_can_explore_a_demo_office_without_creating_their_vault() {
    let dir = tempfile::tempdir().expect("dir");
    let vault = dir.path().join("office.khv");
    let mut harness = app(&vault, Arc::new(ManualClock::new(start_time())));
    harness.run();
    type_into(&mut harness, "Your name", OPERATOR);
    type_into(&mut harness, "Password", PASSWORD);
    type_into(&mut harness, "Confirm password", PASSWORD);
    harness.get_by_role_and_label(Role::Button, "Explore a demo office").click();
    settle(&mut harness);
    assert_eq!(harness.state().screen_name(), "shell", "{:?}", harness.state().notice_text());
    harness.get_by_role_and_label(Role::Button, "Staff").click();
    harness.run();
    harness.get_by_label("31 of 31 staff");
    assert!(!vault.exists(), "the office's own vault is not created by the demo");
    assert!(dir.path().join("demo-office.khv").exists());
}

#[test]
fn a_mover_sees_what_is_lost_before_the_role_change_is_applied() {
    let (_vault, mut harness) = office_with_roles();
    harness.get_by_label("Kim Lee").click();
    harness.run();
    harness.get_by_role_and_label(Role::CheckBox, "Sales").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Apply role change").click();
    harness.run();
    harness.get_by_role_and_label(Role::CheckBox, "Sales").click();
    harness.run();
    harness.get_by_label("Loses: CRM (user), Email (user)");
    harness.get_by_role_and_label(Role::Button, "Cancel").click();
    harness.run();
    assert!(harness.query_by_label("Loses: CRM (user), Email (user)").is_none(), "undo drops the pending change");
    assert_eq!(harness.query_all_by_label("role Sales").count(), 2, "nothing was removed");
}

#[test]
fn staff_details_can_be_edited() {
    let (_vault, mut harness) = office_with_roles();
    harness.get_by_label("Kim Lee").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Edit details").click();
    harness.run();
    let team = harness.get_by(|n| n.label().as_deref() == Some("Team") && n.role() == Role::TextInput);
    team.focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by(|n| n.label().as_deref() == Some("Team") && n.role() == Role::TextInput).type_text("Payroll");
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Save changes").click();
    harness.run();
    assert_eq!(harness.state().notice_text(), Some("Kim Lee saved."));
    harness.get_by_label("Payroll");
}

#[test]
fn editing_a_role_shows_who_gains_what_before_it_is_applied() {
    let (vault, mut office) = TestVault::open_new();
    office
        .add_system(keyholder::service::new_system("CRM", "software", "user,admin", "admin", true, true).unwrap())
        .unwrap();
    office.add_role("Sales", &["CRM:user".into()]).unwrap();
    add_person(&mut office, "Kim Lee", "kim@example.com", "");
    office.assign_role("Sales", "kim@example.com").unwrap();
    drop(office);
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Roles").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Edit Sales").click();
    harness.run();
    harness.get_by_role_and_label(Role::CheckBox, "admin").click();
    harness.run();
    harness.get_by_label("1 people affected:");
    harness.get_by_label("Kim Lee gains CRM (admin)");
    harness.get_by_role_and_label(Role::Button, "Apply role change").click();
    harness.run();
    assert_eq!(harness.state().notice_text(), Some("Role changed."));
    harness.get_by_label("CRM (user), CRM (admin, privileged)");

    harness.get_by_role_and_label(Role::Button, "Systems").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "CRM").click();
    harness.run();
    harness.get_by_label("Who has access to CRM");
    assert_eq!(harness.query_all_by_label("Kim Lee").count(), 2, "Kim holds CRM user and admin through Sales");
    harness.get_by_role_and_label(Role::CheckBox, "MFA supported").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Save changes").click();
    harness.run();
    assert_eq!(harness.state().notice_text(), Some("CRM saved."));
}

#[test]
fn start_a_leaver_from_the_staff_page_tick_everything_and_see_them_leave() {
    let (vault, mut office) = TestVault::open_new();
    office.add_system(keyholder::service::new_system("CRM", "software", "user", "", true, true).unwrap()).unwrap();
    office.add_role("Sales", &["CRM:user".into()]).unwrap();
    add_person(&mut office, "Kim Lee", "kim@example.com", "");
    office.assign_role("Sales", "kim@example.com").unwrap();
    drop(office);
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Staff").click();
    harness.run();
    // From the staff list: the person, their last day (never filled in for you), "Start leaving…".
    harness.get_by_label("Kim Lee").click();
    harness.run();
    harness.get_by(|node| {
        node.role() == Role::Button && node.label().as_deref() == Some("Start leaving…") && node.is_disabled()
    });
    harness.get_by_label("Choose their last day first.");
    press(&mut harness, "Calendar for Last day");
    press(&mut harness, "23 November 2026");
    harness.get_by_role_and_label(Role::Button, "Start leaving…").click();
    harness.run();
    // It says what will happen and asks first.
    harness.get_by_label_contains("Nothing is removed yet");
    harness.get_by_role_and_label(Role::Button, "Start the leaver process").click();
    harness.run();
    assert_eq!(harness.state().notice_text(), Some("Leaver checklist started."));
    harness.get_by_label("Leaver checklist: Kim Lee (23 Nov)");

    // The role removal cannot be undone: it asks first.
    harness.get_by_role_and_label(Role::CheckBox, "Remove role Sales (CRM user)").click();
    harness.run();
    harness.get_by_label("This cannot be undone here");
    harness.get_by_role_and_label(Role::Button, "Yes, do it").click();
    harness.run();
    // Its tick changed the record, so it is not taken back by unticking.
    harness.get_by(|node| {
        node.role() == Role::CheckBox
            && node.label().as_deref() == Some("Remove role Sales (CRM user)")
            && node.is_disabled()
    });
    // A skip asks for its reason in the item's own row, and can be taken back.
    harness.get_by_role_and_label(Role::Button, "Skip: Return building pass and keys").click();
    harness.run();
    harness.get_by_label("Say why first.");
    type_into(&mut harness, "Why skip it?", "never had a pass: worked remotely");
    harness.get_by_role_and_label(Role::Button, "Skip it").click();
    harness.run();
    assert_eq!(harness.state().notice_text(), Some("Item skipped."));
    harness.get_by_label("Skipped by Ada: never had a pass: worked remotely");
    harness.get_by_role_and_label(Role::Button, "Undo skip: Return building pass and keys").click();
    harness.run();
    assert_eq!(harness.state().notice_text(), Some("Item reopened."));
    harness.get_by_role_and_label(Role::Button, "Skip: Return building pass and keys").click();
    harness.run();
    type_into(&mut harness, "Why skip it?", "never had a pass: worked remotely");
    harness.get_by_role_and_label(Role::Button, "Skip it").click();
    harness.run();
    // "Mark as left" says what it waits for.
    harness.get_by_label("1 item is still to do.");
    harness
        .get_by_role_and_label(Role::CheckBox, "Remind of confidentiality duties that continue after leaving")
        .click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Mark as left").click();
    harness.run();
    assert_eq!(harness.state().notice_text(), Some("Marked as left."));
    harness.get_by_role_and_label(Role::Button, "Staff").click();
    harness.run();
    harness.get_by_label("left");
}

#[test]
fn the_dashboard_shows_a_due_secret_and_clicking_it_opens_the_rotation() {
    let vault = office_with_due_secret();
    let mut harness = signed_in(&vault);
    harness.get_by_label("1 thing needs attention");
    harness.get_by_label("Office Wi-Fi: rotate: rotation interval ends 1 Oct").click();
    harness.run();
    harness.get_by_label("Due: rotation interval ends 2026-10-01");
    harness.get_by_role_and_label(Role::Button, "Generate new value").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Rotate now").click();
    harness.run();
    assert_eq!(harness.state().notice_text(), Some("Office Wi-Fi rotated."));
    harness.get_by_role_and_label(Role::Button, "Dashboard").click();
    harness.run();
    harness.get_by_label("Nothing needs attention.");
}

#[test]
fn a_copied_secret_leaves_the_clipboard_after_the_timeout_only_if_still_ours() {
    let vault = office_with_due_secret();
    let (mut harness, clipboard) = wifi_secret_page(&vault);
    harness.get_by_role_and_label(Role::Button, "Copy").click();
    harness.run();
    assert_eq!(clipboard.get().as_deref(), Some("ribbon-canyon-violet-tractor-7"));
    vault.clock.advance(jiff::SignedDuration::from_secs(19));
    harness.run();
    assert!(clipboard.get().is_some(), "still there before 20 s");
    assert!(harness.state().notice_text().is_some_and(|n| n.starts_with("Copied")));
    vault.clock.advance(jiff::SignedDuration::from_secs(1));
    harness.run();
    assert_eq!(clipboard.get(), None, "cleared after 20 s");
    // "Copied" does not stay once it is no longer true.
    assert_eq!(harness.state().notice_text(), Some("The copied value was cleared from the clipboard."));

    // Copied again, then the user copies something else: that is left alone.
    harness.get_by_role_and_label(Role::Button, "Copy").click();
    harness.run();
    clipboard.set("a shopping list").unwrap();
    vault.clock.advance(jiff::SignedDuration::from_secs(25));
    harness.run();
    assert_eq!(clipboard.get().as_deref(), Some("a shopping list"));

    // On lock, a copied secret goes at once.
    harness.get_by_role_and_label(Role::Button, "Copy").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Lock").click();
    harness.run();
    assert_eq!(clipboard.get(), None);
}

#[test]
fn a_revealed_secret_hides_itself_after_thirty_seconds() {
    let vault = office_with_due_secret();
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Shared secrets").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Office Wi-Fi").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Reveal for 30 s").click();
    harness.run();
    harness.get_by_label("ribbon-canyon-violet-tractor-7");
    harness.get_by_label("hidden again in 30 s");
    vault.clock.advance(jiff::SignedDuration::from_secs(29));
    harness.run();
    harness.get_by_label("ribbon-canyon-violet-tractor-7");
    harness.get_by_label("hidden again in 1 s");
    vault.clock.advance(jiff::SignedDuration::from_secs(1));
    harness.run();
    assert!(harness.query_by_label("ribbon-canyon-violet-tractor-7").is_none());
}

#[test]
fn overdue_items_are_notified_on_sign_in_and_then_daily() {
    let vault = office_with_due_secret();
    let notifier = Arc::new(keyholder::ui::notify::FakeNotifier::default());
    let mut harness = app_with(AppDeps { notifier: notifier.clone(), ..deps(&vault.path, vault.clock.clone()) });
    harness.run();
    assert!(notifier.sent.lock().unwrap().is_empty(), "nothing before sign-in");
    sign_in(&mut harness, PASSWORD);
    harness.run();
    {
        let sent = notifier.sent.lock().unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].0, "Keyholder: 1 item overdue");
        // It may show on a locked screen: counts by kind, no secret's or person's name.
        assert_eq!(sent[0].1, "1 × secret");
        assert!(!sent[0].1.contains("Wi-Fi"));
    }
    // Keep the window active so it does not lock, and let a day pass.
    for _ in 0..24 {
        vault.clock.advance(jiff::SignedDuration::from_mins(60));
        harness.hover_at(egui::pos2(500.0, 300.0));
        harness.run();
        harness.hover_at(egui::pos2(501.0, 301.0));
        harness.run();
    }
    assert_eq!(notifier.sent.lock().unwrap().len(), 2, "one more after a day");
}

/// The base-32 key shown beside a QR code ("ABCD EFGH ..."), read off the screen.
fn shown_key(harness: &Harness<'static, KeyholderApp>) -> Vec<u8> {
    let found = std::cell::RefCell::new(None);
    harness.get_by(|node| {
        let key = node.value().filter(|_| node.role() == Role::Label).filter(|l| {
            l.len() > 30 && l.chars().all(|c| c == ' ' || c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        });
        let matched = key.is_some();
        if let Some(key) = key {
            *found.borrow_mut() = Some(key.replace(' ', ""));
        }
        matched
    });
    let text = found.into_inner().unwrap();
    data_encoding::BASE32_NOPAD.decode(text.as_bytes()).unwrap()
}

#[test]
fn an_operator_turns_on_two_step_sign_in_and_then_signs_in_with_a_code() {
    let vault = TestVault::new();
    let mut harness = signed_in(&vault);
    harness.state_mut().navigate(keyholder::ui::Page::Operators);
    harness.run();
    press(&mut harness, "Set up two-step sign-in");
    harness.get_by_role_and_label(Role::Image, "QR code for your authenticator app");
    let secret = shown_key(&harness);
    type_into(&mut harness, "Code from the app", &code_at_clock(&vault.clock, &secret, 0));
    press(&mut harness, "Confirm and turn on");
    assert!(harness.state().notice_text() == Some("Two-step sign-in is on."), "{:?}", harness.state().notice_text());
    harness.get_by_label_contains("recovery codes are shown only now");
    press(&mut harness, "I have stored the recovery codes");
    harness.get_by_label_contains("10 recovery codes left");

    // Lock, then sign in: the password is followed by the code.
    harness.state_mut().navigate(keyholder::ui::Page::Dashboard);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::L);
    harness.run();
    assert_eq!(harness.state().screen_name(), "sign in");
    vault.clock.advance(jiff::SignedDuration::from_secs(30));
    sign_in(&mut harness, PASSWORD);
    assert_eq!(harness.state().screen_name(), "sign in", "the password alone is not enough");
    harness.get_by_label("Authenticator code");
    type_into(&mut harness, "Code", "000000");
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert!(
        harness.state().notice_text().unwrap_or_default().contains("refused"),
        "{:?}",
        harness.state().notice_text()
    );
    assert_eq!(harness.state().screen_name(), "sign in");
    type_into(&mut harness, "Code", &code_at_clock(&vault.clock, &secret, 0));
    press(&mut harness, "Continue");
    assert_eq!(harness.state().screen_name(), "shell", "{:?}", harness.state().notice_text());
}

#[test]
fn enrol_a_staff_member_and_verify_a_caller_with_their_code() {
    let (vault, mut harness) = office_with_roles();
    harness.state_mut().navigate(keyholder::ui::Page::Staff);
    harness.run();
    harness.get_by_label("Kim Lee").click_accesskit();
    harness.run();
    press(&mut harness, "Enrol authenticator");
    harness.get_by_role_and_label(Role::Image, "QR code for Kim Lee to scan");
    let secret = shown_key(&harness);
    type_into(&mut harness, "Their code", &code_at_clock(&vault.clock, &secret, 0));
    press(&mut harness, "Confirm enrolment");
    harness.get_by_label("Enrolled on 2026-11-23.");

    // A caller reads the same code again: refused. The next one is accepted.
    type_into(&mut harness, "Caller's code", &code_at_clock(&vault.clock, &secret, 0));
    press(&mut harness, "Verify identity");
    harness.get_by_label_contains("Not verified");
    vault.clock.advance(jiff::SignedDuration::from_secs(30));
    type_into(&mut harness, "Caller's code", &code_at_clock(&vault.clock, &secret, 0));
    press(&mut harness, "Verify identity");
    harness.get_by_label_contains("the caller has this person's phone");
}

#[test]
fn a_shared_account_code_is_attached_from_a_qr_picture_shown_with_a_countdown_and_copied() {
    let vault = office_with_due_secret();
    let picture = vault.dir.path().join("wifi-portal.png");
    let uri = "otpauth://totp/Portal:admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Portal";
    let png = totp_rs::Totp::from_url(uri).unwrap().to_qr_png().unwrap();
    std::fs::write(&picture, png).unwrap();
    let (mut harness, clipboard) = wifi_secret_page(&vault);
    type_into(&mut harness, "or QR picture file", picture.to_str().unwrap());
    press(&mut harness, "Attach authenticator");
    assert_eq!(harness.state().notice_text(), Some("Authenticator attached."));

    let expected = code_at_clock(&vault.clock, b"12345678901234567890", 0);
    press(&mut harness, "Show code");
    harness.get_by_label(&expected);
    harness.get_by_label("valid for 30 s");
    vault.clock.advance(jiff::SignedDuration::from_secs(10));
    harness.run();
    harness.get_by_label("valid for 20 s");
    vault.clock.advance(jiff::SignedDuration::from_secs(20));
    harness.run();
    assert!(harness.query_by_label(&expected).is_none(), "an expired code disappears");

    press(&mut harness, "Copy code");
    let copied = clipboard.get().unwrap();
    assert_eq!(copied, code_at_clock(&vault.clock, b"12345678901234567890", 0));
    vault.clock.advance(jiff::SignedDuration::from_secs(20));
    harness.run();
    assert_eq!(clipboard.get(), None, "cleared like a password");
}

#[test]
fn a_small_review_is_run_with_the_keyboard_to_sign_off() {
    let (vault, mut office) = sales_office("Sam Carter", "sam@example.com", "Sales");
    // CRM comes from a role (kept); Email is a direct grant (removed).
    office.add_role("CRM users", &["CRM:user".into()]).unwrap();
    office.assign_role("CRM users", "sam@example.com").unwrap();
    office.grant("sam@example.com", "Email", "user", "covering the shared inbox", None).unwrap();
    drop(office);
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Access reviews").click();
    harness.run();
    harness.get_by_label("No access review yet. Start the first one below.");
    press(&mut harness, "Start review");
    assert_eq!(
        harness.state().notice_text(),
        Some("Review started: 2 pieces of access to decide. K keeps, R removes, J moves on.")
    );
    harness.get_by_label("Sam Carter — CRM (user)");
    let disabled = |node: &egui_kittest::kittest::AccessKitNode<'_>| {
        node.role() == Role::Button && node.label().as_deref() == Some("Sign off") && node.is_disabled()
    };
    assert!(harness.query_by(disabled).is_some(), "nothing decided yet");

    // With the help open, the keys belong to the dialog, not to the review behind it.
    harness.key_press(egui::Key::F1);
    harness.run();
    harness.key_press(egui::Key::K);
    harness.run();
    harness.get_by_label_contains("0 of 2 decided");
    harness.key_press(egui::Key::F1);
    harness.run();
    assert!(!harness.state().help_shown());

    harness.key_press(egui::Key::K);
    harness.run();
    harness.get_by_label("Sam Carter — Email (user)");
    harness.key_press(egui::Key::R);
    harness.run();
    harness.get_by_label("keep");
    harness.get_by_label("remove");
    harness.get_by_label_contains("2 of 2 decided (1 kept, 1 removed, 0 reduced)");
    harness.key_press(egui::Key::ArrowUp);
    harness.run();
    harness.get_by_label("Sam Carter — CRM (user)");
    harness.key_press(egui::Key::ArrowDown);
    harness.run();
    // Changing a decision moves the counts by what changed.
    for (button, counts) in
        [("Keep (K)", "(2 kept, 0 removed, 0 reduced)"), ("Remove (R)", "(1 kept, 1 removed, 0 reduced)")]
    {
        harness.get_by_label("Sam Carter — Email (user)");
        type_into(&mut harness, "Comment", "still covers the shared inbox");
        press(&mut harness, button);
        assert_eq!(harness.state().notice_text(), None);
        harness.get_by_label_contains(&format!("2 of 2 decided {counts}"));
    }
    // Out of the comment field (the buttons left the keyboard there), back to the list.
    harness.key_press(egui::Key::Escape);
    harness.run();
    harness.key_press(egui::Key::ArrowUp);
    harness.run();
    harness.get_by_label("Sam Carter — CRM (user)");

    press(&mut harness, "Sign off");
    harness.get_by_label_contains("They cannot be changed afterwards.");
    press(&mut harness, "Sign off now");
    assert_eq!(
        harness.state().notice_text(),
        Some("Review signed off; 1 removal to carry out (Joiners & leavers lists them).")
    );
    harness.get_by_label("awaiting revocations (1 open)");
    harness.get_by_label("remove (open)");
    // Decisions are locked: R on the kept CRM item (the cursor is on it) changes nothing.
    harness.get_by_label("Sam Carter — CRM (user)");
    harness.key_press(egui::Key::R);
    harness.run();
    harness.get_by_label("keep");
    harness.get_by_label("remove (open)");
}

/// How many buttons, fields, check boxes and other controls are on the screen now, and those
/// without a label a screen reader could say (their roles, for the failure message).
fn unlabelled_controls(harness: &Harness<'static, KeyholderApp>) -> (usize, Vec<String>) {
    let found = std::cell::RefCell::new(Vec::new());
    let seen = std::cell::Cell::new(0);
    let _ = harness
        .query_all_by(|node| {
            let control = matches!(
                node.role(),
                Role::Button
                    | Role::TextInput
                    | Role::MultilineTextInput
                    | Role::PasswordInput
                    | Role::CheckBox
                    | Role::RadioButton
                    | Role::ComboBox
                    | Role::Link
                    | Role::Slider
                    | Role::SpinButton
            );
            let named = node.label().is_some_and(|l| !l.trim().is_empty());
            seen.set(seen.get() + usize::from(control));
            if control && !named && !node.is_hidden() {
                found.borrow_mut().push(format!("{:?} (value {:?})", node.role(), node.value()));
            }
            false
        })
        .count();
    (seen.get(), found.into_inner())
}

#[test]
fn every_control_on_every_screen_has_a_label_for_screen_readers() {
    let mut problems = Vec::new();
    let mut check = |harness: &Harness<'static, KeyholderApp>, screen: &str| {
        let (seen, unlabelled) = unlabelled_controls(harness);
        assert!(seen >= 2, "{screen}: only {seen} control(s) found; is the screen drawn?");
        for control in unlabelled {
            problems.push(format!("{screen}: {control}"));
        }
    };
    // Before any vault exists.
    let dir = tempfile::tempdir().unwrap();
    let mut first_run = app(&dir.path().join("office.khv"), Arc::new(ManualClock::new(start_time())));
    first_run.run();
    check(&first_run, "welcome");

    let (vault, mut office) = TestVault::open_new();
    office.populate_demo(30).unwrap();
    office.begin_operator_totp().unwrap();
    office.start_review(&keyholder::service::NewReview { scope: "all", ..Default::default() }).unwrap();
    drop(office);
    let mut harness = app(&vault.path, vault.clock.clone());
    harness.run();
    check(&harness, "sign-in");
    harness.get_by_role_and_label(Role::Link, "Forgot your password? Use the recovery key").click_accesskit();
    harness.run();
    check(&harness, "recovery");
    press(&mut harness, "Back to sign-in");
    sign_in(&mut harness, PASSWORD);
    for page in keyholder::ui::Page::ALL {
        harness.state_mut().navigate(page);
        harness.run();
        check(&harness, page.title());
    }
    // The screens behind a selection.
    harness.state_mut().navigate(keyholder::ui::Page::Staff);
    harness.run();
    harness.get_all_by_role(Role::Link).next().unwrap().click_accesskit();
    harness.run();
    check(&harness, "a staff member");
    press(&mut harness, "Enrol authenticator");
    check(&harness, "staff enrolment");
    press(&mut harness, "Close");
    harness.state_mut().open_review(1);
    harness.run();
    check(&harness, "an access review");
    harness.key_press(egui::Key::F1);
    harness.run();
    assert!(harness.state().help_shown());
    harness.get_by_label_contains("Keyholder help");
    check(&harness, "help");
    assert!(problems.is_empty(), "unlabelled controls:\n{}", problems.join("\n"));
}

#[test]
fn at_125_150_and_200_percent_a_full_hd_screen_still_shows_sign_in_and_the_navigation() {
    let (vault, mut office) = TestVault::open_new();
    office.populate_demo(30).unwrap();
    drop(office);
    for scale in [1.25_f32, 1.5, 2.0] {
        let size = egui::vec2(1920.0 / scale, 1080.0 / scale);
        let deps = deps(&vault.path, vault.clock.clone());
        let mut harness = Harness::builder()
            .with_size(size)
            .with_pixels_per_point(scale)
            .build_eframe(move |_cc| KeyholderApp::new(deps));
        harness.run();
        let inside = |rect: egui::Rect| rect.max.x <= size.x && rect.max.y <= size.y;
        assert!(inside(harness.get_by_role_and_label(Role::Button, "Sign in").rect()), "at {scale}");
        sign_in(&mut harness, PASSWORD);
        assert_eq!(harness.state().screen_name(), "shell");
        // Every page is reachable from the side bar without scrolling, and the keyboard works.
        for page in keyholder::ui::Page::ALL {
            assert!(inside(harness.get_by_role_and_label(Role::Button, page.title()).rect()), "{page:?} at {scale}");
        }
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num3);
        harness.run();
        harness.get_by_label_contains("31 of 31 staff");
    }
}

#[test]
fn a_file_dialog_fills_the_path_field_and_only_the_theme_is_kept_between_runs() {
    let vault = TestVault::new();
    let picker = Arc::new(keyholder::ui::file_dialog::FakePicker::default());
    let chosen = vault.dir.path().join("chosen.khbackup");
    *picker.answer.lock().unwrap() = Some(chosen.clone());
    let mut harness = app_with(AppDeps { files: picker, ..deps(&vault.path, vault.clock.clone()) });
    harness.run();
    sign_in(&mut harness, PASSWORD);
    harness.state_mut().navigate(keyholder::ui::Page::Settings);
    harness.run();
    press(&mut harness, "Choose where…");
    harness.run();
    press(&mut harness, "Write backup");
    assert!(chosen.exists(), "{:?}", harness.state().notice_text());

    // What eframe writes to disk for the next start: the theme, nothing typed, nothing secret.
    #[derive(Default)]
    struct Storage(std::collections::BTreeMap<String, String>);
    impl eframe::Storage for Storage {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.to_owned(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }
    let mut storage = Storage::default();
    eframe::App::save(harness.state_mut(), &mut storage);
    assert_eq!(storage.0.keys().collect::<Vec<_>>(), ["theme"]);
    assert!(!eframe::App::persist_egui_memory(harness.state()), "egui's memory (typed text) is never saved");
}

#[test]
fn an_altered_key_file_is_shown_on_the_dashboard_and_repaired_from_settings_then_the_recovery_key_renewed() {
    let vault = TestVault::new();
    let keys = vault.paths().slots;
    let mut file: serde_json::Value = serde_json::from_slice(&std::fs::read(&keys).unwrap()).unwrap();
    let recovery = file["slots"].as_array_mut().unwrap().iter_mut().find(|s| s["kind"] == "recovery").unwrap();
    recovery["salt"] = serde_json::Value::String("00".repeat(16));
    recovery["check"] = serde_json::Value::String(String::new());
    std::fs::write(&keys, serde_json::to_vec(&file).unwrap()).unwrap();

    let mut harness = signed_in(&vault);
    harness.get_by_label_contains("the recovery-key slot was altered: repair it in Settings");
    harness.state_mut().navigate(keyholder::ui::Page::Settings);
    harness.run();
    let disabled = |node: &egui_kittest::kittest::AccessKitNode<'_>| {
        node.role() == Role::Button && node.label().as_deref() == Some("Change the vault's key") && node.is_disabled()
    };
    assert!(harness.query_by(disabled).is_some(), "nothing is sealed to an altered key file");
    press(&mut harness, "Repair the key file");
    assert!(harness.state().notice_text().unwrap_or_default().contains("Key file repaired"));
    press(&mut harness, "Make a new recovery key");
    // Nothing changes until the new key is confirmed as stored; the old one still works meanwhile.
    harness.get_by_label("Your new recovery key");
    harness.get_by_label("I have stored it safely").click_accesskit();
    harness.run();
    press(&mut harness, "Use this key");
    assert!(harness.query_by_label("Your new recovery key").is_none(), "the key is gone from the screen");
    assert!(harness.state().notice_text().unwrap_or_default().contains("The new recovery key is in use"));
    press(&mut harness, "Change the vault's key");
    harness.get_by_label("Change the vault's key?");
    press(&mut harness, "Change the key");
    assert!(harness.state().notice_text().unwrap_or_default().contains("older copies of its key file open nothing"));
}

#[test]
fn an_export_asks_before_replacing_a_file_and_writes_it_for_the_owner_only() {
    let vault = TestVault::new();
    let existing = vault.dir.path().join("staff.csv");
    std::fs::write(&existing, b"keep me").unwrap();
    let picker = Arc::new(keyholder::ui::file_dialog::FakePicker::default());
    *picker.answer.lock().unwrap() = Some(existing.clone());
    let mut harness = app_with(AppDeps { files: picker, ..deps(&vault.path, vault.clock.clone()) });
    harness.run();
    sign_in(&mut harness, PASSWORD);
    harness.state_mut().navigate(keyholder::ui::Page::Staff);
    harness.run();
    // The staff page has its own export field: the import field is not written to.
    harness.get_by_label("Export to");
    press(&mut harness, "Choose where…");
    press(&mut harness, "Export staff");
    harness.get_by_label("Replace the existing file?");
    press(&mut harness, "Keep it");
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");
    press(&mut harness, "Export staff");
    press(&mut harness, "Replace the file");
    let written = std::fs::read_to_string(&existing).unwrap();
    assert!(written.starts_with("full_name,email,"), "{written}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&existing).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn a_shared_secrets_meter_shows_the_shared_secret_policy_not_the_operator_one() {
    let (vault, mut office) = TestVault::open_new();
    office
        .add_system(keyholder::service::new_system("Alarm", "physical", "holder", "", false, false).unwrap())
        .unwrap();
    drop(office);
    let mut harness = signed_in(&vault);
    harness.state_mut().navigate(keyholder::ui::Page::Secrets);
    harness.run();
    // An alarm code is short by nature: fine for a physical system's secret, though far too
    // short for an operator password. On another system the same value is refused.
    // The system is picked from the list, not typed.
    harness.get_by_role_and_label(Role::ComboBox, "Secret's system").click();
    harness.run();
    harness.get_by_label("Alarm").click();
    harness.run();
    type_into(&mut harness, "Value", "4711");
    harness.get_by_label_contains("meets the office policy for shared secrets");
    harness.get_by_role_and_label(Role::ComboBox, "Secret's system").click();
    harness.run();
    harness.get_by_label("No system").click();
    harness.run();
    harness.get_by_label_contains("asks for at least 16 characters");
}

/// A clipboard that takes text but cannot be read back, as some desktops refuse reads.
#[derive(Default)]
struct UnreadableClipboard {
    inner: FakeClipboard,
}

impl SecretClipboard for UnreadableClipboard {
    fn set(&self, text: &str) -> Result<(), String> {
        self.inner.set(text)
    }
    fn get(&self) -> Option<String> {
        None
    }
    fn clear(&self) -> Result<(), String> {
        self.inner.clear()
    }
}

#[test]
fn a_copied_secret_is_cleared_even_when_the_clipboard_cannot_be_read_back() {
    let vault = office_with_due_secret();
    let clipboard = Arc::new(UnreadableClipboard::default());
    let mut harness = wifi_secret_page_with(&vault, clipboard.clone());
    harness.get_by_role_and_label(Role::Button, "Copy").click();
    harness.run();
    assert_eq!(clipboard.inner.get().as_deref(), Some("ribbon-canyon-violet-tractor-7"));
    vault.clock.advance(jiff::SignedDuration::from_secs(20));
    harness.run();
    assert_eq!(clipboard.inner.get(), None, "a secret is not left behind because the read failed");
}

#[test]
fn the_dashboard_groups_missing_mfa_below_deadlines_and_reads_its_charts_in_words() {
    let (vault, mut office) = TestVault::open_new();
    office.populate_demo(30).unwrap();
    office.start_review(&keyholder::service::NewReview { scope: "all", ..Default::default() }).unwrap();
    let missing = office.due_items().unwrap().iter().filter(|i| i.kind == "missing_mfa").count();
    drop(office);
    let mut harness = signed_in(&vault);
    // Missing MFA on Email: one row with its count, not due, below every real deadline.
    let group = format!("{missing} accounts without MFA on Email");
    let group_top = harness.get_by_role_and_label(Role::Link, &group).rect().top();
    harness.get_by_label("Worth doing, no deadline");
    let overdue = harness.get_by_label_contains("Overdue since");
    assert!(overdue.rect().top() < group_top, "the overdue row comes first");
    let leaver = harness.get_by_label_contains("Jack Novak: leaving on");
    assert!(leaver.rect().top() < group_top, "the leaver comes before missing MFA");
    assert!(harness.query_by_label_contains("(s)").is_none(), "no item(s)-style plurals");
    // The charts say what they show.
    harness.get_by_label("MFA coverage per system");
    harness.get_by_label_contains("Email: ");
    harness.get_by_label("Access review progress");
    assert_eq!(harness.query_all_by_label_contains("items decided").count(), 2, "the review row and its chart");
    // The group opens in place: each account, and the system's page.
    harness.get_by_role_and_label(Role::Link, &group).click();
    harness.run();
    harness.get_by_role_and_label(Role::Link, "Open Email on the Systems page").click();
    harness.run();
    harness.get_by_label("Who has access to Email");
}

#[test]
fn the_access_matrix_has_its_own_search_and_says_when_it_narrows_the_list() {
    let (_vault, mut harness) = office_with_kim_and_sam();
    // A search on the Staff page stays there.
    type_into(&mut harness, "Search", "kim");
    harness.get_by_label("1 of 2 staff");
    harness.get_by_role_and_label(Role::Button, "Access matrix").click();
    harness.run();
    harness.get_by_label("All 2 staff");
    assert!(harness.query_by_label("Sam Carter").is_some() && harness.query_by_label("Kim Lee").is_some());
    // Its own search says so, and one click shows everyone again.
    type_into(&mut harness, "Find staff", "sam");
    harness.get_by_label_contains("Showing 1 of 2 staff");
    assert!(harness.query_by_label("Kim Lee").is_none());
    harness.get_by_role_and_label(Role::Button, "Show everyone").click();
    harness.run();
    harness.get_by_label("All 2 staff");
    // "Staff" in the side bar is the list, not the person opened last.
    harness.get_by_role_and_label(Role::Button, "Staff").click();
    harness.run();
    harness.get_by_label("1 of 2 staff");
    harness.get_by_label("Kim Lee").click();
    harness.run();
    harness.get_by_label("Access, and why");
    harness.get_by_role_and_label(Role::Button, "Roles").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Staff").click();
    harness.run();
    assert!(harness.query_by_label("Access, and why").is_none(), "the list, not Kim's page");
}

#[test]
fn a_disabled_button_says_why_and_a_message_does_not_move_the_form() {
    let dir = tempfile::tempdir().expect("dir");
    let vault = dir.path().join("office.khv");
    let mut harness = app(&vault, Arc::new(ManualClock::new(start_time())));
    harness.run();
    // Before anything is typed, the reason is written beside the button.
    harness.get_by_label("Enter the office's name: reports and authenticator apps show it.");
    harness.get_by(|node| {
        node.role() == Role::Button && node.label().as_deref() == Some("Create vault") && node.is_disabled()
    });
    type_into(&mut harness, "Office name", "Brightside Dental");
    harness.get_by_label("Enter your name: it is how the audit log will name you.");
    type_into(&mut harness, "Your name", OPERATOR);
    type_into(&mut harness, "Password", "short");
    // A refused password never reads as strong: the meter says the rule that refuses it.
    harness.get_by_label_contains("Not accepted:");
    type_into(&mut harness, "Confirm password", "short");
}

#[test]
fn a_message_after_a_failed_sign_in_does_not_move_the_form() {
    let (vault, office) = TestVault::open_new();
    drop(office);
    let mut harness = app(&vault.path, vault.clock.clone());
    harness.run();
    let field_at = |harness: &Harness<'static, KeyholderApp>| {
        harness.get_by_role_and_label(Role::PasswordInput, "Password").rect().min.y
    };
    let before = field_at(&harness);
    harness.get_by_label("to the vault \u{201c}office\u{201d}");
    sign_in(&mut harness, "wrong horse battery staple");
    harness.get_by_label_contains("wrong operator name or password");
    assert_eq!(field_at(&harness), before, "the message has its own place; the form stays put");
    // The keyboard is back in the password field, and the failure is told at the next sign-in.
    harness.run();
    assert!(harness.get_by_role_and_label(Role::PasswordInput, "Password").is_focused());
    sign_in(&mut harness, PASSWORD);
    assert_eq!(
        harness.state().notice_text(),
        Some("1 failed sign-in since the last successful one: see the Audit log.")
    );
}

#[test]
fn removing_access_a_role_gives_is_offered_through_the_roles_and_then_completes() {
    let (vault, mut office) = sales_office("Sam Carter", "sam@example.com", "Sales");
    office.assign_role("Sales", "sam@example.com").unwrap();
    drop(office);
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Access reviews").click();
    harness.run();
    press(&mut harness, "Start review");
    harness.get_by_label("Sam Carter — CRM (user)");
    // Removing it here would only be refused at the tick: the review says why at once, and R
    // decides nothing.
    harness.get_by_label("Given by role Sales.");
    harness.key_press(egui::Key::R);
    harness.run();
    harness.get_by_label_contains("0 of 2 decided");
    // What works instead: change Sam's roles, with the preview of what is lost.
    press(&mut harness, "Change Sam Carter's roles…");
    harness.get_by_label("Access, and why");
    harness.get_by_role_and_label(Role::CheckBox, "Sales").click();
    harness.run();
    harness.get_by_label("Loses: CRM (user), Email (user)");
    press(&mut harness, "Apply role change");
    // Back in the review, the removal is now a decision that can be carried out.
    harness.get_by_role_and_label(Role::Button, "Access reviews").click();
    harness.run();
    harness.get_by_label("Review #1 of everyone's access").click();
    harness.run();
    assert!(harness.query_by_label("Given by role Sales.").is_none());
    harness.key_press(egui::Key::R);
    harness.run();
    harness.key_press(egui::Key::R);
    harness.run();
    harness.get_by_label_contains("2 of 2 decided (0 kept, 2 removed, 0 reduced)");
    press(&mut harness, "Sign off");
    press(&mut harness, "Sign off now");
    let removals = harness.state().notice_text().unwrap_or_default().to_owned();
    assert!(removals.starts_with("Review signed off"), "{removals}");
}

#[test]
fn a_message_after_a_change_covers_a_corner_and_moves_nothing_on_the_page() {
    let (vault, office) = TestVault::open_new();
    drop(office);
    let mut harness = signed_in(&vault);
    harness.state_mut().navigate(keyholder::ui::Page::Settings);
    harness.run();
    let field_at = |harness: &Harness<'static, KeyholderApp>| {
        harness.get_by_role_and_label(Role::TextInput, "Office name").rect().min.y
    };
    let before = field_at(&harness);
    type_into(&mut harness, "Office name", " and Sons");
    press(&mut harness, "Save settings");
    assert!(harness.state().notice_text().is_some_and(|n| n.contains("saved")), "{:?}", harness.state().notice_text());
    assert_eq!(field_at(&harness), before);
}

#[test]
fn a_date_can_be_picked_from_a_calendar() {
    let (_vault, mut harness) = office_with_roles();
    harness.state_mut().navigate(keyholder::ui::Page::JoinersLeavers);
    harness.run();
    press(&mut harness, "Calendar for First day");
    // The calendar opens at the office's today (the frozen clock), headed by its month.
    harness.get_by_label("November 2026");
    press(&mut harness, "Next month");
    harness.get_by_label("December 2026");
    press(&mut harness, "7 December 2026");
    let field = harness.get_by_role_and_label(Role::TextInput, "First day");
    assert_eq!(field.value().as_deref(), Some("07/12/2026"));
    assert!(harness.query_by_label("December 2026").is_none(), "choosing a day closes it");
}
