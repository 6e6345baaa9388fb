//! One-time recovery codes for an operator's second factor: ten random codes shown once, kept
//! only as hashes, each accepted once in place of an authenticator code.

use super::recovery_key::{RecoveryKeyError, encode_grouped, normalise};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// How many codes an operator gets.
pub const COUNT: usize = 10;
/// 50 random bits per code: ten symbols, written `XXXXX-XXXXX`.
pub const CODE_BYTES: usize = 7;
const SYMBOLS: usize = 10;

/// Write random bytes as a code people can type.
pub fn format(bytes: &[u8; CODE_BYTES]) -> Zeroizing<String> {
    let mut text = encode_grouped(bytes, 5);
    // 56 bits give 11 symbols; the last carries only one bit and is dropped.
    text.truncate(SYMBOLS + 1);
    text
}

/// The hash kept for `code` (as typed) of `operator`, or `None` if it cannot be a code.
pub fn hash(operator: &str, code: &str) -> Result<[u8; 32], RecoveryKeyError> {
    let symbols = normalise(code)?;
    if symbols.len() != SYMBOLS {
        return Err(RecoveryKeyError::WrongLength(symbols.len()));
    }
    let mut digest = Sha256::new();
    digest.update(b"keyholder recovery code\0");
    digest.update(operator.to_lowercase().as_bytes());
    digest.update([0]);
    digest.update(symbols.as_bytes());
    Ok(digest.finalize().into())
}

/// Whether typed text looks like a recovery code rather than a six-digit authenticator code.
pub fn looks_like_code(text: &str) -> bool {
    normalise(text).is_ok_and(|s| s.len() == SYMBOLS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_hash_the_same_however_they_are_typed() {
        let code = format(&[0x5a, 0x01, 0xff, 0x80, 0x42, 0x13, 0x77]);
        assert_eq!(code.len(), 11, "{}", code.as_str());
        assert_eq!(code.as_bytes()[5], b'-');
        let typed = code.to_lowercase().replace('-', " ").replace('0', "o");
        assert_eq!(hash("Ada", &code), hash("ada", &typed));
        assert!(looks_like_code(&typed));
        assert!(!looks_like_code("123456"));
        assert_ne!(hash("Ada", &code), hash("Bob", &code));
        assert!(hash("Ada", "ABCDE").is_err());
    }
}
