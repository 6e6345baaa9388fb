//! What leaves Keyholder about an incident: the report for the ICO (a PDF holding what the
//! ICO's personal data breach report form asks, in its order), the letter to the people
//! affected (editable text, then a PDF), and the register as CSV for a date range.

use super::incidents::IncidentView;
use super::records::csv_bytes;
use super::{Office, ServiceResult};
use crate::domain::audit::AuditEvent;
use crate::domain::incident::{IcoDecision, Incident, IncidentId, Risk, TellDecision};
use crate::report::PdfReport;
use jiff::civil::Date;

fn or_none(text: &str) -> String {
    if text.trim().is_empty() { "Not recorded".to_owned() } else { text.trim().to_owned() }
}

fn count(n: Option<u64>) -> String {
    n.map_or_else(|| "Not known".to_owned(), |n| format!("About {}", crate::service::thousands(n)))
}

impl Office {
    /// The risk, the ICO and the people: each decision in words, as the report and the register say them.
    fn decisions_in_words(&self, incident: &Incident) -> [String; 3] {
        let risk = match &incident.risk {
            Some((risk, reason)) => format!("{}. Reasoning: {reason}", risk.describe()),
            None => "Not yet assessed".to_owned(),
        };
        let ico = match &incident.ico {
            Some(IcoDecision::Reported { at, reference, delay_reason }) => {
                let mut text = format!("Reported on {}, ICO reference {reference}", self.moment_in_words(*at));
                if let Some(reason) = delay_reason {
                    text.push_str(&format!(". Reported after 72 hours because: {reason}"));
                }
                text
            }
            Some(IcoDecision::NotReportable { reason }) => format!("Not reportable. Reason: {reason}"),
            None => format!("Not yet decided; due by {}", self.moment_in_words(incident.deadline())),
        };
        let tell = match &incident.tell {
            Some(TellDecision::Told { at, public: false }) => {
                format!("Told each person on {}", self.moment_in_words(*at))
            }
            Some(TellDecision::Told { at, public: true }) => {
                format!("Told by a public notice on {}", self.moment_in_words(*at))
            }
            Some(TellDecision::NotTold { exception, reason }) => {
                let under = exception.map(|e| format!(" (Article 34(3): {})", e.describe())).unwrap_or_default();
                format!("Not told{under}. Reason: {reason}")
            }
            None => "Not yet decided".to_owned(),
        };
        [risk, ico, tell]
    }

    /// The report for the ICO, in the order of its breach report form.
    pub fn incident_report_pdf(&mut self, id: IncidentId) -> ServiceResult<Vec<u8>> {
        let view = self.incident(id)?;
        let settings = self.settings()?;
        let incident = &view.incident;
        let details = &incident.details;
        let [risk, ico, tell] = self.decisions_in_words(incident);
        let mut pdf = PdfReport::new(&format!("Personal data breach report: {}", incident.title));
        pdf.paragraph(
            "Prepared for the ICO's personal data breach report, in the order of its form. The ICO asks for no \
             personal data of the people affected: copy what it asks from here, leaving out any names.",
        );
        pdf.heading("1. Report type");
        let report_kind = match &incident.ico {
            Some(IcoDecision::Reported { reference, .. }) => format!("Follow-up to the report {reference}"),
            _ => "Initial report".to_owned(),
        };
        pdf.facts(&[
            ("Report", report_kind),
            ("Incident", format!("{} (Keyholder incident {})", incident.title, incident.id)),
            ("Prepared", self.moment_in_words(self.now())),
        ]);
        pdf.heading("2. About the breach");
        let late = match &incident.ico {
            Some(IcoDecision::Reported { delay_reason: Some(reason), .. }) => reason.clone(),
            Some(IcoDecision::Reported { .. }) => "Reported within 72 hours".to_owned(),
            _ => format!("The 72 hours end {}", self.moment_in_words(incident.deadline())),
        };
        pdf.facts(&[
            ("What happened", or_none(&details.what_happened)),
            ("How it happened", or_none(&details.cause)),
            ("Type of breach", incident.kind.describe().to_owned()),
            ("How we found out", or_none(&details.how_found)),
            ("When we found out", self.moment_in_words(incident.aware_at)),
            (
                "When it happened",
                incident.happened_at.map_or_else(|| "Not known".to_owned(), |t| self.moment_in_words(t)),
            ),
            ("Reporting after 72 hours", late),
            ("Categories of data", or_none(&details.data_categories)),
            ("Number of records", count(details.records_count)),
            ("Number of people", count(details.people_count)),
            ("Categories of people", or_none(&details.people_categories)),
        ]);
        pdf.heading("3. Consequences and risk");
        pdf.facts(&[("Likely consequences", or_none(&details.consequences)), ("Risk to people", risk)]);
        pdf.heading("4. Taking action");
        let done: usize = view.containment.iter().map(|c| c.items.len() - c.open_items().count()).sum();
        let total: usize = view.containment.iter().map(|c| c.items.len()).sum();
        pdf.facts(&[
            ("Measures taken or planned", or_none(&details.measures)),
            ("Containment", format!("{done} of {total} containment item(s) done or decided")),
            ("Telling the people affected", tell),
            ("Reporting to the ICO", ico),
        ]);
        pdf.heading("5. About us");
        pdf.facts(&[("Organisation", settings.office_name.clone()), ("Recorded by", incident.recorded_by.clone())]);
        pdf.heading("6. Linked to");
        let links: Vec<Vec<String>> =
            view.links.iter().map(|l| vec![l.link.describe().to_owned(), l.name.clone()]).collect();
        pdf.table(&["Kind", "What"], &[30.0, 140.0], &links);
        pdf.heading("7. Timeline");
        let rows: Vec<Vec<String>> = view
            .updates
            .iter()
            .map(|u| {
                let attached = u.attachment.as_ref().map(|a| format!(" [attached: {a}]")).unwrap_or_default();
                vec![
                    self.moment_in_words(u.at),
                    u.by.clone(),
                    u.kind.describe().to_owned(),
                    format!("{}{attached}", u.text),
                ]
            })
            .collect();
        pdf.table(&["When", "By", "Kind", "What"], &[40.0, 24.0, 30.0, 76.0], &rows);
        let event = AuditEvent::new("incident.export", format!("incident {id}: report for the ICO written"));
        self.record(event, |_| Ok(()))?;
        Ok(pdf.finish())
    }

    /// A first draft of the letter to the people affected, in plain words, to edit.
    pub fn incident_letter(&self, id: IncidentId, contact: &str) -> ServiceResult<String> {
        let view = self.incident(id)?;
        let settings = self.settings()?;
        let today = self.today().strftime("%-d %B %Y").to_string();
        Ok(letter(&view, &settings.office_name, contact, &self.moment_in_words(view.incident.aware_at), &today))
    }

    /// The letter, as edited, as a PDF.
    pub fn incident_letter_pdf(&mut self, id: IncidentId, text: &str) -> ServiceResult<Vec<u8>> {
        self.incident(id)?;
        let mut pdf = PdfReport::new("A problem with your personal information");
        for paragraph in text.split("\n\n") {
            pdf.paragraph(paragraph);
        }
        let event = AuditEvent::new("incident.export", format!("incident {id}: letter to the people affected written"));
        self.record(event, |_| Ok(()))?;
        Ok(pdf.finish())
    }

    /// The register: every incident the office became aware of between `from` and `to`.
    pub fn incident_register_csv(&mut self, from: Date, to: Date) -> ServiceResult<Vec<u8>> {
        let zone = self.time_zone().clone();
        let in_range = |i: &Incident| {
            let day = zone.to_datetime(i.aware_at).date();
            day >= from && day <= to
        };
        let incidents: Vec<Incident> = self.incidents()?.into_iter().filter(in_range).rev().collect();
        let rows: Vec<Vec<String>> = incidents
            .iter()
            .map(|i| {
                let [risk, ico, tell] = self.decisions_in_words(i);
                let d = &i.details;
                let at = |t: Option<jiff::Timestamp>| t.map(|t| self.moment_in_words(t)).unwrap_or_default();
                let number = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
                vec![
                    i.id.to_string(),
                    i.title.clone(),
                    i.kind.as_str().to_owned(),
                    i.status().as_str().to_owned(),
                    at(i.happened_at),
                    at(Some(i.aware_at)),
                    at(Some(i.deadline())),
                    i.recorded_by.clone(),
                    d.what_happened.clone(),
                    d.cause.clone(),
                    d.people_categories.clone(),
                    number(d.people_count),
                    d.data_categories.clone(),
                    number(d.records_count),
                    d.consequences.clone(),
                    d.measures.clone(),
                    i.risk.as_ref().map(|(r, _)| r.as_str().to_owned()).unwrap_or_default(),
                    risk,
                    ico,
                    tell,
                    at(i.closed_at),
                ]
            })
            .collect();
        let header = [
            "id",
            "title",
            "kind",
            "status",
            "happened",
            "aware",
            "deadline",
            "recorded_by",
            "what_happened",
            "cause",
            "people_categories",
            "people_count",
            "data_categories",
            "records_count",
            "consequences",
            "measures",
            "risk",
            "risk_assessment",
            "ico_decision",
            "people_decision",
            "closed",
        ];
        let csv = csv_bytes(&header, rows)?;
        let event = AuditEvent::new(
            "incident.export",
            format!("incident register {from} to {to} written ({} incidents)", incidents.len()),
        );
        self.record(event, |_| Ok(()))?;
        Ok(csv)
    }
}

/// A sentence: ends with a full stop unless it already ends with punctuation.
fn sentence(text: &str) -> String {
    let text = or_none(text);
    if text.ends_with(['.', '!', '?']) { text } else { format!("{text}.") }
}

fn letter(view: &IncidentView, office: &str, contact: &str, aware: &str, today: &str) -> String {
    let incident = &view.incident;
    let d = &incident.details;
    let high = matches!(incident.risk, Some((Risk::High, _)));
    let mut text = vec![
        today.to_owned(),
        "Dear Sir or Madam,".to_owned(),
        format!(
            "We are writing to tell you about a problem with personal information that {office} holds about you. We became aware of it on {aware}."
        ),
        format!("What happened: {}", sentence(&d.what_happened)),
        format!("The information involved: {}", sentence(&d.data_categories)),
        format!("What this could mean for you: {}", sentence(&d.consequences)),
        format!("What we have done and are doing about it: {}", sentence(&d.measures)),
    ];
    if high {
        text.push(
            "What you can do: be wary of unexpected emails, calls or letters that mention this, change any password you \
             may have shared with us, and tell your bank if your bank details were involved."
                .to_owned(),
        );
    }
    text.push(format!(
        "If you have questions, please contact {}. You also have the right to complain to the Information Commissioner's Office (ico.org.uk, 0303 123 1113).",
        or_none(contact)
    ));
    text.push(format!("We are sorry that this happened.\n\n{office}"));
    text.join("\n\n")
}
