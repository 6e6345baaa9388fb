//! The office password policies, one per kind of secret, each used both by the check that
//! refuses a value and by the strength meter that shows it, with the reason a value is refused
//! in words the user can act on:
//! - operator passwords ([`assess`]): at least 16 characters, zxcvbn "good" or better, and not
//!   on the list of the 10,000 most common passwords;
//! - shared secrets ([`assess_shared`]): the office's minimum length (codes for physical things
//!   are exempt), not on the common list, and zxcvbn "fair" or better (codes exempt).

use zxcvbn::Score;

const COMMON_PASSWORDS: &str = include_str!("../../assets/common-passwords.txt");

/// Whether a password is on the list of commonly used passwords (case ignored).
pub fn is_common_password(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    COMMON_PASSWORDS.lines().any(|p| p == lower)
}

/// The office's rule for a shared secret's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedSecretPolicy {
    pub min_length: usize,
    /// Alarm and safe codes: short by nature, exempt from the length rule.
    pub physical: bool,
}

/// Minimum characters for an operator password (the office policy's default).
pub const MIN_LENGTH: usize = 16;
/// The lowest zxcvbn score (0–4) that is accepted.
pub const MIN_SCORE: u8 = 3;
/// The lowest score for a shared secret's value (not for alarm and safe codes): "fair".
pub const MIN_SHARED_SCORE: u8 = 2;

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

/// Assess an operator password against its policy. `context` holds words that must not make
/// it weaker (the operator's name, the office name).
pub fn assess(password: &str, context: &[&str]) -> Strength {
    let mut strength = estimate(password, context);
    let length = password.chars().count();
    strength.problem = if length < MIN_LENGTH {
        Some(format!(
            "Use at least {MIN_LENGTH} characters ({length} so far). A few unrelated words make a long password that is easy to remember."
        ))
    } else if is_common_password(password) {
        Some("That is one of the most commonly used passwords; choose another.".to_owned())
    } else if strength.score < MIN_SCORE {
        Some(match strength.problem.take() {
            Some(warning) => format!("Too easy to guess: {warning}"),
            None => "Too easy to guess: add more unrelated words.".to_owned(),
        })
    } else {
        None
    };
    strength
}

/// Assess a shared secret's value against the office's policy for shared secrets.
pub fn assess_shared(value: &str, context: &[&str], policy: SharedSecretPolicy) -> Strength {
    let mut strength = estimate(value, context);
    let length = value.chars().count();
    strength.problem = if value.is_empty() {
        Some("The value is empty.".to_owned())
    } else if is_common_password(value) {
        Some("That value is on the list of commonly used passwords; choose another.".to_owned())
    } else if !policy.physical && length < policy.min_length {
        Some(format!(
            "The office policy asks for at least {} characters ({length} so far); or generate one.",
            policy.min_length
        ))
    } else if !policy.physical && strength.score < MIN_SHARED_SCORE {
        Some("Too easy to guess, whatever its length; generate one instead.".to_owned())
    } else {
        None
    };
    strength
}

/// zxcvbn's estimate, with its warning (if any) in `problem` for the policy to use.
fn estimate(password: &str, context: &[&str]) -> Strength {
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
    Strength { score, label, problem: warning, suggestions }
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
    fn an_operator_password_on_the_common_list_is_refused_as_common() {
        let common = COMMON_PASSWORDS.lines().find(|p| p.chars().count() >= MIN_LENGTH);
        let Some(common) = common else { panic!("the list has a long common password to test with") };
        let problem = assess(common, &[]).problem.unwrap_or_default();
        assert!(problem.contains("most commonly used"), "{common}: {problem}");
    }

    #[test]
    fn a_shared_secret_follows_the_office_minimum_not_the_operator_rules() {
        let policy = SharedSecretPolicy { min_length: 12, physical: false };
        // Twelve characters: too short for an operator, enough for a shared secret here.
        assert!(assess_shared("k8#Tq2!vZp4w", &[], policy).is_acceptable());
        assert!(!assess("k8#Tq2!vZp4w", &[]).is_acceptable());
        let short = assess_shared("k8#Tq2", &[], policy).problem.unwrap_or_default();
        assert!(short.contains("at least 12"), "{short}");
        assert!(assess_shared("4711", &[], SharedSecretPolicy { min_length: 12, physical: true }).is_acceptable());
        assert!(!assess_shared("aaaaaaaaaaaaaaaa", &[], policy).is_acceptable(), "long is not enough");
        assert!(!assess_shared("123456", &[], SharedSecretPolicy { min_length: 4, physical: true }).is_acceptable());
    }

    #[test]
    fn a_long_passphrase_is_accepted() {
        let strength = assess("copper lantern orbit meadow", &[]);
        assert!(strength.is_acceptable(), "{strength:?}");
        assert_eq!(strength.label, "Strong");
    }
}
