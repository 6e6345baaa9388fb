//! Incidents: the register with each open incident's 72-hour clock, recording a new one, and
//! one incident's page: its facts, the decisions (risk, the ICO, the people affected) each with
//! its reason, what it is linked to and the containment that started, the timeline with
//! attached files, the report for the ICO, the letter, and closing. This module holds the
//! page's state and commands; `draw` draws it. The register and the open incident are read
//! when the page opens and after each change, never while drawing.

mod draw;
mod forms;

use crate::domain::incident::{Details, IncidentId, UpdateKind};
use crate::service::{IncidentRow, IncidentView, LinkTarget, NewIncident, Office, ServiceError, ServiceResult};
use crate::ui::commands::{Command, Outcome};
use crate::ui::pages::Context;
use crate::ui::widgets::Moment;
pub use forms::{DecisionForms, DetailsForm, NewForm};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentCommand {
    /// Open an incident (`None`: the register).
    Select(Option<IncidentId>),
    Add,
    SaveDetails,
    Assess,
    Report,
    NotReportable,
    Tell,
    NotTell,
    Link,
    AddUpdate,
    /// Ask before closing (`false`: not now).
    AskClose(bool),
    Close,
    /// Fill the letter field with a first draft to edit.
    DraftLetter,
    WriteReport,
    WriteLetter,
    WriteRegister,
    /// Show where to save a copy of timeline entry n's attached file (`None`: not now).
    StartSaveAttachment(Option<i64>),
    SaveAttachment,
}

impl From<IncidentCommand> for Command {
    fn from(command: IncidentCommand) -> Self {
        Command::Incidents(command)
    }
}

#[derive(Default)]
pub struct IncidentsPage {
    pub rows: Vec<IncidentRow>,
    pub selected: Option<IncidentId>,
    pub view: Option<IncidentView>,
    /// Why closing is refused now (`None`: it can be closed), worked out when read.
    pub close_refused: Option<String>,
    /// Asking whether to close: a closed incident cannot be changed again.
    pub confirm_close: bool,
    pub new: NewForm,
    pub details: DetailsForm,
    pub decisions: DecisionForms,
    /// What to link: its kind (`staff`, `system`, `secret`, `device`) and which.
    pub link_kind: String,
    pub link_to: String,
    pub update_kind: String,
    pub update_text: String,
    pub attach_path: String,
    pub report_path: String,
    pub letter_contact: String,
    pub letter: String,
    pub letter_path: String,
    pub register_from: String,
    pub register_to: String,
    pub register_path: String,
    /// The timeline entry whose attached file is being saved, and where.
    pub saving: Option<i64>,
    pub save_path: String,
    /// The office's time zone, for the timeline's times.
    pub zone: Option<jiff::tz::TimeZone>,
}

impl IncidentsPage {
    /// Read the register, and the open incident again.
    pub fn load(&mut self, office: &Office) -> ServiceResult<()> {
        self.rows = office.incident_rows()?;
        self.zone = Some(office.time_zone().clone());
        if self.new.aware.date.is_empty() {
            self.new.aware = Moment::at(office.now(), office.time_zone());
        }
        self.view = match self.selected {
            Some(id) => Some(office.incident(id)?),
            None => None,
        };
        if self.update_kind.is_empty() {
            self.update_kind = "fact".into();
        }
        if let Some(view) = &self.view {
            self.close_refused = close_refusal(view, office.now());
            if self.details.loaded_for != Some(view.incident.id) {
                self.details = DetailsForm::from(&view.incident.details, view.incident.id);
                self.decisions = DecisionForms::new(office, &view.incident);
            }
        }
        Ok(())
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, records: &crate::ui::records::Records, commands: &mut Vec<Command>) {
        draw::ui(ui, self, records, commands);
    }

    pub fn apply(&mut self, command: IncidentCommand, cx: &mut Context<'_>) -> Outcome {
        let office = &mut *cx.office;
        // Commands about one incident come from its page; without one, the service says so.
        let id = self.selected.unwrap_or_default();
        let written: ServiceResult<String> = match command {
            IncidentCommand::Select(which) => {
                self.selected = which;
                self.details.loaded_for = None;
                return Outcome::Shown(self.load(office));
            }
            IncidentCommand::Add => self.add(office),
            IncidentCommand::SaveDetails => self
                .details
                .to_details()
                .and_then(|details| office.set_incident_details(id, details))
                .map(|()| "The facts are saved.".to_owned()),
            IncidentCommand::Assess => {
                let form = &self.decisions;
                office.assess_incident(id, &form.risk, &form.risk_reason).map(|()| "The assessment is recorded.".into())
            }
            IncidentCommand::Report => {
                let form = &self.decisions;
                let at = form.reported_at.to_text();
                let delay = Some(form.delay_reason.as_str()).filter(|d| !d.trim().is_empty());
                office
                    .report_incident(id, &form.reference, at.as_deref(), delay)
                    .map(|()| "The report to the ICO is recorded: the clock has stopped.".into())
            }
            IncidentCommand::NotReportable => office
                .incident_not_reportable(id, &self.decisions.not_reportable_reason)
                .map(|()| "Recorded as not reportable, with the reason: the clock has stopped.".into()),
            IncidentCommand::Tell => {
                let form = &self.decisions;
                let at = form.told_at.to_text().unwrap_or_default();
                office
                    .tell_people(id, form.tell_how == "public", &at)
                    .map(|()| "Recorded: the people were told.".into())
            }
            IncidentCommand::NotTell => {
                let form = &self.decisions;
                let exception = Some(form.exception.as_str()).filter(|e| !e.is_empty());
                office
                    .not_tell_people(id, exception, &form.not_told_reason)
                    .map(|()| "Recorded: the people are not told, with the reason.".into())
            }
            IncidentCommand::Link => {
                let target = match self.link_kind.as_str() {
                    "staff" => LinkTarget::Staff(self.link_to.clone()),
                    "system" => LinkTarget::System(self.link_to.clone()),
                    "secret" => LinkTarget::Secret(self.link_to.clone()),
                    _ => LinkTarget::Device(self.link_to.clone()),
                };
                office.link_incident(id, &target).map(|said| {
                    self.link_to.clear();
                    format!("Linked: {said}.")
                })
            }
            IncidentCommand::AddUpdate => self.add_update(office, id),
            IncidentCommand::AskClose(open) => {
                self.confirm_close = open;
                return Outcome::SHOWN;
            }
            IncidentCommand::Close => {
                self.confirm_close = false;
                office.close_incident(id).map(|()| format!("Incident {id} is closed."))
            }
            IncidentCommand::DraftLetter => {
                return Outcome::Shown(office.incident_letter(id, &self.letter_contact).map(|text| self.letter = text));
            }
            IncidentCommand::WriteReport => {
                let path = self.report_path.trim().to_owned();
                office
                    .incident_report_pdf(id)
                    .and_then(|pdf| write(&path, &pdf))
                    .map(|()| format!("The report for the ICO is written to {path}."))
            }
            IncidentCommand::WriteLetter => {
                let path = self.letter_path.trim().to_owned();
                office
                    .incident_letter_pdf(id, &self.letter)
                    .and_then(|pdf| write(&path, &pdf))
                    .map(|()| format!("The letter is written to {path}."))
            }
            IncidentCommand::WriteRegister => self.write_register(office),
            IncidentCommand::StartSaveAttachment(update) => {
                self.saving = update;
                return Outcome::SHOWN;
            }
            IncidentCommand::SaveAttachment => {
                let path = self.save_path.trim().to_owned();
                let update = self.saving.unwrap_or_default();
                office.incident_attachment(update).and_then(|(name, bytes)| {
                    write(&path, &bytes)?;
                    self.saving = None;
                    Ok(format!("A copy of {name} is saved as {path}."))
                })
            }
        };
        let outcome = written.map(Some);
        // Read back what changed (the register's clocks, the timeline) before it is drawn.
        if let Err(error) = self.load(office) {
            return Outcome::Written(Err(error));
        }
        Outcome::Written(outcome)
    }

    fn add(&mut self, office: &mut Office) -> ServiceResult<String> {
        let form = &self.new;
        let aware =
            form.aware.to_text().ok_or_else(|| ServiceError::Invalid("choose when the office became aware".into()))?;
        let happened = if form.happened_known { form.happened.to_text() } else { None };
        let new = NewIncident {
            title: &form.title,
            kind: &form.kind,
            aware: &aware,
            happened: happened.as_deref(),
            details: Details::default(),
        };
        let id = office.add_incident(&new)?;
        self.new = NewForm::default();
        self.selected = Some(id);
        self.details.loaded_for = None;
        Ok(format!("Incident {id} recorded: the 72 hours run from when the office became aware."))
    }

    fn add_update(&mut self, office: &mut Office, id: IncidentId) -> ServiceResult<String> {
        let kind = UpdateKind::parse(&self.update_kind).unwrap_or(UpdateKind::Fact);
        let path = self.attach_path.trim().to_owned();
        let file = match path.is_empty() {
            true => None,
            false => {
                let bytes =
                    std::fs::read(&path).map_err(|e| ServiceError::Invalid(format!("cannot read {path}: {e}")))?;
                let name = std::path::Path::new(&path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Some((name, bytes))
            }
        };
        office.add_incident_update(
            id,
            kind,
            &self.update_text,
            file.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())),
        )?;
        (self.update_text, self.attach_path) = Default::default();
        Ok("Added to the timeline.".to_owned())
    }

    fn write_register(&mut self, office: &mut Office) -> ServiceResult<String> {
        let date =
            |text: &str| crate::domain::staff::parse_date(text).map_err(|e| ServiceError::Invalid(e.to_string()));
        let (from, to) = (date(&self.register_from)?, date(&self.register_to)?);
        let path = self.register_path.trim().to_owned();
        let csv = office.incident_register_csv(from, to)?;
        write(&path, &csv)?;
        Ok(format!("The register from {from} to {to} is written to {path}."))
    }
}

/// Write an export owner-only; an existing file is not replaced.
fn write(path: &str, bytes: &[u8]) -> ServiceResult<()> {
    Ok(crate::vault::fsutil::write_export(std::path::Path::new(path), bytes, false)?)
}

/// Why "Close" waits: the same rules the service applies.
fn close_refusal(view: &IncidentView, now: jiff::Timestamp) -> Option<String> {
    let mut incident = view.incident.clone();
    let refused = crate::domain::incident::close(&mut incident, view.open_items(), now).err()?;
    // As a sentence beside the button.
    let mut chars = refused.chars();
    Some(chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>() + ".").unwrap_or_default())
}
