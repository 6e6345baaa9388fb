//! The evidence of an access review an auditor files: a CSV with one row per item and a PDF
//! with the scope, reviewer, dates, summary, every decision and every revocation.

use super::records::csv_bytes;
use super::{Office, ServiceResult};
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::ItemState;
use crate::domain::review::{Decision, ReviewItem};
use crate::report::PdfReport;
use crate::vault::reviews;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Up to this many items, the PDF lists every one.
const PDF_FULL_LIST_LIMIT: usize = 2_000;

fn when(at: Option<jiff::Timestamp>) -> String {
    at.map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()
}

/// (state, by, at, reason) of an item's revocation, empty when there is none.
fn revocation(item: &ReviewItem, states: &HashMap<i64, ItemState>) -> [String; 4] {
    match states.get(&item.id) {
        None => Default::default(),
        Some(ItemState::Open) => ["open".into(), String::new(), String::new(), String::new()],
        Some(ItemState::Done { by, at, confirmed }) => {
            ["done".into(), by.clone(), when(Some(*at)), confirmed.clone().unwrap_or_default()]
        }
        Some(ItemState::Skipped { by, at, reason }) => ["skipped".into(), by.clone(), when(Some(*at)), reason.clone()],
    }
}

fn last_revocation(states: &HashMap<i64, ItemState>) -> Option<jiff::Timestamp> {
    states
        .values()
        .filter_map(|s| match s {
            ItemState::Done { at, .. } | ItemState::Skipped { at, .. } => Some(*at),
            ItemState::Open => None,
        })
        .max()
}

/// What the evidence of one campaign is made from, read once for both files.
struct Evidence {
    summary: super::ReviewSummary,
    items: Vec<ReviewItem>,
    states: HashMap<i64, ItemState>,
}

const CSV_HEADER: [&str; 26] = [
    "review",
    "scope",
    "reviewer",
    "review_started",
    "review_due",
    "signed_off_at",
    "signed_off_by",
    "item",
    "email",
    "name",
    "team",
    "system",
    "level",
    "source",
    "exception",
    "privileged",
    "customer_data",
    "changed",
    "decision",
    "comment",
    "decided_by",
    "decided_at",
    "revocation",
    "revoked_by",
    "revoked_at",
    "revocation_note",
];

impl Evidence {
    /// One row per item: who, what, where from, the decision with comment, reviewer and
    /// times, and the revocation.
    fn csv(&self) -> ServiceResult<Vec<u8>> {
        let review = &self.summary.review;
        let (review_id, scope, started, due, signed, signed_by) = (
            review.id.to_string(),
            review.scope.code(),
            when(Some(review.started_at)),
            review.due.to_string(),
            when(review.signed_off_at),
            review.signed_off_by.clone().unwrap_or_default(),
        );
        let yes_no = |b: bool| Cow::Borrowed(if b { "yes" } else { "no" });
        let rows = self.items.iter().map(|item| {
            let s = &item.item;
            let [state, by, at, note] = revocation(item, &self.states);
            [
                Cow::Borrowed(review_id.as_str()),
                Cow::Borrowed(scope.as_str()),
                Cow::Borrowed(review.reviewer.as_str()),
                Cow::Borrowed(started.as_str()),
                Cow::Borrowed(due.as_str()),
                Cow::Borrowed(signed.as_str()),
                Cow::Borrowed(signed_by.as_str()),
                Cow::Owned(item.id.to_string()),
                Cow::Borrowed(s.email.as_str()),
                Cow::Borrowed(s.full_name.as_str()),
                Cow::Borrowed(s.team.as_str()),
                Cow::Borrowed(s.system.as_str()),
                Cow::Borrowed(s.level.as_str()),
                Cow::Borrowed(s.source.as_str()),
                yes_no(s.is_exception()),
                yes_no(s.privileged),
                yes_no(s.customer_data),
                Cow::Borrowed(s.changed.as_str()),
                Cow::Owned(item.decision.as_ref().map(|d| d.code()).unwrap_or_default()),
                Cow::Borrowed(item.comment.as_str()),
                Cow::Borrowed(item.decided_by.as_deref().unwrap_or_default()),
                Cow::Owned(when(item.decided_at)),
                Cow::Owned(state),
                Cow::Owned(by),
                Cow::Owned(at),
                Cow::Owned(note),
            ]
        });
        csv_bytes(&CSV_HEADER, rows)
    }

    /// The evidence as a PDF: facts, summary, decisions (removals and kept exceptions first)
    /// and revocations.
    fn pdf(&self, office_name: String) -> ServiceResult<Vec<u8>> {
        let (summary, items, states) = (&self.summary, &self.items, &self.states);
        let review = &summary.review;
        let counts = summary.counts;
        let last = last_revocation(states);
        let to_last = match (review.signed_off_at, last, summary.state) {
            (Some(signed), Some(last), crate::domain::review::ReviewState::Complete) => {
                let minutes = signed.duration_until(last).as_mins().max(0);
                format!("{} h {} min", minutes / 60, minutes % 60)
            }
            (Some(_), None, crate::domain::review::ReviewState::Complete) => "nothing to remove".into(),
            _ => "not finished".into(),
        };
        let mut report = PdfReport::new(&format!("Access review #{}: {}", review.id, review.scope.describe()));
        report.facts(&[
            ("Office", office_name),
            ("Scope", review.scope.code()),
            ("Reviewer", review.reviewer.clone()),
            ("Started", format!("{} by {}", when(Some(review.started_at)), review.started_by)),
            ("Due", review.due.to_string()),
            (
                "Signed off",
                match (&review.signed_off_at, &review.signed_off_by) {
                    (Some(at), Some(by)) => format!("{} by {by}", when(Some(*at))),
                    _ => "not yet".into(),
                },
            ),
            ("State", summary.state.label().to_owned()),
        ]);
        report.heading("Summary");
        report.facts(&[
            ("Items reviewed", counts.items.to_string()),
            ("Kept", counts.kept.to_string()),
            ("Removed", counts.removed.to_string()),
            ("Reduced", counts.reduced.to_string()),
            ("Exceptions", counts.exceptions.to_string()),
            ("Revocations done", format!("{} of {}", counts.revocations - counts.revocations_open, counts.revocations)),
            ("Sign-off to last revocation", to_last),
        ]);
        report.heading("Decisions");
        // Small offices get every item. Beyond that, every item an auditor looks at is listed
        // (removals, reductions, exceptions, privileged access) and routine access kept from
        // roles is counted per system; the CSV always has every item.
        let notable = |item: &ReviewItem| {
            !matches!(item.decision, Some(Decision::Keep)) || item.item.is_exception() || item.item.privileged
        };
        let everything = items.len() <= PDF_FULL_LIST_LIMIT;
        let mut listed: Vec<&ReviewItem> = items.iter().filter(|i| everything || notable(i)).collect();
        listed.sort_by_key(|i| {
            (matches!(i.decision, Some(Decision::Keep)), !(i.item.is_exception() || i.item.privileged))
        });
        report.paragraph(if everything {
            "Every item: removals and reductions first, then kept exceptions and privileged access, then the rest."
        } else {
            "Removals, reductions, exceptions and privileged access, item by item; routine access kept from roles is counted per system after them. The CSV export lists every item."
        });
        let rows: Vec<Vec<String>> = listed
            .iter()
            .map(|item| {
                let s = &item.item;
                let [state, by, at, note] = revocation(item, states);
                let revocation = match state.as_str() {
                    "" => String::new(),
                    "open" => "open".into(),
                    _ if note.is_empty() => format!("{state} by {by} {at}"),
                    _ => format!("{state} by {by} {at}: {note}"),
                };
                vec![
                    format!("{} <{}>", s.full_name, s.email),
                    format!("{} ({})", s.system, s.level),
                    s.source.clone(),
                    item.decision.as_ref().map(|d| d.code()).unwrap_or_else(|| "undecided".into()),
                    item.comment.clone(),
                    revocation,
                ]
            })
            .collect();
        report.table(
            &["Person", "Access", "Source", "Decision", "Comment", "Revocation"],
            &[36.0, 27.0, 36.0, 18.0, 30.0, 31.0],
            &rows,
        );
        if !everything {
            let mut routine: BTreeMap<String, usize> = BTreeMap::new();
            for item in items.iter().filter(|i| !notable(i)) {
                *routine.entry(format!("{} ({})", item.item.system, item.item.level)).or_default() += 1;
            }
            report.heading("Routine access kept, from roles");
            let rows: Vec<Vec<String>> = routine.into_iter().map(|(access, n)| vec![access, n.to_string()]).collect();
            report.table(&["Access", "People kept"], &[120.0, 58.0], &rows);
        }
        Ok(report.finish())
    }
}

impl Office {
    fn evidence(&self, id: i64) -> ServiceResult<Evidence> {
        Ok(Evidence { summary: self.review(id)?, items: self.review_items(id)?, states: self.review_revocations(id)? })
    }

    /// A campaign's evidence as CSV, one row per item.
    pub fn review_csv(&self, id: i64) -> ServiceResult<Vec<u8>> {
        self.evidence(id)?.csv()
    }

    /// A campaign's evidence as PDF.
    pub fn review_pdf(&self, id: i64) -> ServiceResult<Vec<u8>> {
        self.evidence(id)?.pdf(self.settings()?.office_name)
    }

    /// Write both files (never over an existing file) and keep a record of the export.
    pub fn export_review(&mut self, id: i64, pdf: &Path, csv: &Path) -> ServiceResult<()> {
        if let Some(existing) = [pdf, csv].into_iter().find(|p| p.exists()) {
            // Checked first so a refused export leaves neither file behind.
            return Err(crate::service::ServiceError::conflict(format!("{} already exists", existing.display())));
        }
        self.stage("reading the review", 0);
        let evidence = self.evidence(id)?;
        self.checkpoint()?;
        self.stage("writing the PDF", 0);
        let pdf_bytes = evidence.pdf(self.settings()?.office_name)?;
        self.checkpoint()?;
        self.stage("writing the CSV", 0);
        let csv_file = evidence.csv()?;
        // The last moment to stop: after this the files exist.
        self.checkpoint()?;
        for (path, bytes) in [(pdf, &pdf_bytes), (csv, &csv_file)] {
            crate::vault::fsutil::write_new(path, bytes)?;
        }
        let files = format!("{}, {}", pdf.display(), csv.display());
        let (now, by) = (self.now(), self.operator().to_string());
        let event = AuditEvent::new("review.export", format!("evidence of access review #{id} exported to {files}"));
        self.record(event, |tx| reviews::record_export(tx, id, now, &by, &files))
    }
}
