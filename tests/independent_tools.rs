//! What Keyholder makes, checked by independent programs rather than by itself:
//! - a shared account's codes against `oathtool` (Debian's oath-toolkit), for every period,
//!   digit count and algorithm Keyholder accepts from a link, at several moments of a frozen
//!   clock;
//! - the PDF reports (written by Keyholder's own PDF writer) against `qpdf --check` (structure,
//!   cross-reference table, compressed streams) and poppler's `pdfinfo` and `pdftotext` (the
//!   pages and the words a reader shows).
//!
//! `#[ignore]`d because they need those programs installed; `.ci/run` installs them
//! (scripts/install-gui-deps.sh) and runs this file with `--ignored`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{TestVault, add_person};
use keyholder::domain::secret::SecretString;
use keyholder::service::{Clock, NewReview, new_system};
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

/// Run `program` with `args`; its standard output, or a failure that says what it printed.
fn run(program: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is installed (apt-get install qpdf poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{program}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `qpdf --check` finds nothing wrong; returns the text poppler reads and its page count.
fn read_pdf(path: &std::path::Path) -> (String, usize) {
    let check = run("qpdf", &["--check".as_ref(), path.as_os_str()]);
    assert!(check.contains("No syntax or stream encoding errors found"), "{check}");
    let info = run("pdfinfo", &[path.as_os_str()]);
    let pages = info
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo gives a page count: {info}"));
    let text = run("pdftotext", &["-layout".as_ref(), path.as_os_str(), "-".as_ref()]);
    (text, pages)
}

#[test]
#[ignore = "needs qpdf and poppler-utils; run by .ci/run"]
fn review_evidence_and_leaver_report_pdfs_are_read_by_qpdf_and_poppler() {
    let (vault, mut office) = TestVault::open_new();
    office.add_system(new_system("CRM", "software", "user,admin", "admin", true, true).unwrap()).unwrap();
    office.add_system(new_system("Email", "software", "user", "", false, true).unwrap()).unwrap();
    office.add_role("Sales", &["CRM:user".into(), "Email:user".into()]).unwrap();
    // Enough people for several pages, and names beyond ASCII that the built-in fonts show.
    add_person(&mut office, "Zoë Müller-Łukasz (Zoe)", "zoe@example.com", "Sales");
    office.assign_role("Sales", "zoe@example.com").unwrap();
    for n in 0..60 {
        let email = format!("person{n}@example.com");
        add_person(&mut office, &format!("Person Number {n}"), &email, "Sales");
        office.assign_role("Sales", &email).unwrap();
    }
    let id = office.start_review(&NewReview { scope: "all", ..Default::default() }).unwrap();
    for item in office.review_items(id).unwrap() {
        office.decide_review_items(&[item.id], "keep", "still needed for their job (checked)").unwrap();
    }
    assert_eq!(office.sign_off_review(id).unwrap(), 0);
    let pdf = vault.dir.path().join("review.pdf");
    office.export_review(id, &pdf, &vault.dir.path().join("review.csv")).unwrap();
    let (text, pages) = read_pdf(&pdf);
    assert!(pages >= 2, "122 items take more than one page: {pages}");
    // The built-in fonts have Latin-1 only: letters beyond it show as '?' (a known limit).
    assert!(text.contains("Zoë Müller-?ukasz"), "{text}");
    assert!(text.contains("Person Number 59"), "the last person is on a page");
    assert!(text.contains("their job (checked)"), "comments with brackets survive escaping");

    office.start_leaver("zoe@example.com", "2026-11-23").unwrap();
    let report = office.leaver_report_pdf("zoe@example.com").unwrap();
    let path = vault.dir.path().join("leaver.pdf");
    std::fs::write(&path, report).unwrap();
    let (text, pages) = read_pdf(&path);
    assert_eq!(pages, 1);
    assert!(text.contains("Zoë Müller"), "{text}");
}
