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

/// A stored value that does not read back: said as damage, never replaced by a default (a
/// lost end date would mean a leaver is never purged).
#[derive(Debug, thiserror::Error)]
#[error("a stored {0} is unreadable")]
pub struct Unreadable(pub &'static str);

fn unreadable(what: &'static str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(Unreadable(what)))
}

/// A stored time, if there is one; an error when it is out of range.
pub fn timestamp(ns: Option<i64>) -> rusqlite::Result<Option<Timestamp>> {
    ns.map(|n| Timestamp::from_nanosecond(i128::from(n)).map_err(|_| unreadable("time"))).transpose()
}

/// A stored time that must be there.
pub fn required_timestamp(ns: Option<i64>) -> rusqlite::Result<Timestamp> {
    timestamp(ns)?.ok_or_else(|| unreadable("time"))
}

/// A stored date, if there is one; an error when it does not read as a date.
pub fn date(text: Option<String>) -> rusqlite::Result<Option<Date>> {
    text.map(|t| t.parse().map_err(|_| unreadable("date"))).transpose()
}

/// A stored date that must be there.
pub fn required_date(text: Option<String>) -> rusqlite::Result<Date> {
    date(text)?.ok_or_else(|| unreadable("date"))
}

pub fn bad(what: &str) -> VaultError {
    VaultError::Damaged(format!("a stored {what} is unreadable"))
}
