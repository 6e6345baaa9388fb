//! Due reasons, who could know a secret and leavers who would learn a new value.

use super::*;
use jiff::civil::date;

fn secret() -> SharedSecret {
    SharedSecret {
        id: 1,
        name: "Wi-Fi".into(),
        system_id: None,
        level_id: None,
        username: String::new(),
        url: String::new(),
        notes: String::new(),
        interval_days: Some(90),
        last_rotated: date(2026, 9, 1),
        compromised: None,
        explicit_holders: vec![3, 1, 3],
    }
}

#[test]
fn an_interval_is_due_from_two_weeks_before_it_ends() {
    let s = secret();
    assert_eq!(due_reasons(&s, &[], date(2026, 11, 15)), vec![]);
    assert_eq!(due_reasons(&s, &[], date(2026, 11, 16)), vec![DueReason::Interval { due: date(2026, 11, 30) }]);
    let never = SharedSecret { interval_days: None, ..secret() };
    assert_eq!(due_reasons(&never, &[], date(2030, 1, 1)), vec![]);
    assert_eq!(never.interval_due(), None);
    // A shorter interval brings the date forward from the same last rotation.
    let monthly = SharedSecret { interval_days: Some(30), ..secret() };
    assert_eq!((s.interval_due(), monthly.interval_due()), (Some(date(2026, 11, 30)), Some(date(2026, 10, 1))));
}

#[test]
fn leavers_and_compromise_make_it_due_with_their_reasons_most_urgent_first() {
    let s = SharedSecret { compromised: Some((date(2026, 11, 20), "seen on a sticky note".into())), ..secret() };
    let reasons = due_reasons(&s, &[Exposure { staff_id: 7, since: date(2026, 11, 10) }], date(2026, 11, 23));
    assert_eq!(
        reasons,
        vec![
            DueReason::HolderLeft { staff_id: 7, last_day: date(2026, 11, 10) },
            DueReason::Compromised { since: date(2026, 11, 20), note: "seen on a sticky note".into() },
            DueReason::Interval { due: date(2026, 11, 30) },
        ]
    );
}

#[test]
fn explicit_holders_count_once() {
    assert_eq!(current_holders(&secret(), &Directory::default(), date(2026, 11, 23)), vec![1, 3]);
}

use crate::domain::access::{DirectGrant, Role};
use crate::domain::staff::{Staff, StaffStatus};
use crate::domain::system::{AccessLevel, System, SystemKind};

fn person(id: StaffId, name: &str, end_date: Option<Date>) -> Staff {
    Staff { end_date, ..crate::domain::fixtures::person(id, name, StaffStatus::Active) }
}

/// Wi-Fi (levels 10 user, 11 admin). Sam (1) has user through role Office and a direct grant
/// of user; Kim (2) has admin through role IT; Jo (3) has no access; Max (4) has user through
/// Office and an end date.
fn office() -> Directory {
    let level = |id, name: &str, rank| AccessLevel { id, system_id: 1, name: name.into(), rank, privileged: rank > 0 };
    let wifi = System {
        id: 1,
        name: "Wi-Fi".into(),
        kind: SystemKind::SharedAccount,
        owner_id: None,
        location: String::new(),
        customer_data: false,
        mfa_supported: false,
        levels: vec![level(10, "user", 0), level(11, "admin", 1)],
    };
    let role = |id, name: &str, levels| Role { id, name: name.into(), description: String::new(), levels };
    let grant = DirectGrant {
        id: 5,
        staff_id: 1,
        level_id: 10,
        reason: "covering reception".into(),
        approved_by: "Ada".into(),
        granted_on: date(2026, 11, 1),
        expires_on: None,
    };
    Directory::new(
        vec![
            person(1, "Sam", None),
            person(2, "Kim", None),
            person(3, "Jo", None),
            person(4, "Max", Some(date(2027, 1, 31))),
        ],
        vec![wifi],
        vec![role(1, "Office", vec![10]), role(2, "IT", vec![11])],
        vec![(1, 1), (2, 2), (4, 1)],
        vec![grant],
        vec![],
    )
}

fn wifi() -> SharedSecret {
    SharedSecret { system_id: Some(1), explicit_holders: vec![1, 3], ..secret() }
}

#[test]
fn someone_named_and_with_access_twice_is_one_holder_with_every_reason() {
    let exposures = [Exposure { staff_id: 1, since: date(2026, 11, 20) }];
    let holders = who_could_know(&wifi(), &office(), &exposures, date(2026, 11, 23));
    let ids: Vec<StaffId> = holders.iter().map(|h| h.staff_id).collect();
    assert_eq!(ids, [1, 2, 3, 4], "each person once");
    assert_eq!(
        holders[0].reasons,
        [
            HoldReason::Access { level_id: 10, source: Source::Role { role_id: 1 } },
            HoldReason::Access { level_id: 10, source: Source::Exception { grant_id: 5 } },
            HoldReason::Named,
            HoldReason::Leaving { last_day: date(2026, 11, 20) },
        ]
    );
    assert_eq!(holders[2].reasons, [HoldReason::Named]);
    assert_eq!(current_holders(&wifi(), &office(), date(2026, 11, 23)), [1, 2, 3, 4]);
    // Narrowed to the user level: Kim's admin access does not count.
    let user_only = SharedSecret { level_id: Some(10), ..wifi() };
    assert_eq!(current_holders(&user_only, &office(), date(2026, 11, 23)), [1, 3, 4]);
}

#[test]
fn a_skipped_rotation_answers_only_its_own_leaving() {
    let exposures =
        [Exposure { staff_id: 7, since: date(2026, 11, 10) }, Exposure { staff_id: 8, since: date(2026, 11, 12) }];
    let skipped =
        |staff_id, last_day| SkippedRotation { secret_id: 1, staff_id, last_day, reason: "changed by IT".into() };
    assert_eq!(outstanding(1, &exposures, &[skipped(7, date(2026, 11, 10))]), [exposures[1].clone()]);
    // Another secret's skip, or a skip from an earlier leaving, answers nothing here.
    assert_eq!(outstanding(2, &exposures, &[skipped(7, date(2026, 11, 10))]).len(), 2);
    assert_eq!(outstanding(1, &exposures, &[skipped(7, date(2025, 3, 1))]).len(), 2);
    let s = secret();
    let left = outstanding(1, &exposures, &[skipped(7, date(2026, 11, 10)), skipped(8, date(2026, 11, 12))]);
    assert_eq!(due_reasons(&SharedSecret { interval_days: None, ..s }, &left, date(2026, 11, 23)), vec![]);
}

#[test]
fn leavers_who_still_have_the_access_are_warned_of_but_not_people_only_named() {
    let today = date(2026, 11, 23);
    // Sam has a leaver checklist open; Max has an end date; Jo leaves too but is only named.
    let leaving = [(1, date(2026, 11, 30)), (3, date(2026, 11, 25))];
    assert_eq!(
        leavers_with_access(&wifi(), &office(), &leaving, today),
        [
            LeaverWithAccess { staff_id: 1, last_day: date(2026, 11, 30) },
            LeaverWithAccess { staff_id: 4, last_day: date(2027, 1, 31) },
        ]
    );
    assert_eq!(leavers_with_access(&wifi(), &office(), &[], today).len(), 1, "Max's end date alone counts");
    // Kim's admin access does not let Kim know a secret of the user level only.
    let admin = SharedSecret { level_id: Some(11), ..wifi() };
    assert_eq!(leavers_with_access(&admin, &office(), &leaving, today), []);
    let no_system = SharedSecret { system_id: None, ..wifi() };
    assert_eq!(leavers_with_access(&no_system, &office(), &leaving, today), []);
}
