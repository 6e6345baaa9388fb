//! How long a sign-in must wait after failed attempts. The first few mistakes are free; after
//! that the wait doubles, up to a ceiling, so guessing online is slow but a typo costs nothing.

use jiff::{SignedDuration, Timestamp};

/// Failures that cost nothing.
pub const FREE_FAILURES: u32 = 3;
/// The first wait once the free failures are used.
pub const FIRST_DELAY_SECS: i64 = 5;
/// The longest wait.
pub const MAX_DELAY_SECS: i64 = 15 * 60;

/// The wait that follows `failures` consecutive failed attempts.
pub fn delay_after(failures: u32) -> SignedDuration {
    if failures < FREE_FAILURES {
        return SignedDuration::ZERO;
    }
    let doublings = (failures - FREE_FAILURES).min(20);
    let secs = FIRST_DELAY_SECS.saturating_mul(1_i64 << doublings).min(MAX_DELAY_SECS);
    SignedDuration::from_secs(secs)
}

/// When the next attempt may be made, or `None` if it may be made now. Never longer than the
/// delay itself: a failure stamped in the future (the clock was set back) does not lock anyone
/// out for days.
pub fn retry_after(failures: u32, last_failure: Timestamp, now: Timestamp) -> Option<SignedDuration> {
    let delay = delay_after(failures);
    let allowed_at = last_failure.checked_add(delay).ok()?;
    let remaining = now.duration_until(allowed_at).min(delay);
    (remaining > SignedDuration::ZERO).then_some(remaining)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_failures_are_free_then_the_delay_doubles_to_a_ceiling() {
        assert_eq!(delay_after(0), SignedDuration::ZERO);
        assert_eq!(delay_after(2), SignedDuration::ZERO);
        assert_eq!(delay_after(3), SignedDuration::from_secs(5));
        assert_eq!(delay_after(4), SignedDuration::from_secs(10));
        assert_eq!(delay_after(5), SignedDuration::from_secs(20));
        assert_eq!(delay_after(40), SignedDuration::from_secs(MAX_DELAY_SECS));
    }

    #[test]
    fn retry_after_counts_down_from_the_last_failure() {
        let last = Timestamp::from_second(1_000_000).unwrap_or(Timestamp::UNIX_EPOCH);
        let two_secs_later = last.checked_add(SignedDuration::from_secs(2)).unwrap_or(last);
        assert_eq!(retry_after(3, last, two_secs_later), Some(SignedDuration::from_secs(3)));
        let six_secs_later = last.checked_add(SignedDuration::from_secs(6)).unwrap_or(last);
        assert_eq!(retry_after(3, last, six_secs_later), None);
        assert_eq!(retry_after(1, last, last), None);
    }

    #[test]
    fn a_failure_stamped_in_the_future_waits_no_longer_than_its_delay() {
        let now = Timestamp::from_second(1_000_000).unwrap_or(Timestamp::UNIX_EPOCH);
        let week_ahead = now.checked_add(SignedDuration::from_hours(24 * 7)).unwrap_or(now);
        assert_eq!(retry_after(1, week_ahead, now), None);
        assert_eq!(retry_after(3, week_ahead, now), Some(SignedDuration::from_secs(5)));
    }
}
