//! GUI flows for leavers: handing over a leaver's direct reports and systems in the checklist,
//! the warning before rotating a secret a leaver could still read, who could know a secret,
//! office hours, and changing a secret's rotation interval. Found by role and label.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use common::TestVault;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gui_support::*;
use keyholder::domain::staff::StaffDraft;
use keyholder::service::{Office, new_system};
use keyholder::ui::{KeyholderApp, Page};

fn person(office: &mut Office, name: &str, manager: &str) -> i64 {
    let first = name.split(' ').next().unwrap().to_lowercase();
    let draft = StaffDraft {
        full_name: name.into(),
        email: format!("{first}@example.com"),
        manager_email: manager.into(),
        ..Default::default()
    };
    office.add_staff(&draft).unwrap()
}

/// Lee Novak manages Sam Carter and owns Payroll; Jo Smith stays. Lee's last day is today.
fn manager_leaving() -> TestVault {
    let (vault, mut office) = TestVault::open_new();
    person(&mut office, "Lee Novak", "");
    person(&mut office, "Sam Carter", "lee@example.com");
    person(&mut office, "Jo Smith", "");
    let mut payroll = new_system("Payroll", "software", "user", "", true, false).unwrap();
    payroll.owner_email = Some("lee@example.com".into());
    office.add_system(payroll).unwrap();
    office.start_leaver("lee@example.com", "2026-11-23").unwrap();
    drop(office);
    vault
}

fn open_checklist(harness: &mut Harness<'static, KeyholderApp>, link: &str) {
    harness.state_mut().navigate(Page::JoinersLeavers);
    harness.run();
    harness.get_by_role_and_label(Role::Link, link).click();
    harness.run();
}

#[test]
fn a_leavers_direct_report_and_system_are_handed_over_by_choosing_in_the_checklist() {
    let vault = manager_leaving();
    let mut harness = signed_in(&vault);
    open_checklist(&mut harness, "Leaver: Lee Novak");
    // The item's text names its pick-list; choosing does the item, no tick needed.
    assert!(harness.query_by_role_and_label(Role::CheckBox, "Choose a new manager for Sam Carter").is_none());
    harness.get_by_role_and_label(Role::ComboBox, "Choose a new manager for Sam Carter").click();
    harness.run();
    // Offered: no manager, and the people staying; not the leaver, not Sam.
    harness.get_by_label("No manager");
    assert!(harness.query_by_label("Lee Novak <lee@example.com>").is_none());
    assert!(harness.query_by_label("Sam Carter <sam@example.com>").is_none());
    harness.get_by_label("Jo Smith <jo@example.com>").click();
    harness.run();
    assert_eq!(harness.state().notice_text(), Some("Jo Smith is Sam Carter's manager now."));
    harness.get_by_label("Sam Carter reports to Jo Smith now");
    // Unticking it offers the choice again (Jo stays Sam's manager until then).
    harness.get_by_role_and_label(Role::CheckBox, "Choose a new manager for Sam Carter").click();
    harness.run();
    assert_eq!(harness.state().notice_text(), Some("Item reopened."));
    choose(&mut harness, "Choose a new manager for Sam Carter", "Jo Smith <jo@example.com>");
    harness.get_by_label("Sam Carter reports to Jo Smith now");

    // Ownership the same way, or to nobody.
    choose(&mut harness, "Hand over ownership of Payroll to someone staying", "Nobody");
    assert_eq!(harness.state().notice_text(), Some("Payroll has no owner now."));
    harness.get_by_label("Payroll has no owner now");
    drop(harness);
    let office = vault.sign_in();
    let directory = office.directory().unwrap();
    let jo = directory.person_by_email("jo@example.com").unwrap().id;
    assert_eq!(directory.person_by_email("sam@example.com").unwrap().manager_id, Some(jo));
    assert_eq!(directory.system_by_name("Payroll").unwrap().owner_id, None);
}

/// Wi-Fi (everyone in role Office has it) with the secret Office Wi-Fi (no interval); Sam
/// Carter is in Office and also named as knowing it; Kim Lee stays.
fn wifi_office() -> (TestVault, Office) {
    let (vault, mut office) = TestVault::open_new();
    office.add_system(new_system("Wi-Fi", "shared_account", "user", "", false, false).unwrap()).unwrap();
    office.add_role("Office", &["Wi-Fi:user".into()]).unwrap();
    person(&mut office, "Sam Carter", "");
    person(&mut office, "Kim Lee", "");
    office.assign_role("Office", "sam@example.com").unwrap();
    let value = keyholder::domain::secret::SecretString::new("ribbon-canyon-violet-tractor-7");
    office
        .add_secret("Office Wi-Fi", Some("Wi-Fi"), None, "", &value, None, None, &["sam@example.com".into()])
        .unwrap();
    (vault, office)
}

fn open_secret(harness: &mut Harness<'static, KeyholderApp>, name: &str) {
    harness.state_mut().navigate(Page::Secrets);
    harness.run();
    harness.get_by_role_and_label(Role::Button, name).click();
    harness.run();
}

#[test]
fn who_could_know_a_secret_lists_each_person_once_with_all_their_reasons() {
    let (vault, office) = wifi_office();
    drop(office);
    let mut harness = signed_in(&vault);
    open_secret(&mut harness, "Office Wi-Fi");
    harness.get_by_label("Who could know it");
    harness.get_by_label("Sam Carter: has Wi-Fi (user) through role Office; named as a holder");
    assert_eq!(harness.query_all_by_label_contains("Sam Carter:").count(), 1, "Sam is listed once");
}

#[test]
fn a_skipped_rotation_takes_the_secret_off_the_dashboard_and_the_secrets_list() {
    let (vault, mut office) = wifi_office();
    office.start_leaver("sam@example.com", "2026-11-23").unwrap();
    drop(office);
    let mut harness = signed_in(&vault);
    harness.get_by_label_contains("Office Wi-Fi: rotate: Sam Carter could know it");
    open_checklist(&mut harness, "Leaver: Sam Carter");
    press(&mut harness, "Skip: Rotate the shared secret Office Wi-Fi");
    type_into(&mut harness, "Why skip it?", "the router was replaced on Sam's last day");
    press(&mut harness, "Skip it");
    assert_eq!(harness.state().notice_text(), Some("Item skipped."));
    harness.state_mut().navigate(Page::Dashboard);
    harness.run();
    assert!(harness.query_by_label_contains("Office Wi-Fi").is_none(), "not due, not overdue");
    open_secret(&mut harness, "Office Wi-Fi");
    harness.get_by_label("not due");
    assert!(harness.query_by_label_contains("Due:").is_none());
    // Sam still could know the old value, and the page says the rotation was skipped.
    harness.get_by_label_contains("(rotation skipped: the router was replaced on Sam's last day)");
}

#[test]
fn rotating_a_secret_a_leaver_can_still_reach_warns_and_offers_their_checklist() {
    let (vault, mut office) = wifi_office();
    office.start_leaver("sam@example.com", "2026-11-30").unwrap();
    drop(office);
    let mut harness = signed_in(&vault);
    open_secret(&mut harness, "Office Wi-Fi");
    press(&mut harness, "Generate new value");
    press(&mut harness, "Rotate now");
    harness.get_by_label("Sam Carter could learn the new value");
    harness.get_by_label("Sam Carter is leaving (last day 30 Nov), and still has access to Wi-Fi.");
    harness.get_by_label_contains("The new value would be known to them too until their access is removed");
    // Going to the checklist rotates nothing.
    press(&mut harness, "Open Sam Carter's checklist");
    harness.get_by_label("Leaver checklist: Sam Carter (30 Nov)");
    assert!(harness.query_by_label("Sam Carter could learn the new value").is_none());
    // Not rotated: its item is still to do.
    harness.get_by_role_and_label(Role::Button, "Rotate the secret…: Rotate the shared secret Office Wi-Fi");

    // Back on the secret: rotate anyway.
    open_secret(&mut harness, "Office Wi-Fi");
    press(&mut harness, "Generate new value");
    press(&mut harness, "Rotate now");
    press(&mut harness, "Rotate anyway");
    assert!(harness.state().notice_text().unwrap().starts_with("Office Wi-Fi rotated"));
    assert!(harness.query_by_label("Sam Carter could learn the new value").is_none());
    drop(harness);
    assert_eq!(vault.sign_in().secret_history("Office Wi-Fi").unwrap().len(), 1, "rotated once");
}

#[test]
fn without_anyone_leaving_a_rotation_asks_nothing() {
    let (vault, office) = wifi_office();
    drop(office);
    let mut harness = signed_in(&vault);
    open_secret(&mut harness, "Office Wi-Fi");
    press(&mut harness, "Generate new value");
    press(&mut harness, "Rotate now");
    assert!(harness.query_by_label_contains("could learn the new value").is_none());
    assert!(harness.state().notice_text().unwrap().starts_with("Office Wi-Fi rotated"));
}

#[test]
fn a_secrets_rotation_interval_is_changed_on_its_page_and_the_due_date_follows() {
    // Office Wi-Fi: every 30 days, last changed 1 Sep, so overdue since 1 Oct.
    let vault = office_with_due_secret();
    let (mut harness, _clipboard) = wifi_secret_page(&vault);
    harness.get_by_label("Due: rotation interval ends 2026-10-01");
    harness.get_by_label("by 2026-10-01");
    // Save waits, and says why, until another interval is chosen.
    harness.get_by_label("Nothing has changed yet.");
    choose(&mut harness, "Rotation interval", "Every year (365 days)");
    assert!(harness.query_by_label("Nothing has changed yet.").is_none());
    press(&mut harness, "Save rotation interval");
    assert_eq!(harness.state().notice_text(), Some("Office Wi-Fi: next change due by 1 Sep 2027."));
    harness.get_by_label("by 2027-09-01");
    assert!(harness.query_by_label_contains("Due: rotation interval").is_none(), "no longer due");
    harness.get_by_label("Nothing has changed yet.");
    // And off the dashboard.
    harness.state_mut().navigate(Page::Dashboard);
    harness.run();
    harness.get_by_label("Nothing needs attention.");
}

#[test]
fn office_hours_are_chosen_in_settings_and_the_dashboard_counts_revocation_from_closing_time() {
    let (vault, mut office) = wifi_office();
    office.start_leaver("sam@example.com", "2026-11-23").unwrap();
    // Everything is taken away at 14:00 on Sam's last day.
    vault.clock.advance(jiff::SignedDuration::from_hours(5));
    for item in office.checklists_of("sam@example.com").unwrap().pop().unwrap().items {
        match item.kind {
            keyholder::domain::checklist::ItemKind::RotateSecret { .. } => {
                office.skip_item(item.id, "changed").unwrap()
            }
            _ => office.complete_item(item.id).unwrap(),
        }
    }
    office.finish_leaver("sam@example.com").unwrap();
    drop(office);
    let mut harness = signed_in(&vault);
    harness.get_by_label("Leavers: hours to full revocation");
    harness.get_by_label("1 leaver in the last year: fully revoked by closing time on the last day (Sam Carter)");
    harness.get_by_label_contains("Counted from closing time (17:30)");

    harness.state_mut().navigate(Page::Settings);
    harness.run();
    harness.get_by_label_contains("a leaver's last day ends at this time");
    choose(&mut harness, "Office closes at", "12:00");
    press(&mut harness, "Save settings");
    assert_eq!(harness.state().notice_text(), Some("Settings saved."));
    harness.get_by(|node| {
        node.role() == Role::Button && node.label().as_deref() == Some("Save settings") && node.is_disabled()
    });

    harness.state_mut().navigate(Page::Dashboard);
    harness.run();
    harness.get_by_label("1 leaver in the last year: fully revoked within 2 hours of closing time (Sam Carter)");
    harness.get_by_label_contains("Counted from closing time (12:00)");
}

#[test]
fn ticking_or_skipping_a_row_moves_none_of_the_rows_below() {
    let vault = manager_leaving();
    let mut harness = signed_in(&vault);
    open_checklist(&mut harness, "Leaver: Lee Novak");
    // Below every row: it moves if any row grows.
    let last = |harness: &Harness<'static, KeyholderApp>| {
        harness.get_by_role_and_label(Role::Button, "Mark as left").rect().top()
    };
    let before = last(&harness);
    harness.get_by_role_and_label(Role::CheckBox, "Return building pass and keys").click();
    harness.run();
    assert_eq!(last(&harness), before, "the done line takes one line, as the due date did");
    press(&mut harness, "Skip: Remind of confidentiality duties that continue after leaving");
    harness.get_by_label("Why skip it?");
    assert_eq!(last(&harness), before, "the reason is asked in the row's own line");
}

#[test]
fn starting_a_managers_leaving_says_which_hand_overs_it_will_ask_for() {
    let (vault, mut office) = TestVault::open_new();
    person(&mut office, "Lee Novak", "");
    person(&mut office, "Sam Carter", "lee@example.com");
    let mut payroll = new_system("Payroll", "software", "user", "", true, false).unwrap();
    payroll.owner_email = Some("lee@example.com".into());
    office.add_system(payroll).unwrap();
    drop(office);
    let mut harness = signed_in(&vault);
    press(&mut harness, "Staff");
    harness.get_by_label("Lee Novak").click();
    harness.run();
    press(&mut harness, "Calendar for Last day");
    press(&mut harness, "30 November 2026");
    press(&mut harness, "Start leaving…");
    harness.get_by_label("It also asks you to choose a new manager for 1 person and a new owner for 1 system.");
}
