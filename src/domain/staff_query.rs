//! Searching, filtering and sorting the staff list. [`StaffIndex`] is built once per change of
//! the office (lower-cased text to search, access flags), so that each keystroke only scans it.

use super::access::Directory;
use super::staff::StaffStatus;
use super::system::SystemId;
use jiff::civil::Date;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Name,
    Email,
    Team,
    Status,
    Start,
}

/// What the operator asked to see.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffFilter {
    /// Matches name, email, team, job title and the names of systems the person can access.
    pub text: String,
    pub status: Option<StaffStatus>,
    pub team: Option<String>,
    pub privileged_only: bool,
    pub customer_data_only: bool,
    pub sort: SortKey,
    pub descending: bool,
}

#[derive(Debug, Clone)]
struct Entry {
    haystack: String,
    privileged: bool,
    customer_data: bool,
}

/// Precomputed search data, one entry per `directory.staff` element.
#[derive(Debug, Clone, Default)]
pub struct StaffIndex {
    entries: Vec<Entry>,
}

impl StaffIndex {
    pub fn build(directory: &Directory, today: Date) -> Self {
        // Each system's name in lower case, once (not once per person who has it).
        let lower: HashMap<SystemId, String> =
            directory.systems.iter().map(|system| (system.id, system.name.to_lowercase())).collect();
        let mut systems: Vec<SystemId> = Vec::new();
        let entries = directory
            .staff
            .iter()
            .map(|person| {
                let mut haystack =
                    format!("{}\n{}\n{}\n{}", person.full_name, person.email, person.team, person.job_title);
                if haystack.is_ascii() {
                    haystack.make_ascii_lowercase();
                } else {
                    haystack = haystack.to_lowercase();
                }
                let (mut privileged, mut customer_data) = (false, false);
                systems.clear();
                for access in directory.access_of(person.id, today) {
                    if let Some((system, level)) = directory.level(access.level_id) {
                        privileged |= level.privileged;
                        customer_data |= system.customer_data;
                        systems.push(system.id);
                    }
                }
                // System names are unique, so one entry per system is one per name.
                systems.sort_unstable();
                systems.dedup();
                for name in systems.iter().filter_map(|id| lower.get(id)) {
                    haystack.push('\n');
                    haystack.push_str(name);
                }
                Entry { haystack, privileged, customer_data }
            })
            .collect();
        Self { entries }
    }

    pub fn has_privileged(&self, index: usize) -> bool {
        self.entries.get(index).is_some_and(|e| e.privileged)
    }

    pub fn has_customer_data(&self, index: usize) -> bool {
        self.entries.get(index).is_some_and(|e| e.customer_data)
    }

    /// Indices into `directory.staff` that match, in the requested order.
    pub fn query(&self, directory: &Directory, filter: &StaffFilter) -> Vec<usize> {
        let words: Vec<String> = filter.text.split_whitespace().map(str::to_lowercase).collect();
        let mut rows: Vec<usize> = directory
            .staff
            .iter()
            .enumerate()
            .filter(|(i, person)| {
                let entry = &self.entries[*i];
                filter.status.is_none_or(|s| person.status == s)
                    && filter.team.as_deref().is_none_or(|t| person.team == t)
                    && (!filter.privileged_only || entry.privileged)
                    && (!filter.customer_data_only || entry.customer_data)
                    && words.iter().all(|w| entry.haystack.contains(w.as_str()))
            })
            .map(|(i, _)| i)
            .collect();
        let staff = &directory.staff;
        match filter.sort {
            SortKey::Name => rows.sort_by_cached_key(|&i| staff[i].full_name.to_lowercase()),
            SortKey::Email => rows.sort_by(|&a, &b| staff[a].email.cmp(&staff[b].email)),
            SortKey::Team => {
                rows.sort_by_cached_key(|&i| (staff[i].team.to_lowercase(), staff[i].full_name.to_lowercase()))
            }
            SortKey::Status => rows.sort_by_key(|&i| staff[i].status),
            SortKey::Start => rows.sort_by_key(|&i| staff[i].start_date),
        }
        if filter.descending {
            rows.reverse();
        }
        rows
    }

    /// The teams in the office, sorted, for the team filter.
    pub fn teams(directory: &Directory) -> Vec<String> {
        let mut teams: Vec<String> = directory.staff.iter().map(|s| s.team.clone()).filter(|t| !t.is_empty()).collect();
        teams.sort();
        teams.dedup();
        teams
    }
}
