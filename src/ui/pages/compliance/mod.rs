//! Policies & evidence: the policies staff must acknowledge (who has not yet, oldest first),
//! the training they must renew, and the evidence pack for an auditor in one click. This
//! module holds the page's state and commands; `draw` draws it. Everything shown is read when
//! the page opens and after each change, never while drawing.

mod draw;

use crate::domain::policy::{AckStatus, Policy, TrainingStatus};
use crate::service::{NewPolicyVersion, Office, ServiceError, ServiceResult};
use crate::ui::commands::{Command, Outcome};
use crate::ui::pages::Context;
use crate::ui::shell::{JobOutput, JobRequest};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComplianceCommand {
    AddPolicy,
    Acknowledge,
    /// Show who has and has not acknowledged policy `name` (`None`: hide).
    ShowPolicy(Option<String>),
    AddCourse,
    RecordTraining,
    WritePack,
    VerifyPack,
}

impl From<ComplianceCommand> for Command {
    fn from(command: ComplianceCommand) -> Self {
        Command::Compliance(command)
    }
}

/// The renewal choices offered for a course, in days.
pub const RENEWALS: [(&str, &str); 4] =
    [("91", "Every 3 months"), ("182", "Every 6 months"), ("365", "Every year"), ("730", "Every 2 years")];

#[derive(Default)]
pub struct CompliancePage {
    pub policies: Vec<(Policy, Vec<AckStatus>)>,
    pub shown_policy: Option<String>,
    pub training: Vec<TrainingStatus>,
    pub courses: Vec<(String, String)>,
    pub today: Option<jiff::civil::Date>,
    // Adding a policy or a version.
    pub policy_name: String,
    pub policy_version: String,
    pub policy_file: String,
    pub policy_audience: String,
    // Recording an acknowledgement.
    pub ack_policy: String,
    pub ack_person: String,
    pub ack_on: String,
    // Training.
    pub course_name: String,
    pub course_every: String,
    pub course_audience: String,
    pub done_course: String,
    pub done_person: String,
    pub done_on: String,
    pub certificate: String,
    // The evidence pack.
    pub pack_from: String,
    pub pack_to: String,
    pub pack_dir: String,
    pub verify_dir: String,
    /// What the last verification found (`Some(empty)`: intact).
    pub verified: Option<Vec<String>>,
}

impl CompliancePage {
    pub fn load(&mut self, office: &Office) -> ServiceResult<()> {
        let today = office.today();
        self.today = Some(today);
        self.policies = office.policy_statuses()?;
        self.training = office.training_status()?;
        let mut courses: Vec<String> = self.training.iter().map(|s| s.course.clone()).collect();
        courses.dedup();
        self.courses = courses.into_iter().map(|c| (c.clone(), c)).collect();
        if self.pack_from.is_empty() {
            // The last full quarter, as an auditor usually asks.
            let (from, to) = last_quarter(today);
            self.pack_from = from.strftime("%d/%m/%Y").to_string();
            self.pack_to = to.strftime("%d/%m/%Y").to_string();
        }
        if self.course_every.is_empty() {
            self.course_every = "365".into();
        }
        for audience in [&mut self.policy_audience, &mut self.course_audience] {
            if audience.is_empty() {
                *audience = "all".into();
            }
        }
        Ok(())
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, records: &crate::ui::records::Records, commands: &mut Vec<Command>) {
        draw::ui(ui, self, records, commands);
    }

    pub fn apply(&mut self, command: ComplianceCommand, cx: &mut Context<'_>) -> Outcome {
        let office = &mut *cx.office;
        let date =
            |text: &str| crate::domain::staff::parse_date(text).map_err(|e| ServiceError::Invalid(e.to_string()));
        let written: ServiceResult<String> = match command {
            ComplianceCommand::ShowPolicy(name) => {
                self.shown_policy = name;
                return Outcome::SHOWN;
            }
            ComplianceCommand::AddPolicy => {
                let file = read_optional(&self.policy_file);
                let again = self.policies.iter().any(|(p, _)| p.name.eq_ignore_ascii_case(self.policy_name.trim()));
                file.and_then(|file| {
                    // A new version keeps its policy's audience.
                    let audience = Some(self.policy_audience.as_str()).filter(|a| !a.is_empty() && !again);
                    office.add_policy_version(&NewPolicyVersion {
                        name: &self.policy_name,
                        version: &self.policy_version,
                        document: file.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())),
                        link: None,
                        audience,
                    })?;
                    let asked = if again { "asked to acknowledge it again" } else { "asked to acknowledge it" };
                    let said = format!(
                        "{} version {} added: everyone it applies to is {asked}.",
                        self.policy_name.trim(),
                        self.policy_version.trim()
                    );
                    (self.policy_name, self.policy_version, self.policy_file) = Default::default();
                    Ok(said)
                })
            }
            ComplianceCommand::Acknowledge => {
                let on = Some(self.ack_on.as_str()).filter(|d| !d.trim().is_empty());
                office
                    .acknowledge_policy(&self.ack_policy, &self.ack_person, on)
                    .map(|()| format!("Recorded: {} acknowledged {}.", self.ack_person, self.ack_policy))
            }
            ComplianceCommand::AddCourse => {
                let every = self.course_every.parse().unwrap_or(365);
                let audience = Some(self.course_audience.as_str()).filter(|a| !a.is_empty());
                office.add_course(&self.course_name, every, audience).map(|()| {
                    let said = format!("{} added.", self.course_name.trim());
                    self.course_name.clear();
                    said
                })
            }
            ComplianceCommand::RecordTraining => read_optional(&self.certificate).and_then(|file| {
                let on = date(&self.done_on)?.to_string();
                office.record_training(
                    &self.done_course,
                    &self.done_person,
                    &on,
                    file.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())),
                )?;
                self.certificate.clear();
                Ok(format!("Recorded: {} completed {}.", self.done_person, self.done_course))
            }),
            ComplianceCommand::WritePack => {
                let (from, to) = match (date(&self.pack_from), date(&self.pack_to)) {
                    (Ok(from), Ok(to)) => (from, to),
                    (Err(e), _) | (_, Err(e)) => return Outcome::Shown(Err(e)),
                };
                let dir = std::path::PathBuf::from(self.pack_dir.trim());
                self.verify_dir = self.pack_dir.trim().to_owned();
                return Outcome::Background(JobRequest::new("Writing the evidence pack", false, move |office| {
                    let pack = office.write_evidence_pack(from, to, &dir)?;
                    Ok(JobOutput::Message(Some(format!(
                        "The evidence pack is written: {} files in {}. Open index.html in a browser.",
                        pack.files,
                        pack.dir.display()
                    ))))
                }));
            }
            ComplianceCommand::VerifyPack => {
                let found = crate::service::verify_evidence_pack(std::path::Path::new(self.verify_dir.trim()));
                return Outcome::Shown(found.map(|problems| self.verified = Some(problems)));
            }
        };
        if let Err(error) = self.load(office) {
            return Outcome::Written(Err(error));
        }
        Outcome::Written(written.map(Some))
    }
}

/// A file to keep in the vault, when a path is given: its name and bytes.
fn read_optional(path: &str) -> ServiceResult<Option<(String, Vec<u8>)>> {
    let path = path.trim();
    if path.is_empty() {
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(|e| ServiceError::Invalid(format!("cannot read {path}: {e}")))?;
    let name = std::path::Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Some((name, bytes)))
}

/// The last full calendar quarter before `today`.
pub fn last_quarter(today: jiff::civil::Date) -> (jiff::civil::Date, jiff::civil::Date) {
    let quarter_start_month = (today.month() - 1) / 3 * 3 + 1;
    let this_quarter = jiff::civil::date(today.year(), quarter_start_month, 1);
    let from = this_quarter.checked_sub(jiff::ToSpan::months(3)).unwrap_or(this_quarter);
    let to = this_quarter.yesterday().unwrap_or(this_quarter);
    (from, to)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_last_quarter_is_the_full_one_before_today() {
        let (from, to) = super::last_quarter(jiff::civil::date(2026, 11, 30));
        assert_eq!((from, to), (jiff::civil::date(2026, 7, 1), jiff::civil::date(2026, 9, 30)));
        let (from, to) = super::last_quarter(jiff::civil::date(2026, 2, 3));
        assert_eq!((from, to), (jiff::civil::date(2025, 10, 1), jiff::civil::date(2025, 12, 31)));
    }
}
