//! Changing a system's levels after it was added: rename, mark privileged, add, remove and
//! reorder, worked out as a plan against the levels stored. Removing a level someone holds is
//! the caller's to refuse (see `Directory::uses_of_level`).

use super::system::{AccessLevel, LevelId, check_level_names};

/// One level as the form has it: an existing level (with its id) or a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelEdit {
    pub id: Option<LevelId>,
    pub name: String,
    pub privileged: bool,
}

impl LevelEdit {
    pub fn from_stored(level: &AccessLevel) -> Self {
        Self { id: Some(level.id), name: level.name.clone(), privileged: level.privileged }
    }
}

/// What to write: ranks follow the form's order, least access first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LevelPlan {
    /// Existing levels with their new name, rank and privileged mark.
    pub keep: Vec<(LevelId, String, i64, bool)>,
    /// New levels: name, rank, privileged.
    pub add: Vec<(String, i64, bool)>,
    pub remove: Vec<LevelId>,
}

impl LevelPlan {
    /// Whether the plan changes nothing at all.
    pub fn is_empty(&self, current: &[AccessLevel]) -> bool {
        self.add.is_empty()
            && self.remove.is_empty()
            && self.keep.iter().all(|(id, name, rank, privileged)| {
                current.iter().any(|l| l.id == *id && l.name == *name && l.rank == *rank && l.privileged == *privileged)
            })
    }
}

/// The plan that turns `current` into `wanted`; refused when a name is empty, too long or
/// repeated, no level is left, or an edit names a level of another system.
pub fn plan_levels(current: &[AccessLevel], wanted: &[LevelEdit]) -> Result<LevelPlan, String> {
    if wanted.is_empty() {
        return Err("a system needs at least one level".to_owned());
    }
    check_level_names(wanted.iter().map(|l| l.name.as_str()))?;
    let mut plan = LevelPlan::default();
    for (rank, edit) in wanted.iter().enumerate() {
        let rank = rank as i64;
        let name = edit.name.trim().to_owned();
        match edit.id {
            Some(id) if current.iter().any(|l| l.id == id) => plan.keep.push((id, name, rank, edit.privileged)),
            Some(_) => return Err("a level in the form belongs to another system; open the system again".to_owned()),
            None => plan.add.push((name, rank, edit.privileged)),
        }
    }
    plan.remove = current.iter().map(|l| l.id).filter(|id| !plan.keep.iter().any(|(k, ..)| k == id)).collect();
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> Vec<AccessLevel> {
        vec![
            AccessLevel { id: 10, system_id: 1, name: "user".into(), rank: 0, privileged: false },
            AccessLevel { id: 11, system_id: 1, name: "admin".into(), rank: 1, privileged: true },
        ]
    }

    fn edit(id: Option<LevelId>, name: &str, privileged: bool) -> LevelEdit {
        LevelEdit { id, name: name.into(), privileged }
    }

    #[test]
    fn renaming_adding_and_removing_keep_the_ids_of_what_stays() {
        let wanted = [edit(Some(10), "reader ", false), edit(None, "editor", false)];
        let plan = plan_levels(&stored(), &wanted).unwrap();
        assert_eq!(plan.keep, vec![(10, "reader".to_owned(), 0, false)]);
        assert_eq!(plan.add, vec![("editor".to_owned(), 1, false)]);
        assert_eq!(plan.remove, vec![11]);
    }

    #[test]
    fn the_form_as_loaded_is_no_change_and_a_reorder_is_one() {
        let current = stored();
        let same: Vec<LevelEdit> = current.iter().map(LevelEdit::from_stored).collect();
        assert!(plan_levels(&current, &same).unwrap().is_empty(&current));
        let swapped = [same[1].clone(), same[0].clone()];
        assert!(!plan_levels(&current, &swapped).unwrap().is_empty(&current));
    }

    #[test]
    fn empty_repeated_or_foreign_levels_are_refused_with_words() {
        assert!(plan_levels(&stored(), &[]).unwrap_err().contains("at least one level"));
        let twice = [edit(Some(10), "user", false), edit(None, "User", true)];
        assert!(plan_levels(&stored(), &twice).unwrap_err().contains("listed twice"));
        assert!(plan_levels(&stored(), &[edit(None, " ", false)]).unwrap_err().contains("needs a name"));
        assert!(plan_levels(&stored(), &[edit(Some(99), "user", false)]).unwrap_err().contains("another system"));
    }
}
