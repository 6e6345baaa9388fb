//! Leaving no secret behind, as far as a test can see without reading freed memory: exiting the
//! app closes the session (the data key is wiped with it). What is left in the real program's
//! memory is checked by `scripts/memory-dump-check.sh` on a core dump.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking
#![cfg(feature = "gui")]

mod common;

use common::{OPERATOR, PASSWORD, TestVault};
use eframe::App;
use keyholder::ui::clipboard::FakeClipboard;
use keyholder::ui::{AppDeps, KeyholderApp};
use keyholder::vault::VaultError;
use keyholder::vault::crypto::KdfParams;
use keyholder::vault::keystore::MemoryStore;
use std::sync::Arc;

fn deps(vault: &TestVault) -> AppDeps {
    AppDeps {
        vault: vault.path.clone(),
        clock: vault.clock(),
        store: Arc::new(MemoryStore::default()),
        new_vault_kdf: Some(KdfParams::FLOOR),
        clipboard: Arc::new(FakeClipboard::default()),
        notifier: Arc::new(keyholder::ui::notify::FakeNotifier::default()),
        files: Arc::new(keyholder::ui::file_dialog::FakePicker::default()),
        printer: Arc::new(keyholder::ui::print::FakePrinter::default()),
        job_gate: Default::default(),
    }
}

#[test]
fn exiting_closes_the_session_before_the_app_is_dropped() {
    let (vault, office) = TestVault::open_new();
    let mut app = KeyholderApp::with_office(deps(&vault), office);
    assert_eq!(app.operator().as_deref(), Some(OPERATOR));
    let Err(held) = vault.sign_in_as(OPERATOR, PASSWORD) else { panic!("a second session opened the held vault") };
    assert!(matches!(held, keyholder::service::ServiceError::Vault(VaultError::AlreadyOpen { .. })), "{held:?}");

    app.on_exit(None);
    assert_eq!(app.operator(), None);
    drop(vault.sign_in()); // the session let go of the vault, so its connection and key are gone
    drop(app);
}
