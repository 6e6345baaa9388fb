//! Incidents and personal-data breaches, end to end with a frozen clock: a lost laptop is
//! recorded, contained (its holder's containment checklist, the secret they knew due for
//! rotation with the incident as its reason), assessed, reported and closed; the 72-hour clock
//! at 71, 72 and 73 hours; the refusals the law asks for; the ICO report's text read back from
//! the PDF; the register as CSV; an attachment encrypted at rest; the CLI's exact forms.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{TestVault, add_person};
use jiff::SignedDuration;
use keyholder::domain::checklist::ItemKind;
use keyholder::domain::incident::{Details, UpdateKind};
use keyholder::domain::secret::SecretString;
use keyholder::service::{LinkTarget, NewIncident, Office, ServiceError};

const TITLE: &str = "Laptop left on the 08:12 to Leeds";

/// Sam, with a laptop, the Wi-Fi key and an account on Payroll; a laptop lost an hour ago.
fn office_with_a_lost_laptop() -> (TestVault, Office, i64) {
    let (vault, mut office) = TestVault::open_new();
    office.add_system(keyholder::service::new_system("Payroll", "software", "user", "", true, false).unwrap()).unwrap();
    add_person(&mut office, "Sam Jones", "sam@example.com", "Finance");
    office.grant("sam@example.com", "Payroll", "user", "payroll clerk", None).unwrap();
    office.add_device("Laptop", "PF-3K2L9", "ThinkPad T14", Some("sam@example.com")).unwrap();
    let value = SecretString::new("wifi-value-Canary-77");
    office.add_secret("Office Wi-Fi", None, None, "", &value, None, None, &["sam@example.com".into()]).unwrap();
    let aware = (office.now() - SignedDuration::from_hours(1)).to_string();
    let details = Details {
        what_happened: "Sam left the office laptop on a train; it has not been handed in.".into(),
        cause: "Human error while travelling".into(),
        how_found: "Sam phoned the office from the station".into(),
        people_categories: "Customers and staff".into(),
        people_count: Some(1200),
        data_categories: "Contact details and bank details in the payroll export".into(),
        records_count: Some(1450),
        consequences: "Possible fraud if the disk can be read".into(),
        measures: "Remote wipe requested; passwords changed".into(),
    };
    let id = office
        .add_incident(&NewIncident { title: TITLE, kind: "confidentiality", aware: &aware, happened: None, details })
        .unwrap();
    (vault, office, id)
}

#[test]
fn a_lost_laptop_is_contained_assessed_reported_and_closed() {
    let (_vault, mut office, id) = office_with_a_lost_laptop();
    let said = office.link_incident(id, &LinkTarget::Device("pf-3k2l9".into())).unwrap();
    assert_eq!(said, "a containment checklist of 3 item(s) for Sam Jones was started");
    office.link_incident(id, &LinkTarget::Secret("Office Wi-Fi".into())).unwrap();
    let refused = office.link_incident(id, &LinkTarget::Secret("Office Wi-Fi".into())).unwrap_err();
    assert!(refused.to_string().contains("already linked"), "{refused}");

    // The secret is due, with the incident as its reason.
    let wifi = office.secret_statuses().unwrap().into_iter().find(|s| s.secret.name == "Office Wi-Fi").unwrap();
    assert!(
        wifi.described.iter().any(|d| d == &format!("may be compromised: incident {id}: {TITLE}")),
        "{:?}",
        wifi.described
    );

    let view = office.incident(id).unwrap();
    let titles: Vec<&str> = view.containment[0].items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Lock or wipe Laptop ThinkPad T14 (PF-3K2L9) remotely; report it to the police if stolen",
            "Sign Sam Jones out of every session on Payroll and change their password",
            "Rotate Office Wi-Fi (Sam Jones could know it)",
        ]
    );
    let linked: Vec<&str> = view.links.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(linked, ["Laptop ThinkPad T14 (PF-3K2L9)", "Office Wi-Fi"]);

    office.assess_incident(id, "high", "bank details of customers, disk not encrypted").unwrap();
    let high = office.incident_not_reportable(id, "only one laptop").unwrap_err();
    assert!(matches!(&high, ServiceError::Invalid(m) if m.contains("must be reported")), "{high}");
    office.report_incident(id, "IC-001234-A1B2", None, None).unwrap();
    office.tell_people(id, false, &office.now().to_string()).unwrap();

    let refused = office.close_incident(id).unwrap_err();
    assert!(refused.to_string().contains("containment item(s) are still open"), "{refused}");
    for item in office.incident(id).unwrap().containment[0].items.clone() {
        match item.kind {
            ItemKind::RotateSecret { .. } => office.skip_item(item.id, "rotated by IT on the router").unwrap(),
            _ => office.complete_item(item.id).unwrap(),
        }
    }
    office.close_incident(id).unwrap();
    assert_eq!(office.incident(id).unwrap().incident.status().as_str(), "closed");

    // The audit says which incident and what was decided, never its title or facts.
    let audit = office.audit_log().unwrap();
    let actions: Vec<&str> =
        audit.iter().filter(|r| r.action.starts_with("incident.")).map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "incident.add",
            "incident.link",
            "incident.link",
            "incident.assess",
            "incident.report",
            "incident.tell",
            "incident.close"
        ]
    );
    assert!(audit.iter().filter(|r| r.action.starts_with("incident.")).all(|r| !r.summary.contains("Leeds")));
}

#[test]
fn the_clock_shows_hours_left_red_in_the_last_day_and_overdue_after_72_hours() {
    let (vault, office, _id) = office_with_a_lost_laptop();
    let due = |office: &Office| office.due_items().unwrap().into_iter().find(|d| d.kind == "incident").unwrap();
    assert!(due(&office).reason.ends_with(": 71 h left"), "{}", due(&office).reason);
    assert!(!due(&office).overdue);
    vault.clock.advance(SignedDuration::from_hours(70)); // 71 h after awareness
    assert!(due(&office).reason.ends_with(": 1 h left"));
    let groups = keyholder::service::group_due(&office.due_items().unwrap(), office.today(), |_| None);
    let row = groups.iter().find(|g| g.kind == "incident").unwrap();
    assert_eq!(row.urgency, keyholder::service::Urgency::Overdue, "red in the last 24 hours");
    vault.clock.advance(SignedDuration::from_hours(1)); // 72 h
    assert!(due(&office).overdue);
    vault.clock.advance(SignedDuration::from_hours(1)); // 73 h
    let late = due(&office);
    assert!(late.reason.contains("(overdue by 1 h): report to the ICO now"), "{}", late.reason);
    let rows = office.incident_rows().unwrap();
    assert_eq!((rows[0].hours_left, rows[0].clock.as_str()), (Some(-1), "overdue by 1 h"));
}

#[test]
fn a_late_report_needs_its_delay_reason_and_the_decisions_their_reasons() {
    let (vault, mut office, id) = office_with_a_lost_laptop();
    vault.clock.advance(SignedDuration::from_hours(80));
    let late = office.report_incident(id, "IC-9", None, None).unwrap_err();
    assert!(late.to_string().contains("give the reason for the delay"), "{late}");
    assert!(office.incident_not_reportable(id, " ").unwrap_err().to_string().contains("give the reason"));
    office.report_incident(id, "IC-9", None, Some("the laptop was only missed at the weekly check")).unwrap();
    let timeline = office.incident(id).unwrap().updates;
    let last = timeline.last().unwrap();
    assert_eq!(last.kind, UpdateKind::Decision);
    assert!(last.text.contains("Reason for reporting after 72 hours: the laptop was only missed"), "{}", last.text);
}

#[test]
fn the_report_for_the_ico_holds_every_field_in_the_forms_order() {
    let (_vault, mut office, id) = office_with_a_lost_laptop();
    office.link_incident(id, &LinkTarget::Device("PF-3K2L9".into())).unwrap();
    office.assess_incident(id, "high", "bank details, disk not encrypted").unwrap();
    office.report_incident(id, "IC-001234-A1B2", None, None).unwrap();
    office.not_tell_people(id, Some("mitigated"), "the laptop was wiped before anyone could use it").unwrap();
    office
        .add_incident_update(
            id,
            UpdateKind::Communication,
            "Email to the ICO case officer",
            Some(("ico-email.eml", b"From: ico")),
        )
        .unwrap();
    let text = common::pdf_text(&office.incident_report_pdf(id).unwrap());
    let expected = [
        "1. Report type",
        "Follow-up to the report IC-001234-A1B2",
        "2. About the breach",
        "Sam left the office laptop on a train; it has not been handed in.",
        "Human error while travelling",
        "Confidentiality: disclosed or accessed without authority",
        "Sam phoned the office from the station",
        "Reported within 72 hours",
        "Contact details and bank details in the payroll export",
        "About 1,450",
        "About 1,200",
        "Customers and staff",
        "3. Consequences and risk",
        "Possible fraud if the disk can be read",
        "A high risk to people's rights and freedoms. Reasoning: bank details, disk not encrypted",
        "4. Taking action",
        "Remote wipe requested; passwords changed",
        "0 of 3 containment item(s) done or decided",
        "Not told (Article 34(3): Measures taken since mean the high risk is no longer likely). Reason: the laptop was wiped",
        "ICO reference IC-001234-A1B2",
        "5. About us",
        "Recorded by Ada",
        "6. Linked to",
        "Laptop ThinkPad T14 (PF-3K2L9)",
        "7. Timeline",
        "Email to the ICO case officer [attached: ico-email.eml]",
    ];
    let mut from = 0;
    for part in expected {
        let at = text[from..].find(part).map(|i| i + from);
        assert!(at.is_some(), "{part:?} missing (or out of order) in: {text}");
        from = at.unwrap_or(from);
    }
}

#[test]
fn the_register_is_a_csv_of_the_incidents_aware_in_the_range_and_attachments_are_encrypted_at_rest() {
    let (vault, mut office, id) = office_with_a_lost_laptop();
    office
        .add_incident_update(
            id,
            UpdateKind::Communication,
            "copy of the police report",
            Some(("police.txt", b"ATTACHED-CANARY-5521")),
        )
        .unwrap();
    let today = office.today();
    let csv = String::from_utf8(office.incident_register_csv(today, today).unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let field = |name: &str| rows[0].get(headers.iter().position(|h| h == name).unwrap()).unwrap().to_owned();
    assert_eq!(field("title"), TITLE);
    assert_eq!(field("status"), "recorded");
    assert_eq!(field("records_count"), "1450");
    let tomorrow = today.tomorrow().unwrap();
    let empty = String::from_utf8(office.incident_register_csv(tomorrow, tomorrow).unwrap()).unwrap();
    assert_eq!(empty.lines().count(), 1, "the header only");

    let update = office.incident(id).unwrap().updates.iter().find(|u| u.attachment.is_some()).unwrap().id;
    assert_eq!(
        office.incident_attachment(update).unwrap(),
        ("police.txt".to_owned(), b"ATTACHED-CANARY-5521".to_vec())
    );
    drop(office);
    for file in vault.vault_files() {
        let bytes = std::fs::read(&file).unwrap();
        for canary in [&b"ATTACHED-CANARY-5521"[..], TITLE.as_bytes()] {
            assert!(!bytes.windows(canary.len()).any(|w| w == canary), "plaintext in {}", file.display());
        }
    }
}

#[test]
fn the_cli_takes_the_issues_exact_forms_and_due_exits_3_once_the_72_hours_are_over() {
    let vault = TestVault::new();
    let run = |args: &[&str]| common::keyholder(&vault, args);
    let text = |out: &std::process::Output| String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let said = |out: &std::process::Output| String::from_utf8_lossy(&out.stderr).into_owned();
    let added = run(&[
        "incident",
        "add",
        "--title",
        "Spreadsheet emailed to the wrong client",
        "--aware",
        "2026-11-20T09:00+00:00",
        "--happened",
        "2026-11-20T08:40",
        "--kind",
        "confidentiality",
    ]);
    assert!(added.status.success(), "{}", said(&added));
    let id = text(&added);
    assert_eq!(id, "1");
    let listed = run(&["incident", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(rows[0]["title"], "Spreadsheet emailed to the wrong client");
    assert_eq!(rows[0]["status"], "recorded");
    assert!(rows[0]["hours_left"].as_i64().unwrap() < 0, "the test clock is days past awareness");
    let due = run(&["due"]);
    assert_eq!(due.status.code(), Some(3), "overdue: {}", text(&due));
    assert!(text(&due).contains("incident\tIncident 1: Spreadsheet emailed to the wrong client"));

    let refused = run(&["incident", "report", &id, "--not-reportable"]);
    assert!(!refused.status.success(), "--not-reportable needs --reason");
    let late = run(&["incident", "report", &id, "--ico", "--reference", "IC-77"]);
    assert!(said(&late).contains("give the reason for the delay"), "{}", said(&late));
    assert!(run(&["incident", "assess", &id, "--risk", "risk", "--reason", "one client's salaries"]).status.success());
    let reported = run(&[
        "incident",
        "report",
        &id,
        "--ico",
        "--reference",
        "IC-77",
        "--delay-reason",
        "found at the month-end check",
    ]);
    assert!(reported.status.success(), "{}", said(&reported));
    let tell = run(&["incident", "tell", &id, "--not", "--reason", "the client deleted it and confirmed in writing"]);
    assert!(tell.status.success(), "{}", said(&tell));
    let email = vault.dir.path().join("client-email.txt");
    std::fs::write(&email, "We have deleted it. ATTACHED-CLI-CANARY").unwrap();
    let update = run(&[
        "incident",
        "update",
        &id,
        "--text",
        "Client confirmed deletion",
        "--kind",
        "communication",
        "--attach",
        email.to_str().unwrap(),
    ]);
    assert!(update.status.success(), "{}", said(&update));
    let shown = text(&run(&["incident", "show", &id]));
    let entry = shown.lines().find(|l| l.ends_with("Client confirmed deletion [client-email.txt]")).unwrap();
    let copy = vault.dir.path().join("copy.txt");
    let update_id = entry.split('\t').next().unwrap();
    assert!(run(&["incident", "attachment", update_id, "--out", copy.to_str().unwrap()]).status.success());
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), "We have deleted it. ATTACHED-CLI-CANARY");
    assert_eq!(run(&["due"]).status.code(), Some(0), "reported: the clock stopped");
    let dir = vault.dir.path();
    let pdf = dir.join("report.pdf");
    assert!(run(&["incident", "export", &id, "--pdf", pdf.to_str().unwrap()]).status.success());
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let csv = dir.join("register.csv");
    assert!(
        run(&["incident", "register", "--from", "2026-11-01", "--to", "2026-11-30", "--csv", csv.to_str().unwrap()])
            .status
            .success()
    );
    assert!(std::fs::read_to_string(&csv).unwrap().contains("IC-77"));
    assert!(run(&["incident", "close", &id]).status.success());
    let shown: serde_json::Value = serde_json::from_slice(&run(&["incident", "show", &id, "--json"]).stdout).unwrap();
    assert_eq!(shown["status"], "closed");
}
