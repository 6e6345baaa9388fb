//! Incidents and personal-data breaches (UK GDPR Articles 33 and 34): what an incident records,
//! the decisions taken with their reasons, and the 72-hour clock from the moment the office
//! became aware. Every rule is here, pure: a late report needs the reason for the delay, "not
//! reportable" and "people not told" need theirs, a high risk needs an Article 34(3) exception
//! to leave people untold, and the status follows from the decisions. Time is passed in.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

pub type IncidentId = i64;

/// How long the office has, from becoming aware, to report to the ICO (Article 33(1)).
pub const REPORT_WITHIN: SignedDuration = SignedDuration::from_hours(72);
/// The last part of the clock, shown in red.
pub const LAST_HOURS: SignedDuration = SignedDuration::from_hours(24);

macro_rules! words {
    ($name:ident { $($variant:ident = $code:literal, $words:literal;)+ } $what:literal) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            pub fn parse(text: &str) -> Result<Self, String> {
                match text.trim().to_ascii_lowercase().as_str() {
                    $($code => Ok(Self::$variant),)+
                    other => Err(format!(
                        "{other:?} is not {}: {}", $what, [$($code),+].join(", ")
                    )),
                }
            }

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            /// In words, as the screens and the report say it.
            pub fn describe(self) -> &'static str {
                match self { $(Self::$variant => $words),+ }
            }
        }
    };
}

words!(BreachKind {
    Confidentiality = "confidentiality", "Confidentiality: disclosed or accessed without authority";
    Integrity = "integrity", "Integrity: altered without authority";
    Availability = "availability", "Availability: lost or destroyed";
} "a kind of breach");

words!(Risk {
    Unlikely = "unlikely", "Unlikely to result in a risk to people";
    Risk = "risk", "A risk to people's rights and freedoms";
    High = "high", "A high risk to people's rights and freedoms";
} "a level of risk");

words!(TellException {
    Encrypted = "encrypted", "The data was protected (e.g. encrypted) and the key is safe";
    Mitigated = "mitigated", "Measures taken since mean the high risk is no longer likely";
    Disproportionate = "disproportionate", "Telling each person would take disproportionate effort: a public notice is used";
} "an Article 34(3) exception");

words!(UpdateKind {
    Fact = "fact", "New fact";
    Decision = "decision", "Decision";
    Action = "action", "Action";
    Communication = "communication", "Communication";
} "a kind of update");

/// What the incident says: the facts and their assessment, as the ICO's form asks for them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Details {
    pub what_happened: String,
    pub cause: String,
    /// How the office found out.
    pub how_found: String,
    /// Categories of people affected ("staff", "customers") and roughly how many.
    pub people_categories: String,
    pub people_count: Option<u64>,
    /// Categories of personal data ("contact details", "bank details") and roughly how many records.
    pub data_categories: String,
    pub records_count: Option<u64>,
    pub consequences: String,
    pub measures: String,
}

/// The decision about reporting to the ICO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum IcoDecision {
    Reported { at: Timestamp, reference: String, delay_reason: Option<String> },
    NotReportable { reason: String },
}

/// The decision about telling the people affected (Article 34).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum TellDecision {
    /// Told each person, or by a public notice.
    Told {
        at: Timestamp,
        public: bool,
    },
    NotTold {
        exception: Option<TellException>,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    pub title: String,
    pub kind: BreachKind,
    pub happened_at: Option<Timestamp>,
    /// When the office became aware: the clock starts here.
    pub aware_at: Timestamp,
    pub recorded_by: String,
    pub details: Details,
    pub risk: Option<(Risk, String)>,
    pub ico: Option<IcoDecision>,
    pub tell: Option<TellDecision>,
    pub closed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Recorded,
    Assessing,
    Reported,
    NotReportable,
    PeopleTold,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recorded => "recorded",
            Self::Assessing => "assessing",
            Self::Reported => "reported",
            Self::NotReportable => "not reportable",
            Self::PeopleTold => "people told",
            Self::Closed => "closed",
        }
    }
}

/// Where the 72 hours stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Still running: this long left; `urgent` in the last 24 hours.
    Running {
        left: SignedDuration,
        urgent: bool,
    },
    Overdue {
        by: SignedDuration,
    },
    /// Reported, or decided not reportable: nothing more is owed to the ICO.
    Stopped,
}

impl Clock {
    /// "31 h left", "overdue by 5 h", or "" when stopped.
    pub fn in_words(self) -> String {
        match self {
            Self::Running { left, .. } => format!("{} left", hours_and_minutes(left)),
            Self::Overdue { by } => format!("overdue by {}", hours_and_minutes(by)),
            Self::Stopped => String::new(),
        }
    }

    /// Whole hours left (negative once overdue), as `incident list` prints them.
    pub fn hours_left(self) -> Option<i64> {
        match self {
            Self::Running { left, .. } => Some(left.as_hours()),
            Self::Overdue { by } => Some(-(by.as_secs() + 3599) / 3600),
            Self::Stopped => None,
        }
    }
}

fn hours_and_minutes(duration: SignedDuration) -> String {
    let minutes = duration.as_secs() / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

impl Incident {
    pub fn deadline(&self) -> Timestamp {
        self.aware_at.checked_add(REPORT_WITHIN).unwrap_or(self.aware_at)
    }

    pub fn clock(&self, now: Timestamp) -> Clock {
        if self.ico.is_some() || self.closed_at.is_some() {
            return Clock::Stopped;
        }
        let left = self.deadline().duration_since(now);
        if left.is_negative() || left.is_zero() {
            Clock::Overdue { by: -left }
        } else {
            Clock::Running { left, urgent: left <= LAST_HOURS }
        }
    }

    /// The status follows from the decisions taken.
    pub fn status(&self) -> Status {
        match (&self.closed_at, &self.tell, &self.ico, &self.risk) {
            (Some(_), ..) => Status::Closed,
            (None, Some(TellDecision::Told { .. }), ..) => Status::PeopleTold,
            (None, _, Some(IcoDecision::Reported { .. }), _) => Status::Reported,
            (None, _, Some(IcoDecision::NotReportable { .. }), _) => Status::NotReportable,
            (None, _, None, Some(_)) => Status::Assessing,
            (None, _, None, None) => Status::Recorded,
        }
    }
}

/// Why a decision is refused, in words.
pub type Refusal = String;

fn required(text: &str, what: &str) -> Result<String, Refusal> {
    let text = text.trim();
    if text.is_empty() { Err(format!("give {what}")) } else { Ok(text.to_owned()) }
}

/// A new incident's own checks: a title, and awareness not before it happened nor in the future.
pub fn check_new(title: &str, happened: Option<Timestamp>, aware: Timestamp, now: Timestamp) -> Result<(), Refusal> {
    required(title, "a title")?;
    if happened.is_some_and(|h| h > aware) {
        return Err("the office cannot have become aware before it happened".into());
    }
    if aware > now {
        return Err("the time the office became aware is in the future".into());
    }
    Ok(())
}

/// The risk assessment, with its reasoning.
pub fn assess(incident: &mut Incident, risk: Risk, reason: &str) -> Result<(), Refusal> {
    open(incident)?;
    incident.risk = Some((risk, required(reason, "the reasoning behind the assessment")?));
    Ok(())
}

/// Reported to the ICO at `at`; later than 72 hours after awareness needs the reason for the delay.
pub fn report(
    incident: &mut Incident,
    at: Timestamp,
    reference: &str,
    delay_reason: Option<&str>,
    now: Timestamp,
) -> Result<(), Refusal> {
    open(incident)?;
    let reference = required(reference, "the ICO's reference")?;
    if at < incident.aware_at {
        return Err("the report cannot come before the office became aware".into());
    }
    if at > now {
        return Err("the time of the report is in the future".into());
    }
    let delay_reason = delay_reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    if at > incident.deadline() && delay_reason.is_none() {
        return Err(format!(
            "reported {} after the 72 hours: give the reason for the delay (Article 33(1))",
            hours_and_minutes(at.duration_since(incident.deadline()))
        ));
    }
    incident.ico = Some(IcoDecision::Reported { at, reference, delay_reason });
    Ok(())
}

/// Not reportable: only with the reason, kept.
pub fn not_reportable(incident: &mut Incident, reason: &str) -> Result<(), Refusal> {
    open(incident)?;
    if matches!(incident.risk, Some((Risk::Risk | Risk::High, _))) {
        return Err("assessed as a risk to people: a breach that is a risk must be reported to the ICO".into());
    }
    incident.ico = Some(IcoDecision::NotReportable { reason: required(reason, "the reason it need not be reported")? });
    Ok(())
}

/// Told the people affected (each, or by a public notice) at `at`.
pub fn told(incident: &mut Incident, at: Timestamp, public: bool, now: Timestamp) -> Result<(), Refusal> {
    open(incident)?;
    if at < incident.aware_at || at > now {
        return Err("the time people were told must be between awareness and now".into());
    }
    incident.tell = Some(TellDecision::Told { at, public });
    Ok(())
}

/// Not telling the people affected: with a reason, and at a high risk only under an
/// Article 34(3) exception.
pub fn not_told(incident: &mut Incident, exception: Option<TellException>, reason: &str) -> Result<(), Refusal> {
    open(incident)?;
    let reason = required(reason, "the reason people are not told")?;
    if matches!(incident.risk, Some((Risk::High, _))) && exception.is_none() {
        return Err("at a high risk people must be told unless an Article 34(3) exception applies: \
             say which (encrypted, mitigated or disproportionate)"
            .into());
    }
    if exception == Some(TellException::Disproportionate) {
        return Err(
            "with disproportionate effort the people are told by a public notice: record it as told publicly".into()
        );
    }
    incident.tell = Some(TellDecision::NotTold { exception, reason });
    Ok(())
}

/// Close: every decision taken and every containment item done.
pub fn close(incident: &mut Incident, open_items: usize, now: Timestamp) -> Result<(), Refusal> {
    open(incident)?;
    if incident.risk.is_none() {
        return Err("assess the risk before closing".into());
    }
    if incident.ico.is_none() {
        return Err("decide about reporting to the ICO before closing".into());
    }
    if matches!(incident.risk, Some((Risk::High, _))) && incident.tell.is_none() {
        return Err("at a high risk, decide about telling the people affected before closing".into());
    }
    if open_items > 0 {
        return Err(format!("{open_items} containment item(s) are still open: do or skip them first"));
    }
    incident.closed_at = Some(now);
    Ok(())
}

fn open(incident: &Incident) -> Result<(), Refusal> {
    match incident.closed_at {
        Some(_) => Err(format!("incident {} is closed", incident.id)),
        None => Ok(()),
    }
}

/// A moment as typed: ISO 8601 with an offset (`2026-11-28T14:30:00+00:00`, `…Z`), or a
/// local date and time in the office's zone (`2026-11-28T14:30`, `2026-11-28 14:30`).
pub fn parse_moment(text: &str, zone: &jiff::tz::TimeZone) -> Result<Timestamp, Refusal> {
    let text = text.trim();
    if let Ok(at) = text.parse::<Timestamp>() {
        return Ok(at);
    }
    let local: jiff::civil::DateTime = text.replacen(' ', "T", 1).parse().map_err(|_| {
        format!("{text:?} is not a date and time: write 2026-11-28T14:30 (local time) or with an offset, 2026-11-28T14:30+00:00")
    })?;
    zone.to_ambiguous_timestamp(local)
        .compatible()
        .map_err(|_| format!("{text:?} does not exist in the office's time zone"))
}

/// What an incident is linked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Link {
    Staff(i64),
    System(i64),
    Secret(i64),
    Device(i64),
}

impl Link {
    pub fn kind(self) -> &'static str {
        match self {
            Self::Staff(_) => "staff",
            Self::System(_) => "system",
            Self::Secret(_) => "secret",
            Self::Device(_) => "device",
        }
    }

    /// In words: "Person", "Shared secret".
    pub fn describe(self) -> &'static str {
        match self {
            Self::Staff(_) => "Person",
            Self::System(_) => "System",
            Self::Secret(_) => "Shared secret",
            Self::Device(_) => "Device",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Self::Staff(id) | Self::System(id) | Self::Secret(id) | Self::Device(id) => id,
        }
    }

    pub fn from_parts(kind: &str, id: i64) -> Option<Self> {
        match kind {
            "staff" => Some(Self::Staff(id)),
            "system" => Some(Self::System(id)),
            "secret" => Some(Self::Secret(id)),
            "device" => Some(Self::Device(id)),
            _ => None,
        }
    }
}

/// One entry of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Update {
    pub id: i64,
    pub at: Timestamp,
    pub by: String,
    pub kind: UpdateKind,
    pub text: String,
    /// An attached file's name (its bytes stay in the vault).
    pub attachment: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn incident() -> Incident {
        Incident {
            id: 1,
            title: "Laptop left on a train".into(),
            kind: BreachKind::Confidentiality,
            happened_at: None,
            aware_at: at("2026-10-24T09:00:00Z"),
            recorded_by: "Ada".into(),
            details: Details::default(),
            risk: None,
            ico: None,
            tell: None,
            closed_at: None,
        }
    }

    #[test]
    fn the_clock_runs_72_hours_from_awareness_red_in_the_last_24_then_overdue() {
        let incident = incident();
        let after = |hours: i64| incident.aware_at.checked_add(SignedDuration::from_hours(hours)).unwrap();
        assert_eq!(incident.clock(after(47)), Clock::Running { left: SignedDuration::from_hours(25), urgent: false });
        assert_eq!(incident.clock(after(71)), Clock::Running { left: SignedDuration::from_hours(1), urgent: true });
        assert_eq!(incident.clock(after(72)), Clock::Overdue { by: SignedDuration::ZERO });
        assert_eq!(incident.clock(after(73)), Clock::Overdue { by: SignedDuration::from_hours(1) });
        assert_eq!(incident.clock(after(71)).in_words(), "1 h left");
        assert_eq!(incident.clock(after(73)).in_words(), "overdue by 1 h");
        assert_eq!(incident.clock(after(73)).hours_left(), Some(-1));
    }

    #[test]
    fn moments_are_read_with_an_offset_or_as_the_offices_local_time() {
        let london = jiff::tz::TimeZone::get("Europe/London").unwrap();
        assert_eq!(parse_moment("2026-07-01T09:30:00+01:00", &london).unwrap(), at("2026-07-01T08:30:00Z"));
        assert_eq!(parse_moment("2026-07-01 09:30", &london).unwrap(), at("2026-07-01T08:30:00Z"), "BST");
        assert_eq!(parse_moment("2026-12-01T09:30", &london).unwrap(), at("2026-12-01T09:30:00Z"), "GMT");
        assert!(parse_moment("yesterday", &london).unwrap_err().contains("is not a date and time"));
    }

    #[test]
    fn seventy_two_hours_are_hours_across_the_clocks_going_back() {
        // Aware at 10:00 in London on the Saturday before the clocks go back (25 October
        // 2026): the deadline is 09:00 on the Tuesday, local time, 72 real hours later.
        let london = jiff::tz::TimeZone::get("Europe/London").unwrap();
        let mut incident = incident();
        incident.aware_at = london.to_timestamp(jiff::civil::date(2026, 10, 24).at(10, 0, 0, 0)).unwrap();
        let local = london.to_datetime(incident.deadline());
        assert_eq!(local, jiff::civil::date(2026, 10, 27).at(9, 0, 0, 0));
    }

    #[test]
    fn a_late_report_needs_its_delay_reason_and_not_reportable_needs_a_reason() {
        let mut incident = incident();
        let now = at("2026-10-30T09:00:00Z");
        let late = at("2026-10-27T10:00:00Z");
        let refused = report(&mut incident, late, "DPC-123", None, now).unwrap_err();
        assert!(refused.contains("1 h after the 72 hours: give the reason for the delay"), "{refused}");
        report(&mut incident, late, "DPC-123", Some("waiting for the police report"), now).unwrap();
        assert_eq!(incident.status(), Status::Reported);
        assert_eq!(incident.clock(now), Clock::Stopped);

        let mut other = self::incident();
        assert_eq!(not_reportable(&mut other, "  ").unwrap_err(), "give the reason it need not be reported");
        assess(&mut other, Risk::High, "bank details of 40 customers").unwrap();
        assert!(not_reportable(&mut other, "it was only a few").unwrap_err().contains("must be reported"));
    }

    #[test]
    fn at_a_high_risk_people_are_told_unless_an_exception_applies() {
        let mut incident = incident();
        assess(&mut incident, Risk::High, "passport scans").unwrap();
        assert!(not_told(&mut incident, None, "we would rather not").unwrap_err().contains("Article 34(3)"));
        not_told(&mut incident, Some(TellException::Encrypted), "full-disk encryption, key not on the laptop").unwrap();
        assert!(matches!(incident.tell, Some(TellDecision::NotTold { exception: Some(TellException::Encrypted), .. })));
    }

    #[test]
    fn closing_needs_every_decision_and_no_open_containment_item() {
        let mut incident = incident();
        let now = at("2026-10-25T09:00:00Z");
        assert_eq!(close(&mut incident, 0, now).unwrap_err(), "assess the risk before closing");
        assess(&mut incident, Risk::Unlikely, "the laptop was encrypted").unwrap();
        not_reportable(&mut incident, "encrypted, key safe").unwrap();
        assert!(close(&mut incident, 2, now).unwrap_err().contains("2 containment item(s) are still open"));
        close(&mut incident, 0, now).unwrap();
        assert_eq!(incident.status(), Status::Closed);
        assert_eq!(assess(&mut incident, Risk::High, "x").unwrap_err(), "incident 1 is closed");
    }
}
