//! Property-based tests of the parsers that read what an attacker or a careless export can
//! write: the key file, the backup file, the sign-in attempts journal, staff CSV files and
//! `otpauth://` links. None may panic on any input; a valid file changed anywhere must be
//! refused or noticed; text survives CSV quoting; one address in two Unicode forms is one.
//! Cases per property: proptest's default (256), or `PROPTEST_CASES=N` for a long run.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

use keyholder::domain::operator::OperatorName;
use keyholder::domain::staff::StaffStatus;
use keyholder::domain::staff_csv::plan_import;
use keyholder::domain::totp::{TotpParams, parse_link};
use keyholder::vault::attempts::AttemptsFile;
use keyholder::vault::backup;
use keyholder::vault::crypto::{DataKey, KdfParams};
use keyholder::vault::slots::SlotFile;
use proptest::prelude::*;
use std::collections::HashSet;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// One real key file (deriving keys is slow, so it is made once).
fn sample_key_file() -> &'static (Vec<u8>, [u8; 32]) {
    static SAMPLE: OnceLock<(Vec<u8>, [u8; 32])> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let key = DataKey::random().unwrap();
        let mut file = SlotFile::new().unwrap();
        file.set_password(&key, &OperatorName::parse("Ada").unwrap(), b"pw", KdfParams::FLOOR).unwrap();
        file.set_recovery(&key, b"recovery", KdfParams::FLOOR).unwrap();
        file.authenticate(&key).unwrap();
        (file.to_bytes().unwrap(), *key.bytes())
    })
}

fn backup_bytes(slots: &[u8], database: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    let header = serde_json::json!({
        "created_at": "2026-11-29T00:00:00Z",
        "slots": serde_json::from_slice::<serde_json::Value>(slots).unwrap(),
        "database_len": database.len(),
        "database_sha256": hex::encode(sha2::Sha256::digest(database)),
    });
    let mut bytes = b"KEYHOLDER-BACKUP 1\n".to_vec();
    bytes.extend(serde_json::to_vec(&header).unwrap());
    bytes.push(b'\n');
    bytes.extend_from_slice(database);
    bytes
}

proptest! {
    #[test]
    fn the_key_file_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = SlotFile::parse(&bytes);
    }

    #[test]
    fn a_key_file_changed_in_one_byte_is_refused_or_noticed(position in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let (bytes, key) = sample_key_file();
        let mut changed = bytes.clone();
        let at = position.index(changed.len());
        prop_assume!(changed[at] != byte);
        changed[at] = byte;
        if let Ok(file) = SlotFile::parse(&changed) {
            // Read as JSON it may still mean the same (white space); otherwise the MACs say so.
            let original = SlotFile::parse(bytes).unwrap();
            let key = DataKey::from_slice(key).unwrap();
            let near = String::from_utf8_lossy(&bytes[at.saturating_sub(20)..(at + 20).min(bytes.len())]).into_owned();
            prop_assert!(file == original || !file.problems(&key).unwrap().is_empty(), "changed near {:?}", near);
        }
    }

    #[test]
    fn the_backup_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = backup::parse(&bytes);
    }

    #[test]
    fn a_backup_cut_or_changed_anywhere_is_refused(database in proptest::collection::vec(any::<u8>(), 1..512), cut in any::<prop::sample::Index>(), flip in any::<prop::sample::Index>()) {
        let whole = backup_bytes(&sample_key_file().0, &database);
        prop_assert!(backup::parse(&whole).is_ok());
        let cut_at = cut.index(whole.len());
        prop_assert!(backup::parse(&whole[..cut_at]).is_err());
        // A flipped byte in the database part fails its checksum.
        let mut changed = whole.clone();
        let header_end = whole.len() - database.len();
        let at = header_end + flip.index(database.len());
        changed[at] ^= 0x01;
        prop_assert!(backup::parse(&changed).is_err());
    }

    #[test]
    fn the_attempts_journal_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = AttemptsFile::parse(&bytes);
    }

    #[test]
    fn a_journal_that_parses_has_bounded_names_and_logs(names in proptest::collection::btree_map("[a-z]{1,8}", 0_usize..150, 0..40)) {
        let by_name: serde_json::Map<String, serde_json::Value> = names
            .iter()
            .map(|(name, log)| {
                let times: Vec<&str> = std::iter::repeat_n("2026-11-29T00:00:00Z", *log).collect();
                (name.clone(), serde_json::json!({"count": log, "last": null, "log": times}))
            })
            .collect();
        let bytes = serde_json::to_vec(&serde_json::json!({ "by_name": by_name })).unwrap();
        match AttemptsFile::parse(&bytes) {
            Some(file) => prop_assert!(file.by_name.values().all(|f| f.log.len() <= 100)),
            None => prop_assert!(names.values().any(|log| *log > 100)),
        }
    }
}

fn csv_of(rows: &[(String, String)]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["name", "email"]).unwrap();
    for (name, email) in rows {
        writer.write_record([name, email]).unwrap();
    }
    writer.into_inner().unwrap()
}

proptest! {
    #[test]
    fn the_csv_importer_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = plan_import(&bytes, &HashSet::new(), StaffStatus::Active);
    }

    #[test]
    fn names_survive_csv_quoting(name in "[a-zA-Z0-9 ,\"'éøñ\n]{1,40}") {
        prop_assume!(!name.trim().is_empty() && !name.trim().contains('\n'));
        let plan = plan_import(&csv_of(&[(name.clone(), "a@example.com".into())]), &HashSet::new(), StaffStatus::Active).unwrap();
        prop_assert_eq!(plan.valid.len(), 1, "{:?}", plan.problems);
        prop_assert_eq!(&plan.valid[0].1.full_name, &name.trim().nfc().collect::<String>());
    }

    #[test]
    fn one_address_in_two_unicode_forms_is_one_person(local in "[a-z]{1,6}[éèüñçå][a-z]{0,6}") {
        let composed: String = format!("{local}@example.com").nfc().collect();
        let decomposed: String = composed.nfd().collect();
        prop_assume!(composed != decomposed);
        let rows = [("One".to_owned(), composed), ("Two".to_owned(), decomposed)];
        let plan = plan_import(&csv_of(&rows), &HashSet::new(), StaffStatus::Active).unwrap();
        prop_assert_eq!(plan.valid.len(), 1);
        prop_assert!(plan.problems.iter().any(|p| p.reason.contains("duplicate email")));
    }

    #[test]
    fn the_otpauth_parser_never_panics(text in "otpauth://[ -~]{0,200}") {
        let _ = parse_link(&text);
    }

    #[test]
    fn an_otpauth_link_is_read_as_it_says_or_refused(
        secret in proptest::collection::vec(any::<u8>(), 16..40),
        algorithm in prop::sample::select(vec!["SHA1", "SHA256", "SHA512", "MD5"]),
        digits in 4_u8..11,
        period in 1_u64..700,
    ) {
        let encoded = data_encoding::BASE32_NOPAD.encode(&secret);
        let link = format!("otpauth://totp/X:y?secret={encoded}&algorithm={algorithm}&digits={digits}&period={period}");
        let supported = algorithm != "MD5" && TotpParams::DIGIT_RANGE.contains(&digits) && TotpParams::PERIODS.contains(&period);
        match parse_link(&link) {
            Ok((parsed, params)) => {
                prop_assert!(supported, "{link} was accepted");
                prop_assert_eq!(parsed, secret);
                prop_assert_eq!((params.digits, params.period), (digits, period));
            }
            Err(_) => prop_assert!(!supported, "{link} was refused"),
        }
    }
}
