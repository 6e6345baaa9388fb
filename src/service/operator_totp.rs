//! An operator's second factor: enabling TOTP (QR code and grouped secret, confirmed by a first
//! code, ten hashed one-time recovery codes), the code asked after the password at sign-in, and
//! disabling with a current code. The vault is already decrypted when the code is asked: this
//! stops someone who learned a password but lacks the phone from using Keyholder, not someone
//! who has the file and the password and reads the database themselves.

use super::{Office, ServiceError, ServiceResult};
use crate::domain::audit::AuditEvent;
use crate::domain::recovery_codes;
use crate::domain::secret::SecretString;
use crate::domain::totp::{self, DIGITS, SECRET_BYTES};
use crate::vault::authenticators::{self, OperatorAuthenticator};
use crate::vault::{VaultError, crypto};
use totp_rs::Algorithm;
use zeroize::Zeroizing;

/// What the operator scans (or types) to add Keyholder to their authenticator app.
pub struct OperatorTotpSetup {
    pub uri: Zeroizing<String>,
    pub qr_png: Vec<u8>,
    /// The secret in base 32, in groups of four, for typing into an app by hand.
    pub secret_text: Zeroizing<String>,
}

impl std::fmt::Debug for OperatorTotpSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OperatorTotpSetup(..)")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperatorTotpStatus {
    /// When the second factor was switched on (`None`: off).
    pub enabled_at: Option<String>,
    /// A setup was started and waits for its first code.
    pub pending: bool,
    pub recovery_codes_left: usize,
}

fn refused(text: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(text.into())
}

impl Office {
    fn operator_totp_row(&self) -> ServiceResult<Option<OperatorAuthenticator>> {
        Ok(authenticators::operator_authenticator(&self.vault().read(), self.operator().as_str())?)
    }

    pub fn operator_totp_status(&self) -> ServiceResult<OperatorTotpStatus> {
        let read = &self.vault().read();
        let name = self.operator().as_str();
        let row = authenticators::operator_authenticator(read, name)?;
        Ok(OperatorTotpStatus {
            pending: row.as_ref().is_some_and(|row| row.enabled_at.is_none()),
            enabled_at: row.and_then(|row| row.enabled_at),
            recovery_codes_left: authenticators::recovery_codes_left(read, name)?,
        })
    }

    /// Whether this operator must give a code after the password.
    pub(super) fn needs_second_factor(&self) -> ServiceResult<bool> {
        Ok(self.operator_totp_row()?.is_some_and(|row| row.enabled_at.is_some()))
    }

    /// Start enabling the second factor: a new secret waits for its first code.
    pub fn begin_operator_totp(&mut self) -> ServiceResult<OperatorTotpSetup> {
        if self.needs_second_factor()? {
            return Err(ServiceError::refused_by_state(
                "two-step sign-in is already on; turn it off first to move it to a new phone",
            ));
        }
        let secret: Zeroizing<[u8; SECRET_BYTES]> = Zeroizing::new(crypto::random_array()?);
        let issuer = format!("Keyholder {}", self.settings()?.office_name);
        let uri = Zeroizing::new(
            totp::provisioning_uri(secret.as_ref(), &issuer, self.operator().as_str())
                .map_err(|e| refused(e.to_string()))?,
        );
        let qr_png = totp_rs::Totp::from_url(&uri)
            .map_err(|e| refused(e.to_string()))?
            .to_qr_png()
            .map_err(|e| refused(format!("cannot draw the QR code: {e}")))?;
        let name = self.operator().to_string();
        let event = AuditEvent::new("operator.totp_setup", format!("{name} started setting up two-step sign-in"));
        self.record(event, |tx| authenticators::begin_operator(tx, &name, &secret[..]))?;
        Ok(OperatorTotpSetup { uri, qr_png, secret_text: totp::grouped_secret(secret.as_ref()) })
    }

    /// Confirm the setup with the app's first code; returns the ten recovery codes, shown once.
    pub fn confirm_operator_totp(&mut self, code: &str) -> ServiceResult<Vec<Zeroizing<String>>> {
        let row = match self.operator_totp_row()? {
            Some(row) if row.enabled_at.is_none() => row,
            Some(_) => return Err(ServiceError::refused_by_state("two-step sign-in is already on")),
            None => return Err(ServiceError::refused_by_state("start setting up two-step sign-in first")),
        };
        let step = totp::verify(&row.secret, Algorithm::SHA1, DIGITS, code, self.unix_now(), row.last_step).map_err(
            |refusal| ServiceError::CodeRefused {
                refusal,
                hint: "; check the phone's clock and type the code shown now",
            },
        )?;
        let mut codes = Vec::with_capacity(recovery_codes::COUNT);
        for _ in 0..recovery_codes::COUNT {
            let bytes: Zeroizing<[u8; recovery_codes::CODE_BYTES]> = Zeroizing::new(crypto::random_array()?);
            codes.push(recovery_codes::format(&bytes));
        }
        let name = self.operator().to_string();
        let hashes = codes
            .iter()
            .map(|code| recovery_codes::hash(&name, code))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| refused(e.to_string()))?;
        let now = self.now().to_string();
        let event = AuditEvent::new("operator.totp_enable", format!("{name} turned on two-step sign-in"));
        self.record(event, |tx| authenticators::enable_operator(tx, &name, &now, step, &hashes))?;
        self.set_second_factor_step(Some(step));
        Ok(codes)
    }

    /// Turn the second factor off; needs a current code (the one just used to sign in counts).
    pub fn disable_operator_totp(&mut self, code: &str) -> ServiceResult<()> {
        let row = match self.operator_totp_row()? {
            Some(row) if row.enabled_at.is_some() => row,
            _ => return Err(ServiceError::refused_by_state("two-step sign-in is not on")),
        };
        let now = self.unix_now();
        match totp::verify(&row.secret, Algorithm::SHA1, DIGITS, code, now, row.last_step) {
            Ok(_) => {}
            Err(totp::TotpRefusal::Replayed)
                if totp::verify(&row.secret, Algorithm::SHA1, DIGITS, code, now, None).ok()
                    == self.second_factor_step() => {}
            Err(refusal) => return Err(ServiceError::CodeRefused { refusal, hint: "" }),
        }
        let name = self.operator().to_string();
        let event = AuditEvent::new("operator.totp_disable", format!("{name} turned off two-step sign-in"));
        self.record(event, |tx| authenticators::delete_operator(tx, &name))
    }

    /// The second step of sign-in: an authenticator code, or one of the recovery codes. A
    /// wrong or replayed code counts toward the sign-in delay and is audited.
    pub(super) fn check_second_factor(&mut self, code: &SecretString) -> ServiceResult<()> {
        let name = self.operator().to_string();
        let now = self.now();
        self.vault().check_attempts(&name, now)?;
        let row =
            self.operator_totp_row()?.ok_or_else(|| ServiceError::refused_by_state("two-step sign-in is not on"))?;
        let outcome = if recovery_codes::looks_like_code(code.expose()) {
            self.use_recovery_code(code.expose())
        } else {
            match totp::verify(&row.secret, Algorithm::SHA1, DIGITS, code.expose(), self.unix_now(), row.last_step) {
                Ok(step) => {
                    self.vault_mut()
                        .write_bookkeeping(&name, now, |tx| authenticators::set_operator_step(tx, &name, step))?;
                    self.set_second_factor_step(Some(step));
                    Ok(())
                }
                Err(refusal) => Err(refusal.to_string()),
            }
        };
        match outcome {
            Ok(()) => Ok(()),
            Err(reason) => {
                self.vault().record_failure(&name, now)?;
                let event = AuditEvent::new(
                    "operator.second_factor_refused",
                    format!("sign-in code of {name} refused: {reason}"),
                );
                self.record(event, |_| Ok(()))?;
                Err(ServiceError::SecondFactorRefused(reason))
            }
        }
    }

    /// Check the second step of sign-in without recording anything in the record (for a copy
    /// of it, which must leave the source as it was); a wrong code still counts toward the
    /// sign-in delay, which is kept outside the record.
    pub(super) fn check_second_factor_only(&self, code: &SecretString) -> ServiceResult<()> {
        let name = self.operator().to_string();
        let now = self.now();
        self.vault().check_attempts(&name, now)?;
        let row =
            self.operator_totp_row()?.ok_or_else(|| ServiceError::refused_by_state("two-step sign-in is not on"))?;
        match totp::verify(&row.secret, Algorithm::SHA1, DIGITS, code.expose(), self.unix_now(), row.last_step) {
            Ok(_) => Ok(()),
            Err(refusal) => {
                self.vault().record_failure(&name, now)?;
                Err(ServiceError::SecondFactorRefused(refusal.to_string()))
            }
        }
    }

    /// Accept an unused recovery code once; the error says why not.
    fn use_recovery_code(&mut self, code: &str) -> Result<(), String> {
        const REFUSED: &str = "that recovery code is not valid or was already used";
        let name = self.operator().to_string();
        let hash = recovery_codes::hash(&name, code).map_err(|e| e.to_string())?;
        let now = self.now().to_string();
        // The code is spent in the same transaction as the audit record that says so.
        let used = self.record_with(
            |left: &usize| {
                AuditEvent::new(
                    "operator.recovery_code_used",
                    format!("{name} used a recovery code instead of the authenticator ({left} left)"),
                )
            },
            |tx| {
                authenticators::spend_recovery_code(tx, &name, &hash, &now)?
                    .ok_or_else(|| VaultError::Refused(REFUSED.into()))
            },
        );
        match used {
            Ok(_) => Ok(()),
            Err(ServiceError::Vault(VaultError::Refused(reason))) => Err(reason),
            Err(other) => Err(other.to_string()),
        }
    }
}
