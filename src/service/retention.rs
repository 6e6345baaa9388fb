//! Retention: a leaver's personal details are kept for a set time (default 12 months after
//! their end date) and then purged: name, email, job title, team, notes, usernames, checklist
//! item titles and reasons, exception reasons and review comments are replaced by a tombstone,
//! and the person's key for the personal parts of audit records is destroyed, so those parts
//! become unreadable while the hash chain still verifies. Dates, status, ids and decisions stay,
//! so evidence reports remain consistent (they name people as `staff #ID`).

use super::{Office, ServiceError, ServiceResult};
use crate::domain::audit::AuditEvent;
use crate::domain::staff::{StaffId, StaffStatus};
use crate::vault::{purge, settings};
use jiff::ToSpan;
use jiff::civil::Date;

pub const DEFAULT_RETENTION_MONTHS: i64 = 12;
const RETENTION_KEY: &str = "retention_months";
const PURGED_DOMAIN: &str = "@purged.invalid";

impl Office {
    pub fn retention_months(&self) -> ServiceResult<i64> {
        Ok(settings::get(&self.vault().read(), RETENTION_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_RETENTION_MONTHS))
    }

    pub fn set_retention_months(&mut self, months: i64) -> ServiceResult<()> {
        if !(1..=120).contains(&months) {
            return Err(ServiceError::policy(super::Rule::PolicyRange, "retention must be 1–120 months"));
        }
        let before = self.retention_months()?;
        let event = AuditEvent::new("settings.retention", "retention of leavers' details changed")
            .with_change(Some(format!("{before} months")), Some(format!("{months} months")));
        self.record(event, |tx| settings::set(tx, RETENTION_KEY, &months.to_string()))
    }

    /// Leavers whose details are due for purging, with the date they became due.
    pub fn purges_due(&self) -> ServiceResult<Vec<(StaffId, String, Date)>> {
        self.purges_due_in(&self.directory()?)
    }

    pub(super) fn purges_due_in(
        &self,
        directory: &crate::domain::access::Directory,
    ) -> ServiceResult<Vec<(StaffId, String, Date)>> {
        let months = self.retention_months()?;
        let today = self.today();
        Ok(directory
            .staff
            .iter()
            .filter(|p| p.status == StaffStatus::Left && !p.email.ends_with(PURGED_DOMAIN))
            .filter_map(|p| {
                let due = p.end_date?.checked_add(months.months()).ok()?;
                (due <= today).then(|| (p.id, p.full_name.clone(), due))
            })
            .collect())
    }

    /// Purge a leaver's personal details (see the module's header). Only for people who have
    /// left.
    pub fn purge_person(&mut self, staff: StaffId) -> ServiceResult<()> {
        let directory = self.directory()?;
        let person = directory
            .person(staff)
            .ok_or_else(|| ServiceError::not_found(super::Record::StaffMember, format!("#{staff}")))?;
        if person.status != StaffStatus::Left {
            return Err(ServiceError::Invalid(format!(
                "{} has not left; only leavers' details are purged",
                person.email
            )));
        }
        if person.email.ends_with(PURGED_DOMAIN) {
            return Err(ServiceError::refused_by_state(format!("staff #{staff} is already purged")));
        }
        let event = AuditEvent::new("staff.purge", format!("personal details of staff #{staff} purged (retention)"));
        let (name, email) = (format!("Former staff member #{staff}"), format!("staff-{staff}{PURGED_DOMAIN}"));
        self.record(event, |tx| purge::purge_staff(tx, staff, &name, &email))?;
        // Old copies of the changed pages must not stay in the write-ahead log.
        self.vault().checkpoint()?;
        Ok(())
    }
}

/// Office policies the operator can tune on the Settings screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policies {
    /// Seconds before a copied secret is cleared from the clipboard.
    pub clipboard_clear_secs: i64,
    /// Earlier values kept per shared secret.
    pub secret_history_versions: usize,
    /// Minimum length of shared secrets (codes for physical things are exempt).
    pub password_min_length: usize,
    /// Months a leaver's personal details are kept after their end date.
    pub retention_months: i64,
}

const CLIPBOARD_KEY: &str = "clipboard_clear_secs";

impl Office {
    pub fn policies(&self) -> ServiceResult<Policies> {
        let read = &self.vault().read();
        let number = |key: &str, default: i64| -> ServiceResult<i64> {
            Ok(settings::get(read, key)?.and_then(|v| v.parse().ok()).unwrap_or(default))
        };
        Ok(Policies {
            clipboard_clear_secs: number(CLIPBOARD_KEY, crate::domain::clipboard::DEFAULT_CLEAR_AFTER_SECS)?,
            secret_history_versions: number("secret_history_versions", super::secrets::DEFAULT_HISTORY_VERSIONS as i64)?
                as usize,
            password_min_length: self.password_min_length()?,
            retention_months: self.retention_months()?,
        })
    }

    /// Change the policies in one audited transaction.
    pub fn set_policies(&mut self, new: Policies) -> ServiceResult<()> {
        let checks = [
            ((5..=300).contains(&new.clipboard_clear_secs), "the clipboard must be cleared after 5–300 seconds"),
            ((1..=50).contains(&new.secret_history_versions), "keep 1–50 earlier values of a secret"),
            ((12..=128).contains(&new.password_min_length), "the minimum password length must be 12–128"),
            ((1..=120).contains(&new.retention_months), "retention must be 1–120 months"),
        ];
        if let Some((_, message)) = checks.iter().find(|(ok, _)| !ok) {
            return Err(ServiceError::policy(super::Rule::PolicyRange, *message));
        }
        let old = self.policies()?;
        let describe = |p: &Policies| {
            format!(
                "clipboard {} s, history {}, min length {}, retention {} months",
                p.clipboard_clear_secs, p.secret_history_versions, p.password_min_length, p.retention_months
            )
        };
        let event = AuditEvent::new("settings.policies", "office policies changed")
            .with_change(Some(describe(&old)), Some(describe(&new)));
        self.record(event, |tx| {
            settings::set(tx, CLIPBOARD_KEY, &new.clipboard_clear_secs.to_string())?;
            settings::set(tx, "secret_history_versions", &new.secret_history_versions.to_string())?;
            settings::set(tx, "password_min_length", &new.password_min_length.to_string())?;
            settings::set(tx, RETENTION_KEY, &new.retention_months.to_string())
        })
    }
}
