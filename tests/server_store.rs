//! The office record on a real PostgreSQL server (Debian's `postgresql`, started by each test
//! in a temporary folder on a Unix socket): two desks at once, what the server and its backups
//! can read, tampering on the server, and copying a record between a file and a server.
//! Ignored by `cargo test`; `.ci/run` runs them (`cargo test --test server_store -- --ignored`).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;
mod slapd;

use common::postgres::PgServer;
use common::{OPERATOR, PASSWORD, TestVault, add_person, contains};
use keyholder::domain::secret::SecretString;
use keyholder::service::{Office, ServiceError, SignIn, SignInMethod, fingerprint_of};
use keyholder::vault::VaultError;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn office_on(server: &PgServer, database: &str) -> (TestVault, Office) {
    let dir = tempfile::tempdir().unwrap();
    TestVault::open_new_at(dir, PathBuf::from(server.database(database)))
}

/// Wait until `desk` is told of another desk's change; how long it took.
fn told_within(desk: &Office, limit: Duration) -> Duration {
    let started = Instant::now();
    while !desk.changes_waiting() {
        assert!(started.elapsed() < limit, "no change announced within {limit:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
    started.elapsed()
}

/// Create a new office with Ada at `address` (the tests of addresses and TLS).
fn create_office_at(address: &str) -> keyholder::service::ServiceResult<()> {
    let password = SecretString::new(PASSWORD);
    let new = keyholder::service::NewOffice {
        operator: OPERATOR,
        password: &password,
        kdf: Some(keyholder::vault::crypto::KdfParams::FLOOR),
    };
    let clock = std::sync::Arc::new(keyholder::service::ManualClock::new(common::start_time()));
    Office::create(std::path::Path::new(address), new, clock).map(|_| ())
}

/// A free loopback port (bound, then let go for the server to take).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn password_sign_in(password: &SecretString) -> SignIn<'_> {
    SignIn { operator: Some(OPERATOR), method: SignInMethod::Password(password), second_factor: None }
}

#[test]
#[ignore = "needs PostgreSQL (Debian package postgresql); run by .ci/run"]
fn two_desks_see_each_others_changes_and_an_edit_built_on_an_old_screen_is_refused() {
    let server = PgServer::start();
    let (vault, mut desk_a) = office_on(&server, "office");
    let mut desk_b = vault.sign_in();

    let sam = add_person(&mut desk_a, "Sam Jones", "sam@example.org", "Sales");
    let waited = told_within(&desk_b, Duration::from_secs(2));
    assert!(desk_b.catch_up().unwrap());
    assert!(!desk_b.changes_waiting());
    assert_eq!(desk_b.directory().unwrap().person(sam).unwrap().full_name, "Sam Jones", "seen after {waited:?}");

    // Both screens show Sam in Sales. A moves him to Finance; B, not yet refreshed, edits his
    // job title from the old screen: refused, naming A and when, and A's change is kept.
    let mut moved = desk_a.directory().unwrap().person(sam).unwrap().to_draft(None);
    moved.team = "Finance".into();
    desk_a.edit_staff(sam, &moved).unwrap();
    let mut retitled = desk_b.directory().unwrap().person(sam).unwrap().to_draft(None);
    retitled.job_title = "Sales lead".into();
    let refused = desk_b.edit_staff(sam, &retitled).unwrap_err();
    let text = refused.to_string();
    assert!(matches!(refused, ServiceError::Vault(VaultError::Conflict(_))), "{refused:?}");
    assert!(text.contains("Ada on another desk at 2026-11-23 09:00 UTC"), "{text}");
    assert!(text.contains("after your screen last showed it"), "{text}");
    desk_b.catch_up().unwrap();
    let now_shown = desk_b.directory().unwrap().person(sam).unwrap().clone();
    assert_eq!(now_shown.team, "Finance");
    assert_eq!(now_shown.job_title, "");
    // Made again from the new screen, B's change goes through and both are kept.
    let mut again = now_shown.to_draft(None);
    again.job_title = "Sales lead".into();
    desk_b.edit_staff(sam, &again).unwrap();
    told_within(&desk_a, Duration::from_secs(2));
    desk_a.catch_up().unwrap();
    let both = desk_a.directory().unwrap().person(sam).unwrap().clone();
    assert_eq!((both.team.as_str(), both.job_title.as_str()), ("Finance", "Sales lead"));
    assert_eq!(desk_a.verify().unwrap(), Vec::<String>::new());
    assert_eq!(desk_b.verify().unwrap(), Vec::<String>::new());
}

#[test]
#[ignore = "needs PostgreSQL (Debian package postgresql); run by .ci/run"]
fn two_processes_writing_at_once_lose_nothing_and_keep_one_audit_chain() {
    let server = PgServer::start();
    let (vault, office) = office_on(&server, "office");
    drop(office);
    let add_many = |desk: &'static str| {
        let address = vault.path.clone();
        std::thread::spawn(move || {
            let mut saved = Vec::new();
            let mut refused = 0;
            for n in 0..12 {
                let email = format!("{desk}{n}@example.org");
                let output = std::process::Command::new(env!("CARGO_BIN_EXE_keyholder"))
                    .arg("--vault")
                    .arg(&address)
                    .args(["staff", "add", "--name", &format!("Person {desk} {n}"), "--email", &email])
                    .env("KEYHOLDER_OPERATOR", OPERATOR)
                    .env("KEYHOLDER_PASSWORD", PASSWORD)
                    .stdin(std::process::Stdio::null())
                    .output()
                    .unwrap();
                let stderr = String::from_utf8_lossy(&output.stderr);
                if output.status.success() {
                    saved.push(email);
                } else {
                    assert!(stderr.contains("not saved: "), "only a clash may refuse a change: {stderr}");
                    refused += 1;
                }
            }
            (saved, refused)
        })
    };
    let (a, b) = (add_many("a"), add_many("b"));
    let (saved_a, refused_a) = a.join().unwrap();
    let (saved_b, refused_b) = b.join().unwrap();
    let office = vault.sign_in();
    let directory = office.directory().unwrap();
    let mut on_record: Vec<String> = directory.staff.iter().map(|s| s.email.clone()).collect();
    let mut saved: Vec<String> = saved_a.into_iter().chain(saved_b).collect();
    on_record.sort();
    saved.sort();
    assert_eq!(
        on_record, saved,
        "every change reported saved is there, and nothing else ({refused_a}+{refused_b} refused)"
    );
    let added = common::actions(&office).iter().filter(|a| *a == "staff.add").count();
    assert_eq!(added, saved.len(), "one audit record per saved change");
    assert_eq!(office.verify().unwrap(), Vec::<String>::new(), "one unbroken audit chain");
}

#[test]
#[ignore = "needs PostgreSQL (Debian package postgresql); run by .ci/run"]
fn the_server_and_its_backups_hold_no_name_email_or_secret_value() {
    let server = PgServer::start();
    let (_vault, mut office) = office_on(&server, "office");
    office.populate_demo(40).unwrap();
    let canary = SecretString::new("canary-Pa55word-9f3e1d");
    office.add_secret("Server room door", None, None, "door-user-canary", &canary, Some(90), None, &[]).unwrap();
    let directory = office.directory().unwrap();
    let dump = server.dump("office");
    let mut checked = 0;
    for person in &directory.staff {
        for text in [&person.full_name, &person.email] {
            assert!(!contains(&dump, text.as_bytes()), "{text} is readable in pg_dump");
            checked += 1;
        }
    }
    for text in ["canary-Pa55word-9f3e1d", "door-user-canary", "Server room door"] {
        assert!(!contains(&dump, text.as_bytes()), "{text} is readable in pg_dump");
    }
    assert!(checked >= 80);
    // What the server sees, exactly: these columns and no other.
    let columns = server.psql(
        "office",
        "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1",
    );
    assert_eq!(
        columns.lines().collect::<Vec<_>>(),
        [
            "keyholder_attempts.body",
            "keyholder_attempts.id",
            "keyholder_commits.at",
            "keyholder_commits.desk",
            "keyholder_commits.seq",
            "keyholder_commits.who",
            "keyholder_keys.body",
            "keyholder_keys.id",
            "keyholder_keys.version",
            "keyholder_rows.body",
            "keyholder_rows.lookup",
            "keyholder_rows.rid",
            "keyholder_rows.tbl",
            "keyholder_rows.version",
            "keyholder_store.digest",
            "keyholder_store.format",
            "keyholder_store.id",
            "keyholder_store.key_epoch",
            "keyholder_store.schema_version",
            "keyholder_store.seq",
            "keyholder_store.vault_id",
        ]
    );
    // Lookups by email are keyed hashes, one per person.
    let lookups = server
        .psql("office", "SELECT count(DISTINCT lookup) FROM keyholder_rows WHERE tbl = 'staff' AND body IS NOT NULL");
    assert_eq!(lookups.trim(), directory.staff.len().to_string());
}

#[test]
#[ignore = "needs PostgreSQL (Debian package postgresql); run by .ci/run"]
fn rows_altered_swapped_or_deleted_on_the_server_are_found_by_verify() {
    let server = PgServer::start();
    let (vault, mut office) = office_on(&server, "office");
    add_person(&mut office, "Sam Jones", "sam@example.org", "Sales");
    add_person(&mut office, "Kim Lee", "kim@example.org", "Finance");
    drop(office);
    assert_eq!(vault.sign_in().verify().unwrap(), Vec::<String>::new());

    // One byte of one person's row changed with psql.
    server.psql(
        "office",
        "UPDATE keyholder_rows SET body = set_byte(body, 40, get_byte(body, 40) # 1) \
         WHERE (tbl, rid) = (SELECT tbl, rid FROM keyholder_rows WHERE tbl = 'staff' ORDER BY rid LIMIT 1)",
    );
    let problems = vault.sign_in().verify().unwrap();
    assert!(problems.iter().any(|p| p.contains("of staff on the server does not open")), "{problems:?}");

    // Two people's rows swapped (each still a valid sealed row, of the wrong person).
    let server2 = PgServer::start();
    let (vault2, mut office2) = office_on(&server2, "office");
    add_person(&mut office2, "Sam Jones", "sam@example.org", "Sales");
    add_person(&mut office2, "Kim Lee", "kim@example.org", "Finance");
    drop(office2);
    server2.psql(
        "office",
        "WITH two AS (SELECT rid, body, row_number() OVER (ORDER BY rid) AS n FROM keyholder_rows WHERE tbl = 'staff') \
         UPDATE keyholder_rows r SET body = o.body FROM two t, two o \
         WHERE r.tbl = 'staff' AND r.rid = t.rid AND o.n = 3 - t.n",
    );
    let problems = vault2.sign_in().verify().unwrap();
    assert_eq!(problems.iter().filter(|p| p.contains("does not open")).count(), 2, "{problems:?}");

    // An audit record deleted outright.
    let server3 = PgServer::start();
    let (vault3, mut office3) = office_on(&server3, "office");
    add_person(&mut office3, "Sam Jones", "sam@example.org", "Sales");
    drop(office3);
    server3.psql(
        "office",
        "DELETE FROM keyholder_rows WHERE (tbl, rid) = (SELECT tbl, rid FROM keyholder_rows WHERE tbl = 'audit_log' ORDER BY version LIMIT 1)",
    );
    let problems = vault3.sign_in().verify().unwrap();
    assert!(problems.iter().any(|p| p.contains("deleted on the server")), "{problems:?}");
}

#[test]
#[ignore = "needs PostgreSQL (Debian package postgresql); run by .ci/run"]
fn a_file_copied_to_a_server_and_back_is_the_same_record_and_the_source_is_unchanged() {
    let server = PgServer::start();
    let (file_vault, mut office) = TestVault::open_new();
    office.populate_demo(25).unwrap();
    drop(office);
    let password = SecretString::new(PASSWORD);
    let fingerprint =
        |path: &std::path::Path| fingerprint_of(path, password_sign_in(&password), file_vault.clock()).unwrap();
    let original = fingerprint(&file_vault.path);

    let address = server.database("office");
    let output = common::keyholder(&file_vault, &["migrate", "--to", &address]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("audit chain verified") && said.contains("is unchanged"), "{said}");
    assert_eq!(fingerprint(&file_vault.path), original, "the source file is unchanged");
    assert_eq!(fingerprint(std::path::Path::new(&address)), original, "the server holds the same record");

    // Copying onto a server that already holds a record is refused, and changes nothing.
    let again = common::keyholder(&file_vault, &["migrate", "--to", &address]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a Keyholder office record"));

    let back = file_vault.dir.path().join("back.khv");
    let on_server = TestVault { path: PathBuf::from(&address), ..TestVault::new() };
    let output = common::keyholder(&on_server, &["migrate", "--to", back.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(fingerprint(&back), original, "file → server → file gives the same record");
    let verify = common::keyholder(&TestVault { path: back.clone(), ..TestVault::new() }, &["verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
}

#[test]
#[ignore = "needs PostgreSQL (Debian package postgresql); run by .ci/run"]
fn failed_sign_ins_are_counted_on_the_server_for_every_desk() {
    let server = PgServer::start();
    let (vault, office) = office_on(&server, "office");
    drop(office);
    for _ in 0..keyholder::domain::lockout::FREE_FAILURES {
        assert!(matches!(
            vault.sign_in_as(OPERATOR, "wrong password entirely"),
            Err(ServiceError::Vault(VaultError::WrongPassword))
        ));
    }
    // Another desk (a new connection, no local state) waits as well.
    let waiting = vault.sign_in_as(OPERATOR, PASSWORD).unwrap_err();
    assert!(matches!(waiting, ServiceError::Vault(VaultError::TooManyAttempts { .. })), "{waiting:?}");
    vault.clock.advance(jiff::SignedDuration::from_mins(10));
    let office = vault.sign_in();
    let log = office.audit_log().unwrap();
    assert!(log.iter().any(|r| r.action == "operator.sign_in_failed"), "the failures reach the audit log");
}

#[test]
#[ignore = "needs PostgreSQL (Debian package postgresql); run by .ci/run"]
fn a_network_address_needs_tls_unless_it_says_otherwise_and_never_carries_the_password() {
    let port = free_port();
    let server = PgServer::start_on_loopback(port);
    server.run("createdb", &["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "keyholder", "office"]);
    let refused = create_office_at(&format!("postgres://keyholder@127.0.0.1:{port}/office")).unwrap_err().to_string();
    assert!(refused.contains("TLS"), "{refused}");
    let with_password =
        create_office_at(&format!("postgres://keyholder:secret-pw@127.0.0.1:{port}/office")).unwrap_err().to_string();
    assert!(with_password.contains("holds a password") && !with_password.contains("secret-pw"), "{with_password}");
    let plain = create_office_at(&format!("postgres://keyholder@127.0.0.1:{port}/office?sslmode=disable"));
    assert!(plain.is_ok(), "{:?}", plain.err());
}

#[test]
#[ignore = "needs PostgreSQL (Debian package postgresql); run by .ci/run"]
fn the_same_email_added_at_two_desks_is_kept_once() {
    let server = PgServer::start();
    let (vault, mut desk_a) = office_on(&server, "office");
    let mut desk_b = vault.sign_in();
    add_person(&mut desk_a, "Sam Jones", "sam@example.org", "Sales");
    // Desk B has not been told yet; its own copy does not have Sam.
    let draft = keyholder::domain::staff::StaffDraft {
        full_name: "Samuel Jones".into(),
        email: "SAM@example.org".into(),
        ..Default::default()
    };
    let refused = desk_b.add_staff(&draft).unwrap_err();
    assert!(refused.to_string().contains("kept everything as it was"), "{refused}");
    desk_b.catch_up().unwrap();
    let people: Vec<String> = desk_b.directory().unwrap().staff.iter().map(|s| s.full_name.clone()).collect();
    assert_eq!(people, ["Sam Jones"]);
}

#[test]
#[ignore = "needs PostgreSQL (Debian package postgresql); run by .ci/run"]
fn removing_an_operator_replaces_the_key_and_other_desks_sign_in_again() {
    let server = PgServer::start();
    let (vault, mut desk_a) = office_on(&server, "office");
    desk_a.add_operator("Bob", &SecretString::new(common::OTHER_PASSWORD)).unwrap();
    let mut desk_bob = vault.sign_in_as("Bob", common::OTHER_PASSWORD).unwrap();
    let mut desk_ada2 = vault.sign_in();
    desk_a.remove_operator("Bob", &keyholder::vault::keystore::MemoryStore::default()).unwrap();
    told_within(&desk_ada2, Duration::from_secs(2));
    let again = desk_ada2.catch_up().unwrap_err().to_string();
    assert!(again.contains("sign in again"), "{again}");
    let bob = desk_bob.catch_up().unwrap_err().to_string();
    assert!(bob.contains("sign in again"), "{bob}");
    assert!(vault.sign_in_as("Bob", common::OTHER_PASSWORD).is_err(), "Bob is out");
    let office = vault.sign_in();
    assert_eq!(office.verify().unwrap(), Vec::<String>::new());
    assert!(common::actions(&office).contains(&"operator.remove".to_owned()));
}

#[test]
#[ignore = "needs PostgreSQL (Debian package postgresql); run by .ci/run"]
fn a_record_written_by_an_older_keyholder_is_upgraded_on_the_server_at_sign_in() {
    let server = PgServer::start();
    let address = server.database("office");
    let operator = keyholder::domain::operator::OperatorName::parse(OPERATOR).unwrap();
    let old = keyholder::vault::schema::VERSION - 3;
    keyholder::vault::on_server::create_old_record(&address, &operator, PASSWORD.as_bytes(), common::start_time(), old)
        .unwrap();
    assert_eq!(server.psql("office", "SELECT schema_version FROM keyholder_store").trim(), old.to_string());
    let vault = TestVault { path: PathBuf::from(&address), ..TestVault::new() };
    let mut office = vault.sign_in();
    assert_eq!(
        server.psql("office", "SELECT schema_version FROM keyholder_store").trim(),
        keyholder::vault::schema::VERSION.to_string()
    );
    add_person(&mut office, "Sam Jones", "sam@example.org", "Sales");
    drop(office);
    let office = vault.sign_in();
    assert_eq!(office.directory().unwrap().staff.len(), 1);
    assert_eq!(office.verify().unwrap(), Vec::<String>::new());
    assert!(common::actions(&office).contains(&"vault.create".to_owned()));
}

#[test]
#[ignore = "needs PostgreSQL (Debian package postgresql); run by .ci/run"]
fn this_desk_keeps_an_encrypted_copy_and_fetches_only_what_changed_since() {
    let server = PgServer::start();
    let (vault, mut office) = office_on(&server, "office");
    add_person(&mut office, "Sam Canaryjones", "sam.canaryjones@example.org", "Sales");
    drop(office);
    let desk_b = vault.sign_in();
    assert!(desk_b.keeps_a_copy_here(), "signed in from this desk's copy");
    let mut desk_c = vault.sign_in();
    assert!(!desk_c.keeps_a_copy_here(), "a second Keyholder here works in memory");
    add_person(&mut desk_c, "Kim Lee", "kim@example.org", "Finance");
    drop(desk_b);
    drop(desk_c);
    let office = vault.sign_in();
    assert!(office.keeps_a_copy_here());
    let mut names: Vec<String> = office.directory().unwrap().staff.iter().map(|s| s.full_name.clone()).collect();
    names.sort();
    assert_eq!(names, ["Kim Lee", "Sam Canaryjones"], "the copy took in what changed since it was closed");
    assert_eq!(office.verify().unwrap(), Vec::<String>::new());
    drop(office);
    // The copies on this desk are encrypted like a file vault.
    let folder = std::env::var_os("KEYHOLDER_CACHE_DIR").map(PathBuf::from).unwrap_or_else(|| {
        directories::ProjectDirs::from("org", "Keyholder", "Keyholder").unwrap().cache_dir().join("desks")
    });
    let mut copies = 0;
    for entry in std::fs::read_dir(folder).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        assert!(!contains(&bytes, b"Canaryjones"), "{} holds a name in the clear", entry.path().display());
        copies += 1;
    }
    assert!(copies > 0);
}

#[test]
#[ignore = "needs PostgreSQL (Debian package postgresql); run by .ci/run"]
fn a_tls_server_is_reached_only_when_its_certificate_is_trusted() {
    let port = free_port();
    let server = PgServer::start_with_tls(port, slapd::make_certificates);
    server.run("createdb", &["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "keyholder", "office"]);
    let untrusted = create_office_at(&format!("postgres://keyholder@127.0.0.1:{port}/office")).unwrap_err().to_string();
    assert!(untrusted.contains("certificate is not trusted") && untrusted.contains("sslrootcert"), "{untrusted}");
    let ca = server.dir.path().join("ca.pem").display().to_string().replace('/', "%2F");
    let trusted = create_office_at(&format!("postgres://keyholder@127.0.0.1:{port}/office?sslrootcert={ca}"));
    assert!(trusted.is_ok(), "{:?}", trusted.err());
}

#[test]
#[ignore = "needs PostgreSQL (Debian package postgresql); run by .ci/run"]
fn a_desk_carries_on_by_itself_after_the_server_restarts() {
    let server = PgServer::start();
    let (vault, mut office) = office_on(&server, "office");
    let mut other_desk = vault.sign_in();
    add_person(&mut office, "Sam Jones", "sam@example.org", "Sales");
    server.restart();
    // The desks notice the server went away (their listening connection breaks) and connect
    // again before their next change: nothing to do for the operator.
    std::thread::sleep(Duration::from_millis(800));
    add_person(&mut office, "Kim Lee", "kim@example.org", "Finance");
    told_within(&other_desk, Duration::from_secs(5));
    other_desk.catch_up().unwrap();
    assert_eq!(other_desk.directory().unwrap().staff.len(), 2);
}

#[test]
fn a_server_that_cannot_be_reached_is_said_so_at_sign_in_not_offered_as_new() {
    let address = std::path::Path::new("postgres://keyholder@127.0.0.1:1/office?sslmode=disable");
    assert!(keyholder::service::vault_exists(address), "the sign-in screen, not 'create your office'");
    let error = keyholder::service::sign_in_options(address).unwrap_err().to_string();
    assert!(error.contains("nothing answers there"), "{error}");
}
