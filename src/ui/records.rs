//! What the office-record pages draw from: the directory, the search index, the access matrix,
//! checklists, devices, shared secrets and the due list, read again only after a write. What
//! each page selects and types is that page's own (see [`super::pages`]).

use crate::domain::access::{Cell, Directory};
use crate::domain::checklist::{Checklist, Device, Template};
use crate::domain::staff::StaffId;
use crate::domain::staff_query::StaffIndex;
use crate::domain::system::SystemId;
use crate::service::{DashboardFigures, DueGroup, DueItem, Office, SecretStatus, ServiceResult};
use jiff::civil::Date;
use std::collections::HashMap;

pub struct Records {
    pub directory: Directory,
    pub today: Date,
    pub index: StaffIndex,
    pub teams: Vec<String>,
    pub matrix: HashMap<(StaffId, SystemId), Cell>,
    /// Joiner and leaver checklists in progress or finished in the last 90 days.
    pub checklists: Vec<Checklist>,
    pub devices: Vec<Device>,
    pub secrets: Vec<SecretStatus>,
    pub due: Vec<DueItem>,
    /// The due list grouped and ordered for the dashboard (indices into `due`).
    pub due_groups: Vec<DueGroup>,
    /// What the dashboard's charts draw.
    pub figures: DashboardFigures,
    /// The office's minimum length for shared secrets (their strength meter uses it).
    pub secret_min_length: usize,
    pub customer_data_count: usize,
    pub privileged_count: usize,
    pub templates: Vec<Template>,
    /// Pick-list choices: staff still here as (email, "Name <email>"), systems by name.
    pub people: Vec<(String, String)>,
    pub systems: Vec<(String, String)>,
    /// Who can take over from a leaver (a report's manager, a system's owner), as
    /// (staff id, "Name <email>"): the people joining or active, by name.
    pub staying: Vec<(String, String)>,
    /// How many people each role has (the roles page), counted once per reload.
    pub role_members: HashMap<crate::domain::access::RoleId, usize>,
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
            matrix: HashMap::new(),
            checklists: Vec::new(),
            devices: Vec::new(),
            secrets: Vec::new(),
            due: Vec::new(),
            due_groups: Vec::new(),
            figures: DashboardFigures::default(),
            secret_min_length: crate::domain::password::MIN_LENGTH,
            customer_data_count: 0,
            privileged_count: 0,
            templates: Vec::new(),
            people: Vec::new(),
            systems: Vec::new(),
            staying: Vec::new(),
            role_members: HashMap::new(),
        }
    }

    /// The email the service looks a person up by; an error names them when they are gone.
    pub fn email(&self, id: StaffId) -> crate::service::ServiceResult<String> {
        self.directory.person(id).map(|p| p.email.clone()).ok_or_else(|| {
            crate::service::ServiceError::not_found(crate::service::Record::StaffMember, format!("#{id} any more"))
        })
    }

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

    /// Read the office again after a write.
    pub fn reload(&mut self, office: &Office) -> ServiceResult<()> {
        self.directory = office.directory()?;
        self.checklists = office.current_checklists()?;
        self.devices = office.devices()?;
        self.secrets = office.secret_statuses_in(&self.directory)?;
        self.today = office.today();
        self.reload_due(office)?;
        self.figures = office.dashboard_figures(&self.directory)?;
        self.secret_min_length = office.password_min_length()?;
        self.templates = office.templates()?;
        self.index = StaffIndex::build(&self.directory, self.today);
        self.teams = StaffIndex::teams(&self.directory);
        self.matrix = self.directory.matrix(self.today);
        let staff = self.directory.staff.len();
        self.customer_data_count = (0..staff).filter(|&i| self.index.has_customer_data(i)).count();
        self.privileged_count = (0..staff).filter(|&i| self.index.has_privileged(i)).count();
        self.people = pick_people(&self.directory);
        self.staying = pick_staying(&self.directory);
        self.systems = self.directory.systems.iter().map(|s| (s.name.clone(), s.name.clone())).collect();
        self.role_members.clear();
        for (_, role) in &self.directory.assignments {
            *self.role_members.entry(*role).or_default() += 1;
        }
        Ok(())
    }

    /// Read the due list again (after a review decision, which changes nothing else).
    pub fn reload_due(&mut self, office: &Office) -> ServiceResult<()> {
        self.due = office.due_items_in(&self.directory)?;
        let names = |id| self.directory.system(id).map(|s| s.name.clone());
        self.due_groups = crate::service::group_due(&self.due, self.today, names);
        self.figures.reviews = office.review_progress()?;
        Ok(())
    }
}

/// Everyone who can take over from a leaver, by name, as (id, "Name <email>").
fn pick_staying(directory: &Directory) -> Vec<(String, String)> {
    let mut people: Vec<(String, String)> = directory
        .staff
        .iter()
        .filter(|p| crate::domain::checklist::is_staying(p.status))
        .map(|p| (p.id.to_string(), format!("{} <{}>", p.full_name, p.email)))
        .collect();
    // One lower-cased key per person, not two per comparison (10,000 people: ~280,000 strings).
    people.sort_by_cached_key(|(_, shown)| shown.to_lowercase());
    people
}

/// Everyone who has not left, by name, as (email, "Name <email>") for a pick-list.
fn pick_people(directory: &Directory) -> Vec<(String, String)> {
    let mut people: Vec<(String, String)> = directory
        .staff
        .iter()
        .filter(|p| p.status != crate::domain::staff::StaffStatus::Left)
        .map(|p| (p.email.clone(), format!("{} <{}>", p.full_name, p.email)))
        .collect();
    // One lower-cased key per person, not two per comparison (10,000 people: ~280,000 strings).
    people.sort_by_cached_key(|(_, shown)| shown.to_lowercase());
    people
}
