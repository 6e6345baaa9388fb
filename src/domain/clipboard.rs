//! When a copied secret must leave the clipboard: after a timeout, on lock and on exit, and
//! only if the clipboard still holds what Keyholder put there (it never wipes something the
//! user copied since). Only a hash of the value is kept.

use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

pub const DEFAULT_CLEAR_AFTER_SECS: i64 = 20;

/// A secret Keyholder placed on the clipboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClipboardGuard {
    fingerprint: [u8; 32],
    clear_at: Timestamp,
}

fn fingerprint(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

impl ClipboardGuard {
    pub fn new(copied: &str, now: Timestamp, clear_after: SignedDuration) -> Self {
        Self { fingerprint: fingerprint(copied), clear_at: now.checked_add(clear_after).unwrap_or(now) }
    }

    pub fn is_due(&self, now: Timestamp) -> bool {
        now >= self.clear_at
    }

    /// When it must leave the clipboard.
    pub fn clear_at(&self) -> Timestamp {
        self.clear_at
    }

    /// Whether `current` (the clipboard's contents now) is still the copied secret.
    pub fn still_ours(&self, current: Option<&str>) -> bool {
        current.is_some_and(|text| fingerprint(text) == self.fingerprint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_after_the_timeout_and_ours_only_while_unchanged() {
        let t0 = Timestamp::UNIX_EPOCH;
        let guard = ClipboardGuard::new("s3cret", t0, SignedDuration::from_secs(20));
        assert!(!guard.is_due(t0.checked_add(SignedDuration::from_secs(19)).unwrap_or(t0)));
        assert!(guard.is_due(t0.checked_add(SignedDuration::from_secs(20)).unwrap_or(t0)));
        assert!(guard.still_ours(Some("s3cret")));
        assert!(!guard.still_ours(Some("a shopping list")));
        assert!(!guard.still_ours(None));
    }
}
