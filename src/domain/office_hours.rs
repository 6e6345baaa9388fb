//! Office hours: when the office closes. A leaver's last working day ends then, so the clock of
//! "time to full revocation" starts at closing time on the last day, in the office's time zone.

use jiff::Timestamp;
use jiff::civil::{Date, Time, time};
use jiff::tz::TimeZone;

/// Until the office chooses another time.
pub const DEFAULT_CLOSING: Time = time(17, 30, 0, 0);

/// The closing times to choose from: every half hour from 12:00 to 22:00.
pub fn closing_times() -> Vec<Time> {
    (24_i8..=44).map(|half_hours| time(half_hours / 2, (half_hours % 2) * 30, 0, 0)).collect()
}

/// "17:30", as shown and stored.
pub fn format_closing(closes: Time) -> String {
    closes.strftime("%H:%M").to_string()
}

/// A closing time as shown and stored, if it is one of [`closing_times`].
pub fn parse_closing(text: &str) -> Option<Time> {
    closing_times().into_iter().find(|t| format_closing(*t) == text.trim())
}

/// The moment `day` ends at work: closing time as the clocks in `zone` show it that day.
pub fn end_of_working_day(day: Date, closes: Time, zone: &TimeZone) -> Option<Timestamp> {
    day.to_datetime(closes).to_zoned_datetime(zone.clone()).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn closing_times_are_the_half_hours_from_noon_to_ten_and_read_back() {
        let times = closing_times();
        assert_eq!(times.len(), 21);
        assert_eq!((format_closing(times[0]), format_closing(times[20])), ("12:00".to_owned(), "22:00".to_owned()));
        assert!(times.contains(&DEFAULT_CLOSING));
        assert_eq!(parse_closing(" 17:30 "), Some(DEFAULT_CLOSING));
        assert_eq!(parse_closing("17:45"), None, "not a choice");
        assert_eq!(parse_closing("5pm"), None);
    }

    #[test]
    fn the_working_day_ends_at_closing_time_in_the_offices_zone() {
        let ends = |day, zone: &str| end_of_working_day(day, DEFAULT_CLOSING, &TimeZone::get(zone).unwrap()).unwrap();
        assert_eq!(ends(date(2026, 11, 20), "Europe/London").to_string(), "2026-11-20T17:30:00Z");
        assert_eq!(ends(date(2026, 11, 20), "America/New_York").to_string(), "2026-11-20T22:30:00Z");
        // Summer time: the clocks went forward that morning.
        assert_eq!(ends(date(2026, 3, 29), "Europe/London").to_string(), "2026-03-29T16:30:00Z");
    }
}
