//! The vault on real file systems that only root can make: a full disk, a read-only disk and a
//! FUSE mount (bindfs). Each test mounts its own file system under a temporary folder and
//! unmounts it at the end. They are `#[ignore]`d because they need root; `.ci/run` runs them
//! with `cargo test --test filesystems -- --ignored` (CI runs as root).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{OPERATOR, PASSWORD, snapshot};
use keyholder::domain::secret::SecretString;
use keyholder::service::{ManualClock, NewOffice, Office, ServiceError, SignIn, SignInMethod};
use keyholder::vault::VaultError;
use keyholder::vault::crypto::KdfParams;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

/// A file system mounted for one test, unmounted when dropped.
struct Mounted {
    _dir: tempfile::TempDir,
    point: PathBuf,
}

impl Mounted {
    fn tmpfs(size: &str) -> Self {
        let dir = tempfile::tempdir().expect("dir");
        let point = dir.path().join("disk");
        std::fs::create_dir(&point).expect("mount point");
        run("mount", &["-t", "tmpfs", "-o", &format!("size={size},mode=0700"), "tmpfs", path(&point)]);
        Self { _dir: dir, point }
    }

    fn bindfs() -> Self {
        let dir = tempfile::tempdir().expect("dir");
        let (source, point) = (dir.path().join("source"), dir.path().join("fuse"));
        std::fs::create_dir(&source).expect("source");
        std::fs::create_dir(&point).expect("mount point");
        run("bindfs", &[path(&source), path(&point)]);
        Self { _dir: dir, point }
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.point).status();
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn run(program: &str, args: &[&str]) {
    let status = Command::new(program).args(args).status().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(status.success(), "{program} {args:?} failed (these tests need root)");
}

/// The CLI on `vault` with Ada's password.
fn keyholder(vault: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_keyholder"))
        .args(["--vault", path(vault)])
        .args(args)
        .env("KEYHOLDER_PASSWORD", PASSWORD)
        .output()
        .expect("run keyholder")
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(common::start_time()))
}

fn create(vault: &Path) {
    let password = SecretString::new(PASSWORD);
    let new = NewOffice { operator: OPERATOR, password: &password, kdf: Some(KdfParams::FLOOR) };
    drop(Office::create(vault, new, clock()).expect("create"));
}

fn sign_in(vault: &Path, password: &str) -> Result<Office, ServiceError> {
    let password = SecretString::new(password);
    let sign_in = SignIn { operator: Some(OPERATOR), method: SignInMethod::Password(&password), second_factor: None };
    Office::sign_in(vault, sign_in, clock())
}

fn error_of(result: Result<Office, ServiceError>) -> String {
    match result {
        Ok(_) => panic!("expected the sign-in to fail"),
        Err(error) => error.to_string(),
    }
}

#[test]
#[ignore = "mounts a tmpfs: needs root; run by .ci/run"]
fn a_full_disk_gives_no_free_guess_and_the_right_password_the_same_answer() {
    let disk = Mounted::tmpfs("4m");
    let vault = disk.point.join("office.khv");
    create(&vault);
    // Fill what is left, as a full disk would be.
    let filler = disk.point.join("filler");
    let _ = Command::new("dd").args(["if=/dev/zero", &format!("of={}", path(&filler)), "bs=4k"]).output();
    let before = snapshot(&disk.point);
    let wrong = sign_in(&vault, "wrong wrong wrong wrong");
    let right = sign_in(&vault, PASSWORD);
    assert!(
        matches!(&wrong, Err(ServiceError::Vault(VaultError::CannotCountAttempt(inner))) if matches!(**inner, VaultError::DiskFull)),
        "{}",
        error_of(wrong)
    );
    let (wrong, right) = (error_of(sign_in(&vault, "wrong wrong wrong wrong")), error_of(right));
    assert_eq!(wrong, right, "a full disk must not tell a right password from a wrong one");
    assert!(right.contains("disk is full"), "{right}");
    assert!(!right.contains("damaged"), "{right}");
    assert_eq!(snapshot(&disk.point), before, "a failed sign-in changes nothing");
    std::fs::remove_file(&filler).expect("free space");
    drop(sign_in(&vault, PASSWORD).expect("opens once there is room"));
}

#[test]
#[ignore = "mounts a tmpfs: needs root; run by .ci/run"]
fn a_vault_on_a_read_only_disk_opens_for_reading_and_refuses_changes_writing_nothing() {
    let disk = Mounted::tmpfs("8m");
    let vault = disk.point.join("office.khv");
    create(&vault);
    run("mount", &["-o", "remount,ro", path(&disk.point)]);
    let before = snapshot(&disk.point);
    let mut office = sign_in(&vault, PASSWORD).expect("opens for reading");
    assert!(office.is_read_only());
    assert!(office.verify().expect("verify").is_empty());
    assert_eq!(office.operators().expect("operators").len(), 1);
    let refused = office.set_office_name("Changed").expect_err("nothing can be changed").to_string();
    assert!(refused.contains("read-only medium"), "{refused}");
    assert!(!refused.contains("damaged"), "{refused}");
    assert!(matches!(sign_in(&vault, "wrong wrong wrong wrong"), Err(ServiceError::Vault(VaultError::WrongPassword))));
    drop(office);
    assert_eq!(snapshot(&disk.point), before, "nothing was written");
}

#[test]
#[ignore = "mounts a FUSE file system with bindfs: needs root; run by .ci/run"]
fn a_vault_on_fuse_is_refused_with_the_reason_unless_explicitly_allowed() {
    let fuse = Mounted::bindfs();
    let vault = fuse.point.join("office.khv");
    let password = SecretString::new(PASSWORD);
    let new = NewOffice { operator: OPERATOR, password: &password, kdf: Some(KdfParams::FLOOR) };
    let message = match Office::create(&vault, new, clock()) {
        Ok(_) => panic!("a vault on FUSE must be refused"),
        Err(error) => error.to_string(),
    };
    assert!(message.contains("FUSE") && message.contains("--allow-network-filesystem"), "{message}");
    assert!(!vault.exists());
    // The explicit, documented override (the CLI, so this process's setting stays untouched).
    let init = ["--allow-network-filesystem", "init", "--operator", OPERATOR, "--kdf-memory-mib", "19"];
    let out = keyholder(&vault, &[&init[..], &["--kdf-iterations", "2"]].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = keyholder(&vault, &["verify"]);
    assert!(!out.status.success(), "without the flag an existing vault there is refused too");
    assert!(String::from_utf8_lossy(&out.stderr).contains("FUSE"));
}
