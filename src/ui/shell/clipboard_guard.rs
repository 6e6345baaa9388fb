//! A secret copied to the clipboard, and clearing it again when the policy's time is up (only
//! if the clipboard still holds it).

use crate::domain::clipboard::{ClipboardGuard, DEFAULT_CLEAR_AFTER_SECS};
use crate::service::{Policies, ServiceError, ServiceResult};
use crate::ui::clipboard::SecretClipboard;
use std::sync::Arc;

pub struct CopiedSecret {
    clipboard: Arc<dyn SecretClipboard>,
    guard: Option<ClipboardGuard>,
}

impl CopiedSecret {
    pub fn new(clipboard: Arc<dyn SecretClipboard>) -> Self {
        Self { clipboard, guard: None }
    }

    /// Put `value` on the clipboard and arrange for it to be cleared (only if still ours).
    pub fn copy(&mut self, value: &str, now: jiff::Timestamp, policies: Option<Policies>) -> ServiceResult<String> {
        self.clipboard.set(value).map_err(ServiceError::Invalid)?;
        let secs = policies.map_or(DEFAULT_CLEAR_AFTER_SECS, |p| p.clipboard_clear_secs);
        let after = jiff::SignedDuration::from_secs(secs);
        self.guard = Some(ClipboardGuard::new(value, now, after));
        Ok(format!("Copied; the clipboard is cleared in {secs} s."))
    }

    /// When the copied secret must leave the clipboard, if one is there.
    pub fn clear_at(&self) -> Option<jiff::Timestamp> {
        self.guard.as_ref().map(ClipboardGuard::clear_at)
    }

    pub fn is_due(&self, now: jiff::Timestamp) -> bool {
        self.guard.as_ref().is_some_and(|g| g.is_due(now))
    }

    /// Clear the clipboard if it still holds the secret Keyholder copied. Only something else
    /// read back from it spares it: when it cannot be read, it is cleared anyway (a secret left
    /// there is worse than a cleared clipboard). A failed clear is tried again at the next tick.
    pub fn release(&mut self) {
        let Some(guard) = self.guard.take() else { return };
        if let Some(current) = self.clipboard.get()
            && !guard.still_ours(Some(&current))
        {
            return;
        }
        if let Err(error) = self.clipboard.clear() {
            tracing::warn!("the clipboard could not be cleared yet: {error}");
            self.guard = Some(guard);
        }
    }
}
