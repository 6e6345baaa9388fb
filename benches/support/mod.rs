//! What the benchmarks share: the app's dependencies with fakes, signing in, and the median
//! of timings.
#![allow(dead_code, clippy::expect_used)]

use keyholder::domain::secret::SecretString;
use keyholder::service::{Office, SignIn, SignInMethod, SystemClock};
use keyholder::ui::AppDeps;
use keyholder::vault::keystore::MemoryStore;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub const PASSWORD: &str = "copper lantern orbit meadow";

pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// What the app needs, with fakes for the keyring, clipboard and notifications.
pub fn deps(path: &Path) -> AppDeps {
    AppDeps {
        vault: path.to_path_buf(),
        clock: Arc::new(SystemClock),
        store: Arc::new(MemoryStore::default()),
        new_vault_kdf: None,
        clipboard: Arc::new(keyholder::ui::clipboard::FakeClipboard::default()),
        notifier: Arc::new(keyholder::ui::notify::FakeNotifier::default()),
        files: Arc::new(keyholder::ui::file_dialog::FakePicker::default()),
        printer: Arc::new(keyholder::ui::print::FakePrinter::default()),
        job_gate: Default::default(),
    }
}

pub fn sign_in(path: &Path) -> Office {
    let password = SecretString::new(PASSWORD);
    Office::sign_in(
        path,
        SignIn { operator: None, method: SignInMethod::Password(&password), second_factor: None },
        Arc::new(SystemClock),
    )
    .expect("sign in")
}
