//! The Directories screen and a connected leaver, driven as an office manager would against a
//! real OpenLDAP server (Debian's `slapd` on 127.0.0.1, see tests/slapd): add the directory,
//! test it, map its accounts and a group by choosing from lists, check it, put findings right
//! (match an account, lock one after seeing the exact operation), then tick a leaver's account
//! item and watch the directory lock them out. `#[ignore]`d because it needs `slapd`;
//! `.ci/run` runs it with `--ignored`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking
#![cfg(feature = "gui")]

mod common;
mod gui_support;
mod replay;
mod slapd;

use common::{TestVault, add_person};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable};
use gui_support::*;
use keyholder::connector::ldap::ConnectorError;
use keyholder::domain::linked_directory::DirectoryAccount;
use keyholder::ui::Page;
use slapd::{ADMIN, ADMIN_PASSWORD, BASE, Slapd, open_as, read_as_admin};

fn read(url: &str, user: usize) -> DirectoryAccount {
    read_as_admin(url, &format!("uid=user{user},ou=People,{BASE}"))
}

/// Ann (user0) joined Finance before the directory was connected (her Windows account is on
/// record) and leaves today; Bo has no access yet.
fn office_with_a_leaver() -> TestVault {
    let (vault, mut office) = common::finance_office_with_ann();
    add_person(&mut office, "Bo Newman", "bo@example.com", "Sales");
    office.start_leaver("user0@example.com", &office.today().to_string()).unwrap();
    drop(office);
    vault
}

#[test]
#[ignore = "needs slapd; run by .ci/run"]
fn an_office_manager_connects_the_directory_puts_its_drift_right_and_offboards_a_leaver_there() {
    let slapd = Slapd::start(4, "");
    let url = slapd.url();
    let vault = office_with_a_leaver();
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Directories").click();
    harness.run();

    type_into(&mut harness, "Name", "corp");
    choose(&mut harness, "Kind", "OpenLDAP");
    type_into(&mut harness, "Address", &url);
    type_into(&mut harness, "Read under (base DN)", BASE);
    type_into(&mut harness, "Sign in as (bind DN)", ADMIN);
    type_into(&mut harness, "Its password", ADMIN_PASSWORD);
    press(&mut harness, "Add directory");
    let notice = harness.state().notice_text().unwrap_or_default().to_owned();
    assert!(notice.starts_with("Directory corp added."), "{notice}");

    press(&mut harness, "Test the connection");
    assert_eq!(harness.state().notice_text(), Some("Connected to corp: 4 accounts and 1 group read."));
    choose(&mut harness, "Its accounts are on", "Windows sign-in");
    press(&mut harness, "Save");
    choose(&mut harness, "Members of the group", "Finance");
    choose(&mut harness, "have access to", "Payroll");
    choose(&mut harness, "at the level", "user");
    press(&mut harness, "Add this to the mapping");
    assert_eq!(harness.state().notice_text(), Some("Members of Finance now have Payroll (user)."));

    // user1 (in Finance) and user3 belong to no one on record; user2 is locked already.
    press(&mut harness, "Check now");
    assert_eq!(harness.state().notice_text(), Some("corp checked: 4 accounts read, 2 differences from the record."));
    assert_eq!(harness.query_all_by_label("An account no one on record has").count(), 2);
    // The dashboard says so, and its row leads back here.
    let drift_row = |n: &egui_kittest::kittest::AccessKitNode<'_>| {
        n.role() == Role::Link && n.label().is_some_and(|l| l.starts_with("corp: the directory had "))
    };
    harness.state_mut().navigate(Page::Dashboard);
    harness.run();
    let row = harness.get_by(drift_row).accesskit_node().label().unwrap_or_default();
    assert!(row.starts_with("corp: the directory had 2 differences from the record at its last check"), "{row}");
    harness.get_by(drift_row).click();
    harness.run();
    press(&mut harness, "Say whose account user3 is");
    choose(&mut harness, "Whose is it?", "Bo Newman <bo@example.com>");
    press(&mut harness, "Match");
    assert_eq!(harness.query_all_by_label("An account no one on record has").count(), 1);

    press(&mut harness, "Lock the account… user1");
    harness.get_by_label(&format!("Keyholder sends: modify uid=user1,ou=People,{BASE}: replace pwdAccountLockedTime: 000001010000Z (ppolicy lock: no more sign-ins)"));
    assert!(read(&url, 1).enabled, "nothing is sent before the answer");
    press(&mut harness, "Yes, change corp");
    let notice = harness.state().notice_text().unwrap_or_default().to_owned();
    assert!(
        notice
            .starts_with("Lock the account user1: it can no longer sign in: done, confirmed by the directory corp at "),
        "{notice}"
    );
    assert!(!read(&url, 1).enabled);

    assert!(notice.ends_with("0 differences left."), "user3 is Bo's and user1 is locked: {notice}");
    harness.state_mut().navigate(Page::Dashboard);
    harness.run();
    assert!(harness.query_by(drift_row).is_none(), "no drift row once the check finds none");

    // The leaver's account item: shown first, then done in the directory and read back.
    harness.state_mut().navigate(Page::JoinersLeavers);
    harness.run();
    harness.get_by_role_and_label(Role::Link, "Leaver: Ann User").click();
    harness.run();
    assert_eq!(harness.query_all_by_label("done in corp").count(), 2, "her account and her role");
    harness.get_by_role_and_label(Role::CheckBox, "Disable or delete account user0 on Windows sign-in").click();
    settle(&mut harness);
    harness.get_by_label("• Lock the account user0: it can no longer sign in");
    harness.get_by_label("• Take user0 out of the group Finance");
    assert!(read(&url, 0).enabled);
    press(&mut harness, "Yes, do it in corp");
    let notice = harness.state().notice_text().unwrap_or_default().to_owned();
    assert!(notice.starts_with("Item done, confirmed by the directory corp at "), "{notice}");
    let ann = read(&url, 0);
    assert!(!ann.enabled && ann.groups.is_empty(), "{ann:?}");
    assert!(matches!(
        open_as(&url, &format!("uid=user0,ou=People,{BASE}"), "pass-0"),
        Err(ConnectorError::WrongPassword)
    ));
    harness.get_by_label_contains("Done in the directory, confirmed by the directory corp at");
}

#[test]
fn an_app_is_added_with_its_scim_address_and_token_and_plain_http_elsewhere_is_refused_as_it_is_typed() {
    let (vault, office) = common::finance_office_with_ann();
    drop(office);
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Directories").click();
    harness.run();
    type_into(&mut harness, "Name", "CRM");
    choose(&mut harness, "Kind", "An app with SCIM 2.0");
    assert!(harness.query_by_label("Read under (base DN)").is_none(), "an app has no base DN");
    type_into(&mut harness, "SCIM address", "http://crm.example.com/scim/v2");
    type_into(&mut harness, "Its token", "crm-token-8812");
    harness.get_by_label_contains("plain http:// would send the token to crm.example.com unencrypted");
    assert!(harness.query_by_label_contains("crm-token-8812").is_none(), "the token is never shown");
}

#[test]
fn microsoft_365_is_checked_from_its_downloaded_user_list_with_nothing_to_sign_in_with() {
    let (vault, mut office) = common::TestVault::open_new();
    let system = keyholder::service::new_system("Microsoft 365", "software", "user", "", true, true).unwrap();
    office.add_system(system).unwrap();
    add_person(&mut office, "Ann Example", "ann@example.com", "Operations");
    drop(office);
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Directories").click();
    harness.run();
    type_into(&mut harness, "Name", "Office 365");
    choose(&mut harness, "Kind", "Microsoft 365");
    assert!(harness.query_by_label("Its password").is_none() && harness.query_by_label("Its token").is_none());
    press(&mut harness, "Add directory");
    choose(&mut harness, "Its accounts are on", "Microsoft 365");
    press(&mut harness, "Save");
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/admin-exports/microsoft365-export-users.csv");
    type_into(&mut harness, "Downloaded user list", file.to_str().unwrap());
    press(&mut harness, "Check this list");
    assert_eq!(
        harness.state().notice_text(),
        Some("Office 365 checked from its list: 5 accounts read, 3 differences.")
    );
    // Bo, Cy and Dee have accounts but are not on record; the blocked mailbox is no finding.
    assert_eq!(harness.query_all_by_label("An account no one on record has").count(), 3);
    assert_eq!(
        harness
            .query_all_by_label("Lock the account in the Microsoft 365 admin console: Keyholder only reads its list.")
            .count(),
        3
    );
}

#[test]
fn google_workspace_is_connected_live_with_a_service_account_key_chosen_as_a_file_and_kept_in_the_vault() {
    let (vault, office) = common::TestVault::open_new();
    drop(office);
    let key = vault.dir.path().join("keyholder-sa.json");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/google/service-account.json");
    std::fs::copy(&fixture, &key).unwrap();
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Directories").click();
    harness.run();
    type_into(&mut harness, "Name", "Google");
    choose(&mut harness, "Kind", "Google Workspace");
    assert!(harness.query_by_label("Service account key").is_none(), "the download needs no set-up");
    harness.get_by_label("Connect live, with a service account").click();
    harness.run();
    harness.get_by_label("Give the administrator to act as and the service account's key file.");
    type_into(&mut harness, "Act as administrator", "it.admin@example.com");
    type_into(&mut harness, "Service account key", key.to_str().unwrap());
    assert!(harness.query_by_label("Give the administrator to act as and the service account's key file.").is_none());
    press(&mut harness, "Add directory");
    let said = harness.state().notice_text().unwrap_or_default().to_owned();
    assert_eq!(
        said,
        format!("Google added; its key is now in the vault, so delete {}. Test the connection next.", key.display())
    );
    harness.get_by_role_and_label(Role::Button, "Test the connection");
    drop(harness);

    let office = vault.sign_in();
    let google = office.directories().unwrap().into_iter().find(|d| d.name == "Google").unwrap();
    assert!(!google.is_from_export(), "a live connection");
    assert_eq!(google.bind_dn, "it.admin@example.com");
    drop(office);
    for file in vault.vault_files() {
        let on_disk = std::fs::read(&file).unwrap();
        assert!(!on_disk.windows(11).any(|w| w == b"PRIVATE KEY"), "the key is encrypted at rest: {}", file.display());
    }
}

#[test]
fn a_leavers_microsoft_365_licences_are_taken_back_from_the_directory_page() {
    let graph = replay::Replay::start("graph/licences.json");
    let (vault, mut office) = common::finance_office_with_ann();
    replay::add_microsoft_365(&mut office, &graph.base);
    office.start_leaver("user0@example.com", &office.today().to_string()).unwrap();
    drop(office);
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Directories").click();
    harness.run();
    press(&mut harness, "Open Microsoft 365");
    harness.get_by_label("Tenant tenant-1, signing in as the app registration 00000000-0000-0000-0000-000000000001");
    harness.get_by_label("Choose the leaver whose licences to remove.");
    choose(&mut harness, "Take back the licences of", "Ann User <user0@example.com>");
    press(&mut harness, "Remove their licences");
    settle(&mut harness);
    assert_eq!(
        harness.state().notice_text(),
        Some("Removed from user0@example.com in Microsoft 365: SPE_E3, VISIOCLIENT.")
    );
    assert_eq!(graph.unused(), Vec::<String>::new());
}

#[test]
fn microsoft_365_is_connected_live_with_its_app_registration_typed_in_three_fields() {
    let (vault, office) = common::TestVault::open_new();
    drop(office);
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Directories").click();
    harness.run();
    type_into(&mut harness, "Name", "Microsoft 365");
    choose(&mut harness, "Kind", "Microsoft 365");
    harness.get_by_label("Connect live, with an app registration").click();
    harness.run();
    harness.get_by_label("Give the tenant ID, the application ID and its client secret.");
    type_into(&mut harness, "Tenant (directory) ID", "tenant-1");
    type_into(&mut harness, "Application (client) ID", "00000000-0000-0000-0000-000000000001");
    type_into(&mut harness, "Client secret", "client-secret-value-7Qx");
    assert!(harness.query_by_label_contains("client-secret-value-7Qx").is_none(), "the secret is never shown");
    press(&mut harness, "Add directory");
    harness.get_by_role_and_label(Role::Button, "Test the connection");
    drop(harness);
    let office = vault.sign_in();
    let added = office.directories().unwrap().into_iter().find(|d| d.name == "Microsoft 365").unwrap();
    assert!(!added.is_from_export());
    assert_eq!((added.base_dn.as_str(), added.bind_dn.as_str()), ("tenant-1", "00000000-0000-0000-0000-000000000001"));
    assert!(office.audit_log().unwrap().iter().all(|r| !r.summary.contains("client-secret-value-7Qx")));
}
