//! A string that must never be printed: passwords, recovery keys. It is wiped from memory when
//! dropped and its `Debug` shows only that it is hidden. Also [`wipe_stack`], for what
//! functions handling secrets leave behind on the stack.

use std::fmt;
use zeroize::{Zeroize, Zeroizing};

/// Room reserved for typing, so a field edited in place never reallocates (which would free a
/// copy of the text without wiping it) for anything shorter than this.
pub const TYPING_CAPACITY: usize = 256;

/// Text that is secret. `Debug` prints `Secret(***)`; the memory is zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl Default for SecretString {
    fn default() -> Self {
        Self(Zeroizing::new(String::with_capacity(TYPING_CAPACITY)))
    }
}

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

    /// Wipe the text (its whole buffer) and keep the room for typing again.
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

/// Bytes of stack that [`wipe_stack`] overwrites; far more than key derivation, hashing or
/// SQLite's deepest calls use.
pub const STACK_WIPE_BYTES: usize = 256 * 1024;

/// Overwrite the [`STACK_WIPE_BYTES`] below the caller's frame with zeros. Functions return
/// without clearing their locals, so hash states, key schedules and buffers that held a password
/// or key stay on the stack until something happens to overwrite them; and a finished thread's
/// stack is kept by the C library for the next thread, unwiped. Call this from a shallow frame
/// after such work (at the end of a background job, after the GUI's frame).
#[inline(never)]
pub fn wipe_stack() {
    let mut block = [0_u8; STACK_WIPE_BYTES];
    // Volatile writes: the compiler may not drop them as dead stores.
    block.zeroize();
    std::hint::black_box(&block);
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

    #[test]
    fn clear_wipes_the_whole_buffer_and_keeps_it() {
        let mut secret = SecretString::default();
        secret.expose_mut().push_str("correct horse battery staple");
        let (at, capacity) = (secret.expose().as_ptr(), secret.expose_mut().capacity());
        secret.clear();
        assert_eq!((secret.expose().as_ptr(), secret.expose_mut().capacity()), (at, capacity));
        // Read through the live String's spare capacity: still allocated, so no use after free.
        let buffer = secret.expose_mut();
        // SAFETY: `capacity` bytes from the start are allocated and owned by `buffer`; zeroize
        // wrote every one of them, so all are initialised.
        let bytes = unsafe { std::slice::from_raw_parts(buffer.as_ptr(), capacity) };
        assert!(bytes.iter().all(|&b| b == 0));
    }

    #[test]
    fn typing_into_a_new_secret_never_reallocates() {
        let mut secret = SecretString::default();
        let at = secret.expose().as_ptr();
        for _ in 0..TYPING_CAPACITY {
            secret.expose_mut().push('x');
        }
        assert_eq!(secret.expose().as_ptr(), at, "the buffer typed into stays where it is");
    }

    #[test]
    fn the_stack_wipe_fits_in_a_background_thread() {
        // Rust's threads get 2 MiB of stack unless told otherwise; the wipe needs far less.
        let thread = std::thread::Builder::new().stack_size(4 * STACK_WIPE_BYTES).spawn(wipe_stack);
        assert!(thread.is_ok_and(|t| t.join().is_ok()));
    }
}
