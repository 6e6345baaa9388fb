//! A string that must never be printed: passwords, recovery keys. It is wiped from memory when
//! dropped and its `Debug` shows only that it is hidden.

use std::fmt;
use zeroize::{Zeroize, Zeroizing};

/// Text that is secret. `Debug` prints `Secret(***)`; the memory is zeroed on drop.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    pub fn new(text: impl Into<String>) -> Self {
        Self(Zeroizing::new(text.into()))
    }

    /// The secret itself; call only where it is used, never to log or display it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Mutable access for a password field that edits the secret in place.
    pub fn expose_mut(&mut self) -> &mut String {
        &mut self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.zeroize();
    }
}

impl From<&str> for SecretString {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for SecretString {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let secret = SecretString::new("hunter2-canary");
        let shown = format!("{secret:?}");
        assert!(!shown.contains("hunter2"));
        assert_eq!(shown, "Secret(***)");
    }

    #[test]
    fn clear_empties_it() {
        let mut secret = SecretString::new("abc");
        secret.clear();
        assert!(secret.is_empty());
    }
}
