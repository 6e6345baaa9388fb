//! Directories: the office's OpenLDAP or Active Directory connected to Keyholder. Adding one,
//! testing it (which also reads its groups, to map them), mapping its accounts and groups onto
//! systems, and checking it for drift: each finding with what to do, and doing it here —
//! recording access as an exception, matching an account to a person, or changing the
//! directory (shown first, then read back). The network work runs as a background job. This
//! module holds the page's state and commands; `draw` and `findings` draw it.

mod draw;
mod findings;

use crate::domain::directory_change::fix_for;
use crate::domain::secret::SecretString;
use crate::service::{NewLinkedDirectory, ServiceError, SyncReport};
use crate::ui::commands::{Command, Outcome};
use crate::ui::pages::Context;
use crate::ui::shell::{JobOutput, JobRequest};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectoryCommand {
    /// Open a directory's details (`None`: the list).
    Select(Option<String>),
    Add,
    /// Connect, count the accounts and read the groups.
    Test(String),
    /// Read the directory and compare it with the record.
    Check(String),
    /// Compare the record with the user list downloaded from a suite's admin console.
    CheckFile(String),
    SetAccounts(String),
    MapGroup(String),
    /// Ask before changing the directory for finding number n (`None`: not now).
    ConfirmFix(Option<usize>),
    Fix(String, usize),
    /// Open (or close) the reason field of finding n, to record it as an exception.
    StartAccept(Option<usize>),
    Accept(usize),
    /// Open (or close) the staff pick-list of finding n, to say whose account it is.
    StartMatch(Option<usize>),
    Match(String, usize),
    /// Remove every licence of the leaver chosen, in this Microsoft 365.
    RemoveLicences(String),
}

impl From<DirectoryCommand> for Command {
    fn from(command: DirectoryCommand) -> Self {
        Command::Directories(command)
    }
}

/// The "Add a directory" form. The password moves to the vault and the field is wiped.
#[derive(Default)]
pub struct AddForm {
    pub name: String,
    pub kind: String,
    pub url: String,
    pub base_dn: String,
    pub bind_dn: String,
    pub password: SecretString,
    pub starttls: bool,
    pub ca_file: String,
    /// A cloud suite connected live rather than checked from its admin console's download.
    pub live: bool,
    /// Google Workspace: the path of the service account's key file (read when added).
    pub key_file: String,
}

#[derive(Default)]
pub struct DirectoriesPage {
    pub selected: Option<String>,
    pub add: AddForm,
    /// What the last test read: accounts counted and the groups, per directory.
    pub tested: HashMap<String, (usize, Vec<String>)>,
    /// The last check of each directory this session (the findings name people: kept in
    /// memory only, and read again from the directory to be sure).
    pub reports: HashMap<String, SyncReport>,
    pub accounts_system: String,
    pub map_group: String,
    pub map_system: String,
    pub map_level: String,
    pub confirm_fix: Option<usize>,
    pub accepting: Option<usize>,
    pub reason: String,
    pub matching: Option<usize>,
    pub match_to: String,
    /// The downloaded user list of a suite checked from its export.
    pub export_path: String,
    /// The leaver (email) whose Microsoft 365 licences to take back.
    pub licences_of: String,
}

impl DirectoriesPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, records: &crate::ui::records::Records, commands: &mut Vec<Command>) {
        draw::ui(ui, self, records, commands);
    }

    /// A job finished: what it read.
    pub fn tested(&mut self, name: String, users: usize, groups: Vec<String>) {
        self.tested.insert(name, (users, groups));
    }

    /// Open a directory's page (the dashboard's drift row leads here).
    pub fn open(&mut self, name: &str) {
        self.selected = Some(name.to_owned());
        self.close_rows();
    }

    pub fn checked(&mut self, report: SyncReport) {
        self.confirm_fix = None;
        self.reports.insert(report.directory.clone(), report);
    }

    pub fn apply(&mut self, command: DirectoryCommand, cx: &mut Context<'_>) -> Outcome {
        let message = match command {
            DirectoryCommand::Select(name) => {
                self.accounts_system = name
                    .as_deref()
                    .and_then(|n| cx.records.linked.iter().find(|(d, _)| d.name == n))
                    .and_then(|(d, _)| d.accounts_system_id)
                    .and_then(|id| cx.records.directory.system(id))
                    .map(|s| s.name.clone())
                    .unwrap_or_default();
                self.selected = name;
                self.close_rows();
                return Outcome::SHOWN;
            }
            DirectoryCommand::Add => self.add(cx),
            DirectoryCommand::Test(name) => {
                return Outcome::Background(JobRequest::new(format!("Connecting to {name}"), false, move |office| {
                    let users = office.test_directory(&name)?;
                    let groups = office.directory_groups(&name)?;
                    Ok(JobOutput::DirectoryTested { name, users, groups })
                }));
            }
            DirectoryCommand::Check(name) => return check(name, None),
            DirectoryCommand::CheckFile(name) => {
                let path = self.export_path.trim().to_owned();
                return Outcome::Background(JobRequest::new(
                    format!("Checking {name} from its list"),
                    false,
                    move |office| {
                        let bytes = std::fs::read(&path)
                            .map_err(|e| ServiceError::Invalid(format!("cannot read {path}: {e}")))?;
                        let report = office.sync_directory_from_file(&name, &bytes)?;
                        let differences = crate::service::counted(report.findings.len(), "difference", "differences");
                        let message =
                            format!("{name} checked from its list: {} accounts read, {differences}.", report.accounts);
                        Ok(JobOutput::DirectoryChecked(report, message))
                    },
                ));
            }
            DirectoryCommand::RemoveLicences(name) => {
                let email = std::mem::take(&mut self.licences_of);
                return Outcome::Background(JobRequest::new(
                    format!("Removing the licences of {email} in {name}"),
                    false,
                    move |office| {
                        let removed = office.remove_licences(&name, &email)?;
                        Ok(JobOutput::Message(Some(match removed.is_empty() {
                            true => format!("{email} had no licence assigned in {name}."),
                            false => format!("Removed from {email} in {name}: {}.", removed.join(", ")),
                        })))
                    },
                ));
            }
            DirectoryCommand::SetAccounts(name) => {
                let system = self.accounts_system.clone();
                cx.office
                    .map_directory_accounts(&name, &system)
                    .map(|()| format!("Accounts in {name} are now accounts on {system}."))
            }
            DirectoryCommand::MapGroup(name) => {
                cx.office.map_directory_group(&name, &self.map_group, &self.map_system, &self.map_level).map(|()| {
                    let group = crate::domain::directory_change::group_name(&self.map_group).to_owned();
                    self.map_group.clear();
                    format!("Members of {group} now have {} ({}).", self.map_system, self.map_level)
                })
            }
            DirectoryCommand::ConfirmFix(index) => {
                self.confirm_fix = index;
                return Outcome::SHOWN;
            }
            DirectoryCommand::Fix(name, index) => {
                self.confirm_fix = None;
                let Some(finding) = self.finding(&name, index) else { return Outcome::SHOWN };
                return check(name, Some(finding));
            }
            DirectoryCommand::StartAccept(index) => {
                self.close_rows();
                self.accepting = index;
                return Outcome::SHOWN;
            }
            DirectoryCommand::Accept(index) => {
                let Some(name) = self.selected.clone() else { return Outcome::SHOWN };
                let Some(finding) = self.finding(&name, index) else { return Outcome::SHOWN };
                let accepted = cx.office.accept_finding(&finding, &self.reason);
                if accepted.is_ok() {
                    self.forget(&name, index);
                }
                accepted
            }
            DirectoryCommand::StartMatch(index) => {
                self.close_rows();
                self.matching = index;
                return Outcome::SHOWN;
            }
            DirectoryCommand::Match(name, index) => {
                let Some(finding) = self.finding(&name, index) else { return Outcome::SHOWN };
                let account = finding.account.clone().unwrap_or_default();
                let email = self.match_to.clone();
                let matched = cx.office.match_directory_account(&name, &account, &email).map(|()| {
                    format!("The account {account} is {}'s now; check again to see their access compared.", email)
                });
                if matched.is_ok() {
                    self.forget(&name, index);
                }
                matched
            }
        };
        Outcome::Written(message.map(Some))
    }

    fn add(&mut self, cx: &mut Context<'_>) -> crate::service::ServiceResult<String> {
        use crate::domain::linked_directory::DirectoryKind;
        let form = &mut self.add;
        let kind = DirectoryKind::parse(&form.kind).ok();
        let from_export = kind.is_some_and(DirectoryKind::is_from_export) && !form.live;
        if from_export {
            (form.base_dn, form.bind_dn, form.key_file) = Default::default();
            form.password.clear();
        }
        if kind == Some(DirectoryKind::GoogleWorkspace) && !from_export {
            let path = form.key_file.trim();
            let key = std::fs::read_to_string(path)
                .map_err(|e| ServiceError::Invalid(format!("cannot read the key file {path}: {e}")))?;
            form.password = SecretString::new(key);
        }
        let ca_file = Some(form.ca_file.trim()).filter(|f| !f.is_empty());
        let new = NewLinkedDirectory {
            name: &form.name,
            kind: &form.kind,
            url: &form.url,
            base_dn: &form.base_dn,
            bind_dn: &form.bind_dn,
            bind_password: &form.password,
            starttls: form.starttls,
            ca_file,
        };
        let added = cx.office.add_directory(&new);
        if kind == Some(DirectoryKind::GoogleWorkspace) {
            form.password.clear();
        }
        added?;
        let name = form.name.trim().to_owned();
        let key_file = std::mem::take(&mut form.key_file);
        *form = AddForm::default();
        self.selected = Some(name.clone());
        Ok(if from_export {
            format!("{name} added. Say which system its accounts are on, then check the user list you download.")
        } else if !key_file.trim().is_empty() {
            format!("{name} added; its key is now in the vault, so delete {key_file}. Test the connection next.")
        } else {
            format!("Directory {name} added. Test the connection next: it also reads the groups to map.")
        })
    }

    fn finding(&self, name: &str, index: usize) -> Option<crate::domain::linked_directory::Finding> {
        self.reports.get(name).and_then(|r| r.findings.get(index)).cloned()
    }

    /// A finding dealt with in the record leaves the list (the next check confirms it).
    fn forget(&mut self, name: &str, index: usize) {
        if let Some(report) = self.reports.get_mut(name)
            && index < report.findings.len()
        {
            report.findings.remove(index);
        }
        self.close_rows();
    }

    fn close_rows(&mut self) {
        (self.accepting, self.matching, self.confirm_fix) = (None, None, None);
        self.reason.clear();
        self.match_to.clear();
    }
}

/// Check the directory for drift on a worker thread, after putting `fix` right there first.
fn check(name: String, fix: Option<crate::domain::linked_directory::Finding>) -> Outcome {
    let label = match &fix {
        Some(_) => format!("Changing {name}, then checking it again"),
        None => format!("Checking {name} against the record"),
    };
    Outcome::Background(JobRequest::new(label, false, move |office| {
        let fixed = match &fix {
            Some(finding) if fix_for(finding).is_some() => Some(office.fix_finding(&name, finding)?),
            Some(_) => return Err(ServiceError::refused_by_state("Keyholder cannot change this in the directory")),
            None => None,
        };
        let report = office.sync_directory(&name)?;
        let differences = crate::service::counted(report.findings.len(), "difference", "differences");
        let message = match (fixed, &fix) {
            (Some(confirmed), Some(finding)) => {
                let done = fix_for(finding).map(|c| c.in_words(finding.account.as_deref().unwrap_or("the account")));
                format!("{}: done, {confirmed}. {differences} left.", done.unwrap_or_default())
            }
            _ => format!("{name} checked: {} accounts read, {differences} from the record.", report.accounts),
        };
        Ok(JobOutput::DirectoryChecked(report, message))
    }))
}
