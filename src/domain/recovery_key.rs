//! The recovery key as people write it down: 160 random bits in eight groups of four letters
//! and digits (Crockford's base 32: no I, L, O or U, so nothing is misread).

use thiserror::Error;
use zeroize::Zeroizing;

/// Bytes of randomness in a recovery key.
pub const RECOVERY_KEY_BYTES: usize = 20;
const GROUP: usize = 4;
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RecoveryKeyError {
    #[error("a recovery key has 32 letters and digits (eight groups of four); this one has {0}")]
    WrongLength(usize),
    #[error("a recovery key uses only the digits 0-9 and the letters A-Z without I, L, O and U")]
    BadCharacter,
}

/// Write the key bytes as `ABCD-EFGH-…`.
pub fn format(bytes: &[u8; RECOVERY_KEY_BYTES]) -> Zeroizing<String> {
    encode_grouped(bytes, GROUP)
}

/// Crockford base 32 of `bytes` (whole 5-bit symbols only), a dash after every `group`.
pub fn encode_grouped(bytes: &[u8], group: usize) -> Zeroizing<String> {
    let mut text = Zeroizing::new(String::with_capacity(bytes.len() * 2));
    let mut buffer: u64 = 0;
    let mut bits = 0;
    let mut written = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u64::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            let index = ((buffer >> bits) & 31) as usize;
            if written > 0 && written % group == 0 {
                text.push('-');
            }
            text.push(char::from(ALPHABET[index]));
            written += 1;
        }
    }
    text
}

/// The symbols of typed Crockford text: case, spaces and dashes do not matter; O is read as 0
/// and I, L as 1.
pub fn normalise(text: &str) -> Result<Zeroizing<String>, RecoveryKeyError> {
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        };
        if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
            return Err(RecoveryKeyError::BadCharacter);
        }
        out.push(c);
    }
    Ok(out)
}

/// Read a key as typed: case, spaces and dashes do not matter; O is read as 0 and I, L as 1.
pub fn parse(text: &str) -> Result<Zeroizing<[u8; RECOVERY_KEY_BYTES]>, RecoveryKeyError> {
    let normalised = normalise(text)?;
    let symbols: Zeroizing<Vec<u64>> = Zeroizing::new(
        normalised.bytes().filter_map(|c| ALPHABET.iter().position(|&a| a == c)).map(|v| v as u64).collect(),
    );
    if symbols.len() != 32 {
        return Err(RecoveryKeyError::WrongLength(symbols.len()));
    }
    let mut bytes = Zeroizing::new([0_u8; RECOVERY_KEY_BYTES]);
    let mut buffer: u64 = 0;
    let mut bits = 0;
    let mut index = 0;
    for &value in symbols.iter() {
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            bytes[index] = ((buffer >> bits) & 0xff) as u8;
            index += 1;
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_its_written_form() {
        let bytes: [u8; RECOVERY_KEY_BYTES] = core::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0xa5);
        let text = format(&bytes);
        assert_eq!(text.len(), 39, "{}", text.as_str());
        assert_eq!(text.split('-').count(), 8);
        assert_eq!(parse(&text).map(|b| *b), Ok(bytes));
        let sloppy = text.to_lowercase().replace('-', " ").replace('0', "o");
        assert_eq!(parse(&sloppy).map(|b| *b), Ok(bytes));
    }

    #[test]
    fn refuses_wrong_length_and_characters() {
        assert_eq!(parse("ABCD-EFGH").map(|b| *b), Err(RecoveryKeyError::WrongLength(8)));
        assert_eq!(parse(&"U".repeat(32)).map(|b| *b), Err(RecoveryKeyError::BadCharacter));
    }
}
