//! The evidence of a joiner, mover or leaver checklist, as CSV and PDF: every item with its
//! outcome, who did it and when, and the time to full revocation.

use crate::domain::checklist::{Checklist, ChecklistId, ItemState, Process};
use crate::report::PdfReport;
use crate::service::{Office, Record, ServiceError, ServiceResult};
use crate::vault::checklists;

impl Office {
    fn leaver_checklist(&self, email: &str) -> ServiceResult<Checklist> {
        self.checklists_of(email)?
            .into_iter()
            .rev()
            .find(|c| c.process == Process::Leaver)
            .ok_or_else(|| ServiceError::not_found(Record::LeaverChecklist, format!("for {}", email.trim())))
    }

    /// The evidence of a person's latest leaver process, as CSV: every item with its outcome,
    /// who did it and when, and the time to full revocation.
    pub fn leaver_report_csv(&self, email: &str) -> ServiceResult<Vec<u8>> {
        self.report_csv(&self.leaver_checklist(email)?)
    }

    /// The report of any joiner, mover or leaver checklist, as CSV.
    pub fn checklist_report_csv(&self, id: ChecklistId) -> ServiceResult<Vec<u8>> {
        self.report_csv(&self.checklist_by_id(id)?)
    }

    /// The report of any joiner, mover or leaver checklist, as PDF.
    pub fn checklist_report_pdf(&self, id: ChecklistId) -> ServiceResult<Vec<u8>> {
        self.report_pdf(&self.checklist_by_id(id)?)
    }

    fn checklist_by_id(&self, id: ChecklistId) -> ServiceResult<Checklist> {
        checklists::checklist(&self.vault().read(), id)?
            .ok_or_else(|| ServiceError::not_found(Record::Checklist, format!("{id}")))
    }

    fn report_csv(&self, list: &Checklist) -> ServiceResult<Vec<u8>> {
        let items = list.items.iter().map(|item| {
            let (by, at, reason) = outcome(&item.state);
            [
                item.id.to_string(),
                item.kind.code().to_owned(),
                item.title.clone(),
                item.due.to_string(),
                item.state.label().to_owned(),
                by,
                at,
                reason,
            ]
        });
        let summary = [
            "",
            "summary",
            "time to full revocation",
            "",
            &revocation_text(list, self.time_zone(), self.closing_time()?),
            "",
            "",
            "",
        ]
        .map(str::to_owned);
        super::super::records::csv_bytes(
            &["item", "kind", "task", "due", "outcome", "by", "at", "reason"],
            items.chain(std::iter::once(summary)),
        )
    }

    /// The same evidence as a PDF an auditor can file.
    pub fn leaver_report_pdf(&self, email: &str) -> ServiceResult<Vec<u8>> {
        self.report_pdf(&self.leaver_checklist(email)?)
    }

    fn report_pdf(&self, list: &Checklist) -> ServiceResult<Vec<u8>> {
        let directory = self.directory()?;
        let person = directory
            .person(list.staff_id)
            .ok_or_else(|| ServiceError::not_found(Record::StaffMember, format!("#{}", list.staff_id)))?;
        let process = list.process.label();
        let mut report = PdfReport::new(&format!("{process} report: {}", person.full_name));
        let done = list.items.iter().filter(|i| matches!(i.state, ItemState::Done { .. })).count();
        let skipped = list.items.iter().filter(|i| matches!(i.state, ItemState::Skipped { .. })).count();
        report.facts(&[
            ("Person", format!("{} <{}>", person.full_name, person.email)),
            ("Team", person.team.clone()),
            (if list.process == Process::Leaver { "Last day" } else { "Key date" }, list.key_date.to_string()),
            ("Process started", list.started_at.strftime("%Y-%m-%d %H:%M UTC").to_string()),
            (
                "Finished",
                list.finished_at.map_or("not yet".to_owned(), |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string()),
            ),
            (
                "Items",
                format!("{} ({done} done, {skipped} skipped, {} open)", list.items.len(), list.open_items().count()),
            ),
            ("Time to full revocation", revocation_text(list, self.time_zone(), self.closing_time()?)),
            ("Report by", format!("{} at {}", self.operator(), self.now().strftime("%Y-%m-%d %H:%M UTC"))),
        ]);
        report.heading("Every item, its outcome, who and when");
        let rows: Vec<Vec<String>> = list
            .items
            .iter()
            .map(|item| {
                let (by, at, reason) = outcome(&item.state);
                let outcome =
                    if reason.is_empty() { item.state.label().to_owned() } else { format!("skipped: {reason}") };
                vec![
                    item.title.clone(),
                    item.due.to_string(),
                    outcome,
                    by,
                    at.get(..16).unwrap_or(&at).replace('T', " "),
                ]
            })
            .collect();
        report.table(&["Task", "Due", "Outcome", "By", "When (UTC)"], &[78.0, 20.0, 40.0, 16.0, 24.0], &rows);
        report.paragraph(
            "Time to full revocation runs from closing time on the last day (in the office's time zone) to the \
             moment the last access item (role, direct grant or account) was closed; access removed before \
             closing counts as 0. Produced by Keyholder from its audited records.",
        );
        Ok(report.finish())
    }
}

fn outcome(state: &ItemState) -> (String, String, String) {
    match state {
        ItemState::Open => (String::new(), String::new(), String::new()),
        ItemState::Done { by, at, confirmed } => (by.clone(), at.to_string(), confirmed.clone().unwrap_or_default()),
        ItemState::Skipped { by, at, reason } => (by.clone(), at.to_string(), reason.clone()),
    }
}

fn revocation_text(list: &Checklist, zone: &jiff::tz::TimeZone, closes: jiff::civil::Time) -> String {
    list.time_to_full_revocation(zone, closes).map_or("not complete".to_owned(), |d| {
        let closing = crate::domain::office_hours::format_closing(closes);
        format!("{:.1} hours after closing time ({closing}) on the last day", d.as_secs_f64() / 3600.0)
    })
}
