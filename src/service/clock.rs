//! Time comes from a [`Clock`] so that rules and tests never read the system clock directly.
//! The clock also says which time zone "today" is counted in when the office has not chosen
//! one in Settings: the computer's for the real clock, UTC for a test clock.

use jiff::Timestamp;
use jiff::tz::TimeZone;

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;

    fn default_time_zone(&self) -> TimeZone {
        TimeZone::UTC
    }
}

/// The real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn default_time_zone(&self) -> TimeZone {
        TimeZone::system()
    }
}

#[cfg(any(test, feature = "test-support"))]
/// A clock that moves only when told to (tests, demos).
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<Timestamp>);

#[cfg(any(test, feature = "test-support"))]
impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        Self(std::sync::Mutex::new(start))
    }

    pub fn advance(&self, by: jiff::SignedDuration) {
        if let Ok(mut now) = self.0.lock() {
            *now = now.checked_add(by).unwrap_or(*now);
        }
    }

    pub fn set(&self, to: Timestamp) {
        if let Ok(mut now) = self.0.lock() {
            *now = to;
        }
    }
}

#[cfg(any(test, feature = "test-support"))]
impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        self.0.lock().map(|now| *now).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}
