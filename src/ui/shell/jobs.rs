//! Slow use cases (exports, import, verify, backup, starting a review, anything that derives a
//! key) run on a worker thread so the window keeps drawing. The office moves to that thread for
//! the job and comes back with the result: there is never a second connection or a second
//! copy of the key, and nothing else can write meanwhile. The pages draw from what they had
//! read; the progress line shows the job's stage, a bar when the amount of work is known, and
//! Cancel where stopping leaves nothing half-written.

use crate::domain::secret::wipe_stack;
use crate::domain::staff_csv::ImportPlan;
use crate::service::{Office, Progress, ServiceResult, thousands};
use crate::ui::commands::{Command, Target};
use crate::ui::records::Records;
use crate::ui::widgets::style::{State, state_label};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Condvar, Mutex};

/// The status line's slots: the bar (or spinner) and the stage text.
const BAR_WIDTH: f32 = 200.0;
const STAGE_WIDTH: f32 = 420.0;

/// What a finished job hands back to its page.
pub enum JobOutput {
    /// The notice to show (a write was made, or a file was written).
    Message(Option<String>),
    /// Done; then go to this place (a review just started).
    Open(String, Target),
    /// An import file checked: the page shows what would be added.
    ImportPlan(ImportPlan),
    /// The vault verified: the problems found (none when intact).
    Verified(Vec<String>),
    /// An operator was added (their name leaves the form): the notice.
    OperatorAdded(String),
    /// A directory answered a test: its accounts counted and its groups.
    DirectoryTested { name: String, users: usize, groups: Vec<String> },
    /// A directory was checked for drift (after a change, if one was made): the notice.
    DirectoryChecked(crate::service::SyncReport, String),
    /// What ticking a connected item would send to its directory.
    ItemPreview(crate::domain::checklist::ItemId, crate::service::DirectoryPreview),
}

type Work = Box<dyn FnOnce(&mut Office) -> ServiceResult<JobOutput> + Send>;

/// A slow use case a page asks the shell to run.
pub struct JobRequest {
    /// What it is doing, as the progress line says it ("Exporting the staff list").
    pub label: String,
    /// Whether Cancel is offered: only where stopping undoes everything (one transaction, or
    /// a file not yet written).
    pub cancellable: bool,
    work: Work,
}

impl JobRequest {
    pub fn new(
        label: impl Into<String>,
        cancellable: bool,
        work: impl FnOnce(&mut Office) -> ServiceResult<JobOutput> + Send + 'static,
    ) -> Self {
        Self { label: label.into(), cancellable, work: Box::new(work) }
    }
}

/// Lets a test hold jobs before they start, to step frames while one is running. Open (jobs
/// start at once) unless made with [`JobGate::held`].
#[derive(Clone, Default)]
pub struct JobGate(Option<Arc<(Mutex<bool>, Condvar)>>);

impl JobGate {
    /// Jobs wait until [`JobGate::release`].
    pub fn held() -> Self {
        Self(Some(Arc::new((Mutex::new(false), Condvar::new()))))
    }

    pub fn release(&self) {
        if let Some((open, signal)) = self.0.as_deref() {
            if let Ok(mut open) = open.lock() {
                *open = true;
            }
            signal.notify_all();
        }
    }

    /// Hold the jobs started from now on again.
    pub fn close(&self) {
        if let Some((open, _)) = self.0.as_deref()
            && let Ok(mut open) = open.lock()
        {
            *open = false;
        }
    }

    fn wait(&self) {
        let Some((open, signal)) = self.0.as_deref() else { return };
        let Ok(mut is_open) = open.lock() else { return };
        while !*is_open {
            match signal.wait(is_open) {
                Ok(guard) => is_open = guard,
                Err(_) => return,
            }
        }
    }
}

/// A job on its worker thread.
pub struct RunningJob {
    pub label: String,
    pub cancellable: bool,
    pub progress: Arc<Progress>,
    /// The command that started it, for "replace the file?" when its file turned out to exist.
    pub command: Command,
    receiver: Receiver<Done>,
}

/// What the worker thread sends back: the office, the job's result, and the office record
/// read again after a write (on the worker, so a large office never freezes the window).
type Done = (Office, ServiceResult<JobOutput>, Option<Records>);

/// A job's end: the office back, and what the job did.
pub struct Finished {
    pub office: Office,
    pub result: ServiceResult<JobOutput>,
    pub command: Command,
    /// Read after the job wrote; `None` when it failed, only read, or reading failed.
    pub records: Option<Records>,
}

pub enum Poll {
    Running(RunningJob),
    Finished(Box<Finished>),
    /// The worker thread died (a bug): the office went with it.
    Lost(String),
}

impl RunningJob {
    /// Move `office` to a worker thread and run `request` there.
    pub fn start(mut office: Office, request: JobRequest, command: Command, gate: &JobGate) -> Self {
        let progress = Progress::new();
        office.report_to(Some(progress.clone()));
        let worker_progress = progress.clone();
        let (sender, receiver) = mpsc::channel();
        let gate = gate.clone();
        let work = request.work;
        std::thread::spawn(move || {
            let progress = worker_progress;
            gate.wait();
            let result = work(&mut office);
            // Every outcome but a checked import file is followed by reading the office again.
            let records = match &result {
                Ok(JobOutput::ImportPlan(_)) => None,
                _ => {
                    progress.stage("reading the office back", 0);
                    Records::load(&office).ok()
                }
            };
            office.report_to(None);
            // A key derivation or SQLCipher leaves key material in the frames it used.
            wipe_stack();
            let _ = sender.send((office, result, records));
        });
        Self { label: request.label, cancellable: request.cancellable, progress, command, receiver }
    }

    pub fn poll(self) -> Poll {
        match self.receiver.try_recv() {
            Ok((office, result, records)) => {
                Poll::Finished(Box::new(Finished { office, result, command: self.command, records }))
            }
            Err(TryRecvError::Empty) => Poll::Running(self),
            Err(TryRecvError::Disconnected) => {
                Poll::Lost(format!("{} stopped unexpectedly: sign in again to go on.", self.label))
            }
        }
    }

    /// Block until the worker gives the office back (it was asked to cancel); `None` if the
    /// thread died.
    pub fn wait(self) -> Option<Office> {
        self.receiver.recv().ok().map(|(office, _, _)| office)
    }

    /// The progress line: a bar or a spinner in a slot of fixed width, the stage in another,
    /// then Cancel where it is safe: nothing moves as the stages change, so Cancel stays where
    /// the pointer went for it.
    pub fn ui(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            let height = ui.spacing().interact_size.y;
            ui.set_min_height(height);
            let slot = |ui: &mut egui::Ui, width: f32, add: &mut dyn FnMut(&mut egui::Ui)| {
                ui.allocate_ui_with_layout(
                    egui::vec2(width, height),
                    egui::Layout::left_to_right(egui::Align::Center),
                    |ui| {
                        ui.set_min_width(width);
                        add(ui);
                    },
                );
            };
            slot(ui, BAR_WIDTH, &mut |ui| match self.progress.fraction() {
                Some(fraction) => {
                    let (done, total) = self.progress.counts();
                    let text = format!("{} of {}", thousands(done.min(total)), thousands(total));
                    ui.add(egui::ProgressBar::new(fraction).desired_width(BAR_WIDTH).text(text));
                }
                None => {
                    ui.spinner();
                }
            });
            let stage = self.progress.stage_name();
            let text = if stage.is_empty() { self.label.clone() } else { format!("{}: {stage}", self.label) };
            let stopping = self.progress.is_cancelled();
            slot(ui, STAGE_WIDTH, &mut |ui| {
                if stopping {
                    state_label(ui, State::Attention, format!("{text} — stopping…"));
                } else {
                    ui.add(egui::Label::new(text.as_str()).truncate());
                }
            });
            if self.cancellable
                && !stopping
                && ui.button("Cancel").on_hover_text("Stop it; nothing is changed or written").clicked()
            {
                commands.push(Command::CancelJob);
            }
        });
    }
}
