//! The SCIM 2.0 connector against a real SCIM server (PyPI's in-memory `scim2-server`, started
//! by the test on 127.0.0.1, see tests/scim): a wrong token refused plainly, users read over
//! several pages with their groups, drift, a joiner put in their group, and a leaver
//! deactivated (`active: false`) and taken out of the group, each read back. `#[ignore]`d
//! because it needs the server; `.ci/run` installs it and runs this file with `--ignored`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
mod scim;

use keyholder::connector::scim::{ScimSession, ScimSettings};
use keyholder::connector::{Connection, ConnectorError};
use keyholder::domain::checklist::ItemKind;
use keyholder::domain::linked_directory::FindingKind;
use keyholder::domain::secret::SecretString;
use keyholder::domain::staff::StaffDraft;
use keyholder::service::{NewJoiner, NewLinkedDirectory, ServiceError};
use scim::{ScimServer, TOKEN};

fn open(server: &ScimServer, token: &str) -> Result<ScimSession, ConnectorError> {
    let token = SecretString::new(token);
    ScimSession::open(&ScimSettings { url: &server.url(), token: &token, ca_file: None })
}

#[test]
#[ignore = "needs scim2-server; run by .ci/run"]
fn a_scim_app_is_read_page_by_page_and_a_joiner_and_a_leaver_are_changed_there_and_read_back() {
    let server = ScimServer::start();
    let refused = open(&server, "not-the-token-77").err().unwrap();
    assert!(matches!(refused, ConnectorError::TokenRefused), "{refused}");
    assert!(!refused.to_string().contains("not-the-token-77"));

    // 150 accounts: more than one page of 100. Ann (user0) is in Finance; Bo (user1) is not yet.
    let ids: Vec<String> =
        (0..150).map(|n| server.add_user(&format!("user{n}"), &format!("user{n}@example.com"))).collect();
    server.add_group("Finance", &[&ids[0]]);
    server.add_group("Sales", &[&ids[2], &ids[3]]);
    let mut session = open(&server, TOKEN).unwrap();
    assert_eq!(session.count_users().unwrap(), 150);
    let accounts = session.read_accounts().unwrap();
    assert_eq!(accounts.len(), 150, "read over two pages");
    assert_eq!(session.read_groups().unwrap(), ["Finance", "Sales"]);
    let ann = session.read_account(&ids[0]).unwrap().unwrap();
    assert_eq!(
        (ann.email.as_deref(), ann.groups.as_slice()),
        (Some("user0@example.com"), ["Finance".to_owned()].as_slice())
    );
    Box::new(session).close();

    let (_vault, mut office) = common::finance_office_with_ann();
    let token = SecretString::new(TOKEN);
    let url = server.url();
    let app = NewLinkedDirectory {
        name: "CRM app",
        kind: "scim",
        url: &url,
        base_dn: "",
        bind_dn: "",
        bind_password: &token,
        starttls: false,
        ca_file: None,
    };
    office.add_directory(&app).unwrap();
    office.map_directory_accounts("CRM app", "Windows sign-in").unwrap();
    office.map_directory_group("CRM app", "Finance", "Payroll", "user").unwrap();
    assert_eq!(office.test_directory("CRM app").unwrap(), 150);
    let report = office.sync_directory("CRM app").unwrap();
    assert_eq!(report.accounts, 150);
    assert!(report.findings.iter().all(|f| f.kind == FindingKind::OrphanAccount), "Ann is as recorded");
    assert_eq!(report.findings.len(), 149);

    // Bo joins Finance: his account item (the app has his account) puts him in the group.
    let draft = StaffDraft {
        full_name: "Bo User".into(),
        email: "user1@example.com".into(),
        start_date: office.today().to_string(),
        ..Default::default()
    };
    let (_, joiner) = office.start_joiner(NewJoiner { draft, roles: &["Finance".to_owned()] }).unwrap();
    let list = office.checklists_of("user1@example.com").unwrap().into_iter().find(|l| l.id == joiner).unwrap();
    let create = list.items.iter().find(|i| i.title.contains("Windows sign-in")).unwrap().id;
    assert!(matches!(list.items.iter().find(|i| i.id == create).unwrap().kind, ItemKind::CreateAccount { .. }));
    assert_eq!(
        office.preview_item(create).unwrap().unwrap().operations,
        [format!("PATCH /Groups (the group Finance): add members value {}", ids[1])]
    );
    office.complete_item(create).unwrap();
    let mut session = open(&server, TOKEN).unwrap();
    assert_eq!(session.read_account(&ids[1]).unwrap().unwrap().groups, ["Finance"]);
    Box::new(session).close();

    // Ann leaves: deactivated and out of Finance, read back before the item closes.
    let leaver = office.start_leaver("user0@example.com", &office.today().to_string()).unwrap();
    let list = office.checklists_of("user0@example.com").unwrap().into_iter().find(|l| l.id == leaver).unwrap();
    let disable = list.items.iter().find(|i| i.title.ends_with("on Windows sign-in")).unwrap().id;
    assert_eq!(
        office.preview_item(disable).unwrap().unwrap().operations,
        [
            format!("PATCH /Users/{}: replace active with false", ids[0]),
            format!("PATCH /Groups (the group Finance): remove members[value eq \"{}\"]", ids[0]),
        ]
    );
    office.complete_item(disable).unwrap();
    assert!(office.item_confirmation(disable).unwrap().unwrap().starts_with("confirmed by the directory CRM app at "));
    let mut session = open(&server, TOKEN).unwrap();
    let ann = session.read_account(&ids[0]).unwrap().unwrap();
    assert!(!ann.enabled && ann.groups.is_empty(), "{ann:?}");
    Box::new(session).close();
    let audit = office.audit_log().unwrap();
    assert!(audit.iter().all(|r| !r.summary.contains(TOKEN)), "the token is never audited");

    // The server gone: a clear error, and the item it was for stays open.
    let role = list.items.iter().find(|i| matches!(i.kind, ItemKind::RemoveRole { .. })).unwrap().id;
    drop(server);
    let gone = office.complete_item(role).unwrap_err();
    assert!(matches!(gone, ServiceError::Directory(ConnectorError::Unreachable { .. })), "{gone}");
    let still = office.checklists_of("user0@example.com").unwrap().into_iter().find(|l| l.id == leaver).unwrap();
    assert!(!still.items.iter().find(|i| i.id == role).unwrap().state.is_closed());
}
