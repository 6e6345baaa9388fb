//! Authenticators: enrolling a staff member's app for identity checks (the defence against a
//! caller pretending to be staff), verifying a code (each accepted once, across restarts), and
//! the codes of shared accounts that carry a TOTP secret.

use super::{Office, Record, ServiceError, ServiceResult};
use crate::domain::audit::AuditEvent;
use crate::domain::totp::{self, DIGITS, SECRET_BYTES};
use crate::vault::authenticators::{self, SecretAuthenticator};
use crate::vault::crypto;
use totp_rs::Algorithm;
use zeroize::Zeroizing;

/// Read the `otpauth://` URI from a picture of a QR code (PNG or JPEG).
pub fn read_qr_image(path: &std::path::Path) -> ServiceResult<Zeroizing<String>> {
    let picture = image::open(path)
        .map_err(|e| invalid(format!("cannot read {} as a PNG or JPEG picture: {e}", path.display())))?
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(picture);
    for grid in prepared.detect_grids() {
        if let Ok((_, text)) = grid.decode() {
            let text = Zeroizing::new(text);
            if text.starts_with("otpauth://") {
                return Ok(text);
            }
        }
    }
    Err(invalid(format!("no authenticator QR code (otpauth://) found in {}", path.display())))
}

fn invalid(text: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(text.into())
}

fn algorithm_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::SHA256 => "SHA256",
        Algorithm::SHA512 => "SHA512",
        _ => "SHA1",
    }
}

fn algorithm_from(name: &str) -> Algorithm {
    match name {
        "SHA256" => Algorithm::SHA256,
        "SHA512" => Algorithm::SHA512,
        _ => Algorithm::SHA1,
    }
}

impl Office {
    pub(super) fn unix_now(&self) -> u64 {
        u64::try_from(self.now().as_second()).unwrap_or(0)
    }

    /// Staff with an authenticator: their id and the date it was confirmed (`None`: waiting
    /// for the first code).
    pub fn authenticator_enrolments(&self) -> ServiceResult<std::collections::HashMap<i64, Option<String>>> {
        Ok(authenticators::staff_enrolments(&self.vault().read())?)
    }

    /// The shared secrets that carry an authenticator (TOTP) secret.
    pub fn secrets_with_totp(&self) -> ServiceResult<std::collections::HashSet<i64>> {
        Ok(authenticators::secrets_with_authenticator(&self.vault().read())?)
    }

    /// Start (or redo, after a lost phone) a staff member's enrolment: a new secret replaces
    /// any earlier one. Returns the provisioning URI and the QR code as PNG bytes.
    pub fn enrol_authenticator(&mut self, email: &str) -> ServiceResult<(String, Vec<u8>)> {
        let directory = self.directory()?;
        let person = directory.person_by_email(email).ok_or_else(|| ServiceError::no_staff_with_email(email))?.clone();
        let secret = crypto::random_secret(SECRET_BYTES)?;
        let issuer = format!("Keyholder {}", self.settings()?.office_name);
        let uri = totp::provisioning_uri(&secret, &issuer, &person.email).map_err(|e| invalid(e.to_string()))?;
        let qr = totp_rs::Totp::from_url(&uri)
            .map_err(|e| invalid(e.to_string()))?
            .to_qr_png()
            .map_err(|e| invalid(format!("cannot draw the QR code: {e}")))?;
        let event = AuditEvent::new("totp.enrol", format!("authenticator enrolment started for staff #{}", person.id));
        self.record(event, |tx| authenticators::begin_staff(tx, person.id, &secret[..]))?;
        Ok((uri, qr))
    }

    /// Check a caller's code. The first valid code also confirms a pending enrolment (the date
    /// is kept). Wrong and replayed codes are refused and audited.
    pub fn verify_staff_code(&mut self, email: &str, code: &str) -> ServiceResult<()> {
        let directory = self.directory()?;
        let person = directory.person_by_email(email).ok_or_else(|| ServiceError::no_staff_with_email(email))?.clone();
        let enrolment = authenticators::staff_authenticator(&self.vault().read(), person.id)?
            .ok_or_else(|| ServiceError::not_found(Record::Authenticator, format!("enrolled for {}", person.email)))?;
        match totp::verify(&enrolment.secret, Algorithm::SHA1, DIGITS, code, self.unix_now(), enrolment.last_step) {
            Ok(step) => {
                let today = self.today().to_string();
                let confirm = enrolment.enrolled_on.is_none();
                let summary = if confirm {
                    format!("authenticator of staff #{} confirmed", person.id)
                } else {
                    format!("identity of staff #{} checked with their authenticator", person.id)
                };
                self.record(AuditEvent::new("totp.verify", summary), |tx| {
                    authenticators::accept_staff_code(tx, person.id, step, &today)
                })
            }
            Err(refusal) => {
                let event =
                    AuditEvent::new("totp.refused", format!("code for staff #{} refused: {refusal}", person.id));
                self.record(event, |_| Ok(()))?;
                Err(ServiceError::CodeRefused { refusal, hint: "" })
            }
        }
    }

    /// Attach a TOTP secret (an `otpauth://` URI, or the key typed by hand) to a shared secret.
    pub fn set_secret_totp(&mut self, name: &str, uri: &str) -> ServiceResult<()> {
        let (secret, params) = totp::parse_uri_or_secret(uri).map_err(invalid)?;
        let secret_record = self.find_secret(name)?;
        let event =
            AuditEvent::new("secret.totp", format!("authenticator code added to shared secret {}", secret_record.name));
        let stored = SecretAuthenticator {
            secret: Zeroizing::new(secret),
            algorithm: algorithm_name(params.algorithm).to_owned(),
            digits: i64::from(params.digits),
            period: params.period as i64,
        };
        self.record(event, |tx| authenticators::set_secret_authenticator(tx, secret_record.id, &stored))
    }

    /// A shared account's current code and the seconds it stays valid (reading it is audited).
    pub fn secret_totp_code(&mut self, name: &str) -> ServiceResult<(String, u64)> {
        let secret_record = self.find_secret(name)?;
        let SecretAuthenticator { secret, algorithm, digits, period } =
            authenticators::secret_authenticator(&self.vault().read(), secret_record.id)?
                .ok_or_else(|| ServiceError::not_found(Record::Authenticator, format!("for {}", secret_record.name)))?;
        // A stored value outside what was accepted means the record was damaged: say so.
        let params = totp::TotpParams {
            algorithm: algorithm_from(&algorithm),
            digits: u8::try_from(digits).unwrap_or(0),
            period: u64::try_from(period).unwrap_or(0),
        }
        .checked()
        .map_err(|e| {
            invalid(format!("the stored authenticator settings of {} are unusable: {e}", secret_record.name))
        })?;
        let now = self.unix_now();
        let code = totp::code_with(&secret, params, now).map_err(|e| invalid(e.to_string()))?;
        let event = AuditEvent::new("secret.totp_code", format!("authenticator code of {} read", secret_record.name));
        self.record(event, |_| Ok(()))?;
        Ok((code, params.period - now % params.period))
    }
}
