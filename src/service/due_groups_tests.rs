//! Grouping, ordering and wording of the dashboard's due rows.

use super::*;
use jiff::civil::date;

const TODAY: Date = date(2026, 11, 29);

fn item(kind: &'static str, subject: &str, due: Date, overdue: bool, target: Option<DueTarget>) -> DueItem {
    DueItem { target, kind, subject: subject.to_owned(), due, reason: "a reason".to_owned(), overdue }
}

fn no_mfa(person: i64, system: SystemId, created: Date) -> DueItem {
    let target = Some(DueTarget::Account { staff: person, system });
    item("missing_mfa", &format!("Person {person} on system {system}"), created, false, target)
}

fn names(id: SystemId) -> Option<String> {
    [(1, "Email"), (2, "Files")].iter().find(|(i, _)| *i == id).map(|(_, n)| (*n).to_owned())
}

#[test]
fn missing_mfa_on_one_system_is_one_row_with_a_count_below_real_deadlines() {
    let mut items: Vec<DueItem> = (0..53).map(|p| no_mfa(p, 1, date(1976, 1, 1))).collect();
    items.push(no_mfa(99, 2, date(2020, 1, 1)));
    items.push(item("leaver", "Kim Novak", date(2026, 12, 2), false, Some(DueTarget::Checklist(7))));
    let groups = group_due(&items, TODAY, names);
    let titles: Vec<&str> = groups.iter().map(|g| g.title.as_str()).collect();
    assert_eq!(titles, ["Kim Novak: a reason", "53 accounts without MFA on Email", "Person 99 on system 2: a reason"]);
    assert_eq!(groups[1].system, Some(1));
    assert_eq!(groups[1].items.len(), 53);
    assert_eq!(when(&groups[0], TODAY), "Due in 3 days");
    assert_eq!(when(&groups[1], TODAY), "Worth doing, no deadline");
}

#[test]
fn overdue_before_due_then_sooner_first_then_the_kind_that_matters_more() {
    let items = vec![
        item("joiner", "Nadia", date(2026, 12, 6), false, None),
        item("secret", "Alarm code", date(2026, 12, 2), false, None),
        item("leaver", "Jack", date(2026, 12, 2), false, None),
        item("secret", "Wi-Fi", date(2026, 10, 30), true, None),
        item("review", "Access review", date(2026, 11, 1), false, None),
    ];
    let groups = group_due(&items, TODAY, names);
    let subjects: Vec<&str> = groups.iter().map(|g| items[g.items[0]].subject.as_str()).collect();
    assert_eq!(subjects, ["Wi-Fi", "Access review", "Jack", "Alarm code", "Nadia"]);
    assert_eq!(groups[0].urgency, Urgency::Overdue);
}

#[test]
fn two_reasons_for_one_secret_are_one_row_and_take_the_more_urgent() {
    let items = vec![
        item("secret", "Wi-Fi", date(2026, 12, 2), false, Some(DueTarget::Secret(3))),
        item("secret", "Wi-Fi", date(2026, 10, 30), true, Some(DueTarget::Secret(3))),
    ];
    let groups = group_due(&items, TODAY, names);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].items, [1, 0]);
    assert_eq!(groups[0].title, "Wi-Fi: a reason", "the same reason twice is said once");
    assert_eq!(when(&groups[0], TODAY), "Overdue since 30 Oct");
}

#[test]
fn when_is_said_in_words() {
    let group =
        |urgency, due| DueGroup { kind: "secret", urgency, due, items: vec![0], system: None, title: String::new() };
    assert_eq!(when(&group(Urgency::Due, TODAY), TODAY), "Due today");
    assert_eq!(when(&group(Urgency::Due, date(2026, 11, 30)), TODAY), "Due tomorrow");
    assert_eq!(when(&group(Urgency::Due, date(2026, 12, 2)), TODAY), "Due in 3 days");
    assert_eq!(when(&group(Urgency::Due, date(2027, 1, 20)), TODAY), "Due on 20 Jan 2027");
    assert_eq!(when(&group(Urgency::Due, date(2026, 11, 3)), TODAY), "Due since 3 Nov");
    assert_eq!(when(&group(Urgency::Overdue, date(2026, 11, 3)), TODAY), "Overdue since 3 Nov");
    assert_eq!(when(&group(Urgency::Overdue, date(2025, 11, 3)), TODAY), "Overdue since 3 Nov 2025");
    assert_eq!(when(&group(Urgency::Overdue, TODAY), TODAY), "Overdue");
}

#[test]
fn reasons_read_as_words_with_plurals_that_agree() {
    assert_eq!(readable("19 open item(s), 0 overdue", TODAY), "19 open items, 0 overdue");
    assert_eq!(readable("1 open item(s), 1 overdue", TODAY), "1 open item, 1 overdue");
    assert_eq!(readable("1 removal(s) from an access review", TODAY), "1 removal from an access review");
    assert_eq!(readable("rotate: rotation interval ends 2026-10-01", TODAY), "rotate: rotation interval ends 1 Oct");
    assert_eq!(readable("leaving on 2027-01-05.", TODAY), "leaving on 5 Jan 2027.");
    assert_eq!(counted(1, "account", "accounts"), "1 account");
    assert_eq!(counted(2, "account", "accounts"), "2 accounts");
}

#[test]
fn a_count_in_brackets_still_decides_the_plural() {
    assert_eq!(
        readable("1 other checklist(s) closed (2 open item(s) skipped)", TODAY),
        "1 other checklist closed (2 open items skipped)"
    );
}
