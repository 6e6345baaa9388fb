//! The evidence pack of a populated office (the demo, plus an authenticator and an incident):
//! each expected file is there, owner-only; the manifest verifies, one changed byte makes
//! `evidence verify` fail naming the file (and an added file too); and no secret value or
//! authenticator key is anywhere in the pack, PDFs read inside.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;

use common::TestVault;
use std::path::{Path, PathBuf};

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() { found.extend(files_below(&path)) } else { found.push(path) }
    }
    found
}

#[test]
fn the_pack_holds_every_expected_file_verifies_and_holds_no_secret() {
    let (vault, mut office) = TestVault::open_new();
    office.populate_demo(30).unwrap();
    let someone = office.directory().unwrap().staff[5].email.clone();
    let (uri, _) = office.enrol_authenticator(&someone).unwrap();
    let totp_key = uri.split("secret=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let mut secrets: Vec<String> = vec![totp_key];
    for status in office.secret_statuses().unwrap() {
        secrets.push(office.reveal_secret(&status.secret.name, "test").unwrap().expose().to_owned());
    }
    assert!(secrets.len() >= 4 && secrets.iter().all(|s| s.len() >= 16));

    let today = office.today();
    let from = today.checked_sub(jiff::ToSpan::days(90)).unwrap();
    let out = vault.dir.path().join("pack");
    let pack = office.write_evidence_pack(from, today, &out).unwrap();
    let names: Vec<String> =
        files_below(&out).iter().map(|p| p.strip_prefix(&out).unwrap().to_string_lossy().into_owned()).collect();
    for expected in [
        "index.html",
        "index.pdf",
        "manifest.json",
        "access/access-matrix.csv",
        "access/access-list.csv",
        "access/mfa-coverage.csv",
        "registers/policies.csv",
        "registers/training.csv",
        "registers/incidents.csv",
        "audit/audit-log.csv",
        "audit/audit-log.json",
        "audit/verification.txt",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
    assert!(names.iter().any(|n| n.starts_with("leavers/") && n.ends_with(".pdf")), "the demo's leaver: {names:?}");
    assert_eq!(pack.files, names.len());
    let summary: Vec<&str> = pack.summary.iter().map(|(k, _)| k.as_str()).collect();
    assert!(summary.contains(&"Incidents in the period (1)"), "{summary:?}");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<h2>Summary</h2>") && !html.contains("Laptop"), "no titles in the summary");
    assert!(std::fs::read_to_string(out.join("audit/verification.txt")).unwrap().contains("verified intact"));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in files_below(&out) {
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o077, 0, "{}", file.display());
        }
        assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o077, 0);
    }

    // No secret anywhere, the PDFs read inside too.
    for file in files_below(&out) {
        let bytes = std::fs::read(&file).unwrap();
        let text = if file.extension().is_some_and(|e| e == "pdf") {
            common::pdf_text(&bytes)
        } else {
            String::from_utf8_lossy(&bytes).into_owned()
        };
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "a secret in {}", file.display());
        }
    }

    // As written, it verifies; one byte changed, and it names the file.
    assert_eq!(keyholder::service::verify_evidence_pack(&out).unwrap(), Vec::<String>::new());
    drop(office);
    let run = |args: &[&str]| common::keyholder(&vault, args);
    let ok = run(&["evidence", "verify", out.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let target = out.join("registers/incidents.csv");
    let mut bytes = std::fs::read(&target).unwrap();
    bytes[3] ^= 0x01;
    std::fs::write(&target, bytes).unwrap();
    std::fs::write(out.join("extra.txt"), "slipped in").unwrap();
    let refused = run(&["evidence", "verify", out.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(said.contains("registers/incidents.csv: changed since the pack was written"), "{said}");
    assert!(said.contains("extra.txt: added after the pack was written"), "{said}");

    // A second pack into the same folder is refused; the CLI writes one elsewhere.
    let again =
        run(&["evidence", "--from", &from.to_string(), "--to", &today.to_string(), "--out", out.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists and is not empty"));
    let other = vault.dir.path().join("pack2");
    let written =
        run(&["evidence", "--from", &from.to_string(), "--to", &today.to_string(), "--out", other.to_str().unwrap()]);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    assert!(run(&["evidence", "verify", other.to_str().unwrap()]).status.success());
}
