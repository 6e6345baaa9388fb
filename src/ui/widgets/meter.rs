//! The strength meter under a new password or secret: the same rule as the check that accepts or
//! refuses the value, drawn in a fixed two rows so typing never moves what is below.

use super::style::State;
use super::{FIELD_WIDTH, indented};
use crate::domain::password;
use crate::domain::secret::SecretString;
use egui::{RichText, Ui};

/// Which policy a strength meter shows: the same function that the check uses.
pub enum Policy<'a> {
    /// An operator's password; words that must not count as strength.
    Operator(&'a [&'a str]),
    /// A shared secret's value.
    Shared(&'a [&'a str], password::SharedSecretPolicy),
}

/// Why a new operator password cannot be used yet (the policy, or the two entries differ).
pub fn new_password_problem(password: &SecretString, confirm: &SecretString, context: &[&str]) -> Option<String> {
    if let Some(problem) = password::assess(password.expose(), context).problem {
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
        let (strength, meets) = match policy {
            Policy::Operator(context) => (password::assess(password, context), "meets the office password policy"),
            Policy::Shared(context, rule) => {
                (password::assess_shared(password, context, rule), "meets the office policy for shared secrets")
            }
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
