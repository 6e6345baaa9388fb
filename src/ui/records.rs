//! What the office-record pages draw from: the directory, the search index, the filtered
//! staff rows and the access matrix, rebuilt only after a write or a change of filter.

use crate::domain::access::{Access, AccessDiff, Cell, Directory, RoleId};
use crate::domain::audit::AuditRecord;
use crate::domain::checklist::{Checklist, ChecklistId, Device, ItemId, Template};
use crate::domain::generator::{CharSets, DEFAULT_LENGTH};
use crate::domain::secret::SecretString;
use crate::domain::staff::{StaffDraft, StaffId};
use crate::domain::staff_csv::ImportPlan;
use crate::domain::staff_query::{StaffFilter, StaffIndex};
use crate::domain::system::{LevelId, SystemId};
use crate::service::{DueItem, Office, SecretStatus, ServiceResult};
use jiff::civil::Date;
use std::collections::HashMap;

/// Text typed into the record forms.
#[derive(Debug, Default)]
pub struct RecordForms {
    pub new_name: String,
    pub new_email: String,
    pub new_title: String,
    pub new_team: String,
    pub new_manager: String,
    pub new_start: String,
    pub show_add_staff: bool,
    /// The selected person's details being edited.
    pub editing: Option<StaffDraft>,
    /// The roles ticked on a person's page, applied together (a mover).
    pub pending_roles: Vec<RoleId>,
    pub grant_system: Option<SystemId>,
    pub grant_level: String,
    pub grant_reason: String,
    pub grant_until: String,
    pub system_name: String,
    pub system_kind: String,
    pub system_levels: String,
    pub system_privileged: String,
    pub system_customer_data: bool,
    pub system_mfa: bool,
    pub system_edit_customer_data: bool,
    pub system_edit_mfa: bool,
    pub role_name: String,
    pub editing_role: Option<RoleId>,
    pub pending_levels: Vec<LevelId>,
    pub role_grants: String,
    pub import_path: String,
    pub joiner_name: String,
    pub joiner_email: String,
    pub joiner_team: String,
    pub joiner_manager: String,
    pub joiner_start: String,
    pub joiner_roles: Vec<RoleId>,
    pub skip_reason: String,
    pub confirm_item: Option<ItemId>,
    pub leaver_last_day: String,
    pub device_kind: String,
    pub device_serial: String,
    pub device_model: String,
    pub device_assign: String,
    pub template_title: String,
    pub template_leaver: bool,
    pub template_offset: i64,
    pub report_path: String,
    pub secret_name: String,
    pub secret_system: String,
    pub secret_username: String,
    pub secret_value: SecretString,
    pub secret_interval: String,
    pub rotate_value: SecretString,
    pub compromise_note: String,
    pub generator_sets: CharSets,
    pub generator_length: usize,
    pub export_path: String,
}

pub struct Records {
    pub directory: Directory,
    pub today: Date,
    pub index: StaffIndex,
    pub teams: Vec<String>,
    pub filter: StaffFilter,
    pub rows: Vec<usize>,
    pub matrix: HashMap<(StaffId, SystemId), Cell>,
    pub matrix_customer_only: bool,
    pub matrix_first_column: usize,
    pub selected_staff: Option<StaffId>,
    pub selected_system: Option<SystemId>,
    pub import_plan: Option<ImportPlan>,
    /// Joiner and leaver checklists in progress or finished in the last 90 days.
    pub checklists: Vec<Checklist>,
    pub devices: Vec<Device>,
    pub secrets: Vec<SecretStatus>,
    pub selected_secret: Option<i64>,
    pub secret_holders: Vec<(String, String, String)>,
    /// A secret shown on screen, until when.
    pub revealed: Option<(i64, SecretString, jiff::Timestamp)>,
    pub due: Vec<DueItem>,
    /// The office's minimum length for shared secrets (their strength meter uses it).
    pub secret_min_length: usize,
    /// Who has access to the selected system, sorted by name.
    pub system_holders: Vec<Access>,
    /// The selected person's latest audit records (up to 50).
    pub staff_history: Vec<AuditRecord>,
    pub customer_data_count: usize,
    pub privileged_count: usize,
    pub templates: Vec<Template>,
    pub selected_checklist: Option<ChecklistId>,
    /// Who a pending role change would affect.
    pub role_preview: Option<Vec<(StaffId, AccessDiff)>>,
    pub forms: RecordForms,
}

impl Records {
    pub fn load(office: &Office) -> ServiceResult<Self> {
        let mut records = Self::empty(office.today());
        records.reload(office)?;
        Ok(records)
    }

    /// Nothing loaded yet (or loading failed).
    pub fn empty(today: Date) -> Self {
        Self {
            directory: Directory::default(),
            today,
            index: StaffIndex::default(),
            teams: Vec::new(),
            filter: StaffFilter::default(),
            rows: Vec::new(),
            matrix: HashMap::new(),
            matrix_customer_only: false,
            matrix_first_column: 0,
            selected_staff: None,
            selected_system: None,
            import_plan: None,
            checklists: Vec::new(),
            devices: Vec::new(),
            secrets: Vec::new(),
            selected_secret: None,
            secret_holders: Vec::new(),
            revealed: None,
            due: Vec::new(),
            secret_min_length: crate::domain::password::MIN_LENGTH,
            system_holders: Vec::new(),
            staff_history: Vec::new(),
            customer_data_count: 0,
            privileged_count: 0,
            templates: Vec::new(),
            selected_checklist: None,
            role_preview: None,
            forms: RecordForms {
                system_kind: "software".into(),
                system_levels: "user,admin".into(),
                system_privileged: "admin".into(),
                generator_sets: CharSets::default(),
                generator_length: DEFAULT_LENGTH,
                ..Default::default()
            },
        }
    }

    /// Read the office again after a write.
    /// A shared secret on record, by id.
    pub fn secret(&self, id: i64) -> Option<&SecretStatus> {
        self.secrets.iter().find(|s| s.secret.id == id)
    }

    /// A secret's name, which the service finds secrets by.
    pub fn secret_name(&self, id: i64) -> ServiceResult<String> {
        self.secret(id)
            .map(|s| s.secret.name.clone())
            .ok_or_else(|| crate::service::ServiceError::Invalid("that shared secret is no longer on record".into()))
    }

    /// The policy a shared secret's value on `system` (by name) is held to.
    pub fn secret_policy(&self, system: &str) -> crate::domain::password::SharedSecretPolicy {
        let physical = self
            .directory
            .system_by_name(system.trim())
            .is_some_and(|s| s.kind == crate::domain::system::SystemKind::Physical);
        crate::domain::password::SharedSecretPolicy { min_length: self.secret_min_length, physical }
    }

    pub fn reload(&mut self, office: &Office) -> ServiceResult<()> {
        self.directory = office.directory()?;
        self.checklists = office.current_checklists()?;
        self.devices = office.devices()?;
        self.secrets = office.secret_statuses_in(&self.directory)?;
        self.due = office.due_items_in(&self.directory)?;
        self.secret_min_length = office.password_min_length()?;
        self.secret_holders = match self.selected_secret.and_then(|id| self.secret(id)) {
            Some(status) => office.secret_holders(&status.secret.name)?,
            None => Vec::new(),
        };
        self.templates = office.templates()?;
        self.forms.confirm_item = None;
        self.today = office.today();
        self.index = StaffIndex::build(&self.directory, self.today);
        self.teams = StaffIndex::teams(&self.directory);
        self.matrix = self.directory.matrix(self.today);
        let staff = self.directory.staff.len();
        self.customer_data_count = (0..staff).filter(|&i| self.index.has_customer_data(i)).count();
        self.privileged_count = (0..staff).filter(|&i| self.index.has_privileged(i)).count();
        self.select_system(self.selected_system);
        self.refilter();
        self.reset_pending_roles();
        self.forms.editing_role = None;
        self.role_preview = None;
        Ok(())
    }

    /// Select a system and work out its holders once (not on every frame).
    pub fn select_system(&mut self, id: Option<SystemId>) {
        self.selected_system = id;
        let directory = &self.directory;
        self.system_holders = id.map(|s| directory.holders_of(s, self.today)).unwrap_or_default();
        self.system_holders.sort_by_key(|a| directory.person(a.staff_id).map(|p| p.full_name.to_lowercase()));
    }

    /// The selected person's history, from the audit records the shell holds.
    pub fn update_history(&mut self, audit: &[AuditRecord]) {
        self.staff_history = match self.selected_staff {
            Some(id) => audit.iter().filter(|r| mentions(r, id)).take(50).cloned().collect(),
            None => Vec::new(),
        };
    }

    /// Tick the selected person's current roles.
    pub fn reset_pending_roles(&mut self) {
        self.forms.editing = None;
        self.forms.pending_roles =
            self.selected_staff.map(|id| self.directory.roles_of(id).to_vec()).unwrap_or_default();
    }

    /// Apply the current filter (after it changed).
    pub fn refilter(&mut self) {
        self.rows = self.index.query(&self.directory, &self.filter);
    }
}

/// Whether an audit record is about staff member `id` (`staff #12`, not `staff #123`).
fn mentions(record: &AuditRecord, id: StaffId) -> bool {
    let needle = format!("staff #{id}");
    record
        .summary
        .match_indices(&needle)
        .any(|(at, _)| !record.summary[at + needle.len()..].starts_with(|c: char| c.is_ascii_digit()))
}
