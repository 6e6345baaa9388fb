//! Access reviews: campaigns due and past, starting one, and the review itself, decided item
//! by item from the keyboard, signed off and exported as evidence. This module holds the
//! page's state and commands and carries them out; `list` and `review` draw it, `open_review`
//! is the review in memory.

mod list;
mod open_review;
mod review;

use crate::domain::review::{DEFAULT_CADENCE_DAYS, DEFAULT_DAYS_TO_COMPLETE, Decision};
use crate::service::{NewReview, Office, ReviewSummary, Rule, ServiceError, ServiceResult, counted};
use crate::ui::commands::{Command, Outcome, Target};
use crate::ui::pages::Context;
use crate::ui::records::Records;
use crate::ui::shell::{JobOutput, JobRequest};
use open_review::OpenReview;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewCommand {
    Start,
    Arrange {
        by_system: bool,
        changed_only: bool,
    },
    /// Move the cursor to this row.
    Cursor(usize),
    /// Decide the current item: `keep`, `remove` or `reduce:LEVEL`.
    Decide(String),
    /// Say why the key pressed cannot act on the current item (R on access a role gives).
    Explain(String),
    /// Keep every item of the current item's person (or system, when grouped by system).
    KeepGroup,
    /// Open (true) or close the dialog that asks before signing off.
    AskSignOff(bool),
    SignOff,
    Export,
}

impl From<ReviewCommand> for Command {
    fn from(command: ReviewCommand) -> Self {
        Command::Reviews(command)
    }
}

/// The Reviews page's state.
#[derive(Default)]
pub struct ReviewsPage {
    pub summaries: Vec<ReviewSummary>,
    pub open: Option<OpenReview>,
    pub scope: String,
    pub team: String,
    pub reviewer: String,
    /// Operators and line managers, as (value, shown) for the reviewer pick-list.
    pub reviewers: Vec<(String, String)>,
    pub due: String,
    /// Days until the next campaign of this scope.
    pub cadence: String,
    pub export_base: String,
}

impl ReviewsPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
        match &mut self.open {
            Some(open) => review::ui(ui, open, &mut self.export_base, &records.directory, commands),
            None => list::ui(ui, self, &records.teams, records.today, commands),
        }
    }

    /// Read the list of reviews (on opening the page), with the start form's defaults once.
    pub fn load(&mut self, office: &Office) -> ServiceResult<()> {
        self.summaries = office.reviews()?;
        self.reviewers = office.reviewer_choices()?;
        if self.reviewer.is_empty() {
            self.reviewer = office.operator().to_string();
            self.scope = "all".into();
            let days = jiff::Span::new().days(DEFAULT_DAYS_TO_COMPLETE);
            let due = office.today().checked_add(days).unwrap_or(office.today());
            self.due = due.to_string();
            self.cadence = DEFAULT_CADENCE_DAYS.to_string();
        }
        // Someone who no longer manages anyone (or has left) is no longer offered.
        if !self.reviewers.iter().any(|(value, _)| *value == self.reviewer) {
            self.reviewer = office.operator().to_string();
        }
        Ok(())
    }

    /// Open review `id`, or (`None`) go back to the list.
    pub fn open(&mut self, office: &Office, id: Option<i64>) -> ServiceResult<()> {
        self.open = None;
        match id {
            Some(id) => self.open_review(office, id),
            None => self.load(office),
        }
    }

    /// Read a campaign into memory (on opening it and after signing off, not per decision).
    fn open_review(&mut self, office: &Office, id: i64) -> ServiceResult<()> {
        self.load(office)?;
        let previous = self.open.take();
        let mut open = OpenReview::new(
            office.review(id)?,
            office.review_items(id)?,
            office.review_revocations(id)?,
            office.review_exports(id)?,
        );
        if let Some(previous) = previous.filter(|p| p.summary.review.id == id) {
            open.by_system = previous.by_system;
            open.changed_only = previous.changed_only;
            open.cursor = previous.cursor;
            open.arrange();
        }
        if self.export_base.is_empty() {
            let folder = office.vault_path().parent().map(|p| p.to_path_buf()).unwrap_or_default();
            self.export_base = folder.join(format!("access-review-{id}")).display().to_string();
        }
        self.open = Some(open);
        Ok(())
    }

    fn open_review_id(&self) -> ServiceResult<i64> {
        let open = self.open.as_ref();
        open.map(|o| o.summary.review.id).ok_or_else(|| ServiceError::Invalid("open a review first".into()))
    }

    pub fn apply(&mut self, command: ReviewCommand, cx: &mut Context<'_>) -> Outcome {
        let message = match command {
            ReviewCommand::Arrange { by_system, changed_only } => {
                if let Some(open) = &mut self.open {
                    open.by_system = by_system;
                    open.changed_only = changed_only;
                    open.cursor = 0;
                    open.arrange();
                    open.scroll_to_cursor = true;
                }
                return Outcome::SHOWN;
            }
            ReviewCommand::Cursor(row) => {
                if let Some(open) = &mut self.open {
                    open.cursor = row.min(open.rows.len().saturating_sub(1));
                    open.comment.clear();
                    open.scroll_to_cursor = true;
                }
                return Outcome::SHOWN;
            }
            ReviewCommand::Start => return self.start(),
            ReviewCommand::Decide(code) => {
                let decided = self.decide(cx.office, &code, false);
                if let (Err(ServiceError::RefusedByPolicy { rule: Rule::ReviewDecision, .. }), Some(open)) =
                    (&decided, &mut self.open)
                {
                    open.focus_comment = true;
                }
                decided.map(|()| None)
            }
            ReviewCommand::Explain(why) => return Outcome::Shown(Err(ServiceError::RefusedByState(why))),
            ReviewCommand::KeepGroup => self.decide(cx.office, "keep", true).map(|()| None),
            ReviewCommand::AskSignOff(open) => {
                if let Some(review) = &mut self.open {
                    review.confirm_sign_off = open;
                }
                return Outcome::SHOWN;
            }
            ReviewCommand::SignOff => {
                if let Some(review) = &mut self.open {
                    review.confirm_sign_off = false;
                }
                self.sign_off(cx.office)
            }
            ReviewCommand::Export => return self.export(),
        };
        Outcome::Written(message)
    }

    /// Start the review on a worker thread (a whole office's access is frozen), then open it.
    fn start(&mut self) -> Outcome {
        let scope = if self.scope == "team" { format!("team:{}", self.team) } else { self.scope.clone() };
        let Ok(cadence) = self.cadence.trim().parse::<u32>() else {
            return Outcome::Written(Err(ServiceError::Invalid("choose how often the review repeats".into())));
        };
        let (reviewer, due) = (self.reviewer.clone(), self.due.clone());
        Outcome::Background(JobRequest::new("Starting the access review", true, move |office| {
            let new =
                NewReview { scope: &scope, reviewer: Some(&reviewer), due: Some(&due), cadence_days: Some(cadence) };
            let id = office.start_review(&new)?;
            let count = counted(office.review(id)?.counts.items, "piece of access", "pieces of access");
            let message = format!("Review started: {count} to decide. K keeps, R removes, J moves on.");
            Ok(JobOutput::Open(message, Target::Review(Some(id))))
        }))
    }

    /// Decide the current item, or (`group`) keep every item of its person or system.
    fn decide(&mut self, office: &mut Office, code: &str, group: bool) -> ServiceResult<()> {
        let invalid = ServiceError::Invalid;
        let open = self.open.as_mut().ok_or_else(|| invalid("open a review first".into()))?;
        let ids = if group { open.group_of_current() } else { open.current().map(|i| vec![i.id]).unwrap_or_default() };
        let comment = open.comment.trim().to_owned();
        office.decide_review_items(&ids, code, &comment)?;
        let decision = Decision::parse(code).map_err(invalid)?;
        open.record_decision(&ids, &decision, &comment, office.operator().as_str(), office.now());
        open.comment.clear();
        open.advance(true);
        Ok(())
    }

    fn sign_off(&mut self, office: &mut Office) -> ServiceResult<Option<String>> {
        let id = self.open_review_id()?;
        let removals = office.sign_off_review(id)?;
        self.open_review(office, id)?;
        let removals = counted(removals, "removal", "removals");
        Ok(Some(format!("Review signed off; {removals} to carry out (Joiners & leavers lists them).")))
    }

    /// Write the evidence on a worker thread, then show the review again with the export
    /// listed.
    fn export(&mut self) -> Outcome {
        let id = match self.open_review_id() {
            Ok(id) => id,
            Err(error) => return Outcome::Written(Err(error)),
        };
        let base = self.export_base.trim().to_owned();
        Outcome::Background(JobRequest::new("Exporting the review's evidence", true, move |office| {
            let (pdf, csv) = (format!("{base}.pdf"), format!("{base}.csv"));
            office.export_review(id, std::path::Path::new(&pdf), std::path::Path::new(&csv))?;
            Ok(JobOutput::Open(format!("Evidence saved as {pdf} and {csv}."), Target::Review(Some(id))))
        }))
    }
}
