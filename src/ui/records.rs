//! What the office-record pages draw from: the directory, the search index, the access matrix,
//! checklists, devices, shared secrets and the due list, read again only after a write. What
//! each page selects and types is that page's own (see [`super::pages`]). What is worked out
//! from the directory alone ([`Derived`]: the index, the matrix, pick-lists, counts) can be
//! built on a worker thread, so the first screen after sign-in does not wait for it.

use crate::domain::access::{Cell, Directory};
use crate::domain::checklist::{Checklist, Device, Template};
use crate::domain::linked_directory::DirectoryMap;
use crate::domain::staff::StaffId;
use crate::domain::staff_query::StaffIndex;
use crate::domain::system::SystemId;
use crate::service::{DashboardFigures, DueGroup, DueItem, Office, SecretStatus, ServiceResult};
use crate::vault::linked_directories::DirectoryRow;
use jiff::civil::Date;
use std::collections::HashMap;
use std::sync::Arc;

pub struct Records {
    /// Shared with the worker thread that builds the [`Derived`] parts after sign-in.
    pub directory: Arc<Directory>,
    /// False from sign-in until the [`Derived`] parts have arrived (a few tens of ms).
    pub derived_ready: bool,
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
    /// The office's directories and how each maps onto systems.
    pub linked: Vec<(DirectoryRow, DirectoryMap)>,
    /// Open checklist items a directory does, with its name (their tick changes it there).
    pub connected_items: HashMap<crate::domain::checklist::ItemId, String>,
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
            directory: Arc::default(),
            derived_ready: false,
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
            linked: Vec::new(),
            connected_items: HashMap::new(),
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
        self.read(office)?;
        self.apply(Derived::build(&self.directory, self.today));
        Ok(())
    }

    /// What needs the vault (all the dashboard draws but two counts); the rest is
    /// [`Derived::build`]'s, then [`Self::apply`].
    pub fn read(&mut self, office: &Office) -> ServiceResult<()> {
        self.directory = Arc::new(office.directory()?);
        self.derived_ready = false;
        self.checklists = office.current_checklists()?;
        self.devices = office.devices()?;
        self.secrets = office.secret_statuses_in(&self.directory)?;
        self.today = office.today();
        self.reload_due(office)?;
        self.figures = office.dashboard_figures(&self.directory)?;
        self.secret_min_length = office.password_min_length()?;
        self.templates = office.templates()?;
        self.linked = office.directories_with_maps()?;
        let maps: Vec<(&str, &DirectoryMap)> =
            (self.linked.iter()).filter(|(d, _)| !d.is_from_export()).map(|(d, map)| (d.name.as_str(), map)).collect();
        self.connected_items =
            crate::domain::directory_change::connected_items(&self.checklists, &maps, &self.directory)
                .into_iter()
                .map(|(item, name)| (item, name.to_owned()))
                .collect();
        Ok(())
    }

    /// Take in what was worked out from this directory.
    pub fn apply(&mut self, derived: Derived) {
        let Derived {
            index,
            teams,
            matrix,
            customer_data_count,
            privileged_count,
            people,
            systems,
            staying,
            role_members,
        } = derived;
        (self.index, self.teams, self.matrix) = (index, teams, matrix);
        (self.customer_data_count, self.privileged_count) = (customer_data_count, privileged_count);
        (self.people, self.systems, self.staying, self.role_members) = (people, systems, staying, role_members);
        self.derived_ready = true;
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

/// What is worked out from the directory alone: no vault, so any thread can build it.
pub struct Derived {
    index: StaffIndex,
    teams: Vec<String>,
    matrix: HashMap<(StaffId, SystemId), Cell>,
    customer_data_count: usize,
    privileged_count: usize,
    people: Vec<(String, String)>,
    systems: Vec<(String, String)>,
    staying: Vec<(String, String)>,
    role_members: HashMap<crate::domain::access::RoleId, usize>,
}

impl Derived {
    pub fn build(directory: &Directory, today: Date) -> Self {
        let index = StaffIndex::build(directory, today);
        let staff = directory.staff.len();
        let mut role_members = HashMap::new();
        for (_, role) in &directory.assignments {
            *role_members.entry(*role).or_default() += 1;
        }
        Self {
            teams: StaffIndex::teams(directory),
            matrix: directory.matrix(today),
            customer_data_count: (0..staff).filter(|&i| index.has_customer_data(i)).count(),
            privileged_count: (0..staff).filter(|&i| index.has_privileged(i)).count(),
            people: pick_people(directory),
            systems: directory.systems.iter().map(|s| (s.name.clone(), s.name.clone())).collect(),
            staying: pick_staying(directory),
            role_members,
            index,
        }
    }

    /// Build it on a worker thread; the answer arrives on the receiver.
    pub fn build_in_background(directory: Arc<Directory>, today: Date) -> std::sync::mpsc::Receiver<Derived> {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = sender.send(Self::build(&directory, today));
        });
        receiver
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
