//! Writing many staff members at once (a CSV import): 200 rows per statement, each row
//! with its id and its manager, in an order where every manager is written before the people
//! they manage.
//!
//! Every statement in a transaction costs SQLite a statement journal, and with SQLCipher's
//! memory wiping on each of its allocations is locked in RAM, then wiped and unlocked (two
//! system calls): one statement per person and a second pass to link managers made an import
//! of 10,000 rows take two seconds. A row naming a manager not written yet would also make
//! SQLite look through every table that refers to staff at each insert after it (a pending
//! foreign key). Called inside the use case's transaction, like every repository write.

use super::error::{VaultError, VaultResult};
use super::handle::{Read, Write};
use crate::domain::staff::{NewStaff, StaffId};
use rusqlite::types::ToSql;

/// Rows per statement. Each statement journals the pages it changes that earlier ones had
/// changed (fewer, larger statements journal less); each row binds 10 values, which stay in
/// the connection's own memory (`db::LOOKASIDE_SLOTS`: 200 rows use about 1,600 of its small
/// slots) rather than in locked heap blocks. 100 rows: 77-80 ms for 10,000; 200: 73; 400: 74.
const ROWS_PER_STATEMENT: usize = 200;

/// A row's values that it does not hold as they are stored: manager id, start and end date
/// as text, status.
type Stored<'a> = (Option<StaffId>, Option<String>, Option<String>, &'a str);

/// Who a new row's line manager is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manager {
    None,
    /// Someone already in the office.
    Staff(StaffId),
    /// Another row of the same batch, by its index.
    Row(usize),
}

/// `(?, ?, …), (?, ?, …)…`: `rows` groups of `columns` placeholders.
fn placeholders(rows: usize, columns: usize) -> String {
    let row = format!("({})", vec!["?"; columns].join(", "));
    vec![row; rows].join(", ")
}

/// The order to write the rows in: each row after its manager when that is a row too, so that
/// every manager exists when a row naming them is checked. Otherwise in the given order.
fn managers_first(rows: &[(&NewStaff, Manager)]) -> VaultResult<Vec<usize>> {
    let mut placed = vec![false; rows.len()];
    let mut order = Vec::with_capacity(rows.len());
    for start in 0..rows.len() {
        // The chain of managers above `start` not written yet, lowest first.
        let mut chain = Vec::new();
        let mut at = start;
        while !placed[at] {
            if chain.contains(&at) {
                return Err(VaultError::Refused("the managers of the new rows form a loop".into()));
            }
            chain.push(at);
            match rows[at].1 {
                Manager::Row(manager) if manager < rows.len() => at = manager,
                Manager::Row(_) => return Err(VaultError::Refused("a new row's manager is not in the batch".into())),
                Manager::None | Manager::Staff(_) => break,
            }
        }
        for &row in chain.iter().rev() {
            placed[row] = true;
            order.push(row);
        }
    }
    Ok(order)
}

/// Insert `staff` with their managers and return their ids, in the order given (which is
/// also the order of the ids: the rows get the ids after the highest so far, in turn).
/// `rows_done` hears of each batch written; `false` stops with [`VaultError::Cancelled`] (the
/// transaction around this is then rolled back).
pub fn insert_staff_many(
    &Write(Read(conn)): &Write<'_>,
    staff: &[(&NewStaff, Manager)],
    rows_done: &mut dyn FnMut(usize) -> bool,
) -> VaultResult<Vec<StaffId>> {
    let order = managers_first(staff)?;
    let last: StaffId = conn.query_row("SELECT coalesce(max(id), 0) FROM staff", [], |row| row.get(0))?;
    let id_of = |row: usize| -> VaultResult<StaffId> {
        i64::try_from(row)
            .ok()
            .and_then(|n| last.checked_add(n + 1))
            .ok_or_else(|| VaultError::Refused("too many staff".into()))
    };
    let ids: Vec<StaffId> = (0..staff.len()).map(id_of).collect::<VaultResult<_>>()?;
    for chunk in order.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO staff (id, full_name, email, job_title, team, manager_id, start_date, end_date, status, notes)
             VALUES {}",
            placeholders(chunk.len(), 10)
        );
        // The values the rows do not hold as they are stored.
        let stored: Vec<Stored<'_>> = chunk
            .iter()
            .map(|&row| {
                let (person, manager) = staff[row];
                let manager = match manager {
                    Manager::None => None,
                    Manager::Staff(id) => Some(id),
                    Manager::Row(other) => ids.get(other).copied(),
                };
                (
                    manager,
                    person.start_date.map(|d| d.to_string()),
                    person.end_date.map(|d| d.to_string()),
                    person.status.as_str(),
                )
            })
            .collect();
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(chunk.len() * 10);
        for (&row, (manager, start, end, status)) in chunk.iter().zip(&stored) {
            let person = staff[row].0;
            values.extend([
                &ids[row] as &dyn ToSql,
                &person.full_name,
                &person.email,
                &person.job_title,
                &person.team,
                manager,
                start,
                end,
                status,
                &person.notes,
            ]);
        }
        conn.prepare_cached(&sql)?.execute(values.as_slice())?;
        if !rows_done(chunk.len()) {
            return Err(VaultError::Cancelled);
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::{Manager, managers_first, placeholders};
    use crate::domain::staff::{NewStaff, StaffStatus};

    #[test]
    fn managers_are_written_before_their_reports() {
        let person = NewStaff {
            full_name: "Sam Carter".into(),
            email: "sam@example.com".into(),
            job_title: String::new(),
            team: String::new(),
            manager_email: None,
            start_date: None,
            end_date: None,
            status: StaffStatus::Active,
            notes: String::new(),
        };
        let rows = [
            (&person, Manager::Row(2)),
            (&person, Manager::Staff(9)),
            (&person, Manager::Row(3)),
            (&person, Manager::None),
            (&person, Manager::Row(1)),
        ];
        assert_eq!(managers_first(&rows).ok(), Some(vec![3, 2, 0, 1, 4]));
        let looped = [(&person, Manager::Row(1)), (&person, Manager::Row(0))];
        assert!(managers_first(&looped).is_err());
        assert!(managers_first(&[(&person, Manager::Row(5))]).is_err());
    }

    #[test]
    fn placeholders_are_rows_of_columns() {
        assert_eq!(placeholders(2, 3), "(?, ?, ?), (?, ?, ?)");
        assert_eq!(placeholders(1, 1), "(?)");
    }
}
