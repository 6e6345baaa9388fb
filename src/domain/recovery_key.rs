//! The recovery key as people write it down: 160 random bits and a check, 36 letters and
//! digits in nine groups of four, from an alphabet without look-alikes (no 0 or O, no 1, I or
//! L, no U beside V), so nothing is misread from paper. The check finds a typing mistake before
//! the key is tried. Keys written by earlier versions (32 symbols of Crockford's base 32) are
//! still read. The Crockford helpers also serve the operators' one-time recovery codes.

use sha2::{Digest, Sha256};
use thiserror::Error;
use zeroize::Zeroizing;

/// Bytes of randomness in a recovery key.
pub const RECOVERY_KEY_BYTES: usize = 20;
const GROUP: usize = 4;
/// The key's alphabet: digits 2–9 and the letters A–Z without I, L, O and U.
const KEY_ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
const BASE: u32 = 30;
/// 30^33 > 2^160: 33 symbols carry the key, 3 more its check.
const DATA_SYMBOLS: usize = 33;
const CHECK_SYMBOLS: usize = 3;
const KEY_SYMBOLS: usize = DATA_SYMBOLS + CHECK_SYMBOLS;
/// Crockford's base 32, for earlier keys and the recovery codes.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CROCKFORD_KEY_SYMBOLS: usize = 32;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RecoveryKeyError {
    #[error("a recovery key has 36 letters and digits (nine groups of four); this one has {0}")]
    WrongLength(usize),
    #[error("a recovery key uses only the digits 2 to 9 and the letters A to Z without I, L, O and U")]
    BadCharacter,
    #[error("this recovery key has a typing mistake: compare each group with the paper")]
    Mistyped,
}

/// Write the key bytes as `ABCD-EFGH-…` (nine groups of four).
pub fn format(bytes: &[u8; RECOVERY_KEY_BYTES]) -> Zeroizing<String> {
    let mut digits = Zeroizing::new([0_u8; KEY_SYMBOLS]);
    digits[..DATA_SYMBOLS].copy_from_slice(to_base30(bytes).as_ref());
    digits[DATA_SYMBOLS..].copy_from_slice(&check(bytes));
    let mut text = Zeroizing::new(String::with_capacity(KEY_SYMBOLS + KEY_SYMBOLS / GROUP));
    for (index, &digit) in digits.iter().enumerate() {
        if index > 0 && index % GROUP == 0 {
            text.push('-');
        }
        text.push(char::from(KEY_ALPHABET[usize::from(digit)]));
    }
    text
}

/// Read a key as typed: case, spaces and dashes do not matter. A key of an earlier version
/// (32 Crockford symbols) is read as it was then.
pub fn parse(text: &str) -> Result<Zeroizing<[u8; RECOVERY_KEY_BYTES]>, RecoveryKeyError> {
    let symbols: Zeroizing<Vec<u8>> = Zeroizing::new(
        text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'-').map(|c| c.to_ascii_uppercase()).collect(),
    );
    if symbols.len() == CROCKFORD_KEY_SYMBOLS {
        return parse_crockford(text);
    }
    if symbols.len() != KEY_SYMBOLS {
        return Err(RecoveryKeyError::WrongLength(text.chars().filter(|c| !c.is_whitespace() && *c != '-').count()));
    }
    let digits: Zeroizing<Vec<u8>> = Zeroizing::new(
        symbols
            .iter()
            .map(|c| KEY_ALPHABET.iter().position(|a| a == c).map(|p| p as u8))
            .collect::<Option<_>>()
            .ok_or(RecoveryKeyError::BadCharacter)?,
    );
    let bytes = from_base30(&digits[..DATA_SYMBOLS]).ok_or(RecoveryKeyError::Mistyped)?;
    if digits[DATA_SYMBOLS..] != check(&bytes) {
        return Err(RecoveryKeyError::Mistyped);
    }
    Ok(bytes)
}

/// The key as a big-endian number written in base 30, most significant symbol first.
fn to_base30(bytes: &[u8; RECOVERY_KEY_BYTES]) -> Zeroizing<[u8; DATA_SYMBOLS]> {
    let mut number = Zeroizing::new(*bytes);
    let mut digits = Zeroizing::new([0_u8; DATA_SYMBOLS]);
    for digit in digits.iter_mut().rev() {
        let mut remainder = 0_u32;
        for byte in number.iter_mut() {
            let current = (remainder << 8) | u32::from(*byte);
            *byte = (current / BASE) as u8;
            remainder = current % BASE;
        }
        *digit = remainder as u8;
    }
    digits
}

/// The inverse of [`to_base30`]; `None` when the symbols stand for more than 160 bits.
fn from_base30(digits: &[u8]) -> Option<Zeroizing<[u8; RECOVERY_KEY_BYTES]>> {
    let mut number = Zeroizing::new([0_u8; RECOVERY_KEY_BYTES]);
    for &digit in digits {
        let mut carry = u32::from(digit);
        for byte in number.iter_mut().rev() {
            let current = u32::from(*byte) * BASE + carry;
            *byte = (current & 0xff) as u8;
            carry = current >> 8;
        }
        if carry != 0 {
            return None;
        }
    }
    Some(number)
}

/// Three symbols from a hash of the key: a mistyped symbol or two swapped ones are caught
/// (all but 1 in 27,000 of them) before the key is tried.
fn check(bytes: &[u8; RECOVERY_KEY_BYTES]) -> [u8; CHECK_SYMBOLS] {
    let hash = Sha256::new().chain_update(b"keyholder recovery key check").chain_update(bytes).finalize();
    let value = u32::from_be_bytes([hash[0], hash[1], hash[2], hash[3]]) % (BASE * BASE * BASE);
    [(value / (BASE * BASE)) as u8, (value / BASE % BASE) as u8, (value % BASE) as u8]
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

/// A key written before version 0.2 (32 Crockford symbols): still accepted, never written.
fn parse_crockford(text: &str) -> Result<Zeroizing<[u8; RECOVERY_KEY_BYTES]>, RecoveryKeyError> {
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

    fn key(seed: u8) -> [u8; RECOVERY_KEY_BYTES] {
        core::array::from_fn(|i| (i as u8).wrapping_mul(37).wrapping_add(seed) ^ 0xa5)
    }

    #[test]
    fn round_trips_through_its_written_form_in_nine_groups_without_look_alikes() {
        for seed in 0..=255 {
            let bytes = key(seed);
            let text = format(&bytes);
            assert_eq!(text.len(), 44, "{}", text.as_str());
            assert_eq!(text.split('-').count(), 9);
            assert!(!text.contains(['0', 'O', '1', 'I', 'L', 'U']), "{}", text.as_str());
            assert_eq!(parse(&text).map(|b| *b), Ok(bytes));
        }
        let text = format(&key(7));
        let sloppy = text.to_lowercase().replace('-', " ");
        assert_eq!(parse(&sloppy).map(|b| *b), Ok(key(7)));
        assert_eq!(parse(&format(&[0xff; RECOVERY_KEY_BYTES])).map(|b| *b), Ok([0xff; RECOVERY_KEY_BYTES]));
        assert_eq!(parse(&format(&[0; RECOVERY_KEY_BYTES])).map(|b| *b), Ok([0; RECOVERY_KEY_BYTES]));
    }

    #[test]
    fn every_single_mistyped_symbol_and_swap_of_neighbours_is_caught() {
        let text: Vec<u8> = format(&key(3)).bytes().filter(|c| *c != b'-').collect();
        for index in 0..text.len() {
            for &other in KEY_ALPHABET.iter().filter(|&&c| c != text[index]) {
                let mut typo = text.clone();
                typo[index] = other;
                let typo = String::from_utf8(typo).unwrap_or_default();
                assert_eq!(parse(&typo).map(|b| *b), Err(RecoveryKeyError::Mistyped), "{index}");
            }
            if index + 1 < text.len() && text[index] != text[index + 1] {
                let mut swapped = text.clone();
                swapped.swap(index, index + 1);
                let swapped = String::from_utf8(swapped).unwrap_or_default();
                assert_eq!(parse(&swapped).map(|b| *b), Err(RecoveryKeyError::Mistyped), "{index}");
            }
        }
    }

    #[test]
    fn a_key_written_by_an_earlier_version_is_still_read() {
        let bytes = key(9);
        let crockford = encode_grouped(&bytes, GROUP);
        assert_eq!(crockford.split('-').count(), 8);
        assert_eq!(parse(&crockford).map(|b| *b), Ok(bytes));
        let sloppy = crockford.to_lowercase().replace('-', " ").replace('0', "o");
        assert_eq!(parse(&sloppy).map(|b| *b), Ok(bytes));
    }

    #[test]
    fn refuses_wrong_length_and_characters() {
        assert_eq!(parse("ABCD-EFGH").map(|b| *b), Err(RecoveryKeyError::WrongLength(8)));
        assert_eq!(parse(&"0".repeat(36)).map(|b| *b), Err(RecoveryKeyError::BadCharacter));
        assert_eq!(parse(&"U".repeat(32)).map(|b| *b), Err(RecoveryKeyError::BadCharacter));
        assert_eq!(parse(&"Z".repeat(36)).map(|b| *b), Err(RecoveryKeyError::Mistyped), "more than 160 bits");
    }
}
