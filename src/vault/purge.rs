//! Purging a leaver's personal details after the retention period: every row that named them
//! is overwritten in place (the kind and outcome of what happened stay), and the key of their
//! audit-log details is destroyed, so those details can no longer be read anywhere.

use super::error::VaultResult;
use super::handle::{Read, Write};
use rusqlite::params;

/// Overwrite staff member `staff`'s details with `name` and `email` (placeholders) everywhere.
pub fn purge_staff(tx @ &Write(Read(conn)): &Write<'_>, staff: i64, name: &str, email: &str) -> VaultResult<()> {
    conn.execute(
        "UPDATE staff SET full_name = ?2, email = ?3, job_title = '', team = '', notes = '' WHERE id = ?1",
        params![staff, name, email],
    )?;
    conn.execute("UPDATE accounts SET username = 'purged' WHERE staff_id = ?1", [staff])?;
    conn.execute("UPDATE direct_grants SET reason = 'purged' WHERE staff_id = ?1", [staff])?;
    conn.execute("DELETE FROM staff_totp WHERE staff_id = ?1", [staff])?;
    super::policies::purge_certificates(tx, staff)?;
    // Checklist titles can name an account, a device or a reason; the kind and the outcome stay.
    conn.execute(
        "UPDATE checklist_items SET title = 'item #' || id || ' (details purged)',
             reason = CASE WHEN reason IS NULL THEN NULL ELSE 'purged' END
         WHERE checklist_id IN (SELECT id FROM checklists WHERE staff_id = ?1)",
        [staff],
    )?;
    // Access review evidence keeps the decisions but not the name or what named them.
    conn.execute(
        "UPDATE review_items SET full_name = ?2, email = ?3, team = '',
             source = CASE WHEN source LIKE '%exception%' THEN 'exception (reason purged)' ELSE source END,
             comment = CASE WHEN comment = '' THEN '' ELSE 'purged' END
         WHERE staff_id = ?1",
        params![staff, name, email],
    )?;
    super::personal::shred(tx, staff)
}
