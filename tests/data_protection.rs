//! Issue 13: what the record says must be true, and what Keyholder writes must be safe to open
//! and hold no more than it should.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{TestVault, add_person};
use keyholder::service::new_system;

#[test]
fn every_csv_cell_and_header_is_safe_to_open_in_a_spreadsheet() {
    let (_vault, mut office) = TestVault::open_new();
    office.add_system(new_system("=cmd|' /C calc'!A0", "software", "user", "", false, false).unwrap()).unwrap();
    office.add_system(new_system("\u{200B}=SUM(A1)", "software", "user", "", false, false).unwrap()).unwrap();
    add_person(&mut office, "\u{FEFF}=1+1", "sam@example.com", "@team");
    for csv in [office.export_matrix_csv(false).unwrap(), office.export_staff_csv().unwrap()] {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv.as_slice());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                let visible = cell.trim_start_matches(['\u{200B}', '\u{FEFF}']);
                assert_eq!(visible, cell, "invisible characters were kept: {cell:?}");
                assert!(!cell.starts_with(['=', '+', '-', '@']), "a formula cell went out as is: {cell:?}");
            }
        }
    }
}

#[test]
fn one_address_in_two_unicode_forms_or_full_width_is_one_person() {
    let (_vault, mut office) = TestVault::open_new();
    add_person(&mut office, "José Núñez", "jose\u{301}@example.com", "");
    let nfc = "name,email\nJosé Again,jos\u{e9}@example.com\nWide,\u{FF4A}ose\u{301}@example.com\n";
    let plan = office.preview_import(nfc.as_bytes()).unwrap();
    assert!(plan.valid.is_empty(), "{:?}", plan.valid);
    assert_eq!(plan.problems.len(), 2, "{:?}", plan.problems);
    assert!(plan.problems.iter().all(|p| p.reason.contains("duplicate email")), "{:?}", plan.problems);
    // The person is found however the address is typed.
    assert!(office.checklists_of("JOS\u{c9}@EXAMPLE.COM").is_ok());
}

#[test]
fn direction_overrides_and_controls_are_refused_naming_the_row_and_column() {
    let (_vault, office) = TestVault::open_new();
    let csv =
        "name,email\nSam \u{202E}reteP,sam@example.com\nAda,ada\u{202E}@example.com\nBob,bob@example\u{200B}.com\n";
    let plan = office.preview_import(csv.as_bytes()).unwrap();
    assert!(plan.valid.is_empty());
    let lines: Vec<(u64, &str)> = plan.problems.iter().map(|p| (p.line, p.reason.as_str())).collect();
    assert!(lines[0].0 == 2 && lines[0].1.contains("the name") && lines[0].1.contains("U+202E"), "{lines:?}");
    assert!(lines[1].0 == 3 && lines[1].1.contains("the email"), "{lines:?}");
    assert!(lines[2].0 == 4 && lines[2].1.contains("U+200B"), "{lines:?}");
}

#[test]
fn today_is_the_offices_date_not_utcs_and_the_choice_is_kept() {
    let (vault, mut office) = TestVault::open_new();
    // 23:30 UTC on 1 July is already 2 July in London (summer time).
    vault.clock.set("2026-07-01T23:30:00Z".parse().unwrap());
    assert_eq!(office.today().to_string(), "2026-07-01", "a test clock counts in UTC until told");
    assert!(office.set_time_zone("Mars/Olympus").is_err());
    office.set_time_zone("Europe/London").unwrap();
    assert_eq!(office.today().to_string(), "2026-07-02");
    drop(office);
    let office = vault.sign_in();
    assert_eq!(office.time_zone_name(), "Europe/London");
    assert_eq!(office.today().to_string(), "2026-07-02");
    let changed = office.audit_log().unwrap().into_iter().find(|r| r.action == "settings.time_zone").unwrap();
    assert_eq!(changed.after.as_deref(), Some("Europe/London"));
}

#[test]
fn dates_are_real_calendar_dates_in_one_shape() {
    let (_vault, mut office) = TestVault::open_new();
    add_person(&mut office, "Sam Carter", "sam@example.com", "");
    for bad in ["20261201", "+002026-12-01", "0000-01-01", "2026-02-30"] {
        assert!(office.start_leaver("sam@example.com", bad).is_err(), "{bad} was accepted");
    }
    office.start_leaver("sam@example.com", "2026-12-01").unwrap();
}

#[test]
fn nobody_becomes_left_by_editing_or_importing_only_by_finishing_their_leaver_checklist() {
    let (_vault, mut office) = TestVault::open_new();
    let sam = add_person(&mut office, "Sam Carter", "sam@example.com", "");
    let directory = office.directory().unwrap();
    let mut draft = directory.person(sam).unwrap().to_draft(None);
    draft.status = "left".into();
    let refused = office.edit_staff(sam, &draft).unwrap_err().to_string();
    assert!(refused.contains("follows the joiner and leaver processes"), "{refused}");
    let plan = office.preview_import(b"name,email,status\nAda,ada@example.com,left\n").unwrap();
    assert!(plan.valid.is_empty() && plan.problems[0].reason.contains("leaver"), "{:?}", plan.problems);
    let status = office.directory().unwrap().person(sam).unwrap().status;
    assert_eq!(status, keyholder::domain::staff::StaffStatus::Active);
}
