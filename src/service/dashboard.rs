//! The figures behind the dashboard's three charts, read with the rest of the office (never
//! while drawing): MFA coverage per system, leavers' time to full revocation over the last
//! year, and the progress of the latest access reviews.

use super::due::mfa_accounts;
use super::{Office, ServiceResult};
use crate::domain::access::Directory;
use crate::domain::checklist::{Checklist, Process};
use crate::vault::checklists;

/// How many reviews the progress chart shows (the latest ones).
const REVIEWS_SHOWN: usize = 4;

/// Of a system's active accounts, how many use MFA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaCoverage {
    pub system: String,
    pub enrolled: usize,
    pub accounts: usize,
}

/// A leaver whose checklist finished: from closing time on their last day until the last
/// revocation item was closed.
#[derive(Debug, Clone, PartialEq)]
pub struct Revocation {
    pub who: String,
    pub last_day: jiff::civil::Date,
    /// Never negative: access removed before closing time counts as 0.
    pub hours: f64,
}

/// How far one access review has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewProgress {
    pub id: i64,
    pub title: String,
    pub decided: usize,
    pub items: usize,
}

/// Everything the charts draw, empty for a new office.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DashboardFigures {
    pub mfa: Vec<MfaCoverage>,
    /// Oldest first.
    pub revocations: Vec<Revocation>,
    /// When the office closes: the revocations count from then on each last day.
    pub closes_at: jiff::civil::Time,
    /// Oldest first.
    pub reviews: Vec<ReviewProgress>,
}

/// MFA coverage of each system that supports MFA and has active accounts, by name.
pub fn mfa_coverage(directory: &Directory) -> Vec<MfaCoverage> {
    let mut coverage: Vec<MfaCoverage> = Vec::new();
    for (account, _, system) in mfa_accounts(directory) {
        let index = match coverage.iter().position(|c| c.system == system.name) {
            Some(index) => index,
            None => {
                coverage.push(MfaCoverage { system: system.name.clone(), enrolled: 0, accounts: 0 });
                coverage.len() - 1
            }
        };
        coverage[index].accounts += 1;
        coverage[index].enrolled += usize::from(account.mfa_enrolled);
    }
    coverage.sort_by(|a, b| a.system.cmp(&b.system));
    coverage
}

/// Finished leaver checklists with their time to full revocation, oldest last day first.
fn revocations(
    lists: &[Checklist],
    directory: &Directory,
    zone: &jiff::tz::TimeZone,
    closes: jiff::civil::Time,
) -> Vec<Revocation> {
    let mut found: Vec<Revocation> = lists
        .iter()
        .filter(|c| c.process == Process::Leaver && c.finished_at.is_some())
        .filter_map(|c| {
            let taken = c.time_to_full_revocation(zone, closes)?;
            let who =
                directory.person(c.staff_id).map_or_else(|| "A former colleague".to_owned(), |p| p.full_name.clone());
            Some(Revocation { who, last_day: c.key_date, hours: (taken.as_secs_f64() / 3600.0).max(0.0) })
        })
        .collect();
    found.sort_by_key(|r| r.last_day);
    found
}

impl Office {
    /// The charts' figures, with the office record already loaded.
    pub fn dashboard_figures(&self, directory: &Directory) -> ServiceResult<DashboardFigures> {
        let year_ago = self.now().checked_sub(jiff::SignedDuration::from_hours(365 * 24)).unwrap_or(self.now());
        let lists = checklists::current(&self.vault().read(), year_ago)?;
        let closes_at = self.closing_time()?;
        Ok(DashboardFigures {
            mfa: mfa_coverage(directory),
            revocations: revocations(&lists, directory, self.time_zone(), closes_at),
            closes_at,
            reviews: self.review_progress()?,
        })
    }

    /// The latest reviews' progress (decisions change it without a full reload).
    pub fn review_progress(&self) -> ServiceResult<Vec<ReviewProgress>> {
        let mut reviews = self.reviews()?;
        reviews.sort_by_key(|r| r.review.id);
        let skip = reviews.len().saturating_sub(REVIEWS_SHOWN);
        Ok(reviews
            .iter()
            .skip(skip)
            .map(|r| ReviewProgress {
                id: r.review.id,
                title: r.title(),
                decided: r.counts.decided,
                items: r.counts.items,
            })
            .collect())
    }
}
