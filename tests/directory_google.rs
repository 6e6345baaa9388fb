//! Google Workspace through the Admin SDK Directory API, against recorded exchanges replayed
//! on 127.0.0.1 (tests/replay; fixtures in tests/fixtures/google, written from Google's
//! documented examples): Google cannot be reached from here. The service account's signed JWT
//! (checked against the key's public half), paging with nextPageToken, a throttled page retried
//! after its Retry-After, drift, and a leaver suspended, signed out and taken out of Finance,
//! then read back; a deleted key, missing delegation and a non-admin said plainly, the key never
//! in an error or the audit log.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
mod replay;

use data_encoding::{BASE64, BASE64URL_NOPAD};
use keyholder::connector::ConnectorError;
use keyholder::domain::linked_directory::FindingKind;
use keyholder::domain::secret::SecretString;
use keyholder::service::{NewLinkedDirectory, ServiceError};
use replay::Replay;
use serde_json::Value;

const ADMIN: &str = "it.admin@example.com";

fn key_file() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/google/service-account.json")).unwrap()
}

fn add_google(office: &mut keyholder::service::Office, base: &str, key: &str) -> Result<(), ServiceError> {
    office.add_directory(&NewLinkedDirectory {
        name: "Google Workspace",
        kind: "google-workspace",
        url: base,
        base_dn: "",
        bind_dn: ADMIN,
        bind_password: &SecretString::new(key),
        starttls: false,
        ca_file: None,
    })
}

/// The private key's body, the part of the key file that must never be shown.
fn private_key_body() -> String {
    let json: Value = serde_json::from_str(&key_file()).unwrap();
    json["private_key"].as_str().unwrap().lines().nth(1).unwrap().to_owned()
}

#[test]
fn a_leavers_google_account_is_suspended_signed_out_and_taken_out_of_finance_then_read_back() {
    let google = Replay::start("google/offboarding.json");
    let (_vault, mut office) = common::finance_office_with_ann();
    add_google(&mut office, &google.base, &key_file()).unwrap();
    office.map_directory_accounts("Google Workspace", "Windows sign-in").unwrap();
    assert_eq!(
        office.directory_groups("Google Workspace").unwrap(),
        ["everyone@example.com", "finance@example.com"],
        "groups are chosen by their address"
    );
    office.map_directory_group("Google Workspace", "finance@example.com", "Payroll", "user").unwrap();

    let started = std::time::Instant::now();
    assert_eq!(office.test_directory("Google Workspace").unwrap(), 3, "two pages, the second throttled once");
    assert!(started.elapsed() >= std::time::Duration::from_secs(1), "waited for Retry-After: 1");
    let report = office.sync_directory("Google Workspace").unwrap();
    let found: Vec<(FindingKind, Option<&str>)> =
        report.findings.iter().map(|f| (f.kind, f.account.as_deref())).collect();
    assert_eq!(found, [(FindingKind::OrphanAccount, Some("bo.temp@example.com"))], "the suspended user is no finding");

    let leaver = office.start_leaver("user0@example.com", &office.today().to_string()).unwrap();
    let list = office.checklists_of("user0@example.com").unwrap().into_iter().find(|l| l.id == leaver).unwrap();
    let disable = list.items.iter().find(|i| i.title.ends_with("on Windows sign-in")).unwrap().id;
    let ann = "100000000000000000101";
    assert_eq!(
        office.preview_item(disable).unwrap().unwrap().operations,
        [
            format!("PATCH /users/{ann}: suspended true; then POST /users/{ann}/signOut"),
            format!("DELETE /groups/finance@example.com/members/{ann}"),
        ]
    );
    office.complete_item(disable).unwrap();
    assert!(
        office
            .item_confirmation(disable)
            .unwrap()
            .unwrap()
            .starts_with("confirmed by the directory Google Workspace at ")
    );
    assert_eq!(google.unused(), Vec::<String>::new(), "every recorded step was asked for, the read-back last");

    let received = google.received.lock().unwrap().clone();
    let patch = received.iter().find(|(m, _, _)| m == "PATCH").unwrap();
    assert_eq!(serde_json::from_str::<Value>(&patch.2).unwrap(), serde_json::json!({ "suspended": true }));
    let audit = office.audit_log().unwrap();
    assert!(audit.iter().all(|r| !r.summary.contains(&private_key_body())), "the key is never audited");
}

#[test]
fn the_sign_in_is_a_jwt_for_the_admin_signed_by_the_service_accounts_key() {
    let google = Replay::start("google/offboarding.json");
    let (_vault, mut office) = common::TestVault::open_new();
    add_google(&mut office, &google.base, &key_file()).unwrap();
    office.test_directory("Google Workspace").unwrap();

    let received = google.received.lock().unwrap().clone();
    let (_, _, form) = received.iter().find(|(m, p, _)| m == "POST" && p == "/token").unwrap();
    assert!(form.starts_with("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="));
    let jwt = form.split("assertion=").nth(1).unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    let decode = |part: &str| BASE64URL_NOPAD.decode(part.as_bytes()).unwrap();
    let header: Value = serde_json::from_slice(&decode(parts[0])).unwrap();
    let claims: Value = serde_json::from_slice(&decode(parts[1])).unwrap();
    assert_eq!(header, serde_json::json!({ "alg": "RS256", "typ": "JWT" }));
    assert_eq!(claims["iss"], "keyholder@keyholder-test.iam.gserviceaccount.com");
    assert_eq!(claims["sub"], ADMIN, "acts as the administrator (domain-wide delegation)");
    assert_eq!(claims["aud"], format!("{}/token", google.base));
    assert_eq!(claims["scope"], keyholder::connector::google::SCOPES.join(" "));
    let issued = claims["iat"].as_i64().unwrap();
    assert_eq!(issued, office.now().as_second(), "issued at the office's clock");
    assert_eq!(claims["exp"].as_i64().unwrap() - issued, 3600);

    // The signature verifies with the key's public half, and not over other claims.
    let json: Value = serde_json::from_str(&key_file()).unwrap();
    let pem: String = json["private_key"].as_str().unwrap().lines().filter(|l| !l.starts_with("-----")).collect();
    let pair = ring::signature::RsaKeyPair::from_pkcs8(&BASE64.decode(pem.as_bytes()).unwrap()).unwrap();
    use ring::signature::KeyPair;
    let public = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        pair.public_key().as_ref().to_vec(),
    );
    let signed = format!("{}.{}", parts[0], parts[1]);
    public.verify(signed.as_bytes(), &decode(parts[2])).expect("a valid RS256 signature");
    let forged = format!("{}.{}", parts[0], BASE64URL_NOPAD.encode(br#"{"sub":"ceo@example.com"}"#));
    assert!(public.verify(forged.as_bytes(), &decode(parts[2])).is_err());
}

#[test]
fn a_deleted_key_and_missing_delegation_are_said_plainly_and_the_key_never_shown() {
    for (fixture, expected) in [
        ("google/wrong-key.json", "it was deleted or replaced (download a new key)"),
        (
            "google/no-delegation.json",
            "has not given keyholder@keyholder-test.iam.gserviceaccount.com domain-wide delegation",
        ),
    ] {
        let google = Replay::start(fixture);
        let (_vault, mut office) = common::TestVault::open_new();
        add_google(&mut office, &google.base, &key_file()).unwrap();
        let refused = office.test_directory("Google Workspace").unwrap_err().to_string();
        assert!(refused.contains(expected), "{fixture}: {refused}");
        assert!(!refused.contains(&private_key_body()));
    }
}

#[test]
fn an_administrator_without_the_right_is_told_googles_words() {
    use keyholder::connector::Connection;
    use keyholder::connector::google::{GoogleSession, GoogleSettings};
    use keyholder::domain::directory_change::Change;
    let google = Replay::start("google/not-admin.json");
    let key = SecretString::new(key_file());
    let settings = GoogleSettings {
        key_file: &key,
        admin: ADMIN,
        customer: "",
        base: Some(&google.base),
        now_unix: 1_764_489_600,
    };
    let mut session = GoogleSession::open(&settings).unwrap();
    let refused = session.apply(&Change::Disable { dn: "100000000000000000101".into() }).unwrap_err();
    assert!(matches!(refused, ConnectorError::NoPermission(_)), "{refused}");
    assert_eq!(
        refused.to_string(),
        "the account Keyholder signs in with may not do this: Not Authorized to access this resource/api"
    );
}

#[test]
fn a_file_that_is_not_a_service_account_key_is_refused_when_added() {
    let (_vault, mut office) = common::TestVault::open_new();
    for (file, why) in [
        ("not json at all", "it is not JSON"),
        (r#"{"type":"authorized_user","client_id":"x"}"#, "its type is not service_account"),
        (r#"{"type":"service_account","client_email":"a@b.iam.gserviceaccount.com"}"#, "it has no private_key"),
    ] {
        let refused = add_google(&mut office, "", file).unwrap_err();
        assert!(
            matches!(&refused, ServiceError::Directory(ConnectorError::Refused(text)) if text.contains(why)),
            "{refused}"
        );
    }
    assert!(office.directories().unwrap().is_empty(), "nothing was added");
}

#[test]
fn the_cli_adds_google_with_a_key_file_by_path_and_tests_it_the_key_never_in_argv_or_output() {
    let google = Replay::start("google/offboarding.json");
    let vault = common::TestVault::new();
    let key = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/google/service-account.json");
    let run = |args: &[&str]| common::keyholder(&vault, args);
    let added = run(&[
        "directory",
        "add",
        "Google",
        "--kind",
        "google-workspace",
        "--url",
        &google.base,
        "--admin",
        ADMIN,
        "--key-file",
        key,
    ]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let tested = run(&["directory", "test", "Google"]);
    let out = String::from_utf8_lossy(&tested.stdout).into_owned();
    assert_eq!(out.trim(), "ok: bound to Google, 3 user account(s)");
    let listed = run(&["directory", "list", "--json"]);
    let all = [added, tested, listed]
        .iter()
        .map(|o| format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
        .collect::<String>();
    assert!(all.contains(ADMIN) && !all.contains(&private_key_body()), "{all}");
}
