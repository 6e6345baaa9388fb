//! The system clipboard behind a trait, so copying secrets can be tested with a fake.

use std::sync::Mutex;

pub trait SecretClipboard: Send + Sync {
    /// Put a secret on the clipboard, marked as secret where the platform allows.
    fn set(&self, text: &str) -> Result<(), String>;
    fn get(&self) -> Option<String>;
    fn clear(&self) -> Result<(), String>;
}

/// The real clipboard (arboard). On Linux the text is excluded from clipboard-manager history.
#[derive(Default)]
pub struct SystemClipboard {
    inner: Mutex<Option<arboard::Clipboard>>,
}

impl SystemClipboard {
    fn with<T>(&self, f: impl FnOnce(&mut arboard::Clipboard) -> Result<T, arboard::Error>) -> Result<T, String> {
        let mut guard = self.inner.lock().map_err(|_| "the clipboard is unavailable".to_owned())?;
        if guard.is_none() {
            *guard = Some(arboard::Clipboard::new().map_err(|e| format!("no clipboard: {e}"))?);
        }
        match guard.as_mut() {
            Some(clipboard) => f(clipboard).map_err(|e| format!("clipboard error: {e}")),
            None => Err("no clipboard".into()),
        }
    }
}

impl SecretClipboard for SystemClipboard {
    fn set(&self, text: &str) -> Result<(), String> {
        self.with(|c| {
            #[cfg(target_os = "linux")]
            {
                use arboard::SetExtLinux;
                c.set().exclude_from_history().text(text.to_owned())
            }
            #[cfg(not(target_os = "linux"))]
            {
                c.set_text(text.to_owned())
            }
        })
    }

    fn get(&self) -> Option<String> {
        self.with(|c| c.get_text()).ok()
    }

    fn clear(&self) -> Result<(), String> {
        self.with(|c| c.clear())
    }
}

#[cfg(any(test, feature = "test-support"))]
/// An in-memory clipboard for tests.
#[derive(Default)]
pub struct FakeClipboard {
    pub contents: Mutex<Option<String>>,
}

#[cfg(any(test, feature = "test-support"))]
impl SecretClipboard for FakeClipboard {
    fn set(&self, text: &str) -> Result<(), String> {
        *self.contents.lock().map_err(|_| "poisoned".to_owned())? = Some(text.to_owned());
        Ok(())
    }

    fn get(&self) -> Option<String> {
        self.contents.lock().ok().and_then(|c| c.clone())
    }

    fn clear(&self) -> Result<(), String> {
        let mut contents = self.contents.lock().map_err(|_| "the fake clipboard is poisoned".to_owned())?;
        *contents = None;
        Ok(())
    }
}
