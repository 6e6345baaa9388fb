//! Carrying out the Shared secrets commands after the frame: selecting, hiding and generating
//! values, and what reads or writes a secret (each returns the message to show).

use super::{SecretCommand, SecretsPage};
use crate::service::{ServiceResult, date_in_words, generate_password};
use crate::ui::commands::Outcome;
use crate::ui::pages::Context;
use crate::ui::shell::CopiedSecret;
use zeroize::Zeroizing;

impl SecretsPage {
    pub fn apply(&mut self, command: SecretCommand, cx: &mut Context<'_>, copied: &mut CopiedSecret) -> Outcome {
        let records = cx.records;
        let message = match command {
            SecretCommand::Select(id) => return Outcome::Shown(self.select(id, cx.office, records)),
            SecretCommand::Hide => {
                self.hide();
                return Outcome::SHOWN;
            }
            SecretCommand::GenerateRotation | SecretCommand::GenerateNew => {
                let generated = generate_password(self.generator.length, self.generator.sets);
                return Outcome::Shown(generated.map(|value| match command {
                    SecretCommand::GenerateRotation => self.forms.rotate_value = value,
                    _ => self.forms.secret_value = value,
                }));
            }
            SecretCommand::Reveal(id) => self.reveal(id, cx),
            SecretCommand::Copy(id) => records
                .secret_name(id)
                .and_then(|name| cx.office.reveal_secret(&name, "copied to the clipboard"))
                .and_then(|value| copied.copy(value.expose(), cx.office.now(), cx.data.policies))
                .map(Some),
            SecretCommand::Rotate(id) => return self.ask_or_rotate(id, cx),
            SecretCommand::RotateAnyway(id) => {
                self.rotate_warning = None;
                self.rotate(id, cx).map(Some)
            }
            SecretCommand::CancelRotate => {
                self.rotate_warning = None;
                return Outcome::SHOWN;
            }
            SecretCommand::MarkCompromised(id) => records.secret_name(id).and_then(|name| {
                cx.office.mark_compromised(&name, &self.forms.compromise_note)?;
                self.forms.compromise_note.clear();
                Ok(Some("Marked as possibly compromised: it is due now.".to_owned()))
            }),
            SecretCommand::Add => self.add(cx).map(Some),
            SecretCommand::SaveInterval(id) => self.save_interval(id, cx).map(Some),
            SecretCommand::ShowCode(id) => self.show_code(id, cx),
            SecretCommand::CopyCode(id) => records
                .secret_name(id)
                .and_then(|name| cx.office.secret_totp_code(&name))
                .and_then(|(code, _)| copied.copy(&code, cx.office.now(), cx.data.policies))
                .map(Some),
            SecretCommand::AttachAuthenticator(id) => self.attach_authenticator(id, cx).map(Some),
        };
        Outcome::Written(message)
    }

    fn reveal(&mut self, id: i64, cx: &mut Context<'_>) -> ServiceResult<Option<String>> {
        let value = cx.office.reveal_secret(&cx.records.secret_name(id)?, "revealed on screen")?;
        let now = cx.office.now();
        let until = now.checked_add(jiff::SignedDuration::from_secs(30)).unwrap_or(now);
        self.revealed = Some((id, value, until));
        Ok(Some("Shown for 30 seconds.".to_owned()))
    }

    /// Rotate at once, or first say who is leaving and would learn the new value.
    fn ask_or_rotate(&mut self, id: i64, cx: &mut Context<'_>) -> Outcome {
        let leavers = match cx.records.secret_name(id).and_then(|name| cx.office.leavers_with_access(&name)) {
            Ok(leavers) => leavers,
            Err(error) => return Outcome::Shown(Err(error)),
        };
        if leavers.is_empty() {
            return Outcome::Written(self.rotate(id, cx).map(Some));
        }
        self.rotate_warning = Some(super::rotation::RotateWarning { secret: id, leavers });
        Outcome::SHOWN
    }

    fn rotate(&mut self, id: i64, cx: &mut Context<'_>) -> ServiceResult<String> {
        let name = cx.records.secret_name(id)?;
        // Cleared only once accepted: a refused value may already be set in the system.
        let completed = cx.office.rotate_secret(&name, &self.forms.rotate_value)?;
        self.forms.rotate_value.clear();
        Ok(match completed {
            0 => format!("{name} rotated."),
            n => format!(
                "{name} rotated; {} done.",
                crate::service::counted(n, "leaver checklist item", "leaver checklist items")
            ),
        })
    }

    fn save_interval(&mut self, id: i64, cx: &mut Context<'_>) -> ServiceResult<String> {
        let name = cx.records.secret_name(id)?;
        let due = cx.office.set_secret_interval(&name, super::rotation::parse_interval(&self.forms.interval)?)?;
        Ok(match due {
            Some(due) => format!("{name}: next change due by {}.", date_in_words(due, cx.records.today)),
            None => format!("{name}: changed only when needed now, without a reminder."),
        })
    }

    fn add(&mut self, cx: &mut Context<'_>) -> ServiceResult<String> {
        let forms = &mut self.forms;
        let system = Some(forms.secret_system.trim()).filter(|s| !s.is_empty());
        let interval = super::rotation::parse_interval(&forms.secret_interval)?;
        cx.office.add_secret(
            &forms.secret_name,
            system,
            None,
            &forms.secret_username,
            &forms.secret_value,
            interval,
            None,
            &[],
        )?;
        let name = forms.secret_name.trim().to_owned();
        // The next secret starts from nothing: no system, username or shown value carried over.
        forms.secret_value.clear();
        forms.secret_name.clear();
        forms.secret_system.clear();
        forms.secret_username.clear();
        forms.secret_interval.clear();
        forms.show_value = false;
        Ok(format!("{name} added."))
    }

    /// The account's current code, on screen until it expires (not as a notice).
    fn show_code(&mut self, id: i64, cx: &mut Context<'_>) -> ServiceResult<Option<String>> {
        let (code, seconds) = cx.office.secret_totp_code(&cx.records.secret_name(id)?)?;
        let now = cx.office.now();
        let until = now.checked_add(jiff::SignedDuration::from_secs(seconds as i64));
        self.authenticator.code = Some((id, code, until.unwrap_or(now)));
        Ok(None)
    }

    fn attach_authenticator(&mut self, id: i64, cx: &mut Context<'_>) -> ServiceResult<String> {
        let view = &mut self.authenticator;
        let uri = if view.uri.expose().trim().is_empty() {
            crate::service::read_qr_image(std::path::Path::new(view.image.trim()))?
        } else {
            Zeroizing::new(view.uri.expose().trim().to_owned())
        };
        cx.office.set_secret_totp(&cx.records.secret_name(id)?, &uri)?;
        view.uri.clear();
        view.image.clear();
        Ok("Authenticator attached.".to_owned())
    }
}
