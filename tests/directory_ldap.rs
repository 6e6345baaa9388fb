//! The LDAP connector against a real OpenLDAP server: Debian's `slapd`, started by each test
//! on 127.0.0.1 with a throwaway configuration and database in a temp folder (ppolicy loaded),
//! stopped when the test ends. `#[ignore]`d because they need `slapd` and `ldap-utils`;
//! `.ci/run` installs them (scripts/install-gui-deps.sh) and runs this file with `--ignored`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use keyholder::connector::ldap::{ConnectorError, LdapSettings, Session};
use keyholder::domain::linked_directory::{DirectoryKind, DirectoryMap, DriftInput, FindingKind, drift};
use keyholder::domain::secret::SecretString;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const BASE: &str = "dc=example,dc=org";
const ADMIN: &str = "cn=admin,dc=example,dc=org";
const ADMIN_PASSWORD: &str = "slapd-admin-7Hq2";
const FINANCE: &str = "cn=Finance,ou=Groups,dc=example,dc=org";

/// A running slapd on loopback; stopped and its folder removed on drop.
struct Slapd {
    dir: tempfile::TempDir,
    port: u16,
}

impl Slapd {
    /// `users` people (user0 … ), Finance with user0 and user1, user2 locked by ppolicy, and
    /// `extra` LDIF appended.
    fn start(users: usize, extra: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        std::fs::create_dir(path("db")).unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let conf = format!(
            "include /etc/ldap/schema/core.schema\n\
             include /etc/ldap/schema/cosine.schema\n\
             include /etc/ldap/schema/inetorgperson.schema\n\
             include /etc/ldap/schema/nis.schema\n\
             modulepath /usr/lib/ldap\n\
             moduleload back_mdb\n\
             moduleload ppolicy\n\
             pidfile {dir}/slapd.pid\n\
             argsfile {dir}/slapd.args\n\
             database mdb\n\
             maxsize 268435456\n\
             suffix \"{BASE}\"\n\
             rootdn \"{ADMIN}\"\n\
             rootpw {ADMIN_PASSWORD}\n\
             directory {dir}/db\n\
             overlay ppolicy\n",
            dir = dir.path().display()
        );
        std::fs::write(path("slapd.conf"), conf).unwrap();
        let mut ldif = format!(
            "dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n\
             dn: ou=People,{BASE}\nobjectClass: organizationalUnit\nou: People\n\n\
             dn: ou=Groups,{BASE}\nobjectClass: organizationalUnit\nou: Groups\n\n"
        );
        for n in 0..users {
            let _ = write!(
                ldif,
                "dn: uid=user{n},ou=People,{BASE}\nobjectClass: inetOrgPerson\nuid: user{n}\ncn: User {n}\n\
                 sn: {n}\nmail: user{n}@example.com\nuserPassword: pass-{n}\n"
            );
            if n == 2 {
                // Locked for good (ppolicy's "administratively locked" time).
                ldif.push_str("pwdAccountLockedTime: 000001010000Z\n");
            }
            ldif.push('\n');
        }
        let _ = write!(
            ldif,
            "dn: {FINANCE}\nobjectClass: groupOfNames\ncn: Finance\nmember: uid=user0,ou=People,{BASE}\n\
             member: uid=user1,ou=People,{BASE}\n\n{extra}"
        );
        std::fs::write(path("data.ldif"), ldif).unwrap();
        let conf = path("slapd.conf");
        let loaded = Command::new("slapadd")
            .arg("-f")
            .arg(&conf)
            .arg("-l")
            .arg(path("data.ldif"))
            .output()
            .expect("slapadd is installed (apt-get install slapd ldap-utils)");
        assert!(loaded.status.success(), "slapadd: {}", String::from_utf8_lossy(&loaded.stderr));
        let started = Command::new("slapd")
            .arg("-f")
            .arg(&conf)
            .arg("-h")
            .arg(format!("ldap://127.0.0.1:{port}/"))
            .output()
            .expect("slapd is installed");
        assert!(started.status.success(), "slapd: {}", String::from_utf8_lossy(&started.stderr));
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "slapd did not start listening on port {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { dir, port }
    }

    fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.path().join("slapd.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while TcpStream::connect(("127.0.0.1", self.port)).is_ok() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

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
