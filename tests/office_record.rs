//! Use cases of the office record: staff, roles, grants, movers, lapsing grants, CSV import
//! (with a deliberately hostile file) and exports.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{TestVault, actions};
use keyholder::domain::access::Source;
use keyholder::domain::staff::StaffDraft;
use keyholder::service::{Office, Record, ServiceError, new_system};

fn person(name: &str, email: &str, manager: &str) -> StaffDraft {
    StaffDraft {
        full_name: name.into(),
        email: email.into(),
        team: "Sales".into(),
        manager_email: manager.into(),
        ..Default::default()
    }
}

/// Sam (in Sales and Everyone) and Kim (in Finance); CRM and Email and Accounting.
fn small_office() -> (TestVault, Office) {
    let (vault, mut office) = TestVault::open_new();
    office.add_system(new_system("CRM", "software", "user,admin", "admin", true, true).unwrap()).unwrap();
    office.add_system(new_system("Email", "software", "user,admin", "admin", false, true).unwrap()).unwrap();
    office.add_system(new_system("Accounting", "software", "user,admin", "admin", true, false).unwrap()).unwrap();
    office.add_role("Sales", &["CRM:user".into(), "Email:user".into()]).unwrap();
    office.add_role("Everyone", &["Email:user".into()]).unwrap();
    office.add_role("Finance", &["Accounting:user".into(), "Email:user".into()]).unwrap();
    office.add_staff(&person("Kim Lee", "kim@example.com", "")).unwrap();
    office.add_staff(&person("Sam Carter", "sam@example.com", "kim@example.com")).unwrap();
    office.assign_role("Sales", "sam@example.com").unwrap();
    office.assign_role("Everyone", "sam@example.com").unwrap();
    office.assign_role("Finance", "kim@example.com").unwrap();
    (vault, office)
}

/// The error of a refused change, with its message for the user.
fn refusal(result: Result<impl std::fmt::Debug, ServiceError>) -> (ServiceError, String) {
    match result {
        Err(error) => {
            let message = error.to_string();
            (error, message)
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn duplicate_emails_are_refused_whatever_their_case() {
    let (_vault, mut office) = small_office();
    let (error, message) = refusal(office.add_staff(&person("Sam Again", "SAM@example.com", "")));
    assert!(matches!(error, ServiceError::Conflict(_)) && message.starts_with("duplicate email"), "{message}");
    assert_eq!(office.directory().unwrap().staff.len(), 2);
}

#[test]
fn manager_cycles_are_refused() {
    let (_vault, mut office) = small_office();
    let directory = office.directory().unwrap();
    let kim = directory.person_by_email("kim@example.com").unwrap().clone();
    let mut draft = kim.to_draft(None);
    draft.manager_email = "sam@example.com".into();
    let (error, message) = refusal(office.edit_staff(kim.id, &draft));
    assert!(matches!(error, ServiceError::Conflict(_)) && message.contains("loop"), "{message}");
    draft.manager_email = "kim@example.com".into();
    let (error, message) = refusal(office.edit_staff(kim.id, &draft));
    assert!(matches!(error, ServiceError::Conflict(_)) && message.contains("loop"), "{message}");
}

#[test]
fn a_mover_sees_exactly_what_is_gained_and_lost_before_it_is_applied() {
    let (_vault, mut office) = small_office();
    let directory = office.directory().unwrap();
    let sam = directory.person_by_email("sam@example.com").unwrap().id;
    let finance = directory.role_by_name("Finance").unwrap().id;
    let everyone = directory.role_by_name("Everyone").unwrap().id;
    let crm_user = directory.system_by_name("CRM").unwrap().level("user").unwrap().id;
    let accounting_user = directory.system_by_name("Accounting").unwrap().level("user").unwrap().id;

    let preview = office.preview_roles(sam, &[finance, everyone]).unwrap();
    let crm = directory.system_by_name("CRM").unwrap().id;
    let accounting = directory.system_by_name("Accounting").unwrap().id;
    assert_eq!(preview.lost, vec![(crm, crm_user)]);
    assert_eq!(preview.gained, vec![(accounting, accounting_user)]);
    assert_eq!(office.directory().unwrap().roles_of(sam).len(), 2, "a preview writes nothing");

    let applied = office.set_roles(sam, &[finance, everyone]).unwrap();
    assert_eq!(applied, preview);
    let after = office.directory().unwrap();
    let systems: Vec<_> = after
        .access_of(sam, office.today())
        .into_iter()
        .map(|a| after.system(a.system_id).unwrap().name.clone())
        .collect();
    assert!(systems.contains(&"Accounting".to_owned()) && !systems.contains(&"CRM".to_owned()), "{systems:?}");
    // The systems themselves still need changing: a mover checklist lists exactly that.
    let mover = office.checklists_of("sam@example.com").unwrap().pop().unwrap();
    assert_eq!(mover.process, keyholder::domain::checklist::Process::Mover);
    let titles: Vec<&str> = mover.items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, vec!["Remove access to CRM (user) in the system itself", "Set up access to Accounting (user)"]);
    for item in &mover.items {
        office.complete_item(item.id).unwrap();
    }
    assert!(office.checklists_of("sam@example.com").unwrap().pop().unwrap().finished_at.is_some());
    let record = office.audit_log().unwrap().into_iter().rev().find(|r| r.action == "staff.roles").unwrap();
    assert_eq!(record.before.as_deref(), Some("Everyone, Sales"));
    assert_eq!(record.after.as_deref(), Some("Everyone, Finance"));
}

#[test]
fn revoking_role_derived_access_explains_where_it_comes_from() {
    let (_vault, mut office) = small_office();
    let (error, message) = refusal(office.revoke("sam@example.com", "Email"));
    assert!(matches!(error, ServiceError::RefusedByState(_)) && message.contains("comes from role"), "{message}");
    assert!(message.contains("Sales") && message.contains("Everyone"), "{message}");
    let (error, message) = refusal(office.revoke("kim@example.com", "CRM"));
    assert!(matches!(error, ServiceError::RefusedByState(_)), "{error:?}");
    assert_eq!(message, "kim@example.com has no access to CRM");
}

#[test]
fn direct_grants_need_a_reason_and_can_be_revoked() {
    let (_vault, mut office) = small_office();
    let (error, message) = refusal(office.grant("kim@example.com", "CRM", "admin", "  ", None));
    assert!(matches!(error, ServiceError::Invalid(_)) && message.contains("reason"), "{message}");
    let (error, message) = refusal(office.grant("kim@example.com", "CRM", "owner", "x", None));
    assert!(matches!(error, ServiceError::NotFound { what: Record::AccessLevel, .. }), "{message}");
    assert_eq!(message, "there is no access level \"owner\" in CRM (levels: user, admin)");
    office.grant("kim@example.com", "CRM", "admin", "migrating customer records", None).unwrap();
    let directory = office.directory().unwrap();
    let kim = directory.person_by_email("kim@example.com").unwrap().id;
    let crm = directory.system_by_name("CRM").unwrap().id;
    let cells = directory.matrix(office.today());
    assert!(cells[&(kim, crm)].exception && cells[&(kim, crm)].privileged);
    let source = directory.access_of(kim, office.today()).into_iter().find(|a| a.system_id == crm).unwrap().source;
    assert_eq!(directory.describe_source(source), "exception: migrating customer records");
    assert!(matches!(source, Source::Exception { .. }));

    office.revoke("kim@example.com", "CRM").unwrap();
    let directory = office.directory().unwrap();
    assert!(!directory.matrix(office.today()).contains_key(&(kim, crm)), "the grant is gone from the matrix");
    assert!(actions(&office).ends_with(&["grant.add".to_owned(), "grant.revoke".to_owned()]));
}

#[test]
fn temporary_grants_lapse_after_their_last_day() {
    let (vault, mut office) = small_office();
    office.grant("kim@example.com", "CRM", "user", "covering Sam's leave", Some("2026-11-24")).unwrap();
    let (error, message) = refusal(office.grant("kim@example.com", "CRM", "user", "x", Some("2026-11-01")));
    assert!(matches!(error, ServiceError::Invalid(_)) && message.contains("past"), "{message}");
    let kim = office.directory().unwrap().person_by_email("kim@example.com").unwrap().id;
    let has_crm = |office: &Office| {
        let directory = office.directory().unwrap();
        let crm = directory.system_by_name("CRM").unwrap().id;
        directory.access_of(kim, office.today()).iter().any(|a| a.system_id == crm)
    };
    vault.clock.advance(jiff::SignedDuration::from_hours(24));
    assert!(has_crm(&office), "still valid on its last day");
    vault.clock.advance(jiff::SignedDuration::from_hours(24));
    assert!(!has_crm(&office), "lapsed the day after");
    assert_eq!(office.lapse_expired_grants().unwrap(), 1);
    assert!(office.directory().unwrap().exceptions.is_empty());
    let record = office.audit_log().unwrap().pop().unwrap();
    assert_eq!(record.action, "grant.lapse");
    assert!(record.summary.contains("CRM:user") && record.summary.contains("2026-11-24"), "{}", record.summary);
}

#[test]
fn changing_a_role_shows_who_gains_and_loses_what() {
    let (_vault, mut office) = small_office();
    let directory = office.directory().unwrap();
    let sales = directory.role_by_name("Sales").unwrap().id;
    let sam = directory.person_by_email("sam@example.com").unwrap().id;
    let crm_admin = directory.system_by_name("CRM").unwrap().level("admin").unwrap().id;
    let email_user = directory.system_by_name("Email").unwrap().level("user").unwrap().id;
    let changes = office.preview_role_change(sales, &[crm_admin, email_user]).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].0, sam);
    assert_eq!(changes[0].1.gained.iter().map(|(_, l)| *l).collect::<Vec<_>>(), vec![crm_admin]);
    office.set_role_levels(sales, &[crm_admin, email_user]).unwrap();
    let record = office.audit_log().unwrap().pop().unwrap();
    assert_eq!(record.summary, "role Sales changed (1 people affected)");
    assert_eq!(record.before.as_deref(), Some("CRM:user, Email:user"));
}

#[test]
fn audit_records_name_staff_by_number_not_by_name() {
    let (_vault, mut office) = small_office();
    let directory = office.directory().unwrap();
    let sam = directory.person_by_email("sam@example.com").unwrap().clone();
    let mut draft = sam.to_draft(Some("kim@example.com"));
    draft.team = "Marketing".into();
    draft.full_name = "Samantha Carter".into();
    office.edit_staff(sam.id, &draft).unwrap();
    let record = office.audit_log().unwrap().pop().unwrap();
    assert_eq!(record.summary, format!("staff #{} edited", sam.id));
    // What changed is in the record's personal part, encrypted under Sam's key until a purge.
    let personal = record.personal.as_deref().unwrap();
    assert!(personal.contains("before: title=\"\" team=\"Sales\""), "{personal}");
    assert!(personal.contains("after: title=\"\" team=\"Marketing\" "), "{personal}");
    assert!(personal.contains("name=(changed)"), "{personal}");
    for record in office.audit_log().unwrap() {
        let text = format!("{} {:?} {:?}", record.summary, record.before, record.after);
        assert!(!text.contains("Sam") && !text.contains("sam@"), "personal data in the audit log: {text}");
    }
}

/// 5,000 rows, 17 bad ones scattered, with a BOM, quoted fields holding newlines and quotes,
/// a non-UTF-8 row and a formula-looking cell.
fn hostile_csv() -> (Vec<u8>, Vec<u64>) {
    let mut bytes = b"\xEF\xBB\xBFFull name,Email,Team,Manager,Start date,Notes\n".to_vec();
    let mut bad_lines = Vec::new();
    let mut line = 2_u64;
    for n in 0..5000 {
        let row: Vec<u8> = match n {
            100 => format!("Bad Email {n},not-an-email,Sales,,2026-01-01,\n").into_bytes(),
            200 | 4999 => format!("Dup {n},person0@example.com,Sales,,2026-01-01,\n").into_bytes(),
            300 => format!("Bad Date {n},p{n}@example.com,Sales,,2026-02-30,\n").into_bytes(),
            400 => format!("Wrong Format {n},p{n}@example.com,Sales,,12/31/2026,\n").into_bytes(),
            500 => format!("No Boss {n},p{n}@example.com,Sales,ghost@example.com,,\n").into_bytes(),
            600 => format!(",p{n}@example.com,Sales,,,\n").into_bytes(),
            700 => [b"Jos\xe9 ".to_vec(), format!("{n},p{n}@example.com,Sales,,,\n").into_bytes()].concat(),
            800 => format!("Existing {n},kim@example.com,Sales,,,\n").into_bytes(),
            1000..=1005 => format!("Bad Email {n},p{n}@@example.com,Sales,,,\n").into_bytes(),
            1500 => format!("Self {n},p{n}@example.com,Sales,p{n}@example.com,,\n").into_bytes(),
            2000 => format!("\"Multi\nLine {n}\",p{n}@example.com,Sales,,,\n").into_bytes(),
            42 => format!("Quoted {n},person{n}@example.com,Sales,,,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"\n").into_bytes(),
            7 => format!("\"Carter, \"\"Sam\"\" {n}\",person{n}@example.com,Sales,person0@example.com,2026-01-01,\"line one\nline two\"\n").into_bytes(),
            0 => "Person 0,person0@example.com,Sales,,2026-01-01,\n".to_owned().into_bytes(),
            _ => format!("Person {n},person{n}@example.com,Sales,person0@example.com,2026-01-01,\n").into_bytes(),
        };
        let is_bad = matches!(n, 100 | 200 | 4999 | 300 | 400 | 500 | 600 | 700 | 800 | 1000..=1005 | 1500 | 2000);
        if is_bad {
            bad_lines.push(line);
        }
        line += row.iter().filter(|&&b| b == b'\n').count() as u64;
        bytes.extend_from_slice(&row);
    }
    (bytes, bad_lines)
}

#[test]
fn a_hostile_csv_reports_exactly_its_bad_rows_and_writes_nothing_until_confirmed() {
    let (_vault, mut office) = small_office();
    let (bytes, mut bad_lines) = hostile_csv();
    bad_lines.sort_unstable();
    let audit_before = office.audit_log().unwrap().len();
    let plan = office.preview_import(&bytes).unwrap();
    let reported: Vec<u64> = plan.problems.iter().map(|p| p.line).collect();
    assert_eq!(reported.len(), 17, "{:#?}", plan.problems);
    assert_eq!(reported, bad_lines);
    assert_eq!(plan.valid.len(), 5000 - 17);
    assert_eq!(office.directory().unwrap().staff.len(), 2, "a preview writes nothing");
    assert_eq!(office.audit_log().unwrap().len(), audit_before);

    assert_eq!(office.apply_import(&plan, "hostile.csv").unwrap(), 4983);
    let directory = office.directory().unwrap();
    assert_eq!(directory.staff.len(), 4985);
    let seven = directory.person_by_email("person7@example.com").unwrap();
    assert_eq!(seven.full_name, "Carter, \"Sam\" 7");
    assert_eq!(seven.notes, "line one\nline two");
    assert_eq!(directory.person(seven.manager_id.unwrap()).unwrap().email, "person0@example.com");
    assert_eq!(office.audit_log().unwrap().len(), audit_before + 1, "one transaction, one record");

    let export = String::from_utf8(office.export_staff_csv().unwrap()).unwrap();
    assert!(export.contains("'=HYPERLINK("), "the formula cell is neutralised");
    assert!(!export.contains(",=HYPERLINK(") && !export.contains("\"=HYPERLINK("));
}

#[test]
fn an_import_links_managers_in_the_office_earlier_and_later_in_the_file_across_statements() {
    let (_vault, mut office) = small_office();
    // 1,201 rows: more than two of the statements an import writes at a time. The first row's
    // manager is the last row; the others report to Kim (already here) or to the row before.
    let mut csv = String::from("full_name,email,team,manager_email\n");
    csv.push_str("Row 0,row0@example.com,Sales,row1200@example.com\n");
    for n in 1..=1200 {
        let manager = if n % 2 == 0 { "KIM@example.com".to_owned() } else { format!("row{}@example.com", n - 1) };
        csv.push_str(&format!("Row {n},row{n}@example.com,Sales,{manager}\n"));
    }
    let plan = office.preview_import(csv.as_bytes()).unwrap();
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    assert_eq!(office.apply_import(&plan, "rows.csv").unwrap(), 1201);
    let directory = office.directory().unwrap();
    let manager_of = |email: &str| {
        let person = directory.person_by_email(email).unwrap();
        directory.person(person.manager_id.unwrap()).unwrap().email.clone()
    };
    assert_eq!(manager_of("row0@example.com"), "row1200@example.com");
    assert_eq!(manager_of("row600@example.com"), "kim@example.com");
    assert_eq!(manager_of("row501@example.com"), "row500@example.com");
    assert_eq!(manager_of("row1199@example.com"), "row1198@example.com");
    let rows: Vec<_> = directory.staff.iter().filter(|s| s.email.starts_with("row")).collect();
    assert_eq!(rows.len(), 1201);
    assert!(rows.windows(2).all(|w| w[0].id < w[1].id), "written in the file's order");
    assert_eq!(rows[0].email, "row0@example.com");
    assert_eq!(rows[1200].email, "row1200@example.com");
    assert_eq!(office.verify().unwrap(), Vec::<String>::new());
}

#[test]
fn the_access_matrix_exports_with_exceptions_marked() {
    let (_vault, mut office) = small_office();
    office.grant("kim@example.com", "CRM", "admin", "audit", None).unwrap();
    let matrix = String::from_utf8(office.export_matrix_csv(true).unwrap()).unwrap();
    let lines: Vec<&str> = matrix.lines().collect();
    assert_eq!(lines[0], "email,name,Accounting,CRM");
    assert!(lines.contains(&"kim@example.com,Kim Lee,user,admin (exception)"), "{matrix}");
    assert!(lines.contains(&"sam@example.com,Sam Carter,,user"), "{matrix}");
    let access = String::from_utf8(office.export_access_csv().unwrap()).unwrap();
    assert!(access.lines().any(|l| l == "kim@example.com,Kim Lee,CRM,admin,true,true,exception: audit,"), "{access}");
}

#[test]
fn the_demo_office_is_realistic() {
    let (_vault, mut office) = TestVault::open_new();
    office.populate_demo(200).unwrap();
    let directory = office.directory().unwrap();
    assert_eq!(directory.staff.len(), 201, "200 and a joiner starting next week");
    assert_eq!(office.secret_statuses().unwrap().len(), 3, "shared secrets");
    assert_eq!(
        office.current_checklists().unwrap().len(),
        3,
        "a joiner, a leaver and a lost laptop's containment in progress"
    );
    let incidents = office.incident_rows().unwrap();
    assert_eq!((incidents.len(), incidents[0].hours_left), (1, Some(42)), "an incident whose clock runs");
    assert!(
        directory.systems.iter().any(|s| s.customer_data) && directory.systems.iter().any(|s| s.has_privileged_level())
    );
    assert!(!directory.exceptions.is_empty(), "some exceptions with reasons");
    assert!(directory.accounts.iter().any(|a| !a.mfa_enrolled) && directory.accounts.iter().any(|a| a.mfa_enrolled));
    assert!(directory.staff.iter().filter(|s| s.manager_id.is_some()).count() > 150);
    let grants = directory.all_access(office.today()).len();
    assert!((1500..=2500).contains(&grants), "about ten grants a person: {grants}");
    assert!(office.verify().unwrap().is_empty());
}

#[test]
fn lapsed_grants_are_recorded_at_the_next_sign_in() {
    let (vault, mut office) = small_office();
    office.grant("kim@example.com", "CRM", "user", "covering a colleague", Some("2026-11-23")).unwrap();
    drop(office);
    vault.clock.advance(jiff::SignedDuration::from_hours(48));
    let office = vault.sign_in();
    assert!(office.directory().unwrap().exceptions.is_empty());
    assert_eq!(actions(&office).last().map(String::as_str), Some("grant.lapse"));
}
