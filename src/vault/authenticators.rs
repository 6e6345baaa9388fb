//! Authenticator (TOTP) rows: a staff member's enrolment, a shared account's code secret, and an
//! operator's second factor with its hashed one-time recovery codes.

use super::error::VaultResult;
use super::handle::{Read, Write};
use rusqlite::{OptionalExtension, params};
use std::collections::{HashMap, HashSet};
use zeroize::Zeroizing;

fn step_of(stored: Option<i64>) -> Option<u64> {
    stored.and_then(|s| u64::try_from(s).ok())
}

/// Forget a staff member's authenticator (leaving, or replaced).
pub fn delete_staff(&Write(Read(conn)): &Write<'_>, staff: i64) -> VaultResult<()> {
    conn.execute("DELETE FROM staff_totp WHERE staff_id = ?1", [staff])?;
    Ok(())
}

// --- staff -----------------------------------------------------------------------------------

/// A staff member's enrolment as stored.
pub struct StaffAuthenticator {
    pub secret: Zeroizing<Vec<u8>>,
    /// The date of the first accepted code (`None`: waiting for it).
    pub enrolled_on: Option<String>,
    pub last_step: Option<u64>,
}

/// Staff with an authenticator and the date it was confirmed.
pub fn staff_enrolments(&Read(conn): &Read<'_>) -> VaultResult<HashMap<i64, Option<String>>> {
    let mut statement = conn.prepare("SELECT staff_id, enrolled_on FROM staff_totp")?;
    let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn staff_has_authenticator(&Read(conn): &Read<'_>, staff: i64) -> VaultResult<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM staff_totp WHERE staff_id = ?1)", [staff], |r| r.get(0))?)
}

pub fn staff_authenticator(&Read(conn): &Read<'_>, staff: i64) -> VaultResult<Option<StaffAuthenticator>> {
    Ok(conn
        .query_row("SELECT secret, enrolled_on, last_step FROM staff_totp WHERE staff_id = ?1", [staff], |r| {
            Ok(StaffAuthenticator {
                secret: Zeroizing::new(r.get(0)?),
                enrolled_on: r.get(1)?,
                last_step: step_of(r.get(2)?),
            })
        })
        .optional()?)
}

/// A new secret waiting for its first code; replaces any earlier enrolment.
pub fn begin_staff(&Write(Read(conn)): &Write<'_>, staff: i64, secret: &[u8]) -> VaultResult<()> {
    conn.execute(
        "INSERT OR REPLACE INTO staff_totp (staff_id, secret, enrolled_on, last_step) VALUES (?1, ?2, NULL, NULL)",
        params![staff, secret],
    )?;
    Ok(())
}

/// Remember the step of an accepted code (no replay) and confirm a waiting enrolment on `today`.
pub fn accept_staff_code(&Write(Read(conn)): &Write<'_>, staff: i64, step: u64, today: &str) -> VaultResult<()> {
    conn.execute(
        "UPDATE staff_totp SET last_step = ?2, enrolled_on = coalesce(enrolled_on, ?3) WHERE staff_id = ?1",
        params![staff, step as i64, today],
    )?;
    Ok(())
}

// --- shared accounts -------------------------------------------------------------------------

/// A shared account's authenticator secret and its settings as stored.
pub struct SecretAuthenticator {
    pub secret: Zeroizing<Vec<u8>>,
    pub algorithm: String,
    pub digits: i64,
    pub period: i64,
}

/// The shared secrets that carry an authenticator (TOTP) secret.
pub fn secrets_with_authenticator(&Read(conn): &Read<'_>) -> VaultResult<HashSet<i64>> {
    let mut statement = conn.prepare("SELECT secret_id FROM secret_totp")?;
    let rows = statement.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn secret_authenticator(&Read(conn): &Read<'_>, secret: i64) -> VaultResult<Option<SecretAuthenticator>> {
    Ok(conn
        .query_row("SELECT secret, algorithm, digits, period FROM secret_totp WHERE secret_id = ?1", [secret], |r| {
            Ok(SecretAuthenticator {
                secret: Zeroizing::new(r.get(0)?),
                algorithm: r.get(1)?,
                digits: r.get(2)?,
                period: r.get(3)?,
            })
        })
        .optional()?)
}

pub fn set_secret_authenticator(
    &Write(Read(conn)): &Write<'_>,
    secret_id: i64,
    stored: &SecretAuthenticator,
) -> VaultResult<()> {
    conn.execute(
        "INSERT OR REPLACE INTO secret_totp (secret_id, secret, algorithm, digits, period) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![secret_id, &stored.secret[..], stored.algorithm, stored.digits, stored.period],
    )?;
    Ok(())
}

// --- operators -------------------------------------------------------------------------------

/// An operator's second factor as stored.
pub struct OperatorAuthenticator {
    pub secret: Zeroizing<Vec<u8>>,
    /// When it was switched on (`None`: a setup waits for its first code).
    pub enabled_at: Option<String>,
    pub last_step: Option<u64>,
}

pub fn operator_authenticator(&Read(conn): &Read<'_>, operator: &str) -> VaultResult<Option<OperatorAuthenticator>> {
    Ok(conn
        .query_row("SELECT secret, enabled_at, last_step FROM operator_totp WHERE operator = ?1", [operator], |r| {
            Ok(OperatorAuthenticator {
                secret: Zeroizing::new(r.get(0)?),
                enabled_at: r.get(1)?,
                last_step: step_of(r.get(2)?),
            })
        })
        .optional()?)
}

pub fn recovery_codes_left(&Read(conn): &Read<'_>, operator: &str) -> VaultResult<usize> {
    let left: i64 = conn.query_row(
        "SELECT count(*) FROM operator_recovery_codes WHERE operator = ?1 AND used_at IS NULL",
        [operator],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(left).unwrap_or(0))
}

/// A new secret waiting for its first code (replaces an unfinished setup).
pub fn begin_operator(&Write(Read(conn)): &Write<'_>, operator: &str, secret: &[u8]) -> VaultResult<()> {
    conn.execute(
        "INSERT OR REPLACE INTO operator_totp (operator, secret, enabled_at, last_step) VALUES (?1, ?2, NULL, NULL)",
        params![operator, secret],
    )?;
    Ok(())
}

/// Switch the second factor on at `now` with the first code's step, replacing the recovery codes.
pub fn enable_operator(
    &Write(Read(conn)): &Write<'_>,
    operator: &str,
    now: &str,
    step: u64,
    recovery_hashes: &[impl AsRef<[u8]>],
) -> VaultResult<()> {
    conn.execute(
        "UPDATE operator_totp SET enabled_at = ?2, last_step = ?3 WHERE operator = ?1",
        params![operator, now, step as i64],
    )?;
    conn.execute("DELETE FROM operator_recovery_codes WHERE operator = ?1", [operator])?;
    for hash in recovery_hashes {
        conn.execute(
            "INSERT INTO operator_recovery_codes (operator, hash) VALUES (?1, ?2)",
            params![operator, hash.as_ref()],
        )?;
    }
    Ok(())
}

/// Remember the step of an accepted sign-in code, so it cannot be used again.
pub fn set_operator_step(&Write(Read(conn)): &Write<'_>, operator: &str, step: u64) -> VaultResult<()> {
    conn.execute("UPDATE operator_totp SET last_step = ?2 WHERE operator = ?1", params![operator, step as i64])?;
    Ok(())
}

/// Spend an unused recovery code with this hash; `None` when there is none. Returns how many
/// are left.
pub fn spend_recovery_code(
    &Write(Read(conn)): &Write<'_>,
    operator: &str,
    hash: &[u8],
    now: &str,
) -> VaultResult<Option<usize>> {
    let used = conn.execute(
        "UPDATE operator_recovery_codes SET used_at = ?3
         WHERE id = (SELECT id FROM operator_recovery_codes
                     WHERE operator = ?1 AND hash = ?2 AND used_at IS NULL LIMIT 1)",
        params![operator, hash, now],
    )?;
    if used != 1 {
        return Ok(None);
    }
    recovery_codes_left(&Read(conn), operator).map(Some)
}

/// Turn an operator's two-step sign-in off: the secret and every recovery code go.
pub fn delete_operator(&Write(Read(conn)): &Write<'_>, operator: &str) -> VaultResult<()> {
    conn.execute("DELETE FROM operator_totp WHERE operator = ?1", [operator])?;
    conn.execute("DELETE FROM operator_recovery_codes WHERE operator = ?1", [operator])?;
    Ok(())
}
