//! Attacks on the vault's promises by someone with access to its files: a damaged or altered
//! key file, a removed operator's old key file, an older database put back, games with the
//! sign-in journal, planted files, and hostile key-derivation settings (issue 12).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{OPERATOR, OTHER_PASSWORD, PASSWORD, TestVault, contains};
use keyholder::domain::audit::AuditEvent;
use keyholder::domain::operator::OperatorName;
use keyholder::domain::secret::SecretString;
use keyholder::service::{Office, ServiceError};
use keyholder::vault::keystore::MemoryStore;
use keyholder::vault::{Credential, Vault, VaultError, attempts, operators};
use std::path::Path;
use std::time::{Duration, Instant};

fn vault_error<T>(result: Result<T, ServiceError>) -> VaultError {
    match result {
        Err(ServiceError::Vault(error)) => error,
        Err(other) => panic!("expected a vault error, got {other}"),
        Ok(_) => panic!("expected a failure"),
    }
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json")
}

fn write_json(path: &Path, value: &serde_json::Value) {
    std::fs::write(path, serde_json::to_vec_pretty(value).expect("encode")).expect("write");
}

/// Change one hex digit of a slot's field, as a bad sector or a careless edit would.
fn flip_hex_digit(keys: &Path, slot_kind: &str, field: &[&str]) {
    let mut file = read_json(keys);
    let slots = file["slots"].as_array_mut().expect("slots");
    let slot = slots.iter_mut().find(|s| s["kind"] == slot_kind).expect("slot of that kind");
    let mut value = &mut *slot;
    for key in field {
        value = &mut value[*key];
    }
    let text = value.as_str().expect("hex text").to_owned();
    let first = if text.starts_with('0') { "1" } else { "0" };
    *value = serde_json::Value::String(format!("{first}{}", &text[1..]));
    write_json(keys, &file);
}

/// A closed vault with operators Ada and Bob.
fn vault_with_bob() -> TestVault {
    let (vault, mut office) = TestVault::open_new();
    office.add_operator("Bob", &SecretString::new(OTHER_PASSWORD)).expect("add bob");
    vault
}

fn journal_text(vault: &TestVault) -> String {
    std::fs::read_to_string(vault.paths().attempts).unwrap_or_default()
}

// --- 3. a damaged slot is damage, named -------------------------------------------------------

#[test]
fn a_damaged_recovery_slot_is_reported_at_sign_in_by_verify_and_by_recovery() {
    let vault = TestVault::new();
    flip_hex_digit(&vault.paths().slots, "recovery", &["private_key", "ciphertext"]);
    let office = vault.sign_in();
    let problems = office.verify().expect("verify");
    assert_eq!(problems, ["the key file is damaged: the recovery-key slot was altered"], "{problems:?}");
    assert_eq!(office.key_file_problems(), problems);
    drop(office);
    let new_password = SecretString::new(OTHER_PASSWORD);
    let key = SecretString::new(vault.recovery_key.clone());
    let error = vault_error(Office::recover(&vault.path, &key, Some(OPERATOR), &new_password, vault.clock()));
    assert!(matches!(&error, VaultError::Damaged(m) if m.contains("the recovery-key slot")), "{error}");
    // The way forward: repair (drops the slot) and make a new recovery key.
    let mut office = vault.sign_in();
    assert_eq!(office.repair_key_file().expect("repair").len(), 1);
    let new_key = SecretString::new(office.new_recovery_key().expect("new key").to_string());
    assert!(office.verify().expect("verify").is_empty());
    drop(office);
    Office::recover(&vault.path, &new_key, Some(OPERATOR), &new_password, vault.clock()).expect("recovers");
}

#[test]
fn damage_to_a_password_slot_is_damage_and_is_not_counted_as_a_failed_sign_in() {
    let vault = TestVault::new();
    flip_hex_digit(&vault.paths().slots, "password", &["salt"]);
    for _ in 0..5 {
        let error = vault_error(vault.sign_in_as(OPERATOR, PASSWORD));
        assert!(matches!(&error, VaultError::Damaged(m) if m.contains("the password slot of Ada")), "{error}");
    }
    assert_eq!(journal_text(&vault), r#"{"by_name":{}}"#, "damage must not count against Ada");
}

#[test]
fn an_altered_slot_with_a_recomputed_checksum_is_caught_by_the_mac() {
    let vault = vault_with_bob();
    // Someone swaps in their own public key for Bob's and fixes the unkeyed checksum.
    let keys = vault.paths().slots;
    let mut file = read_json(&keys);
    let bob = file["slots"].as_array_mut().unwrap().iter_mut().find(|s| s["operator"] == "Bob").unwrap();
    bob["public_key"] = serde_json::Value::String("11".repeat(32));
    bob["check"] = serde_json::Value::String(String::new());
    write_json(&keys, &file);
    let mut office = vault.sign_in();
    let problems = office.verify().expect("verify");
    assert!(problems.iter().any(|p| p.contains("the password slot of Bob was altered")), "{problems:?}");
    // Nothing is sealed to an altered slot: changing the data key is refused until repaired.
    assert!(office.rekey().is_err());
    office.repair_key_file().expect("repair");
    office.rekey().expect("rekey after repair");
}

// --- 4. a removed operator keeps nothing --------------------------------------------------------

#[test]
fn a_removed_operators_old_key_file_opens_nothing_added_since() {
    let vault = vault_with_bob();
    let keys = vault.paths().slots;
    let old_keys = std::fs::read(&keys).expect("copy of the key file Bob kept");
    let mut office = vault.sign_in();
    office.remove_operator("Bob", &MemoryStore::default()).expect("remove bob");
    office.set_office_name("Added after Bob left").expect("a change");
    assert!(office.audit_log().unwrap().iter().any(|r| r.action == "vault.rekey"));
    drop(office);
    let current = std::fs::read(&keys).expect("current");
    std::fs::write(&keys, &old_keys).expect("put Bob's copy back");
    let error = vault_error(vault.sign_in_as("Bob", OTHER_PASSWORD));
    assert!(matches!(error, VaultError::KeyRejected), "{error}");
    // Ada's slot in the old file is sealed to the old key too.
    assert!(matches!(vault_error(vault.sign_in_as(OPERATOR, PASSWORD)), VaultError::KeyRejected));
    std::fs::write(&keys, current).expect("restore");
    assert_eq!(vault.sign_in().settings().unwrap().office_name, "Added after Bob left");
}

#[test]
fn the_database_refuses_an_operator_it_marks_removed_even_with_a_valid_slot() {
    let vault = vault_with_bob();
    // As if removal had stopped after the database was written and before the key file was.
    let ada = OperatorName::parse(OPERATOR).unwrap();
    let credential = Credential::Password { operator: &ada, password: PASSWORD.as_bytes() };
    let mut raw = Vault::unlock(&vault.paths(), credential, common::start_time()).expect("unlock");
    let bob = OperatorName::parse("Bob").unwrap();
    let event = AuditEvent::new("operator.remove", "operator Bob removed");
    raw.write(OPERATOR, common::start_time(), event, |tx| operators::mark_removed(tx, &bob, common::start_time()))
        .expect("mark removed");
    drop(raw);
    let error = vault_error(vault.sign_in_as("Bob", OTHER_PASSWORD));
    assert!(matches!(&error, VaultError::OperatorRemoved(name) if name == "Bob"), "{error}");
}

#[test]
fn rekey_makes_an_old_key_file_with_an_old_password_useless() {
    let (vault, mut office) = TestVault::open_new();
    let keys = vault.paths().slots;
    let old_keys = std::fs::read(&keys).expect("old key file");
    office.change_password(&SecretString::new(PASSWORD), &SecretString::new(OTHER_PASSWORD)).expect("change");
    drop(office);
    let current = std::fs::read(&keys).expect("current");
    // Without a rekey the old file and old password still open the vault (README says so).
    std::fs::write(&keys, &old_keys).expect("old back");
    drop(vault.sign_in_as(OPERATOR, PASSWORD).expect("old copy still opens before a rekey"));
    std::fs::write(&keys, &current).expect("current back");
    let mut office = vault.sign_in_as(OPERATOR, OTHER_PASSWORD).expect("new password");
    office.rekey().expect("rekey");
    drop(office);
    std::fs::write(&keys, &old_keys).expect("old back");
    assert!(matches!(vault_error(vault.sign_in_as(OPERATOR, PASSWORD)), VaultError::KeyRejected));
}

#[test]
fn a_backup_made_before_a_change_of_key_still_restores_with_its_passwords() {
    let (vault, mut office) = TestVault::open_new();
    let backup = vault.dir.path().join("before.khbackup");
    office.backup(&backup).expect("backup");
    office.rekey().expect("rekey");
    drop(office);
    let restored = vault.dir.path().join("restored").join("office.khv");
    let password = SecretString::new(PASSWORD);
    let sign_in = keyholder::service::SignIn {
        operator: Some(OPERATOR),
        method: keyholder::service::SignInMethod::Password(&password),
        second_factor: None,
    };
    let office = keyholder::service::restore_backup(&backup, &restored, sign_in, vault.clock()).expect("restores");
    assert!(office.verify().expect("verify").is_empty());
}

#[test]
fn a_change_of_key_interrupted_before_or_after_the_database_is_finished_at_sign_in() {
    let (vault, mut office) = TestVault::open_new();
    let paths = vault.paths();
    let before = std::fs::read(&paths.slots).expect("before");
    office.rekey().expect("rekey");
    drop(office);
    let after = std::fs::read(&paths.slots).expect("after");
    // Killed after the database was re-encrypted, before the new key file replaced the old.
    std::fs::write(paths.slots_next(), &after).expect("next");
    std::fs::write(&paths.slots, &before).expect("old");
    drop(vault.sign_in());
    assert!(!paths.slots_next().exists());
    let sealed_key = |json: &serde_json::Value| json["slots"][0]["data_key"].clone();
    let after_json: serde_json::Value = serde_json::from_slice(&after).unwrap();
    assert!(sealed_key(&read_json(&paths.slots)) == sealed_key(&after_json), "the new key file took its place");
    // Killed before the database was touched: the unused new key file is dropped.
    std::fs::write(paths.slots_next(), &before).expect("stale next");
    drop(vault.sign_in());
    assert!(!paths.slots_next().exists());
}

// --- 5. rollback --------------------------------------------------------------------------------

#[test]
fn an_older_database_beside_todays_key_file_is_refused_with_the_number_of_missing_changes() {
    let vault = TestVault::new();
    let paths = vault.paths();
    assert!(!paths.wal().exists(), "closed vaults are checkpointed");
    let old_database = std::fs::read(&paths.database).expect("copy");
    let mut office = vault.sign_in();
    // The copy held every record but this sign-in's.
    let in_copy = office.audit_log().unwrap().len() as i64 - 1;
    for n in 0..3 {
        office.set_office_name(&format!("Change {n}")).expect("change");
    }
    drop(office);
    let in_key_file = read_json(&paths.slots)["generation"]["changes"].as_i64().expect("generation");
    assert_eq!(in_key_file, in_copy + 4, "the sign-in and three changes");
    std::fs::write(&paths.database, old_database).expect("put the old copy back");
    let error = vault_error(vault.sign_in_as(OPERATOR, PASSWORD));
    assert!(matches!(error, VaultError::RolledBack { missing: 4 }), "{error}");
    assert!(error.to_string().contains("older than its key file"), "{error}");
    assert!(error.to_string().contains("Restore the most recent backup"), "{error}");
}

// --- 6 and 9. the sign-in journal ------------------------------------------------------------------

#[test]
fn many_unknown_names_neither_stop_the_count_nor_reach_the_audit_log() {
    let vault = TestVault::new();
    for n in 0..250 {
        // Unknown names share one count, so after three they are delayed without a key derivation.
        let _ = vault.sign_in_as(&format!("guess {n} hunter2"), "wrong wrong wrong wrong");
        if n % 50 == 0 {
            vault.clock.advance(jiff::SignedDuration::from_mins(16));
        }
    }
    for _ in 0..3 {
        assert!(matches!(vault_error(vault.sign_in_as(OPERATOR, "wrong wrong wrong")), VaultError::WrongPassword));
    }
    let error = vault_error(vault.sign_in_as(OPERATOR, PASSWORD));
    assert!(matches!(error, VaultError::TooManyAttempts { .. }), "Ada's failures still count: {error}");
    vault.clock.advance(jiff::SignedDuration::from_mins(16));
    let office = vault.sign_in();
    let failed: Vec<String> = office
        .audit_log()
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "operator.sign_in_failed")
        .map(|r| r.summary)
        .collect();
    assert!(failed.iter().any(|s| s.starts_with("3 failed sign-in(s) as Ada")), "{failed:?}");
    assert!(failed.iter().any(|s| s.contains(attempts::UNKNOWN)), "{failed:?}");
    for record in office.audit_log().unwrap() {
        assert!(!record.summary.contains("hunter2") && !record.summary.contains("guess"), "{}", record.summary);
    }
}

#[test]
fn deleting_or_garbling_the_journal_does_not_reset_the_delay() {
    let vault = TestVault::new();
    for mangle in [None, Some(b"{\"by_name\": garbage".as_slice())] {
        match mangle {
            None => std::fs::remove_file(vault.paths().attempts).expect("delete"),
            Some(bytes) => std::fs::write(vault.paths().attempts, bytes).expect("garble"),
        }
        let error = vault_error(vault.sign_in_as(OPERATOR, PASSWORD));
        assert!(matches!(error, VaultError::TooManyAttempts { retry_in_secs: 900 }), "{error}");
        vault.clock.advance(jiff::SignedDuration::from_secs(900));
        let office = vault.sign_in();
        let summaries: Vec<String> = office.audit_log().unwrap().into_iter().map(|r| r.summary).collect();
        assert!(summaries.iter().any(|s| s.contains(attempts::DAMAGED)), "{summaries:?}");
    }
}

// --- 7. failures change nothing, and say what they are -------------------------------------------

#[test]
fn a_zero_length_vault_file_is_refused_and_stays_zero_length() {
    let vault = TestVault::new();
    std::fs::write(vault.paths().database, b"").expect("truncate");
    let error = vault_error(vault.sign_in_as(OPERATOR, PASSWORD));
    assert!(matches!(&error, VaultError::Damaged(m) if m.contains("is empty (0 bytes)")), "{error}");
    assert_eq!(std::fs::metadata(vault.paths().database).unwrap().len(), 0);
    assert!(!vault.paths().wal().exists());
}

#[test]
fn a_database_from_another_vault_is_not_called_a_wrong_password() {
    let first = TestVault::new();
    let second = TestVault::new();
    std::fs::copy(second.paths().database, first.paths().database).expect("swap databases");
    let error = vault_error(first.sign_in_as(OPERATOR, PASSWORD));
    assert!(matches!(error, VaultError::KeyRejected), "{error}");
}

// --- 8. files beside the vault ---------------------------------------------------------------------

#[test]
fn a_killed_password_change_leaves_no_temporary_key_file_behind() {
    let vault = TestVault::new();
    let keys = vault.paths().slots;
    let leftover = keys.with_file_name("office.khv.keys.new-4242.tmp");
    std::fs::copy(&keys, &leftover).expect("as a killed writer leaves it");
    drop(vault.sign_in());
    assert!(!leftover.exists());
}

#[test]
fn hostile_key_derivation_settings_are_damage_and_do_not_hang_sign_in() {
    let vault = TestVault::new();
    let keys = vault.paths().slots;
    let mut file = read_json(&keys);
    let slot = file["slots"].as_array_mut().unwrap().iter_mut().find(|s| s["kind"] == "password").unwrap();
    slot["kdf"]["iterations"] = serde_json::json!(u32::MAX);
    write_json(&keys, &file);
    let started = Instant::now();
    let error = vault_error(vault.sign_in_as(OPERATOR, PASSWORD));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        matches!(&error, VaultError::BadSlotFile { reason, .. } if reason.contains("the password slot of Ada")),
        "{error}"
    );
    assert!(error.to_string().contains("out of range"), "{error}");
}

#[test]
fn no_key_file_slot_contains_a_secret_in_the_clear() {
    let (vault, office) = TestVault::open_new();
    drop(office);
    let keys = std::fs::read(vault.paths().slots).unwrap();
    assert!(!contains(&keys, PASSWORD.as_bytes()));
    assert!(!contains(&keys, vault.recovery_key.as_bytes()));
    assert_eq!(read_json(&vault.paths().slots)["format"], 2);
}
