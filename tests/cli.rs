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
        .env_remove("KEYHOLDER_VAULT")
        .env_remove("KEYHOLDER_TOTP");
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("run keyholder")
}

fn with_stdin(command: &mut Command, input: &str) -> Output {
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn init(dir: &Path) -> (std::path::PathBuf, String) {
    let vault = dir.join("office.khv");
    let out = run(keyholder(&vault)
        .args(["init", "--operator", "Ada", "--kdf-memory-mib", "19", "--kdf-iterations", "2"])
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
    assert_eq!(key.split('-').count(), 9);
    assert!(key.split('-').all(|group| group.len() == 4 && group.chars().all(|c| c.is_ascii_alphanumeric())));
}

#[test]
fn init_refuses_a_kdf_below_the_floor_and_an_existing_vault() {
    let dir = tempfile::tempdir().expect("dir");
    let vault = dir.path().join("office.khv");
    let out = run(keyholder(&vault)
        .args(["init", "--operator", "Ada", "--kdf-memory-mib", "8", "--kdf-iterations", "2"])
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("below the minimum"), "{}", text(&out.stderr));
    assert!(snapshot(dir.path()).is_empty(), "a refused init left files behind");
    init(dir.path());
    let out = run(keyholder(&vault).args(["init", "--operator", "Bob"]).env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("already exists"));
}

#[test]
fn verify_prints_ok_and_a_wrong_password_changes_no_vault_file() {
    let dir = tempfile::tempdir().expect("dir");
    let (vault, _) = init(dir.path());
    let out = run(keyholder(&vault).arg("verify").env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "ok\n");

    let before: Vec<_> = snapshot(dir.path()).into_iter().filter(|(n, _)| !n.ends_with(".attempts")).collect();
    let out = with_stdin(keyholder(&vault).args(["verify", "--password-stdin"]), "not the password\n");
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("wrong operator name or password"), "{stderr}");
    let after: Vec<_> = snapshot(dir.path()).into_iter().filter(|(n, _)| !n.ends_with(".attempts")).collect();
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
    let out = run(keyholder(&vault).arg("verify").env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("damaged") || text(&out.stderr).contains("problem"), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("ok"));
}

#[test]
fn passwd_and_recover_change_the_password() {
    let dir = tempfile::tempdir().expect("dir");
    let (vault, recovery_key) = init(dir.path());
    let out =
        with_stdin(keyholder(&vault).args(["passwd", "--password-stdin"]), &format!("{PASSWORD}\n{OTHER_PASSWORD}\n"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(keyholder(&vault).arg("verify").env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success(), "the old password still works");
    let out = run(keyholder(&vault).arg("verify").env("KEYHOLDER_PASSWORD", OTHER_PASSWORD));
    assert!(out.status.success());

    // The recovery key never goes in an argument (other users can read those with `ps`).
    let out = run(keyholder(&vault)
        .arg("recover")
        .env("KEYHOLDER_RECOVERY_KEY", recovery_key.trim())
        .env("KEYHOLDER_NEW_PASSWORD", PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(keyholder(&vault).arg("verify").env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success());
    let out = with_stdin(
        keyholder(&vault).args(["recover", "--password-stdin"]),
        &format!("{}\n{OTHER_PASSWORD}\n", recovery_key.trim()),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(keyholder(&vault).args(["recover", "--recovery-key", recovery_key.trim()]));
    assert!(!out.status.success(), "the argument form is gone");
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
    let out = run(keyholder(&vault).args(["operator", "list"]).env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success(), "two operators: the name must be given");
    assert!(text(&out.stderr).contains("--operator"), "{}", text(&out.stderr));
    let out = run(keyholder(&vault)
        .args(["--operator", "Bob", "operator", "list", "--json"])
        .env("KEYHOLDER_PASSWORD", OTHER_PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let names: Vec<_> = list.as_array().expect("array").iter().filter_map(|o| o["name"].as_str()).collect();
    assert_eq!(names, ["Ada", "Bob"]);
    let out = run(keyholder(&vault)
        .args(["operator", "remove", "Ada"])
        .env("KEYHOLDER_OPERATOR", "Bob")
        .env("KEYHOLDER_PASSWORD", OTHER_PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(keyholder(&vault).args(["--operator", "Ada", "verify"]).env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success(), "a removed operator can still sign in");
}

#[test]
fn backup_and_restore_round_trip_and_audit_lists_it() {
    let dir = tempfile::tempdir().expect("dir");
    let (vault, _) = init(dir.path());
    let backup = dir.path().join("office.khbackup");
    let out = run(keyholder(&vault).arg("backup").arg(&backup).env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let restored = dir.path().join("copy").join("restored.khv");
    let out = run(keyholder(&restored).arg("restore").arg(&backup).env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(keyholder(&restored).args(["audit", "--json"]).env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success());
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let actions: Vec<_> = records.as_array().expect("array").iter().filter_map(|r| r["action"].as_str()).collect();
    assert_eq!(actions.first(), Some(&"vault.create"));
    assert!(actions.contains(&"vault.restore"), "{actions:?}");
    let out = run(keyholder(&restored).arg("restore").arg(&backup).env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success(), "restore overwrote a vault");
}

#[test]
fn a_second_process_is_told_the_vault_is_already_open() {
    let vault = TestVault::new();
    let office = vault.sign_in();
    let out = run(keyholder(&vault.path).arg("verify").env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success());
    let expected = format!("already open in another Keyholder window or command (pid {})", std::process::id());
    assert!(text(&out.stderr).contains(&expected), "{}", text(&out.stderr));
    drop(office);
    let out = run(keyholder(&vault.path).arg("verify").env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success());
}

#[test]
fn missing_vault_and_missing_password_say_so() {
    let dir = tempfile::tempdir().expect("dir");
    let out = run(keyholder(&dir.path().join("none.khv")).arg("verify").env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("there is no vault at"), "{}", text(&out.stderr));
    let (vault, _) = init(dir.path());
    let out = run(keyholder(&vault).arg("passwd"));
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("KEYHOLDER_PASSWORD"), "{}", text(&out.stderr));
}

fn with_password(command: &mut Command) -> &mut Command {
    command.env("KEYHOLDER_PASSWORD", PASSWORD)
}

/// Run a signed-in command that must succeed; its stdout.
fn ok(vault: &Path, args: &[&str]) -> String {
    let out = run(with_password(keyholder(vault).args(args)));
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn staff_systems_roles_and_access_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let (vault, _) = init(dir.path());
    let ok = |args: &[&str]| ok(&vault, args);
    ok(&[
        "system",
        "add",
        "--name",
        "CRM",
        "--levels",
        "user,admin",
        "--privileged",
        "admin",
        "--customer-data",
        "--mfa",
    ]);
    ok(&["system", "add", "--name", "Email"]);
    ok(&["role", "add", "Sales", "--grant", "CRM:user", "--grant", "Email:user"]);
    ok(&[
        "staff",
        "add",
        "--name",
        "Kim Lee",
        "--email",
        "kim@example.com",
        "--team",
        "Sales",
        "--start",
        "2026-01-05",
    ]);
    ok(&["staff", "add", "--name", "Sam Carter", "--email", "sam@example.com", "--manager", "kim@example.com"]);
    ok(&["role", "assign", "Sales", "sam@example.com"]);
    ok(&["grant", "kim@example.com", "CRM", "admin", "--reason", "data clean-up", "--until", "2026-12-31"]);

    let staff: serde_json::Value = serde_json::from_str(&ok(&["staff", "list", "--json"])).expect("json");
    assert_eq!(staff[0]["name"], "Kim Lee");
    assert_eq!(staff[0]["team"], "Sales");
    assert_eq!(staff[1]["email"], "sam@example.com");
    assert_eq!(staff[1]["status"], "active");
    let sam: serde_json::Value =
        serde_json::from_str(&ok(&["staff", "show", "sam@example.com", "--json"])).expect("json");
    assert_eq!(sam["roles"], serde_json::json!(["Sales"]));
    assert_eq!(sam["grants"].as_array().map(Vec::len), Some(2));
    let access: serde_json::Value = serde_json::from_str(&ok(&["access", "--system", "CRM", "--json"])).expect("json");
    let rows: Vec<(String, String, String)> = access
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            (
                r["email"].as_str().unwrap_or("").into(),
                r["level"].as_str().unwrap_or("").into(),
                r["source"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("kim@example.com".into(), "admin".into(), "exception: data clean-up (until 2026-12-31)".into()),
            ("sam@example.com".into(), "user".into(), "role Sales".into()),
        ]
    );
    let systems: serde_json::Value = serde_json::from_str(&ok(&["system", "list", "--json"])).expect("json");
    assert_eq!(systems[0]["name"], "CRM");
    assert_eq!(systems[0]["customer_data"], true);
    let roles: serde_json::Value = serde_json::from_str(&ok(&["role", "list", "--json"])).expect("json");
    assert_eq!(roles[0]["grants"], serde_json::json!(["CRM:user", "Email:user"]));

    let out = run(with_password(keyholder(&vault).args(["revoke", "sam@example.com", "CRM"])));
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("comes from role Sales"), "{}", text(&out.stderr));
    ok(&["revoke", "kim@example.com", "CRM"]);
    ok(&["role", "unassign", "Sales", "sam@example.com"]);
    assert_eq!(ok(&["access"]), "");
    let export = dir.path().join("staff.csv");
    ok(&["staff", "export", export.to_str().expect("utf-8 path")]);
    let csv = std::fs::read_to_string(&export).expect("export");
    assert!(csv.starts_with("full_name,email,job_title,team,manager_email,start_date,end_date,status,notes\n"));
    assert!(csv.contains("Sam Carter,sam@example.com,,,kim@example.com,,,active,"), "{csv}");
    // Personal data: readable by its owner only, and an existing file is never replaced.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&export).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let out = run(with_password(keyholder(&vault).args(["staff", "export", export.to_str().expect("utf-8 path")])));
    assert!(!out.status.success() && text(&out.stderr).contains("exists"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&export).expect("export"), csv, "unchanged");
}

#[test]
fn staff_import_lists_every_bad_row_and_writes_nothing_unless_told() {
    let dir = tempfile::tempdir().expect("dir");
    let (vault, _) = init(dir.path());
    let file = dir.path().join("staff.csv");
    std::fs::write(&file, "name,email,start\nKim,kim@example.com,2026-01-01\nBad,bad-email,\nLee,lee@example.com,2026-99-01\nSam,sam@example.com,\n")
        .expect("write");
    let count = || {
        let out = run(with_password(keyholder(&vault).args(["staff", "list", "--json"])));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json").as_array().map_or(0, Vec::len)
    };
    for args in [vec!["staff", "import"], vec!["staff", "import", "--dry-run"]] {
        let out = run(with_password(keyholder(&vault).args(&args).arg(&file)));
        assert!(!out.status.success(), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("line 3: \"bad-email\" is not a work email address"), "{stderr}");
        assert!(stderr.contains("line 4: \"2026-99-01\" is not a date"), "{stderr}");
        assert_eq!(count(), 0, "nothing may be written");
    }
    let out = run(with_password(keyholder(&vault).args(["staff", "import", "--skip-invalid"]).arg(&file)));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("Imported 2 staff member(s)."));
    assert_eq!(count(), 2);
}

#[test]
fn demo_creates_a_populated_office() {
    let dir = tempfile::tempdir().expect("dir");
    let vault = dir.path().join("demo.khv");
    let out = run(with_password(keyholder(&vault).args([
        "demo",
        "--staff",
        "50",
        "--kdf-memory-mib",
        "19",
        "--kdf-iterations",
        "2",
    ])));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(with_password(keyholder(&vault).args(["staff", "list"])));
    assert_eq!(text(&out.stdout).lines().count(), 51, "50 staff and a joiner starting next week");
    let out = run(with_password(keyholder(&vault).args(["secret", "list"])));
    assert_eq!(text(&out.stdout).lines().count(), 3, "shared secrets, one overdue");
    let out = run(with_password(keyholder(&vault).args(["verify"])));
    assert_eq!(text(&out.stdout), "ok\n");
}

#[test]
fn joiners_leavers_checklists_and_devices_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let (vault, _) = init(dir.path());
    let ok = |args: &[&str]| ok(&vault, args);
    ok(&["system", "add", "--name", "CRM", "--mfa"]);
    ok(&["role", "add", "Sales", "--grant", "CRM:user"]);
    ok(&[
        "joiner",
        "start",
        "--name",
        "Sam Carter",
        "--email",
        "sam@example.com",
        "--start",
        "2026-11-23",
        "--role",
        "Sales",
    ]);
    ok(&["device", "add", "--type", "Laptop", "--serial", "LT-9", "--assign", "sam@example.com"]);
    let lists: serde_json::Value =
        serde_json::from_str(&ok(&["checklist", "show", "sam@example.com", "--json"])).expect("json");
    let items = lists[0]["items"].as_array().expect("items").clone();
    assert_eq!(items[0]["kind"], "create_account");
    assert_eq!(items[0]["state"], "open");
    assert!(items.iter().all(|i| i["id"].is_i64() && i["due"].is_string() && i["target"].is_string()));
    for item in &items {
        ok(&["checklist", "done", &item["id"].to_string()]);
    }
    ok(&["leaver", "start", "sam@example.com", "--last-day", "2026-11-23"]);
    let out = run(with_password(keyholder(&vault).args(["leaver", "finish", "sam@example.com"])));
    assert!(!out.status.success(), "finishing with open items must fail");
    assert!(text(&out.stderr).contains("still open"), "{}", text(&out.stderr));
    let lists: serde_json::Value =
        serde_json::from_str(&ok(&["checklist", "show", "sam@example.com", "--json"])).expect("json");
    let leaver = lists.as_array().expect("lists").iter().find(|l| l["process"] == "leaver").expect("leaver").clone();
    let out = run(with_password(keyholder(&vault).args([
        "checklist",
        "skip",
        &leaver["items"][0]["id"].to_string(),
        "--reason",
        " ",
    ])));
    assert!(!out.status.success(), "a skip without a reason must fail");
    for item in leaver["items"].as_array().expect("items") {
        ok(&["checklist", "done", &item["id"].to_string()]);
    }
    ok(&["leaver", "finish", "sam@example.com"]);
    let report = dir.path().join("sam.csv");
    ok(&["leaver", "report", "sam@example.com", "--csv", report.to_str().expect("path")]);
    let csv = std::fs::read_to_string(&report).expect("report");
    assert!(csv.contains("collect_device,Collect Laptop (LT-9)"), "{csv}");
    let staff: serde_json::Value = serde_json::from_str(&ok(&["staff", "list", "--json"])).expect("json");
    assert_eq!(staff[0]["status"], "left");
    assert_eq!(ok(&["access", "--staff", "sam@example.com"]), "");
}

/// The code an authenticator shows `offset` seconds from now (real time: the CLI's clock).
fn phone_code(secret: &[u8], offset: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    keyholder::domain::totp::code_at(secret, totp_rs::Algorithm::SHA1, 6, now.saturating_add_signed(offset)).unwrap()
}

#[test]
fn operator_two_step_sign_in_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _) = init(dir.path());
    let qr = dir.path().join("ada.png");
    let out = run(keyholder(&vault)
        .args(["operator", "totp", "enable", "--qr"])
        .arg(&qr)
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let uri = text(&out.stdout).trim().to_owned();
    assert_eq!(keyholder::service::read_qr_image(&qr).unwrap().as_str(), uri, "the QR file holds the URI");
    let (secret, _, _) = keyholder::domain::totp::parse_uri(&uri).unwrap();

    // Codes for the steps around now; start early in a step so none slips out of the window.
    let into_step = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() % 30;
    if into_step > 20 {
        std::thread::sleep(std::time::Duration::from_secs(31 - into_step));
    }
    let (before, now, after) = (phone_code(&secret, -30), phone_code(&secret, 0), phone_code(&secret, 30));
    let out = run(keyholder(&vault)
        .args(["operator", "totp", "enable", "--confirm", &before])
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let codes: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    assert_eq!(codes.len(), 10, "ten recovery codes: {codes:?}");

    let out = run(keyholder(&vault).arg("verify").env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--totp"), "{}", text(&out.stderr));
    let out = run(keyholder(&vault).args(["--totp", &now, "verify"]).env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(keyholder(&vault).arg("verify").env("KEYHOLDER_PASSWORD", PASSWORD).env("KEYHOLDER_TOTP", &now));
    assert!(!out.status.success(), "a replayed code is refused");
    assert!(text(&out.stderr).contains("already used"), "{}", text(&out.stderr));
    let out = run(keyholder(&vault).arg("verify").env("KEYHOLDER_PASSWORD", PASSWORD).env("KEYHOLDER_TOTP", &codes[0]));
    assert!(out.status.success(), "a recovery code: {}", text(&out.stderr));
    let out = run(keyholder(&vault).arg("verify").env("KEYHOLDER_PASSWORD", PASSWORD).env("KEYHOLDER_TOTP", &codes[0]));
    assert!(!out.status.success(), "a recovery code works once");

    let out = run(keyholder(&vault)
        .args(["operator", "totp", "disable", "--code", &after])
        .env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(keyholder(&vault).arg("verify").env("KEYHOLDER_PASSWORD", PASSWORD));
    assert!(out.status.success(), "no code needed once it is off: {}", text(&out.stderr));
}

#[test]
fn an_access_review_from_start_to_evidence_on_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let (vault, _) = init(dir.path());
    let ok = |args: &[&str]| ok(&vault, args);
    let fails = |args: &[&str]| {
        let out = run(with_password(keyholder(&vault).args(args)));
        assert!(!out.status.success(), "{args:?} should fail");
        text(&out.stderr)
    };
    ok(&["system", "add", "--name", "CRM", "--levels", "user,admin", "--privileged", "admin", "--customer-data"]);
    ok(&["system", "add", "--name", "Email"]);
    ok(&["role", "add", "Sales", "--grant", "CRM:user", "--grant", "Email:user"]);
    ok(&["staff", "add", "--name", "Sam Carter", "--email", "sam@example.com", "--team", "Sales"]);
    ok(&["role", "assign", "Sales", "sam@example.com"]);
    ok(&["grant", "sam@example.com", "CRM", "admin", "--reason", "data clean-up"]);

    let id = ok(&["review", "start", "--scope", "all", "--due", "2099-01-31"]).trim().to_owned();
    assert_eq!(id, "1");
    let items: Vec<serde_json::Value> = serde_json::from_str(&ok(&["review", "items", &id, "--json"])).unwrap();
    assert_eq!(items.len(), 3, "CRM user, CRM admin, Email user");
    let item = |system: &str, level: &str| {
        items.iter().find(|i| i["system"] == system && i["level"] == level).unwrap()["id"].as_i64().unwrap().to_string()
    };
    let (admin, crm, email) = (item("CRM", "admin"), item("CRM", "user"), item("Email", "user"));
    assert!(fails(&["review", "decide", &admin, "keep"]).contains("needs a comment"));
    ok(&["review", "decide", &admin, "remove"]);
    ok(&["review", "decide", &crm, "keep"]);
    assert!(fails(&["review", "signoff", &id]).contains("1 undecided"));
    ok(&["review", "decide", &email, "keep", "--comment", "everyone has email"]);
    ok(&["review", "signoff", &id]);
    assert!(fails(&["review", "decide", &email, "remove"]).contains("locked"));

    let list: Vec<serde_json::Value> = serde_json::from_str(&ok(&["review", "list", "--json"])).unwrap();
    assert_eq!(list[0]["state"], "awaiting revocations");
    let checklist = ok(&["checklist", "show", "sam@example.com", "--json"]);
    let lists: Vec<serde_json::Value> = serde_json::from_str(&checklist).unwrap();
    let revocation = lists.iter().find(|l| l["process"] == "review").unwrap()["items"][0]["id"].to_string();
    ok(&["checklist", "done", &revocation]);
    let list: Vec<serde_json::Value> = serde_json::from_str(&ok(&["review", "list", "--json"])).unwrap();
    assert_eq!(list[0]["state"], "complete");

    let (pdf, csv) = (dir.path().join("review.pdf"), dir.path().join("review.csv"));
    let out =
        run(with_password(keyholder(&vault).args(["review", "export", &id, "--pdf"]).arg(&pdf).arg("--csv").arg(&csv)));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(rows.lines().count(), 4, "a header and one row per item");
    assert!(rows.lines().any(|l| l.contains(",remove,") && l.contains(",done,")), "{rows}");
}
