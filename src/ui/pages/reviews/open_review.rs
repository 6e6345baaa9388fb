//! An access review open on screen: its items in memory, arranged by person or by system and
//! filtered to what changed, the cursor, and decisions mirrored without reading the items back.

use crate::domain::checklist::ItemState;
use crate::domain::review::{Decision, ReviewItem};
use crate::service::ReviewSummary;
use std::collections::HashMap;

/// A campaign open on screen: its items in memory, in the order and filter shown.
pub struct OpenReview {
    pub summary: ReviewSummary,
    pub items: Vec<ReviewItem>,
    pub revocations: HashMap<i64, ItemState>,
    pub exports: Vec<(jiff::Timestamp, String, String)>,
    /// Indexes into `items`, as shown.
    pub rows: Vec<usize>,
    pub by_system: bool,
    pub changed_only: bool,
    /// Index into `rows`.
    pub cursor: usize,
    pub comment: String,
    pub scroll_to_cursor: bool,
    /// "Sign off" was pressed: the dialog that says what it does is open.
    pub confirm_sign_off: bool,
    /// A decision was refused for want of a comment: the comment field takes the keyboard.
    pub focus_comment: bool,
}

impl OpenReview {
    pub fn new(
        summary: ReviewSummary,
        items: Vec<ReviewItem>,
        revocations: HashMap<i64, ItemState>,
        exports: Vec<(jiff::Timestamp, String, String)>,
    ) -> Self {
        let mut open = Self {
            summary,
            items,
            revocations,
            exports,
            rows: Vec::new(),
            by_system: false,
            changed_only: false,
            cursor: 0,
            comment: String::new(),
            scroll_to_cursor: false,
            confirm_sign_off: false,
            focus_comment: false,
        };
        open.arrange();
        // Carry on where the reviewer stopped.
        open.cursor = open.rows.iter().position(|&i| open.items[i].decision.is_none()).unwrap_or(0);
        open.scroll_to_cursor = true;
        open
    }

    /// Work out the rows shown (after a filter or grouping change, not per frame).
    pub fn arrange(&mut self) {
        let items = &self.items;
        let mut rows: Vec<usize> =
            (0..items.len()).filter(|&i| !self.changed_only || !items[i].item.changed.is_empty()).collect();
        if self.by_system {
            rows.sort_by(|&a, &b| {
                let (a, b) = (&items[a].item, &items[b].item);
                (a.system.to_lowercase(), &a.level, a.full_name.to_lowercase()).cmp(&(
                    b.system.to_lowercase(),
                    &b.level,
                    b.full_name.to_lowercase(),
                ))
            });
        }
        self.rows = rows;
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
    }

    pub fn current(&self) -> Option<&ReviewItem> {
        self.rows.get(self.cursor).and_then(|&i| self.items.get(i))
    }

    /// Move to the next row, or the first row after it still undecided when `undecided`.
    pub fn advance(&mut self, undecided: bool) {
        let start = self.cursor + 1;
        let next = (start..self.rows.len()).find(|&r| !undecided || self.items[self.rows[r]].decision.is_none());
        if let Some(next) = next.or_else(|| (start < self.rows.len()).then_some(start)) {
            self.cursor = next;
        }
        self.scroll_to_cursor = true;
    }

    /// The items of the current row's person (or system, when grouped by system).
    pub fn group_of_current(&self) -> Vec<i64> {
        let Some(current) = self.current() else { return Vec::new() };
        self.items
            .iter()
            .filter(|i| {
                if self.by_system {
                    i.item.system_id == current.item.system_id
                } else {
                    i.item.staff_id == current.item.staff_id
                }
            })
            .map(|i| i.id)
            .collect()
    }

    /// Mirror a decision the vault accepted, without reading 100,000 items back.
    pub fn record_decision(&mut self, ids: &[i64], decision: &Decision, comment: &str, by: &str, at: jiff::Timestamp) {
        // Items come in id order: each decided one is found by a binary search, and the
        // counts move by what changed (100,000 items are not walked per K).
        let counts = &mut self.summary.counts;
        for id in ids {
            let found = match self.items.binary_search_by_key(id, |i| i.id) {
                Ok(index) => Some(index),
                Err(_) => self.items.iter().position(|i| i.id == *id),
            };
            let Some(item) = found.and_then(|index| self.items.get_mut(index)) else { continue };
            if let Some(old) = item.decision.replace(decision.clone()) {
                tally(counts, &old, false);
            }
            tally(counts, decision, true);
            item.comment = comment.to_owned();
            item.decided_by = Some(by.to_owned());
            item.decided_at = Some(at);
        }
    }

    pub fn locked(&self) -> bool {
        self.summary.review.signed_off_at.is_some()
    }
}

/// Count a decision into a review's tallies (`add`) or take it out again.
fn tally(counts: &mut crate::domain::review::ReviewCounts, decision: &Decision, add: bool) {
    let count = |n: &mut usize| *n = if add { *n + 1 } else { n.saturating_sub(1) };
    count(&mut counts.decided);
    match decision {
        Decision::Keep => count(&mut counts.kept),
        Decision::Remove => count(&mut counts.removed),
        Decision::Reduce(_) => count(&mut counts.reduced),
    }
}
