//! Microsoft 365 through Microsoft Graph, against recorded exchanges replayed on 127.0.0.1
//! (tests/replay; fixtures in tests/fixtures/graph, written from Microsoft's documented
//! examples): Graph cannot be reached from here, so this is the one connector not tested
//! against a real server. The client-credentials sign-in, paging with @odata.nextLink, a
//! throttled page retried after its Retry-After, drift, and a leaver whose sign-in is blocked,
//! sessions revoked and Finance membership removed, then read back; a wrong client secret said
//! plainly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
mod replay;

use keyholder::connector::ConnectorError;
use keyholder::domain::linked_directory::FindingKind;
use keyholder::domain::secret::SecretString;
use keyholder::service::{NewLinkedDirectory, ServiceError};
use replay::Replay;

const SECRET: &str = replay::GRAPH_SECRET;

#[test]
fn a_leavers_microsoft_365_sign_in_is_blocked_sessions_revoked_and_group_left_then_read_back() {
    let graph = Replay::start("graph/offboarding.json");
    let (_vault, mut office) = common::finance_office_with_ann();
    replay::add_microsoft_365(&mut office, &graph.base);
    office.map_directory_accounts("Microsoft 365", "Windows sign-in").unwrap();
    office.map_directory_group("Microsoft 365", "Finance", "Payroll", "user").unwrap();

    let started = std::time::Instant::now();
    assert_eq!(office.test_directory("Microsoft 365").unwrap(), 3, "two pages, the second throttled once");
    assert!(started.elapsed() >= std::time::Duration::from_secs(1), "waited for Retry-After: 1");
    let report = office.sync_directory("Microsoft 365").unwrap();
    let found: Vec<(FindingKind, Option<&str>)> =
        report.findings.iter().map(|f| (f.kind, f.account.as_deref())).collect();
    assert_eq!(found, [(FindingKind::OrphanAccount, Some("bo.temp@example.com"))], "the blocked mailbox is no finding");

    let leaver = office.start_leaver("user0@example.com", &office.today().to_string()).unwrap();
    let list = office.checklists_of("user0@example.com").unwrap().into_iter().find(|l| l.id == leaver).unwrap();
    let disable = list.items.iter().find(|i| i.title.ends_with("on Windows sign-in")).unwrap().id;
    let ann = "5b0f6c1e-0000-4c6c-9a21-0b0e8f0a1c01";
    assert_eq!(
        office.preview_item(disable).unwrap().unwrap().operations,
        [
            format!("PATCH /users/{ann}: accountEnabled false; then POST /users/{ann}/revokeSignInSessions"),
            format!("DELETE /groups/(the group Finance)/members/{ann}/$ref"),
        ]
    );
    office.complete_item(disable).unwrap();
    assert!(
        office.item_confirmation(disable).unwrap().unwrap().starts_with("confirmed by the directory Microsoft 365 at ")
    );
    assert_eq!(graph.unused(), Vec::<String>::new(), "every recorded step was asked for, the read-back last");

    let received = graph.received.lock().unwrap().clone();
    let patch = received.iter().find(|(m, _, _)| m == "PATCH").unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&patch.2).unwrap(),
        serde_json::json!({ "accountEnabled": false })
    );
    let sign_in = received.iter().find(|(m, p, _)| m == "POST" && p.ends_with("/token")).unwrap();
    assert!(
        sign_in.2.contains("grant_type=client_credentials")
            && sign_in.2.contains("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default")
    );
    let audit = office.audit_log().unwrap();
    assert!(audit.iter().all(|r| !r.summary.contains(SECRET)), "the client secret is never audited");
}

#[test]
fn a_wrong_client_secret_is_said_plainly_and_never_shown() {
    let graph = Replay::start("graph/wrong-secret.json");
    let (_vault, mut office) = common::TestVault::open_new();
    replay::add_microsoft_365(&mut office, &graph.base);
    let refused = office.test_directory("Microsoft 365").unwrap_err();
    assert!(matches!(refused, ServiceError::Directory(ConnectorError::TokenRefused)), "{refused}");
    assert!(!refused.to_string().contains(SECRET));
}

#[test]
fn permissions_without_admin_consent_are_said_with_graphs_own_words() {
    use keyholder::connector::Connection;
    use keyholder::connector::graph::{GraphSession, GraphSettings};
    use keyholder::domain::directory_change::Change;
    let graph = Replay::start("graph/no-consent.json");
    let secret = SecretString::new(SECRET);
    let settings =
        GraphSettings { tenant: "tenant-1", client_id: "client-1", client_secret: &secret, base: Some(&graph.base) };
    let mut session = GraphSession::open(&settings).unwrap();
    let refused = session.apply(&Change::Disable { dn: "5b0f6c1e-0000-4c6c-9a21-0b0e8f0a1c01".into() }).unwrap_err();
    assert!(matches!(refused, ConnectorError::NoPermission(_)), "{refused}");
    assert_eq!(
        refused.to_string(),
        "the account Keyholder signs in with may not do this: Insufficient privileges to complete the operation."
    );
}

#[test]
fn a_leavers_licences_are_taken_back_on_request_read_back_and_audited() {
    let graph = Replay::start("graph/licences.json");
    let (_vault, mut office) = common::finance_office_with_ann();
    replay::add_microsoft_365(&mut office, &graph.base);
    assert_eq!(office.remove_licences("Microsoft 365", "user0@example.com").unwrap(), ["SPE_E3", "VISIOCLIENT"]);
    assert_eq!(graph.unused(), Vec::<String>::new(), "read, removed, read back empty");
    let received = graph.received.lock().unwrap().clone();
    let assign = received.iter().find(|(_, p, _)| p.ends_with("/assignLicense")).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&assign.2).unwrap(),
        serde_json::json!({
            "addLicenses": [],
            "removeLicenses": ["05e9a617-0261-4cee-bb44-138d3ef5d965", "c5928f49-12ba-48f7-ada3-0d743a3601d5"]
        })
    );
    let audit = office.audit_log().unwrap();
    let last = audit.last().unwrap();
    assert_eq!(last.action, "directory.write");
    assert!(
        last.summary.starts_with("directory Microsoft 365: licences removed confirmed by the directory"),
        "{}",
        last.summary
    );
}

#[test]
fn licences_are_refused_plainly_where_there_is_no_live_microsoft_365() {
    let (_vault, mut office) = common::finance_office_with_ann();
    office
        .add_directory(&NewLinkedDirectory {
            name: "M365 list",
            kind: "microsoft365",
            url: "",
            base_dn: "",
            bind_dn: "",
            bind_password: &SecretString::default(),
            starttls: false,
            ca_file: None,
        })
        .unwrap();
    let refused = office.remove_licences("M365 list", "user0@example.com").unwrap_err().to_string();
    assert!(refused.contains("only through a live Microsoft 365 connection; M365 list is not one"), "{refused}");
}
