//! Shared secrets: adding, revealing (audited), rotating (history kept and bounded, leaver items
//! completed), compromise, the password policy and generator. Who could know one is in
//! `secret_holders`.

use super::lookup::system_named;
use super::{Office, Record, Rule, ServiceError, ServiceResult};
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::{ItemKind, ItemState, Process};
use crate::domain::generator::{self, CharSets};
use crate::domain::password;
use crate::domain::secret::SecretString;
use crate::domain::shared_secret::{DueReason, SharedSecret, due_reasons, outstanding};
use crate::domain::staff::parse_date;
use crate::domain::system::SystemKind;
use crate::vault::secrets::{self as store, NewSecret};
use crate::vault::{checklists, settings};
use jiff::civil::Date;
use serde::Serialize;

const WORDS: &str = include_str!("../../assets/wordlist.txt");
const HISTORY_KEY: &str = "secret_history_versions";
const MIN_LENGTH_KEY: &str = "password_min_length";
pub const DEFAULT_HISTORY_VERSIONS: usize = 5;

fn invalid(text: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(text.into())
}

/// A uniform random number below `n` from the operating system's generator.
fn pick(n: usize) -> usize {
    if n <= 1 {
        return 0;
    }
    let bound = n as u64;
    let zone = u64::MAX - (u64::MAX % bound);
    loop {
        let mut bytes = [0_u8; 8];
        if getrandom::fill(&mut bytes).is_err() {
            continue;
        }
        let value = u64::from_le_bytes(bytes);
        if value < zone {
            return (value % bound) as usize;
        }
    }
}

pub use crate::domain::password::is_common_password;

/// A random password (`length` characters from `sets`).
pub fn generate_password(length: usize, sets: CharSets) -> ServiceResult<SecretString> {
    generator::password(length, sets, &mut pick).map(SecretString::new).map_err(invalid)
}

/// A random passphrase of `words` words from the shipped word list.
pub fn generate_passphrase(words: usize) -> ServiceResult<SecretString> {
    let list: Vec<&str> = WORDS.lines().filter(|w| !w.is_empty()).collect();
    generator::passphrase(words, &list, "-", &mut pick).map(SecretString::new).map_err(invalid)
}

fn check_interval(interval_days: Option<i64>) -> ServiceResult<()> {
    if interval_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        return Err(invalid("the rotation interval must be 1–3650 days"));
    }
    Ok(())
}

/// "90 days", "none": an interval in an audit record.
fn interval_words(interval_days: Option<i64>) -> String {
    interval_days.map_or("none".to_owned(), |d| format!("{d} days"))
}

/// A secret with why and when it must change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretStatus {
    pub secret: SharedSecret,
    pub system: Option<String>,
    pub reasons: Vec<DueReason>,
    pub described: Vec<String>,
}

impl SecretStatus {
    pub fn due(&self) -> Option<Date> {
        self.reasons.first().map(DueReason::due_date)
    }
}

impl Office {
    fn history_versions(&self) -> ServiceResult<usize> {
        Ok(settings::get(&self.vault().read(), HISTORY_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_HISTORY_VERSIONS))
    }

    /// The office's minimum password length (default 16).
    pub fn password_min_length(&self) -> ServiceResult<usize> {
        Ok(settings::get(&self.vault().read(), MIN_LENGTH_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(crate::domain::password::MIN_LENGTH))
    }

    /// Apply the office policy to a shared secret's value. Codes for physical things (alarm,
    /// safe) are exempt from the length rule, not from the blocklist.
    fn check_secret_value(&self, value: &SecretString, kind: Option<SystemKind>) -> ServiceResult<()> {
        let strength = password::assess_shared(value.expose(), &[], self.shared_secret_policy(kind)?);
        match strength.problem {
            Some(problem) => Err(ServiceError::policy(Rule::SharedSecretStrength, problem)),
            None => Ok(()),
        }
    }

    /// The policy a shared secret's value is checked (and its meter drawn) against.
    pub fn shared_secret_policy(&self, kind: Option<SystemKind>) -> ServiceResult<password::SharedSecretPolicy> {
        Ok(password::SharedSecretPolicy {
            min_length: self.password_min_length()?,
            physical: kind == Some(SystemKind::Physical),
        })
    }

    pub(super) fn find_secret(&self, name: &str) -> ServiceResult<SharedSecret> {
        store::all(&self.vault().read())?
            .into_iter()
            .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| ServiceError::not_found(Record::SharedSecret, format!("called {}", name.trim())))
    }

    /// Add a shared secret. `level` narrows who could know it to one level of the system.
    #[allow(clippy::too_many_arguments)]
    pub fn add_secret(
        &mut self,
        name: &str,
        system: Option<&str>,
        level: Option<&str>,
        username: &str,
        value: &SecretString,
        interval_days: Option<i64>,
        last_rotated: Option<&str>,
        holders: &[String],
    ) -> ServiceResult<i64> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(invalid("a secret's name must be 1–100 characters"));
        }
        if store::all(&self.vault().read())?.iter().any(|s| s.name.eq_ignore_ascii_case(name)) {
            return Err(ServiceError::conflict(format!("there is already a secret called {name}")));
        }
        let directory = self.directory()?;
        let system = system.map(|s| system_named(&directory, s)).transpose()?;
        let level_id =
            match (system, level) {
                (Some(system), Some(level)) => Some(system.level(level).map(|l| l.id).ok_or_else(|| {
                    ServiceError::not_found(Record::AccessLevel, format!("{level} in {}", system.name))
                })?),
                (None, Some(_)) => return Err(invalid("a level needs --system")),
                _ => None,
            };
        self.check_secret_value(value, system.map(|s| s.kind))?;
        check_interval(interval_days)?;
        let last_rotated =
            last_rotated.map(parse_date).transpose().map_err(|e| invalid(e.to_string()))?.unwrap_or(self.today());
        let holder_ids = holders
            .iter()
            .map(|email| {
                directory.person_by_email(email).map(|p| p.id).ok_or_else(|| {
                    ServiceError::not_found(Record::StaffMember, format!("with email {email} (a holder)"))
                })
            })
            .collect::<ServiceResult<Vec<_>>>()?;
        let system_id = system.map(|s| s.id);
        let after = format!(
            "system={} interval={} last_rotated={last_rotated} holders={}",
            system.map_or("none", |s| s.name.as_str()),
            interval_words(interval_days),
            holder_ids.len()
        );
        let event = AuditEvent::new("secret.add", format!("shared secret {name} added")).with_change(None, Some(after));
        let secret =
            NewSecret { name, system_id, level_id, username, value, interval_days, last_rotated, holders: &holder_ids };
        self.record(event, |tx| store::insert(tx, &secret))
    }

    /// Every secret with its due reasons, most urgent first.
    pub fn secret_statuses(&self) -> ServiceResult<Vec<SecretStatus>> {
        self.secret_statuses_in(&self.directory()?)
    }

    /// As [`Office::secret_statuses`], with the office record already loaded.
    pub fn secret_statuses_in(&self, directory: &crate::domain::access::Directory) -> ServiceResult<Vec<SecretStatus>> {
        let read = &self.vault().read();
        let exposures = store::exposures(read)?;
        // A leaver whose checklist skipped the rotation (with its reason) no longer makes it due.
        let skipped = checklists::skipped_rotations(read)?;
        let today = self.today();
        let mut statuses: Vec<SecretStatus> = store::all(read)?
            .into_iter()
            .map(|secret| {
                let exposed = exposures.get(&secret.id).map_or(&[][..], Vec::as_slice);
                let reasons = due_reasons(&secret, &outstanding(secret.id, exposed, &skipped), today);
                let described = reasons.iter().map(|r| r.describe(directory, today)).collect();
                let system = secret.system_id.and_then(|s| directory.system(s)).map(|s| s.name.clone());
                SecretStatus { secret, system, reasons, described }
            })
            .collect();
        statuses.sort_by_key(|s| (s.due().is_none(), s.due(), s.secret.name.to_lowercase()));
        Ok(statuses)
    }

    /// The value, for showing or copying; each call is audited.
    pub fn reveal_secret(&mut self, name: &str, purpose: &str) -> ServiceResult<SecretString> {
        let secret = self.find_secret(name)?;
        let value = store::value(&self.vault().read(), secret.id)?.ok_or_else(|| invalid("the secret has no value"))?;
        let event = AuditEvent::new("secret.reveal", format!("shared secret {} {purpose}", secret.name));
        self.record(event, |_| Ok(()))?;
        Ok(value)
    }

    /// Record a new value: the old one moves to history, the clock restarts, and any leaver
    /// item asking for this rotation is completed.
    pub fn rotate_secret(&mut self, name: &str, new_value: &SecretString) -> ServiceResult<usize> {
        let secret = self.find_secret(name)?;
        let directory = self.directory()?;
        let kind = secret.system_id.and_then(|s| directory.system(s)).map(|s| s.kind);
        self.check_secret_value(new_value, kind)?;
        let read = &self.vault().read();
        if store::value(read, secret.id)?.is_some_and(|old| old == *new_value) {
            return Err(ServiceError::policy(
                Rule::SharedSecretStrength,
                "the new value is the same as the current one",
            ));
        }
        let items: Vec<i64> = checklists::current(read, jiff::Timestamp::UNIX_EPOCH)?
            .into_iter()
            .filter(|c| c.process == Process::Leaver)
            .flat_map(|c| c.items)
            .filter(|i| {
                matches!(i.kind, ItemKind::RotateSecret { secret: s } if s == secret.id) && !i.state.is_closed()
            })
            .map(|i| i.id)
            .collect();
        let (today, now, by, keep) = (self.today(), self.now(), self.operator().to_string(), self.history_versions()?);
        let summary = format!("shared secret {} rotated ({} leaver item(s) completed)", secret.name, items.len());
        self.record(AuditEvent::new("secret.rotate", summary), |tx| {
            store::rotate(tx, secret.id, new_value, today, keep)?;
            for item in &items {
                checklists::close_item(tx, *item, &ItemState::Done { by: by.clone(), at: now, confirmed: None })?;
            }
            Ok(())
        })?;
        Ok(items.len())
    }

    /// Change how often a secret is rotated (`None`: no reminder); audited. The next due date
    /// follows, counted from the last rotation: returned, if there is one.
    pub fn set_secret_interval(&mut self, name: &str, interval_days: Option<i64>) -> ServiceResult<Option<Date>> {
        check_interval(interval_days)?;
        let secret = self.find_secret(name)?;
        let due = SharedSecret { interval_days, ..secret.clone() }.interval_due();
        if secret.interval_days == interval_days {
            return Ok(due);
        }
        let event =
            AuditEvent::new("secret.interval", format!("shared secret {} rotation interval changed", secret.name))
                .with_change(Some(interval_words(secret.interval_days)), Some(interval_words(interval_days)));
        self.record(event, |tx| store::set_interval(tx, secret.id, interval_days))?;
        Ok(due)
    }

    pub fn mark_compromised(&mut self, name: &str, note: &str) -> ServiceResult<()> {
        let note = note.trim();
        if note.is_empty() {
            return Err(invalid("say why it may be compromised (--note)"));
        }
        let secret = self.find_secret(name)?;
        let today = self.today();
        let event = AuditEvent::new("secret.compromised", format!("shared secret {} may be compromised", secret.name))
            .with_change(None, Some(note.to_owned()));
        self.record(event, |tx| store::mark_compromised(tx, secret.id, today, note))
    }

    /// Earlier values' dates (from, replaced on), newest first. Values stay hidden.
    pub fn secret_history(&self, name: &str) -> ServiceResult<Vec<(String, String)>> {
        let secret = self.find_secret(name)?;
        Ok(store::history(&self.vault().read(), secret.id)?.into_iter().map(|(_, from, to)| (from, to)).collect())
    }
}
