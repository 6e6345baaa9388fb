//! The LDAP connector against a real OpenLDAP server: Debian's `slapd`, started by each test
//! on 127.0.0.1 with a throwaway configuration and database in a temp folder (ppolicy loaded),
//! stopped when the test ends; for TLS, a throwaway CA and server certificate made with
//! `openssl`. `#[ignore]`d because they need `slapd`, `ldap-utils` and `openssl`;
//! `.ci/run` installs them (scripts/install-gui-deps.sh) and runs this file with `--ignored`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
mod slapd;

use keyholder::connector::ldap::{ConnectorError, LdapSettings, Session};
use keyholder::domain::linked_directory::{DirectoryKind, DirectoryMap, DriftInput, FindingKind, drift};
use keyholder::domain::secret::SecretString;
use std::collections::HashMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use slapd::{ADMIN, ADMIN_PASSWORD, BASE, FINANCE, Slapd};

fn settings<'a>(url: &'a str, password: &'a SecretString) -> LdapSettings<'a> {
    LdapSettings {
        kind: DirectoryKind::OpenLdap,
        url,
        base_dn: BASE,
        bind_dn: ADMIN,
        bind_password: password,
        starttls: false,
        ca_file: None::<PathBuf>,
    }
}

#[test]
#[ignore = "needs slapd; run by .ci/run"]
fn five_thousand_accounts_are_read_page_by_page_with_their_groups_and_locks() {
    let slapd = Slapd::start(5_000, "");
    let (url, password) = (slapd.url(), SecretString::new(ADMIN_PASSWORD));
    let started = Instant::now();
    let mut session = Session::open(&settings(&url, &password)).unwrap();
    assert_eq!(session.count_users().unwrap(), 5_000);
    let accounts = session.read_accounts().unwrap();
    eprintln!("read 5,000 accounts and their groups in {:.2} s", started.elapsed().as_secs_f64());
    session.close();
    assert_eq!(accounts.len(), 5_000, "more than one page of 500");
    let user = |name: &str| accounts.iter().find(|a| a.username == name).unwrap();
    assert_eq!(user("user0").groups, vec![FINANCE.to_owned()]);
    assert_eq!(user("user0").email.as_deref(), Some("user0@example.com"));
    assert!(user("user0").enabled);
    assert!(!user("user2").enabled, "locked by ppolicy's pwdAccountLockedTime");
    assert!(user("user4999").groups.is_empty());
}

#[test]
#[ignore = "needs slapd; run by .ci/run"]
fn a_wrong_password_nothing_listening_and_a_wrong_base_are_said_plainly() {
    let slapd = Slapd::start(3, "");
    let url = slapd.url();
    let wrong = SecretString::new("not-the-password-9");
    let refused = Session::open(&settings(&url, &wrong)).err().unwrap();
    assert!(matches!(refused, ConnectorError::WrongPassword), "{refused}");
    assert!(!refused.to_string().contains("not-the-password-9"));

    let password = SecretString::new(ADMIN_PASSWORD);
    let closed = format!("ldap://127.0.0.1:{}", TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port());
    let unreachable = Session::open(&settings(&closed, &password)).err().unwrap().to_string();
    assert!(unreachable.contains("cannot reach") && unreachable.contains("connection refused"), "{unreachable}");

    let mut wrong_base = settings(&url, &password);
    wrong_base.base_dn = "dc=nowhere,dc=org";
    let mut session = Session::open(&wrong_base).unwrap();
    let missing = session.read_accounts().err().unwrap().to_string();
    assert!(missing.contains("base DN does not exist"), "{missing}");
}

/// Windows sign-in and Payroll; Finance gives both, Office gives Windows only. Ann (user0) and
/// Cy (user2) are in Finance, Bo (user1) in Office; Dee has Finance and no account.
fn office_with_finance() -> (common::TestVault, keyholder::service::Office) {
    let (vault, mut office) = common::TestVault::open_new();
    let system =
        |name: &str, customer_data| keyholder::service::new_system(name, "software", "user", "", customer_data, false);
    office.add_system(system("Windows sign-in", false).unwrap()).unwrap();
    office.add_system(system("Payroll", true).unwrap()).unwrap();
    office.add_role("Finance", &["Windows sign-in:user".into(), "Payroll:user".into()]).unwrap();
    office.add_role("Office", &["Windows sign-in:user".into()]).unwrap();
    let people = [
        ("Ann User", "user0@example.com", "Finance"),
        ("Bo User", "user1@example.com", "Office"),
        ("Cy User", "user2@example.com", "Finance"),
        ("Dee Newcomer", "dee@example.com", "Finance"),
    ];
    for (name, email, role) in people {
        common::add_person(&mut office, name, email, "Finance");
        office.assign_role(role, email).unwrap();
    }
    (vault, office)
}

#[test]
#[ignore = "needs slapd; run by .ci/run"]
fn drift_between_a_real_directory_and_the_record_is_found() {
    // user0 and user1 are in Finance; user2 is locked; user3 has no one on record.
    let slapd = Slapd::start(4, "");
    let (url, password) = (slapd.url(), SecretString::new(ADMIN_PASSWORD));
    let (_vault, mut office) = common::TestVault::open_new();
    office
        .add_system(keyholder::service::new_system("Windows sign-in", "software", "user", "", false, false).unwrap())
        .unwrap();
    office.add_system(keyholder::service::new_system("Payroll", "software", "user", "", true, false).unwrap()).unwrap();
    office.add_role("Finance", &["Windows sign-in:user".into(), "Payroll:user".into()]).unwrap();
    office.add_role("Office", &["Windows sign-in:user".into()]).unwrap();
    for (name, email) in
        [("Ann User", "user0@example.com"), ("Bo User", "user1@example.com"), ("Cy User", "user2@example.com")]
    {
        common::add_person(&mut office, name, email, "Finance");
    }
    common::add_person(&mut office, "Dee Newcomer", "dee@example.com", "Finance");
    office.assign_role("Finance", "user0@example.com").unwrap();
    office.assign_role("Office", "user1@example.com").unwrap();
    office.assign_role("Finance", "user2@example.com").unwrap();
    office.assign_role("Finance", "dee@example.com").unwrap();
    let record = office.directory().unwrap();
    let payroll_user = record.system_by_name("Payroll").unwrap().levels[0].id;
    let windows = record.system_by_name("Windows sign-in").unwrap().id;

    let mut session = Session::open(&settings(&url, &password)).unwrap();
    let accounts = session.read_accounts().unwrap();
    session.close();
    let map = DirectoryMap { accounts: Some(windows), groups: vec![(FINANCE.to_owned(), payroll_user)] };
    let manual = HashMap::new();
    let today = office.today();
    let findings = drift(&DriftInput { accounts: &accounts, map: &map, record: &record, manual: &manual, today });
    let kinds: Vec<(FindingKind, Option<&str>)> = findings.iter().map(|f| (f.kind, f.account.as_deref())).collect();
    assert_eq!(
        kinds,
        vec![
            (FindingKind::OrphanAccount, Some("user3")),
            // Bo's roles give Windows only, but the directory puts him in Finance (Payroll).
            (FindingKind::UnrecordedAccess, Some("user1")),
            // Cy's record says Payroll; the directory has Cy locked and outside Finance.
            (FindingKind::MissingAccess, Some("user2")),
            (FindingKind::MissingAccount, None),
        ]
    );
    assert_eq!(findings[3].person.as_deref(), Some("Dee Newcomer <dee@example.com>"));
}

/// Run the keyholder binary on `vault` as Ada, with `env` and `stdin`.
fn cli(vault: &std::path::Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> std::process::Output {
    use std::io::Write as _;
    let mut command = Command::new(env!("CARGO_BIN_EXE_keyholder"));
    command
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env("KEYHOLDER_OPERATOR", common::OPERATOR)
        .env("KEYHOLDER_PASSWORD", common::PASSWORD)
        .env_remove("KEYHOLDER_DIRECTORY_PASSWORD")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
#[ignore = "needs slapd; run by .ci/run"]
fn the_cli_adds_tests_maps_and_syncs_a_directory_and_never_shows_its_password() {
    let slapd = Slapd::start(4, "");
    let url = slapd.url();
    let (vault, office) = office_with_finance();
    drop(office);
    let path = vault.path.as_path();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let add = ["directory", "add", "corp", "--kind", "openldap", "--base-dn", BASE, "--bind-dn", ADMIN];

    let plain = cli(
        path,
        &[&add[..], &["--url", "ldap://ldap.example.org"]].concat(),
        &[("KEYHOLDER_DIRECTORY_PASSWORD", ADMIN_PASSWORD)],
        "",
    );
    assert!(!plain.status.success());
    assert!(text(&plain.stderr).contains("unencrypted"), "{}", text(&plain.stderr));

    // The bind password from standard input (it never appears in argv).
    let added = cli(path, &[&add[..], &["--url", &url]].concat(), &[], &format!("{ADMIN_PASSWORD}\n"));
    assert!(added.status.success(), "{}", text(&added.stderr));
    let tested = cli(path, &["directory", "test", "corp"], &[], "");
    assert_eq!(text(&tested.stdout).trim(), "ok: bound to corp, 4 user account(s)", "{}", text(&tested.stderr));
    for map in [vec!["--accounts", "Windows sign-in"], vec!["--group", FINANCE, "Payroll", "user"]] {
        let mapped = cli(path, &[&["directory", "map", "corp"][..], &map].concat(), &[], "");
        assert!(mapped.status.success(), "{}", text(&mapped.stderr));
    }
    let synced = cli(path, &["directory", "sync", "corp", "--json"], &[], "");
    assert_eq!(synced.status.code(), Some(3), "drift found: {}", text(&synced.stderr));
    let findings: serde_json::Value = serde_json::from_slice(&synced.stdout).unwrap();
    let kinds: Vec<&str> = findings.as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["orphan_account", "unrecorded_access", "missing_access", "missing_account"]);

    // user3 is Dee's account under another name: matched by hand, it is hers, and what her
    // roles give (Payroll) is what the directory lacks.
    let matched = cli(path, &["directory", "match", "corp", "user3", "dee@example.com"], &[], "");
    assert!(matched.status.success(), "{}", text(&matched.stderr));
    let synced = cli(path, &["directory", "sync", "corp", "--json"], &[], "");
    let findings: serde_json::Value = serde_json::from_slice(&synced.stdout).unwrap();
    let found: Vec<(&str, &str)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap(), f["account"].as_str().unwrap_or("-")))
        .collect();
    assert_eq!(found, [("unrecorded_access", "user1"), ("missing_access", "user2"), ("missing_access", "user3")]);

    let listed = text(&cli(path, &["directory", "list", "--json"], &[], "").stdout);
    let audit = text(&cli(path, &["audit"], &[], "").stdout);
    assert!(listed.contains("\"corp\"") && audit.contains("directory.sync"), "{listed}\n{audit}");
    assert!(audit.contains("1 orphan_account"), "the sync's counts are audited: {audit}");
    for shown in [&listed, &audit] {
        assert!(!shown.contains(ADMIN_PASSWORD), "the bind password is never shown or audited");
    }
    let file = std::fs::read(path).unwrap();
    assert!(!common::contains(&file, ADMIN_PASSWORD.as_bytes()), "nor on disk in plaintext");

    let wrong = [&add[..], &["--url", &url]].concat();
    let mut wrong = wrong.clone();
    wrong[2] = "wrong";
    let added = cli(path, &wrong, &[("KEYHOLDER_DIRECTORY_PASSWORD", "not-it-4411")], "");
    assert!(added.status.success());
    let refused = cli(path, &["directory", "test", "wrong"], &[], "");
    assert!(!refused.status.success());
    let said = text(&refused.stderr);
    assert!(said.contains("refused the bind DN or its password") && !said.contains("not-it-4411"), "{said}");
}

#[test]
#[ignore = "needs slapd and openssl; run by .ci/run"]
fn ldaps_and_starttls_work_with_the_office_ca_and_an_untrusted_certificate_is_said_plainly() {
    let slapd = Slapd::start_tls(3);
    let password = SecretString::new(ADMIN_PASSWORD);
    let ldaps = format!("ldaps://127.0.0.1:{}", slapd.tls_port.unwrap());
    let with_ca = |url: &str, starttls: bool| {
        let mut settings = settings(url, &password);
        settings.starttls = starttls;
        settings.ca_file = Some(slapd.ca_file());
        Session::open(&settings).and_then(|mut session| session.count_users())
    };
    assert_eq!(with_ca(&ldaps, false).unwrap(), 3, "LDAPS, the server's certificate signed by the given CA");
    assert_eq!(with_ca(&slapd.url(), true).unwrap(), 3, "StartTLS on the plain port");

    // The system's CAs do not know the office's CA.
    let untrusted = Session::open(&settings(&ldaps, &password)).err().unwrap();
    assert!(matches!(untrusted, ConnectorError::Certificate(_)), "{untrusted}");
    assert!(untrusted.to_string().contains("not trusted"), "{untrusted}");

    let mut missing = settings(&ldaps, &password);
    missing.ca_file = Some(slapd.dir.path().join("no-such-ca.pem"));
    let said = Session::open(&missing).err().unwrap().to_string();
    assert!(said.contains("cannot read the CA certificate"), "{said}");
}
