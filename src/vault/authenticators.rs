//! Authenticator rows that more than one use case removes: a staff member's enrolment and an
//! operator's second factor with its recovery codes.

use super::error::VaultResult;
use rusqlite::Connection;

/// Forget a staff member's authenticator (leaving, or replaced).
pub fn delete_staff(conn: &Connection, staff: i64) -> VaultResult<()> {
    conn.execute("DELETE FROM staff_totp WHERE staff_id = ?1", [staff])?;
    Ok(())
}

/// Turn an operator's two-step sign-in off: the secret and every recovery code go.
pub fn delete_operator(conn: &Connection, operator: &str) -> VaultResult<()> {
    conn.execute("DELETE FROM operator_totp WHERE operator = ?1", [operator])?;
    conn.execute("DELETE FROM operator_recovery_codes WHERE operator = ?1", [operator])?;
    Ok(())
}
