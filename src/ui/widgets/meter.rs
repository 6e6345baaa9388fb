//! The strength meter under a new password or secret: the same rule as the check that accepts or
//! refuses the value, drawn in a fixed two rows so typing never moves what is below.

use super::style::State;
use super::{FIELD_WIDTH, indented};
use crate::domain::password::{self, Strength};
use crate::domain::secret::SecretString;
use egui::{RichText, Ui};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Mutex, OnceLock};

/// Which policy a strength meter shows: the same function that the check uses.
pub enum Policy<'a> {
    /// An operator's password; words that must not count as strength.
    Operator(&'a [&'a str]),
    /// A shared secret's value.
    Shared(&'a [&'a str], password::SharedSecretPolicy),
}

/// The last few verdicts, so a field drawn every frame runs the estimator (zxcvbn, tens of
/// milliseconds for a long value) only when its text changes. Keyed by a hash with a key
/// chosen at random per run; neither the text nor an unkeyed hash of it is kept.
static VERDICTS: Mutex<Vec<(u64, Strength)>> = Mutex::new(Vec::new());
const VERDICTS_KEPT: usize = 4;

fn remembered(policy: &Policy<'_>, text: &str, assess: impl FnOnce() -> Strength) -> Strength {
    static KEY: OnceLock<RandomState> = OnceLock::new();
    let mut hasher = KEY.get_or_init(RandomState::new).build_hasher();
    text.hash(&mut hasher);
    match policy {
        Policy::Operator(context) => (0_u8, context).hash(&mut hasher),
        Policy::Shared(context, rule) => (1_u8, context, rule.min_length, rule.physical).hash(&mut hasher),
    }
    let key = hasher.finish();
    let Ok(mut verdicts) = VERDICTS.lock() else { return assess() };
    if let Some((_, strength)) = verdicts.iter().find(|(k, _)| *k == key) {
        return strength.clone();
    }
    let strength = assess();
    if verdicts.len() >= VERDICTS_KEPT {
        verdicts.remove(0);
    }
    verdicts.push((key, strength.clone()));
    strength
}

/// The policy's verdict on `text`, worked out once per text.
fn verdict(text: &str, policy: &Policy<'_>) -> Strength {
    remembered(policy, text, || match policy {
        Policy::Operator(context) => password::assess(text, context),
        Policy::Shared(context, rule) => password::assess_shared(text, context, *rule),
    })
}

/// Why a new operator password cannot be used yet (the policy, or the two entries differ).
pub fn new_password_problem(password: &SecretString, confirm: &SecretString, context: &[&str]) -> Option<String> {
    if let Some(problem) = verdict(password.expose(), &Policy::Operator(context)).problem {
        return Some(problem);
    }
    (password != confirm).then(|| "The two passwords differ.".to_owned())
}

/// The strength meter under a new password or secret: a bar and one line of words, always
/// both (so typing the first character moves nothing). The words are the verdict of the rule
/// that will accept or refuse the value, never a guess of its own: a refused value never reads
/// "Strong", an accepted alarm code never reads "Weak". Returns whether it is acceptable.
pub fn strength_meter(ui: &mut Ui, password: &str, policy: Policy<'_>) -> bool {
    let (fill, color, verdict, acceptable) = if password.is_empty() {
        let hint = match &policy {
            Policy::Operator(_) => {
                format!("At least {} characters; several unrelated words work well.", password::MIN_LENGTH)
            }
            Policy::Shared(_, rule) => format!("At least {} characters, or generate one.", rule.min_length),
        };
        (0.0, ui.visuals().weak_text_color(), hint, false)
    } else {
        let strength = verdict(password, &policy);
        let meets = match policy {
            Policy::Operator(_) => "meets the office password policy",
            Policy::Shared(..) => "meets the office policy for shared secrets",
        };
        let fill = f32::from(strength.score + 1) / 5.0;
        match &strength.problem {
            Some(problem) => (fill.min(0.4), State::Problem.color(ui), format!("Not accepted: {problem}"), false),
            None if strength.score < 2 => {
                (fill, State::Attention.color(ui), format!("Accepted: {meets} (short, as codes are)."), true)
            }
            None => (fill, State::Good.color(ui), format!("{}: {meets}.", strength.label), true),
        }
    };
    indented(ui, |ui| ui.add(egui::ProgressBar::new(fill).desired_width(FIELD_WIDTH).desired_height(6.0).fill(color)));
    indented(ui, |ui| {
        ui.set_max_width(FIELD_WIDTH + 120.0);
        // A long verdict is cut to one line (nothing below moves); the whole of it is on hover.
        ui.add(egui::Label::new(RichText::new(&verdict).color(color)).truncate()).on_hover_text(verdict);
    });
    acceptable
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_assessed_once_however_many_frames_draw_it() {
        let mut runs = 0;
        let policy = Policy::Operator(&["kim"]);
        let text = "a unique text for this test 8c1f";
        for _ in 0..3 {
            let strength = remembered(&policy, text, || {
                runs += 1;
                password::assess(text, &["kim"])
            });
            assert_eq!(strength, password::assess(text, &["kim"]));
        }
        assert_eq!(runs, 1);
        remembered(&Policy::Operator(&["sam"]), text, || {
            runs += 1;
            password::assess(text, &["sam"])
        });
        assert_eq!(runs, 2, "another policy is another verdict");
    }
}
