//! Import and export of the office record: staff CSV import (preview, then one transaction),
//! CSV exports of staff, access and the access matrix (formula cells neutralised), and the
//! flat access listing the CLI prints.

use super::{Office, ServiceError, ServiceResult};
use crate::domain::access::{Directory, Source};
use crate::domain::audit::AuditEvent;
use crate::domain::staff;
use crate::domain::staff::{StaffId, StaffStatus};
use crate::domain::staff_csv::{self, ImportPlan, neutralise};
use crate::vault::directory;
use crate::vault::staff_bulk::{self, Manager};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One line of "who has what, and why".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessRow {
    pub email: String,
    pub name: String,
    pub system: String,
    pub level: String,
    pub privileged: bool,
    pub customer_data: bool,
    /// `role NAME` or `exception: REASON`.
    pub source: String,
    pub expires_on: Option<String>,
}

/// Every piece of access in the office, optionally for one person or one system.
pub fn access_rows(directory: &Directory, today: Date, staff: Option<StaffId>, system: Option<i64>) -> Vec<AccessRow> {
    let access = match staff {
        Some(id) => directory.access_of(id, today),
        None => directory.all_access(today),
    };
    let mut rows: Vec<AccessRow> = access
        .into_iter()
        .filter(|a| system.is_none_or(|s| s == a.system_id))
        .filter_map(|a| {
            let person = directory.person(a.staff_id)?;
            let (system, level) = directory.level(a.level_id)?;
            let expires_on = match a.source {
                Source::Exception { grant_id } => directory
                    .exceptions
                    .iter()
                    .find(|g| g.id == grant_id)
                    .and_then(|g| g.expires_on)
                    .map(|d| d.to_string()),
                Source::Role { .. } => None,
            };
            Some(AccessRow {
                email: person.email.clone(),
                name: person.full_name.clone(),
                system: system.name.clone(),
                level: level.name.clone(),
                privileged: level.privileged,
                customer_data: system.customer_data,
                source: directory.describe_source(a.source),
                expires_on,
            })
        })
        .collect();
    rows.sort_by(|a, b| (&a.email, &a.system, &a.source).cmp(&(&b.email, &b.system, &b.source)));
    rows
}

/// A CSV export: the header, then each row with spreadsheet formulas neutralised.
pub(super) fn csv_bytes<Row, Cell>(header: &[&str], rows: impl IntoIterator<Item = Row>) -> ServiceResult<Vec<u8>>
where
    Row: IntoIterator<Item = Cell>,
    Cell: AsRef<str>,
{
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ServiceError::Invalid(format!("cannot write CSV: {e}"));
    // Headers too: the matrix's columns are system names, which anyone with access can choose.
    writer.write_record(header.iter().map(|cell| neutralise(cell))).map_err(fail)?;
    for row in rows {
        writer.write_record(row.into_iter().map(|cell| neutralise(cell.as_ref()))).map_err(fail)?;
    }
    writer.into_inner().map_err(|e| ServiceError::Invalid(format!("cannot write CSV: {e}")))
}

impl Office {
    /// Check a staff CSV against the office without writing anything.
    pub fn preview_import(&self, bytes: &[u8]) -> ServiceResult<ImportPlan> {
        self.stage("checking each row", 0);
        let existing: HashSet<String> =
            directory::staff_emails(&self.vault().read())?.iter().map(|(_, email)| staff::email_key(email)).collect();
        let plan = staff_csv::plan_import(bytes, &existing, StaffStatus::Active).map_err(ServiceError::Invalid)?;
        self.checkpoint()?;
        Ok(plan)
    }

    /// Write the valid rows of a plan in one transaction; returns how many were added.
    pub fn apply_import(&mut self, plan: &ImportPlan, source: &str) -> ServiceResult<usize> {
        let existing: HashMap<String, StaffId> = directory::staff_emails(&self.vault().read())?
            .into_iter()
            .map(|(id, email)| (staff::email_key(&email), id))
            .collect();
        let count = plan.valid.len();
        let event = AuditEvent::new("staff.import", format!("{count} staff imported from {source}"));
        // Each row's manager: someone in the office already, or another row of the file.
        let rows_by_email: HashMap<&str, usize> =
            plan.valid.iter().enumerate().map(|(i, (_, person))| (person.email.as_str(), i)).collect();
        let rows: Vec<(&staff::NewStaff, Manager)> = plan
            .valid
            .iter()
            .map(|(_, person)| {
                let manager = person.manager_email.as_deref().map_or(Manager::None, |email| {
                    match (existing.get(email), rows_by_email.get(email)) {
                        (Some(id), _) => Manager::Staff(*id),
                        (None, Some(row)) => Manager::Row(*row),
                        (None, None) => Manager::None,
                    }
                });
                (person, manager)
            })
            .collect();
        self.stage("writing the rows", count as u64);
        let mut rows_done = self.rows_done();
        self.record(event, |tx| staff_bulk::insert_staff_many(tx, &rows, &mut rows_done))?;
        Ok(count)
    }

    pub fn export_staff_csv(&self) -> ServiceResult<Vec<u8>> {
        let directory = self.directory()?;
        self.stage("writing the rows", directory.staff.len() as u64);
        let email_of =
            |id: Option<StaffId>| id.and_then(|m| directory.person(m)).map(|m| m.email.clone()).unwrap_or_default();
        let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let bytes = csv_bytes(
            &["full_name", "email", "job_title", "team", "manager_email", "start_date", "end_date", "status", "notes"],
            directory.staff.iter().map(|s| {
                self.advance(1);
                vec![
                    s.full_name.clone(),
                    s.email.clone(),
                    s.job_title.clone(),
                    s.team.clone(),
                    email_of(s.manager_id),
                    date(s.start_date),
                    date(s.end_date),
                    s.status.to_string(),
                    s.notes.clone(),
                ]
            }),
        )?;
        // Stopped here, nothing is written: the file is written after this returns.
        self.checkpoint()?;
        Ok(bytes)
    }

    pub fn export_access_csv(&self) -> ServiceResult<Vec<u8>> {
        let directory = self.directory()?;
        let rows = access_rows(&directory, self.today(), None, None);
        self.stage("writing the rows", rows.len() as u64);
        let bytes = csv_bytes(
            &["email", "name", "system", "level", "privileged", "customer_data", "source", "expires_on"],
            rows.into_iter().map(|r| {
                self.advance(1);
                vec![
                    r.email,
                    r.name,
                    r.system,
                    r.level,
                    r.privileged.to_string(),
                    r.customer_data.to_string(),
                    r.source,
                    r.expires_on.unwrap_or_default(),
                ]
            }),
        )?;
        // Stopped here, nothing is written: the file is written after this returns.
        self.checkpoint()?;
        Ok(bytes)
    }

    /// The access matrix: one row per person, one column per system (optionally only systems
    /// with customer data); a cell is the highest level, marked when it is an exception.
    pub fn export_matrix_csv(&self, customer_data_only: bool) -> ServiceResult<Vec<u8>> {
        let directory = self.directory()?;
        let cells = directory.matrix(self.today());
        let systems: Vec<_> = directory.systems.iter().filter(|s| !customer_data_only || s.customer_data).collect();
        self.stage("writing the rows", directory.staff.len() as u64);
        let mut header = vec!["email", "name"];
        header.extend(systems.iter().map(|s| s.name.as_str()));
        let bytes = csv_bytes(
            &header,
            directory.staff.iter().map(|person| {
                self.advance(1);
                let mut row = vec![person.email.clone(), person.full_name.clone()];
                for system in &systems {
                    let cell = cells.get(&(person.id, system.id));
                    row.push(cell.and_then(|c| directory.level(c.level_id)).map_or(String::new(), |(_, level)| {
                        let exception = cell.is_some_and(|c| c.exception);
                        if exception { format!("{} (exception)", level.name) } else { level.name.clone() }
                    }));
                }
                row
            }),
        )?;
        // Stopped here, nothing is written: the file is written after this returns.
        self.checkpoint()?;
        Ok(bytes)
    }
}
