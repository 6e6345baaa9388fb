//! Staff: a searchable, filterable, sortable list with import and export, and one person's
//! page: their details, roles, access and why, authenticator, accounts and history. This module
//! holds the page's state and commands; `list` and `person` draw it, `apply` carries it out.

mod apply;
mod list;
mod person;

use crate::domain::access::RoleId;
use crate::domain::audit::AuditRecord;
use crate::domain::staff::{StaffDraft, StaffId};
use crate::domain::staff_csv::ImportPlan;
use crate::domain::staff_query::{SortKey, StaffFilter};
use crate::domain::system::SystemId;
use crate::ui::commands::Command;
use crate::ui::records::Records;
use crate::ui::totp::QrCode;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffCommand {
    /// The filter changed: work out the rows again.
    Refilter,
    Sort(SortKey),
    Select(Option<StaffId>),
    ToggleAdd,
    Add,
    ApplyRoles(StaffId),
    Edit(Option<StaffId>),
    Save(StaffId),
    Grant(StaffId),
    Revoke(StaffId, SystemId),
    PreviewImport,
    ConfirmImport,
    CancelImport,
    Export,
    /// Open (true) or close the dialog that says what starting the leaver process does.
    AskStartLeaver(bool),
    StartLeaver(StaffId),
    Purge(StaffId),
    EnrolAuthenticator(StaffId),
    ConfirmAuthenticator(StaffId),
    CloseEnrolment,
    VerifyIdentity(StaffId),
}

impl From<StaffCommand> for Command {
    fn from(command: StaffCommand) -> Self {
        Command::Staff(command)
    }
}

/// Text typed on the Staff pages.
#[derive(Debug, Default)]
pub struct StaffForms {
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
    pub import_path: String,
    pub leaver_last_day: String,
}

/// Staff members' authenticators (for identity checks), on their pages.
#[derive(Default)]
pub struct StaffAuthenticator {
    /// Staff with an authenticator: id and confirmation date (`None`: waiting for a code).
    pub enrolments: HashMap<i64, Option<String>>,
    pub enrolment: Option<(StaffId, QrCode)>,
    pub code: String,
    /// The last identity check: who, whether it passed, what to say.
    pub identity: Option<(StaffId, bool, String)>,
}

#[derive(Default)]
pub struct StaffPage {
    pub filter: StaffFilter,
    /// The people shown, as indexes into the directory (the access matrix shows the same).
    pub rows: Vec<usize>,
    pub selected: Option<StaffId>,
    /// The selected person's latest audit records (up to 50).
    pub history: Vec<AuditRecord>,
    pub import_plan: Option<ImportPlan>,
    pub forms: StaffForms,
    pub authenticator: StaffAuthenticator,
    /// "Start leaving" was pressed: the dialog that says what it does is open.
    pub confirm_leaver: bool,
    /// The selected person's access and accounts, worked out on selection and after a write.
    pub person: PersonFacts,
}

/// What a person's page shows that takes a scan of the office: worked out when it changes,
/// not per frame.
#[derive(Debug, Default)]
pub struct PersonFacts {
    /// Their access, by system name.
    pub access: Vec<crate::domain::access::Access>,
    /// Their accounts still in use.
    pub accounts: Vec<crate::domain::access::Account>,
    /// The roles ticked and what that change would gain and lose, for the last ticks seen.
    pub diff: Option<(Vec<crate::domain::access::RoleId>, crate::domain::access::AccessDiff)>,
}

impl PersonFacts {
    fn of(records: &Records, id: Option<StaffId>) -> Self {
        let Some(id) = id else { return Self::default() };
        let directory = &records.directory;
        let mut access = directory.access_of(id, records.today);
        access.sort_by_key(|a| (directory.system(a.system_id).map(|s| s.name.to_lowercase()), a.source));
        let accounts = directory.accounts_of(id).filter(|a| a.disabled_on.is_none()).cloned().collect();
        Self { access, accounts, diff: None }
    }

    /// What ticking `pending` instead of the current roles would change; worked out again only
    /// when the ticks change.
    pub fn diff_for(
        &mut self,
        records: &Records,
        id: StaffId,
        pending: &[crate::domain::access::RoleId],
    ) -> &crate::domain::access::AccessDiff {
        if self.diff.as_ref().is_some_and(|(ticked, _)| ticked.as_slice() != pending) {
            self.diff = None;
        }
        let (_, diff) = self
            .diff
            .get_or_insert_with(|| (pending.to_vec(), records.directory.mover_diff(id, pending, records.today)));
        diff
    }
}

impl StaffPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, records: &Records, export_path: &mut String, commands: &mut Vec<Command>) {
        if let Some(id) = self.selected {
            person::ui(ui, self, records, id, commands);
            return;
        }
        list::ui(ui, self, records, export_path, commands);
    }

    /// Show one person's page (or, with `None`, the list).
    pub fn select(&mut self, id: Option<StaffId>, records: &Records, audit: &[AuditRecord]) {
        self.selected = id;
        self.confirm_leaver = false;
        self.reset_pending_roles(records);
        self.update_history(audit);
        // Chosen deliberately each time: a default would make leaving one click away.
        self.forms.leaver_last_day.clear();
        self.forms.grant_system = None;
        self.forms.grant_level.clear();
        self.person = PersonFacts::of(records, id);
    }

    /// Apply the current filter (after it changed, or the office was read again).
    pub fn refilter(&mut self, records: &Records) {
        self.rows = records.index.query(&records.directory, &self.filter);
    }

    /// After the office was read again: the rows, and the roles ticked, as they now are.
    pub fn reloaded(&mut self, records: &Records) {
        self.refilter(records);
        self.reset_pending_roles(records);
        self.person = PersonFacts::of(records, self.selected);
    }

    /// After another desk's change was taken in: the rows and the person's facts as they now
    /// are, and any open form left as the operator is filling it in.
    pub fn refreshed_elsewhere(&mut self, records: &Records) {
        self.refilter(records);
        self.person = PersonFacts::of(records, self.selected);
    }

    /// The selected person's history, from the audit records the shell holds.
    pub fn update_history(&mut self, audit: &[AuditRecord]) {
        self.history = match self.selected {
            Some(id) => audit.iter().filter(|r| mentions(r, id)).take(50).cloned().collect(),
            None => Vec::new(),
        };
    }

    /// Tick the selected person's current roles.
    fn reset_pending_roles(&mut self, records: &Records) {
        self.forms.editing = None;
        self.forms.pending_roles = self.selected.map(|id| records.directory.roles_of(id).to_vec()).unwrap_or_default();
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
