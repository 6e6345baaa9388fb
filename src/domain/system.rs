//! Systems: anything access is given to (software, shared accounts, physical things such as
//! keys, alarm codes and safes), with ordered access levels, some privileged.

use super::staff::StaffId;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

pub type SystemId = i64;
pub type LevelId = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemKind {
    Software,
    SharedAccount,
    Physical,
}

impl SystemKind {
    pub const ALL: [SystemKind; 3] = [Self::Software, Self::SharedAccount, Self::Physical];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Software => "software",
            Self::SharedAccount => "shared_account",
            Self::Physical => "physical",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Software => "Software",
            Self::SharedAccount => "Shared account",
            Self::Physical => "Physical",
        }
    }
}

impl fmt::Display for SystemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SystemKind {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim().to_lowercase().replace([' ', '-'], "_");
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| format!("unknown kind {text:?} (software, shared_account or physical)"))
    }
}

/// One access level of a system. `rank` orders levels: higher means more access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessLevel {
    pub id: LevelId,
    pub system_id: SystemId,
    pub name: String,
    pub rank: i64,
    pub privileged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct System {
    pub id: SystemId,
    pub name: String,
    pub kind: SystemKind,
    pub owner_id: Option<StaffId>,
    /// URL for software, a place for physical things.
    pub location: String,
    pub customer_data: bool,
    pub mfa_supported: bool,
    /// Ordered from least to most access.
    pub levels: Vec<AccessLevel>,
}

impl System {
    pub fn level(&self, name: &str) -> Option<&AccessLevel> {
        self.levels.iter().find(|l| l.name.eq_ignore_ascii_case(name.trim()))
    }

    pub fn has_privileged_level(&self) -> bool {
        self.levels.iter().any(|l| l.privileged)
    }
}

/// A validated new system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSystem {
    pub name: String,
    pub kind: SystemKind,
    pub owner_email: Option<String>,
    pub location: String,
    pub customer_data: bool,
    pub mfa_supported: bool,
    /// (name, privileged), least access first.
    pub levels: Vec<(String, bool)>,
}

/// Build the level list from `user,admin` and the names marked privileged.
pub fn parse_levels(levels: &str, privileged: &str) -> Result<Vec<(String, bool)>, String> {
    let names: Vec<String> = levels.split(',').map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
    let names = if names.is_empty() { vec!["user".to_owned()] } else { names };
    let privileged: Vec<String> =
        privileged.split(',').map(|l| l.trim().to_lowercase()).filter(|l| !l.is_empty()).collect();
    for name in &privileged {
        if !names.iter().any(|n| n.to_lowercase() == *name) {
            return Err(format!("privileged level {name:?} is not one of the levels ({})", names.join(", ")));
        }
    }
    check_level_names(names.iter().map(String::as_str))?;
    Ok(names
        .into_iter()
        .map(|n| {
            let is_privileged = privileged.contains(&n.to_lowercase());
            (n, is_privileged)
        })
        .collect())
}

/// Check a system's name.
/// Level names are 1–50 characters, without a colon (`CRM:admin` names a level), each once.
pub fn check_level_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if name.trim().is_empty() {
            return Err("every level needs a name".to_owned());
        }
        if !seen.insert(name.trim().to_lowercase()) {
            return Err(format!("the level {name:?} is listed twice"));
        }
        if name.chars().count() > 50 || name.contains(':') || name.chars().any(char::is_control) {
            return Err(format!("the level name {name:?} is too long or has a colon (at most 50 characters)"));
        }
    }
    Ok(())
}

pub fn validate_system_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) || name.contains(':') {
        return Err(format!("a system's name is 1–100 characters without a colon; {name:?} is not"));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_keep_their_order_and_privileged_marks() {
        let levels = parse_levels("user, admin", "admin").expect("valid");
        assert_eq!(levels, vec![("user".to_owned(), false), ("admin".to_owned(), true)]);
        assert_eq!(parse_levels("", "").expect("default"), vec![("user".to_owned(), false)]);
        assert!(parse_levels("user", "admin").is_err());
        assert!(parse_levels("user,User", "").is_err());
    }

    #[test]
    fn kinds_parse_from_words() {
        assert_eq!("Shared account".parse::<SystemKind>(), Ok(SystemKind::SharedAccount));
        assert!("spaceship".parse::<SystemKind>().is_err());
    }
}
