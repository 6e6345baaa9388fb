//! Shared secrets: due reasons with a frozen clock, rotation (history bounded, leaver items
//! completed), holders including leavers, the policy and generator, and `keyholder due`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{PASSWORD, TestVault, actions, add_person, contains};
use keyholder::domain::checklist::{ItemKind, Process};
use keyholder::domain::secret::SecretString;
use keyholder::service::{Office, Rule, ServiceError, is_common_password, new_system};

const STRONG: &str = "ribbon-canyon-violet-tractor-7";

/// Wi-Fi (shared account, everyone in role Office has it) and Sam in role Office.
fn office() -> (TestVault, Office) {
    let (vault, mut office) = TestVault::open_new();
    office.add_system(new_system("Wi-Fi", "shared_account", "user", "", false, false).unwrap()).unwrap();
    office.add_system(new_system("Alarm", "physical", "holder", "", false, false).unwrap()).unwrap();
    office.add_role("Office", &["Wi-Fi:user".into()]).unwrap();
    add_person(&mut office, "Sam Carter", "sam@example.com", "");
    add_person(&mut office, "Kim Lee", "kim@example.com", "");
    office.assign_role("Office", "sam@example.com").unwrap();
    office
        .add_secret(
            "Office Wi-Fi",
            Some("Wi-Fi"),
            None,
            "",
            &SecretString::new(STRONG),
            Some(90),
            Some("2026-09-01"),
            &[],
        )
        .unwrap();
    office
        .add_secret(
            "Alarm code",
            Some("Alarm"),
            None,
            "",
            &SecretString::new("4711"),
            None,
            None,
            &["kim@example.com".into()],
        )
        .unwrap();
    (vault, office)
}

fn reasons(office: &Office, name: &str) -> Vec<String> {
    office.secret_statuses().unwrap().into_iter().find(|s| s.secret.name == name).unwrap().described
}

#[test]
fn a_secret_becomes_due_for_its_interval_a_leaver_or_a_compromise_each_with_its_reason() {
    let (vault, mut office) = office();
    vault.clock.set("2026-11-17T09:00:00Z".parse().unwrap());
    assert_eq!(reasons(&office, "Office Wi-Fi"), vec!["rotation interval ends 2026-11-30"]);
    vault.clock.set("2026-11-15T09:00:00Z".parse().unwrap());
    assert!(reasons(&office, "Office Wi-Fi").is_empty(), "more than two weeks before the interval ends");
    vault.clock.set("2026-11-23T09:00:00Z".parse().unwrap());
    office.start_leaver("sam@example.com", "2026-11-25").unwrap();
    office.mark_compromised("Alarm code", "seen on a sticky note").unwrap();
    assert_eq!(
        reasons(&office, "Office Wi-Fi"),
        vec![
            "Sam Carter could know it and leaves on 2026-11-25".to_owned(),
            "rotation interval ends 2026-11-30".to_owned(),
        ]
    );
    assert_eq!(reasons(&office, "Alarm code"), vec!["may be compromised: seen on a sticky note"]);
}

#[test]
fn rotating_completes_the_leavers_item_and_keeps_a_bounded_history() {
    let (_vault, mut office) = office();
    office.start_leaver("sam@example.com", "2026-11-23").unwrap();
    let list = office.checklists_of("sam@example.com").unwrap().pop().unwrap();
    let item = list.items.iter().find(|i| matches!(i.kind, ItemKind::RotateSecret { .. })).unwrap().clone();
    assert_eq!(item.title, "Rotate the shared secret Office Wi-Fi");
    let refused = office.complete_item(item.id).unwrap_err();
    assert!(matches!(&refused, ServiceError::RefusedByState(m) if m.contains("rotating the secret")), "{refused}");
    let holders = office.secret_holders("Office Wi-Fi").unwrap();
    assert!(
        holders
            .iter()
            .any(|h| h.email == "sam@example.com" && h.reasons.iter().any(|r| r.starts_with("left on 2026-11-23"))),
        "{holders:?}"
    );

    assert_eq!(office.rotate_secret("Office Wi-Fi", &SecretString::new("copper-lantern-orbit-meadow-1")).unwrap(), 1);
    let list = office.checklists_of("sam@example.com").unwrap().pop().unwrap();
    assert!(list.items.iter().find(|i| i.id == item.id).unwrap().state.is_closed());
    assert!(reasons(&office, "Office Wi-Fi").is_empty(), "rotation clears the leaver reason and restarts the clock");
    for n in 2..=8 {
        office.rotate_secret("Office Wi-Fi", &SecretString::new(format!("copper-lantern-orbit-meadow-{n}"))).unwrap();
    }
    assert_eq!(office.secret_history("Office Wi-Fi").unwrap().len(), 5, "history is bounded to five versions");
    assert_eq!(office.reveal_secret("Office Wi-Fi", "checked").unwrap().expose(), "copper-lantern-orbit-meadow-8");
    assert_eq!(actions(&office).last().map(String::as_str), Some("secret.reveal"), "revealing is audited");
    assert_eq!(list.process, Process::Leaver);
}

#[test]
fn the_policy_refuses_short_and_common_values_but_not_alarm_codes() {
    let (_vault, mut office) = office();
    let short = office.rotate_secret("Office Wi-Fi", &SecretString::new("Short-1")).unwrap_err();
    assert!(
        matches!(&short, ServiceError::RefusedByPolicy { rule: Rule::SharedSecretStrength, message } if message.contains("at least 16")),
        "{short}"
    );
    let common = office.rotate_secret("Office Wi-Fi", &SecretString::new("password1")).unwrap_err();
    assert!(common.to_string().contains("commonly used"), "{common}");
    assert!(is_common_password("Qwerty123") && !is_common_password(STRONG));
    office.rotate_secret("Alarm code", &SecretString::new("9876")).unwrap();
    let generated = keyholder::service::generate_password(20, Default::default()).unwrap();
    office.rotate_secret("Office Wi-Fi", &generated).unwrap();
    let phrase = keyholder::service::generate_passphrase(5).unwrap();
    assert_eq!(phrase.expose().split('-').count(), 5);
    office.rotate_secret("Office Wi-Fi", &phrase).unwrap();
}

#[test]
fn secret_values_are_never_in_a_file_in_plaintext() {
    let (vault, mut office) = office();
    let canary = "CANARY-secret-value-Quokka-93817";
    office.rotate_secret("Office Wi-Fi", &SecretString::new(canary)).unwrap();
    drop(office);
    for file in vault.vault_files() {
        assert!(!contains(&std::fs::read(&file).unwrap(), canary.as_bytes()), "{}", file.display());
    }
    assert_eq!(vault.sign_in().reveal_secret("Office Wi-Fi", "checked").unwrap().expose(), canary);
}

#[test]
fn due_exits_three_when_something_is_overdue_and_zero_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("o.khv");
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_keyholder"));
        command.arg("--vault").arg(&vault).args(args).env("KEYHOLDER_PASSWORD", PASSWORD).env_remove("KEYHOLDER_VAULT");
        command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = command.spawn().unwrap();
        if let Some(text) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        }
        child.wait_with_output().unwrap()
    };
    assert!(
        run(&["init", "--operator", "Ada", "--kdf-memory-mib", "19", "--kdf-iterations", "2"], None).status.success()
    );
    assert!(run(&["system", "add", "--name", "Portal", "--kind", "shared_account"], None).status.success());
    let out = run(&["due"], None);
    assert_eq!(out.status.code(), Some(0));
    let value = format!("{STRONG}\n");
    let out = run(
        &[
            "secret",
            "add",
            "Supplier portal",
            "--system",
            "Portal",
            "--interval-days",
            "30",
            "--last-rotated",
            "2025-01-01",
        ],
        Some(&value),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["due", "--json"], None);
    assert_eq!(out.status.code(), Some(3));
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items[0]["kind"], "secret");
    assert_eq!(items[0]["subject"], "Supplier portal");
    assert_eq!(items[0]["due"], "2025-01-31");
    assert_eq!(items[0]["reason"], "rotate: rotation interval ends 2025-01-31");
    let out = run(&["secret", "rotate", "Supplier portal", "--generate"], None);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim().chars().count(), 20, "the generated value is printed once");
    assert_eq!(run(&["due"], None).status.code(), Some(0));
    let out = run(&["secret", "show", "Supplier portal"], None);
    assert!(String::from_utf8_lossy(&out.stdout).contains("value: (hidden; use --reveal)"));
}

#[test]
fn purging_a_leaver_removes_personal_fields_and_nothing_else_and_verify_still_passes() {
    let (vault, mut office) = office();
    office.start_leaver("kim@example.com", "2025-06-30").unwrap();
    let list = office.checklists_of("kim@example.com").unwrap().pop().unwrap();
    for item in &list.items {
        match item.kind {
            ItemKind::RotateSecret { .. } => office.skip_item(item.id, "rotated by the alarm company").unwrap(),
            _ => office.complete_item(item.id).unwrap(),
        }
    }
    office.finish_leaver("kim@example.com").unwrap();
    let kim = office.directory().unwrap().person_by_email("kim@example.com").unwrap().clone();
    assert!(office.purges_due().unwrap().iter().any(|(id, _, due)| *id == kim.id && due.to_string() == "2026-06-30"));
    assert!(office.due_items().unwrap().iter().any(|d| d.kind == "purge"));
    let audit_before = office.audit_log().unwrap();
    office.purge_person(kim.id).unwrap();

    let after = office.directory().unwrap().person(kim.id).unwrap().clone();
    assert_eq!(after.full_name, format!("Former staff member #{}", kim.id));
    assert_eq!(after.email, format!("staff-{}@purged.invalid", kim.id));
    // The team went with the rest of the personal details; dates and status stay.
    assert_eq!(
        (after.team.as_str(), after.status, after.start_date, after.end_date),
        ("", kim.status, kim.start_date, kim.end_date)
    );
    assert!(office.purges_due().unwrap().is_empty());
    let audit_after = office.audit_log().unwrap();
    // Earlier records are stored untouched; only Kim's personal parts no longer decrypt.
    let stored = |records: &[keyholder::domain::audit::AuditRecord]| {
        records.iter().map(|r| (r.seq, r.hash, r.personal_sealed.clone())).collect::<Vec<_>>()
    };
    assert_eq!(
        stored(&audit_after[..audit_before.len()]),
        stored(&audit_before),
        "earlier audit records are untouched"
    );
    assert!(audit_after.iter().filter(|r| r.personal_staff == Some(kim.id)).all(|r| r.personal.is_none()));
    assert!(audit_before.iter().any(|r| r.personal_staff == Some(kim.id) && r.personal.is_some()));
    assert!(office.verify().unwrap().is_empty());
    assert!(
        !office
            .audit_log()
            .unwrap()
            .iter()
            .any(|r| r.summary.contains("Kim Lee") || r.summary.contains("kim@example.com"))
    );
    assert!(matches!(office.purge_person(kim.id), Err(ServiceError::RefusedByState(_))), "purging twice is refused");
    let sam = office.directory().unwrap().person_by_email("sam@example.com").unwrap().id;
    assert!(office.purge_person(sam).is_err(), "only leavers are purged");
    drop(vault);
}

#[test]
fn policies_are_validated_audited_and_applied() {
    let (_vault, mut office) = office();
    let mut policies = office.policies().unwrap();
    assert_eq!(
        (
            policies.clipboard_clear_secs,
            policies.secret_history_versions,
            policies.password_min_length,
            policies.retention_months
        ),
        (20, 5, 16, 12)
    );
    policies.password_min_length = 24;
    policies.secret_history_versions = 2;
    office.set_policies(policies).unwrap();
    assert_eq!(actions(&office).last().map(String::as_str), Some("settings.policies"));
    let refused = office.rotate_secret("Office Wi-Fi", &SecretString::new("twenty-characters-ok")).unwrap_err();
    assert!(
        matches!(&refused, ServiceError::RefusedByPolicy { message, .. } if message.contains("at least 24")),
        "{refused}"
    );
    for n in 0..4 {
        office.rotate_secret("Office Wi-Fi", &SecretString::new(format!("copper-lantern-orbit-meadow-{n}"))).unwrap();
    }
    assert_eq!(office.secret_history("Office Wi-Fi").unwrap().len(), 2);
    policies.clipboard_clear_secs = 1;
    assert!(matches!(
        office.set_policies(policies),
        Err(ServiceError::RefusedByPolicy { rule: Rule::PolicyRange, .. })
    ));
}

#[test]
fn someone_named_and_with_the_access_is_listed_once_with_every_reason() {
    let (_vault, mut office) = office();
    let value = SecretString::new(STRONG);
    office
        .add_secret("Router admin", Some("Wi-Fi"), None, "admin", &value, None, None, &["sam@example.com".into()])
        .unwrap();
    office.start_leaver("sam@example.com", "2026-11-23").unwrap();
    let holders = office.secret_holders("Router admin").unwrap();
    let sam: Vec<_> = holders.iter().filter(|h| h.email == "sam@example.com").collect();
    assert_eq!(sam.len(), 1, "{holders:?}");
    assert_eq!(
        sam[0].reasons,
        ["has Wi-Fi (user) through role Office", "named as a holder", "left on 2026-11-23, after it last changed",]
    );
}

#[test]
fn access_through_two_roles_and_an_exception_reads_as_one_reason() {
    let (_vault, mut office) = office();
    office.add_role("Front desk", &["Wi-Fi:user".into()]).unwrap();
    office.assign_role("Front desk", "sam@example.com").unwrap();
    office.grant("sam@example.com", "Wi-Fi", "user", "covering the router", None).unwrap();
    let holders = office.secret_holders("Office Wi-Fi").unwrap();
    let sam = holders.iter().find(|h| h.email == "sam@example.com").unwrap();
    assert_eq!(
        sam.reasons,
        ["has Wi-Fi (user) through roles Office and Front desk and exception: covering the router"]
    );
}

#[test]
fn a_skipped_rotation_no_longer_makes_the_secret_due_until_the_skip_is_taken_back() {
    let (_vault, mut office) = office();
    office.start_leaver("sam@example.com", "2026-11-23").unwrap();
    // Sam's reason, and whether anything about the Wi-Fi is overdue (its interval is only due).
    let due = |office: &Office| {
        let items: Vec<_> = office.due_items().unwrap().into_iter().filter(|i| i.subject == "Office Wi-Fi").collect();
        let overdue = items.iter().any(|i| i.overdue);
        (items.into_iter().map(|i| i.reason).filter(|r| r.contains("Sam Carter")).collect::<Vec<_>>(), overdue)
    };
    assert_eq!(due(&office), (vec!["rotate: Sam Carter could know it and leaves on 2026-11-23".to_owned()], true));
    let item = office.checklists_of("sam@example.com").unwrap().pop().unwrap().items.into_iter();
    let rotate = item.into_iter().find(|i| matches!(i.kind, ItemKind::RotateSecret { .. })).unwrap();
    office.skip_item(rotate.id, "the router was replaced the same day").unwrap();
    assert_eq!(due(&office), (vec![], false), "skipped with a reason: not due, not overdue");
    assert_eq!(reasons(&office, "Office Wi-Fi"), ["rotation interval ends 2026-11-30"], "nor on the secrets page");
    let holders = office.secret_holders("Office Wi-Fi").unwrap();
    let sam = holders.iter().find(|h| h.email == "sam@example.com").unwrap();
    assert!(
        sam.reasons.contains(
            &"left on 2026-11-23, after it last changed (rotation skipped: the router was replaced the same day)"
                .to_owned()
        ),
        "{sam:?}"
    );
    office.reopen_item(rotate.id).unwrap();
    assert_eq!(due(&office).0.len(), 1, "taking the skip back makes it due again");
}

#[test]
fn a_leaver_who_still_has_the_access_is_named_before_a_rotation() {
    let (_vault, mut office) = office();
    assert!(office.leavers_with_access("Office Wi-Fi").unwrap().is_empty());
    office.start_leaver("sam@example.com", "2026-11-30").unwrap();
    let leavers = office.leavers_with_access("Office Wi-Fi").unwrap();
    let sam_list = office.checklists_of("sam@example.com").unwrap().pop().unwrap();
    assert_eq!(leavers.len(), 1);
    assert_eq!((leavers[0].name.as_str(), leavers[0].last_day.to_string()), ("Sam Carter", "2026-11-30".to_owned()));
    assert_eq!(leavers[0].checklist, Some(sam_list.id));
    // Kim is only named as knowing the alarm code: a new code would not reach her.
    assert!(office.leavers_with_access("Alarm code").unwrap().is_empty());
    // Once the role is removed, the warning goes.
    let role = sam_list.items.iter().find(|i| matches!(i.kind, ItemKind::RemoveRole { .. })).unwrap();
    office.complete_item(role.id).unwrap();
    assert!(office.leavers_with_access("Office Wi-Fi").unwrap().is_empty());
}

#[test]
fn a_rotation_interval_is_changed_after_adding_audited_and_the_due_date_follows() {
    let (vault, mut office) = office();
    vault.clock.set("2026-11-01T09:00:00Z".parse().unwrap());
    // Last rotated 2026-09-01 every 90 days: due 2026-11-30, not yet within two weeks.
    assert!(reasons(&office, "Office Wi-Fi").is_empty());
    let due = office.set_secret_interval("Office Wi-Fi", Some(30)).unwrap();
    assert_eq!(due.map(|d| d.to_string()).as_deref(), Some("2026-10-01"));
    assert_eq!(reasons(&office, "Office Wi-Fi"), ["rotation interval ends 2026-10-01"]);
    let record = office.audit_log().unwrap().pop().unwrap();
    assert_eq!(record.action, "secret.interval");
    assert_eq!((record.before.as_deref(), record.after.as_deref()), (Some("90 days"), Some("30 days")));
    // No reminder at all, then an unchanged interval writes nothing.
    assert_eq!(office.set_secret_interval("Office Wi-Fi", None).unwrap(), None);
    assert!(reasons(&office, "Office Wi-Fi").is_empty());
    let count = office.audit_log().unwrap().len();
    office.set_secret_interval("Office Wi-Fi", None).unwrap();
    assert_eq!(office.audit_log().unwrap().len(), count, "nothing changed, nothing recorded");
    for days in [0, 3651] {
        let error = office.set_secret_interval("Office Wi-Fi", Some(days)).unwrap_err();
        assert!(matches!(&error, ServiceError::Invalid(m) if m.contains("1–3650 days")), "{error}");
    }
    assert!(matches!(office.set_secret_interval("Nothing", Some(30)), Err(ServiceError::NotFound { .. })));
}
