//! The signed-in application shell: side navigation, the status line with the lock button, and
//! the page in the middle. Holds the data the pages draw from, refreshed only after a write.

use super::clipboard::SecretClipboard;
use super::commands::{Command, Page};
use super::pages::reviews::{OpenReview, ReviewView};
use super::pages::{
    audit, dashboard, matrix, operators, overview, processes, roles, secrets, settings, staff, systems,
};
use super::records::Records;
use super::totp::{QrCode, TotpView};
use super::widgets::Notice;
use crate::domain::audit::AuditRecord;
use crate::domain::checklist::Process;
use crate::domain::clipboard::{ClipboardGuard, DEFAULT_CLEAR_AFTER_SECS};
use crate::domain::secret::SecretString;
use crate::domain::staff::{StaffDraft, StaffId};
use crate::service::{DueTarget, Policies, generate_password};
use crate::service::{NewJoiner, new_system};
use crate::service::{Office, ServiceResult, Settings};
use crate::vault::keystore::SecretStore;
use crate::vault::operators::OperatorRow;
use std::sync::Arc;
use zeroize::Zeroizing;

/// How many audit records the audit page keeps in memory.
const AUDIT_PAGE_LIMIT: usize = 10_000;

/// What the pages show, read from the vault after sign-in and after each change.
pub struct ShellData {
    pub settings: Settings,
    pub operators: Vec<OperatorRow>,
    pub audit: Vec<AuditRecord>,
    pub remembered: bool,
    pub verify: Option<Vec<String>>,
    pub load_error: Option<String>,
    pub policies: Option<Policies>,
    /// Altered slots found in the key file at sign-in (empty when intact).
    pub key_file_problems: Vec<String>,
    /// The time zones the office can choose from (read once).
    pub time_zones: Vec<String>,
}

/// Text the operator is typing on the pages.
#[derive(Default)]
pub struct ShellForms {
    pub current_password: SecretString,
    pub new_password: SecretString,
    pub confirm_password: SecretString,
    pub new_operator: String,
    pub new_operator_password: SecretString,
    pub new_operator_confirm: SecretString,
    pub office_name: String,
    pub auto_lock_minutes: u32,
    pub backup_path: String,
    pub remove_candidate: Option<String>,
    pub policies: Option<Policies>,
    pub time_zone: String,
    /// A new recovery key, shown until the operator says it is stored (then wiped).
    pub new_recovery_key: Option<zeroize::Zeroizing<String>>,
    pub recovery_key_stored: bool,
    pub confirm_rekey: bool,
    /// Narrows the time-zone list as the operator types.
    pub time_zone_filter: String,
}

pub struct Shell {
    pub office: Office,
    /// An export that stopped because its file exists, waiting for "Replace" or "Keep".
    pub overwrite_pending: Option<(Command, String)>,
    /// Set only while a confirmed export runs again.
    overwrite_allowed: bool,
    store: Arc<dyn SecretStore>,
    clipboard: Arc<dyn SecretClipboard>,
    clipboard_guard: Option<ClipboardGuard>,
    pub page: Page,
    pub data: ShellData,
    pub forms: ShellForms,
    pub records: Records,
    pub totp: TotpView,
    pub reviews: ReviewView,
}

impl Shell {
    pub fn open(office: Office, store: Arc<dyn SecretStore>, clipboard: Arc<dyn SecretClipboard>) -> Self {
        let data = ShellData {
            settings: Settings { office_name: office.vault_name(), auto_lock_minutes: 5, time_zone: String::new() },
            operators: Vec::new(),
            audit: Vec::new(),
            remembered: false,
            verify: None,
            load_error: None,
            policies: None,
            key_file_problems: Vec::new(),
            time_zones: Office::time_zone_names(),
        };
        let backup_path = default_backup_path(&office);
        let records = Records::load(&office);
        let load_error = records.as_ref().err().map(ToString::to_string);
        let records = records.unwrap_or_else(|_| Records::empty(office.today()));
        let mut shell = Self {
            office,
            overwrite_pending: None,
            overwrite_allowed: false,
            store,
            clipboard,
            clipboard_guard: None,
            page: Page::Dashboard,
            data,
            forms: ShellForms { backup_path, ..Default::default() },
            records,
            totp: TotpView::default(),
            reviews: ReviewView::default(),
        };
        let refreshed = shell.refresh().err().map(|e| e.to_string());
        shell.data.load_error = load_error.or(refreshed);
        shell.reset_settings_form();
        shell
    }

    fn refresh(&mut self) -> ServiceResult<()> {
        self.data.settings = self.office.settings()?;
        self.data.operators = self.office.operators()?;
        self.data.audit = self.office.recent_audit(AUDIT_PAGE_LIMIT)?;
        self.data.remembered = self.office.is_remembered();
        self.data.policies = Some(self.office.policies()?);
        self.data.key_file_problems = self.office.key_file_problems();
        self.totp.status = self.office.operator_totp_status()?;
        self.totp.enrolments = self.office.authenticator_enrolments()?;
        self.totp.secrets_with_totp = self.office.secrets_with_totp()?;
        Ok(())
    }

    fn reset_settings_form(&mut self) {
        self.forms.office_name = self.data.settings.office_name.clone();
        self.forms.auto_lock_minutes = self.data.settings.auto_lock_minutes;
        self.forms.time_zone = self.data.settings.time_zone.clone();
        self.forms.policies = self.data.policies;
    }

    /// Apply a shell command; returns the notice to show. Only commands that write read the
    /// vault again afterwards.
    pub fn apply(&mut self, command: Command) -> Option<Notice> {
        if let Some(result) = self.view(&command) {
            return result.err().map(|e| Notice::error(e.to_string()));
        }
        // A review decision changes only the review (mirrored in memory) and its dashboard
        // row: reading the whole office back on every K or R would cost a 10,000-person office
        // far more than the decision itself.
        if command == Command::ConfirmOverwrite {
            return self.confirm_overwrite();
        }
        let decision = matches!(command, Command::DecideReview(_) | Command::KeepReviewGroup);
        let retry = command.clone();
        let result = self.run(command);
        let refreshed = if decision {
            self.office.recent_audit(AUDIT_PAGE_LIMIT).map(|audit| self.data.audit = audit).and_then(|()| {
                self.records.due = self.office.due_items_in(&self.records.directory)?;
                Ok(())
            })
        } else {
            self.refresh().and_then(|()| self.records.reload(&self.office))
        };
        self.records.update_history(&self.data.audit);
        match (result, refreshed) {
            (Ok(message), Ok(())) => message.map(Notice::info),
            (Err(crate::service::ServiceError::Vault(crate::vault::VaultError::AlreadyExists(path))), _) => {
                let path = path.display().to_string();
                self.overwrite_pending = Some((retry, path.clone()));
                Some(Notice::info(format!("{path} already exists: replace it, or keep it and choose another name.")))
            }
            (Err(error), _) | (Ok(_), Err(error)) => Some(Notice::error(error.to_string())),
        }
    }

    /// Run the export that waited for confirmation again, this time replacing the file.
    fn confirm_overwrite(&mut self) -> Option<Notice> {
        let (command, _) = self.overwrite_pending.take()?;
        self.overwrite_allowed = true;
        let notice = self.apply(command);
        self.overwrite_allowed = false;
        notice
    }

    fn write_file(&self, path: &str, bytes: &[u8]) -> ServiceResult<()> {
        Ok(crate::vault::fsutil::write_export(std::path::Path::new(path.trim()), bytes, self.overwrite_allowed)?)
    }

    /// Commands that only change what is shown; `None` for commands that write.
    fn view(&mut self, command: &Command) -> Option<ServiceResult<()>> {
        let records = &mut self.records;
        match command {
            Command::KeepExistingFile => self.overwrite_pending = None,
            Command::CancelNewRecoveryKey => {
                // Dropping the Zeroizing string wipes it.
                self.forms.new_recovery_key = None;
                self.forms.recovery_key_stored = false;
            }
            Command::AskRekey(ask) => self.forms.confirm_rekey = *ask,
            Command::Navigate(page) => {
                self.page = *page;
                if *page == Page::Reviews {
                    return Some(self.load_reviews());
                }
            }
            Command::OpenReview(id) => {
                self.page = Page::Reviews;
                self.reviews.open = None;
                if let Some(id) = id {
                    return Some(self.open_review(*id));
                }
                return Some(self.load_reviews());
            }
            Command::ArrangeReview { by_system, changed_only } => {
                if let Some(open) = &mut self.reviews.open {
                    open.by_system = *by_system;
                    open.changed_only = *changed_only;
                    open.cursor = 0;
                    open.arrange();
                    open.scroll_to_cursor = true;
                }
            }
            Command::ReviewCursor(row) => {
                if let Some(open) = &mut self.reviews.open {
                    open.cursor = (*row).min(open.rows.len().saturating_sub(1));
                    open.comment.clear();
                    open.scroll_to_cursor = true;
                }
            }
            Command::RefilterStaff => records.refilter(),
            Command::SortStaff(key) => {
                records.filter.descending = records.filter.sort == *key && !records.filter.descending;
                records.filter.sort = *key;
                records.refilter();
            }
            Command::SelectStaff(id) => {
                records.selected_staff = *id;
                records.reset_pending_roles();
                records.update_history(&self.data.audit);
                records.forms.leaver_last_day = records.today.to_string();
                records.forms.grant_system = None;
                records.forms.grant_level.clear();
            }
            Command::SelectSystem(id) => {
                records.select_system(*id);
                if let Some(system) = id.and_then(|s| records.directory.system(s)) {
                    records.forms.system_edit_customer_data = system.customer_data;
                    records.forms.system_edit_mfa = system.mfa_supported;
                }
            }
            Command::OpenChecklist(id) => {
                records.selected_checklist = *id;
                records.forms.confirm_item = None;
                records.forms.skip_reason.clear();
            }
            Command::ConfirmItem(item) => records.forms.confirm_item = *item,
            Command::AskRemoveOperator(name) => self.forms.remove_candidate = name.clone(),
            Command::DismissRecoveryCodes => self.totp.recovery_codes.clear(),
            Command::CloseEnrolment => self.totp.staff_enrolment = None,
            Command::SelectSecret(id) => {
                records.selected_secret = *id;
                records.revealed = None;
                // What was typed for one secret must not be applied to the next.
                records.forms.rotate_value.clear();
                records.forms.compromise_note.clear();
                self.totp.secret_uri.clear();
                self.totp.secret_image.clear();
                self.totp.secret_code = None;
                let name = id.and_then(|id| records.secret(id)).map(|s| s.secret.name.clone());
                records.secret_holders = match name {
                    Some(name) => match self.office.secret_holders(&name) {
                        Ok(holders) => holders,
                        Err(error) => return Some(Err(error)),
                    },
                    None => Vec::new(),
                };
            }
            Command::HideSecret => records.revealed = None,
            Command::GoToSystem(id) => {
                self.page = Page::Systems;
                return self.view(&Command::SelectSystem(Some(*id)));
            }
            Command::GoToStaff(id) => {
                self.page = Page::Staff;
                return self.view(&Command::SelectStaff(Some(*id)));
            }
            Command::GoToSecret(id) => {
                self.page = Page::Secrets;
                return self.view(&Command::SelectSecret(Some(*id)));
            }
            Command::GenerateRotation | Command::GenerateNewSecret => {
                let value = match generate_password(records.forms.generator_length, records.forms.generator_sets) {
                    Ok(value) => value,
                    Err(error) => return Some(Err(error)),
                };
                if *command == Command::GenerateRotation {
                    records.forms.rotate_value = value;
                } else {
                    records.forms.secret_value = value;
                }
            }
            Command::OpenDue(index) => {
                let due = records.due.get(*index);
                let Some(target) = due.and_then(|d| d.target) else {
                    // The next scheduled review has no campaign yet: the Reviews page starts it.
                    if due.is_some_and(|d| d.kind == "review") {
                        return self.view(&Command::Navigate(Page::Reviews));
                    }
                    if due.is_some_and(|d| d.kind == "key_file") {
                        return self.view(&Command::Navigate(Page::Settings));
                    }
                    return Some(Ok(()));
                };
                match target {
                    DueTarget::Secret(id) => {
                        self.page = Page::Secrets;
                        return self.view(&Command::SelectSecret(Some(id)));
                    }
                    DueTarget::Checklist(id) => {
                        self.page = Page::JoinersLeavers;
                        records.selected_checklist = Some(id);
                    }
                    DueTarget::Staff(id) => {
                        self.page = Page::Staff;
                        return self.view(&Command::SelectStaff(Some(id)));
                    }
                    DueTarget::Review(id) => return self.view(&Command::OpenReview(Some(id))),
                }
            }
            Command::EditRole(role) => {
                records.forms.editing_role = *role;
                records.forms.pending_levels =
                    role.and_then(|r| records.directory.role(r)).map(|r| r.levels.clone()).unwrap_or_default();
                records.role_preview = None;
            }
            Command::PreviewRole => {
                if let Some(role) = records.forms.editing_role {
                    records.role_preview =
                        Some(records.directory.role_change_diff(role, &records.forms.pending_levels, records.today));
                }
            }
            Command::EditStaff(id) => {
                records.forms.editing = id.and_then(|id| records.directory.person(id)).map(|person| {
                    let manager = person.manager_id.and_then(|m| records.directory.person(m)).map(|m| m.email.as_str());
                    person.to_draft(manager)
                });
            }
            Command::MatrixColumns(first) => records.matrix_first_column = *first,
            Command::ToggleAddStaff => records.forms.show_add_staff = !records.forms.show_add_staff,
            Command::CancelImport => records.import_plan = None,
            Command::PreviewImport => {
                let path = std::path::PathBuf::from(records.forms.import_path.trim());
                let result = std::fs::read(&path)
                    .map_err(|e| crate::service::ServiceError::Invalid(format!("cannot read {}: {e}", path.display())))
                    .and_then(|bytes| self.office.preview_import(&bytes));
                return Some(result.map(|plan| records.import_plan = Some(plan)));
            }
            _ => return None,
        }
        Some(Ok(()))
    }

    fn run(&mut self, command: Command) -> ServiceResult<Option<String>> {
        if let Some(message) = self.run_record_command(&command)? {
            return Ok(Some(message));
        }
        if let Some(message) = self.run_totp_command(&command)? {
            return Ok(Some(message));
        }
        if let Some(message) = self.run_review_command(&command)? {
            return Ok(Some(message));
        }
        let forms = &mut self.forms;
        Ok(match command {
            Command::ChangePassword => {
                if forms.new_password != forms.confirm_password {
                    return Err(crate::service::ServiceError::Invalid("the two new passwords differ".into()));
                }
                let (current, new) =
                    (std::mem::take(&mut forms.current_password), std::mem::take(&mut forms.new_password));
                forms.confirm_password.clear();
                self.office.change_password(&current, &new)?;
                Some("Your password was changed.".into())
            }
            Command::AddOperator => {
                if forms.new_operator_password != forms.new_operator_confirm {
                    return Err(crate::service::ServiceError::Invalid("the two passwords differ".into()));
                }
                let name = forms.new_operator.trim().to_owned();
                let password = std::mem::take(&mut forms.new_operator_password);
                forms.new_operator_confirm.clear();
                self.office.add_operator(&name, &password)?;
                forms.new_operator.clear();
                Some(format!("Operator {name} added. They sign in with their own password."))
            }
            Command::RemoveOperator(name) => {
                forms.remove_candidate = None;
                self.office.remove_operator(&name, self.store.as_ref())?;
                Some(format!("Operator {name} removed."))
            }
            Command::SaveSettings => {
                let (name, minutes) = (forms.office_name.clone(), forms.auto_lock_minutes);
                if name.trim() != self.data.settings.office_name {
                    self.office.set_office_name(&name)?;
                }
                if minutes != self.data.settings.auto_lock_minutes {
                    self.office.set_auto_lock_minutes(minutes)?;
                }
                if forms.time_zone != self.data.settings.time_zone {
                    self.office.set_time_zone(&forms.time_zone)?;
                }
                Some("Settings saved.".into())
            }
            Command::SavePolicies => {
                let Some(policies) = forms.policies else { return Ok(None) };
                self.office.set_policies(policies)?;
                Some("Policies saved.".into())
            }
            Command::SetRemembered(true) => {
                self.office.remember_on_this_computer(self.store.as_ref())?;
                Some("This computer now remembers your key. Sign-in can skip the password here.".into())
            }
            Command::SetRemembered(false) => {
                self.office.forget_on_this_computer(self.store.as_ref())?;
                Some("This computer no longer remembers your key.".into())
            }
            Command::RepairKeyFile => {
                let repaired = self.office.repair_key_file()?;
                Some(format!("Key file repaired: {}.", repaired.join("; ")))
            }
            Command::Rekey => {
                forms.confirm_rekey = false;
                self.office.rekey()?;
                Some("The vault's key was changed: older copies of its key file open nothing now.".into())
            }
            Command::NewRecoveryKey => {
                forms.new_recovery_key = Some(crate::service::propose_recovery_key()?);
                forms.recovery_key_stored = false;
                Some("Write down the new recovery key. The current one keeps working until you confirm.".into())
            }
            Command::AcknowledgeNewRecoveryKey => {
                let Some(key) = forms.new_recovery_key.take() else { return Ok(None) };
                forms.recovery_key_stored = false;
                self.office.set_recovery_key(&SecretString::new(key.as_str()))?;
                Some("The new recovery key is in use; the old one no longer works.".into())
            }
            Command::Verify => {
                let problems = self.office.verify()?;
                let message = if problems.is_empty() {
                    "The vault verified: every page and the audit chain are intact."
                } else {
                    "The vault has problems: see Overview."
                };
                self.data.verify = Some(problems);
                Some(message.into())
            }
            Command::Backup => {
                let target = std::path::PathBuf::from(forms.backup_path.trim());
                let size = self.office.backup(&target)?;
                Some(format!("Backup written to {} ({} KiB).", target.display(), size.div_ceil(1024)))
            }
            _ => None,
        })
    }

    /// Authenticator commands; `None` when the command is not one of them.
    fn run_totp_command(&mut self, command: &Command) -> ServiceResult<Option<String>> {
        let invalid = crate::service::ServiceError::Invalid;
        let email_of = |records: &Records, id: StaffId| {
            records.directory.person(id).map(|p| p.email.clone()).ok_or_else(|| invalid("no such person".into()))
        };
        let view = &mut self.totp;
        let message = match command {
            Command::BeginOperatorTotp => {
                let setup = self.office.begin_operator_totp()?;
                let qr = QrCode::for_uri(&setup.uri).ok_or_else(|| invalid("cannot draw the QR code".into()))?;
                view.setup = Some(qr);
                view.operator_code.clear();
                "Scan the code, then type the code the app shows to turn it on.".to_owned()
            }
            Command::ConfirmOperatorTotp => {
                let code = std::mem::take(&mut view.operator_code);
                view.recovery_codes = self.office.confirm_operator_totp(code.expose())?;
                view.setup = None;
                "Two-step sign-in is on.".to_owned()
            }
            Command::DisableOperatorTotp => {
                let code = std::mem::take(&mut view.operator_code);
                self.office.disable_operator_totp(code.expose())?;
                "Two-step sign-in is off.".to_owned()
            }
            Command::EnrolAuthenticator(staff) => {
                let (uri, _png) = self.office.enrol_authenticator(&email_of(&self.records, *staff)?)?;
                let qr = QrCode::for_uri(&uri).ok_or_else(|| invalid("cannot draw the QR code".into()))?;
                view.staff_enrolment = Some((*staff, qr));
                view.staff_code.clear();
                view.identity = None;
                "Enrolment started: confirm it with their first code.".to_owned()
            }
            Command::ConfirmAuthenticator(staff) | Command::VerifyIdentity(staff) => {
                let code = std::mem::take(&mut view.staff_code);
                let result = self.office.verify_staff_code(&email_of(&self.records, *staff)?, &code);
                let confirming = matches!(command, Command::ConfirmAuthenticator(_));
                match &result {
                    Ok(()) if confirming => view.staff_enrolment = None,
                    _ => {}
                }
                let text = match (&result, confirming) {
                    (Ok(()), true) => "Authenticator confirmed.".to_owned(),
                    (Ok(()), false) => "The code is right: the caller has this person's phone.".to_owned(),
                    (Err(error), _) => format!("Not verified: {error}"),
                };
                // Shown beside the field, not as a notice too.
                view.identity = Some((*staff, result.is_ok(), text));
                return Ok(None);
            }
            Command::ShowSecretCode(id) => {
                let (code, seconds) = self.office.secret_totp_code(&self.records.secret_name(*id)?)?;
                let until = self.office.now().checked_add(jiff::SignedDuration::from_secs(seconds as i64));
                view.secret_code = Some((*id, code, until.unwrap_or(self.office.now())));
                return Ok(None);
            }
            Command::CopySecretCode(id) => {
                let (code, _) = self.office.secret_totp_code(&self.records.secret_name(*id)?)?;
                self.copy_to_clipboard(&code)?
            }
            Command::AttachSecretTotp(id) => {
                let uri = if view.secret_uri.expose().trim().is_empty() {
                    crate::service::read_qr_image(std::path::Path::new(view.secret_image.trim()))?
                } else {
                    Zeroizing::new(view.secret_uri.expose().trim().to_owned())
                };
                self.office.set_secret_totp(&self.records.secret_name(*id)?, &uri)?;
                view.secret_uri.clear();
                view.secret_image.clear();
                "Authenticator attached.".to_owned()
            }
            _ => return Ok(None),
        };
        Ok(Some(message))
    }

    fn load_reviews(&mut self) -> ServiceResult<()> {
        self.reviews.summaries = self.office.reviews()?;
        if self.reviews.reviewer.is_empty() {
            self.reviews.reviewer = self.office.operator().to_string();
            self.reviews.scope = "all".into();
            let days = jiff::Span::new().days(crate::domain::review::DEFAULT_DAYS_TO_COMPLETE);
            let due = self.office.today().checked_add(days).unwrap_or(self.office.today());
            self.reviews.due = due.to_string();
            self.reviews.cadence = crate::domain::review::DEFAULT_CADENCE_DAYS.to_string();
        }
        Ok(())
    }

    /// Read a campaign into memory (on opening it and after signing off, not per decision).
    fn open_review(&mut self, id: i64) -> ServiceResult<()> {
        self.load_reviews()?;
        let previous = self.reviews.open.take();
        let mut open = OpenReview::new(
            self.office.review(id)?,
            self.office.review_items(id)?,
            self.office.review_revocations(id)?,
            self.office.review_exports(id)?,
        );
        if let Some(previous) = previous.filter(|p| p.summary.review.id == id) {
            open.by_system = previous.by_system;
            open.changed_only = previous.changed_only;
            open.cursor = previous.cursor;
            open.arrange();
        }
        if self.reviews.export_base.is_empty() {
            let folder = self.office.vault_path().parent().map(|p| p.to_path_buf()).unwrap_or_default();
            self.reviews.export_base = folder.join(format!("access-review-{id}")).display().to_string();
        }
        self.reviews.open = Some(open);
        Ok(())
    }

    /// Fill the path field a file dialog was opened for. Reports and evidence are two files,
    /// so their field holds the name without extension.
    pub fn set_path(&mut self, target: super::file_dialog::FileTarget, path: &std::path::Path) {
        use super::file_dialog::FileTarget;
        let text = path.display().to_string();
        let base = || path.with_extension("").display().to_string();
        match target {
            FileTarget::Backup => self.forms.backup_path = text,
            FileTarget::ImportStaff => self.records.forms.import_path = text,
            FileTarget::Export => self.records.forms.export_path = text,
            FileTarget::Report => self.records.forms.report_path = base(),
            FileTarget::ReviewEvidence => self.reviews.export_base = base(),
            FileTarget::QrPicture => self.totp.secret_image = text,
        }
    }

    fn open_review_id(&self) -> ServiceResult<i64> {
        let open = self.reviews.open.as_ref();
        open.map(|o| o.summary.review.id)
            .ok_or_else(|| crate::service::ServiceError::Invalid("open a review first".into()))
    }

    /// Access review commands that write; `None` when the command is not one of them.
    fn run_review_command(&mut self, command: &Command) -> ServiceResult<Option<String>> {
        let invalid = crate::service::ServiceError::Invalid;
        let message = match command {
            Command::StartReview => {
                let view = &self.reviews;
                let scope = if view.scope == "team" { format!("team:{}", view.team) } else { view.scope.clone() };
                let cadence = view.cadence.trim().parse::<u32>().map_err(|_| {
                    crate::service::ServiceError::Invalid("repeat every: a number of days (91 is quarterly)".into())
                })?;
                let new = crate::service::NewReview {
                    scope: &scope,
                    reviewer: Some(view.reviewer.as_str()),
                    due: Some(view.due.as_str()),
                    cadence_days: Some(cadence),
                };
                let id = self.office.start_review(&new)?;
                self.open_review(id)?;
                let count = self.reviews.open.as_ref().map_or(0, |o| o.items.len());
                format!("Review #{id} started: {count} item(s) to decide. K keeps, R removes, J moves on.")
            }
            Command::DecideReview(_) | Command::KeepReviewGroup => {
                let open = self.reviews.open.as_mut().ok_or_else(|| invalid("open a review first".into()))?;
                let (ids, code) = match command {
                    Command::DecideReview(code) => {
                        (open.current().map(|i| vec![i.id]).unwrap_or_default(), code.as_str())
                    }
                    _ => (open.group_of_current(), "keep"),
                };
                let comment = open.comment.trim().to_owned();
                self.office.decide_review_items(&ids, code, &comment)?;
                let decision = crate::domain::review::Decision::parse(code).map_err(invalid)?;
                open.record_decision(&ids, &decision, &comment, self.office.operator().as_str(), self.office.now());
                open.comment.clear();
                open.advance(true);
                return Ok(None);
            }
            Command::SignOffReview => {
                let id = self.open_review_id()?;
                let removals = self.office.sign_off_review(id)?;
                self.open_review(id)?;
                format!("Review #{id} signed off; {removals} removal(s) to carry out (Joiners & leavers lists them).")
            }
            Command::ExportReview => {
                let id = self.open_review_id()?;
                let base = self.reviews.export_base.trim().to_owned();
                let (pdf, csv) = (format!("{base}.pdf"), format!("{base}.csv"));
                self.office.export_review(id, std::path::Path::new(&pdf), std::path::Path::new(&csv))?;
                self.open_review(id)?;
                format!("Evidence saved as {pdf} and {csv}.")
            }
            _ => return Ok(None),
        };
        Ok(Some(message))
    }

    /// Put `value` on the clipboard and arrange for it to be cleared (only if still ours).
    fn copy_to_clipboard(&mut self, value: &str) -> ServiceResult<String> {
        self.clipboard.set(value).map_err(crate::service::ServiceError::Invalid)?;
        let secs = self.data.policies.map_or(DEFAULT_CLEAR_AFTER_SECS, |p| p.clipboard_clear_secs);
        let after = jiff::SignedDuration::from_secs(secs);
        self.clipboard_guard = Some(ClipboardGuard::new(value, self.office.now(), after));
        Ok(format!("Copied; the clipboard is cleared in {secs} s."))
    }

    /// Called every frame: hide a revealed secret after 30 s, clear the clipboard when due.
    pub fn tick(&mut self, now: jiff::Timestamp) {
        self.totp.tick(now);
        if self.records.revealed.as_ref().is_some_and(|(_, _, until)| now >= *until) {
            self.records.revealed = None;
        }
        if self.clipboard_guard.as_ref().is_some_and(|g| g.is_due(now)) {
            self.release_clipboard();
        }
    }

    /// Clear the clipboard if it still holds the secret Keyholder copied. Only something else
    /// read back from it spares it: when it cannot be read, it is cleared anyway (a secret left
    /// there is worse than a cleared clipboard). A failed clear is tried again at the next tick.
    pub fn release_clipboard(&mut self) {
        self.records.revealed = None;
        let Some(guard) = self.clipboard_guard.take() else { return };
        if let Some(current) = self.clipboard.get()
            && !guard.still_ours(Some(&current))
        {
            return;
        }
        if let Err(error) = self.clipboard.clear() {
            tracing::warn!("the clipboard could not be cleared yet: {error}");
            self.clipboard_guard = Some(guard);
        }
    }

    /// Writes to the office record; `None` when the command is not one of them.
    fn run_record_command(&mut self, command: &Command) -> ServiceResult<Option<String>> {
        let directory = &self.records.directory;
        let email_of = |id: StaffId| directory.person(id).map(|p| p.email.clone()).unwrap_or_default();
        let forms = &mut self.records.forms;
        let message = match command {
            Command::AddStaff => {
                let draft = StaffDraft {
                    full_name: forms.new_name.clone(),
                    email: forms.new_email.clone(),
                    job_title: forms.new_title.clone(),
                    team: forms.new_team.clone(),
                    manager_email: forms.new_manager.clone(),
                    start_date: forms.new_start.clone(),
                    ..Default::default()
                };
                self.office.add_staff(&draft)?;
                forms.show_add_staff = false;
                for field in [
                    &mut forms.new_name,
                    &mut forms.new_email,
                    &mut forms.new_title,
                    &mut forms.new_team,
                    &mut forms.new_manager,
                    &mut forms.new_start,
                ] {
                    field.clear();
                }
                format!("{} added.", draft.full_name.trim())
            }
            Command::CompleteItem(item) => {
                self.office.complete_item(*item)?;
                "Item done.".to_owned()
            }
            Command::SkipItem(item) => {
                self.office.skip_item(*item, &forms.skip_reason)?;
                forms.skip_reason.clear();
                "Item skipped.".to_owned()
            }
            Command::FinishLeaver(staff) => {
                self.office.finish_leaver(&email_of(*staff))?;
                self.records.selected_checklist = None;
                "Marked as left.".to_owned()
            }
            Command::StartJoiner => {
                let draft = StaffDraft {
                    full_name: forms.joiner_name.clone(),
                    email: forms.joiner_email.clone(),
                    team: forms.joiner_team.clone(),
                    manager_email: forms.joiner_manager.clone(),
                    start_date: forms.joiner_start.clone(),
                    ..Default::default()
                };
                let roles: Vec<String> =
                    forms.joiner_roles.iter().filter_map(|r| directory.role(*r)).map(|r| r.name.clone()).collect();
                let (_, checklist) = self.office.start_joiner(NewJoiner { draft: draft.clone(), roles: &roles })?;
                for field in [
                    &mut forms.joiner_name,
                    &mut forms.joiner_email,
                    &mut forms.joiner_team,
                    &mut forms.joiner_manager,
                    &mut forms.joiner_start,
                ] {
                    field.clear();
                }
                forms.joiner_roles.clear();
                self.records.selected_checklist = Some(checklist);
                format!("Joiner checklist started for {}.", draft.full_name.trim())
            }
            Command::StartLeaver(staff) => {
                let checklist = self.office.start_leaver(&email_of(*staff), &forms.leaver_last_day)?;
                self.records.selected_checklist = Some(checklist);
                self.records.selected_staff = None;
                self.page = Page::JoinersLeavers;
                "Leaver checklist started.".to_owned()
            }
            Command::AddDevice => {
                let assign = Some(forms.device_assign.trim()).filter(|a| !a.is_empty());
                self.office.add_device(&forms.device_kind, &forms.device_serial, &forms.device_model, assign)?;
                let serial = std::mem::take(&mut forms.device_serial);
                forms.device_model.clear();
                forms.device_assign.clear();
                format!("Device {} registered.", serial.trim())
            }
            Command::AddTemplate => {
                let process = if forms.template_leaver { Process::Leaver } else { Process::Joiner };
                self.office.add_template(process, &forms.template_title, forms.template_offset)?;
                forms.template_title.clear();
                "Template item added.".to_owned()
            }
            Command::RemoveTemplate(id) => {
                self.office.remove_template(*id)?;
                "Template item removed.".to_owned()
            }
            Command::SaveReport(checklist) => {
                let base = forms.report_path.trim().to_owned();
                self.write_file(&format!("{base}.pdf"), &self.office.checklist_report_pdf(*checklist)?)?;
                self.write_file(&format!("{base}.csv"), &self.office.checklist_report_csv(*checklist)?)?;
                format!("Report saved as {base}.pdf and {base}.csv.")
            }
            Command::RevealSecret(id) => {
                let value = self.office.reveal_secret(&self.records.secret_name(*id)?, "revealed on screen")?;
                let until =
                    self.office.now().checked_add(jiff::SignedDuration::from_secs(30)).unwrap_or(self.office.now());
                self.records.revealed = Some((*id, value, until));
                "Shown for 30 seconds.".to_owned()
            }
            Command::CopySecret(id) => {
                let value = self.office.reveal_secret(&self.records.secret_name(*id)?, "copied to the clipboard")?;
                self.copy_to_clipboard(value.expose())?
            }
            Command::RotateSecret(id) => {
                let name = self.records.secret_name(*id)?;
                // Cleared only once accepted: a refused value may already be set in the system.
                let completed = self.office.rotate_secret(&name, &self.records.forms.rotate_value)?;
                self.records.forms.rotate_value.clear();
                format!("{name} rotated ({completed} leaver item(s) completed).")
            }
            Command::MarkCompromised(id) => {
                let name = self.records.secret_name(*id)?;
                self.office.mark_compromised(&name, &self.records.forms.compromise_note)?;
                self.records.forms.compromise_note.clear();
                "Marked as possibly compromised: it is due now.".to_owned()
            }
            Command::AddSecret => {
                let system = Some(forms.secret_system.trim()).filter(|s| !s.is_empty());
                let interval = match forms.secret_interval.trim() {
                    "" => None,
                    text => Some(text.parse::<i64>().map_err(|_| {
                        crate::service::ServiceError::Invalid("the interval is a number of days".into())
                    })?),
                };
                self.office.add_secret(
                    &forms.secret_name,
                    system,
                    None,
                    &forms.secret_username,
                    &forms.secret_value,
                    interval,
                    None,
                    &[],
                )?;
                forms.secret_value.clear();
                format!("{} added.", std::mem::take(&mut forms.secret_name).trim())
            }
            Command::PurgeStaff(staff) => {
                self.office.purge_person(*staff)?;
                format!("Personal details of staff #{staff} purged.")
            }
            Command::SaveRole => {
                let Some(role) = forms.editing_role else { return Ok(None) };
                let levels = forms.pending_levels.clone();
                self.office.set_role_levels(role, &levels)?;
                "Role changed.".to_owned()
            }
            Command::SaveSystem(system) => {
                let Some(found) = directory.system(*system) else { return Ok(None) };
                let name = found.name.clone();
                self.office.set_system_flags(*system, forms.system_edit_customer_data, forms.system_edit_mfa)?;
                format!("{name} saved.")
            }
            Command::ExportAccess => {
                let path = forms.export_path.trim().to_owned();
                self.write_file(&path, &self.office.export_access_csv()?)?;
                format!("Access list exported to {path}.")
            }
            Command::SaveStaff(staff) => {
                let Some(draft) = forms.editing.clone() else { return Ok(None) };
                self.office.edit_staff(*staff, &draft)?;
                forms.editing = None;
                format!("{} saved.", draft.full_name.trim())
            }
            Command::ApplyRoles(staff) => {
                let roles = forms.pending_roles.clone();
                let diff = self.office.set_roles(*staff, &roles)?;
                format!("Roles changed: {} access gained, {} removed.", diff.gained.len(), diff.lost.len())
            }
            Command::GrantAccess(staff) => {
                let system =
                    forms.grant_system.and_then(|s| directory.system(s)).map(|s| s.name.clone()).unwrap_or_default();
                let until = Some(forms.grant_until.trim()).filter(|u| !u.is_empty());
                self.office.grant(&email_of(*staff), &system, &forms.grant_level, &forms.grant_reason, until)?;
                forms.grant_reason.clear();
                forms.grant_until.clear();
                format!("Direct access to {system} granted.")
            }
            Command::RevokeAccess(staff, system) => {
                let system = directory.system(*system).map(|s| s.name.clone()).unwrap_or_default();
                self.office.revoke(&email_of(*staff), &system)?;
                format!("Direct access to {system} revoked.")
            }
            Command::AddSystem => {
                let system = new_system(
                    &forms.system_name,
                    &forms.system_kind,
                    &forms.system_levels,
                    &forms.system_privileged,
                    forms.system_customer_data,
                    forms.system_mfa,
                )?;
                self.office.add_system(system)?;
                let name = std::mem::take(&mut forms.system_name);
                format!("System {} added.", name.trim())
            }
            Command::AddRole => {
                let grants: Vec<String> =
                    forms.role_grants.split(',').map(|g| g.trim().to_owned()).filter(|g| !g.is_empty()).collect();
                self.office.add_role(&forms.role_name, &grants)?;
                forms.role_grants.clear();
                format!("Role {} added.", std::mem::take(&mut forms.role_name).trim())
            }
            Command::ConfirmImport => {
                let Some(plan) = self.records.import_plan.take() else {
                    return Ok(None);
                };
                let count = self.office.apply_import(&plan, forms.import_path.trim())?;
                format!("{count} staff member(s) imported.")
            }
            Command::ExportStaff => {
                let path = forms.export_path.trim().to_owned();
                self.write_file(&path, &self.office.export_staff_csv()?)?;
                format!("Staff exported to {path}.")
            }
            Command::ExportMatrix => {
                let path = forms.export_path.trim().to_owned();
                self.write_file(&path, &self.office.export_matrix_csv(self.records.matrix_customer_only)?)?;
                format!("Access matrix exported to {path}.")
            }
            _ => return Ok(None),
        };
        Ok(Some(message))
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        commands: &mut Vec<Command>,
        notice: &dyn Fn(&mut egui::Ui, &mut Vec<Command>),
    ) {
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(format!("Signed in as {}", self.office.operator()));
                ui.separator();
                ui.weak(format!("Vault: {}", self.office.vault_path().display()));
                if self.office.is_read_only() {
                    ui.separator();
                    ui.colored_label(ui.visuals().warn_fg_color, "Read-only medium: nothing can be changed")
                        .on_hover_text("Copy the vault's folder to a writable place to work on it.");
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button("Lock").on_hover_text("Lock now (Ctrl+L)").clicked() {
                        commands.push(Command::Lock);
                    }
                    if ui.button("Help").on_hover_text("Keyboard shortcuts and version (F1)").clicked() {
                        commands.push(Command::ToggleHelp);
                    }
                });
            });
        });
        egui::Panel::left("navigation").resizable(false).exact_size(180.0).show(ui, |ui| {
            ui.add_space(8.0);
            ui.heading(&self.data.settings.office_name);
            ui.add_space(8.0);
            for page in Page::ALL {
                if ui.selectable_label(self.page == page, page.title()).clicked() {
                    commands.push(Command::Navigate(page));
                }
            }
        });
        if let Some((_, path)) = &self.overwrite_pending {
            egui::Modal::new(egui::Id::unique("confirm-overwrite")).show(ui.ctx(), |ui| {
                ui.heading("Replace the existing file?");
                ui.label(format!("{path} already exists. Replacing it loses what it holds now."));
                ui.horizontal(|ui| {
                    if ui.button("Replace the file").clicked() {
                        commands.push(Command::ConfirmOverwrite);
                    }
                    if ui.button("Keep it").clicked() {
                        commands.push(Command::KeepExistingFile);
                    }
                });
            });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            notice(ui, commands);
            ui.heading(self.page.title());
            ui.add_space(8.0);
            if let Some(error) = &self.data.load_error {
                ui.colored_label(ui.visuals().error_fg_color, format!("The office record could not be read: {error}"));
            }
            match self.page {
                Page::Dashboard => dashboard::ui(ui, &self.records, commands),
                Page::Overview => overview::ui(ui, &self.data, commands),
                Page::Secrets => secrets::ui(ui, &mut self.records, &mut self.totp, commands),
                Page::Staff => staff::ui(ui, &mut self.records, &mut self.totp, commands),
                Page::JoinersLeavers => processes::ui(ui, &mut self.records, commands),
                Page::Reviews => super::pages::reviews::ui(ui, &mut self.reviews, &self.records, commands),
                Page::Systems => systems::ui(ui, &mut self.records, commands),
                Page::Roles => roles::ui(ui, &mut self.records, commands),
                Page::AccessMatrix => matrix::ui(ui, &mut self.records, commands),
                Page::Operators => {
                    let me = self.office.operator().as_str();
                    operators::ui(ui, &self.data, &mut self.forms, &mut self.totp, me, commands);
                }
                Page::AuditLog => audit::ui(ui, &self.data.audit),
                Page::Settings => settings::ui(ui, &self.data, &mut self.forms, commands),
            }
        });
    }
}

fn default_backup_path(office: &Office) -> String {
    let folder = office.vault_path().parent().map(|p| p.to_path_buf()).unwrap_or_default();
    let date = office.now().strftime("%Y-%m-%d").to_string();
    folder.join(format!("{}-{date}.khbackup", office.vault_name())).display().to_string()
}
