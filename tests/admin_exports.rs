//! The user lists an office can download from its suite's admin console without any set-up,
//! read exactly as they come (tests/fixtures/admin-exports, in the vendors' own formats): as
//! staff to import, and as a snapshot to compare with the record, with the same findings as a
//! live check.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use keyholder::domain::linked_directory::FindingKind;
use keyholder::domain::secret::SecretString;
use keyholder::service::{NewLinkedDirectory, ServiceError, new_system};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/admin-exports").join(name))
        .unwrap()
}

#[test]
fn a_microsoft_365_export_is_imported_as_it_comes_leaving_out_blocked_accounts() {
    let (_vault, office) = common::TestVault::open_new();
    let plan = office.preview_import(&fixture("microsoft365-export-users.csv")).unwrap();
    let people: Vec<(&str, &str, &str, &str)> = plan
        .valid
        .iter()
        .map(|(_, p)| (p.full_name.as_str(), p.email.as_str(), p.job_title.as_str(), p.team.as_str()))
        .collect();
    assert_eq!(
        people,
        [
            ("Ann Example", "ann@example.com", "Office Manager", "Operations"),
            ("Bo Sample", "bo@example.com", "Bookkeeper", "Finance"),
            ("Cy Former", "cy@example.com", "Sales Lead", "Sales"),
            ("Dee O'Contractor", "dee.contractor@example.com", "IT support, contract", "IT"),
        ]
    );
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    assert!(plan.warnings.iter().any(|w| w.starts_with("1 account(s) that cannot sign in")), "{:?}", plan.warnings);
}

#[test]
fn a_google_workspace_download_is_imported_with_first_and_last_names_and_managers() {
    let (_vault, office) = common::TestVault::open_new();
    let plan = office.preview_import(&fixture("google-workspace-download-users.csv")).unwrap();
    let people: Vec<(&str, &str, Option<&str>)> =
        plan.valid.iter().map(|(_, p)| (p.full_name.as_str(), p.email.as_str(), p.manager_email.as_deref())).collect();
    assert_eq!(
        people,
        [
            ("Ann Example", "ann@example.org", None),
            ("Bo Sample", "bo@example.org", Some("ann@example.org")),
            ("Eli Newstart", "eli@example.org", Some("ann@example.org")),
        ],
        "Cy is suspended: left out"
    );
}

#[test]
fn a_downloaded_user_list_gives_the_drift_of_a_live_check() {
    let (_vault, mut office) = common::TestVault::open_new();
    office.add_system(new_system("Microsoft 365", "software", "user", "", true, true).unwrap()).unwrap();
    office.add_role("Everyone", &["Microsoft 365:user".into()]).unwrap();
    for (name, email) in [
        ("Ann Example", "ann@example.com"),
        ("Bo Sample", "bo@example.com"),
        ("Cy Former", "cy@example.com"),
        ("Fay New", "fay@example.com"),
    ] {
        common::add_person(&mut office, name, email, "Office");
        office.assign_role("Everyone", email).unwrap();
    }
    // Cy left in the spring (his checklist ticked, the account left enabled in Microsoft 365).
    office.start_leaver("cy@example.com", "2026-03-31").unwrap();
    let cy = office.checklists_of("cy@example.com").unwrap().remove(0);
    for item in cy.items.iter().filter(|i| !i.state.is_closed()) {
        office.complete_item(item.id).unwrap();
    }
    office.finish_leaver("cy@example.com").unwrap();
    let none = SecretString::new("");
    office
        .add_directory(&NewLinkedDirectory {
            name: "Office 365",
            kind: "microsoft365",
            url: "",
            base_dn: "",
            bind_dn: "",
            bind_password: &none,
            starttls: false,
            ca_file: None,
        })
        .unwrap();
    office.map_directory_accounts("Office 365", "Microsoft 365").unwrap();

    let live = office.sync_directory("Office 365").unwrap_err();
    assert!(live.to_string().contains("--from-file"), "says how to check it: {live}");
    let report = office.sync_directory_from_file("Office 365", &fixture("microsoft365-export-users.csv")).unwrap();
    let found: Vec<(FindingKind, Option<&str>)> =
        report.findings.iter().map(|f| (f.kind, f.account.as_deref())).collect();
    assert_eq!(
        found,
        [
            (FindingKind::OrphanAccount, Some("dee.contractor@example.com")),
            (FindingKind::LeaverEnabled, Some("cy@example.com")),
            (FindingKind::MissingAccount, None),
        ],
        "the blocked shared mailbox is no finding; Fay has no account"
    );
    assert_eq!(report.findings[2].person.as_deref(), Some("Fay New <fay@example.com>"));
    let audit = office.audit_log().unwrap();
    assert!(
        audit.iter().any(|r| r
            .summary
            .starts_with("directory Office 365 checked from a Microsoft 365 export: 5 accounts read"))
    );

    let google = office.sync_directory_from_file("Office 365", &fixture("google-workspace-download-users.csv"));
    assert!(matches!(&google, Err(ServiceError::Invalid(m)) if m.contains("Google Workspace export")), "{google:?}");
    let plain = office.sync_directory_from_file("Office 365", b"full_name,email\nAnn,ann@example.com\n");
    assert!(matches!(&plain, Err(ServiceError::Invalid(m)) if m.contains("Export users")), "{plain:?}");
}

#[test]
fn the_cli_checks_a_suite_from_its_downloaded_list_without_any_secret() {
    let (vault, mut office) = common::TestVault::open_new();
    office.add_system(new_system("Google Workspace", "software", "user", "", true, true).unwrap()).unwrap();
    drop(office);
    let run = |args: &[&str]| common::keyholder(&vault, args);
    let said = |out: &std::process::Output| String::from_utf8_lossy(&out.stderr).into_owned();
    let added = run(&["directory", "add", "Workspace", "--kind", "google-workspace"]);
    assert!(added.status.success(), "no password asked for: {}", said(&added));
    let mapped = run(&["directory", "map", "Workspace", "--accounts", "Google Workspace"]);
    assert!(mapped.status.success(), "{}", said(&mapped));
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/admin-exports/google-workspace-download-users.csv");
    let synced = run(&["directory", "sync", "Workspace", "--json", "--from-file", file.to_str().unwrap()]);
    assert_eq!(synced.status.code(), Some(3), "drift: {}", said(&synced));
    let findings: serde_json::Value = serde_json::from_slice(&synced.stdout).unwrap();
    let orphans: Vec<&str> = findings.as_array().unwrap().iter().map(|f| f["account"].as_str().unwrap()).collect();
    assert_eq!(
        orphans,
        ["ann@example.org", "bo@example.org", "eli@example.org"],
        "active, and no one on record; Cy is suspended"
    );
}
