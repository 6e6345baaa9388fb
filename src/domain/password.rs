//! The office password policy for operator passwords: a minimum length and a zxcvbn strength
//! estimate, with the reason a password is refused in words the user can act on.

use zxcvbn::Score;

/// Minimum characters for an operator password (the office policy's default).
pub const MIN_LENGTH: usize = 16;
/// The lowest zxcvbn score (0–4) that is accepted.
pub const MIN_SCORE: u8 = 3;

/// What the strength meter shows, and whether the password may be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strength {
    /// 0 (guessed at once) to 4 (more than 10^10 guesses).
    pub score: u8,
    /// A short word for the meter: "Very weak" … "strong".
    pub label: &'static str,
    /// Why the password is refused, or `None` when it meets the policy.
    pub problem: Option<String>,
    /// Hints from zxcvbn to make it stronger.
    pub suggestions: Vec<String>,
}

impl Strength {
    pub fn is_acceptable(&self) -> bool {
        self.problem.is_none()
    }
}

/// Assess a password against the policy. `context` holds words that must not make it weaker
/// (the operator's name, the office name).
pub fn assess(password: &str, context: &[&str]) -> Strength {
    let estimate = zxcvbn::zxcvbn(password, context);
    let score = u8::from(estimate.score());
    let label = match estimate.score() {
        Score::Zero => "Very weak",
        Score::One => "Weak",
        Score::Two => "Fair",
        Score::Three => "Good",
        _ => "Strong",
    };
    let feedback = estimate.feedback();
    let warning = feedback.and_then(|f| f.warning()).map(|w| w.to_string());
    let suggestions = feedback.map(|f| f.suggestions().iter().map(ToString::to_string).collect()).unwrap_or_default();
    let length = password.chars().count();
    let problem = if length < MIN_LENGTH {
        Some(format!(
            "Use at least {MIN_LENGTH} characters ({length} so far). A few unrelated words make a long password that is easy to remember."
        ))
    } else if score < MIN_SCORE {
        Some(match warning {
            Some(warning) => format!("Too easy to guess: {warning}"),
            None => "Too easy to guess: add more unrelated words.".to_owned(),
        })
    } else {
        None
    };
    Strength { score, label, problem, suggestions }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_password_is_refused_with_its_length() {
        let strength = assess("Tr0ub4dor&3", &[]);
        let problem = strength.problem.unwrap_or_default();
        assert!(problem.contains("at least 16"), "{problem}");
        assert!(problem.contains("11 so far"), "{problem}");
    }

    #[test]
    fn long_but_common_password_is_refused_as_guessable() {
        let strength = assess("passwordpassword", &[]);
        assert!(!strength.is_acceptable());
        assert!(strength.score < MIN_SCORE);
        assert!(strength.problem.unwrap_or_default().starts_with("Too easy to guess"));
    }

    #[test]
    fn the_operators_own_name_does_not_count_as_strength() {
        let strength = assess("adalovelaceadalovelace", &["adalovelace"]);
        assert!(!strength.is_acceptable());
    }

    #[test]
    fn a_long_passphrase_is_accepted() {
        let strength = assess("copper lantern orbit meadow", &[]);
        assert!(strength.is_acceptable(), "{strength:?}");
        assert_eq!(strength.label, "Strong");
    }
}
