//! What still uses a system or one of its levels, in words, so that removing it can be refused
//! with the way forward ("still given by role Sales; 2 people have direct access").

use super::Directory;
use crate::domain::system::{LevelId, SystemId};

impl Directory {
    /// Why the level cannot go: the roles that give it and the direct grants that hold it.
    pub fn uses_of_level(&self, level: LevelId) -> Vec<String> {
        let mut uses: Vec<String> =
            self.roles.iter().filter(|r| r.levels.contains(&level)).map(|r| format!("role {}", r.name)).collect();
        let grants = self.exceptions.iter().filter(|g| g.level_id == level).count();
        if grants > 0 {
            uses.push(people_with(grants, "direct access at this level"));
        }
        uses
    }

    /// Why the system cannot go: roles giving any of its levels, direct grants, and accounts
    /// recorded on it (kept as history even when disabled).
    pub fn uses_of_system(&self, system: SystemId) -> Vec<String> {
        let Some(found) = self.system(system) else { return Vec::new() };
        let levels: Vec<LevelId> = found.levels.iter().map(|l| l.id).collect();
        let mut uses: Vec<String> = self
            .roles
            .iter()
            .filter(|r| r.levels.iter().any(|l| levels.contains(l)))
            .map(|r| format!("role {}", r.name))
            .collect();
        let grants = self.exceptions.iter().filter(|g| levels.contains(&g.level_id)).count();
        if grants > 0 {
            uses.push(people_with(grants, "direct access"));
        }
        let accounts = self.accounts.iter().filter(|a| a.system_id == system).count();
        match accounts {
            0 => {}
            1 => uses.push("1 recorded account".to_owned()),
            n => uses.push(format!("{n} recorded accounts")),
        }
        uses
    }
}

fn people_with(count: usize, what: &str) -> String {
    match count {
        1 => format!("1 person has {what}"),
        n => format!("{n} people have {what}"),
    }
}
