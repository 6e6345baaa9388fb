//! Office hours (Settings): when the office closes. A leaver's last day ends then, and the time
//! to full revocation (dashboard, leaver report, audit) counts from it.

use super::{Office, ServiceError, ServiceResult};
use crate::domain::audit::AuditEvent;
use crate::domain::office_hours::{DEFAULT_CLOSING, closing_times, format_closing, parse_closing};
use crate::vault::settings;
use jiff::civil::Time;

const CLOSES_AT: &str = "office_closes_at";

impl Office {
    /// When the office closes (17:30 until another time is chosen).
    pub fn closing_time(&self) -> ServiceResult<Time> {
        Ok(settings::get(&self.vault().read(), CLOSES_AT)?.and_then(|v| parse_closing(&v)).unwrap_or(DEFAULT_CLOSING))
    }

    /// Choose when the office closes, one of the half hours from 12:00 to 22:00; audited.
    pub fn set_closing_time(&mut self, closes: Time) -> ServiceResult<()> {
        if !closing_times().contains(&closes) {
            return Err(ServiceError::Invalid(
                "the office closes on the hour or half hour, from 12:00 to 22:00".into(),
            ));
        }
        let before = format_closing(self.closing_time()?);
        let after = format_closing(closes);
        let event = AuditEvent::new("settings.office_hours", "office closing time changed")
            .with_change(Some(before), Some(after.clone()));
        self.record(event, |tx| settings::set(tx, CLOSES_AT, &after))
    }
}
