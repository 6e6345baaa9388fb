//! Operators' two-step sign-in through the service, with a frozen clock: enabling needs a
//! first code, sign-in asks for a code after the password, wrong and replayed codes are refused,
//! audited and slow the next attempt, recovery codes work once, and turning it off needs a code.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{OPERATOR, PASSWORD, TestVault, actions, add_person, code_at_clock};
use keyholder::domain::secret::SecretString;
use keyholder::domain::totp::{TotpRefusal, parse_uri};
use keyholder::service::{Office, ServiceError, ServiceResult, SignIn, SignInMethod};
use keyholder::vault::VaultError;

/// The code the operator's phone shows `offset` seconds from now.
fn phone(vault: &TestVault, secret: &[u8], offset: i64) -> String {
    code_at_clock(&vault.clock, secret, offset)
}

fn sign_in_with(vault: &TestVault, code: Option<&str>) -> ServiceResult<Office> {
    let password = SecretString::new(PASSWORD);
    let code = code.map(SecretString::new);
    Office::sign_in(
        &vault.path,
        SignIn { operator: Some(OPERATOR), method: SignInMethod::Password(&password), second_factor: code.as_ref() },
        vault.clock(),
    )
}

/// A vault whose operator has two-step sign-in on; returns the secret and the recovery codes.
fn enabled() -> (TestVault, Vec<u8>, Vec<String>) {
    let (vault, mut office) = TestVault::open_new();
    let setup = office.begin_operator_totp().unwrap();
    assert!(setup.uri.starts_with("otpauth://totp/"), "{}", setup.uri.as_str());
    assert!(setup.qr_png.starts_with(b"\x89PNG"));
    let (secret, _, _) = parse_uri(&setup.uri).unwrap();
    assert_eq!(setup.secret_text.replace(' ', ""), data_encoding::BASE32_NOPAD.encode(&secret));
    assert!(office.confirm_operator_totp("000000").is_err(), "a wrong first code does not enable it");
    assert!(office.operator_totp_status().unwrap().enabled_at.is_none());
    let codes = office.confirm_operator_totp(&phone(&vault, &secret, -30)).unwrap();
    let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    assert_eq!(codes.len(), 10);
    let status = office.operator_totp_status().unwrap();
    assert!(status.enabled_at.is_some());
    assert_eq!(status.recovery_codes_left, 10);
    (vault, secret, codes)
}

#[test]
fn sign_in_needs_a_fresh_code_after_the_password() {
    let (vault, secret, _) = enabled();
    assert!(matches!(sign_in_with(&vault, None), Err(ServiceError::SecondFactorRequired)));
    let wrong = sign_in_with(&vault, Some("123456")).unwrap_err();
    assert!(matches!(wrong, ServiceError::SecondFactorRefused(_)), "{wrong}");
    // The code that confirmed the setup was for the step before; it and older codes are spent.
    let replayed = sign_in_with(&vault, Some(&phone(&vault, &secret, -30))).unwrap_err();
    assert!(replayed.to_string().contains("already used"), "{replayed}");
    let office = sign_in_with(&vault, Some(&phone(&vault, &secret, 0))).unwrap();
    let actions = actions(&office);
    assert_eq!(actions.iter().filter(|a| *a == "operator.second_factor_refused").count(), 2, "{actions:?}");
    assert!(actions.contains(&"operator.sign_in_failed".to_owned()), "refusals also counted as failed sign-ins");
    drop(office);
    // After a restart the code just used is still spent.
    let spent = sign_in_with(&vault, Some(&phone(&vault, &secret, 0))).unwrap_err();
    assert!(spent.to_string().contains("already used"), "{spent}");
}

#[test]
fn wrong_codes_count_toward_the_sign_in_delay() {
    let (vault, secret, _) = enabled();
    for _ in 0..3 {
        assert!(matches!(sign_in_with(&vault, Some("000000")), Err(ServiceError::SecondFactorRefused(_))));
    }
    let waiting = sign_in_with(&vault, Some(&phone(&vault, &secret, 0))).unwrap_err();
    assert!(matches!(waiting, ServiceError::Vault(VaultError::TooManyAttempts { .. })), "{waiting}");
    vault.clock.advance(jiff::SignedDuration::from_secs(6));
    sign_in_with(&vault, Some(&phone(&vault, &secret, 0))).unwrap();
}

#[test]
fn a_recovery_code_works_once() {
    let (vault, _, codes) = enabled();
    let typed = codes[3].to_lowercase().replace('-', " ");
    let office = sign_in_with(&vault, Some(&typed)).unwrap();
    assert_eq!(office.operator_totp_status().unwrap().recovery_codes_left, 9);
    let actions = actions(&office);
    assert!(actions.contains(&"operator.recovery_code_used".to_owned()));
    drop(office);
    let again = sign_in_with(&vault, Some(&codes[3])).unwrap_err();
    assert!(again.to_string().contains("already used"), "{again}");
    sign_in_with(&vault, Some(&codes[4])).unwrap();
}

#[test]
fn turning_it_off_needs_a_current_code() {
    let (vault, secret, _) = enabled();
    let mut office = sign_in_with(&vault, Some(&phone(&vault, &secret, 0))).unwrap();
    assert!(matches!(office.begin_operator_totp(), Err(ServiceError::RefusedByState(_))), "already on");
    assert!(matches!(
        office.disable_operator_totp("000000"),
        Err(ServiceError::CodeRefused { refusal: TotpRefusal::Wrong, .. })
    ));
    assert!(
        matches!(
            office.disable_operator_totp(&phone(&vault, &secret, -30)),
            Err(ServiceError::CodeRefused { refusal: TotpRefusal::Replayed, .. })
        ),
        "a spent code"
    );
    // The code that signed this session in proves the phone as well as a new one.
    office.disable_operator_totp(&phone(&vault, &secret, 0)).unwrap();
    drop(office);
    sign_in_with(&vault, None).unwrap();
}

#[test]
fn qr_images_decode_back_to_the_same_uri() {
    let (vault, mut office) = TestVault::open_new();
    add_person(&mut office, "Sam Carter", "sam@example.com", "");
    let (uri, png) = office.enrol_authenticator("sam@example.com").unwrap();
    let file = vault.dir.path().join("sam.png");
    std::fs::write(&file, &png).unwrap();
    assert_eq!(keyholder::service::read_qr_image(&file).unwrap().as_str(), uri);

    let setup = office.begin_operator_totp().unwrap();
    std::fs::write(&file, &setup.qr_png).unwrap();
    assert_eq!(keyholder::service::read_qr_image(&file).unwrap().as_str(), setup.uri.as_str());

    std::fs::write(&file, b"not a picture").unwrap();
    let error = keyholder::service::read_qr_image(&file).unwrap_err();
    assert!(error.to_string().contains("cannot read"), "{error}");
}
