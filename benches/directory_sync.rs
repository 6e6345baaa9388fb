//! Sync of a 5,000-user directory with 50 groups (issue 17's figure): a real OpenLDAP server
//! (`slapd`, started on 127.0.0.1 by tests/slapd) and an office whose 5,000 staff are the
//! directory's people. Prints the whole use case: read, drift against the record, audit.
//! Needs slapd and ldap-utils (scripts/install-gui-deps.sh); says so and stops without them.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark fails by panicking

#[path = "../tests/slapd/mod.rs"]
mod slapd;

use keyholder::domain::secret::SecretString;
use keyholder::service::{NewLinkedDirectory, NewOffice, Office, SystemClock};
use keyholder::vault::crypto::KdfParams;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

const USERS: usize = 5_000;
const GROUPS: usize = 50;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    if std::process::Command::new("slapd").arg("-VV").output().is_err() {
        println!("directory sync: skipped (slapd is not installed: scripts/install-gui-deps.sh)");
        return;
    }
    // 50 groups of 100 members each.
    let mut groups = String::new();
    for g in 0..GROUPS {
        let _ = writeln!(groups, "dn: cn=group{g},ou=Groups,{}\nobjectClass: groupOfNames\ncn: group{g}", slapd::BASE);
        for m in 0..100 {
            let _ = writeln!(groups, "member: uid=user{},ou=People,{}", g * 100 + m, slapd::BASE);
        }
        groups.push('\n');
    }
    let server = slapd::Slapd::start(USERS, &groups);
    let dir = tempfile::tempdir().unwrap();
    let password = SecretString::new("bench-password-for-the-vault-9");
    let mut office = Office::create(
        &dir.path().join("bench.khv"),
        NewOffice { operator: "Bench", password: &password, kdf: Some(KdfParams::FLOOR) },
        Arc::new(SystemClock),
    )
    .unwrap()
    .office;
    // A system per group, and the directory's people as staff (so accounts match by email:
    // the heavier path of the comparison). No roles: every membership is unrecorded access.
    for g in 0..=GROUPS {
        let system = keyholder::service::new_system(&format!("System {g}"), "software", "user", "", false, false);
        office.add_system(system.unwrap()).unwrap();
    }
    let mut csv = String::from("full_name,email,team\n");
    for n in 0..USERS {
        let _ = writeln!(csv, "User {n},user{n}@example.com,Finance");
    }
    let plan = office.preview_import(csv.as_bytes()).unwrap();
    office.apply_import(&plan, "bench").unwrap();
    let bind = SecretString::new(slapd::ADMIN_PASSWORD);
    let url = server.url();
    office
        .add_directory(&NewLinkedDirectory {
            name: "bench",
            kind: "openldap",
            url: &url,
            base_dn: slapd::BASE,
            bind_dn: slapd::ADMIN,
            bind_password: &bind,
            starttls: false,
            ca_file: None,
        })
        .unwrap();
    let record = office.directory().unwrap();
    office.map_directory_accounts("bench", &record.systems[0].name).unwrap();
    for (g, system) in record.systems.iter().skip(1).take(GROUPS).enumerate() {
        let dn = format!("cn=group{g},ou=Groups,{}", slapd::BASE);
        office.map_directory_group("bench", &dn, &system.name, &system.levels[0].name).unwrap();
    }
    let syncs: Vec<(Duration, usize)> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let report = office.sync_directory("bench").unwrap();
            (t.elapsed(), report.findings.len())
        })
        .collect();
    let findings = syncs[0].1;
    let sync = median(syncs.into_iter().map(|(t, _)| t).collect());
    println!(
        "directory sync of {USERS} users and {GROUPS} groups, each account matched to a staff member: {:.0} ms \
         (median of 5; read, drift, audit; {findings} findings)",
        sync.as_secs_f64() * 1000.0
    );
}
