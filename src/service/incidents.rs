//! The incident register's use cases: recording an incident, the decisions (risk, the ICO,
//! the people affected) each kept with its reason in the timeline and audited, updates with
//! attached files, links to the record (a shared secret becomes due for rotation; a person or a
//! device gets a containment checklist), and closing. The audit says which incident and what
//! was decided, never its title or facts: those may name people, and stay in the register.

use super::{DueItem, DueTarget, Office, Record, ServiceError, ServiceResult};
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::{Checklist, Process};
use crate::domain::incident::{
    self, BreachKind, Clock, Details, Incident, IncidentId, Link, Risk, TellException, Update, UpdateKind,
};
use crate::domain::incident_containment::containment_items;
use crate::vault::incidents::{self as store, NewUpdate};
use crate::vault::{checklists, handle::Write};
use jiff::Timestamp;
use serde::Serialize;

/// An incident as the operator records it; times as typed (see [`incident::parse_moment`]).
pub struct NewIncident<'a> {
    pub title: &'a str,
    pub kind: &'a str,
    pub aware: &'a str,
    pub happened: Option<&'a str>,
    pub details: Details,
}

/// One row of the register, as `incident list` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentRow {
    pub id: IncidentId,
    pub title: String,
    pub status: &'static str,
    pub aware: String,
    pub deadline: String,
    /// Whole hours left to report (negative when overdue); none once reported or decided.
    pub hours_left: Option<i64>,
    /// "31 h left", "overdue by 5 h", or empty.
    pub clock: String,
}

/// What the record knows an incident is linked to, in words.
#[derive(Debug, Clone, Serialize)]
pub struct LinkedThing {
    pub link: Link,
    pub name: String,
}

/// One incident with its timeline, links and containment.
#[derive(Debug, Clone)]
pub struct IncidentView {
    pub incident: Incident,
    pub updates: Vec<Update>,
    pub links: Vec<LinkedThing>,
    pub containment: Vec<Checklist>,
}

impl IncidentView {
    /// Containment items not yet done or skipped.
    pub fn open_items(&self) -> usize {
        self.containment.iter().map(|c| c.open_items().count()).sum()
    }
}

/// What to link, as the operator names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    Staff(String),
    System(String),
    Secret(String),
    Device(String),
}

fn invalid(message: String) -> ServiceError {
    ServiceError::Invalid(message)
}

impl Office {
    /// "27 Oct 2026 09:00 GMT", in the office's zone.
    pub fn moment_in_words(&self, at: Timestamp) -> String {
        words(self.time_zone(), at)
    }

    fn moment(&self, text: &str) -> ServiceResult<Timestamp> {
        incident::parse_moment(text, self.time_zone()).map_err(invalid)
    }

    pub fn add_incident(&mut self, new: &NewIncident<'_>) -> ServiceResult<IncidentId> {
        let kind = BreachKind::parse(new.kind).map_err(invalid)?;
        let aware = self.moment(new.aware)?;
        let happened = new.happened.map(str::trim).filter(|h| !h.is_empty()).map(|h| self.moment(h)).transpose()?;
        let now = self.now();
        incident::check_new(new.title, happened, aware, now).map_err(invalid)?;
        let recorded_by = self.operator().to_string();
        let incident = Incident {
            id: 0,
            title: new.title.trim().to_owned(),
            kind,
            happened_at: happened,
            aware_at: aware,
            recorded_by: recorded_by.clone(),
            details: new.details.clone(),
            risk: None,
            ico: None,
            tell: None,
            closed_at: None,
        };
        let deadline = self.moment_in_words(incident.deadline());
        let event =
            AuditEvent::new("incident.add", format!("incident recorded ({}), to report by {deadline}", kind.as_str()));
        let text = format!("Recorded; the office became aware at {}.", self.moment_in_words(aware));
        self.record(event, |tx| {
            let id = store::insert(tx, &incident)?;
            let update = NewUpdate { at: now, by: &recorded_by, kind: UpdateKind::Fact, text: &text, attachment: None };
            store::add_update(tx, id, &update)?;
            Ok(id)
        })
    }

    fn find_incident(&self, id: IncidentId) -> ServiceResult<Incident> {
        store::get(&self.vault().read(), id)?.ok_or_else(|| ServiceError::not_found(Record::Incident, id.to_string()))
    }

    /// Every incident, the most recent first.
    pub fn incidents(&self) -> ServiceResult<Vec<Incident>> {
        Ok(store::all(&self.vault().read())?)
    }

    pub fn incident_rows(&self) -> ServiceResult<Vec<IncidentRow>> {
        let now = self.now();
        Ok(self.incidents()?.iter().map(|i| self.row(i, now)).collect())
    }

    fn row(&self, incident: &Incident, now: Timestamp) -> IncidentRow {
        let clock = incident.clock(now);
        IncidentRow {
            id: incident.id,
            title: incident.title.clone(),
            status: incident.status().as_str(),
            aware: self.moment_in_words(incident.aware_at),
            deadline: self.moment_in_words(incident.deadline()),
            hours_left: clock.hours_left(),
            clock: clock.in_words(),
        }
    }

    pub fn incident(&self, id: IncidentId) -> ServiceResult<IncidentView> {
        let incident = self.find_incident(id)?;
        let read = self.vault().read();
        let updates = store::updates(&read, id)?;
        let directory = self.directory()?;
        let devices = checklists::devices(&read)?;
        let secrets = crate::vault::secrets::all(&read)?;
        let links = store::links(&read, id)?
            .into_iter()
            .map(|link| {
                let name = match link {
                    Link::Staff(s) => directory.person(s).map(|p| format!("{} <{}>", p.full_name, p.email)),
                    Link::System(s) => directory.system(s).map(|s| s.name.clone()),
                    Link::Secret(s) => secrets.iter().find(|x| x.id == s).map(|x| x.name.clone()),
                    Link::Device(d) => {
                        devices.iter().find(|x| x.id == d).map(|x| format!("{} {} ({})", x.kind, x.model, x.serial))
                    }
                };
                LinkedThing { link, name: name.unwrap_or_else(|| "(no longer on record)".to_owned()) }
            })
            .collect();
        let mut containment = Vec::new();
        for list in store::checklist_ids(&read, id)? {
            containment.extend(checklists::checklist(&read, list)?);
        }
        Ok(IncidentView { incident, updates, links, containment })
    }

    /// Change the facts (the GUI's form; each field as the operator wrote it).
    pub fn set_incident_details(&mut self, id: IncidentId, details: Details) -> ServiceResult<()> {
        self.decide(id, "incident.details", |incident, _| {
            incident.details = details;
            Ok(("details updated".to_owned(), None))
        })
    }

    /// Apply `change` to the incident, save it, and keep what it says in the timeline (as a
    /// decision, unless it says otherwise) and the audit log, all in one transaction.
    fn decide(
        &mut self,
        id: IncidentId,
        action: &str,
        change: impl FnOnce(&mut Incident, Timestamp) -> Result<(String, Option<String>), String>,
    ) -> ServiceResult<()> {
        let mut incident = self.find_incident(id)?;
        let now = self.now();
        let (summary, timeline) = change(&mut incident, now).map_err(invalid)?;
        let by = self.operator().to_string();
        let event = AuditEvent::new(action, format!("incident {id}: {summary}"));
        self.record(event, |tx| {
            store::save(tx, &incident)?;
            if let Some(text) = &timeline {
                let update = NewUpdate { at: now, by: &by, kind: UpdateKind::Decision, text, attachment: None };
                store::add_update(tx, id, &update)?;
            }
            Ok(())
        })
    }

    pub fn assess_incident(&mut self, id: IncidentId, risk: &str, reason: &str) -> ServiceResult<()> {
        let risk = Risk::parse(risk).map_err(invalid)?;
        self.decide(id, "incident.assess", |incident, _| {
            incident::assess(incident, risk, reason)?;
            let text = format!("Risk assessed: {}. Reasoning: {}", risk.describe(), reason.trim());
            Ok((format!("risk assessed as {}", risk.as_str()), Some(text)))
        })
    }

    /// Reported to the ICO (`at`: now when not given).
    pub fn report_incident(
        &mut self,
        id: IncidentId,
        reference: &str,
        at: Option<&str>,
        delay_reason: Option<&str>,
    ) -> ServiceResult<()> {
        let at = at.map(|a| self.moment(a)).transpose()?;
        let zone = self.time_zone().clone();
        self.decide(id, "incident.report", |incident, now| {
            let at = at.unwrap_or(now);
            incident::report(incident, at, reference, delay_reason, now)?;
            let mut text = format!("Reported to the ICO at {}, reference {}.", words(&zone, at), reference.trim());
            if let Some(reason) = delay_reason.map(str::trim).filter(|r| !r.is_empty()) {
                text.push_str(&format!(" Reason for reporting after 72 hours: {reason}"));
            }
            Ok(("reported to the ICO".to_owned(), Some(text)))
        })
    }

    pub fn incident_not_reportable(&mut self, id: IncidentId, reason: &str) -> ServiceResult<()> {
        self.decide(id, "incident.report", |incident, _| {
            incident::not_reportable(incident, reason)?;
            let text = format!("Not reportable to the ICO. Reason: {}", reason.trim());
            Ok(("decided not reportable".to_owned(), Some(text)))
        })
    }

    /// The people affected were told, each (`public` false) or by a public notice.
    pub fn tell_people(&mut self, id: IncidentId, public: bool, at: &str) -> ServiceResult<()> {
        let at = self.moment(at)?;
        let zone = self.time_zone().clone();
        self.decide(id, "incident.tell", |incident, now| {
            incident::told(incident, at, public, now)?;
            let how = if public { "by a public notice" } else { "each of them" };
            let text = format!("The people affected were told, {how}, at {}.", words(&zone, at));
            Ok((format!("people told {how}"), Some(text)))
        })
    }

    /// The people affected are not told, with the reason (and, at a high risk, the exception).
    pub fn not_tell_people(&mut self, id: IncidentId, exception: Option<&str>, reason: &str) -> ServiceResult<()> {
        let exception = exception.map(TellException::parse).transpose().map_err(invalid)?;
        self.decide(id, "incident.tell", |incident, _| {
            incident::not_told(incident, exception, reason)?;
            let under = exception.map(|e| format!(" under Article 34(3): {}", e.describe())).unwrap_or_default();
            let text = format!("The people affected are not told{under}. Reason: {}", reason.trim());
            Ok(("people not told".to_owned(), Some(text)))
        })
    }

    pub fn close_incident(&mut self, id: IncidentId) -> ServiceResult<()> {
        let open_items = self.incident(id)?.open_items();
        self.decide(id, "incident.close", |incident, now| {
            incident::close(incident, open_items, now)?;
            Ok(("closed".to_owned(), Some("Closed.".to_owned())))
        })
    }

    /// A new fact, decision, action or communication, with an attached file kept in the vault.
    pub fn add_incident_update(
        &mut self,
        id: IncidentId,
        kind: UpdateKind,
        text: &str,
        attachment: Option<(&str, &[u8])>,
    ) -> ServiceResult<()> {
        let incident = self.find_incident(id)?;
        if incident.closed_at.is_some() {
            return Err(ServiceError::refused_by_state(format!("incident {id} is closed")));
        }
        if text.trim().is_empty() {
            return Err(invalid("say what happened, was decided or was done".into()));
        }
        let (now, by) = (self.now(), self.operator().to_string());
        let attached = attachment.map(|(name, _)| format!(", with {name}")).unwrap_or_default();
        let event = AuditEvent::new("incident.update", format!("incident {id}: {} added{attached}", kind.as_str()));
        let update = NewUpdate { at: now, by: &by, kind, text: text.trim(), attachment };
        self.record(event, |tx| store::add_update(tx, id, &update).map(|_| ()))
    }

    /// An attached file: its name and bytes. Taking a copy out of the vault is audited.
    pub fn incident_attachment(&mut self, update: i64) -> ServiceResult<(String, Vec<u8>)> {
        let found = store::attachment(&self.vault().read(), update)?
            .ok_or_else(|| ServiceError::not_found(Record::Incident, format!("attachment {update}")))?;
        let event = AuditEvent::new("incident.export", format!("attached file of timeline entry {update} copied out"));
        self.record(event, |_| Ok(()))?;
        Ok(found)
    }

    /// Link the incident to something on record; what that led to, in words.
    pub fn link_incident(&mut self, id: IncidentId, target: &LinkTarget) -> ServiceResult<String> {
        let incident = self.find_incident(id)?;
        if incident.closed_at.is_some() {
            return Err(ServiceError::refused_by_state(format!("incident {id} is closed")));
        }
        let directory = self.directory()?;
        let devices = checklists::devices(&self.vault().read())?;
        let (link, holder, device) = match target {
            LinkTarget::Staff(email) => {
                let staff = Self::staff_id(&directory, email)?;
                (Link::Staff(staff), Some(staff), None)
            }
            LinkTarget::System(name) => {
                let system = directory
                    .system_by_name(name)
                    .ok_or_else(|| ServiceError::not_found(Record::System, name.trim().to_owned()))?;
                (Link::System(system.id), None, None)
            }
            LinkTarget::Secret(name) => (Link::Secret(self.find_secret(name)?.id), None, None),
            LinkTarget::Device(serial) => {
                let device =
                    devices.iter().find(|d| d.serial.eq_ignore_ascii_case(serial.trim())).ok_or_else(|| {
                        invalid(format!("no device with the serial number {} is on record", serial.trim()))
                    })?;
                (
                    Link::Device(device.id),
                    device.assigned_to.filter(|_| device.returned_on.is_none()),
                    Some(device.clone()),
                )
            }
        };
        let today = self.today();
        let note = format!("incident {id}: {}", incident.title);
        let (now, by) = (self.now(), self.operator().to_string());
        let mut said = match link {
            Link::Secret(_) => "it is now due for rotation, with the incident as its reason".to_owned(),
            _ => "linked".to_owned(),
        };
        let items = match holder {
            Some(staff) => {
                let read = self.vault().read();
                let known: Vec<(i64, String)> = crate::vault::secrets::all(&read)?
                    .into_iter()
                    .filter(|s| crate::domain::shared_secret::current_holders(s, &directory, today).contains(&staff))
                    .map(|s| (s.id, s.name))
                    .collect();
                let has_authenticator = crate::vault::authenticators::staff_has_authenticator(&read, staff)?;
                containment_items(&directory, staff, device.as_ref(), &known, has_authenticator, today)
            }
            None => Vec::new(),
        };
        if !items.is_empty() {
            let who = holder.and_then(|s| directory.person(s)).map_or("them", |p| p.full_name.as_str());
            said = format!("a containment checklist of {} item(s) for {who} was started", items.len());
        }
        let event = AuditEvent::new("incident.link", format!("incident {id}: linked to a {}", link.kind()));
        self.record(event, |tx| {
            if !store::link(tx, id, link)? {
                return Err(crate::vault::VaultError::Refused("it is already linked to that".into()));
            }
            if let Link::Secret(secret) = link {
                crate::vault::secrets::mark_compromised(tx, secret, today, &note)?;
            }
            if let (Some(staff), false) = (holder, items.is_empty()) {
                start_containment(tx, id, staff, today, now, &items)?;
            }
            let text = format!("Linked to a {}: {said}.", link.kind());
            let update = NewUpdate { at: now, by: &by, kind: UpdateKind::Action, text: &text, attachment: None };
            store::add_update(tx, id, &update).map(|_| ())
        })?;
        Ok(said)
    }
}

fn start_containment(
    tx: &Write<'_>,
    incident: IncidentId,
    staff: i64,
    today: jiff::civil::Date,
    now: Timestamp,
    items: &[crate::domain::checklist::NewItem],
) -> crate::vault::VaultResult<()> {
    let (list, _) = checklists::insert_checklist(tx, staff, Process::Incident, today, now, items)?;
    store::attach_checklist(tx, incident, list)
}

fn words(zone: &jiff::tz::TimeZone, at: Timestamp) -> String {
    at.to_zoned_datetime(zone.clone()).strftime("%-d %b %Y %H:%M %Z").to_string()
}

impl Office {
    /// The open incidents whose clock runs, as due items: hours left, or overdue.
    pub(super) fn incident_due_items(&self) -> ServiceResult<Vec<DueItem>> {
        let now = self.now();
        let mut items = Vec::new();
        for incident in store::open(&self.vault().read())? {
            let clock = incident.clock(now);
            let deadline = self.moment_in_words(incident.deadline());
            let (reason, overdue, urgent) = match clock {
                Clock::Stopped => continue,
                Clock::Running { urgent, .. } => (
                    format!("report to the ICO by {deadline}, or decide it is not reportable: {}", clock.in_words()),
                    false,
                    urgent,
                ),
                Clock::Overdue { .. } => (
                    format!(
                        "the 72 hours ended {deadline} ({}): report to the ICO now, with the reason for the delay",
                        clock.in_words()
                    ),
                    true,
                    true,
                ),
            };
            items.push(DueItem {
                target: Some(DueTarget::Incident { id: incident.id, urgent }),
                kind: "incident",
                subject: format!("Incident {}: {}", incident.id, incident.title),
                due: self.time_zone().to_datetime(incident.deadline()).date(),
                reason,
                overdue,
            });
        }
        Ok(items)
    }
}
