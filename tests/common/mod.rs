//! Helpers shared by the integration tests: a vault in a temporary folder with the cheapest
//! allowed key derivation, a clock that moves only when told, and file snapshots.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use keyholder::domain::secret::SecretString;
use keyholder::service::{Clock, ManualClock, NewOffice, Office, SignIn, SignInMethod};
use keyholder::vault::VaultPaths;
use keyholder::vault::crypto::KdfParams;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub mod postgres;

pub const PASSWORD: &str = "copper lantern orbit meadow";
pub const OTHER_PASSWORD: &str = "violet tractor ribbon canyon";
pub const OPERATOR: &str = "Ada";

pub struct TestVault {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub clock: Arc<ManualClock>,
    pub recovery_key: String,
}

pub fn start_time() -> jiff::Timestamp {
    "2026-11-23T09:00:00Z".parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

impl TestVault {
    /// A new vault with operator Ada, closed again.
    pub fn new() -> Self {
        let (vault, office) = Self::open_new();
        drop(office);
        vault
    }

    /// A new vault and its open session.
    pub fn open_new() -> (Self, Office) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = new_vault_location(dir.path());
        Self::open_new_at(dir, path)
    }

    /// A new vault at `path` (a file in `dir`, or a server's address) and its open session.
    pub fn open_new_at(dir: tempfile::TempDir, path: PathBuf) -> (Self, Office) {
        let clock = Arc::new(ManualClock::new(start_time()));
        let password = SecretString::new(PASSWORD);
        let created = Office::create(
            &path,
            NewOffice { operator: OPERATOR, password: &password, kdf: Some(KdfParams::FLOOR) },
            clock.clone(),
        )
        .expect("create vault");
        let recovery_key = created.recovery_key.to_string();
        (Self { dir, path, clock, recovery_key }, created.office)
    }

    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    pub fn sign_in_as(&self, operator: &str, password: &str) -> keyholder::service::ServiceResult<Office> {
        let password = SecretString::new(password);
        Office::sign_in(
            &self.path,
            SignIn { operator: Some(operator), method: SignInMethod::Password(&password), second_factor: None },
            self.clock(),
        )
    }

    pub fn sign_in(&self) -> Office {
        self.sign_in_as(OPERATOR, PASSWORD).expect("sign in")
    }

    pub fn paths(&self) -> VaultPaths {
        VaultPaths::new(&self.path)
    }

    /// The vault's own files (database, WAL, shared memory, key slots) that exist now.
    pub fn vault_files(&self) -> Vec<PathBuf> {
        let paths = self.paths();
        [paths.database.clone(), paths.wal(), paths.shm(), paths.slots.clone()]
            .into_iter()
            .filter(|p| p.exists())
            .collect()
    }
}

/// Where a test's new vault goes: a file in its folder, or, when `KEYHOLDER_TEST_STORE` is
/// `postgres`, a new database on the PostgreSQL server this test program started (so the same
/// service tests run on both stores).
pub fn new_vault_location(dir: &Path) -> PathBuf {
    if on_server() {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        PathBuf::from(postgres::shared().database(&format!("office{n}")))
    } else {
        dir.join("office.khv")
    }
}

/// Whether the tests run on the server store (`KEYHOLDER_TEST_STORE=postgres`).
pub fn on_server() -> bool {
    std::env::var("KEYHOLDER_TEST_STORE").is_ok_and(|store| store == "postgres")
}

/// Every file in a folder with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read file")))
        .collect()
}

/// Whether `needle` occurs anywhere in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The actions in an office's audit log, oldest first.
pub fn actions(office: &Office) -> Vec<String> {
    office.audit_log().expect("audit").into_iter().map(|r| r.action).collect()
}

/// Add a staff member with just a name, an email and a team.
pub fn add_person(office: &mut Office, name: &str, email: &str, team: &str) -> i64 {
    let draft = keyholder::domain::staff::StaffDraft {
        full_name: name.into(),
        email: email.into(),
        team: team.into(),
        ..Default::default()
    };
    office.add_staff(&draft).expect("add staff")
}

/// The code an authenticator app with `secret` shows `offset` seconds from the clock's now.
pub fn code_at_clock(clock: &ManualClock, secret: &[u8], offset: i64) -> String {
    let now = u64::try_from(clock.now().as_second()).expect("after 1970");
    keyholder::domain::totp::code_at(secret, totp_rs::Algorithm::SHA1, 6, now.saturating_add_signed(offset))
        .expect("code")
}

/// Windows sign-in and Payroll, and the role Finance giving both. Ann User (user0@example.com,
/// the account user0 of the test directories) joined Finance today with her accounts made:
/// before any directory was connected, so they are on record.
pub fn finance_office_with_ann() -> (TestVault, Office) {
    use keyholder::domain::checklist::ItemKind;
    let (vault, mut office) = TestVault::open_new();
    let system = |name: &str, customer_data| {
        keyholder::service::new_system(name, "software", "user", "", customer_data, false).expect("system")
    };
    office.add_system(system("Windows sign-in", false)).expect("add system");
    office.add_system(system("Payroll", true)).expect("add system");
    office.add_role("Finance", &["Windows sign-in:user".into(), "Payroll:user".into()]).expect("add role");
    let draft = keyholder::domain::staff::StaffDraft {
        full_name: "Ann User".into(),
        email: "user0@example.com".into(),
        start_date: office.today().to_string(),
        ..Default::default()
    };
    let roles = ["Finance".to_owned()];
    let (_, joiner) = office.start_joiner(keyholder::service::NewJoiner { draft, roles: &roles }).expect("joiner");
    let lists = office.checklists_of("user0@example.com").expect("checklists");
    let list = lists.iter().find(|l| l.id == joiner).expect("her checklist");
    for item in list.items.iter().filter(|i| matches!(i.kind, ItemKind::CreateAccount { .. })) {
        office.complete_item(item.id).expect("account made");
    }
    (vault, office)
}

/// Run the `keyholder` program on `vault` as Ada (her password from the environment, nothing
/// on stdin, no directory password).
pub fn keyholder(vault: &TestVault, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_keyholder"))
        .arg("--vault")
        .arg(&vault.path)
        .args(args)
        .env("KEYHOLDER_OPERATOR", OPERATOR)
        .env("KEYHOLDER_PASSWORD", PASSWORD)
        .env_remove("KEYHOLDER_DIRECTORY_PASSWORD")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run keyholder")
}

/// Every text drawn in a PDF, lines joined by spaces (page streams inflated).
pub fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Read;
    let mut text = String::new();
    let mut rest = pdf;
    while let Some(start) = rest.windows(7).position(|w| w == b"stream\n") {
        let body = &rest[start + 7..];
        let end = body.windows(9).position(|w| w == b"endstream").unwrap();
        let mut inflated = Vec::new();
        let stream = match flate2::read::ZlibDecoder::new(&body[..end]).read_to_end(&mut inflated) {
            Ok(_) => inflated,
            Err(_) => body[..end].to_vec(),
        };
        let content: String = stream.iter().map(|&b| b as char).collect();
        for piece in content.split(" Tm (").skip(1) {
            let mut out = String::new();
            let mut chars = piece.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.extend(chars.next()),
                    ')' => break,
                    c => out.push(c),
                }
            }
            text.push_str(&out);
            text.push(' ');
        }
        rest = &body[end + 9..];
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
