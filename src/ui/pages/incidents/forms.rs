//! The incident page's forms: recording a new incident, its facts, and the decisions. Kept as
//! typed (numbers as text, so a half-typed one is never lost) and read when a command is applied.

use crate::domain::incident::Details;
use crate::service::{Office, ServiceError, ServiceResult};
use crate::ui::widgets::Moment;

#[derive(Debug, Clone, Default)]
pub struct NewForm {
    pub title: String,
    pub kind: String,
    pub aware: Moment,
    pub happened_known: bool,
    pub happened: Moment,
}

impl NewForm {
    /// Why "Record the incident" waits.
    pub fn why_not(&self) -> Option<&'static str> {
        if self.title.trim().is_empty() {
            Some("Give it a short title, e.g. \"Laptop lost on a train\".")
        } else if self.kind.is_empty() {
            Some("Choose what kind of breach it is.")
        } else if self.aware.to_text().is_none() {
            Some("Choose the date the office became aware.")
        } else {
            None
        }
    }
}

/// The facts as typed; `loaded_for` says which incident they were read from.
#[derive(Debug, Clone, Default)]
pub struct DetailsForm {
    pub loaded_for: Option<i64>,
    pub saved: Details,
    pub what_happened: String,
    pub cause: String,
    pub how_found: String,
    pub people_categories: String,
    pub people_count: String,
    pub data_categories: String,
    pub records_count: String,
    pub consequences: String,
    pub measures: String,
}

/// A rough number as people write it: "120", "1,200", "about 40", "~40", "40 or so".
fn number(text: &str, what: &str) -> ServiceResult<Option<u64>> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let digits: String =
        text.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit() || *c == ',').collect();
    digits
        .replace(',', "")
        .parse()
        .map(Some)
        .map_err(|_| ServiceError::Invalid(format!("{what} is a number, roughly: e.g. 120 or about 40")))
}

impl DetailsForm {
    pub fn from(details: &Details, id: i64) -> Self {
        let count = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
        Self {
            loaded_for: Some(id),
            saved: details.clone(),
            what_happened: details.what_happened.clone(),
            cause: details.cause.clone(),
            how_found: details.how_found.clone(),
            people_categories: details.people_categories.clone(),
            people_count: count(details.people_count),
            data_categories: details.data_categories.clone(),
            records_count: count(details.records_count),
            consequences: details.consequences.clone(),
            measures: details.measures.clone(),
        }
    }

    pub fn to_details(&self) -> ServiceResult<Details> {
        Ok(Details {
            what_happened: self.what_happened.trim().to_owned(),
            cause: self.cause.trim().to_owned(),
            how_found: self.how_found.trim().to_owned(),
            people_categories: self.people_categories.trim().to_owned(),
            people_count: number(&self.people_count, "The number of people")?,
            data_categories: self.data_categories.trim().to_owned(),
            records_count: number(&self.records_count, "The number of records")?,
            consequences: self.consequences.trim().to_owned(),
            measures: self.measures.trim().to_owned(),
        })
    }

    /// Why "Save the facts" waits.
    pub fn why_not(&self) -> Option<String> {
        match self.to_details() {
            Err(ServiceError::Invalid(problem)) => Some(problem),
            Err(other) => Some(other.to_string()),
            Ok(details) if details == self.saved => Some(crate::ui::widgets::NOTHING_CHANGED.to_owned()),
            Ok(_) => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct DecisionForms {
    pub risk: String,
    pub risk_reason: String,
    pub ico: String,
    pub reference: String,
    pub reported_at: Moment,
    pub delay_reason: String,
    pub not_reportable_reason: String,
    /// `people`, `public` or `not`.
    pub tell_how: String,
    pub told_at: Moment,
    pub exception: String,
    pub not_told_reason: String,
}

impl DecisionForms {
    /// The forms for `incident`: its risk as recorded; no decision chosen in advance (a
    /// decision is a choice, never a default one key press could record).
    pub fn new(office: &Office, incident: &crate::domain::incident::Incident) -> Self {
        let now = Moment::at(office.now(), office.time_zone());
        Self {
            risk: incident.risk.as_ref().map(|(r, _)| r.as_str().to_owned()).unwrap_or_default(),
            reported_at: now.clone(),
            told_at: now,
            ..Self::default()
        }
    }
}
