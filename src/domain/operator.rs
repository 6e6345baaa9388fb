//! Operators are the people who use Keyholder, each with an individual login.

use std::fmt;
use thiserror::Error;

/// A validated operator name: 1–64 characters, no control characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OperatorName(String);

#[derive(Debug, Error, PartialEq, Eq)]
pub enum OperatorNameError {
    #[error("the operator name is empty")]
    Empty,
    #[error("the operator name is longer than 64 characters")]
    TooLong,
    #[error("the operator name contains a control character")]
    ControlCharacter,
}

impl OperatorName {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(text: &str) -> Result<Self, OperatorNameError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(OperatorNameError::Empty);
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(OperatorNameError::TooLong);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(OperatorNameError::ControlCharacter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OperatorName {
    type Error = OperatorNameError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<OperatorName> for String {
    fn from(name: OperatorName) -> Self {
        name.0
    }
}

impl fmt::Display for OperatorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_accepts_ordinary_names() {
        assert_eq!(OperatorName::parse("  Ada Lovelace ").map(|n| n.0), Ok("Ada Lovelace".into()));
    }

    #[test]
    fn refuses_empty_long_and_control() {
        assert_eq!(OperatorName::parse("   "), Err(OperatorNameError::Empty));
        assert_eq!(OperatorName::parse(&"x".repeat(65)), Err(OperatorNameError::TooLong));
        assert_eq!(OperatorName::parse("a\nb"), Err(OperatorNameError::ControlCharacter));
    }
}
