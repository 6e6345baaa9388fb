//! Who can get into what, and why. A [`Directory`] holds the whole office in memory (staff,
//! systems, roles, assignments, exceptions, accounts) and answers every access question with
//! pure functions: a person's access and where each piece comes from, a system's holders, the
//! access matrix, and what a change of roles would add and remove.

use super::staff::{Staff, StaffId};
use super::system::{AccessLevel, LevelId, System, SystemId};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

pub type RoleId = i64;
pub type GrantId = i64;

/// A named bundle of access levels ("Sales", "Finance").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Role {
    pub id: RoleId,
    pub name: String,
    pub description: String,
    pub levels: Vec<LevelId>,
}

/// Access given to one person directly, outside their roles: an exception with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectGrant {
    pub id: GrantId,
    pub staff_id: StaffId,
    pub level_id: LevelId,
    pub reason: String,
    pub approved_by: String,
    pub granted_on: Date,
    /// The last day the access is valid (contractors, temporary cover).
    pub expires_on: Option<Date>,
}

impl DirectGrant {
    /// Whether the grant has lapsed by `today`.
    /// "exception: covering payroll (until 2026-12-31)".
    pub fn describe(&self) -> String {
        match self.expires_on {
            Some(until) => format!("exception: {} (until {until})", self.reason),
            None => format!("exception: {}", self.reason),
        }
    }

    pub fn lapsed(&self, today: Date) -> bool {
        self.expires_on.is_some_and(|last_day| last_day < today)
    }
}

/// A person's username on a system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    pub staff_id: StaffId,
    pub system_id: SystemId,
    pub username: String,
    pub created_on: Option<Date>,
    pub disabled_on: Option<Date>,
    pub mfa_enrolled: bool,
    pub mfa_enrolled_on: Option<Date>,
}

/// Where a piece of access comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Source {
    Role { role_id: RoleId },
    Exception { grant_id: GrantId },
}

/// One piece of effective access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Access {
    pub staff_id: StaffId,
    pub system_id: SystemId,
    pub level_id: LevelId,
    pub source: Source,
}

/// What a change would add and remove, as (system, level) pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessDiff {
    pub gained: Vec<(SystemId, LevelId)>,
    pub lost: Vec<(SystemId, LevelId)>,
}

impl AccessDiff {
    pub fn is_empty(&self) -> bool {
        self.gained.is_empty() && self.lost.is_empty()
    }
}

/// A matrix cell: the highest level a person has on a system, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub level_id: LevelId,
    pub privileged: bool,
    /// At least part of this access is an exception rather than a role.
    pub exception: bool,
}

/// Hashing for the ids the directory is indexed by. They come from the vault, not from input
/// someone could choose to make them collide, so a multiply-and-rotate hash (as rustc's own
/// FxHash) is enough, and several times cheaper than the default SipHash: the due list, the
/// search index and the matrix look people, roles and levels up hundreds of thousands of times.
#[derive(Debug, Default, Clone, Copy)]
struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.add(u64::from(byte));
        }
    }

    fn write_i64(&mut self, id: i64) {
        self.add(id as u64);
    }

    fn write_u64(&mut self, word: u64) {
        self.add(word);
    }
}

/// A map keyed by record id.
type IdMap<V> = HashMap<i64, V, std::hash::BuildHasherDefault<IdHasher>>;

/// The whole office, indexed for access questions.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub staff: Vec<Staff>,
    pub systems: Vec<System>,
    pub roles: Vec<Role>,
    pub assignments: Vec<(StaffId, RoleId)>,
    pub exceptions: Vec<DirectGrant>,
    pub accounts: Vec<Account>,
    staff_index: IdMap<usize>,
    system_index: IdMap<usize>,
    role_index: IdMap<usize>,
    level_index: IdMap<(usize, usize)>,
    roles_of: IdMap<Vec<RoleId>>,
    exceptions_of: IdMap<Vec<usize>>,
}

impl Directory {
    pub fn new(
        staff: Vec<Staff>,
        systems: Vec<System>,
        roles: Vec<Role>,
        assignments: Vec<(StaffId, RoleId)>,
        exceptions: Vec<DirectGrant>,
        accounts: Vec<Account>,
    ) -> Self {
        let mut directory = Self { staff, systems, roles, assignments, exceptions, accounts, ..Default::default() };
        directory.reindex();
        directory
    }

    fn reindex(&mut self) {
        self.staff_index = self.staff.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        self.system_index = self.systems.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        self.role_index = self.roles.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        self.level_index = self
            .systems
            .iter()
            .enumerate()
            .flat_map(|(si, s)| s.levels.iter().enumerate().map(move |(li, l)| (l.id, (si, li))))
            .collect();
        self.roles_of.clear();
        for &(staff, role) in &self.assignments {
            self.roles_of.entry(staff).or_default().push(role);
        }
        self.exceptions_of.clear();
        for (i, grant) in self.exceptions.iter().enumerate() {
            self.exceptions_of.entry(grant.staff_id).or_default().push(i);
        }
    }

    pub fn person(&self, id: StaffId) -> Option<&Staff> {
        self.staff_index.get(&id).map(|&i| &self.staff[i])
    }

    /// The person with this email, compared in normalised form (see
    /// [`super::staff::normalise_email`]), so records kept before normalisation still match.
    pub fn person_by_email(&self, email: &str) -> Option<&Staff> {
        let wanted = super::staff::email_key(email);
        self.staff.iter().find(|s| super::staff::email_key(&s.email) == wanted)
    }

    pub fn system(&self, id: SystemId) -> Option<&System> {
        self.system_index.get(&id).map(|&i| &self.systems[i])
    }

    pub fn system_by_name(&self, name: &str) -> Option<&System> {
        let name = name.trim();
        self.systems.iter().find(|s| s.name.eq_ignore_ascii_case(name))
    }

    pub fn role(&self, id: RoleId) -> Option<&Role> {
        self.role_index.get(&id).map(|&i| &self.roles[i])
    }

    pub fn role_by_name(&self, name: &str) -> Option<&Role> {
        let name = name.trim();
        self.roles.iter().find(|r| r.name.eq_ignore_ascii_case(name))
    }

    /// The system and level of a level id.
    pub fn level(&self, id: LevelId) -> Option<(&System, &AccessLevel)> {
        self.level_index.get(&id).map(|&(si, li)| (&self.systems[si], &self.systems[si].levels[li]))
    }

    /// "CRM (admin)" for a level id.
    pub fn describe_level(&self, id: LevelId) -> Option<String> {
        self.level(id).map(|(system, level)| format!("{} ({})", system.name, level.name))
    }

    /// "CRM (user), Email (user)" for (system, level) pairs.
    pub fn describe_pairs(&self, pairs: &[(SystemId, LevelId)]) -> String {
        pairs.iter().filter_map(|(_, level)| self.describe_level(*level)).collect::<Vec<_>>().join(", ")
    }

    /// The names of the roles through which `staff` has `level` (a removal must go through them).
    pub fn roles_giving(&self, staff: StaffId, level: LevelId) -> Vec<&str> {
        self.roles_of(staff)
            .iter()
            .filter_map(|id| self.role(*id))
            .filter(|role| role.levels.contains(&level))
            .map(|role| role.name.as_str())
            .collect()
    }

    pub fn roles_of(&self, staff: StaffId) -> &[RoleId] {
        self.roles_of.get(&staff).map_or(&[], Vec::as_slice)
    }

    pub fn exceptions_of(&self, staff: StaffId) -> impl Iterator<Item = &DirectGrant> {
        self.exceptions_of.get(&staff).into_iter().flatten().map(|&i| &self.exceptions[i])
    }

    pub fn accounts_of(&self, staff: StaffId) -> impl Iterator<Item = &Account> {
        self.accounts.iter().filter(move |a| a.staff_id == staff)
    }

    pub fn members_of(&self, role: RoleId) -> impl Iterator<Item = StaffId> + '_ {
        self.assignments.iter().filter(move |(_, r)| *r == role).map(|(s, _)| *s)
    }

    fn access_from(&self, staff: StaffId, roles: &[RoleId], today: Date) -> Vec<Access> {
        let mut access = Vec::new();
        for &role_id in roles {
            if let Some(role) = self.role(role_id) {
                for &level_id in &role.levels {
                    if let Some((system, _)) = self.level(level_id) {
                        access.push(Access {
                            staff_id: staff,
                            system_id: system.id,
                            level_id,
                            source: Source::Role { role_id },
                        });
                    }
                }
            }
        }
        for grant in self.exceptions_of(staff).filter(|g| !g.lapsed(today)) {
            if let Some((system, _)) = self.level(grant.level_id) {
                access.push(Access {
                    staff_id: staff,
                    system_id: system.id,
                    level_id: grant.level_id,
                    source: Source::Exception { grant_id: grant.id },
                });
            }
        }
        access
    }

    /// Everything one person can get into on `today`, one entry per source.
    pub fn access_of(&self, staff: StaffId, today: Date) -> Vec<Access> {
        self.access_from(staff, self.roles_of(staff), today)
    }

    /// Every piece of access in the office.
    pub fn all_access(&self, today: Date) -> Vec<Access> {
        self.staff.iter().flat_map(|s| self.access_of(s.id, today)).collect()
    }

    /// Who has access to a system, one entry per source.
    pub fn holders_of(&self, system: SystemId, today: Date) -> Vec<Access> {
        self.all_access(today).into_iter().filter(|a| a.system_id == system).collect()
    }

    fn pairs(access: &[Access]) -> BTreeSet<(SystemId, LevelId)> {
        access.iter().map(|a| (a.system_id, a.level_id)).collect()
    }

    /// What giving `staff` exactly `new_roles` would add and remove ("mover").
    pub fn mover_diff(&self, staff: StaffId, new_roles: &[RoleId], today: Date) -> AccessDiff {
        let before = Self::pairs(&self.access_of(staff, today));
        let after = Self::pairs(&self.access_from(staff, new_roles, today));
        AccessDiff {
            gained: after.difference(&before).copied().collect(),
            lost: before.difference(&after).copied().collect(),
        }
    }

    /// For each member of `role`, what changing its levels to `new_levels` would add and remove.
    pub fn role_change_diff(&self, role: RoleId, new_levels: &[LevelId], today: Date) -> Vec<(StaffId, AccessDiff)> {
        let mut changed = self.clone();
        if let Some(&i) = self.role_index.get(&role) {
            changed.roles[i].levels = new_levels.to_vec();
        }
        self.members_of(role)
            .map(|staff| {
                let before = Self::pairs(&self.access_of(staff, today));
                let after = Self::pairs(&changed.access_of(staff, today));
                let diff = AccessDiff {
                    gained: after.difference(&before).copied().collect(),
                    lost: before.difference(&after).copied().collect(),
                };
                (staff, diff)
            })
            .filter(|(_, diff)| !diff.is_empty())
            .collect()
    }

    /// The highest level each person has on each system, for the access matrix.
    pub fn matrix(&self, today: Date) -> HashMap<(StaffId, SystemId), Cell> {
        let mut cells: HashMap<(StaffId, SystemId), Cell> = HashMap::new();
        for access in self.all_access(today) {
            let Some((_, level)) = self.level(access.level_id) else {
                continue;
            };
            let exception = matches!(access.source, Source::Exception { .. });
            cells
                .entry((access.staff_id, access.system_id))
                .and_modify(|cell| {
                    let current_rank = self.level(cell.level_id).map_or(i64::MIN, |(_, l)| l.rank);
                    if level.rank > current_rank {
                        cell.level_id = level.id;
                    }
                    cell.privileged |= level.privileged;
                    cell.exception |= exception;
                })
                .or_insert(Cell { level_id: level.id, privileged: level.privileged, exception });
        }
        cells
    }

    /// Describe a source for people: "role Sales" or "exception: covering reception (until …)".
    pub fn describe_source(&self, source: Source) -> String {
        match source {
            Source::Role { role_id } => {
                format!("role {}", self.role(role_id).map_or("?", |r| r.name.as_str()))
            }
            Source::Exception { grant_id } => match self.exceptions.iter().find(|g| g.id == grant_id) {
                Some(grant) => grant.describe(),
                None => "exception".to_owned(),
            },
        }
    }
}

mod uses;

#[cfg(test)]
mod tests;
