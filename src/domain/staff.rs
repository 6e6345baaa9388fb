//! Staff members: only what the job needs (no home address, birth date or ID numbers), with
//! the rules for a valid record. `StaffDraft` is what a form or CSV row holds, `NewStaff` a
//! validated record, `Staff` a stored row.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub type StaffId = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffStatus {
    Joining,
    Active,
    Leaving,
    Left,
}

impl StaffStatus {
    pub const ALL: [StaffStatus; 4] = [Self::Joining, Self::Active, Self::Leaving, Self::Left];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Joining => "joining",
            Self::Active => "active",
            Self::Leaving => "leaving",
            Self::Left => "left",
        }
    }
}

impl fmt::Display for StaffStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StaffStatus {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| format!("unknown status {text:?} (joining, active, leaving or left)"))
    }
}

/// A stored staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staff {
    pub id: StaffId,
    pub full_name: String,
    pub email: String,
    pub job_title: String,
    pub team: String,
    pub manager_id: Option<StaffId>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub status: StaffStatus,
    pub notes: String,
}

/// Form or CSV text for a staff member, before validation. The manager is named by email.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffDraft {
    pub full_name: String,
    pub email: String,
    pub job_title: String,
    pub team: String,
    pub manager_email: String,
    pub start_date: String,
    pub end_date: String,
    pub status: String,
    pub notes: String,
}

/// A validated staff member, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaff {
    pub full_name: String,
    pub email: String,
    pub job_title: String,
    pub team: String,
    pub manager_email: Option<String>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub status: StaffStatus,
    pub notes: String,
}

/// Why a draft is not a valid staff member.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffError {
    #[error("the full name is missing")]
    MissingName,
    #[error("the name or a field is too long (at most {0} characters)")]
    TooLong(usize),
    #[error("{0:?} is not a work email address (it looks like name@example.com)")]
    BadEmail(String),
    #[error("{0:?} is not a date (write it as 23/11/2026 or 2026-11-23)")]
    BadDate(String),
    #[error("the end date is before the start date")]
    EndBeforeStart,
    #[error("{0}")]
    BadStatus(String),
    #[error(
        "the status cannot be set to {0}: it follows the joiner and leaver processes (start a joiner or a \
         leaver instead; someone is \"left\" only when the leaver checklist is finished)"
    )]
    StatusByProcess(&'static str),
    #[error("the {0} contains a control character")]
    ControlCharacter(&'static str),
    #[error(
        "the {0} contains a character that changes the text's direction or is invisible (U+{1:04X}); type it again"
    )]
    HiddenCharacter(&'static str, u32),
    #[error("the full name spans several lines")]
    MultiLineName,
}

const MAX_FIELD: usize = 200;
const MAX_NOTES: usize = 2000;

/// Years a date in an office record can fall in; anything else is a typing slip.
const YEARS: std::ops::RangeInclusive<i16> = 1900..=2199;

/// Parse a real calendar date written exactly `YYYY-MM-DD` (not `20260101`, `+002026-01-01`
/// or year 0, which the ISO parser would take).
pub fn parse_date(text: &str) -> Result<Date, StaffError> {
    let text = text.trim();
    let bad = || StaffError::BadDate(text.to_owned());
    let iso = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    let date = if iso { text.parse::<Date>().map_err(|_| bad())? } else { day_first(text).ok_or_else(bad)? };
    if YEARS.contains(&date.year()) { Ok(date) } else { Err(bad()) }
}

/// A date written day first, as offices in the UK and most of the world do: `23/11/2026`,
/// `3/7/2026` or `23.11.2026` (one separator throughout, a four-digit year).
fn day_first(text: &str) -> Option<Date> {
    let separator = text.chars().find(|c| !c.is_ascii_digit())?;
    if separator != '/' && separator != '.' {
        return None;
    }
    let parts: Vec<&str> = text.split(separator).collect();
    let [day, month, year] = parts.as_slice() else { return None };
    let digits = |part: &str, widths: std::ops::RangeInclusive<usize>| -> Option<i16> {
        let shaped = widths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
        if shaped { part.parse().ok() } else { None }
    };
    let (day, month, year) = (digits(day, 1..=2)?, digits(month, 1..=2)?, digits(year, 4..=4)?);
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

fn optional_date(text: &str) -> Result<Option<Date>, StaffError> {
    if text.trim().is_empty() { Ok(None) } else { parse_date(text).map(Some) }
}

/// Characters that reorder text on screen or cannot be seen: they can make one name or
/// address look like another (`U+202E` turns "moc.elpmaxe@" around).
fn is_hidden(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}')
}

/// A work email: one `@`, a dot in the domain, no spaces, no hidden characters; stored in its
/// compatibility-composed form (NFKC: "josé" typed or pasted two ways, or in full-width
/// letters, is one address) and in lower case.
pub fn normalise_email(text: &str) -> Result<String, StaffError> {
    use unicode_normalization::UnicodeNormalization;
    if let Some(c) = text.chars().find(|c| is_hidden(*c) || is_invisible(*c)) {
        return Err(StaffError::HiddenCharacter("email", u32::from(c)));
    }
    let trimmed = text.trim();
    // ASCII is its own NFKC form: skip the Unicode tables for the usual address.
    let email = if trimmed.is_ascii() {
        trimmed.to_ascii_lowercase()
    } else {
        trimmed.nfkc().collect::<String>().to_lowercase()
    };
    let bad = || StaffError::BadEmail(text.trim().to_owned());
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let valid = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'));
    if valid { Ok(email) } else { Err(bad()) }
}

/// A text field, trimmed and composed (NFC), refused with its name when it holds a control
/// or direction-changing character.
/// The form two emails are compared in: normalised where valid, else trimmed lower case.
pub fn email_key(text: &str) -> String {
    normalise_email(text).unwrap_or_else(|_| text.trim().to_lowercase())
}

fn clean(text: &str, max: usize, field: &'static str) -> Result<String, StaffError> {
    use unicode_normalization::UnicodeNormalization;
    let text = text.trim();
    // ASCII is its own NFC form: skip the Unicode tables for the usual name.
    let text: String = if text.is_ascii() { text.to_owned() } else { text.nfc().collect() };
    if text.chars().count() > max {
        return Err(StaffError::TooLong(max));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(StaffError::ControlCharacter(field));
    }
    if let Some(c) = text.chars().find(|c| is_hidden(*c)) {
        return Err(StaffError::HiddenCharacter(field, u32::from(c)));
    }
    Ok(text)
}

impl StaffDraft {
    /// Validate every field. The manager is checked against the office by the caller.
    pub fn validate(&self, default_status: StaffStatus) -> Result<NewStaff, StaffError> {
        let full_name = clean(&self.full_name, MAX_FIELD, "name")?;
        if full_name.is_empty() {
            return Err(StaffError::MissingName);
        }
        if full_name.contains('\n') {
            return Err(StaffError::MultiLineName);
        }
        let email = normalise_email(&self.email)?;
        let manager_email = match self.manager_email.trim() {
            "" => None,
            text => Some(normalise_email(text)?),
        };
        let start_date = optional_date(&self.start_date)?;
        let end_date = optional_date(&self.end_date)?;
        if let (Some(start), Some(end)) = (start_date, end_date)
            && end < start
        {
            return Err(StaffError::EndBeforeStart);
        }
        // The status is the processes' result: a form or a CSV may repeat it, never change it.
        let status = match self.status.trim() {
            "" => default_status,
            text => text.parse().map_err(StaffError::BadStatus)?,
        };
        if status != default_status {
            return Err(StaffError::StatusByProcess(status.as_str()));
        }
        Ok(NewStaff {
            full_name,
            email,
            job_title: clean(&self.job_title, MAX_FIELD, "job title")?.replace('\n', " "),
            team: clean(&self.team, MAX_FIELD, "team")?.replace('\n', " "),
            manager_email,
            start_date,
            end_date,
            status,
            notes: clean(&self.notes, MAX_NOTES, "notes")?,
        })
    }
}

impl Staff {
    pub fn to_draft(&self, manager_email: Option<&str>) -> StaffDraft {
        StaffDraft {
            full_name: self.full_name.clone(),
            email: self.email.clone(),
            job_title: self.job_title.clone(),
            team: self.team.clone(),
            manager_email: manager_email.unwrap_or_default().to_owned(),
            start_date: self.start_date.map(|d| d.to_string()).unwrap_or_default(),
            end_date: self.end_date.map(|d| d.to_string()).unwrap_or_default(),
            status: self.status.as_str().to_owned(),
            notes: self.notes.clone(),
        }
    }
}

/// Would making `manager` the line manager of `person` create a loop? `manager_of` gives each
/// person's current manager.
pub fn creates_manager_cycle(
    person: StaffId,
    manager: StaffId,
    manager_of: impl Fn(StaffId) -> Option<StaffId>,
) -> bool {
    let mut current = Some(manager);
    let mut steps = 0;
    while let Some(id) = current {
        if id == person {
            return true;
        }
        steps += 1;
        if steps > 100_000 {
            return true;
        }
        current = manager_of(id);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn draft(name: &str, email: &str) -> StaffDraft {
        StaffDraft { full_name: name.into(), email: email.into(), ..Default::default() }
    }

    #[test]
    fn a_complete_draft_validates_and_normalises() {
        let mut d = draft(" Sam Carter ", "Sam.Carter@Example.COM ");
        d.start_date = "2026-01-05".into();
        d.status = "Active".into();
        let staff = d.validate(StaffStatus::Active).expect("valid");
        assert_eq!(staff.full_name, "Sam Carter");
        assert_eq!(staff.email, "sam.carter@example.com");
        assert_eq!(staff.status, StaffStatus::Active);
        assert_eq!(staff.start_date.map(|d| d.to_string()).as_deref(), Some("2026-01-05"));
    }

    #[test]
    fn bad_emails_dates_and_names_are_refused_with_the_reason() {
        for email in ["sam", "sam@", "@example.com", "sam@example", "sam @example.com", "a@b@c.com", "sam@.com"] {
            assert!(
                matches!(draft("Sam", email).validate(StaffStatus::Active), Err(StaffError::BadEmail(_))),
                "{email}"
            );
        }
        let mut d = draft("Sam", "sam@example.com");
        d.start_date = "12/31/2026".into();
        assert_eq!(d.validate(StaffStatus::Active), Err(StaffError::BadDate("12/31/2026".into())));
        d.start_date = "2026-02-30".into();
        assert!(matches!(d.validate(StaffStatus::Active), Err(StaffError::BadDate(_))));
        d.start_date = "2026-03-01".into();
        d.end_date = "2026-02-01".into();
        assert_eq!(d.validate(StaffStatus::Active), Err(StaffError::EndBeforeStart));
        assert_eq!(draft("  ", "sam@example.com").validate(StaffStatus::Active), Err(StaffError::MissingName));
    }

    #[test]
    fn only_real_calendar_dates_in_one_shape_are_accepted() {
        assert_eq!(parse_date(" 2026-02-28 ").map(|d| d.to_string()), Ok("2026-02-28".to_owned()));
        for bad in [
            "20260101",
            "+002026-01-01",
            "0000-01-01",
            "2026-02-30",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "9999-12-31",
            "31/02/2026",
            "23/11/26",
            "23/11.2026",
            "11/23/2026",
            "1/2/3/2026",
            "23-11-2026",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_written_day_first_are_read_as_an_office_in_the_uk_writes_them() {
        for (typed, meant) in [
            ("23/11/2026", "2026-11-23"),
            ("3/7/2026", "2026-07-03"),
            ("23.11.2026", "2026-11-23"),
            (" 01/02/2026 ", "2026-02-01"),
        ] {
            assert_eq!(parse_date(typed).map(|d| d.to_string()), Ok(meant.to_owned()), "{typed}");
        }
        assert_eq!(
            parse_date("11/23/2026").unwrap_err().to_string(),
            "\"11/23/2026\" is not a date (write it as 23/11/2026 or 2026-11-23)"
        );
    }

    #[test]
    fn emails_are_one_in_every_unicode_form_and_hidden_characters_refused() {
        let composed = normalise_email("jos\u{e9}@example.com");
        assert_eq!(normalise_email("jose\u{301}@example.com"), composed);
        assert_eq!(normalise_email("\u{FF2A}OS\u{c9}@EXAMPLE.COM"), composed);
        assert!(matches!(
            normalise_email("ada\u{202E}@example.com"),
            Err(StaffError::HiddenCharacter("email", 0x202E))
        ));
        let draft =
            StaffDraft { full_name: "Sam \u{202E}reteP".into(), email: "s@example.com".into(), ..Default::default() };
        assert!(matches!(draft.validate(StaffStatus::Active), Err(StaffError::HiddenCharacter("name", 0x202E))));
    }

    #[test]
    fn the_status_cannot_be_typed_into_a_different_one() {
        let mut left = StaffDraft { full_name: "Sam".into(), email: "s@example.com".into(), ..Default::default() };
        left.status = "left".into();
        assert!(matches!(left.validate(StaffStatus::Active), Err(StaffError::StatusByProcess("left"))));
        left.status = "active".into();
        assert!(left.validate(StaffStatus::Active).is_ok(), "repeating the current status is fine");
    }

    #[test]
    fn manager_cycles_are_found() {
        // b reports to a, c reports to b.
        let managers: HashMap<StaffId, StaffId> = [(2, 1), (3, 2)].into_iter().collect();
        let manager_of = |id| managers.get(&id).copied();
        assert!(creates_manager_cycle(1, 3, manager_of), "a reporting to c closes a loop");
        assert!(creates_manager_cycle(1, 1, manager_of), "nobody manages themselves");
        assert!(!creates_manager_cycle(3, 1, manager_of));
    }
}
