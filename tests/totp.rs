//! Authenticators through the service: enrolment, verification with a frozen clock, each code
//! accepted once even after the vault is reopened, and shared accounts' codes.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{TestVault, actions, add_person};
use keyholder::domain::secret::SecretString;
use keyholder::domain::totp::{TotpRefusal, code_at, parse_uri};
use keyholder::service::{Record, ServiceError};

fn now_secs(vault: &TestVault) -> u64 {
    use keyholder::service::Clock;
    vault.clock.now().as_second() as u64
}

#[test]
fn a_staff_code_is_accepted_once_also_after_reopening_and_stale_codes_are_refused() {
    let (vault, mut office) = TestVault::open_new();
    add_person(&mut office, "Sam Carter", "sam@example.com", "");
    let (uri, png) = office.enrol_authenticator("sam@example.com").unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a QR code image");
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    let (secret, algorithm, digits) = parse_uri(&uri).unwrap();
    assert!(secret.len() >= 20, "at least 160 bits");

    let now = now_secs(&vault);
    let two_steps_ago = code_at(&secret, algorithm, digits, now - 60).unwrap();
    assert!(
        matches!(
            office.verify_staff_code("sam@example.com", &two_steps_ago),
            Err(ServiceError::CodeRefused { refusal: TotpRefusal::Wrong, .. })
        ),
        "two steps back is refused"
    );
    let code = code_at(&secret, algorithm, digits, now).unwrap();
    office.verify_staff_code("sam@example.com", &code).unwrap();
    let replay = office.verify_staff_code("sam@example.com", &code).unwrap_err();
    assert!(matches!(replay, ServiceError::CodeRefused { refusal: TotpRefusal::Replayed, .. }), "{replay}");
    drop(office);

    // After a restart the same code is still refused, and so is the one before it.
    let mut office = vault.sign_in();
    assert!(office.verify_staff_code("sam@example.com", &code).is_err());
    let earlier = code_at(&secret, algorithm, digits, now - 30).unwrap();
    assert!(office.verify_staff_code("sam@example.com", &earlier).is_err());
    vault.clock.advance(jiff::SignedDuration::from_secs(30));
    let next = code_at(&secret, algorithm, digits, now + 30).unwrap();
    office.verify_staff_code("sam@example.com", &next).unwrap();
    let actions = actions(&office);
    assert!(actions.contains(&"totp.refused".to_owned()) && actions.contains(&"totp.verify".to_owned()));
}

#[test]
fn a_shared_account_shows_its_current_code() {
    let (vault, mut office) = TestVault::open_new();
    office
        .add_system(keyholder::service::new_system("Portal", "shared_account", "user", "", false, true).unwrap())
        .unwrap();
    let value = SecretString::new("ribbon-canyon-violet-tractor-7");
    office.add_secret("Supplier portal", Some("Portal"), None, "admin", &value, None, None, &[]).unwrap();
    let uri = "otpauth://totp/Supplier:admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Supplier";
    assert!(office.set_secret_totp("Supplier portal", "otpauth://totp/x").is_err(), "a URI without a secret");
    office.set_secret_totp("Supplier portal", uri).unwrap();
    let (code, valid_for) = office.secret_totp_code("Supplier portal").unwrap();
    let expected = code_at(b"12345678901234567890", totp_rs::Algorithm::SHA1, 6, now_secs(&vault)).unwrap();
    assert_eq!(code, expected);
    assert!((1..=30).contains(&valid_for));
}

#[test]
fn a_leaver_with_an_authenticator_gets_an_item_that_removes_it() {
    let (_vault, mut office) = TestVault::open_new();
    add_person(&mut office, "Sam Carter", "sam@example.com", "");
    office.enrol_authenticator("sam@example.com").unwrap();
    office.start_leaver("sam@example.com", "2026-11-23").unwrap();
    let list = office.checklists_of("sam@example.com").unwrap().pop().unwrap();
    let item = list.items.iter().find(|i| i.title == "Remove their authenticator enrolment").expect("item");
    office.complete_item(item.id).unwrap();
    let refused = office.verify_staff_code("sam@example.com", "123456").unwrap_err();
    assert!(matches!(refused, ServiceError::NotFound { what: Record::Authenticator, .. }), "{refused}");
}
