//! Policies and training on a frozen clock: a new version asks its audience (and only it) to
//! acknowledge again; a joiner's checklist gets the policies and courses that apply to them,
//! ticked by the acknowledgement or the completion, and they become active only once all is
//! done; training falls due on the right day; the CLI's exact forms.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{TestVault, add_person};
use keyholder::domain::checklist::ItemKind;
use keyholder::domain::staff::{StaffDraft, StaffStatus};
use keyholder::service::{NewJoiner, NewPolicyVersion, Office};

fn version<'a>(name: &'a str, version: &'a str, audience: Option<&'a str>) -> NewPolicyVersion<'a> {
    NewPolicyVersion { name, version, document: None, link: None, audience }
}

fn acknowledged(office: &Office, policy: &str, email: &str) -> bool {
    office.policy_status(policy).unwrap().iter().find(|s| s.email == email).unwrap().acknowledged.is_some()
}

#[test]
fn a_new_version_asks_its_audience_again_and_only_its_audience() {
    let (_vault, mut office) = TestVault::open_new();
    add_person(&mut office, "Sam Carter", "sam@example.com", "Sales");
    add_person(&mut office, "Kim Lee", "kim@example.com", "Support");
    office.add_policy_version(&version("Sales playbook", "1", Some("team:Sales"))).unwrap();
    office.add_policy_version(&version("Data protection", "2026.1", None)).unwrap();
    for (policy, email) in [
        ("Sales playbook", "sam@example.com"),
        ("Data protection", "sam@example.com"),
        ("Data protection", "kim@example.com"),
    ] {
        office.acknowledge_policy(policy, email, None).unwrap();
    }
    let audience: Vec<String> = office.policy_status("Sales playbook").unwrap().into_iter().map(|s| s.email).collect();
    assert_eq!(audience, ["sam@example.com"], "the Sales team only");

    office.add_policy_version(&version("Sales playbook", "2", None)).unwrap();
    assert!(!acknowledged(&office, "Sales playbook", "sam@example.com"), "asked again for version 2");
    assert!(acknowledged(&office, "Data protection", "sam@example.com"), "another policy is untouched");
    assert!(acknowledged(&office, "Data protection", "kim@example.com"));
    let refused = office.add_policy_version(&version("Sales playbook", "3", Some("all"))).unwrap_err();
    assert!(refused.to_string().contains("a new version keeps its audience"), "{refused}");
    let due = office.due_items().unwrap();
    let row = due.iter().find(|d| d.kind == "policy").unwrap();
    assert_eq!(row.subject, "Sales playbook (version 2)");
    assert!(row.reason.starts_with("1 person has not acknowledged yet (Sam Carter)"), "{}", row.reason);
}

#[test]
fn a_joiner_gets_the_policies_and_training_that_apply_and_becomes_active_only_when_done() {
    let (vault, mut office) = TestVault::open_new();
    office.add_policy_version(&version("Data protection", "1", None)).unwrap();
    office.add_policy_version(&version("Sales playbook", "1", Some("team:Sales"))).unwrap();
    office.add_course("Phishing awareness", 182, Some("team:Sales")).unwrap();
    let start = office.today().tomorrow().unwrap();
    let joiner = |name: &str, email: &str, team: &str| StaffDraft {
        full_name: name.into(),
        email: email.into(),
        team: team.into(),
        start_date: start.to_string(),
        ..Default::default()
    };
    let (_, support) =
        office.start_joiner(NewJoiner { draft: joiner("Kim Lee", "kim@example.com", "Support"), roles: &[] }).unwrap();
    let (_, sales) =
        office.start_joiner(NewJoiner { draft: joiner("Ana Diaz", "ana@example.com", "Sales"), roles: &[] }).unwrap();
    let obligations = |email: &str, id| {
        let list = office.checklists_of(email).unwrap().into_iter().find(|l| l.id == id).unwrap();
        list.items
            .into_iter()
            .filter(|i| matches!(i.kind, ItemKind::AcknowledgePolicy { .. } | ItemKind::CompleteTraining { .. }))
            .map(|i| i.title)
            .collect::<Vec<_>>()
    };
    assert_eq!(obligations("kim@example.com", support), ["Read and acknowledge the Data protection"]);
    assert_eq!(
        obligations("ana@example.com", sales),
        [
            "Read and acknowledge the Data protection",
            "Read and acknowledge the Sales playbook",
            "Complete the training Phishing awareness"
        ]
    );

    // Everything else on Ana's list is done; the policy and training items wait.
    let list = office.checklists_of("ana@example.com").unwrap().into_iter().find(|l| l.id == sales).unwrap();
    for item in list
        .items
        .iter()
        .filter(|i| !matches!(i.kind, ItemKind::AcknowledgePolicy { .. } | ItemKind::CompleteTraining { .. }))
    {
        office.complete_item(item.id).unwrap();
    }
    vault.clock.advance(jiff::SignedDuration::from_hours(48));
    office.activate_started_joiners().unwrap();
    let status = |office: &Office| office.directory().unwrap().person_by_email("ana@example.com").unwrap().status;
    assert_eq!(status(&office), StaffStatus::Joining, "policies and training still to do");
    office.acknowledge_policy("Data protection", "ana@example.com", None).unwrap();
    office.acknowledge_policy("Sales playbook", "ana@example.com", None).unwrap();
    let today = office.today().to_string();
    office.record_training("Phishing awareness", "ana@example.com", &today, Some(("cert.pdf", b"%PDF-cert"))).unwrap();
    office.activate_started_joiners().unwrap();
    assert_eq!(status(&office), StaffStatus::Active, "the acknowledgements and the completion ticked her items");
    assert!(acknowledged(&office, "Sales playbook", "ana@example.com"));
}

#[test]
fn training_falls_due_on_the_right_day() {
    let (vault, mut office) = TestVault::open_new();
    add_person(&mut office, "Sam Carter", "sam@example.com", "Sales");
    office.add_course("Data protection awareness", 30, None).unwrap();
    let today = office.today();
    office.record_training("Data protection awareness", "sam@example.com", &today.to_string(), None).unwrap();
    let training = |office: &Office| office.due_items().unwrap().into_iter().find(|d| d.kind == "training");
    assert!(training(&office).is_none(), "done today: due in 30 days, beyond the fortnight shown");
    vault.clock.advance(jiff::SignedDuration::from_hours(24 * 16));
    let soon = training(&office).unwrap();
    assert_eq!((soon.due, soon.overdue), (today.checked_add(jiff::ToSpan::days(30)).unwrap(), false));
    vault.clock.advance(jiff::SignedDuration::from_hours(24 * 15)); // day 31
    assert!(training(&office).unwrap().overdue);
    let status = office.training_status().unwrap();
    assert_eq!(status[0].last_completed, Some(today));
}

#[test]
fn the_cli_takes_the_issues_exact_forms() {
    let (vault, mut office) = TestVault::open_new();
    add_person(&mut office, "Sam Carter", "sam@example.com", "Sales");
    drop(office);
    let run = |args: &[&str]| common::keyholder(&vault, args);
    let said = |out: &std::process::Output| String::from_utf8_lossy(&out.stderr).into_owned();
    let document = vault.dir.path().join("dp.txt");
    std::fs::write(&document, "Our data-protection policy").unwrap();
    let added = run(&[
        "policy",
        "add",
        "Data protection",
        "--version",
        "1",
        "--file",
        document.to_str().unwrap(),
        "--audience",
        "all",
    ]);
    assert!(added.status.success(), "{}", said(&added));
    let listed: serde_json::Value = serde_json::from_slice(&run(&["policy", "list", "--json"]).stdout).unwrap();
    assert_eq!(listed[0]["versions"][0]["document"], "dp.txt");
    // The program runs on the real clock: the version is dated today, so is the acknowledgement.
    let today = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date().to_string();
    let early = run(&["policy", "ack", "Data protection", "sam@example.com", "--on", "2020-01-01"]);
    assert!(said(&early).contains("the date must be between version 1's date"), "{}", said(&early));
    assert!(run(&["policy", "ack", "Data protection", "sam@example.com", "--on", &today]).status.success());
    let status: serde_json::Value =
        serde_json::from_slice(&run(&["policy", "status", "Data protection", "--json"]).stdout).unwrap();
    assert_eq!(status[0]["acknowledged"], today.as_str());
    assert!(run(&["training", "add", "Phishing", "--every-days", "182", "--audience", "team:Sales"]).status.success());
    let recorded = run(&["training", "record", "Phishing", "sam@example.com", "--on", "2026-11-20"]);
    assert!(recorded.status.success(), "{}", said(&recorded));
    let training: serde_json::Value = serde_json::from_slice(&run(&["training", "status", "--json"]).stdout).unwrap();
    assert_eq!(
        (training[0]["last_completed"].as_str(), training[0]["due"].as_str()),
        (Some("2026-11-20"), Some("2027-05-21"))
    );
    let signatures = vault.dir.path().join("signatures.csv");
    std::fs::write(&signatures, "email,date\nnobody@example.com,2026-11-22\n").unwrap();
    let refused = run(&["policy", "import", "Data protection", signatures.to_str().unwrap()]);
    assert!(!refused.status.success() && said(&refused).contains("row 2"), "{}", said(&refused));
}
