//! A shared account's codes against an independent implementation, `oathtool` (Debian's
//! oath-toolkit), for every period, digit count and algorithm Keyholder accepts from a link,
//! at several moments of a frozen clock. `#[ignore]`d because it needs oathtool installed;
//! `.ci/run` installs it and runs this with `--ignored`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::TestVault;
use keyholder::domain::secret::SecretString;
use keyholder::service::Clock;
use std::process::Command;

const SECRET_BASE32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn oathtool(algorithm: &str, digits: u8, period: u64, at: i64) -> String {
    let out = Command::new("oathtool")
        .arg(format!("--totp={algorithm}"))
        .args(["-d", &digits.to_string(), "-s", &format!("{period}s"), "-b", SECRET_BASE32])
        .arg("-N")
        .arg(format!("@{at}"))
        .output()
        .expect("oathtool is installed (apt-get install oathtool)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
#[ignore = "needs oathtool; run by .ci/run"]
fn shared_account_codes_match_oathtool_for_every_supported_period_digits_and_algorithm() {
    let (vault, mut office) = TestVault::open_new();
    office
        .add_system(keyholder::service::new_system("Portal", "shared_account", "user", "", false, true).unwrap())
        .unwrap();
    let value = SecretString::new("ribbon-canyon-violet-tractor-7");
    office.add_secret("Portal admin", Some("Portal"), None, "admin", &value, None, None, &[]).unwrap();
    let mut checked = 0;
    for algorithm in ["SHA1", "SHA256", "SHA512"] {
        for digits in [6_u8, 7, 8] {
            for period in [15_u64, 30, 60, 90, 300] {
                let link = format!(
                    "otpauth://totp/Portal:admin?secret={SECRET_BASE32}&algorithm={algorithm}&digits={digits}&period={period}"
                );
                office.set_secret_totp("Portal admin", &link).unwrap_or_else(|e| panic!("{link}: {e}"));
                for step_offset in [0_i64, 7, 299, 1000] {
                    vault.clock.set(common::start_time());
                    vault.clock.advance(jiff::SignedDuration::from_secs(step_offset));
                    let at = vault.clock.now().as_second();
                    let (code, valid_for) = office.secret_totp_code("Portal admin").unwrap();
                    assert_eq!(code, oathtool(&algorithm.to_lowercase(), digits, period, at), "{link} at {at}");
                    assert!((1..=period).contains(&valid_for));
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 3 * 3 * 5 * 4);
    for unsupported in ["period=5", "period=600", "digits=5", "digits=9", "algorithm=MD5"] {
        let link = format!("otpauth://totp/Portal:admin?secret={SECRET_BASE32}&{unsupported}");
        let refused = office.set_secret_totp("Portal admin", &link);
        assert!(refused.is_err(), "{unsupported} must be refused, not shown with wrong codes");
    }
}
