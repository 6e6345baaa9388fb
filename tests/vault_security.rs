//! Adversarial tests of the vault: wrong keys, tampering, plaintext leaks, password changes,
//! recovery, the keyring slot, a second opener, backups and the sign-in delay.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{OPERATOR, OTHER_PASSWORD, PASSWORD, TestVault, actions, contains, snapshot};
use keyholder::domain::secret::SecretString;
use keyholder::service::{Office, Rule, ServiceError, SignIn, SignInMethod, restore_backup};
use keyholder::vault::VaultError;
use keyholder::vault::keystore::{MemoryStore, UnavailableStore};
use std::collections::BTreeSet;

const CANARY: &str = "CANARY-Zebulon-Quartzfield-4711";

fn vault_error(result: Result<Office, ServiceError>) -> VaultError {
    match result {
        Err(ServiceError::Vault(error)) => error,
        Err(other) => panic!("expected a vault error, got {other}"),
        Ok(_) => panic!("expected the sign-in to fail"),
    }
}

/// Files whose bytes must never change on a failed sign-in (the attempts journal may).
fn vault_bytes(vault: &TestVault) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = snapshot(vault.dir.path());
    files.retain(|name, _| !name.ends_with(".attempts"));
    files
}

#[test]
fn wrong_password_fails_and_leaves_every_vault_file_byte_identical() {
    let vault = TestVault::new();
    let before = vault_bytes(&vault);
    assert!(before.contains_key("office.khv") && before.contains_key("office.khv.keys"));
    let error = vault_error(vault.sign_in_as(OPERATOR, "copper lantern orbit meadoW"));
    assert!(matches!(error, VaultError::WrongPassword), "{error}");
    let error = vault_error(vault.sign_in_as("Nobody", PASSWORD));
    assert!(matches!(error, VaultError::WrongPassword), "an unknown name must look like a wrong password");
    assert_eq!(vault_bytes(&vault), before);
}

#[test]
fn wrong_recovery_key_fails_and_leaves_every_vault_file_byte_identical() {
    let vault = TestVault::new();
    let before = vault_bytes(&vault);
    let new_password = SecretString::new(OTHER_PASSWORD);
    let mut wrong = vault.recovery_key.clone().into_bytes();
    wrong[0] = if wrong[0] == b'A' { b'B' } else { b'A' };
    for key in [String::from_utf8(wrong).expect("ascii"), "not a key".to_owned()] {
        let key = SecretString::new(key);
        let error = vault_error(Office::recover(&vault.path, &key, Some(OPERATOR), &new_password, vault.clock()));
        assert!(matches!(error, VaultError::WrongRecoveryKey), "{error}");
    }
    assert_eq!(vault_bytes(&vault), before);
    vault.sign_in();
}

#[test]
fn a_canary_written_through_the_library_appears_in_no_file_open_or_closed() {
    let (vault, mut office) = TestVault::open_new();
    office.set_office_name(CANARY).expect("set name");
    // While open: the change sits in the write-ahead log.
    for file in vault.vault_files() {
        let bytes = std::fs::read(&file).expect("read");
        assert!(!contains(&bytes, CANARY.as_bytes()), "canary in {} while open", file.display());
    }
    let backup = vault.dir.path().join("backup.khbackup");
    office.backup(&backup).expect("backup");
    drop(office);
    let mut files = vault.vault_files();
    files.push(backup);
    for file in &files {
        let bytes = std::fs::read(file).expect("read");
        assert!(!contains(&bytes, CANARY.as_bytes()), "canary in {}", file.display());
        assert!(!contains(&bytes, PASSWORD.as_bytes()), "password in {}", file.display());
        assert!(!contains(&bytes, vault.recovery_key.as_bytes()), "recovery key in {}", file.display());
    }
    // The canary really is stored: it reads back.
    assert_eq!(vault.sign_in().settings().expect("settings").office_name, CANARY);
}

#[test]
fn a_flipped_byte_anywhere_in_the_database_is_detected_and_never_read_back() {
    let (vault, mut office) = TestVault::open_new();
    for n in 0..200 {
        office.set_office_name(&format!("{CANARY}-{n}")).expect("write");
    }
    let expected = office.settings().expect("settings").office_name;
    drop(office);
    let pristine = snapshot(vault.dir.path());
    let database = &pristine["office.khv"];
    let page = 4096;
    let pages = database.len() / page;
    assert!(pages >= 4, "the database should span several pages ({pages})");
    let mut detected = 0;
    for index in 0..pages {
        let dir = tempfile::tempdir().expect("dir");
        for (name, bytes) in &pristine {
            std::fs::write(dir.path().join(name), bytes).expect("copy");
        }
        let mut tampered = database.clone();
        tampered[index * page + 1000] ^= 0x01;
        std::fs::write(dir.path().join("office.khv"), &tampered).expect("tamper");
        let password = SecretString::new(PASSWORD);
        let sign_in =
            SignIn { operator: Some(OPERATOR), method: SignInMethod::Password(&password), second_factor: None };
        let Ok(office) = Office::sign_in(&dir.path().join("office.khv"), sign_in, vault.clock()) else {
            detected += 1;
            continue;
        };
        if let Ok(settings) = office.settings() {
            assert_eq!(settings.office_name, expected, "altered data was returned (page {index})");
        }
        if let Ok(records) = office.audit_log() {
            for record in records.iter().filter(|r| r.action == "settings.office_name") {
                assert!(record.after.as_deref().is_some_and(|a| a.starts_with(CANARY)), "altered audit data returned");
            }
        }
        let problems = office.verify();
        assert!(!matches!(&problems, Ok(p) if p.is_empty()), "verify missed a flipped byte on page {index}");
        detected += 1;
    }
    assert_eq!(detected, pages);
}

#[test]
fn password_change_rewraps_one_slot_without_re_encrypting_the_database() {
    let (vault, mut office) = TestVault::open_new();
    for n in 0..1000 {
        office.set_office_name(&format!("name {n}")).expect("write");
    }
    drop(office);
    let before = std::fs::read(&vault.path).expect("read db");
    let mut office = vault.sign_in();
    office.change_password(&SecretString::new(PASSWORD), &SecretString::new(OTHER_PASSWORD)).expect("change");
    drop(office);
    let after = std::fs::read(&vault.path).expect("read db");
    let pages = before.len() / 4096;
    let changed = before.chunks(4096).zip(after.chunks(4096)).filter(|(a, b)| a != b).count();
    assert!(pages >= 30, "expected a sizeable database, got {pages} pages");
    assert!(changed <= 8, "{changed} of {pages} pages changed: the database was rewritten");
    assert_eq!(before[..16], after[..16], "the SQLCipher salt changed");

    assert!(matches!(vault_error(vault.sign_in_as(OPERATOR, PASSWORD)), VaultError::WrongPassword));
    let office = vault.sign_in_as(OPERATOR, OTHER_PASSWORD).expect("new password works");
    assert_eq!(office.settings().expect("settings").office_name, "name 999");
    let actions = actions(&office);
    assert!(actions.contains(&"operator.password_change".to_owned()));
}

#[test]
fn a_weak_new_password_is_refused_and_the_old_one_still_works() {
    let (vault, mut office) = TestVault::open_new();
    let result = office.change_password(&SecretString::new(PASSWORD), &SecretString::new("password123"));
    assert!(matches!(result, Err(ServiceError::RefusedByPolicy { rule: Rule::OperatorPassword, .. })), "{result:?}");
    let result =
        office.change_password(&SecretString::new("not my password at all"), &SecretString::new(OTHER_PASSWORD));
    assert!(matches!(result, Err(ServiceError::Vault(VaultError::WrongPassword))));
    drop(office);
    vault.sign_in();
}

#[test]
fn the_recovery_key_sets_a_new_password() {
    let vault = TestVault::new();
    let key = SecretString::new(vault.recovery_key.to_lowercase().replace('-', " "));
    let office =
        Office::recover(&vault.path, &key, None, &SecretString::new(OTHER_PASSWORD), vault.clock()).expect("recover");
    assert_eq!(office.operator().as_str(), OPERATOR);
    drop(office);
    assert!(vault.sign_in_as(OPERATOR, PASSWORD).is_err());
    let office = vault.sign_in_as(OPERATOR, OTHER_PASSWORD).expect("new password");
    let actions = actions(&office);
    assert!(actions.contains(&"operator.password_reset".to_owned()), "{actions:?}");
}

#[test]
fn the_keyring_slot_round_trips_through_an_in_memory_store() {
    let (vault, mut office) = TestVault::open_new();
    let store = MemoryStore::default();
    office.remember_on_this_computer(&store).expect("remember");
    assert!(office.is_remembered());
    assert_eq!(store.len(), 1);
    drop(office);
    let sign_in = SignIn { operator: None, method: SignInMethod::Keyring(&store), second_factor: None };
    let mut office = Office::sign_in(&vault.path, sign_in, vault.clock()).expect("keyring sign-in");
    office.forget_on_this_computer(&store).expect("forget");
    assert!(store.is_empty());
    drop(office);
    let sign_in = SignIn { operator: None, method: SignInMethod::Keyring(&store), second_factor: None };
    let error = vault_error(Office::sign_in(&vault.path, sign_in, vault.clock()));
    assert!(matches!(error, VaultError::NotRemembered(_)), "{error}");
    // Another store (another computer) cannot open a remembered slot either.
    let mut office = vault.sign_in();
    office.remember_on_this_computer(&store).expect("remember again");
    drop(office);
    let elsewhere = MemoryStore::default();
    let sign_in = SignIn { operator: None, method: SignInMethod::Keyring(&elsewhere), second_factor: None };
    assert!(Office::sign_in(&vault.path, sign_in, vault.clock()).is_err());
}

#[test]
fn without_a_keyring_service_remembering_fails_clearly_and_the_password_still_works() {
    let (vault, mut office) = TestVault::open_new();
    let error = office.remember_on_this_computer(&UnavailableStore).expect_err("no keyring");
    assert!(error.to_string().contains("keyring is not available"), "{error}");
    assert!(!office.is_remembered());
    drop(office);
    vault.sign_in();
}

#[test]
fn a_second_opener_is_refused_with_the_holders_pid() {
    let (vault, office) = TestVault::open_new();
    let error = vault_error(vault.sign_in_as(OPERATOR, PASSWORD));
    assert!(matches!(error, VaultError::AlreadyOpen { pid: Some(pid) } if pid == std::process::id()), "{error}");
    assert!(
        error
            .to_string()
            .contains(&format!("already open in another Keyholder window or command (pid {})", std::process::id()))
    );
    drop(office);
    vault.sign_in();
}

#[test]
fn backup_then_restore_gives_the_same_data() {
    let (vault, mut office) = TestVault::open_new();
    office.set_office_name("Harbour Street Dental").expect("name");
    office.add_operator("Bob", &SecretString::new(OTHER_PASSWORD)).expect("add");
    let original = office.audit_log().expect("audit");
    let backup = vault.dir.path().join("office.khbackup");
    office.backup(&backup).expect("backup");
    drop(office);

    let target = vault.dir.path().join("restored").join("office.khv");
    let password = SecretString::new(PASSWORD);
    let sign_in = SignIn { operator: Some(OPERATOR), method: SignInMethod::Password(&password), second_factor: None };
    let restored = restore_backup(&backup, &target, sign_in, vault.clock()).expect("restore");
    assert_eq!(restored.settings().expect("settings").office_name, "Harbour Street Dental");
    let names: Vec<_> = restored.operators().expect("operators").into_iter().map(|o| o.name).collect();
    assert_eq!(names, ["Ada", "Bob"]);
    let restored_log = restored.audit_log().expect("audit");
    // Everything up to the backup is there, followed by the restore's own sign-in records.
    assert_eq!(restored_log[..original.len()], original[..]);
    assert!(restored.verify().expect("verify").is_empty());
}

#[test]
fn restore_refuses_damaged_backups_and_existing_targets_and_leaves_nothing() {
    let (vault, mut office) = TestVault::open_new();
    let backup = vault.dir.path().join("office.khbackup");
    office.backup(&backup).expect("backup");
    drop(office);
    let mut bytes = std::fs::read(&backup).expect("read");
    let last = bytes.len() - 10;
    bytes[last] ^= 0xff;
    let damaged = vault.dir.path().join("damaged.khbackup");
    std::fs::write(&damaged, &bytes).expect("write");
    let truncated = vault.dir.path().join("truncated.khbackup");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");

    let target_dir = vault.dir.path().join("restored");
    let target = target_dir.join("office.khv");
    for file in [&damaged, &truncated] {
        let password = SecretString::new(PASSWORD);
        let sign_in =
            SignIn { operator: Some(OPERATOR), method: SignInMethod::Password(&password), second_factor: None };
        let error = restore_backup(file, &target, sign_in, vault.clock()).expect_err("damaged backup");
        assert!(error.to_string().contains("not a usable Keyholder backup"), "{error}");
        assert!(!target.exists());
    }
    // A wrong password removes what was restored.
    let password = SecretString::new(OTHER_PASSWORD);
    let sign_in = SignIn { operator: Some(OPERATOR), method: SignInMethod::Password(&password), second_factor: None };
    assert!(restore_backup(&backup, &target, sign_in, vault.clock()).is_err());
    let left: BTreeSet<_> = snapshot(&target_dir).into_keys().filter(|n| !n.ends_with(".attempts")).collect();
    assert!(left.is_empty(), "restore left {left:?}");
    // And it never overwrites a vault.
    let password = SecretString::new(PASSWORD);
    let sign_in = SignIn { operator: Some(OPERATOR), method: SignInMethod::Password(&password), second_factor: None };
    let error = restore_backup(&backup, &vault.path, sign_in, vault.clock()).expect_err("existing target");
    assert!(error.to_string().contains("already exists"), "{error}");
}

#[test]
fn a_failed_backup_harms_nothing() {
    let (vault, mut office) = TestVault::open_new();
    let before = std::fs::read(&vault.paths().slots).expect("slots");
    let nowhere = vault.dir.path().join("no-such-folder").join("b.khbackup");
    assert!(office.backup(&nowhere).is_err());
    assert!(!nowhere.exists());
    assert!(office.verify().expect("verify").is_empty());
    drop(office);
    assert_eq!(std::fs::read(&vault.paths().slots).expect("slots"), before);
    vault.sign_in();
}

#[test]
fn failed_sign_ins_delay_the_next_attempt_across_restarts_and_reach_the_audit_log() {
    let vault = TestVault::new();
    for _ in 0..3 {
        assert!(matches!(
            vault_error(vault.sign_in_as(OPERATOR, "wrong wrong wrong wrong")),
            VaultError::WrongPassword
        ));
    }
    // Even the right password waits: each call reads the journal afresh, as after a restart.
    let error = vault_error(vault.sign_in_as(OPERATOR, PASSWORD));
    assert!(matches!(error, VaultError::TooManyAttempts { retry_in_secs: 5 }), "{error}");
    vault.clock.advance(jiff::SignedDuration::from_secs(5));
    let office = vault.sign_in();
    let records = office.audit_log().expect("audit");
    let failed: Vec<_> = records.iter().filter(|r| r.action == "operator.sign_in_failed").collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].summary.starts_with("3 failed sign-in(s) as Ada"), "{}", failed[0].summary);
    // The journal is emptied once recorded, and kept, so that deleting it can be noticed.
    let journal = std::fs::read_to_string(vault.paths().attempts).expect("the journal stays");
    assert_eq!(journal, r#"{"by_name":{}}"#);
}

#[test]
fn operators_are_individual_and_removal_takes_their_access_away() {
    let (vault, mut office) = TestVault::open_new();
    office.add_operator("Bob", &SecretString::new(OTHER_PASSWORD)).expect("add");
    assert!(matches!(office.add_operator("bob", &SecretString::new(OTHER_PASSWORD)), Err(ServiceError::Conflict(_))));
    assert!(matches!(office.remove_operator(OPERATOR, &MemoryStore::default()), Err(ServiceError::RefusedByState(_))));
    drop(office);
    let mut bob = vault.sign_in_as("Bob", OTHER_PASSWORD).expect("bob signs in");
    bob.remove_operator(OPERATOR, &MemoryStore::default()).expect("bob removes ada");
    drop(bob);
    assert!(vault.sign_in_as(OPERATOR, PASSWORD).is_err());
    let bob = vault.sign_in_as("Bob", OTHER_PASSWORD).expect("bob");
    let names: Vec<_> = bob.operators().expect("list").into_iter().map(|o| o.name).collect();
    assert_eq!(names, ["Bob"]);
}
