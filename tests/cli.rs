//! The command-line contract scripts rely on: outputs, exit codes and "a failure changes
//! nothing on disk".
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{OTHER_PASSWORD, PASSWORD, TestVault, snapshot};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn keyholder(vault: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_keyholder"));
    command
        .arg("--vault")
        .arg(vault)
        .env_remove("KEYHOLDER_PASSWORD")
        .env_remove("KEYHOLDER_NEW_PASSWORD")
        .env_remove("KEYHOLDER_OPERATOR")
        .env_remove("KEYHOLDER_VAULT");
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("run keyholder")
}

fn with_stdin(command: &mut Command, input: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn init(dir: &Path) -> (std::path::PathBuf, String) {
    let vault = dir.join("office.khv");
    let out = run(keyholder(&vault)
        .args([
            "init",
            "--operator",
            "Ada",
            "--kdf-memory-mib",
            "19",
            "--kdf-iterations",
            "2",
        ])
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    (vault, text(&out.stdout))
}

#[test]
fn init_prints_the_recovery_key_alone_on_stdout() {
    let dir = tempfile::tempdir().expect("dir");
    let (_vault, stdout) = init(dir.path());
    let lines: Vec<_> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "stdout: {stdout:?}");
    let key = lines[0];
    assert_eq!(key.split('-').count(), 8);
    assert!(
        key.split('-')
            .all(|group| group.len() == 4 && group.chars().all(|c| c.is_ascii_alphanumeric()))
    );
}

#[test]
fn init_refuses_a_kdf_below_the_floor_and_an_existing_vault() {
    let dir = tempfile::tempdir().expect("dir");
    let vault = dir.path().join("office.khv");
    let out = run(keyholder(&vault)
        .args([
            "init",
            "--operator",
            "Ada",
            "--kdf-memory-mib",
            "8",
            "--kdf-iterations",
            "2",
        ])
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("below the minimum"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        snapshot(dir.path()).is_empty(),
        "a refused init left files behind"
    );
    init(dir.path());
    let out = run(keyholder(&vault)
        .args(["init", "--operator", "Bob"])
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("already exists"));
}

#[test]
fn verify_prints_ok_and_a_wrong_password_changes_no_vault_file() {
    let dir = tempfile::tempdir().expect("dir");
    let (vault, _) = init(dir.path());
    let out = run(keyholder(&vault)
        .arg("verify")
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "ok\n");

    let before: Vec<_> = snapshot(dir.path())
        .into_iter()
        .filter(|(n, _)| !n.ends_with(".attempts"))
        .collect();
    let out = with_stdin(
        keyholder(&vault).args(["verify", "--password-stdin"]),
        "not the password\n",
    );
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("wrong operator name or password"),
        "{stderr}"
    );
    let after: Vec<_> = snapshot(dir.path())
        .into_iter()
        .filter(|(n, _)| !n.ends_with(".attempts"))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn verify_names_a_tampered_database_and_fails() {
    let dir = tempfile::tempdir().expect("dir");
    let (vault, _) = init(dir.path());
    let mut bytes = std::fs::read(&vault).expect("read");
    let middle = bytes.len() - 2000;
    bytes[middle] ^= 0x40;
    std::fs::write(&vault, bytes).expect("tamper");
    let out = run(keyholder(&vault)
        .arg("verify")
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("damaged") || text(&out.stderr).contains("problem"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&out.stdout).contains("ok"));
}

#[test]
fn passwd_and_recover_change_the_password() {
    let dir = tempfile::tempdir().expect("dir");
    let (vault, recovery_key) = init(dir.path());
    let out = with_stdin(
        keyholder(&vault).args(["passwd", "--password-stdin"]),
        &format!("{PASSWORD}\n{OTHER_PASSWORD}\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(keyholder(&vault)
        .arg("verify")
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success(), "the old password still works");
    let out = run(keyholder(&vault)
        .arg("verify")
        .env("KEYHOLDER_PASSWORD", OTHER_PASSWORD));
    assert!(out.status.success());

    let out = run(keyholder(&vault)
        .args(["recover", "--recovery-key", recovery_key.trim()])
        .env("KEYHOLDER_NEW_PASSWORD", PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(keyholder(&vault)
        .arg("verify")
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success());
}

#[test]
fn operators_are_added_listed_and_removed() {
    let dir = tempfile::tempdir().expect("dir");
    let (vault, _) = init(dir.path());
    let out = with_stdin(
        keyholder(&vault).args(["operator", "add", "Bob", "--password-stdin"]),
        &format!("{PASSWORD}\n{OTHER_PASSWORD}\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(keyholder(&vault)
        .args(["operator", "list"])
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(
        !out.status.success(),
        "two operators: the name must be given"
    );
    assert!(
        text(&out.stderr).contains("--operator"),
        "{}",
        text(&out.stderr)
    );
    let out = run(keyholder(&vault)
        .args(["--operator", "Bob", "operator", "list", "--json"])
        .env("KEYHOLDER_PASSWORD", OTHER_PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let names: Vec<_> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(names, ["Ada", "Bob"]);
    let out = run(keyholder(&vault)
        .args(["operator", "remove", "Ada"])
        .env("KEYHOLDER_OPERATOR", "Bob")
        .env("KEYHOLDER_PASSWORD", OTHER_PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(keyholder(&vault)
        .args(["--operator", "Ada", "verify"])
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(
        !out.status.success(),
        "a removed operator can still sign in"
    );
}

#[test]
fn backup_and_restore_round_trip_and_audit_lists_it() {
    let dir = tempfile::tempdir().expect("dir");
    let (vault, _) = init(dir.path());
    let backup = dir.path().join("office.khbackup");
    let out = run(keyholder(&vault)
        .arg("backup")
        .arg(&backup)
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let restored = dir.path().join("copy").join("restored.khv");
    let out = run(keyholder(&restored)
        .arg("restore")
        .arg(&backup)
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(keyholder(&restored)
        .args(["audit", "--json"])
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success());
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let actions: Vec<_> = records
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert_eq!(actions.first(), Some(&"vault.create"));
    assert!(actions.contains(&"vault.restore"), "{actions:?}");
    let out = run(keyholder(&restored)
        .arg("restore")
        .arg(&backup)
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success(), "restore overwrote a vault");
}

#[test]
fn a_second_process_is_told_the_vault_is_already_open() {
    let vault = TestVault::new();
    let office = vault.sign_in();
    let out = run(keyholder(&vault.path)
        .arg("verify")
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success());
    let expected = format!(
        "already open in another Keyholder window or command (pid {})",
        std::process::id()
    );
    assert!(
        text(&out.stderr).contains(&expected),
        "{}",
        text(&out.stderr)
    );
    drop(office);
    let out = run(keyholder(&vault.path)
        .arg("verify")
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success());
}

#[test]
fn missing_vault_and_missing_password_say_so() {
    let dir = tempfile::tempdir().expect("dir");
    let out = run(keyholder(&dir.path().join("none.khv"))
        .arg("verify")
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("there is no vault at"),
        "{}",
        text(&out.stderr)
    );
    let (vault, _) = init(dir.path());
    let out = run(keyholder(&vault).arg("passwd"));
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("KEYHOLDER_PASSWORD"),
        "{}",
        text(&out.stderr)
    );
}
