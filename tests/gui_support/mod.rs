//! The GUI tests' harness: the real app with fakes for the keyring, clipboard, notifications
//! and file dialogs, driven as a person would (type into a labelled field, press a button), and
//! the small offices those tests start from.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use crate::common::{PASSWORD, TestVault, add_person};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use keyholder::service::ManualClock;
use keyholder::ui::clipboard::{FakeClipboard, SecretClipboard};
use keyholder::ui::{AppDeps, KeyholderApp};
use keyholder::vault::crypto::KdfParams;
use keyholder::vault::keystore::MemoryStore;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub fn app(vault: &Path, clock: Arc<ManualClock>) -> Harness<'static, KeyholderApp> {
    app_with_clipboard(vault, clock, Arc::new(FakeClipboard::default()))
}

/// What the app needs, all fakes: keyring, clipboard, notifications, file dialogs.
pub fn deps(vault: &Path, clock: Arc<ManualClock>) -> AppDeps {
    AppDeps {
        vault: vault.to_path_buf(),
        clock,
        store: Arc::new(MemoryStore::default()),
        new_vault_kdf: Some(KdfParams::FLOOR),
        clipboard: Arc::new(FakeClipboard::default()),
        notifier: Arc::new(keyholder::ui::notify::FakeNotifier::default()),
        files: Arc::new(keyholder::ui::file_dialog::FakePicker::default()),
        printer: Arc::new(keyholder::ui::print::FakePrinter::default()),
        job_gate: Default::default(),
    }
}

pub fn app_with(deps: AppDeps) -> Harness<'static, KeyholderApp> {
    Harness::builder().with_size([1100.0, 720.0]).build_eframe(move |_cc| KeyholderApp::new(deps))
}

pub fn app_with_clipboard(
    vault: &Path,
    clock: Arc<ManualClock>,
    clipboard: Arc<FakeClipboard>,
) -> Harness<'static, KeyholderApp> {
    app_with(AppDeps { clipboard, ..deps(vault, clock) })
}

/// Step frames until the background job (a key derivation, an export, an import…) has finished.
pub fn settle(harness: &mut Harness<'static, KeyholderApp>) {
    for _ in 0..500 {
        harness.step();
        if !harness.state().is_busy() {
            harness.run();
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the background job did not finish");
}

/// Focus the text field labelled `label`, then type into it (a frame in between, as a person
/// would, so the text lands in that field).
pub fn type_into(harness: &mut Harness<'static, KeyholderApp>, label: &str, text: &str) {
    let find = |node: &egui_kittest::kittest::AccessKitNode<'_>| {
        node.label().as_deref() == Some(label)
            && matches!(node.role(), Role::TextInput | Role::MultilineTextInput | Role::PasswordInput)
    };
    harness.get_by(find).focus();
    harness.run();
    harness.get_by(find).type_text(text);
    harness.run();
}

/// The app on `vault`, signed in as Ada.
pub fn signed_in(vault: &TestVault) -> Harness<'static, KeyholderApp> {
    let mut harness = app(&vault.path, vault.clock.clone());
    harness.run();
    sign_in(&mut harness, PASSWORD);
    harness
}

pub fn sign_in(harness: &mut Harness<'static, KeyholderApp>, password: &str) {
    type_into(harness, "Password", password);
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Sign in").click();
    settle(harness);
}

/// A new vault with CRM (customer data, admin privileged), Email, a Sales role giving both, and
/// one person; the session is still open.
pub fn sales_office(name: &str, email: &str, team: &str) -> (TestVault, keyholder::service::Office) {
    let (vault, mut office) = TestVault::open_new();
    office
        .add_system(keyholder::service::new_system("CRM", "software", "user,admin", "admin", true, true).unwrap())
        .unwrap();
    office.add_system(keyholder::service::new_system("Email", "software", "user", "", false, true).unwrap()).unwrap();
    office.add_role("Sales", &["CRM:user".into(), "Email:user".into()]).unwrap();
    add_person(&mut office, name, email, team);
    (vault, office)
}

/// A vault with two systems and a Sales role, already signed in on the Staff page.
pub fn office_with_roles() -> (TestVault, Harness<'static, KeyholderApp>) {
    let (vault, office) = sales_office("Kim Lee", "kim@example.com", "Finance");
    drop(office);
    let mut harness = signed_in(&vault);
    harness.get_by_role_and_label(Role::Button, "Staff").click();
    harness.run();
    (vault, harness)
}

/// [`office_with_roles`] with Sam Carter added on the Staff page.
pub fn office_with_kim_and_sam() -> (TestVault, Harness<'static, KeyholderApp>) {
    let (vault, mut harness) = office_with_roles();
    harness.get_by_role_and_label(Role::Button, "Add staff member").click();
    harness.run();
    type_into(&mut harness, "Full name", "Sam Carter");
    type_into(&mut harness, "Work email", "sam@example.com");
    harness.get_by_role_and_label(Role::Button, "Add").click();
    harness.run();
    (vault, harness)
}

/// A vault with one shared secret whose rotation interval has run out.
pub fn office_with_due_secret() -> TestVault {
    let (vault, mut office) = TestVault::open_new();
    office
        .add_system(keyholder::service::new_system("Wi-Fi", "shared_account", "user", "", false, false).unwrap())
        .unwrap();
    let value = keyholder::domain::secret::SecretString::new("ribbon-canyon-violet-tractor-7");
    office.add_secret("Office Wi-Fi", Some("Wi-Fi"), None, "", &value, Some(30), Some("2026-09-01"), &[]).unwrap();
    drop(office);
    vault
}

/// Signed in with a fake clipboard, on the page of the office Wi-Fi secret.
pub fn wifi_secret_page(vault: &TestVault) -> (Harness<'static, KeyholderApp>, Arc<FakeClipboard>) {
    let clipboard = Arc::new(FakeClipboard::default());
    (wifi_secret_page_with(vault, clipboard.clone()), clipboard)
}

/// The Office Wi-Fi secret's page, signed in, with `clipboard` as the system clipboard.
pub fn wifi_secret_page_with(vault: &TestVault, clipboard: Arc<dyn SecretClipboard>) -> Harness<'static, KeyholderApp> {
    let mut harness = app_with(AppDeps { clipboard, ..deps(&vault.path, vault.clock.clone()) });
    harness.run();
    sign_in(&mut harness, PASSWORD);
    harness.get_by_role_and_label(Role::Button, "Shared secrets").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Office Wi-Fi").click();
    harness.run();
    harness
}

/// Open the pick-list labelled `list` and choose `choice`.
/// When the page shows the same words too (a table row), the choice is the one in the open
/// list, which is drawn last.
pub fn choose(harness: &mut Harness<'static, KeyholderApp>, list: &str, choice: &str) {
    harness.get_by_role_and_label(Role::ComboBox, list).click();
    harness.run();
    harness.query_all_by_label(choice).last().unwrap_or_else(|| panic!("no choice {choice:?} in {list}")).click();
    harness.run();
}

/// Press the button labelled `label` through AccessKit (as a screen reader would; it works
/// wherever the page is scrolled), then draw frames until any job it started has finished.
pub fn press(harness: &mut Harness<'static, KeyholderApp>, label: &str) {
    harness.get_by_role_and_label(Role::Button, label).click_accesskit();
    settle(harness);
}
