//! How far a long use case has got, read by another thread while it runs, and the request to
//! stop it. The use case counts its work (`advance`) and, where stopping is safe, asks
//! [`Progress::checkpoint`], which turns a cancel request into [`ServiceError::Cancelled`]: the
//! transaction around the work is then rolled back and nothing half-written stays.

use super::{Office, ServiceError, ServiceResult};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Shared between the thread doing the work and the window showing it.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    /// 0 while the amount of work is not known.
    total: AtomicU64,
    cancelled: AtomicBool,
    /// What the work is doing now ("Reading the file", "Writing the PDF").
    stage: Mutex<&'static str>,
}

impl Progress {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// A new stage of `total` steps (0: not known), counted from zero.
    pub fn stage(&self, stage: &'static str, total: u64) {
        if let Ok(mut shown) = self.stage.lock() {
            *shown = stage;
        }
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    pub fn advance(&self, steps: u64) {
        self.done.fetch_add(steps, Ordering::Relaxed);
    }

    /// Ask the work to stop at its next checkpoint.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Where stopping is safe: `Err(Cancelled)` once cancelling was asked for.
    pub fn checkpoint(&self) -> ServiceResult<()> {
        if self.is_cancelled() { Err(ServiceError::Cancelled) } else { Ok(()) }
    }

    /// The share done, 0.0 to 1.0, when the amount of work is known.
    pub fn fraction(&self) -> Option<f32> {
        let total = self.total.load(Ordering::Relaxed);
        let done = self.done.load(Ordering::Relaxed).min(total);
        (total > 0).then(|| (done as f64 / total as f64) as f32)
    }

    /// (done, total) of the current stage; total 0 when not known.
    pub fn counts(&self) -> (u64, u64) {
        (self.done.load(Ordering::Relaxed), self.total.load(Ordering::Relaxed))
    }

    pub fn stage_name(&self) -> &'static str {
        self.stage.lock().map(|s| *s).unwrap_or("")
    }
}

impl Office {
    /// Report to `progress` while the next use cases run (a background job); `None` stops.
    pub fn report_to(&mut self, progress: Option<Arc<Progress>>) {
        self.progress = progress;
    }

    /// Start a stage of the work being reported (nothing when no one is watching).
    pub(crate) fn stage(&self, stage: &'static str, total: u64) {
        if let Some(progress) = &self.progress {
            progress.stage(stage, total);
        }
    }

    /// Count `steps` more done.
    pub(crate) fn advance(&self, steps: u64) {
        if let Some(progress) = &self.progress {
            progress.advance(steps);
        }
    }

    /// Where the use case can stop with nothing half-done: `Err(Cancelled)` once asked to.
    pub(crate) fn checkpoint(&self) -> ServiceResult<()> {
        self.progress.as_ref().map_or(Ok(()), |progress| progress.checkpoint())
    }

    /// For a loop in the vault layer: counts rows and says whether to go on.
    pub(crate) fn rows_done(&self) -> impl FnMut(usize) -> bool + use<> {
        let progress = self.progress.clone();
        move |rows| {
            progress.as_ref().is_none_or(|progress| {
                progress.advance(rows as u64);
                !progress.is_cancelled()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_a_stage_and_turns_a_cancel_into_an_error() {
        let progress = Progress::new();
        assert_eq!(progress.fraction(), None, "unknown amount of work");
        progress.stage("Writing rows", 4);
        progress.advance(1);
        assert_eq!(progress.fraction(), Some(0.25));
        assert_eq!(progress.stage_name(), "Writing rows");
        assert!(progress.checkpoint().is_ok());
        progress.cancel();
        assert!(matches!(progress.checkpoint(), Err(ServiceError::Cancelled)));
        progress.advance(10);
        assert_eq!(progress.fraction(), Some(1.0), "never more than all of it");
    }
}
