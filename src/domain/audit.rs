//! Audit records and their hash chain. Each record's hash covers its own fields and the hash of
//! the record before it, so editing or deleting any record breaks the chain from that point on.
//! Records carry summaries of what changed, never a secret, and name people as `staff #ID`.
//! What is personal about a person (a job title, an account name, a reason that names them)
//! goes in the record's *personal* part, stored encrypted under that person's own key: purging
//! the person destroys the key, the text becomes unreadable, and the chain still verifies
//! because it covers the encrypted bytes (crypto-shredding).

use jiff::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash before the first record.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// What happened, as a use case describes it before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// A stable machine name such as `operator.sign_in` or `setting.change`.
    pub action: String,
    /// One line for people.
    pub summary: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Personal details of one staff member: `(staff id, text)`, stored encrypted.
    pub personal: Option<(i64, String)>,
}

impl AuditEvent {
    pub fn new(action: &str, summary: impl Into<String>) -> Self {
        Self { action: action.to_owned(), summary: summary.into(), before: None, after: None, personal: None }
    }

    /// Attach details about staff member `staff` that must go when they are purged.
    pub fn with_personal(mut self, staff: i64, text: impl Into<String>) -> Self {
        self.personal = Some((staff, text.into()));
        self
    }

    pub fn with_change(mut self, before: Option<String>, after: Option<String>) -> Self {
        self.before = before;
        self.after = after;
        self
    }
}

/// A stored audit record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: Timestamp,
    /// The operator who acted; empty for events without a signed-in operator.
    pub operator: String,
    pub action: String,
    pub summary: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The staff member the personal part is about.
    pub personal_staff: Option<i64>,
    /// The personal part as stored (encrypted); covered by the hash.
    #[serde(skip)]
    pub personal_sealed: Option<Vec<u8>>,
    /// The personal part, decrypted; `None` when there is none or the person was purged.
    pub personal: Option<String>,
    #[serde(with = "hex::serde")]
    pub prev_hash: [u8; 32],
    #[serde(with = "hex::serde")]
    pub hash: [u8; 32],
}

/// The hash of one record given the one before it. Every field is length-prefixed so that no
/// two different records can produce the same input.
pub fn record_hash(prev_hash: &[u8; 32], seq: i64, at: Timestamp, operator: &str, event: &AuditEvent) -> [u8; 32] {
    record_hash_sealed(prev_hash, seq, at, operator, event, None)
}

/// [`record_hash`] of a record with an encrypted personal part `(staff id, sealed bytes)`.
/// Records without one hash exactly as before personal parts existed.
pub fn record_hash_sealed(
    prev_hash: &[u8; 32],
    seq: i64,
    at: Timestamp,
    operator: &str,
    event: &AuditEvent,
    sealed: Option<(i64, &[u8])>,
) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"keyholder-audit-v1");
    hasher.update(prev_hash);
    hasher.update(seq.to_be_bytes());
    hasher.update(at.as_nanosecond().to_be_bytes());
    for field in [
        Some(operator),
        Some(event.action.as_str()),
        Some(event.summary.as_str()),
        event.before.as_deref(),
        event.after.as_deref(),
    ] {
        match field {
            None => hasher.update([0_u8]),
            Some(text) => {
                hasher.update([1_u8]);
                hasher.update((text.len() as u64).to_be_bytes());
                hasher.update(text.as_bytes());
            }
        }
    }
    if let Some((staff, bytes)) = sealed {
        hasher.update(b"personal");
        hasher.update(staff.to_be_bytes());
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    }
    hasher.finalize().into()
}

impl AuditRecord {
    fn event(&self) -> AuditEvent {
        AuditEvent {
            action: self.action.clone(),
            summary: self.summary.clone(),
            before: self.before.clone(),
            after: self.after.clone(),
            personal: None,
        }
    }

    /// The hash this record should have given its fields.
    pub fn expected_hash(&self) -> [u8; 32] {
        let sealed = self.personal_staff.zip(self.personal_sealed.as_deref());
        record_hash_sealed(&self.prev_hash, self.seq, self.at, &self.operator, &self.event(), sealed)
    }

    /// The summary with the personal part, or a note that it was purged.
    pub fn full_summary(&self) -> String {
        match (&self.personal, self.personal_sealed.is_some()) {
            (Some(personal), _) => format!("{} — {personal}", self.summary),
            (None, true) => format!("{} — (personal details purged)", self.summary),
            (None, false) => self.summary.clone(),
        }
    }
}

/// A summary as a person reads it: each `staff #12` becomes the name `name_of` gives, or "a
/// former staff member" once their details were purged.
pub fn name_people(summary: &str, name_of: impl Fn(i64) -> Option<String>) -> String {
    const MARK: &str = "staff #";
    let mut out = String::with_capacity(summary.len());
    let mut rest = summary;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        let after = &rest[at + MARK.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match after[..digits].parse::<i64>() {
            Ok(id) => out.push_str(&name_of(id).unwrap_or_else(|| "a former staff member".to_owned())),
            Err(_) => out.push_str(MARK),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// Where a chain stops being trustworthy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("audit record {seq} was altered (its hash does not match its contents)")]
    Altered { seq: i64 },
    #[error("audit record {seq} does not follow the record before it (a record was removed or inserted)")]
    Unlinked { seq: i64 },
    #[error(
        "audit records are missing after record {last_seq} (expected {expected_count} records, found {found_count})"
    )]
    Truncated { last_seq: i64, expected_count: i64, found_count: i64 },
}

/// Walks records in order and checks every link. `expected_head` is the (count, last hash)
/// stored alongside, which catches records removed from the end.
pub fn verify_chain<'a>(
    records: impl IntoIterator<Item = &'a AuditRecord>,
    expected_head: (i64, [u8; 32]),
) -> Result<(), ChainBreak> {
    let mut prev = GENESIS_HASH;
    let mut count = 0_i64;
    let mut last_seq = 0;
    for record in records {
        if record.prev_hash != prev || record.seq != last_seq + 1 {
            return Err(ChainBreak::Unlinked { seq: record.seq });
        }
        if record.expected_hash() != record.hash {
            return Err(ChainBreak::Altered { seq: record.seq });
        }
        prev = record.hash;
        last_seq = record.seq;
        count += 1;
    }
    let (expected_count, expected_hash) = expected_head;
    if count != expected_count || prev != expected_hash {
        return Err(ChainBreak::Truncated { last_seq, expected_count, found_count: count });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS_HASH;
        (1..=n)
            .map(|seq| {
                let at = Timestamp::from_second(1_700_000_000 + seq).unwrap_or(Timestamp::UNIX_EPOCH);
                let event = AuditEvent::new("test.event", format!("event {seq}"));
                let hash = record_hash(&prev, seq, at, "ada", &event);
                let record = AuditRecord {
                    seq,
                    at,
                    operator: "ada".into(),
                    action: event.action,
                    summary: event.summary,
                    before: None,
                    after: None,
                    personal_staff: None,
                    personal_sealed: None,
                    personal: None,
                    prev_hash: prev,
                    hash,
                };
                prev = hash;
                record
            })
            .collect()
    }

    fn head(records: &[AuditRecord]) -> (i64, [u8; 32]) {
        (records.len() as i64, records.last().map_or(GENESIS_HASH, |r| r.hash))
    }

    #[test]
    fn an_intact_chain_verifies() {
        let records = chain(5);
        assert_eq!(verify_chain(&records, head(&records)), Ok(()));
        assert_eq!(verify_chain(&[], (0, GENESIS_HASH)), Ok(()));
    }

    #[test]
    fn an_edited_summary_is_found() {
        let mut records = chain(5);
        let expected = head(&records);
        records[2].summary = "nothing to see".into();
        assert_eq!(verify_chain(&records, expected), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn a_deleted_record_is_found() {
        let mut records = chain(5);
        let expected = head(&records);
        records.remove(1);
        assert_eq!(verify_chain(&records, expected), Err(ChainBreak::Unlinked { seq: 3 }));
    }

    #[test]
    fn a_cut_tail_is_found() {
        let mut records = chain(5);
        let expected = head(&records);
        records.truncate(3);
        assert!(matches!(verify_chain(&records, expected), Err(ChainBreak::Truncated { .. })));
    }

    #[test]
    fn fields_cannot_be_shifted_between_each_other() {
        let at = Timestamp::UNIX_EPOCH;
        let a = record_hash(&GENESIS_HASH, 1, at, "ab", &AuditEvent::new("c", "d"));
        let b = record_hash(&GENESIS_HASH, 1, at, "a", &AuditEvent::new("bc", "d"));
        assert_ne!(a, b);
    }

    #[test]
    fn people_are_named_in_a_summary_and_purged_ones_are_not() {
        let name_of = |id: i64| (id == 12).then(|| "Kim Lee".to_owned());
        assert_eq!(name_people("leaver staff #12 with last day", name_of), "leaver Kim Lee with last day");
        assert_eq!(name_people("staff #3 edited", name_of), "a former staff member edited");
        assert_eq!(name_people("access review #4 started", name_of), "access review #4 started");
        assert_eq!(name_people("staff #x", name_of), "staff #x");
    }
}
