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

/// The whole database decrypted into a plain SQLite file (every live row of every table).
fn decrypted_database(vault: &TestVault) -> Vec<u8> {
    let conn = raw_connection(vault);
    let plain = vault.dir.path().join("plain.sqlite");
    conn.execute_batch(&format!(
        "ATTACH DATABASE '{}' AS plain KEY ''; SELECT sqlcipher_export('plain'); DETACH DATABASE plain;",
        plain.display()
    ))
    .unwrap();
    std::fs::read(plain).unwrap()
}

#[test]
fn after_a_purge_no_field_of_the_person_remains_in_the_database_or_any_export() {
    use keyholder::domain::staff::StaffDraft;
    use keyholder::service::NewJoiner;
    let (vault, mut office) = TestVault::open_new();
    office.add_system(new_system("CRM", "software", "user", "", true, true).unwrap()).unwrap();
    office.add_system(new_system("Safe", "physical", "holder", "", false, false).unwrap()).unwrap();
    office.add_role("Sales", &["CRM:user".into()]).unwrap();
    let fields = [
        "Zebedee Quillfeather",
        "zebedee.quill@example.com",
        "Chief Llama Wrangler",
        "Skunkworks Annex",
        "allergic to marmite",
        "covering the Quillfeather sabbatical",
        "lost it on the Quillfeather ferry",
    ];
    let draft = StaffDraft {
        full_name: fields[0].into(),
        email: fields[1].into(),
        job_title: fields[2].into(),
        team: fields[3].into(),
        notes: fields[4].into(),
        start_date: "2025-01-06".into(),
        ..Default::default()
    };
    let (_, joiner) = office.start_joiner(NewJoiner { draft, roles: &["Sales".to_owned()] }).unwrap();
    for item in office.checklists_of(fields[1]).unwrap().into_iter().find(|c| c.id == joiner).unwrap().items {
        office.complete_item(item.id).unwrap();
    }
    office.grant(fields[1], "Safe", "holder", fields[5], None).unwrap();
    office.add_device("Laptop", "LT-ZQ-01", "", Some(fields[1])).unwrap();
    office.start_leaver(fields[1], "2026-11-20").unwrap();
    let list = office.checklists_of(fields[1]).unwrap().into_iter().find(|c| c.id != joiner).unwrap();
    for item in &list.items {
        if item.title.contains("LT-ZQ-01") {
            office.skip_item(item.id, fields[6]).unwrap();
        } else {
            office.complete_item(item.id).unwrap();
        }
    }
    office.finish_leaver(fields[1]).unwrap();
    let staff = list.staff_id;
    // Before the purge the details are there (so the search below can find them).
    let audit_text = |office: &keyholder::service::Office| serde_json::to_string(&office.audit_log().unwrap()).unwrap();
    assert!(audit_text(&office).contains(fields[6]), "the skip reason is in the audit log until the purge");

    vault.clock.advance(jiff::SignedDuration::from_hours(24 * 400));
    assert!(office.purges_due().unwrap().iter().any(|(id, _, _)| *id == staff));
    office.purge_person(staff).unwrap();
    assert!(office.verify().unwrap().is_empty(), "the audit chain still verifies");
    let mut outputs = vec![
        ("audit log", audit_text(&office).into_bytes()),
        ("staff CSV", office.export_staff_csv().unwrap()),
        ("matrix CSV", office.export_matrix_csv(false).unwrap()),
        ("access CSV", office.export_access_csv().unwrap()),
        ("leaver report CSV", office.checklist_report_csv(list.id).unwrap()),
    ];
    drop(office);
    outputs.push(("decrypted database", decrypted_database(&vault)));
    for (name, bytes) in &outputs {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        for field in fields {
            for word in field.split(['.', '@', ' ']).filter(|w| w.len() > 5) {
                assert!(!text.contains(&word.to_lowercase()), "{word:?} (from {field:?}) is still in the {name}");
            }
        }
    }
}

/// Open the vault's database directly with its data key (as a program with the key could).
fn raw_connection(vault: &TestVault) -> rusqlite::Connection {
    use keyholder::domain::operator::OperatorName;
    use keyholder::vault::slots::SlotFile;
    let slots = SlotFile::load(&vault.paths().slots).unwrap();
    let key = slots.open_with_password(&OperatorName::parse(common::OPERATOR).unwrap(), common::PASSWORD.as_bytes());
    let conn = rusqlite::Connection::open(vault.paths().database).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key.unwrap().unwrap().bytes()))).unwrap();
    conn
}

#[test]
fn a_stored_date_that_does_not_read_is_reported_not_replaced_by_a_default() {
    let (vault, mut office) = TestVault::open_new();
    add_person(&mut office, "Sam Carter", "sam@example.com", "");
    drop(office);
    raw_connection(&vault)
        .execute("UPDATE staff SET end_date = 'someday' WHERE email = 'sam@example.com'", [])
        .unwrap();
    let office = vault.sign_in();
    let error = office.directory().unwrap_err().to_string();
    assert!(error.contains("a stored date is unreadable"), "{error}");
}
