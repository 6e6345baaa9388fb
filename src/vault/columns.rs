//! Conversions between stored columns and domain values, shared by the repositories: times as
//! nanoseconds since 1970, dates as ISO text, and the error for a value that cannot be read.

use super::error::{VaultError, VaultResult};
use jiff::Timestamp;
use jiff::civil::Date;

/// A time as stored (nanoseconds since 1970).
pub fn ns(at: Timestamp) -> VaultResult<i64> {
    i64::try_from(at.as_nanosecond())
        .map_err(|_| VaultError::Refused("the clock is outside the supported range".into()))
}

/// A stored time, if there is one and it is in range.
pub fn timestamp(ns: Option<i64>) -> Option<Timestamp> {
    ns.and_then(|n| Timestamp::from_nanosecond(i128::from(n)).ok())
}

/// A stored date, if there is one and it reads as a date.
pub fn date(text: Option<String>) -> Option<Date> {
    text.and_then(|t| t.parse().ok())
}

pub fn bad(what: &str) -> VaultError {
    VaultError::Damaged(format!("a stored {what} is unreadable"))
}
