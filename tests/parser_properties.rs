//! Property-based tests of the parsers that read files an attacker can write: the key file,
//! the backup file and the sign-in attempts journal. None may panic on any input, and a valid
//! file changed anywhere must be refused or read back without opening with a wrong secret.
//! Cases per property: proptest's default (256), or `PROPTEST_CASES=N` for a long run.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

use keyholder::domain::operator::OperatorName;
use keyholder::vault::attempts::AttemptsFile;
use keyholder::vault::backup;
use keyholder::vault::crypto::{DataKey, KdfParams};
use keyholder::vault::slots::SlotFile;
use proptest::prelude::*;
use std::sync::OnceLock;

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
            prop_assert!(file == original || !file.problems(&key).unwrap().is_empty());
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
