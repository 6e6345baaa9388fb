//! The signed-in application shell: the session, the data the pages draw from (read after
//! sign-in and again only after a write) and one controller per page. After the frame is drawn
//! it routes each command to its page, reads the office back after a write and turns the result
//! into the notice to show. `frame` draws it; `exports` and `clipboard_guard` are the two things
//! it keeps for several pages; `jobs` runs the slow use cases off the drawing thread.

mod clipboard_guard;
mod exports;
mod frame;
mod jobs;

pub use clipboard_guard::CopiedSecret;
pub use exports::Exports;
pub use jobs::{JobGate, JobOutput, JobRequest};

use super::commands::{Command, Outcome, Page, Target};
use super::file_dialog::FileTarget;
use super::pages::Context;
use super::pages::compliance::CompliancePage;
use super::pages::directories::DirectoriesPage;
use super::pages::incidents::IncidentsPage;
use super::pages::matrix::MatrixPage;
use super::pages::operators::OperatorsPage;
use super::pages::overview::OverviewPage;
use super::pages::processes::ProcessesPage;
use super::pages::reviews::{ReviewCommand, ReviewsPage};
use super::pages::roles::RolesPage;
use super::pages::secrets::SecretsPage;
use super::pages::settings::SettingsCommand;
use super::pages::settings::SettingsPage;
use super::pages::staff::StaffPage;
use super::pages::systems::SystemsPage;
use super::print::Printer;
use super::records::{Derived, Records};
use super::widgets::Notice;
use crate::domain::audit::AuditRecord;
use crate::service::{DueTarget, Office, Policies, ServiceError, ServiceResult, Settings};
use crate::vault::keystore::SecretStore;
use crate::vault::operators::OperatorRow;
use std::sync::Arc;

/// How many audit records the audit page keeps in memory.
const AUDIT_PAGE_LIMIT: usize = 10_000;

/// What the pages show, read from the vault after sign-in and after each change.
pub struct ShellData {
    pub settings: Settings,
    pub operators: Vec<OperatorRow>,
    pub audit: Vec<AuditRecord>,
    pub remembered: bool,
    pub load_error: Option<String>,
    pub policies: Option<Policies>,
    /// Altered slots found in the key file at sign-in (empty when intact).
    pub key_file_problems: Vec<String>,
    /// The time zones the office can choose from (read once).
    pub time_zones: Vec<String>,
    /// Why nothing can be printed on this computer (worked out once).
    pub cannot_print: Option<String>,
}

/// Who is signed in to which vault: read at sign-in, drawn every frame (also while the office
/// is away on a job).
pub struct Session {
    pub operator: String,
    pub vault_name: String,
    /// Where the record is, as the status line says it: the file, or the server.
    pub vault_place: String,
    pub read_only: bool,
}

pub struct Shell {
    /// The signed-in office; `None` while a job has it on its worker thread.
    office: Option<Office>,
    pub session: Session,
    job: Option<jobs::RunningJob>,
    gate: JobGate,
    /// The office record a job read again on its thread, taken by the next `reload`.
    fresh_records: Option<Records>,
    /// The index, matrix and pick-lists being built after sign-in.
    pending_derived: Option<std::sync::mpsc::Receiver<Derived>>,
    store: Arc<dyn SecretStore>,
    copied: CopiedSecret,
    printer: Arc<dyn Printer>,
    exports: Exports,
    pub page: Page,
    pub data: ShellData,
    pub records: Records,
    overview: OverviewPage,
    staff: StaffPage,
    processes: ProcessesPage,
    reviews: ReviewsPage,
    secrets: SecretsPage,
    systems: SystemsPage,
    roles: RolesPage,
    matrix: MatrixPage,
    directories: DirectoriesPage,
    incidents: IncidentsPage,
    compliance: CompliancePage,
    operators: OperatorsPage,
    settings: SettingsPage,
}

impl Shell {
    pub fn open(office: Office, deps: &crate::ui::AppDeps) -> Self {
        let (store, clipboard, printer) = (deps.store.clone(), deps.clipboard.clone(), deps.printer.clone());
        let session = Session {
            operator: office.operator().to_string(),
            vault_name: office.vault_name(),
            vault_place: match office.server_display() {
                Some(server) => format!("Server: {server}"),
                None => format!("Vault: {}", office.vault_path().display()),
            },
            read_only: office.is_read_only(),
        };
        let data = ShellData {
            settings: Settings {
                office_name: office.vault_name(),
                auto_lock_minutes: 5,
                time_zone: String::new(),
                closes_at: crate::domain::office_hours::DEFAULT_CLOSING,
            },
            operators: Vec::new(),
            audit: Vec::new(),
            remembered: false,
            load_error: None,
            policies: None,
            key_file_problems: Vec::new(),
            // Read when Settings is first shown: the time-zone database is not needed to sign in.
            time_zones: Vec::new(),
            cannot_print: printer.why_not(),
        };
        let settings = SettingsPage::new(default_backup_path(&office));
        // The first screen is drawn from what needs the vault; the index, the matrix and the
        // pick-lists follow from a worker thread (see `settle_derived`).
        let mut records = Records::empty(office.today());
        let load_error = records.read(&office).err().map(|e| e.to_string());
        let pending_derived = Some(Derived::build_in_background(records.directory.clone(), records.today));
        let mut shell = Self {
            office: Some(office),
            session,
            job: None,
            gate: deps.job_gate.clone(),
            fresh_records: None,
            pending_derived,
            store,
            copied: CopiedSecret::new(clipboard),
            printer,
            exports: Exports::default(),
            page: Page::Dashboard,
            data,
            records,
            overview: OverviewPage::default(),
            staff: StaffPage::default(),
            processes: ProcessesPage::default(),
            reviews: ReviewsPage::default(),
            secrets: SecretsPage::default(),
            systems: SystemsPage::default(),
            roles: RolesPage::default(),
            matrix: MatrixPage::default(),
            directories: DirectoriesPage::default(),
            incidents: IncidentsPage::default(),
            compliance: CompliancePage::default(),
            operators: OperatorsPage::default(),
            settings,
        };
        let refreshed = shell.refresh().err().map(|e| e.to_string());
        shell.data.load_error = load_error.or(refreshed);
        shell.settings.reset(&shell.data);
        shell
    }

    fn refresh(&mut self) -> ServiceResult<()> {
        let office = self.office.as_ref().ok_or_else(away)?;
        self.data.settings = office.settings()?;
        self.data.operators = office.operators()?;
        self.data.audit = office.recent_audit(AUDIT_PAGE_LIMIT)?;
        self.data.remembered = office.is_remembered();
        self.data.policies = Some(office.policies()?);
        self.data.key_file_problems = office.key_file_problems();
        self.operators.totp.status = office.operator_totp_status()?;
        self.staff.authenticator.enrolments = office.authenticator_enrolments()?;
        self.secrets.authenticator.with_totp = office.secrets_with_totp()?;
        Ok(())
    }

    /// Take in the index, matrix and pick-lists built after sign-in: waiting for them
    /// (`wait`, before anything but the dashboard is drawn or any command applied), or only if
    /// they have arrived. Returns whether they are in.
    pub fn settle_derived(&mut self, wait: bool) -> bool {
        let Some(receiver) = &self.pending_derived else { return true };
        let derived = match receiver.try_recv() {
            Ok(derived) => derived,
            Err(std::sync::mpsc::TryRecvError::Empty) if !wait => return false,
            // Waiting, or the thread is gone: then it is built here.
            Err(_) => receiver.recv().unwrap_or_else(|_| Derived::build(&self.records.directory, self.records.today)),
        };
        self.pending_derived = None;
        self.records.apply(derived);
        self.staff.refilter(&self.records);
        self.matrix.refilter(&self.records);
        true
    }

    /// Read the office record again after a write, and let the pages catch up with it.
    fn reload(&mut self) -> ServiceResult<()> {
        // A full read supersedes what was still being built from the first one.
        self.pending_derived = None;
        let office = self.office.as_ref().ok_or_else(away)?;
        match self.fresh_records.take() {
            Some(records) => self.records = records,
            None => self.records.reload(office)?,
        }
        let records = &self.records;
        self.secrets.reload(office, records)?;
        self.processes.reloaded();
        self.systems.reloaded(records);
        self.staff.reloaded(records);
        self.matrix.refilter(records);
        self.roles.reloaded();
        if self.page == Page::Reviews {
            // Also when the operator came here while a job had the office.
            self.reviews.load(office)?;
        }
        if self.page == Page::Incidents {
            self.incidents.load(office)?;
        }
        if self.page == Page::Compliance {
            self.compliance.load(office)?;
        }
        Ok(())
    }

    /// When the record is on a server: take in what another desk changed and read the pages
    /// again (what is being typed in a form stays). Not while a job has the office.
    pub fn take_in_other_desks(&mut self) -> Option<Notice> {
        let office = self.office.as_mut()?;
        if !office.changes_waiting() {
            return None;
        }
        // Taken in, not marked as seen: a form open now still holds what it was opened with.
        let taken = match office.take_in_changes() {
            Ok(taken) => taken,
            Err(error) => return Some(Notice::error(error.to_string())),
        };
        if taken == crate::service::Taken::Nothing {
            return None;
        }
        match self.refresh().and_then(|()| self.reload_keeping_forms()) {
            // Another desk signing in adds only to the audit log: not worth a word.
            Ok(()) => (taken == crate::service::Taken::Changes)
                .then(|| Notice::info("Updated: a change was made on another desk.")),
            Err(error) => Some(Notice::error(error.to_string())),
        }
    }

    /// Whether the record is on a server (other desks' changes are looked for every second).
    pub fn on_server(&self) -> bool {
        self.office.as_ref().is_some_and(|office| office.server_display().is_some())
    }

    /// Read the office record again after another desk changed it; forms stay as they are.
    fn reload_keeping_forms(&mut self) -> ServiceResult<()> {
        self.pending_derived = None;
        let office = self.office.as_ref().ok_or_else(away)?;
        self.records.reload(office)?;
        let records = &self.records;
        self.secrets.reload(office, records)?;
        self.staff.refreshed_elsewhere(records);
        self.matrix.refilter(records);
        Ok(())
    }

    /// Read the due list (and the incident register, when shown) again, for the clocks; not
    /// while a job has the office (it reads everything when it comes back).
    pub fn refresh_clocks(&mut self) {
        let Some(office) = self.office.as_ref() else { return };
        if let Err(error) = self.records.reload_due(office) {
            tracing::warn!("the due list could not be read again: {error}");
        }
        if self.page == Page::Incidents
            && let Err(error) = self.incidents.load(office)
        {
            tracing::warn!("the incident register could not be read again: {error}");
        }
    }

    /// Apply a command; returns the notice to show. Only commands that write read the vault
    /// again afterwards.
    pub fn apply(&mut self, command: Command) -> Option<Notice> {
        self.settle_derived(true);
        match (&command, &self.job) {
            (Command::CancelJob, Some(job)) => {
                job.progress.cancel();
                return None;
            }
            (Command::ConfirmOverwrite, _) => return self.confirm_overwrite(),
            (Command::Navigate(_) | Command::KeepExistingFile | Command::CancelJob, _) | (_, None) => {}
            (_, Some(job)) => {
                return Some(Notice::info(format!("{} is still running: wait for it to finish.", job.label)));
            }
        }
        // A review decision changes only the review (mirrored in memory) and its dashboard
        // row: reading the whole office back on every K or R would cost a 10,000-person office
        // far more than the decision itself.
        let decision = matches!(command, Command::Reviews(ReviewCommand::Decide(_) | ReviewCommand::KeepGroup));
        let retry = command.clone();
        let outcome = self.route(command);
        self.settle(outcome, retry, decision)
    }

    /// What a command (or the job it started) did: read the office back after a write, and
    /// the notice to show.
    fn settle(&mut self, outcome: Outcome, command: Command, decision: bool) -> Option<Notice> {
        let result = match outcome {
            Outcome::Shown(result) => {
                // What the operator opened or chose now is what a later change is built on.
                if let Some(office) = self.office.as_mut() {
                    office.mark_seen();
                }
                return result.err().map(|e| Notice::error(e.to_string()));
            }
            Outcome::Written(result) => result,
            Outcome::WrittenThenOpen(result) => result.and_then(|(message, target)| {
                self.go_to(target)?;
                Ok(Some(message))
            }),
            Outcome::Background(request) => return self.start_job(request, command),
        };
        // On a server, the pages read again below show what other desks changed too.
        let caught_up = self.office.as_mut().map_or(Ok(false), Office::catch_up);
        if let Err(error) = caught_up {
            return Some(Notice::error(error.to_string()));
        }
        let refreshed = match self.office.as_ref() {
            Some(office) if decision => {
                // Only the record the decision added, not the last 10,000 again.
                let newest = self.data.audit.first().map_or(0, |record| record.seq);
                office
                    .audit_after(newest)
                    .map(|mut added| {
                        added.append(&mut self.data.audit);
                        added.truncate(AUDIT_PAGE_LIMIT);
                        self.data.audit = added;
                    })
                    .and_then(|()| self.records.reload_due(office))
            }
            _ => self.refresh().and_then(|()| self.reload()),
        };
        self.staff.update_history(&self.data.audit);
        match (result, refreshed) {
            (Ok(message), Ok(())) => message.map(Notice::info),
            (Err(error), _) if error.is_cancelled() => Some(Notice::info("Cancelled: nothing was changed or written.")),
            // A backup never replaces a file (an older backup may be the one that is needed).
            (Err(ServiceError::Vault(crate::vault::VaultError::AlreadyExists(path))), _)
                if matches!(command, Command::Settings(SettingsCommand::Backup)) =>
            {
                Some(Notice::error(format!(
                    "{} already exists; a backup never replaces a file: choose another name.",
                    path.display()
                )))
            }
            (Err(ServiceError::Vault(crate::vault::VaultError::AlreadyExists(path))), _) => {
                Some(self.exports.ask(command, path.display().to_string()))
            }
            (Err(error), _) | (Ok(_), Err(error)) => Some(Notice::error(error.to_string())),
        }
    }

    /// Move the office to a worker thread for a slow use case.
    fn start_job(&mut self, request: JobRequest, command: Command) -> Option<Notice> {
        let Some(office) = self.office.take() else { return Some(Notice::error(away().to_string())) };
        self.job = Some(jobs::RunningJob::start(office, request, command, &self.gate));
        None
    }

    /// Whether a job has the office now.
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// Called every frame: a finished job gives the office back, and its result is settled
    /// like any command's.
    pub fn poll_job(&mut self) -> JobEvent {
        let Some(job) = self.job.take() else { return JobEvent::None };
        match job.poll() {
            jobs::Poll::Running(job) => {
                self.job = Some(job);
                JobEvent::None
            }
            jobs::Poll::Lost(message) => JobEvent::Lost(message),
            jobs::Poll::Finished(finished) => {
                let jobs::Finished { office, result, command, records } = *finished;
                self.office = Some(office);
                self.fresh_records = records;
                let outcome = match result {
                    Ok(JobOutput::Message(message)) => Outcome::Written(Ok(message)),
                    Ok(JobOutput::Open(message, target)) => Outcome::WrittenThenOpen(Ok((message, target))),
                    Ok(JobOutput::ImportPlan(plan)) => {
                        self.staff.import_plan = Some(plan);
                        Outcome::SHOWN
                    }
                    Ok(JobOutput::Verified(problems)) => Outcome::Written(Ok(Some(self.overview.verified(problems)))),
                    Ok(JobOutput::DirectoryTested { name, users, groups }) => {
                        let message = format!(
                            "Connected to {name}: {} and {} read.",
                            crate::service::counted(users, "account", "accounts"),
                            crate::service::counted(groups.len(), "group", "groups")
                        );
                        self.directories.tested(name, users, groups);
                        Outcome::Written(Ok(Some(message)))
                    }
                    Ok(JobOutput::DirectoryChecked(report, message)) => {
                        self.directories.checked(report);
                        Outcome::Written(Ok(Some(message)))
                    }
                    Ok(JobOutput::ItemPreview(item, preview)) => {
                        self.processes.directory_preview = Some((item, preview));
                        Outcome::SHOWN
                    }
                    Ok(JobOutput::OperatorAdded(message)) => {
                        self.operators.forms.new_operator.clear();
                        Outcome::Written(Ok(Some(message)))
                    }
                    Err(error) => Outcome::Written(Err(error)),
                };
                JobEvent::Settled(self.settle(outcome, command, false))
            }
        }
    }

    /// Stop a running job and wait for the office to come back (before locking: the worker
    /// thread must not keep the key). Waits at most for one key derivation.
    pub fn end_job(&mut self) {
        if let Some(job) = self.job.take() {
            job.progress.cancel();
            self.office = job.wait().or(self.office.take());
        }
    }

    /// Run the export that waited for confirmation again, this time replacing the file.
    fn confirm_overwrite(&mut self) -> Option<Notice> {
        let command = self.exports.replace()?;
        let notice = self.apply(command);
        self.exports.replaced();
        notice
    }

    /// Hand a command to its page (or carry out the shell's own navigation).
    fn route(&mut self, command: Command) -> Outcome {
        match command {
            Command::Navigate(page) => return Outcome::Shown(self.navigate(page)),
            Command::Open(target) => return Outcome::Shown(self.go_to(target)),
            Command::OpenDue(index) => return Outcome::Shown(self.open_due(index)),
            Command::KeepExistingFile => {
                self.exports.keep();
                return Outcome::SHOWN;
            }
            _ => {}
        }
        let Some(office) = self.office.as_mut() else { return Outcome::Shown(Err(away())) };
        let mut cx = Context { office, records: &self.records, data: &self.data, exports: &self.exports };
        match command {
            Command::Overview(command) => self.overview.apply(command, &mut cx),
            Command::Staff(command) => self.staff.apply(command, &mut cx),
            Command::Processes(command) => self.processes.apply(command, &mut cx),
            Command::Reviews(command) => self.reviews.apply(command, &mut cx),
            Command::Secrets(command) => self.secrets.apply(command, &mut cx, &mut self.copied),
            Command::Systems(command) => self.systems.apply(command, &mut cx),
            Command::Roles(command) => self.roles.apply(command, &mut cx),
            Command::Matrix(command) => self.matrix.apply(command, &mut cx),
            Command::Directories(command) => self.directories.apply(command, &mut cx),
            Command::Incidents(command) => self.incidents.apply(command, &mut cx),
            Command::Compliance(command) => self.compliance.apply(command, &mut cx),
            Command::Operators(command) => self.operators.apply(command, &mut cx, self.store.as_ref()),
            Command::Settings(command) => {
                self.settings.apply(command, &mut cx, &mut self.copied, self.printer.as_ref())
            }
            // The app's own, the shell's (above) and the confirmation handled in `apply`.
            Command::DismissNotice
            | Command::ToggleHelp
            | Command::PickFile(_)
            | Command::Lock
            | Command::Entry(_)
            | Command::ConfirmOverwrite
            | Command::CancelJob
            | Command::Navigate(_)
            | Command::Open(_)
            | Command::OpenDue(_)
            | Command::KeepExistingFile => Outcome::SHOWN,
        }
    }

    fn navigate(&mut self, page: Page) -> ServiceResult<()> {
        self.page = page;
        if page == Page::Settings && self.data.time_zones.is_empty() {
            self.data.time_zones = Office::time_zone_names();
        }
        if page == Page::Staff {
            // The side bar's "Staff" is the list, not whoever was open last.
            self.staff.select(None, &self.records, &self.data.audit);
        }
        match (&self.office, page) {
            (Some(office), Page::Reviews) => self.reviews.load(office),
            (Some(office), Page::Compliance) => self.compliance.load(office),
            // The side bar's "Incidents" is the register, not whichever was open last.
            (Some(office), Page::Incidents) => {
                self.incidents.selected = None;
                self.incidents.load(office)
            }
            // While a job has the office, the list is read when it comes back (`reload`).
            _ => Ok(()),
        }
    }

    /// Go to a place on another page.
    fn go_to(&mut self, target: Target) -> ServiceResult<()> {
        let records = &self.records;
        match target {
            Target::Staff(id) => {
                self.page = Page::Staff;
                self.staff.select(Some(id), records, &self.data.audit);
            }
            Target::System(id) => {
                self.page = Page::Systems;
                self.systems.select(Some(id), records);
            }
            Target::Secret(id) => {
                let office = self.office.as_ref().ok_or_else(away)?;
                self.page = Page::Secrets;
                return self.secrets.select(Some(id), office, records);
            }
            Target::Checklist(id) => {
                self.page = Page::JoinersLeavers;
                self.processes.selected = Some(id);
            }
            Target::Review(id) => {
                let office = self.office.as_ref().ok_or_else(away)?;
                self.page = Page::Reviews;
                return self.reviews.open(office, id);
            }
            Target::Incident(id) => {
                let office = self.office.as_ref().ok_or_else(away)?;
                self.page = Page::Incidents;
                self.incidents.selected = Some(id);
                return self.incidents.load(office);
            }
        }
        Ok(())
    }

    /// Open where the dashboard's item number `index` is dealt with.
    fn open_due(&mut self, index: usize) -> ServiceResult<()> {
        let due = self.records.due.get(index);
        let (kind, target) = (due.map(|d| d.kind), due.and_then(|d| d.target));
        let target = match target {
            Some(DueTarget::Secret(id)) => Target::Secret(id),
            Some(DueTarget::Checklist(id)) => Target::Checklist(id),
            Some(DueTarget::Staff(id) | DueTarget::Account { staff: id, .. }) => Target::Staff(id),
            Some(DueTarget::Review(id)) => Target::Review(Some(id)),
            Some(DueTarget::Incident { id, .. }) => Target::Incident(id),
            // The next scheduled review has no campaign yet: the Reviews page starts it.
            None if kind == Some("review") => return self.navigate(Page::Reviews),
            None if kind == Some("key_file") => return self.navigate(Page::Settings),
            None if matches!(kind, Some("policy" | "training")) => return self.navigate(Page::Compliance),
            None if kind == Some("directory_drift") => {
                if let Some(due) = due {
                    self.directories.open(&due.subject);
                }
                return self.navigate(Page::Directories);
            }
            None => return Ok(()),
        };
        self.go_to(target)
    }

    /// Fill the path field a file dialog was opened for. Reports and evidence are two files,
    /// so their field holds the name without extension.
    pub fn set_path(&mut self, target: FileTarget, path: &std::path::Path) {
        let text = path.display().to_string();
        let base = || path.with_extension("").display().to_string();
        match target {
            FileTarget::Backup => self.settings.backup_path = text,
            FileTarget::ImportStaff => self.staff.forms.import_path = text,
            FileTarget::Export => self.exports.path = text,
            FileTarget::MatrixExport => self.matrix.export_path = text,
            FileTarget::Report => self.processes.forms.report_path = base(),
            FileTarget::ReviewEvidence => self.reviews.export_base = base(),
            FileTarget::QrPicture => self.secrets.authenticator.image = text,
            FileTarget::CaCertificate => self.directories.add.ca_file = text,
            FileTarget::AdminExport => self.directories.export_path = text,
            FileTarget::ServiceAccountKey => self.directories.add.key_file = text,
            FileTarget::IncidentAttachment => self.incidents.attach_path = text,
            FileTarget::IncidentReport => self.incidents.report_path = text,
            FileTarget::IncidentLetter => self.incidents.letter_path = text,
            FileTarget::IncidentRegister => self.incidents.register_path = text,
            FileTarget::AttachmentCopy => self.incidents.save_path = text,
            FileTarget::PolicyDocument => self.compliance.policy_file = text,
            FileTarget::TrainingCertificate => self.compliance.certificate = text,
            FileTarget::EvidenceFolder => self.compliance.pack_dir = text,
        }
    }

    /// Called every frame: hide a revealed secret after 30 s, clear the clipboard when due.
    /// Returns true when a copied secret was cleared just now (so "Copied" can stop saying so).
    pub fn tick(&mut self, now: jiff::Timestamp) -> bool {
        self.secrets.tick(now);
        let due = self.copied.is_due(now);
        if due {
            self.release_clipboard();
        }
        due
    }

    /// When the shell must be drawn again without input: a countdown's next second, or the
    /// moment a copied secret leaves the clipboard.
    pub fn next_wake(&self, now: jiff::Timestamp) -> Option<jiff::Timestamp> {
        // The index and counts being built after sign-in: look again in a moment.
        let derived =
            self.pending_derived.as_ref().and_then(|_| now.checked_add(jiff::SignedDuration::from_millis(15)).ok());
        [self.secrets.next_wake(now), self.copied.clear_at(), derived].into_iter().flatten().min()
    }

    /// Hide a revealed secret and clear the clipboard if it still holds the one copied.
    pub fn release_clipboard(&mut self) {
        self.secrets.hide();
        self.copied.release();
    }
}

/// What happens to a job this frame.
pub enum JobEvent {
    None,
    /// It finished: the notice to show, if any.
    Settled(Option<Notice>),
    /// Its thread died and the office with it: the app locks.
    Lost(String),
}

/// Asked of the office while a job has it (only the side navigation is live then).
fn away() -> ServiceError {
    ServiceError::RefusedByState("a task is still running: wait for it to finish".into())
}

fn default_backup_path(office: &Office) -> String {
    let folder = office.vault_path().parent().map(|p| p.to_path_buf()).unwrap_or_default();
    let date = office.now().strftime("%Y-%m-%d").to_string();
    folder.join(format!("{}-{date}.khbackup", office.vault_name())).display().to_string()
}
