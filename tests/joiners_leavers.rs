//! Joiners and leavers: generated checklists, their effects on access, the rules for finishing,
//! and the report.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::TestVault;
use keyholder::domain::checklist::{ItemKind, ItemState, Process};
use keyholder::domain::staff::{StaffDraft, StaffStatus};
use keyholder::service::{NewJoiner, Office, ServiceError, new_system};

/// CRM (MFA), Email (MFA), Files (no MFA), Safe; roles Sales (CRM, Email) and Office (Email,
/// Files); Sam has both roles, an exception on Safe, an account per system and two devices.
fn office_with_sam() -> (TestVault, Office) {
    let (vault, mut office) = TestVault::open_new();
    office.add_system(new_system("CRM", "software", "user,admin", "admin", true, true).unwrap()).unwrap();
    office.add_system(new_system("Email", "software", "user", "", false, true).unwrap()).unwrap();
    office.add_system(new_system("Files", "software", "user", "", true, false).unwrap()).unwrap();
    office.add_system(new_system("Safe", "physical", "holder", "", true, false).unwrap()).unwrap();
    office.add_role("Sales", &["CRM:user".into(), "Email:user".into()]).unwrap();
    office.add_role("Office", &["Email:user".into(), "Files:user".into()]).unwrap();
    let sam = StaffDraft {
        full_name: "Sam Carter".into(),
        email: "sam@example.com".into(),
        start_date: "2026-11-23".into(),
        ..Default::default()
    };
    let roles = ["Sales".to_owned(), "Office".to_owned()];
    let (_, joiner) = office.start_joiner(NewJoiner { draft: sam, roles: &roles }).unwrap();
    // Finish the joiner checklist so Sam has an account on each system.
    let list = office.checklists_of("sam@example.com").unwrap().into_iter().find(|c| c.id == joiner).unwrap();
    for item in &list.items {
        office.complete_item(item.id).unwrap();
    }
    office.grant("sam@example.com", "Safe", "holder", "keeps the petty cash", None).unwrap();
    office.add_device("Laptop", "LT-001", "ThinkPad T14", Some("sam@example.com")).unwrap();
    office.add_device("Phone", "PH-002", "Pixel 8", Some("sam@example.com")).unwrap();
    office.add_device("Laptop", "LT-003", "spare", None).unwrap();
    (vault, office)
}

fn leaver_list(office: &Office) -> keyholder::domain::checklist::Checklist {
    office.checklists_of("sam@example.com").unwrap().into_iter().rev().find(|c| c.process == Process::Leaver).unwrap()
}

#[test]
fn a_joiner_gets_one_account_item_per_system_and_mfa_items_only_where_supported() {
    let (_vault, mut office) = TestVault::open_new();
    office.add_system(new_system("CRM", "software", "user", "", true, true).unwrap()).unwrap();
    office.add_system(new_system("Email", "software", "user", "", false, true).unwrap()).unwrap();
    office.add_system(new_system("Files", "software", "user", "", true, false).unwrap()).unwrap();
    office.add_role("Sales", &["CRM:user".into(), "Email:user".into()]).unwrap();
    office.add_role("Office", &["Email:user".into(), "Files:user".into()]).unwrap();
    let kim = StaffDraft {
        full_name: "Kim".into(),
        email: "kim@example.com".into(),
        start_date: "2026-12-01".into(),
        ..Default::default()
    };
    let roles = ["Sales".to_owned(), "Office".to_owned()];
    office.start_joiner(NewJoiner { draft: kim, roles: &roles }).unwrap();
    let list = office.checklists_of("kim@example.com").unwrap().pop().unwrap();
    let titles: Vec<&str> = list.items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "Create their own account on CRM",
            "Create their own account on Email",
            "Create their own account on Files",
            "Enrol multi-factor authentication on CRM",
            "Enrol multi-factor authentication on Email",
            "Issue equipment and record it in the device register",
            "Enrol their authenticator app for identity checks",
            "Read and acknowledge the data-protection policy",
            "Read and acknowledge the acceptable-use policy",
            "Give a building pass and show the alarm and fire procedures",
            "Explain confidentiality duties",
        ]
    );
    let directory = office.directory().unwrap();
    assert_eq!(directory.person_by_email("kim@example.com").unwrap().status, StaffStatus::Joining);
    // Everything done or skipped with a reason: Kim becomes active.
    for (n, item) in list.items.iter().enumerate() {
        if n == 5 {
            office.skip_item(item.id, "works from home with her own laptop").unwrap()
        } else {
            office.complete_item(item.id).unwrap()
        }
    }
    let directory = office.directory().unwrap();
    let kim = directory.person_by_email("kim@example.com").unwrap();
    // All done before 1 December: Kim becomes active on that day (see the test below).
    assert_eq!(kim.status, StaffStatus::Joining);
    let accounts: Vec<_> = directory.accounts_of(kim.id).collect();
    assert_eq!(accounts.len(), 3);
    assert_eq!(accounts.iter().filter(|a| a.mfa_enrolled).count(), 2);
    assert!(office.checklists_of("kim@example.com").unwrap()[0].finished_at.is_some());
}

#[test]
fn a_leaver_gets_exactly_the_right_items() {
    let (_vault, mut office) = office_with_sam();
    let value = keyholder::domain::secret::SecretString::new("ribbon-canyon-violet-tractor-7");
    // Three secrets Sam could know: through CRM access, through the Safe exception, and named.
    office.add_secret("CRM admin login", Some("CRM"), None, "admin", &value, None, None, &[]).unwrap();
    office.add_secret("Safe combination", Some("Safe"), None, "", &value, None, None, &[]).unwrap();
    office.add_secret("Bank portal", None, None, "", &value, None, None, &["sam@example.com".into()]).unwrap();
    // And one Sam cannot know: CRM's admin level only.
    office.add_secret("CRM root", Some("CRM"), Some("admin"), "root", &value, None, None, &[]).unwrap();
    office.start_leaver("sam@example.com", "2026-11-30").unwrap();
    let list = leaver_list(&office);
    let mut titles: Vec<String> = list.items.iter().map(|i| i.title.clone()).collect();
    titles.sort();
    let mut expected: Vec<String> = [
        "Remove role Office (Email user, Files user)",
        "Remove role Sales (CRM user, Email user)",
        "Revoke direct access to Safe (holder): keeps the petty cash",
        "Disable or delete account sam on CRM",
        "Disable or delete account sam on Email",
        "Disable or delete account sam on Files",
        "Collect Laptop ThinkPad T14 (LT-001)",
        "Collect Phone Pixel 8 (PH-002)",
        "Rotate the shared secret Bank portal",
        "Rotate the shared secret CRM admin login",
        "Rotate the shared secret Safe combination",
        "Return building pass and keys",
        "Remind of confidentiality duties that continue after leaving",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    expected.sort();
    assert_eq!(titles, expected);
    assert!(list.items.iter().all(|i| i.due.to_string() == "2026-11-30"), "items are due on the last day");
}

#[test]
fn a_future_last_day_schedules_without_revoking_early_and_left_needs_every_item_closed() {
    let (_vault, mut office) = office_with_sam();
    let before = office.directory().unwrap().matrix(office.today()).len();
    office.start_leaver("sam@example.com", "2026-12-31").unwrap();
    let directory = office.directory().unwrap();
    assert_eq!(directory.person_by_email("sam@example.com").unwrap().status, StaffStatus::Leaving);
    assert_eq!(directory.matrix(office.today()).len(), before, "nothing is revoked before the last day");
    let error = office.finish_leaver("sam@example.com").unwrap_err();
    assert!(matches!(&error, ServiceError::RefusedByState(m) if m.starts_with("10 item(s) still open")), "{error}");
    let list = leaver_list(&office);
    let first = list.items[0].id;
    assert!(matches!(office.skip_item(first, "   "), Err(ServiceError::Invalid(m)) if m.contains("reason")));
    assert!(
        matches!(office.start_leaver("sam@example.com", "2026-12-31"), Err(ServiceError::Conflict(_))),
        "one leaver process at a time"
    );
}

#[test]
fn ticking_revocations_removes_the_access_and_the_report_has_every_item() {
    let (vault, mut office) = office_with_sam();
    // Recorded late: the last day was yesterday.
    office.start_leaver("sam@example.com", "2026-11-22").unwrap();
    let list = leaver_list(&office);
    let sam = list.staff_id;
    vault.clock.advance(jiff::SignedDuration::from_hours(3));
    for item in &list.items {
        match item.kind {
            ItemKind::CollectDevice { .. } if item.title.contains("Phone") => {
                office.skip_item(item.id, "phone was lost; remote wipe done").unwrap()
            }
            _ => office.complete_item(item.id).unwrap(),
        }
    }
    let directory = office.directory().unwrap();
    assert!(
        directory.matrix(office.today()).keys().all(|(staff, _)| *staff != sam),
        "all access is gone from the matrix"
    );
    assert!(directory.accounts_of(sam).all(|a| a.disabled_on.is_some()));
    office.finish_leaver("sam@example.com").unwrap();
    let directory = office.directory().unwrap();
    let person = directory.person(sam).unwrap();
    assert_eq!(person.status, StaffStatus::Left);
    assert_eq!(person.end_date.map(|d| d.to_string()).as_deref(), Some("2026-11-22"));
    let laptop = office.devices().unwrap().into_iter().find(|d| d.serial == "LT-001").unwrap();
    assert!(laptop.returned_on.is_some());

    let list = leaver_list(&office);
    // The last day ended at closing time, 2026-11-22 17:30 UTC; revocations were done at
    // 2026-11-23 12:00.
    let closes = keyholder::domain::office_hours::DEFAULT_CLOSING;
    let hours = list.time_to_full_revocation(&jiff::tz::TimeZone::UTC, closes).map(|d| d.as_secs_f64() / 3600.0);
    assert_eq!(hours, Some(18.5));
    let report = String::from_utf8(office.leaver_report_csv("sam@example.com").unwrap()).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "item,kind,task,due,outcome,by,at,reason");
    assert_eq!(lines.len(), 1 + list.items.len() + 1);
    for item in &list.items {
        let line = lines.iter().find(|l| l.starts_with(&format!("{},", item.id))).unwrap();
        assert!(line.contains(",Ada,2026-11-23T12:00:00Z"), "{line}");
        if let ItemState::Skipped { reason, .. } = &item.state {
            assert!(line.ends_with(reason.as_str()), "{line}");
        }
    }
    assert!(
        report
            .ends_with(",summary,time to full revocation,,18.5 hours after closing time (17:30) on the last day,,,\n"),
        "{report}"
    );
}

#[test]
fn skipping_a_revocation_does_not_let_a_leaver_keep_access() {
    let (_vault, mut office) = office_with_sam();
    office.start_leaver("sam@example.com", "2026-11-23").unwrap();
    for item in leaver_list(&office).items {
        match item.kind {
            ItemKind::RemoveRole { .. } => office.skip_item(item.id, "thought it was already removed").unwrap(),
            _ => office.complete_item(item.id).unwrap(),
        }
    }
    let error = office.finish_leaver("sam@example.com").unwrap_err();
    assert!(
        matches!(&error, ServiceError::RefusedByState(m) if m.starts_with("sam@example.com still has access: CRM (user)")),
        "{error}"
    );
    assert_eq!(office.directory().unwrap().person_by_email("sam@example.com").unwrap().status, StaffStatus::Leaving);
}

#[test]
fn the_leaver_report_is_also_a_pdf() {
    let (_vault, mut office) = office_with_sam();
    office.start_leaver("sam@example.com", "2026-11-23").unwrap();
    for item in leaver_list(&office).items {
        office.complete_item(item.id).unwrap();
    }
    office.finish_leaver("sam@example.com").unwrap();
    let pdf = office.leaver_report_pdf("sam@example.com").unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let pdf_text = String::from_utf8_lossy(&pdf);
    let pages = pdf_text.split("/Count ").skip(1).map(|rest| rest.split(|c: char| !c.is_ascii_digit()).next());
    assert!(pages.into_iter().any(|n| n == Some("1")), "ten items fit on one page");
}

#[test]
fn a_skip_or_a_tick_that_changed_nothing_can_be_taken_back_until_the_process_is_finished() {
    let (_vault, mut office) = office_with_sam();
    office.start_leaver("sam@example.com", "2026-11-23").unwrap();
    let list = leaver_list(&office);
    let role = list.items.iter().find(|i| matches!(i.kind, ItemKind::RemoveRole { .. })).unwrap().id;
    let note = list.items.iter().find(|i| !i.kind.changes_record()).expect("a template item").id;
    // A skip is taken back: the item is open again, and the audit log says so.
    office.skip_item(role, "done by IT tomorrow").unwrap();
    office.reopen_item(role).unwrap();
    assert_eq!(leaver_list(&office).items.iter().find(|i| i.id == role).unwrap().state, ItemState::Open);
    assert!(office.audit_log().unwrap().iter().any(|r| r.action == "checklist.reopen"));
    // A tick that removed a role is not undone by un-ticking: the role is given back on the
    // person's page.
    office.complete_item(role).unwrap();
    assert!(matches!(office.reopen_item(role), Err(ServiceError::RefusedByState(m)) if m.contains("undo that change")));
    // A tick that only noted something is taken back.
    office.complete_item(note).unwrap();
    office.reopen_item(note).unwrap();
    assert_eq!(leaver_list(&office).items.iter().find(|i| i.id == note).unwrap().state, ItemState::Open);
    // An item that is not on record is named as such.
    assert!(matches!(office.reopen_item(role + 1000), Err(ServiceError::NotFound { .. })));
}

#[test]
fn a_finished_checklist_is_archived_out_of_the_current_list_and_stays_on_the_person() {
    let (_vault, mut office) = office_with_sam();
    let joiner = office.checklists_of("sam@example.com").unwrap()[0].id;
    assert!(office.current_checklists().unwrap().iter().any(|c| c.id == joiner), "finished just now: still shown");
    office.start_leaver("sam@example.com", "2026-11-30").unwrap();
    let leaver = leaver_list(&office).id;
    assert!(matches!(office.archive_checklist(leaver), Err(ServiceError::RefusedByState(_))), "not finished");
    office.archive_checklist(joiner).unwrap();
    assert!(!office.current_checklists().unwrap().iter().any(|c| c.id == joiner));
    assert!(office.checklists_of("sam@example.com").unwrap().iter().any(|c| c.id == joiner));
    // Once finished, its items can no longer be taken back.
    let item = office.checklists_of("sam@example.com").unwrap()[0].items[0].id;
    assert!(matches!(office.reopen_item(item), Err(ServiceError::RefusedByState(m)) if m.contains("finished")));
}

#[test]
fn a_joiner_whose_checklist_is_done_early_becomes_active_on_their_start_date() {
    let (vault, mut office) = TestVault::open_new();
    office.add_system(new_system("Email", "software", "user", "", false, false).unwrap()).unwrap();
    office.add_role("Office", &["Email:user".into()]).unwrap();
    let kim = StaffDraft {
        full_name: "Kim Lee".into(),
        email: "kim@example.com".into(),
        start_date: "2026-12-01".into(),
        ..Default::default()
    };
    let (kim, joiner) = office.start_joiner(NewJoiner { draft: kim, roles: &["Office".to_owned()] }).unwrap();
    let sam = StaffDraft {
        full_name: "Sam Carter".into(),
        email: "sam@example.com".into(),
        start_date: "2026-11-20".into(),
        ..Default::default()
    };
    let (sam, _) = office.start_joiner(NewJoiner { draft: sam, roles: &["Office".to_owned()] }).unwrap();
    let list = office.checklists_of("kim@example.com").unwrap().into_iter().find(|c| c.id == joiner).unwrap();
    for item in &list.items {
        office.complete_item(item.id).unwrap();
    }
    let status = |office: &Office| office.directory().unwrap().person(kim).unwrap().status;
    assert_eq!(status(&office), StaffStatus::Joining, "everything is ready a week early; they have not started");
    drop(office);
    vault.clock.advance(jiff::SignedDuration::from_hours(8 * 24));
    let office = vault.sign_in();
    assert_eq!(status(&office), StaffStatus::Active, "on their first day");
    let sam_status = office.directory().unwrap().person(sam).unwrap().status;
    assert_eq!(sam_status, StaffStatus::Joining, "started, but their checklist is not done");
    assert!(office.audit_log().unwrap().iter().any(|r| r.action == "staff.active"));
}

/// Lee manages Sam and Kim and owns the Payroll system; Jo stays; Max has left.
fn office_with_a_manager_leaving() -> (TestVault, Office) {
    let (vault, mut office) = TestVault::open_new();
    let person = |office: &mut Office, name: &str, manager: &str| {
        let draft = StaffDraft {
            full_name: name.into(),
            email: format!("{}@example.com", name.to_lowercase()),
            manager_email: manager.into(),
            ..Default::default()
        };
        office.add_staff(&draft).unwrap()
    };
    person(&mut office, "Lee", "");
    person(&mut office, "Sam", "lee@example.com");
    person(&mut office, "Kim", "lee@example.com");
    person(&mut office, "Jo", "");
    person(&mut office, "Max", "lee@example.com");
    office.start_leaver("max@example.com", "2026-11-01").unwrap();
    for item in items_of(&office, "max@example.com") {
        office.complete_item(item.id).unwrap();
    }
    office.finish_leaver("max@example.com").unwrap();
    let mut payroll = new_system("Payroll", "software", "user", "", true, false).unwrap();
    payroll.owner_email = Some("lee@example.com".into());
    office.add_system(payroll).unwrap();
    (vault, office)
}

fn items_of(office: &Office, email: &str) -> Vec<keyholder::domain::checklist::Item> {
    office.checklists_of(email).unwrap().pop().unwrap().items
}

#[test]
fn a_leaving_manager_gets_an_item_per_direct_report_and_choosing_sets_the_new_manager() {
    let (_vault, mut office) = office_with_a_manager_leaving();
    office.start_leaver("lee@example.com", "2026-11-30").unwrap();
    let items = items_of(&office, "lee@example.com");
    let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
    assert!(titles.contains(&"Choose a new manager for Kim"), "{titles:?}");
    assert!(titles.contains(&"Choose a new manager for Sam"), "{titles:?}");
    assert!(!titles.iter().any(|t| t.contains("Max")), "someone who left needs no manager: {titles:?}");
    let directory = office.directory().unwrap();
    let id = |email: &str| directory.person_by_email(email).unwrap().id;
    let for_sam = items.iter().find(|i| i.title == "Choose a new manager for Sam").unwrap();
    let for_kim = items.iter().find(|i| i.title == "Choose a new manager for Kim").unwrap();
    assert_eq!(for_sam.kind, ItemKind::ChooseManager { report: id("sam@example.com") });

    // Refused choices leave everything as it was.
    for (to, why) in [(id("lee@example.com"), "Lee is leaving"), (id("max@example.com"), "Max has left")] {
        let error = office.hand_over(for_sam.id, Some(to)).unwrap_err();
        assert!(matches!(&error, ServiceError::Invalid(m) if m.starts_with(why)), "{error}");
    }
    let error = office.hand_over(for_sam.id, Some(id("sam@example.com"))).unwrap_err();
    assert!(matches!(&error, ServiceError::Invalid(m) if m.contains("their own manager")), "{error}");

    let audit_before = office.audit_log().unwrap().len();
    office.hand_over(for_sam.id, Some(id("jo@example.com"))).unwrap();
    let audit = office.audit_log().unwrap();
    assert_eq!(audit.len(), audit_before + 1, "one write, one audit record");
    let record = audit.last().unwrap();
    assert_eq!(record.action, "checklist.done");
    assert!(record.summary.contains(&format!(
        "staff #{} now reports to staff #{}",
        id("sam@example.com"),
        id("jo@example.com")
    )));
    let directory = office.directory().unwrap();
    assert_eq!(directory.person_by_email("sam@example.com").unwrap().manager_id, Some(id("jo@example.com")));
    let items = items_of(&office, "lee@example.com");
    assert!(matches!(items.iter().find(|i| i.id == for_sam.id).unwrap().state, ItemState::Done { .. }));
    // Sam now manages nobody, Jo manages Sam: Kim may report to Sam, and "no manager" is a choice.
    office.hand_over(for_kim.id, None).unwrap();
    assert_eq!(office.directory().unwrap().person_by_email("kim@example.com").unwrap().manager_id, None);
    assert!(matches!(office.hand_over(for_kim.id, Some(id("jo@example.com"))), Err(ServiceError::RefusedByState(_))));
    // Taken back to choose again: Jo stays Sam's manager until another choice.
    office.reopen_item(for_sam.id).unwrap();
    assert_eq!(
        office.directory().unwrap().person_by_email("sam@example.com").unwrap().manager_id,
        Some(id("jo@example.com"))
    );
    office.hand_over(for_sam.id, Some(id("kim@example.com"))).unwrap();
    assert_eq!(
        office.directory().unwrap().person_by_email("sam@example.com").unwrap().manager_id,
        Some(id("kim@example.com"))
    );
}

#[test]
fn ownership_is_handed_to_someone_staying_or_to_nobody_by_a_plain_tick() {
    let (_vault, mut office) = office_with_a_manager_leaving();
    office.start_leaver("lee@example.com", "2026-11-30").unwrap();
    let items = items_of(&office, "lee@example.com");
    let payroll = items.iter().find(|i| matches!(i.kind, ItemKind::TransferOwnership { .. })).unwrap();
    assert_eq!(payroll.title, "Hand over ownership of Payroll to someone staying");
    let jo = office.directory().unwrap().person_by_email("jo@example.com").unwrap().id;
    office.hand_over(payroll.id, Some(jo)).unwrap();
    let owner = |office: &Office| office.directory().unwrap().system_by_name("Payroll").unwrap().owner_id;
    assert_eq!(owner(&office), Some(jo));
    // Not a hand-over item: refused.
    let other = items.iter().find(|i| !i.kind.hands_over() && !i.state.is_closed()).unwrap();
    assert!(matches!(office.hand_over(other.id, Some(jo)), Err(ServiceError::Invalid(_))));

    // A plain tick (as `keyholder checklist done` gives) still means "nobody", as before.
    let (_vault, mut office) = office_with_a_manager_leaving();
    office.start_leaver("lee@example.com", "2026-11-30").unwrap();
    let items = items_of(&office, "lee@example.com");
    let payroll = items.iter().find(|i| matches!(i.kind, ItemKind::TransferOwnership { .. })).unwrap();
    office.complete_item(payroll.id).unwrap();
    assert_eq!(owner(&office), None);
    let for_sam = items.iter().find(|i| i.title == "Choose a new manager for Sam").unwrap();
    office.complete_item(for_sam.id).unwrap();
    assert_eq!(office.directory().unwrap().person_by_email("sam@example.com").unwrap().manager_id, None);
}

#[test]
fn time_to_full_revocation_counts_from_the_offices_closing_time_on_the_last_day() {
    let (vault, mut office) = office_with_sam();
    assert_eq!(office.closing_time().unwrap(), jiff::civil::time(17, 30, 0, 0), "until chosen");
    assert!(matches!(office.set_closing_time(jiff::civil::time(17, 45, 0, 0)), Err(ServiceError::Invalid(_))));
    office.set_time_zone("Europe/London").unwrap();
    office.start_leaver("sam@example.com", "2026-11-23").unwrap();
    // Everything is taken away by 14:00 on the last day (clock: 09:00 UTC = 09:00 in London).
    vault.clock.advance(jiff::SignedDuration::from_hours(5));
    for item in leaver_list(&office).items {
        office.complete_item(item.id).unwrap();
    }
    office.finish_leaver("sam@example.com").unwrap();
    assert!(office.audit_log().unwrap().last().unwrap().summary.ends_with("time to full revocation 0.0 h"));
    let hours = |office: &Office| {
        let figures = office.dashboard_figures(&office.directory().unwrap()).unwrap();
        (figures.revocations.iter().map(|r| r.hours).collect::<Vec<_>>(), figures.closes_at)
    };
    assert_eq!(hours(&office), (vec![0.0], jiff::civil::time(17, 30, 0, 0)), "done before closing: 0 hours");
    // An office that closes at noon: two hours after closing.
    office.set_closing_time(jiff::civil::time(12, 0, 0, 0)).unwrap();
    let record = office.audit_log().unwrap().pop().unwrap();
    assert_eq!(record.action, "settings.office_hours");
    assert_eq!((record.before.as_deref(), record.after.as_deref()), (Some("17:30"), Some("12:00")));
    assert_eq!(office.settings().unwrap().closes_at, jiff::civil::time(12, 0, 0, 0));
    assert_eq!(hours(&office).0, vec![2.0]);
    let report = String::from_utf8(office.leaver_report_csv("sam@example.com").unwrap()).unwrap();
    assert!(report.contains("2.0 hours after closing time (12:00) on the last day"), "{report}");
}

#[test]
fn marking_a_leaver_as_left_closes_their_other_open_checklists_with_the_reason() {
    let (_vault, mut office) = office_with_sam();
    let directory = office.directory().unwrap();
    let sam = directory.person_by_email("sam@example.com").unwrap().id;
    let office_role = directory.role_by_name("Office").unwrap().id;
    // A change of roles leaves a mover checklist with items to do in the systems themselves.
    office.set_roles(sam, &[office_role]).unwrap();
    let mover = office.checklists_of("sam@example.com").unwrap().into_iter().find(|c| c.process == Process::Mover);
    assert!(mover.as_ref().is_some_and(|m| m.open_items().count() > 0), "{mover:?}");

    office.start_leaver("sam@example.com", "2026-11-22").unwrap();
    for item in &leaver_list(&office).items {
        office.complete_item(item.id).unwrap();
    }
    office.finish_leaver("sam@example.com").unwrap();
    let lists = office.checklists_of("sam@example.com").unwrap();
    assert!(lists.iter().all(|c| c.finished_at.is_some()), "nothing is left to do for someone who left");
    let mover = lists.iter().find(|c| c.process == Process::Mover).unwrap();
    assert!(mover.items.iter().all(|i| matches!(
        &i.state,
        ItemState::Skipped { reason, .. } if reason == "no longer needed: they left on 2026-11-22"
    ) || matches!(i.state, ItemState::Done { .. })));
    assert!(office.due_items().unwrap().iter().all(|d| !d.subject.contains("Sam Carter")), "not on the dashboard");
}

#[test]
fn a_joiners_last_day_cannot_come_before_their_first() {
    let (_vault, mut office) = TestVault::open_new();
    let lucy = StaffDraft {
        full_name: "Lucy Green".into(),
        email: "lucy@example.com".into(),
        start_date: "2026-12-07".into(),
        ..Default::default()
    };
    office.start_joiner(NewJoiner { draft: lucy, roles: &[] }).unwrap();
    let error = office.start_leaver("lucy@example.com", "2026-11-29").unwrap_err();
    assert!(matches!(error, ServiceError::Invalid(_)), "{error:?}");
    assert!(error.to_string().contains("cannot come before their first"), "{error}");
    office.start_leaver("lucy@example.com", "2026-12-31").unwrap();
}
