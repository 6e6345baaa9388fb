//! Access reviews through the service, with a frozen clock: the snapshot is frozen, "changed
//! since the last review" is exact, decisions follow the comment rules and lock at sign-off,
//! removals become revocation items that must really happen, and the CSV evidence is complete.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{TestVault, add_person};
use keyholder::domain::checklist::Process;
use keyholder::domain::review::{EXPIRED_EXCEPTION, NEW_ACCESS, NEW_PERSON, ReviewItem, ReviewState};
use keyholder::service::{NewReview, Office, Rule, ServiceError, new_system};

/// Sam (Sales: CRM user, Email user), Kim (Finance: Email user, and an exception on Payroll
/// admin, which is privileged), and CRM holding customer data.
fn office() -> (TestVault, Office) {
    let (vault, mut office) = TestVault::open_new();
    office.add_system(new_system("CRM", "software", "user,admin", "admin", true, true).unwrap()).unwrap();
    office.add_system(new_system("Email", "software", "user", "", false, true).unwrap()).unwrap();
    office.add_system(new_system("Payroll", "software", "user,admin", "admin", true, false).unwrap()).unwrap();
    office.add_role("Sales", &["CRM:user".into(), "Email:user".into()]).unwrap();
    office.add_role("Finance", &["Email:user".into()]).unwrap();
    add_person(&mut office, "Sam Carter", "sam@example.com", "Sales");
    add_person(&mut office, "Kim Lee", "kim@example.com", "Finance");
    office.assign_role("Sales", "sam@example.com").unwrap();
    office.assign_role("Finance", "kim@example.com").unwrap();
    office.grant("kim@example.com", "Payroll", "admin", "covers payroll runs", None).unwrap();
    (vault, office)
}

fn start(office: &mut Office, scope: &str) -> i64 {
    office.start_review(&NewReview { scope, ..Default::default() }).unwrap()
}

fn find<'a>(items: &'a [ReviewItem], email: &str, system: &str) -> &'a ReviewItem {
    items.iter().find(|i| i.item.email == email && i.item.system == system).expect("item")
}

/// Keep everything (with the comments the rules ask for) and sign off.
fn keep_all_and_sign_off(office: &mut Office, id: i64) {
    for item in office.review_items(id).unwrap() {
        office.decide_review_items(&[item.id], "keep", "still needed for their job").unwrap();
    }
    assert_eq!(office.sign_off_review(id).unwrap(), 0);
}

#[test]
fn the_snapshot_is_frozen_when_the_review_starts() {
    let (_vault, mut office) = office();
    let id = start(&mut office, "all");
    let before = office.review_items(id).unwrap();
    assert_eq!(before.len(), 4, "Sam: CRM, Email; Kim: Email, Payroll");
    let kim_payroll = find(&before, "kim@example.com", "Payroll");
    assert!(kim_payroll.item.is_exception() && kim_payroll.item.privileged);
    assert_eq!(kim_payroll.item.source, "exception: covers payroll runs");
    assert_eq!(find(&before, "sam@example.com", "CRM").item.source, "role Sales");

    office.grant("sam@example.com", "Payroll", "user", "helps with expenses", None).unwrap();
    add_person(&mut office, "Lee Park", "lee@example.com", "Sales");
    office.assign_role("Sales", "lee@example.com").unwrap();
    assert_eq!(office.review_items(id).unwrap(), before, "a grant or person added later is not in it");

    let scoped = start(&mut office, "customer-data");
    let mut scoped: Vec<(String, String)> =
        office.review_items(scoped).unwrap().into_iter().map(|i| (i.item.email, i.item.system)).collect();
    scoped.sort();
    let expected = [
        ("kim@example.com", "Payroll"),
        ("lee@example.com", "CRM"),
        ("sam@example.com", "CRM"),
        ("sam@example.com", "Payroll"),
    ];
    assert_eq!(scoped, expected.map(|(e, s)| (e.to_owned(), s.to_owned())), "only systems holding customer data");
    let team = start(&mut office, "team:finance");
    let team: Vec<(String, String)> =
        office.review_items(team).unwrap().into_iter().map(|i| (i.item.email, i.item.system)).collect();
    assert_eq!(team.len(), 2, "Kim's Email and Payroll: {team:?}");
    assert!(team.iter().all(|(email, _)| email == "kim@example.com"));
    assert!(office.start_review(&NewReview { scope: "team:Nobody", ..Default::default() }).is_err());
}

#[test]
fn changed_since_the_last_completed_review_is_exact() {
    let (vault, mut office) = office();
    let first = start(&mut office, "all");
    assert!(office.review_items(first).unwrap().iter().all(|i| i.item.changed.is_empty()), "nothing to compare with");
    keep_all_and_sign_off(&mut office, first);
    assert_eq!(office.review(first).unwrap().state, ReviewState::Complete);

    add_person(&mut office, "Lee Park", "lee@example.com", "Sales");
    office.assign_role("Sales", "lee@example.com").unwrap();
    office.grant("sam@example.com", "Payroll", "user", "helps with expenses", None).unwrap();
    office.grant("kim@example.com", "CRM", "user", "month-end cover", Some("2026-11-23")).unwrap();
    vault.clock.advance(jiff::SignedDuration::from_hours(48));

    let second = start(&mut office, "all");
    let items = office.review_items(second).unwrap();
    let changed: Vec<(String, String, String)> = items
        .iter()
        .filter(|i| !i.item.changed.is_empty())
        .map(|i| (i.item.email.clone(), i.item.system.clone(), i.item.changed.clone()))
        .collect();
    let expected = vec![
        ("kim@example.com".to_owned(), "CRM".to_owned(), format!("{NEW_ACCESS}, {EXPIRED_EXCEPTION}")),
        ("lee@example.com".into(), "CRM".into(), NEW_PERSON.into()),
        ("lee@example.com".into(), "Email".into(), NEW_PERSON.into()),
        ("sam@example.com".into(), "Payroll".into(), NEW_ACCESS.into()),
    ];
    let mut sorted = changed.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    assert_eq!(office.review(second).unwrap().review.previous_id, Some(first));
}

#[test]
fn comments_are_required_to_keep_exceptions_and_privileged_access() {
    let (_vault, mut office) = office();
    let id = start(&mut office, "all");
    let items = office.review_items(id).unwrap();
    let payroll = find(&items, "kim@example.com", "Payroll").id;
    let refused = office.decide_review_items(&[payroll], "keep", "").unwrap_err();
    assert!(
        matches!(&refused, ServiceError::RefusedByPolicy { rule: Rule::ReviewDecision, message } if message.contains("needs a comment")),
        "{refused}"
    );
    // Bulk "keep all of Kim's" is refused for the same reason, and changes nothing.
    let kims: Vec<i64> = items.iter().filter(|i| i.item.email == "kim@example.com").map(|i| i.id).collect();
    assert!(matches!(
        office.decide_review_items(&kims, "keep", ""),
        Err(ServiceError::RefusedByPolicy { rule: Rule::ReviewDecision, .. })
    ));
    assert!(office.review_items(id).unwrap().iter().all(|i| i.decision.is_none()));
    office.decide_review_items(&[payroll], "keep", "runs payroll until the new hire starts").unwrap();
    assert!(
        matches!(
            office.decide_review_items(&[payroll], "reduce:owner", ""),
            Err(ServiceError::RefusedByPolicy { rule: Rule::ReviewDecision, .. })
        ),
        "no such lower level"
    );
    office.decide_review_items(&[payroll], "reduce:user", "").unwrap();
}

#[test]
fn sign_off_needs_every_decision_and_locks_them() {
    let (_vault, mut office) = office();
    let id = start(&mut office, "all");
    let items = office.review_items(id).unwrap();
    office.decide_review_items(&[items[0].id], "keep", "").unwrap();
    let refused = office.sign_off_review(id).unwrap_err();
    assert!(matches!(&refused, ServiceError::RefusedByState(m) if m.contains("3 undecided")), "{refused}");
    assert_eq!(office.review(id).unwrap().state, ReviewState::InProgress);
    keep_all_and_sign_off(&mut office, id);
    let locked = office.decide_review_items(&[items[0].id], "remove", "").unwrap_err();
    assert!(matches!(&locked, ServiceError::RefusedByState(m) if m.contains("locked")), "{locked}");
    assert!(matches!(office.sign_off_review(id), Err(ServiceError::RefusedByState(_))), "once only");
    let summary = office.review(id).unwrap();
    assert_eq!(summary.review.signed_off_by.as_deref(), Some(common::OPERATOR));
}

#[test]
fn removals_become_revocation_items_and_the_review_completes_when_they_are_done() {
    let (_vault, mut office) = office();
    let id = start(&mut office, "all");
    let items = office.review_items(id).unwrap();
    let (payroll, sam_crm) = (find(&items, "kim@example.com", "Payroll").id, find(&items, "sam@example.com", "CRM").id);
    for item in &items {
        let decision = if item.id == payroll || item.id == sam_crm { "remove" } else { "keep" };
        office.decide_review_items(&[item.id], decision, "").unwrap();
    }
    assert_eq!(office.sign_off_review(id).unwrap(), 2);
    let summary = office.review(id).unwrap();
    assert_eq!(summary.state, ReviewState::AwaitingRevocations);
    assert_eq!((summary.counts.revocations, summary.counts.revocations_open), (2, 2));

    // Kim's exception is revoked by ticking the item.
    let kim =
        office.checklists_of("kim@example.com").unwrap().into_iter().find(|c| c.process == Process::Review).unwrap();
    office.complete_item(kim.items[0].id).unwrap();
    assert!(office.directory().unwrap().exceptions.is_empty());

    // Sam's CRM comes from a role: the tick is refused until the role no longer gives it.
    let sam =
        office.checklists_of("sam@example.com").unwrap().into_iter().find(|c| c.process == Process::Review).unwrap();
    let refused = office.complete_item(sam.items[0].id).unwrap_err();
    assert!(matches!(&refused, ServiceError::RefusedByState(m) if m.contains("role Sales")), "{refused}");
    assert_eq!(office.review(id).unwrap().state, ReviewState::AwaitingRevocations);
    office.unassign_role("Sales", "sam@example.com").unwrap();
    office.complete_item(sam.items[0].id).unwrap();
    assert_eq!(office.review(id).unwrap().state, ReviewState::Complete);
    let states = office.review_revocations(id).unwrap();
    assert_eq!(states.len(), 2);
    assert!(states.values().all(|s| s.label() == "done"));
}

#[test]
fn a_reviews_counts_follow_every_decision_changed_decision_and_removal() {
    let (_vault, mut office) = office();
    let id = start(&mut office, "all");
    let items = office.review_items(id).unwrap();
    let counts = |office: &Office| {
        let c = office.review(id).unwrap().counts;
        (c.items, c.decided, c.kept, c.removed, c.reduced, c.exceptions, c.revocations, c.revocations_open)
    };
    assert_eq!(counts(&office), (4, 0, 0, 0, 0, 1, 0, 0));
    let (payroll, sam_crm) = (find(&items, "kim@example.com", "Payroll").id, find(&items, "sam@example.com", "CRM").id);
    office.decide_review_items(&[payroll], "reduce:user", "").unwrap();
    office.decide_review_items(&[sam_crm], "keep", "").unwrap();
    assert_eq!(counts(&office), (4, 2, 1, 0, 1, 1, 0, 0));
    office.decide_review_items(&[sam_crm], "remove", "").unwrap();
    let rest: Vec<i64> = items.iter().map(|i| i.id).filter(|&i| i != payroll && i != sam_crm).collect();
    office.decide_review_items(&rest, "keep", "").unwrap();
    assert_eq!(counts(&office), (4, 4, 2, 1, 1, 1, 0, 0));
    assert_eq!(office.sign_off_review(id).unwrap(), 2);
    assert_eq!(counts(&office), (4, 4, 2, 1, 1, 1, 2, 2));
    let kim =
        office.checklists_of("kim@example.com").unwrap().into_iter().find(|c| c.process == Process::Review).unwrap();
    office.complete_item(kim.items[0].id).unwrap();
    assert_eq!(counts(&office), (4, 4, 2, 1, 1, 1, 2, 1));
    assert_eq!(office.reviews().unwrap()[0].counts, office.review(id).unwrap().counts);
    assert!(office.verify().unwrap().is_empty(), "the counts kept match the items counted again");
}

#[test]
fn a_reduction_lowers_an_exception_when_ticked() {
    let (_vault, mut office) = office();
    let id = start(&mut office, "privileged");
    let items = office.review_items(id).unwrap();
    assert_eq!(items.len(), 1, "only Kim's Payroll admin is privileged");
    office.decide_review_items(&[items[0].id], "reduce:user", "").unwrap();
    office.sign_off_review(id).unwrap();
    let list =
        office.checklists_of("kim@example.com").unwrap().into_iter().find(|c| c.process == Process::Review).unwrap();
    office.complete_item(list.items[0].id).unwrap();
    let directory = office.directory().unwrap();
    let level = directory.describe_level(directory.exceptions[0].level_id).unwrap();
    assert_eq!(level, "Payroll (user)");
    assert_eq!(office.review(id).unwrap().state, ReviewState::Complete);
}

#[test]
fn the_csv_evidence_has_one_row_per_item_with_decision_reviewer_and_times() {
    let (vault, mut office) = office();
    let id = start(&mut office, "all");
    let items = office.review_items(id).unwrap();
    let payroll = find(&items, "kim@example.com", "Payroll").id;
    for item in &items {
        let decision = if item.id == payroll { "remove" } else { "keep" };
        office.decide_review_items(&[item.id], decision, "checked with the team lead").unwrap();
    }
    office.sign_off_review(id).unwrap();
    let kim =
        office.checklists_of("kim@example.com").unwrap().into_iter().find(|c| c.process == Process::Review).unwrap();
    office.complete_item(kim.items[0].id).unwrap();

    let pdf = vault.dir.path().join("review.pdf");
    let csv_path = vault.dir.path().join("review.csv");
    office.export_review(id, &pdf, &csv_path).unwrap();
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    assert!(office.export_review(id, &pdf, &csv_path).is_err(), "never overwrites");
    let other_pdf = vault.dir.path().join("other.pdf");
    assert!(office.export_review(id, &other_pdf, &csv_path).is_err());
    assert!(!other_pdf.exists(), "a refused export leaves no half of itself behind");
    assert_eq!(office.review_exports(id).unwrap().len(), 1);

    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), items.len(), "one row per item");
    for row in &rows {
        assert_eq!(&row[column("reviewer")], common::OPERATOR);
        assert!(!row[column("decided_at")].is_empty() && !row[column("signed_off_at")].is_empty());
        assert_eq!(&row[column("comment")], "checked with the team lead");
    }
    let removed: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[column("decision")] == "remove").collect();
    assert_eq!(removed.len(), 1);
    assert_eq!(&removed[0][column("email")], "kim@example.com");
    assert_eq!(&removed[0][column("revocation")], "done");
    assert_eq!(&removed[0][column("revoked_by")], common::OPERATOR);
}

#[test]
fn a_line_manager_can_review_their_team_and_the_dashboard_shows_overdue_reviews() {
    let (vault, mut office) = office();
    let kim = office.directory().unwrap().person_by_email("kim@example.com").unwrap().clone();
    let kim_draft = kim.to_draft(Some("sam@example.com"));
    office.edit_staff(kim.id, &kim_draft).unwrap();
    let new =
        NewReview { scope: "team:Finance", reviewer: Some("Sam Carter"), due: Some("2026-11-30"), cadence_days: None };
    let id = office.start_review(&new).unwrap();
    assert_eq!(office.review(id).unwrap().review.reviewer, "Sam Carter (line manager, with Ada)");
    let everyone = NewReview { scope: "all", reviewer: Some("Sam Carter"), ..Default::default() };
    assert!(matches!(
        office.start_review(&everyone),
        Err(ServiceError::RefusedByPolicy { rule: keyholder::service::Rule::ReviewScope, .. })
    ));
    assert!(office.start_review(&NewReview { reviewer: Some("Kim Lee"), scope: "all", ..Default::default() }).is_err());

    let due = office.due_items().unwrap();
    assert!(due.iter().any(|d| d.kind == "review" && !d.overdue), "due within two weeks: {due:?}");
    vault.clock.advance(jiff::SignedDuration::from_hours(24 * 8));
    let due = office.due_items().unwrap();
    assert!(due.iter().any(|d| d.kind == "review" && d.overdue), "past its date: {due:?}");
}

#[test]
fn the_audit_records_after_a_known_one_are_the_new_ones_newest_first() {
    let (_vault, mut office) = office();
    let id = start(&mut office, "all");
    let newest = office.recent_audit(1).unwrap()[0].seq;
    assert!(office.audit_after(newest).unwrap().is_empty());
    let items = office.review_items(id).unwrap();
    office.decide_review_items(&[items[0].id], "keep", "still needed for their job").unwrap();
    office.decide_review_items(&[items[1].id], "keep", "still needed for their job").unwrap();
    let added = office.audit_after(newest).unwrap();
    assert_eq!(added.len(), 2);
    assert!(added[0].seq > added[1].seq && added[1].seq > newest, "newest first, only after {newest}");
    assert_eq!(office.recent_audit(2).unwrap(), added, "the same as the last two records");
}
