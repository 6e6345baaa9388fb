//! TOTP (RFC 6238) with the rules Keyholder enforces on top of totp-rs: the current step and
//! one either side are accepted, codes are compared in constant time, and a code is accepted
//! only once: any code for the last accepted step or an earlier one is refused.

use totp_rs::{Algorithm, Builder, Totp};

/// What authenticator apps actually honour.
pub const DIGITS: u8 = 6;
pub const STEP_SECS: u64 = 30;
/// Steps accepted on either side of the current one.
pub const SKEW: u64 = 1;
/// At least 160-bit secrets.
pub const SECRET_BYTES: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpRefusal {
    #[error("the code is not valid now")]
    Wrong,
    #[error("this code was already used; wait for the next one")]
    Replayed,
    #[error("the authenticator secret is unusable: {0}")]
    BadSecret(String),
}

/// How a shared account's codes are made: what its `otpauth://` link says, within what
/// Keyholder can compute (totp-rs: SHA-1/256/512, 6–8 digits) and apps offer (15 s to 5 min).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TotpParams {
    pub algorithm: Algorithm,
    pub digits: u8,
    pub period: u64,
}

impl TotpParams {
    /// What authenticator apps assume when a link says nothing.
    pub const APPS: Self = Self { algorithm: Algorithm::SHA1, digits: DIGITS, period: STEP_SECS };
    pub const PERIODS: std::ops::RangeInclusive<u64> = 15..=300;
    pub const DIGIT_RANGE: std::ops::RangeInclusive<u8> = 6..=8;

    /// Refuse what Keyholder would compute wrongly, saying what is supported.
    pub fn checked(self) -> Result<Self, String> {
        if !Self::DIGIT_RANGE.contains(&self.digits) {
            return Err(format!("codes of {} digits are not supported (6, 7 or 8)", self.digits));
        }
        if !Self::PERIODS.contains(&self.period) {
            return Err(format!("a code period of {} s is not supported (15 to 300 s)", self.period));
        }
        if !matches!(self.algorithm, Algorithm::SHA1 | Algorithm::SHA256 | Algorithm::SHA512) {
            return Err("only SHA1, SHA256 and SHA512 codes are supported".to_owned());
        }
        Ok(self)
    }
}

fn build(secret: &[u8], algorithm: Algorithm, digits: u8) -> Result<Totp, TotpRefusal> {
    build_with(secret, TotpParams { algorithm, digits, period: STEP_SECS })
}

fn build_with(secret: &[u8], params: TotpParams) -> Result<Totp, TotpRefusal> {
    Builder::new()
        .with_algorithm(params.algorithm)
        .with_digits(params.digits)
        .with_step_duration(params.period)
        .with_secret(secret.to_vec())
        .with_account_name("keyholder")
        .build()
        .map_err(|e| TotpRefusal::BadSecret(e.to_string()))
}

/// The code for `time` (seconds since 1970), 30-second steps.
pub fn code_at(secret: &[u8], algorithm: Algorithm, digits: u8, time: u64) -> Result<String, TotpRefusal> {
    Ok(build(secret, algorithm, digits)?.generate(time).to_string())
}

/// The code for `time` with a shared account's own parameters.
pub fn code_with(secret: &[u8], params: TotpParams, time: u64) -> Result<String, TotpRefusal> {
    Ok(build_with(secret, params)?.generate(time).to_string())
}

/// The secret in base 32 in groups of four, as authenticator apps accept it typed by hand.
pub fn grouped_secret(secret: &[u8]) -> zeroize::Zeroizing<String> {
    let plain = zeroize::Zeroizing::new(data_encoding::BASE32_NOPAD.encode(secret));
    let mut text = zeroize::Zeroizing::new(String::with_capacity(plain.len() * 5 / 4));
    for (i, c) in plain.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            text.push(' ');
        }
        text.push(c);
    }
    text
}

/// The QR code of `text` as rows of modules (true: dark), for drawing it crisply at any size.
pub fn qr_modules(text: &str) -> Option<Vec<Vec<bool>>> {
    let code = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).ok()?;
    let size = code.size();
    Some((0..size).map(|y| (0..size).map(|x| code.get_module(x, y)).collect()).collect())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Check `code` at `time`; `last_step` is the step of the last accepted code. Returns the
/// step to store as the new last accepted one.
pub fn verify(
    secret: &[u8],
    algorithm: Algorithm,
    digits: u8,
    code: &str,
    time: u64,
    last_step: Option<u64>,
) -> Result<u64, TotpRefusal> {
    let totp = build(secret, algorithm, digits)?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let current = time / STEP_SECS;
    let mut matched = None;
    // Every candidate is computed and compared, so timing does not say which step matched.
    for step in current.saturating_sub(SKEW)..=current + SKEW {
        let candidate = totp.generate(step * STEP_SECS).to_string();
        if constant_time_eq(candidate.as_bytes(), code.as_bytes()) && matched.is_none() {
            matched = Some(step);
        }
    }
    let step = matched.ok_or(TotpRefusal::Wrong)?;
    if last_step.is_some_and(|last| step <= last) {
        return Err(TotpRefusal::Replayed);
    }
    Ok(step)
}

/// A provisioning URI (`otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…`). A ":" in the issuer
/// or account would break the label, so it becomes a space.
pub fn provisioning_uri(secret: &[u8], issuer: &str, account: &str) -> Result<String, TotpRefusal> {
    let clean = |text: &str| text.replace(':', " ").trim().to_owned();
    Builder::new()
        .with_secret(secret.to_vec())
        .with_step_duration(STEP_SECS)
        .with_account_name(clean(account))
        .with_issuer(Some(clean(issuer)))
        .build()
        .and_then(|t| t.to_url())
        .map_err(|e| TotpRefusal::BadSecret(e.to_string()))
}

/// The secret, algorithm and digits of an `otpauth://` URI (for Keyholder's own 30-second
/// enrolments; links from other tools go through [`parse_link`]).
pub fn parse_uri(uri: &str) -> Result<(Vec<u8>, Algorithm, u8), String> {
    parse_link(uri).map(|(secret, params)| (secret, params.algorithm, params.digits))
}

/// The secret and parameters of an `otpauth://` URI from another tool (period, digits and
/// algorithm honoured), with a clear error for bad or unsupported ones.
pub fn parse_link(uri: &str) -> Result<(Vec<u8>, TotpParams), String> {
    let totp = Totp::from_url(uri.trim()).map_err(|e| format!("not a usable otpauth:// URI: {e}"))?;
    let params = TotpParams { algorithm: totp.algorithm(), digits: totp.digits(), period: totp.step() }.checked()?;
    Ok((totp.secret().to_vec(), params))
}

/// A secret typed by hand as an authenticator app shows it: base 32, spaces and case ignored
/// (SHA-1, 6 digits, 30 s, as the apps assume).
pub fn parse_typed_secret(text: &str) -> Result<(Vec<u8>, TotpParams), String> {
    let clean: String = text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase();
    let clean = clean.trim_end_matches('=');
    let secret = data_encoding::BASE32_NOPAD
        .decode(clean.as_bytes())
        .map_err(|_| "the key is not base 32 (letters A-Z and digits 2-7), nor an otpauth:// link".to_owned())?;
    if secret.len() < 10 {
        return Err("the key is too short to be an authenticator secret (at least 16 characters)".into());
    }
    build(&secret, Algorithm::SHA1, DIGITS).map_err(|e| e.to_string())?;
    Ok((secret, TotpParams::APPS))
}

/// An `otpauth://` link, or a key typed by hand.
pub fn parse_uri_or_secret(text: &str) -> Result<(Vec<u8>, TotpParams), String> {
    if text.trim().starts_with("otpauth://") { parse_link(text) } else { parse_typed_secret(text) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED20: &[u8] = b"12345678901234567890";

    #[test]
    fn a_key_typed_by_hand_reads_like_its_uri() {
        let uri = "otpauth://totp/Supplier:admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Supplier";
        let typed = "gezd gnbv gy3t qojq gezd gnbv gy3t qojq";
        assert_eq!(parse_uri_or_secret(typed), parse_uri_or_secret(uri));
        assert_eq!(parse_uri_or_secret(typed).map(|s| s.0), Ok(SEED20.to_vec()));
        assert!(parse_uri_or_secret("not a key!").is_err());
        assert!(parse_uri_or_secret("ABCDEFGH").is_err(), "too short");
    }

    #[test]
    fn a_links_period_digits_and_algorithm_are_honoured_and_the_unsupported_refused() {
        let link = "otpauth://totp/X:y?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=60&digits=8&algorithm=SHA256";
        let (secret, params) = parse_link(link).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(params, TotpParams { algorithm: Algorithm::SHA256, digits: 8, period: 60 });
        // Same code for the whole 60-second step, a new one after it.
        let at = |t| code_with(&secret, params, t).unwrap_or_default();
        assert_eq!(at(1_800_000_020), at(1_800_000_059));
        assert_ne!(at(1_800_000_059), at(1_800_000_060));
        for bad in ["period=5", "period=3600", "digits=4", "digits=10"] {
            let link = format!("otpauth://totp/X:y?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&{bad}");
            assert!(parse_link(&link).is_err(), "{bad}");
        }
    }
    const SEED32: &[u8] = b"12345678901234567890123456789012";
    const SEED64: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    /// RFC 6238 Appendix B: every vector, through the same verification path the app uses.
    #[test]
    fn rfc_6238_appendix_b_vectors() {
        let vectors: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for (time, sha1, sha256, sha512) in vectors {
            for (seed, algorithm, expected) in [
                (SEED20, Algorithm::SHA1, sha1),
                (SEED32, Algorithm::SHA256, sha256),
                (SEED64, Algorithm::SHA512, sha512),
            ] {
                assert_eq!(code_at(seed, algorithm, 8, time).unwrap_or_default(), expected, "{algorithm:?} at {time}");
                assert_eq!(
                    verify(seed, algorithm, 8, expected, time, None),
                    Ok(time / STEP_SECS),
                    "{algorithm:?} at {time}"
                );
            }
        }
    }

    #[test]
    fn one_step_either_side_is_accepted_two_are_refused() {
        let now = 1_800_000_000;
        for offset in [-30_i64, 0, 30] {
            let code = code_at(SEED20, Algorithm::SHA1, 6, (now as i64 + offset) as u64).unwrap_or_default();
            assert!(verify(SEED20, Algorithm::SHA1, 6, &code, now, None).is_ok(), "offset {offset}");
        }
        for offset in [-60_i64, 60] {
            let code = code_at(SEED20, Algorithm::SHA1, 6, (now as i64 + offset) as u64).unwrap_or_default();
            assert_eq!(
                verify(SEED20, Algorithm::SHA1, 6, &code, now, None),
                Err(TotpRefusal::Wrong),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn a_code_is_accepted_once_and_earlier_steps_are_refused_after_a_later_one() {
        let now = 1_800_000_000;
        let code = code_at(SEED20, Algorithm::SHA1, 6, now).unwrap_or_default();
        let step = verify(SEED20, Algorithm::SHA1, 6, &code, now, None).unwrap_or(0);
        assert_eq!(verify(SEED20, Algorithm::SHA1, 6, &code, now, Some(step)), Err(TotpRefusal::Replayed));
        let earlier = code_at(SEED20, Algorithm::SHA1, 6, now - 30).unwrap_or_default();
        assert_eq!(verify(SEED20, Algorithm::SHA1, 6, &earlier, now, Some(step)), Err(TotpRefusal::Replayed));
    }

    #[test]
    fn uris_round_trip_and_bad_ones_are_errors_not_panics() {
        let uri = provisioning_uri(SEED20, "Keyholder: Office", "sam:carter@example.com").unwrap_or_default();
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        let (secret, algorithm, digits) = parse_uri(&uri).expect("our own URI parses");
        assert_eq!((secret.as_slice(), algorithm, digits), (SEED20, Algorithm::SHA1, 6));
        for bad in [
            "",
            "https://example.com",
            "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP",
            "otpauth://totp/x?secret=!!!",
            "otpauth://totp/x",
        ] {
            assert!(parse_uri(bad).is_err(), "{bad}");
        }
    }
}
