//! `keyholder review …`: access review campaigns from the command line.

use super::ReviewCommand;
use crate::service::{NewReview, Office};
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct ReviewRow {
    id: i64,
    scope: String,
    reviewer: String,
    due: String,
    state: &'static str,
    decided: usize,
    items: usize,
    revocations_open: usize,
}

#[derive(Serialize)]
struct ItemRow<'a> {
    id: i64,
    email: &'a str,
    system: &'a str,
    level: &'a str,
    source: &'a str,
    changed: &'a str,
    decision: String,
}

pub fn review(office: &mut Office, action: ReviewCommand) -> Result<()> {
    match action {
        ReviewCommand::Start { scope, reviewer, due, cadence_days } => {
            let new = NewReview { scope: &scope, reviewer: reviewer.as_deref(), due: due.as_deref(), cadence_days };
            let id = office.start_review(&new)?;
            let summary = office.review(id)?;
            eprintln!("{} started: {} item(s), due {}.", summary.title(), summary.counts.items, summary.review.due);
            out!("{id}");
        }
        ReviewCommand::List { json } => {
            let rows: Vec<ReviewRow> = office
                .reviews()?
                .into_iter()
                .map(|s| ReviewRow {
                    id: s.review.id,
                    scope: s.review.scope.code(),
                    reviewer: s.review.reviewer.clone(),
                    due: s.review.due.to_string(),
                    state: s.state.label(),
                    decided: s.counts.decided,
                    items: s.counts.items,
                    revocations_open: s.counts.revocations_open,
                })
                .collect();
            super::print_list(json, &rows, |r| {
                format!("{}\t{}\t{}\t{}\t{}\t{}/{}", r.id, r.scope, r.reviewer, r.due, r.state, r.decided, r.items)
            })?;
        }
        ReviewCommand::Items { id, json } => {
            office.review(id)?;
            let items = office.review_items(id)?;
            let rows: Vec<ItemRow<'_>> = items
                .iter()
                .map(|i| ItemRow {
                    id: i.id,
                    email: &i.item.email,
                    system: &i.item.system,
                    level: &i.item.level,
                    source: &i.item.source,
                    changed: &i.item.changed,
                    decision: i.decision.as_ref().map(|d| d.code()).unwrap_or_default(),
                })
                .collect();
            super::print_list(json, &rows, |r| {
                let fields = [r.email, r.system, r.level, r.source, r.changed, &r.decision];
                format!("{}\t{}", r.id, fields.join("\t"))
            })?;
        }
        ReviewCommand::Decide { item_id, decision, comment } => {
            office.decide_review_items(&[item_id], &decision, &comment)?;
            eprintln!("Item {item_id}: {decision}.");
        }
        ReviewCommand::Signoff { id } => {
            let removals = office.sign_off_review(id)?;
            eprintln!("Review #{id} signed off; {removals} removal(s) to carry out (keyholder checklist show EMAIL).");
        }
        ReviewCommand::Export { id, pdf, csv } => {
            office.export_review(id, &pdf, &csv)?;
            eprintln!("Wrote {} and {}.", pdf.display(), csv.display());
        }
    }
    Ok(())
}
